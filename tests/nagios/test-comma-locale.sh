#!/bin/sh
# The Nagios face's unit tests under a comma-decimal locale.
set -u
. "${srcdir:-.}/tests/comma-locale.sh"
comma_locale_run tests/nagios/test-range tests/nagios/test-perfdata
