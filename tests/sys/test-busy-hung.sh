#!/bin/bash
# Busy is not hung, and stale data says so (issue 16, items 1 and 4), with
# every face running on virtmond, as a site runs them.
#
# Other libvirt clients poll every domain WITHOUT NOWAIT in a loop (three
# `virsh domstats` loops, as collectd's virt plugin or an exporter would):
# each holds one guest's job at a time, and virtmond's NOWAIT poll skips
# that guest.  First with every guest healthy, then with one guest's QEMU
# SIGSTOPped.  Over the whole run no healthy guest may be UNKNOWN in the
# check (on virtmond, and polling libvirt itself with its state files) nor
# "not answering" in any face (a busy one is judged on its last good
# figures); the stopped guest must show as not answering in every face
# (both checks, SNMP's virtmonDomainAnswering, collectd's gauge-answering,
# the wire through virtmon-dump) within not-answering-after (10 s here) plus
# the faces' own second of polling.
#
# Then libvirtd is stopped: virtmonAgentLastPollTime, the wire's
# last_poll_time and collectd's timestamp-last_poll stop advancing and the
# check names the data's age; once libvirtd is back, no guest is "not
# answering" in the polls that follow (libvirtd holds jobs while it
# reconnects to its guests' monitors, which NOWAIT skips like a hang).
#
# Run time: ~3.5 min (60 s healthy, 60 s with the stopped guest, 60 s being
# the issue's measure, and the outage).  VMON_BUSY_SECONDS shortens both
# phases.
: "${top_builddir:=.}"
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"
# shellcheck source=tests/sys/faces.sh
. "${srcdir:-.}/tests/sys/faces.sh"
# shellcheck source=tests/sys/tap.sh
. "${srcdir:-.}/tests/sys/tap.sh"
CHECK=$top_builddir/nagios/check_virt_domain
WIRE_FETCH=$top_builddir/tests/unit/wire-fetch
LIMIT=10
SECONDS_HUNG=${VMON_BUSY_SECONDS:-60}
SECONDS_HEALTHY=$SECONDS_HUNG
GUESTS=(vmt-bh1 vmt-bh2 vmt-bh3 vmt-bh4 vmt-bh5)
HUNG=vmt-bh1
# virtmon's objects (VIRTMON-MIB, PLACEHOLDER enterprise 99999)
MIB_LAST_POLL=.1.3.6.1.4.1.99999.1.1.5.0
MIB_DOM_NAME=.1.3.6.1.4.1.99999.1.3.1.2
# virtmonDomainAnswering's column, as the metric table gives it (it moves when columns are added)
col=$(awk -F, '/^VMON_DOMAIN_METRIC\(ANSWERING,/ { gsub(/ /, "", $9); print $9 }' "${srcdir:-.}/common/vmon-metrics.def")
MIB_DOM_ANSWERING=.1.3.6.1.4.1.99999.1.3.1.$col

