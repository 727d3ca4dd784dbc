#!/bin/bash
# What one poll of the core costs, next to a bare `virsh domstats --state
# --cpu-total --balloon --vcpu --interface --block` of the same domains:
#
#   make core-bench [BENCH_DOMAINS=1000] [BENCH_GUESTS=50] [BENCH_POOLS=5]
#   srcdir=SRC top_builddir=BUILD bash SRC/bench/core-poll.sh [DOMAINS] [GUESTS] [POOLS]
#
# 1. DOMAINS test-driver domains (test:///FILE, in-process: no libvirtd).
# 2. GUESTS real QEMU (TCG) guests on the system libvirtd, with libvirtd's
#    CPU from /proc; needs root (tests/sys/lib.sh holds the shared libvirtd's
#    lock while the guests exist).  GUESTS=0 skips it.
# Both with POOLS storage pools (default 5): in the test driver's file, and
# as `dir` pools defined and started on the system libvirtd (undone at exit).
# For the guests, once with the default workers and once with one, to show
# what splitting the domain list over concurrent calls buys.
# BENCH_VS=PATH: another build's bench-poll (the tree before a change) runs
# after each of ours on the same domains, pools and guests, BENCH_ROUNDS
# times (default 2): before/after pairs measured one after the other.
#
# Targets for the guests (issue "Shared core"): virtmon's own CPU per poll
# <= the virsh client's, libvirtd CPU <= 1.15x the bare call's, wall <= 0.75x.
# Not a test: it prints figures.
set -u
: "${srcdir:=.}" "${top_builddir:=.}"
DOMAINS=${1:-1000}
GUESTS=${2:-50}
POOLS=${3:-5}
RUNS=${BENCH_RUNS:-10}
BENCH=$top_builddir/bench/bench-poll
VS=${BENCH_VS:-}
ROUNDS=1
[ -n "$VS" ] && ROUNDS=${BENCH_ROUNDS:-2}
[ -x "$BENCH" ] || { echo "bench-poll not built: make bench/bench-poll" >&2; exit 1; }
[ -z "$VS" ] || [ -x "$VS" ] || { echo "BENCH_VS=$VS is not an executable" >&2; exit 1; }

# bench ARG...: ours, then (BENCH_VS) the other build's, ROUNDS times
bench() {
	local r
	for ((r = 1; r <= ROUNDS; r++)); do
		[ -z "$VS" ] || echo "# round $r: $BENCH"
		"$BENCH" "$@"
		[ -z "$VS" ] || { echo "# round $r: $VS"; "$VS" "$@"; }
	done
}

echo "## $DOMAINS test-driver domains, $POOLS pools"
xml=$(mktemp --suffix=.xml) || exit 1
bash "$srcdir/tests/integ/gen-test-xml.sh" "$DOMAINS" "$xml" 10 7 "$POOLS" >/dev/null || exit 1
bench -c "test://$xml" -n "$RUNS"
rm -f "$xml"

[ "$GUESTS" -gt 0 ] || exit 0
echo
echo "## $GUESTS QEMU guests (TCG, idle), $POOLS pools"
# shellcheck source=../tests/sys/lib.sh
. "$srcdir/tests/sys/lib.sh"
sys_setup
for ((j = 1; j <= POOLS; j++)); do
	p=$(printf 'vmt-bench-pool-%02d' "$j")
	sys_virsh pool-destroy "$p" >/dev/null 2>&1; sys_virsh pool-undefine "$p" >/dev/null 2>&1
	mkdir -p "$SYS_WORKDIR/$p"
	sys_on_exit "virsh -q -c $SYS_URI pool-destroy $p >/dev/null 2>&1; virsh -q -c $SYS_URI pool-undefine $p >/dev/null 2>&1"
	sys_virsh pool-define-as "$p" dir --target "$SYS_WORKDIR/$p" >/dev/null &&
		sys_virsh pool-start "$p" >/dev/null || sys_fail "cannot define and start pool $p"
done
t0=$(sys_now)
for i in $(seq -w 1 "$GUESTS"); do sys_guest_create "vmt-bench-$i"; done
for i in $(seq -w 1 "$GUESTS"); do sys_guest_wait_io "vmt-bench-$i" 120 >/dev/null 2>&1; done
# the firmware's disk and DHCP bursts end ~10 s after boot
sleep 15
echo "# guests up in $(sys_since "$t0") s; host load: $(cut -d' ' -f1-3 /proc/loadavg)"
pid=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) ||
	pid=$(systemctl show -p MainPID --value libvirtd.service 2>/dev/null)
bench -c "$SYS_URI" -n "$RUNS" -p "$pid"
echo
echo "# the same with one worker (one bulk call, as virsh makes)"
bench -c "$SYS_URI" -n "$RUNS" -p "$pid" -w 1
exit 0
