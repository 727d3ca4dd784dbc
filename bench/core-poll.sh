#!/bin/bash
# What one poll of the core costs, next to a bare `virsh domstats --state
# --cpu-total --balloon --vcpu --interface --block` of the same domains:
#
#   make core-bench [BENCH_DOMAINS=1000] [BENCH_GUESTS=50]
#   srcdir=SRC top_builddir=BUILD bash SRC/bench/core-poll.sh [DOMAINS] [GUESTS]
#
# 1. DOMAINS test-driver domains (test:///FILE, in-process: no libvirtd).
# 2. GUESTS real QEMU (TCG) guests on the system libvirtd, with libvirtd's
#    CPU from /proc; needs root (tests/sys/lib.sh holds the shared libvirtd's
#    lock while the guests exist).  GUESTS=0 skips it.
# For the guests, once with the default workers and once with one, to show
# what splitting the domain list over concurrent calls buys.
#
# Targets for the guests (issue "Shared core"): virtmon's own CPU per poll
# <= the virsh client's, libvirtd CPU <= 1.15x the bare call's, wall <= 0.75x.
# Not a test: it prints figures.
set -u
: "${srcdir:=.}" "${top_builddir:=.}"
DOMAINS=${1:-1000}
GUESTS=${2:-50}
RUNS=${BENCH_RUNS:-10}
BENCH=$top_builddir/bench/bench-poll
[ -x "$BENCH" ] || { echo "bench-poll not built: make bench/bench-poll" >&2; exit 1; }

echo "## $DOMAINS test-driver domains"
xml=$(mktemp --suffix=.xml) || exit 1
bash "$srcdir/tests/integ/gen-test-xml.sh" "$DOMAINS" "$xml" >/dev/null || exit 1
"$BENCH" -c "test://$xml" -n "$RUNS"
rm -f "$xml"

[ "$GUESTS" -gt 0 ] || exit 0
echo
echo "## $GUESTS QEMU guests (TCG, idle)"
# shellcheck source=../tests/sys/lib.sh
. "$srcdir/tests/sys/lib.sh"
sys_setup
t0=$(sys_now)
for i in $(seq -w 1 "$GUESTS"); do sys_guest_create "vmt-bench-$i"; done
for i in $(seq -w 1 "$GUESTS"); do sys_guest_wait_io "vmt-bench-$i" 120 >/dev/null 2>&1; done
# the firmware's disk and DHCP bursts end ~10 s after boot
sleep 15
echo "# guests up in $(sys_since "$t0") s; host load: $(cut -d' ' -f1-3 /proc/loadavg)"
pid=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) ||
	pid=$(systemctl show -p MainPID --value libvirtd.service 2>/dev/null)
"$BENCH" -c "$SYS_URI" -n "$RUNS" -p "$pid"
echo
echo "# the same with one worker (one bulk call, as virsh makes)"
"$BENCH" -c "$SYS_URI" -n "$RUNS" -p "$pid" -w 1
exit 0