case $col in [1-9]*) ;; *) echo "ERROR: no column for answer.state in common/vmon-metrics.def" >&2; exit 99 ;; esac
faces_require
[ -x "$CHECK" ] && [ -x "$DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
[ -x "$WIRE_FETCH" ] || sys_fail "$WIRE_FETCH not built (make check builds it)"
sys_setup
for g in "${GUESTS[@]}"; do sys_guest_create "$g"; done

faces_virtmond "$URI" --not-answering-after "${LIMIT}s"
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"

dump() { "$DUMP" --source "virtmond:$FACES_SOCK" --include 'vmt-bh*' --json 2>/dev/null; }
check() { "$CHECK" --source "virtmond:$FACES_SOCK" -d 'vmt-bh*' -t 5 -v 2>&1; }
# the check polling libvirt itself, as a site without virtmond runs it:
# busy or hung from its state files over successive runs
direct() {
	"$CHECK" --uri "$URI" -d 'vmt-bh*' -t 5 -v --not-answering-after "${LIMIT}s" \
		--state-dir "$SYS_WORKDIR/check-state" 2>&1
}
# "NAME VALUE" per guest from virtmonDomainAnswering, joined to the name column by index
snmp_answering() {
	local w="snmpwalk -v2c -c public -On -t 1 -r 1 127.0.0.1:$SNMP_PORT"
	join <($w "$MIB_DOM_NAME" 2>/dev/null | sed -n "s/^$MIB_DOM_NAME\.\([0-9.]*\) = STRING: \"\(.*\)\"/\1 \2/p" | sort) \
		<($w "$MIB_DOM_ANSWERING" 2>/dev/null | sed -n "s/^$MIB_DOM_ANSWERING\.\([0-9.]*\) = Gauge32: \([0-9]*\)/\1 \2/p" | sort) |
		awk '{ print $2, $3 }'
}
# the wire's health line as virtmond serves it: "LAST_POLL_TIME LAST_ATTEMPT_TIME"
wire_times() {
	"$WIRE_FETCH" --raw "$FACES_SOCK" $'snapshot\n' 2>/dev/null | awk '$1 == "health" { print $7, $(NF - 1) }'
}
snmp_last_poll() {
	snmpget -v2c -c public -Oqv -t 1 -r 1 "127.0.0.1:$SNMP_PORT" "$MIB_LAST_POLL" 2>/dev/null
}
# the newest value collectd wrote for a guest's (or the host's) series
cd_last() {   # PATH-PART FILE-PREFIX
	local f
	f=$(find "$SYS_WORKDIR/csv" -path "*$1*" -name "$2-20*" 2>/dev/null | sort | tail -n 1)
	[ -n "$f" ] && tail -n 1 "$f" | awk -F, '{ printf "%d\n", $2 }'
}

# --- every face shows the guests ------------------------------------------------
for _ in $(seq 150); do
	[ "$(dump | jq '[.domains[] | select(.answering == "answering")] | length')" = 5 ] &&
		[ "$(snmp_answering | wc -l)" = 5 ] &&
		[ -n "$(cd_last vmt-bh5 gauge-answering)" ] && break
	sleep 0.2
done
[ "$(snmp_answering | wc -l)" = 5 ] && ok "SNMP lists the 5 guests' answering state" ||
	bad "SNMP: '$(snmp_answering | tr '\n' ' ')' ($(tail -n 3 "$SYS_WORKDIR/agentx.log"))"
[ -n "$(cd_last vmt-bh5 gauge-answering)" ] && ok "collectd writes gauge-answering" ||
	bad "collectd wrote no gauge-answering ($(tail -n 3 "$SYS_WORKDIR/collectd.out"))"

# --- other clients poll every domain without NOWAIT ---------------------------
STOP_CONTENTION=$SYS_WORKDIR/stop-contention
contend() {
	# a call stuck on the stopped guest is given up after 8 s (timeout),
	# as an exporter's scrape timeout would
	while [ ! -e "$STOP_CONTENTION" ]; do
		timeout 8 virsh -q -c "$URI" domstats >/dev/null 2>&1
	done
}
CONTENDERS=()
for _ in 1 2 3; do
	contend &
	CONTENDERS+=($!)
	sys_on_exit "touch $STOP_CONTENTION; kill $! 2>/dev/null; wait $! 2>/dev/null"
done

declare -A first_seen=()
declare -A shown=() busy=()
healthy_bad=0 healthy_busy=0 checks=0
# check_verdicts FACE OUTPUT T STOPPED_AT: count a check's alarms for healthy
# guests and busy reports; note when it first called the stopped guest hung
check_verdicts() {
	local face=$1 out=$2 t=$3 since=$4 line name n
	while read -r line; do
		name=${line#\[*\] }
		name=${name%%:*}
		[ -n "$since" ] && [ "$name" = "$HUNG" ] && continue
		healthy_bad=$((healthy_bad + 1))
		echo "# $(date +%T) $face: healthy guest not OK: $line"
	done < <(grep -E '^\[(UNKNOWN|WARNING|CRITICAL)\] ' <<<"$out")
	n=$(grep -E '^\[OK\] vmt-bh[0-9]+: .*guest busy' <<<"$out" | grep -vc "^\[OK\] $HUNG:")
	healthy_busy=$((healthy_busy + n))
	busy[$face]=$((${busy[$face]:-0} + n))
	# one of each for the log (and docs/nagios.md)
	line=$(grep -m1 -E '^\[OK\] .*guest busy, figures' <<<"$out")
	[ -n "$line" ] && [ -z "${shown[$face-busy]}" ] && shown[$face-busy]=1 && echo "# $face: $line"
	line=$(grep -m1 -E '^\[UNKNOWN\] .*not answering since' <<<"$out")
	[ -n "$line" ] && [ -z "${shown[$face-hung]}" ] && shown[$face-hung]=1 && echo "# $face: ${out%%|*}" && echo "# $face: $line"
	if [ -n "$since" ] && grep -qE "^\[UNKNOWN\] $HUNG: .*not answering since" <<<"$out"; then
		: "${first_seen[$face]:=$t}"
	fi
}
# observe SECONDS STOPPED_AT: every face every ~2 s; STOPPED_AT is when
# the hung guest was stopped (empty: none is)
observe() {
	local until t name v json since=$2 f watcher
	until=$(($(date +%s) + $1))
	# the direct check in a loop of its own, so its runs (up to -t each on
	# the stopped guest) do not space out the other faces' readings
	rm -rf "$SYS_WORKDIR/direct" && mkdir "$SYS_WORKDIR/direct"
	(
		while [ "$(date +%s)" -lt "$until" ]; do
			t=$(sys_now)
			direct >"$SYS_WORKDIR/direct/$t"
			sleep 1
		done
	) &
	watcher=$!
	while [ "$(date +%s)" -lt "$until" ]; do
		t=$(sys_now)
		check_verdicts check "$(check)" "$t" "$since"
		checks=$((checks + 1))
		json=$(dump)
		while read -r name; do
			[ -n "$since" ] && [ "$name" = "$HUNG" ] && continue
			healthy_bad=$((healthy_bad + 1))
			echo "# $(date +%T) wire: healthy $name not answering"
		done < <(jq -r '.domains[] | select(.answering == "not-answering") | .name' <<<"$json")
		while read -r name v; do
			[ "$v" = 2 ] || continue
			[ -n "$since" ] && [ "$name" = "$HUNG" ] && continue
			healthy_bad=$((healthy_bad + 1))
			echo "# $(date +%T) SNMP: healthy $name answering=$v"
		done < <(snmp_answering)
		for g in "${GUESTS[@]}"; do
			[ -n "$since" ] && [ "$g" = "$HUNG" ] && continue
			v=$(cd_last "$g" gauge-answering)
			[ "$v" != 2 ] || { healthy_bad=$((healthy_bad + 1)); echo "# $(date +%T) collectd: healthy $g answering=2"; }
		done
		if [ -n "$since" ]; then
			[ "$(jq -r ".domains[] | select(.name == \"$HUNG\") | .answering" <<<"$json")" = not-answering ] &&
				: "${first_seen[wire]:=$t}"
			[ "$(snmp_answering | awk -v h="$HUNG" '$1 == h { print $2 }')" = 2 ] && : "${first_seen[snmp]:=$t}"
			[ "$(cd_last "$HUNG" gauge-answering)" = 2 ] && : "${first_seen[collectd]:=$t}"
		fi
		sleep 1
	done
	wait "$watcher"
	for f in "$SYS_WORKDIR"/direct/*; do
		check_verdicts direct "$(cat "$f")" "${f##*/}" "$since"
		checks=$((checks + 1))
	done
}

t0=$(sys_now)
observe "$SECONDS_HEALTHY" ""
echo "# healthy phase: ${SECONDS_HEALTHY} s, $checks checks, $healthy_bad healthy-guest alarms, $healthy_busy busy (judged on last good figures; ${busy[direct]:-0} of them polling libvirt directly)"
[ "$healthy_bad" = 0 ] && ok "no face called a healthy guest not answering over $(sys_since "$t0") s of contention ($checks checks, $healthy_busy busy reports)" ||
	bad "$healthy_bad alarms for healthy guests under contention"

pid=$(sys_qemu_pid "$HUNG") || exit 99
kill -STOP "$pid"
sys_on_exit "kill -CONT $pid 2>/dev/null"
stopped=$(sys_now)
healthy_bad=0 healthy_busy=0 checks=0 busy=()
observe "$SECONDS_HUNG" "$stopped"
echo "# stopped phase: ${SECONDS_HUNG} s, $checks checks, $healthy_bad healthy-guest alarms, $healthy_busy busy (${busy[direct]:-0} direct)"
[ "$healthy_bad" = 0 ] && ok "with $HUNG stopped, no healthy guest alarmed over ${SECONDS_HUNG} s ($checks checks, $healthy_busy busy reports)" ||
	bad "$healthy_bad alarms for healthy guests while $HUNG was stopped"
for face in check direct wire snmp collectd; do
	if [ -z "${first_seen[$face]}" ]; then
		bad "$face never showed $HUNG as not answering"
		continue
	fi
	after=$(awk -v a="$stopped" -v b="${first_seen[$face]}" 'BEGIN { printf "%.1f", b - a }')
	# the direct check's clock starts at its first run that finds the guest
	# without figures, up to one round of observing after the SIGSTOP
	slack=5
	[ "$face" = direct ] && slack=9
	awk -v a="$after" -v l="$LIMIT" -v s="$slack" 'BEGIN { exit !(a <= l + s) }' &&
		ok "$face: $HUNG not answering ${after} s after SIGSTOP (not-answering-after ${LIMIT} s)" ||
		bad "$face: $HUNG not answering only ${after} s after SIGSTOP (limit ${LIMIT} s + $slack)"
done
kill -CONT "$pid"
touch "$STOP_CONTENTION"
for p in "${CONTENDERS[@]}"; do wait "$p" 2>/dev/null; done

# the guest answers again once libvirt lets go of its job (~30 s at most)
back=
for _ in $(seq 120); do
	[ "$(dump | jq -r ".domains[] | select(.name == \"$HUNG\") | .answering")" = answering ] && back=1 && break
	sleep 0.5
done
[ -n "$back" ] && ok "$HUNG answers again $(sys_since "$stopped") s after it was stopped" ||
	bad "$HUNG still not answering after SIGCONT: $(dump | jq -c ".domains[] | select(.name == \"$HUNG\") | {answering, partial_groups}")"

# collectd's notifications: one FAILURE when it stopped answering, one OKAY when back
# (collectd reads a second after the wire said so)
for _ in $(seq 25); do
	nf=$(grep -c "Notification: severity = FAILURE.*type_instance = answering" "$SYS_WORKDIR/collectd.out" 2>/dev/null)
	no=$(grep -c "Notification: severity = OKAY.*type_instance = answering.*$HUNG\" answers again" "$SYS_WORKDIR/collectd.out" 2>/dev/null)
	[ "$no" = 1 ] && break
	sleep 0.2
done
grep -m1 "type_instance = answering" "$SYS_WORKDIR/collectd.out" | sed 's/^/# /'
[ "$nf" = 1 ] && [ "$no" = 1 ] && ok "collectd: one FAILURE notification for $HUNG not answering, one OKAY when back" ||
	bad "collectd answering notifications: $nf FAILURE, $no OKAY ($(grep -c Notification "$SYS_WORKDIR/collectd.out" 2>/dev/null) in all)"

# --- libvirtd stopped: the data's age shows everywhere ------------------------
sys_libvirtd_stop
for _ in $(seq 100); do
	[ "$(wire_times)" != "" ] && ! "$DUMP" --source "virtmond:$FACES_SOCK" >/dev/null 2>&1 && break
	sleep 0.2
done
sleep 2
s1=$(snmp_last_poll) c1=$(cd_last /virtmon/ timestamp-last_poll)
read -r w1 a1 < <(wire_times)
sleep 4
s2=$(snmp_last_poll) c2=$(cd_last /virtmon/ timestamp-last_poll)
read -r w2 a2 < <(wire_times)
echo "# LastPollTime SNMP $s1 -> $s2, wire $w1 -> $w2 (last attempt $a1 -> $a2), collectd $c1 -> $c2, now $(date +%s)"
[ -n "$s1" ] && [ "$s1" = "$s2" ] && [ "$s1" -lt $(($(date +%s) - 4)) ] &&
	ok "SNMP: virtmonAgentLastPollTime stays at $s1 while libvirtd is down" || bad "SNMP LastPollTime $s1 -> $s2"
[ -n "$w1" ] && [ "$w1" = "$w2" ] && [ "${a2:-0}" -gt "${a1:-0}" ] &&
	ok "wire: last_poll_time stays at $w1, last_attempt_time moves on ($a1 -> $a2)" ||
	bad "wire: last_poll_time $w1 -> $w2, last_attempt_time $a1 -> $a2"
[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ "$c1" = "$w1" ] &&
	ok "collectd: timestamp-last_poll stays at $c1" || bad "collectd: timestamp-last_poll $c1 -> $c2 (wire $w1)"
out=$(check)
rc=$?
echo "# ${out%%|*}"
[ "$rc" != 0 ] && [[ $out =~ data\ [0-9]+\ s\ old:\ virtmond\ at\ .*\ cannot\ reach\ libvirt ]] &&
	ok "check exit $rc names the data's age" || bad "check exit $rc: $out"
out=$("$DUMP" --source "virtmond:$FACES_SOCK" 2>&1)
rc=$?
[ "$rc" = 1 ] && [[ $out =~ ^virtmon-dump:\ data\ [0-9]+\ s\ old: ]] &&
	ok "virtmon-dump exit 1: ${out:0:60}..." || bad "virtmon-dump exit $rc: $out"

sys_libvirtd_start
reconnected=
for _ in $(seq 150); do
	[ "$(dump | jq -r .health.connected)" = true ] && reconnected=$(sys_now) && break
	sleep 0.2
done
[ -n "$reconnected" ] || sys_fail "virtmond did not reconnect to libvirtd: $(dump | jq -c .health)"
hung_after=0 busy_after=0 polls=0
until=$(($(date +%s) + 6))
while [ "$(date +%s)" -lt "$until" ]; do
	json=$(dump)
	polls=$((polls + 1))
	hung_after=$((hung_after + $(jq '[.domains[] | select(.answering == "not-answering")] | length' <<<"$json")))
	busy_after=$((busy_after + $(jq '[.domains[] | select(.answering == "busy")] | length' <<<"$json")))
	sleep 0.3
done
[ "$hung_after" = 0 ] && ok "after libvirtd came back, no guest not answering in $polls reads over 6 s ($busy_after busy)" ||
	bad "after libvirtd came back: $hung_after not-answering guest readings in $polls reads"
out=$(check)
rc=$?
[ "$rc" = 0 ] && ok "check after the reconnect: ${out%%|*}" || bad "check exit $rc after the reconnect: $out"

echo "1..$n"
exit $fail
