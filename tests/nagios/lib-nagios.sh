# Shared by the Nagios face's shell tests; sourced, not run.
# Run from the build directory (automake's harness does); srcdir may be set
# by the harness, else it is found from this file's location.
set -u

: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
FIXTURES=$(cd "$srcdir/tests/nagios/fixtures" && pwd)
CHECK_DOMAIN=./nagios/check_virt_domain
CHECK_HOST=./nagios/check_virt_host
PERFDATA_GET=./tests/nagios/perfdata-get

for b in "$CHECK_DOMAIN" "$CHECK_HOST" "$PERFDATA_GET"; do
    [ -x "$b" ] || { echo "Bail out! $b not built (run from the build directory)"; exit 99; }
done
command -v virsh >/dev/null 2>&1 || { echo "SKIP: no virsh"; exit 77; }

# Every test gets its own state directory, so runs never see each other's samples.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmon-nagios-test.XXXXXX") || exit 99
trap 'rm -rf "$TEST_TMP"' EXIT
VIRTMON_STATE_DIR=$TEST_TMP/state
export VIRTMON_STATE_DIR
unset LIBVIRT_DEFAULT_URI

tap_n=0
tap_fail=0

ok() {      # ok CONDITION-EXIT-CODE DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        tap_fail=$((tap_fail + 1))
        echo "not ok $tap_n - $2"
        # the output that led here, for the .log
        [ -n "${OUT:-}" ] && printf '%s\n' "$OUT" | sed 's/^/#   /' | head -20
    fi
}

# run PROGRAM ARGS...: sets OUT (stdout), RC, and FIRST (the first line)
run() {
    OUT=$("$@" 2>"$TEST_TMP/stderr")
    RC=$?
    FIRST=$(printf '%s\n' "$OUT" | head -n 1)
}

expect_rc() {       # expect_rc CODE DESCRIPTION
    [ "$RC" -eq "$1" ]
    ok $? "$2 (exit $RC, want $1)"
}

expect_first() {    # expect_first EXTENDED-REGEX DESCRIPTION
    printf '%s\n' "$FIRST" | grep -Eq -- "$1"
    ok $? "$2"
}

expect_out() {      # expect_out EXTENDED-REGEX DESCRIPTION: anywhere in the output
    printf '%s\n' "$OUT" | grep -Eq -- "$1"
    ok $? "$2"
}

# perf LABEL: the value of LABEL in $OUT's perfdata ("" and a failed
# check when the perfdata is invalid or lacks it)
perf() {
    printf '%s\n' "$OUT" | "$PERFDATA_GET" "$1" 2>"$TEST_TMP/perf.err"
}

perfdata_valid() {  # perfdata_valid DESCRIPTION
    printf '%s\n' "$OUT" | "$PERFDATA_GET" >"$TEST_TMP/perf.all" 2>"$TEST_TMP/perf.err"
    r=$?
    [ $r -ne 0 ] && cat "$TEST_TMP/perf.err"
    ok $r "$1"
}

# near A B TOLERANCE: |A - B| <= TOLERANCE (awk: the shell has no floats)
near() {
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'
}

finish() {
    echo "1..$tap_n"
    [ "$tap_n" -gt 0 ] || { echo "Bail out! no checks ran"; exit 99; }
    [ "$tap_fail" -eq 0 ] || { echo "# $tap_fail of $tap_n failed"; exit 1; }
    exit 0
}
