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
#   - a libvirtd that answers everything but the connection's close (a
#     proxy to the host's libvirtd, serving its test driver, that swallows
#     REMOTE_PROC_CONNECT_CLOSE): the result is printed, and the check exits
#     with its state at the deadline instead of waiting on libvirt.  Skipped
#     when no libvirtd runs here.
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

# The proxy that loses the close: client-to-daemon messages are parsed
# (4-byte length, then program, version, procedure), the rest is copied.
cat >"$TEST_TMP/noclose.py" <<'EOF'
import socket, struct, sys, threading
path, upstream = sys.argv[1], sys.argv[2]
REMOTE_PROGRAM, REMOTE_PROC_CONNECT_CLOSE = 0x20008086, 2
def down(u, c):
    try:
        while True:
            b = u.recv(65536)
            if not b:
                break
            c.sendall(b)
    except OSError:
        pass
def up(c, u):
    buf = b""
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            buf += b
            while len(buf) >= 16:
                n, prog, _, proc = struct.unpack(">IIII", buf[:16])
                if len(buf) < n:
                    break
                msg, buf = buf[:n], buf[n:]
                if (prog, proc) != (REMOTE_PROGRAM, REMOTE_PROC_CONNECT_CLOSE):
                    u.sendall(msg)
    except OSError:
        pass
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(16)
while True:
    c = s.accept()[0]
    u = socket.socket(socket.AF_UNIX)
    try:
        u.connect(upstream)
    except OSError:
        c.close()
        continue
    threading.Thread(target=down, args=(u, c), daemon=True).start()
    threading.Thread(target=up, args=(c, u), daemon=True).start()
EOF
LIBVIRTD_RO=/run/libvirt/libvirt-sock-ro
if [ -S "$LIBVIRTD_RO" ]; then
    python3 "$TEST_TMP/noclose.py" "$TEST_TMP/noclose.sock" "$LIBVIRTD_RO" &
    helpers="$helpers $!"
    i=0
    while [ ! -S "$TEST_TMP/noclose.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
fi

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
# within LIMIT s with exit RC and that first line; prints the slowest.  A
# run whose first line matches $retry_on (when set) is tried again, up to
# 5 times, 2 s apart.
retry_on=
case_runs() {
    limit=$1 want_rc=$2 want_first=$3 what=$4
    shift 5
    worst=0 bad=
    r=0
    while [ $r -lt "$RUNS" ]; do
        tries=0
        while run "$CHECK_DOMAIN" "$@"; [ -n "$retry_on" ] && [ $tries -lt 5 ]; do
            case $FIRST in *"$retry_on"*) ;; *) break ;; esac
            tries=$((tries + 1))
            sleep 2
        done
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

# The close that never comes back.  The host's libvirtd is shared (system
# tests restart it): a run that could not connect is tried again.
NOCLOSE="test+unix:///default?socket=$TEST_TMP/noclose.sock"
if [ -S "$LIBVIRTD_RO" ] && virsh -c "test+unix:///default?socket=$LIBVIRTD_RO" list >/dev/null 2>&1; then
    retry_on="cannot connect to libvirt"
    case_runs 2.5 0 "^VIRT OK - test running" \
        "libvirtd that never answers the close, -d test -t 2: OK printed" -- --uri "$NOCLOSE" -d test -t 2
    retry_on=
else
    echo "# skipped the lost-close case: no libvirtd at $LIBVIRTD_RO serving test:///default"
fi

finish
