#!/bin/bash
# What consolidating on virtmond saves libvirtd: its CPU per poll interval
# (1 s) with GUESTS real QEMU (TCG) guests, in three set-ups, each for
# SECONDS after a warm-up:
#
#   1. virtmond alone;
#   2. virtmond with every face reading it: the SNMP subagent, collectd's
#      plugin, and a check run every second (source virtmond);
#   3. every face polling libvirt itself (source libvirt), virtmond too.
#
#   make one-poller-bench [BENCH_GUESTS=50] [ONE_POLLER_SECONDS=30]
#   srcdir=SRC top_builddir=BUILD bash SRC/bench/one-poller.sh [GUESTS] [SECONDS]
#
# Target (issue "One poller per host"): 2 within 10% of 1.  Needs root and
# the system libvirtd (tests/sys/lib.sh).  Not a test: it prints figures.
set -u
: "${srcdir:=.}" "${top_builddir:=.}"
GUESTS=${1:-50}
SECONDS_EACH=${2:-30}
CHECK=$top_builddir/nagios/check_virt_domain
URI=qemu:///system
# shellcheck source=../tests/sys/lib.sh
. "$srcdir/tests/sys/lib.sh"
# shellcheck source=../tests/sys/faces.sh
. "$srcdir/tests/sys/faces.sh"
faces_require
sys_setup
for i in $(seq -w 1 "$GUESTS"); do sys_guest_create "vmt-op-$i"; done

libvirtd_ticks() {   # utime + stime of libvirtd, in clock ticks
	local pid
	pid=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) || sys_fail "libvirtd is gone"
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

# measure LABEL [CHECK-SOURCE]: libvirtd's CPU over SECONDS_EACH, a check
# run every second with CHECK-SOURCE when given
measure() {
	local label=$1 src=${2:-} t0 t1 clients hz
	sleep 5     # every face has connected and polled
	clients=$(faces_libvirt_clients | wc -l)
	t0=$(libvirtd_ticks)
	for _ in $(seq "$SECONDS_EACH"); do
		[ -z "$src" ] || "$CHECK" --source "$src" --all --no-state-file --interval 0 >/dev/null
		sleep 1
	done
	t1=$(libvirtd_ticks)
	hz=$(getconf CLK_TCK)
	printf '%-52s libvirtd %6.1f ms CPU per 1 s interval, %d libvirt clients\n' "$label" \
		"$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$SECONDS_EACH" 'BEGIN { print d * 1000 / hz / s }')" \
		"$clients"
}

echo "## $GUESTS QEMU guests, each set-up ${SECONDS_EACH} s, polls every 1 s"
faces_virtmond "$URI"
measure "1. virtmond alone"
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"
measure "2. virtmond + agentx, collectd, check reading it" "virtmond:$FACES_SOCK"
faces_stop_all
faces_virtmond "$URI"
faces_snmp "libvirt:$URI"
faces_collectd "libvirt:$URI"
measure "3. virtmond + agentx, collectd, check polling libvirt" "libvirt:$URI"
faces_stop_all
