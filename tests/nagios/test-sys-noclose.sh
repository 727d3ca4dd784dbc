#!/bin/bash
# -t N bounds a check whose libvirtd answers everything but the
# connection's close: a proxy to the system libvirtd's read-only socket
# that swallows REMOTE_PROC_CONNECT_CLOSE, serving libvirtd's test driver
# (test+unix:///default).  The result is printed at once, and at the
# deadline the check exits with that result's state instead of waiting on
# libvirt (before, it hung for libvirt's keepalive, 60 s and more).
# A system test: it needs the system libvirtd, which tests/sys/lib.sh
# starts and holds under the system tests' lock.
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"

CHECK_DOMAIN=./nagios/check_virt_domain
[ -x "$CHECK_DOMAIN" ] || sys_fail "$CHECK_DOMAIN not built (run from the build directory)"
command -v python3 >/dev/null 2>&1 || sys_skip "no python3"

sys_setup
TAP_STDERR=$SYS_WORKDIR/stderr
# shellcheck source=tests/nagios/lib-tap.sh
. "${srcdir:-.}/tests/nagios/lib-tap.sh"
RUNS=${VMON_TIMEOUT_RUNS:-5}
LIBVIRTD_RO=/run/libvirt/libvirt-sock-ro
[ -S "$LIBVIRTD_RO" ] || sys_fail "libvirtd is up but $LIBVIRTD_RO is missing"

# The proxy that loses the close: client-to-daemon messages are parsed
# (4-byte length, then program, version, procedure), the rest is copied.
cat >"$SYS_WORKDIR/noclose.py" <<'EOF'
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
python3 "$SYS_WORKDIR/noclose.py" "$SYS_WORKDIR/noclose.sock" "$LIBVIRTD_RO" &
proxy=$!
sys_on_exit "kill $proxy 2>/dev/null || true"
i=0
while [ ! -S "$SYS_WORKDIR/noclose.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$SYS_WORKDIR/noclose.sock" ] || sys_fail "the proxy made no socket in 10 s"

NOCLOSE="test+unix:///default?socket=$SYS_WORKDIR/noclose.sock"
r=1
while [ $r -le "$RUNS" ]; do
    run "$CHECK_DOMAIN" --uri "$NOCLOSE" -d test -t 2
    # one run over the limit is tried again once (a scheduler stall on a
    # loaded host); a check that waits on the close overruns every time
    if [ "$RC" -eq 0 ] && ! awk -v s="$SECS" 'BEGIN { exit !(s < 2.5) }'; then
        echo "# run $r took $SECS s (load $(cut -d' ' -f1-3 /proc/loadavg)): once more"
        run "$CHECK_DOMAIN" --uri "$NOCLOSE" -d test -t 2
    fi
    echo "# run $r: $(printf '%s\n' "$FIRST" | cut -c1-120)"
    expect_rc 0 "run $r: OK printed though the close is never answered"
    expect_first "^VIRT OK - test running" "run $r: the result"
    expect_faster 2.5 "run $r: exits at the -t 2 deadline at the latest"
    r=$((r + 1))
done
finish
