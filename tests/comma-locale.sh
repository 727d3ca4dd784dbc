# Sourced by tests that run C test programs again under a locale whose
# decimal point is ',' (de_DE), built here with localedef because CI images
# ship only C.UTF-8: wire records, perfdata and thresholds must stay in the
# C locale whatever LC_NUMERIC is.
#
#   . "$srcdir/tests/comma-locale.sh"; comma_locale_run PROGRAM...
#
# PROGRAMs are paths relative to the build directory; under
# `make check-valgrind` they run under tests/valgrind-wrapper.sh.  Skips (77) without
# localedef or the locale sources; exits 1 when a program fails.

comma_locale_run() {
    command -v localedef >/dev/null 2>&1 || { echo "SKIP: no localedef"; exit 77; }
    [ -e /usr/share/i18n/locales/de_DE ] || { echo "SKIP: no locale sources (package locales)"; exit 77; }

    comma_dir=$(mktemp -d "${TMPDIR:-/tmp}/vmon-locale.XXXXXX") || exit 99
    trap 'rm -rf "$comma_dir"' EXIT
    localedef -i de_DE -f UTF-8 "$comma_dir/de_DE.UTF-8" >"$comma_dir/localedef.log" 2>&1 || {
        cat "$comma_dir/localedef.log"; echo "localedef failed"; exit 99; }

    comma_rc=0
    for t in "$@"; do
        [ -x "$t" ] || { echo "missing $t (run from the build directory)"; exit 99; }
        echo "# $t under de_DE.UTF-8"
        LOCPATH=$comma_dir VMON_TEST_LOCALE=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 \
            ${VMON_VALGRIND:+"$VMON_VALGRIND"} "$t"
        r=$?
        [ $r -eq 0 ] || { echo "$t failed under de_DE.UTF-8 (exit $r)"; comma_rc=1; }
    done
    exit $comma_rc
}
