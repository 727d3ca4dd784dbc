# shellcheck shell=sh
# TAP helpers of the Nagios face's shell tests; sourced, not run.  Both the
# test-driver tests (through lib-nagios.sh) and the system tests (next to
# tests/sys/lib.sh, which owns the EXIT trap there) use these.
# Needs PERFDATA_GET for perf().

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
        [ -n "${OUT:-}" ] && printf '%s\n' "$OUT" | cut -c1-300 | sed 's/^/#   /' | head -20
    fi
}

# run PROGRAM ARGS...: sets OUT (stdout; stderr goes to $TAP_STDERR), RC,
# FIRST (the first line) and SECS (how long it took).  Under `make
# check-valgrind` PROGRAM runs under memcheck ($VMON_VALGRIND), which exits
# 99 on an invalid access or a definite leak.
run() {
    tap_t0=$(date +%s.%N)
    OUT=$(${VMON_VALGRIND:+"$VMON_VALGRIND"} "$@" 2>"${TAP_STDERR:-/dev/null}")
    RC=$?
    SECS=$(awk -v a="$tap_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    FIRST=$(printf '%s\n' "$OUT" | head -n 1)
}

expect_rc() {       # expect_rc CODE DESCRIPTION
    [ "$RC" -eq "$1" ]
    ok $? "$2 (exit $RC, want $1, $SECS s)"
}

expect_first() {    # expect_first EXTENDED-REGEX DESCRIPTION
    printf '%s\n' "$FIRST" | grep -Eq -- "$1"
    ok $? "$2"
}

expect_out() {      # expect_out EXTENDED-REGEX DESCRIPTION: anywhere in the output
    printf '%s\n' "$OUT" | grep -Eq -- "$1"
    ok $? "$2"
}

# expect_faster LIMIT DESCRIPTION: the last run took less than LIMIT seconds
expect_faster() {
    awk -v s="$SECS" -v l="$1" 'BEGIN { exit !(s < l) }'
    ok $? "$2 ($SECS s, limit $1)"
}

# perf LABEL: the value of LABEL in $OUT's perfdata ("" when the perfdata
# is invalid or lacks it)
perf() {
    printf '%s\n' "$OUT" | "$PERFDATA_GET" "$1" 2>/dev/null
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
