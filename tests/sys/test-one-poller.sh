#!/bin/bash
# One poller per host: with virtmond running and every face reading it (the
# SNMP subagent, collectd's plugin, a check, virtmon-dump), libvirtd has
# exactly one client, virtmond's, and every face shows what it polled.  The
# long-running faces are checked to hold no libvirt connection and not to
# map libvirt at all.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
CHECK=$top_builddir/nagios/check_virt_domain

faces_require
[ -x "$CHECK" ] && [ -x "$DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
sys_setup
for g in vmt-op1 vmt-op2; do sys_guest_create "$g"; done

faces_virtmond "$URI"
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"

# --- every face shows the guests ----------------------------------------------
uuid1=$(sys_virsh domuuid vmt-op1) || sys_fail "no UUID for vmt-op1"
hex=${uuid1//-/}
index=
for ((i = 0; i < 32; i += 2)); do index+=.$((16#${hex:i:2})); done
snmp_name= csv=
for _ in $(seq 300); do
	# libvirtGuestName, indexed by the UUID's 16 bytes
	[ "$snmp_name" = vmt-op1 ] || snmp_name=$(snmpget -v2c -c public -Oqv -t 0.5 -r 0 \
		"127.0.0.1:$SNMP_PORT" ".1.3.6.1.4.1.36957.1.1.1.2$index" 2>/dev/null | tr -d '"')
	[ -n "$csv" ] || csv=$(find "$SYS_WORKDIR/csv" -path '*vmt-op1*' -name '*-20*' 2>/dev/null | head -n 1)
	[ "$snmp_name" = vmt-op1 ] && [ -n "$csv" ] && break
	sleep 0.2
done
[ "$snmp_name" = vmt-op1 ] && ok "SNMP (LIBVIRT-MIB) names vmt-op1 by its UUID" ||
	bad "SNMP gave '$snmp_name' for vmt-op1's UUID ($(tail -3 "$SYS_WORKDIR/agentx.log"))"
[ -n "$csv" ] && ok "collectd wrote vmt-op1's values (${csv#"$SYS_WORKDIR"/})" ||
	bad "collectd wrote nothing for vmt-op1 ($(tail -3 "$SYS_WORKDIR/collectd.out"))"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" -d vmt-op1)
rc=$?
[ "$rc" = 0 ] && [[ $out == "VIRT OK - vmt-op1 running"* ]] && ok "check: ${out%%|*}" ||
	bad "check exit $rc: $out"
count=$("$DUMP" --source "virtmond:$FACES_SOCK" --include 'vmt-op*' --json | jq '.domains | length')
[ "$count" = 2 ] && ok "virtmon-dump lists the 2 guests" || bad "virtmon-dump lists '$count' guests"

# --- libvirtd's clients: virtmond's one connection, nobody else's ------------
# (this shell's own virsh calls have finished by now)
declare -A per=()
while read -r id pid; do
	who=other
	for face in "${!FACES_PID[@]}"; do
		[ "$pid" = "${FACES_PID[$face]}" ] && who=$face
	done
	per[$who]=$((${per[$who]:-0} + 1))
	echo "# libvirtd client $id: pid $pid ($who)"
done < <(faces_libvirt_clients)
[ "${per[virtmond]:-0}" = 1 ] && ok "virtmond holds one libvirt connection" ||
	bad "virtmond holds ${per[virtmond]:-0} libvirt connections"
for face in agentx collectd; do
	[ "${per[$face]:-0}" = 0 ] && ok "$face holds no libvirt connection" ||
		bad "$face holds ${per[$face]} libvirt connections"
	if grep -q 'libvirt\.so' "/proc/${FACES_PID[$face]}/maps"; then
		bad "$face maps libvirt"
	else
		ok "$face does not map libvirt"
	fi
done

echo "1..$n"
exit $fail
