#!/bin/bash
# virtmond's "events" subscribers: the limit (16) is said, not swallowed,
# and a subscriber that went away has its socket closed at once, without
# waiting for an event to fail on it (the test driver sends none here).
#
#   - 1000 subscribe/drop cycles, one after another: every one gets the
#     header, and virtmond's descriptor count ends where it began (within 2);
#   - 20 clients subscribe at once: 16 read "virtmon-events 1", the other 4
#     read "error: too many event subscribers (at most 16)" and then EOF;
#   - once the 20 close, virtmond's descriptors are back to what they were
#     within 1 s, and 16 new subscribers fit again;
#   - a subscriber that only shuts down its writing half (`echo events |
#     socat ...`) still reads: it keeps its socket, and virtmond does not spin.
#
# Clients are python3 (AF_UNIX; socat is not always there).  Under
# `make check-valgrind` virtmond runs under memcheck ($VMON_VALGRIND).
set -u
: "${top_builddir:=.}" "${srcdir:=.}"
D=$top_builddir/tools/virtmond
FETCH=$top_builddir/tests/unit/wire-fetch
GEN=$srcdir/tests/integ/gen-test-xml.sh
VG=${VMON_VALGRIND:-}
fail=0

command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
for b in "$D" "$FETCH"; do [ -x "$b" ] || { echo "ERROR: $b not built"; exit 99; }; done

dir=$(mktemp -d "${TMPDIR:-/tmp}/vmon-subs.XXXXXX") || exit 99
dpid=
trap '[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid"; rm -rf "$dir"' EXIT

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fail=1; }
check() {   # check WHAT WANT GOT
    [ "$2" = "$3" ] && ok "$1 = $3" || nok "$1: want '$2', got '$3'"
}

eval "$("$GEN" 4 "$dir/t.xml")" || { echo "ERROR: gen-test-xml.sh failed"; exit 99; }
SOCK=$dir/virtmond.sock
$VG "$D" -c "test://$dir/t.xml" -i 1 -s "$SOCK" 2>"$dir/d.log" &
dpid=$!
for _ in $(seq 1 300); do "$FETCH" "$SOCK" >/dev/null 2>&1 && break; sleep 0.1; done
"$FETCH" "$SOCK" >/dev/null 2>&1 || { cat "$dir/d.log"; echo "ERROR: virtmond did not serve"; exit 99; }

nfds() { find "/proc/$dpid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# fds_back_to N: wait up to 1 s for virtmond's count to be N at most; prints it
fds_back_to() {
    local n
    for _ in $(seq 1 20); do
        n=$(nfds); [ "$n" -le "$1" ] && break
        sleep 0.05
    done
    echo "$n"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$dpid/stat"; }

# subs.py SOCKET MODE ARGS: the clients
cat >"$dir/subs.py" <<'EOF'
import socket, sys, time

def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(b"events\n")
    return s

def first_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        c = s.recv(1)
        if not c:
            return buf.decode() + "<EOF>"
        buf += c
    return buf.decode().rstrip("\n")

def at_eof(s):
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False

path, mode = sys.argv[1], sys.argv[2]
if mode == "many":          # N at once: each first line, then what followed it
    socks = [connect(path) for _ in range(int(sys.argv[3]))]
    lines = [first_line(s) for s in socks]
    time.sleep(0.3)         # no event comes from the test driver: a subscriber hears nothing
    for s, line in zip(socks, lines):
        if line.startswith("error:"):
            line += " +EOF" if at_eof(s) else " +open"
        else:
            s.setblocking(False)
            try:
                more = s.recv(512)
                line += " +EOF" if more == b"" else " +" + repr(more)
            except BlockingIOError:
                pass
        print(line)
    sys.stdout.flush()
    sys.stdin.read()        # hold them until the shell says
elif mode == "cycles":      # N subscribe/drop, one after another: headers seen
    got = 0
    for _ in range(int(sys.argv[3])):
        s = connect(path)
        got += first_line(s) == "virtmon-events 1"
        s.close()
    print(got)
elif mode == "halfclose":   # subscribe, shut down writing, keep reading
    s = connect(path)
    print(first_line(s))
    s.shutdown(socket.SHUT_WR)
    sys.stdout.flush()
    sys.stdin.read()
EOF
sub() { python3 "$dir/subs.py" "$SOCK" "$@"; }
# hold MODE ARGS: start clients that wait on a fifo; their output in $dir/held
hold() {
    rm -f "$dir/fifo"; mkfifo "$dir/fifo"
    sub "$@" <"$dir/fifo" >"$dir/held" &
    holder=$!
    exec 7>"$dir/fifo"
}
release() { exec 7>&-; wait "$holder"; }
# wait_lines N: until the holder printed N lines (5 s)
wait_lines() {
    for _ in $(seq 1 100); do [ "$(wc -l <"$dir/held")" -ge "$1" ] && return 0; sleep 0.05; done
    return 1
}

base=$(nfds)
echo "# virtmond's descriptors at rest: $base"

# ---- 1000 subscribe/drop cycles ----
before=$base
got=$(sub cycles 1000)
after=$(fds_back_to "$before")
check "subscribe/drop cycles given the header" 1000 "$got"
echo "# virtmond's descriptors before 1000 cycles: $before, after: $after"
if [ $((after - before)) -le 2 ] && [ $((before - after)) -le 2 ]; then
    ok "descriptors flat over 1000 cycles ($before -> $after)"
else nok "descriptors $before -> $after over 1000 subscribe/drop cycles"; fi

# ---- the limit ----
hold many 20
wait_lines 20 || nok "20 subscribers: only $(wc -l <"$dir/held") answers"
check "subscribers given the header" 16 "$(grep -c '^virtmon-events 1$' "$dir/held")"
check "subscribers refused with the limit, then closed" 4 \
    "$(grep -c '^error: too many event subscribers (at most 16) +EOF$' "$dir/held")"
sed '/^virtmon-events 1$/d; /^error: too many event subscribers (at most 16) +EOF$/d; s/^/# other answer: /' "$dir/held"
held=$(nfds)
check "virtmond's descriptors with 16 subscribers" "$((base + 16))" "$held"
release
after=$(fds_back_to "$base")
check "descriptors within 1 s of the 20 closing (no event in between)" "$base" "$after"
hold many 16
wait_lines 16 || nok "16 new subscribers: only $(wc -l <"$dir/held") answers"
check "16 new subscribers after those closed, all given the header" 16 \
    "$(grep -c '^virtmon-events 1$' "$dir/held")"
release
fds_back_to "$base" >/dev/null

# ---- half-closed: still a reader ----
hold halfclose
wait_lines 1 || nok "half-closing subscriber: no header"
t0=$(cpu_ticks)
sleep 1
check "a subscriber that shut down only its writing half keeps its socket" "$((base + 1))" "$(nfds)"
t1=$(cpu_ticks)
# -i 1 polls the test driver once a second: a few ticks; a poll loop
# spinning on the EOF would take the whole second (100 ticks)
if [ -n "$VG" ] || [ $((t1 - t0)) -lt 30 ]; then ok "virtmond used $((t1 - t0)) ticks of CPU in that second"
else nok "virtmond used $((t1 - t0)) of 100 ticks in a second with a half-closed subscriber"; fi
release
check "... and is closed once it goes" "$base" "$(fds_back_to "$base")"

"$FETCH" "$SOCK" >/dev/null 2>&1 && ok "virtmond still serves snapshots" || nok "virtmond stopped serving"

kill -TERM "$dpid"; wait "$dpid"; rc=$?; dpid=
check "exit status after SIGTERM" 0 "$rc"
exit $fail
