#!/bin/sh
# -t N is the whole check, start to exit, on a loaded host: with every CPU
# kept busy by a shell loop at nice 0, check_virt_domain --all -t 2 ends
# within 2.5 s of wall time in every run (timed from the shell, so fork,
# exec and dynamic linking count), whatever its source does:
#   - libvirt's test driver over 50 domains (answers; the check is OK or
#     WARNING, never a timeout), also with a second sample (--interval 1);
#   - a "libvirtd" that accepts and never answers (qemu+unix:// to a mute
#     socket): UNKNOWN "timed out after 2 s waiting for libvirt at ...";
#   - a "virtmond" that accepts and never answers, and one that dribbles a
#     byte every 0.2 s and never finishes: UNKNOWN naming virtmond;
#   - --timeout-state and -t 1.5 (a deadline that is not whole seconds);
# A libvirtd that never answers the close is test-sys-noclose.sh's (it
# needs the system libvirtd, under the system tests' lock).
# Not under valgrind: memcheck's slowdown is the point of no timing test.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
GEN=$srcdir/tests/integ/gen-test-xml.sh
RUNS=${VMON_TIMEOUT_RUNS:-5}
vars=$(bash "$GEN" 50 "$TEST_TMP/t.xml") || { echo "Bail out! $GEN failed"; exit 99; }
eval "$vars"
URI="test://$TEST_TMP/t.xml"

# Mute servers: accept, say nothing (or a byte every 0.2 s), hold on.
cat >"$TEST_TMP/mute.py" <<'EOF'
import os, select, socket, sys, time
path, dribble = sys.argv[1], sys.argv[2] == "dribble"
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(64)
held = []
while True:
    r, _, _ = select.select([s], [], [], 0.2)
    if r:
        held.append(s.accept()[0])
    if dribble:
        for c in held[:]:
            try:
                c.send(b"v")
            except OSError:
                held.remove(c)
EOF
helpers=
trap 'for p in $helpers; do kill $p 2>/dev/null; done; rm -rf "$TEST_TMP"' EXIT
mute() {    # mute NAME MODE: a mute server at $TEST_TMP/NAME.sock
    python3 "$TEST_TMP/mute.py" "$TEST_TMP/$1.sock" "$2" &
    helpers="$helpers $!"
    i=0
    while [ ! -S "$TEST_TMP/$1.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    [ -S "$TEST_TMP/$1.sock" ] || { echo "Bail out! no mute server at $TEST_TMP/$1.sock"; exit 99; }
}
mute libvirtd silent
mute virtmond silent
mute dribble dribble

# The load: one busy loop per CPU (at least two), at nice 0 like the check.
cpus=$(nproc 2>/dev/null || echo 2)
[ "$cpus" -ge 2 ] || cpus=2
n=0
while [ $n -lt "$cpus" ]; do
    sh -c 'while :; do :; done' &
    helpers="$helpers $!"
    n=$((n + 1))
done
echo "# $cpus busy loops running"

# case LIMIT RC FIRST-LINE-REGEX DESCRIPTION -- CHECK ARGS: RUNS runs, each
# within LIMIT s with exit RC and that first line; prints the slowest.
case_runs() {
    limit=$1 want_rc=$2 want_first=$3 what=$4
    shift 5
    worst=0 bad=
    r=0
    while [ $r -lt "$RUNS" ]; do
        run "$CHECK_DOMAIN" "$@"
        # Over the limit once is tried again once: under make -j2 check beside
        # QEMU guests the scheduler has stalled a process for a second (seen:
        # 3.03 s for -t 2, once in 75 runs); a check that overruns its
        # deadline by design does so every time.
        if [ "$RC" -eq "$want_rc" ] && ! awk -v s="$SECS" -v l="$limit" 'BEGIN { exit !(s < l) }'; then
            echo "# run $((r + 1)) took $SECS s (load $(cut -d' ' -f1-3 /proc/loadavg)): once more"
            run "$CHECK_DOMAIN" "$@"
        fi
        worst=$(awk -v a="$worst" -v b="$SECS" 'BEGIN { print (b > a ? b : a) }')
        if [ "$RC" -ne "$want_rc" ] || ! printf '%s\n' "$FIRST" | grep -Eq -- "$want_first" ||
            ! awk -v s="$SECS" -v l="$limit" 'BEGIN { exit !(s < l) }'; then
            # the host's state then, for telling a slow check from a stalled machine
            bad="run $((r + 1)): exit $RC after $SECS s (load $(cut -d' ' -f1-3 /proc/loadavg)): $FIRST"
        fi
        r=$((r + 1))
    done
    echo "# $what: slowest of $RUNS runs $worst s (limit $limit); last: $(printf '%s' "$FIRST" | cut -c1-160)"
    [ -z "$bad" ]
    OUT=$bad ok $? "$what: exit $want_rc within $limit s in each of $RUNS runs"
}

case_runs 2.5 1 "^VIRT WARNING - $domains domains: $running running, $paused paused" \
    "test driver, --all -t 2" -- --uri "$URI" --all -t 2
case_runs 2.5 1 "^VIRT WARNING - $domains domains" \
    "test driver, --all -t 2 with a second sample 1 s later" -- \
    --uri "$URI" --all -t 2 --no-state-file --interval 1 --cpu-warning 1000
case_runs 2.5 3 "^VIRT UNKNOWN - timed out after 2 s waiting for libvirt at qemu\+unix:///system\?socket=$TEST_TMP/libvirtd.sock" \
    "mute libvirtd, --all -t 2" -- --uri "qemu+unix:///system?socket=$TEST_TMP/libvirtd.sock" --all -t 2
case_runs 2.5 3 "^VIRT UNKNOWN - .*virtmond at $TEST_TMP/virtmond.sock" \
    "mute virtmond, --all -t 2" -- --source "virtmond:$TEST_TMP/virtmond.sock" --all -t 2
case_runs 2.5 3 "^VIRT UNKNOWN - .*virtmond at $TEST_TMP/dribble.sock" \
    "virtmond dribbling a byte every 0.2 s, --all -t 2" -- --source "virtmond:$TEST_TMP/dribble.sock" --all -t 2
case_runs 2.5 2 "^VIRT CRITICAL - timed out after 2 s waiting for libvirt" \
    "mute libvirtd, --all -t 2 --timeout-state critical" -- \
    --uri "qemu+unix:///system?socket=$TEST_TMP/libvirtd.sock" --all -t 2 --timeout-state critical
case_runs 2.0 3 "^VIRT UNKNOWN - timed out after 1.5 s waiting for libvirt" \
    "mute libvirtd, --all -t 1.5" -- --uri "qemu+unix:///system?socket=$TEST_TMP/libvirtd.sock" --all -t 1.5

finish
