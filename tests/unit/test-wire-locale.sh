#!/bin/sh
# test-wire under a comma-decimal locale: a snapshot's doubles cross the wire
# in the C locale whatever LC_NUMERIC virtmond or its reader run under.
set -u
. "${srcdir:-.}/tests/comma-locale.sh"
comma_locale_run tests/unit/test-wire
