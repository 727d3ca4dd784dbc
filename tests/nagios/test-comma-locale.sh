#!/bin/sh
# Run the Nagios face's unit tests under a locale whose decimal point is ','
# (de_DE), built here with localedef because CI images ship only C.UTF-8.
# Perfdata and thresholds must stay in the C locale whatever LC_NUMERIC is.
set -u
command -v localedef >/dev/null 2>&1 || { echo "SKIP: no localedef"; exit 77; }
[ -e /usr/share/i18n/locales/de_DE ] || { echo "SKIP: no locale sources (package locales)"; exit 77; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/vmon-locale.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
localedef -i de_DE -f UTF-8 "$dir/de_DE.UTF-8" >"$dir/localedef.log" 2>&1 || {
    cat "$dir/localedef.log"; echo "localedef failed"; exit 99; }

rc=0
for t in tests/nagios/test-range tests/nagios/test-perfdata; do
    [ -x "$t" ] || { echo "missing $t (run from the build directory)"; exit 99; }
    echo "# $t under de_DE.UTF-8"
    LOCPATH=$dir VMON_TEST_LOCALE=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 "$t"
    r=$?
    [ $r -eq 0 ] || { echo "$t failed under de_DE.UTF-8 (exit $r)"; rc=1; }
done
exit $rc
