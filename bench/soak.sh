#!/bin/bash
# Soak: virtmond, the SNMP subagent (with a real snmpd) and collectd's plugin
# run for MINUTES on GUESTS real QEMU (TCG) guests while guests come and go:
# every few seconds one guest is destroyed and started again, and one more
# is defined, started, destroyed and undefined.  Every minute it prints one
# row per daemon: resident memory, open descriptors and threads.  Flat is the
# target; the last lines compare the end with minute 1 (after start-up).
#
#   make soak [BENCH_GUESTS=50] [SOAK_MINUTES=60] [SOAK_SOURCE=virtmond]
#   srcdir=SRC top_builddir=BUILD bash SRC/bench/soak.sh [GUESTS] [MINUTES] [SOURCE]
#
# SOURCE is what the subagent and collectd read: virtmond (the recommended
# set-up, one poller per host) or libvirt (each polls libvirtd itself).
# Needs root and the system libvirtd (tests/sys/lib.sh).  Not a test: it
# prints figures (bench/RESULTS.md).  Run it under nice on a shared machine.
set -u
: "${srcdir:=.}" "${top_builddir:=.}"
GUESTS=${1:-50}
MINUTES=${2:-60}
SOURCE=${3:-virtmond}
URI=qemu:///system
DUMP=$top_builddir/tools/virtmon-dump
# shellcheck source=../tests/sys/lib.sh
. "$srcdir/tests/sys/lib.sh"
# shellcheck source=../tests/sys/faces.sh
. "$srcdir/tests/sys/faces.sh"
case $SOURCE in virtmond | libvirt) ;; *) sys_fail "SOAK_SOURCE is virtmond or libvirt, not '$SOURCE'" ;; esac
case $GUESTS$MINUTES in *[!0-9]*) sys_fail "BENCH_GUESTS and SOAK_MINUTES are whole numbers" ;; esac
[ "$GUESTS" -ge 2 ] && [ "$MINUTES" -ge 2 ] || sys_fail "at least 2 guests and 2 minutes"
faces_require
sys_setup
t0=$(sys_now)
for i in $(seq -w 1 "$GUESTS"); do sys_guest_create "vmt-sk-$i" >/dev/null 2>&1 || exit 99; done
# The guest that is defined and undefined over and over: made once for its
# disk and XML, then undefined.
sys_guest_create vmt-sk-churn 2>/dev/null || exit 99
sys_virsh destroy vmt-sk-churn >/dev/null && sys_virsh undefine vmt-sk-churn >/dev/null ||
	sys_fail "cannot undefine vmt-sk-churn"
echo "# $GUESTS guests started in $(sys_since "$t0") s"

faces_virtmond "$URI"
if [ "$SOURCE" = virtmond ]; then src=virtmond:$FACES_SOCK; else src=libvirt:$URI; fi
faces_snmp "$src"
faces_collectd "$src"

# One cycle: guest N destroyed and started, vmt-sk-churn defined, started,
# destroyed and undefined.  Counted in $SYS_WORKDIR/cycles.
churn() {
	local i=0 g
	while :; do
		i=$((i % GUESTS + 1))
		g=vmt-sk-$(printf "%0${#GUESTS}d" "$i")
		sys_virsh destroy "$g" >/dev/null 2>&1
		sys_virsh start "$g" >/dev/null 2>&1
		sys_virsh define "$SYS_WORKDIR/vmt-sk-churn.xml" >/dev/null 2>&1 &&
			sys_virsh start vmt-sk-churn >/dev/null 2>&1
		sleep 1
		sys_virsh destroy vmt-sk-churn >/dev/null 2>&1
		sys_virsh undefine vmt-sk-churn >/dev/null 2>&1
		echo "$g" >>"$SYS_WORKDIR/cycles"
		sleep 2
	done
}
churn &
churn_pid=$!
sys_on_exit "kill $churn_pid 2>/dev/null; wait $churn_pid 2>/dev/null; :"

sample() {   # PID: "RSS-KiB FDS THREADS", or "- - -" once it is gone
	local pid=$1 rss thr fds
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
	thr=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
	fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ -n "$rss" ] || { echo "- - -"; return; }
	echo "$rss $fds $thr"
}

daemons="virtmond agentx collectd"
# Whether virtmond still polls: the domains it served, and virsh's count
# just after (the churn guest may come or go in between).
printf '| minute | cycles | domains virtmond/virsh |'
for d in $daemons; do printf ' %s RSS KiB | fds | threads |' "$d"; done
echo
printf '|---|---|---|'
for _ in $daemons; do printf -- '---|---|---|'; done
echo
declare -A first=() last=()
for m in $(seq 1 "$MINUTES"); do
	sleep 60
	row="| $m | $(wc -l <"$SYS_WORKDIR/cycles" 2>/dev/null || echo 0) |"
	row+=" $("$DUMP" --source "virtmond:$FACES_SOCK" --json 2>/dev/null | jq '.domains | length')/$(sys_virsh list --all --name | grep -c .) |"
	for d in $daemons; do
		s=$(sample "${FACES_PID[$d]}")
		row+=" ${s// / | } |"
		[ "$m" = 1 ] && first[$d]=$s
		last[$d]=$s
	done
	echo "$row"
done
kill "$churn_pid" 2>/dev/null
wait "$churn_pid" 2>/dev/null
echo
echo "# minute 1 -> minute $MINUTES, $(wc -l <"$SYS_WORKDIR/cycles") churn cycles, subagent and collectd reading $SOURCE"
for d in $daemons; do
	read -r r0 f0 t0 <<<"${first[$d]}"
	read -r r1 f1 t1 <<<"${last[$d]}"
	if [ "$r1" = - ]; then
		echo "# $d: GONE (see its output below)"
		tail -n 20 "$SYS_WORKDIR/$d.out"
		continue
	fi
	echo "# $d: RSS $r0 -> $r1 KiB ($((r1 - r0)) KiB), fds $f0 -> $f1, threads $t0 -> $t1"
done
