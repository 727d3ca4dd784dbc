#!/bin/bash
# Stable device names: a NIC's host-side name (its tap) changes when its
# guest restarts; its MAC, its alias and its place in the XML do not.  Each
# collectd InterfaceFormat and BlockDeviceFormat gives the identifiers
# expected, the series named by alias (and by address) go on under the same
# name after the guest restarts onto another tap, and SNMP and the dump carry
# the NIC's alias and model and the disk's bus and serial.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
faces_require
URI=qemu:///system
fail=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fail=1; }

sys_setup
G=vmt-dn1
sys_guest_create $G
# the alias and the serial go into the definition; the guest restarts on them
xml=$SYS_WORKDIR/$G-named.xml
sys_virsh dumpxml --inactive $G >"$xml" || sys_fail "dumpxml failed"
sed -i "s|<target dev='vda' bus='virtio'/>|<target dev='vda' bus='virtio'/><serial>SN-$G</serial>|; s|<model type='virtio'/>|<model type='virtio'/><alias name='ua-front'/>|" "$xml"
sys_virsh destroy $G >/dev/null
sys_virsh define "$xml" >/dev/null || sys_fail "define with alias and serial failed"
sys_virsh start $G >/dev/null || sys_fail "restart with alias and serial failed"
sys_guest_wait_io $G
mac=$(sys_virsh domiflist $G | grep -o '52:54:00[0-9a-f:]*' | head -n 1)
disk=$SYS_WORKDIR/$G.qcow2

json=$("$top_builddir/tools/virtmon-dump" --json -c $URI --include $G) || sys_fail "virtmon-dump failed"
got=$(jq -r '.domains[0] | "\(.nics[0].alias) \(.nics[0].model) \(.nics[0].number) \(.nics[0].mac) \(.disks[0].bus) \(.disks[0].serial)"' <<<"$json")
want="ua-front virtio 1 $mac virtio SN-$G"
[ "$got" = "$want" ] && ok "dump: $got" || bad "dump: '$got', want '$want'"

# identifiers collectd writes (the csv plugin's file names) under a format
idents() {   # TYPE: the type instances of TYPE files for the guest (not the domain's totals)
	find "$SYS_WORKDIR/csv" -path "*/virtmon-$G/$1-?*-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]" -type f 2>/dev/null |
		sed "s|.*/$1-||; s|-[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\$||" | sort -u | paste -sd ' '
}
with_formats() {   # WANT-NIC WANT-DISK OPTION...: collectd with the options writes those names
	local want_nic=$1 want_disk=$2 i
	shift 2
	rm -rf "$SYS_WORKDIR/csv"
	faces_collectd "libvirt:$URI" "$(printf '%s\n' "Include \"$G\"" "$@")"
	for ((i = 0; i < 40; i++)); do
		[ -n "$(idents if_octets)" ] && [ -n "$(idents disk_octets)" ] && break
		sleep 0.25
	done
	faces_stop collectd
	[ "$(idents if_octets)" = "$want_nic" ] && ok "$* -> if_octets-$want_nic" ||
		bad "$*: if_octets-'$(idents if_octets)', want '$want_nic'"
	[ "$(idents disk_octets)" = "$want_disk" ] && ok "$* -> disk_octets-$want_disk" ||
		bad "$*: disk_octets-'$(idents disk_octets)', want '$want_disk'"
}
with_formats "$G" vda
with_formats "$mac" "${disk//\//_}" 'InterfaceFormat "address"' 'BlockDeviceFormat "source"'
with_formats interface-1 "$G.qcow2" 'InterfaceFormat "number"' 'BlockDeviceFormat "source"' \
	'BlockDeviceFormatBasename true'
with_formats ua-front vda 'InterfaceFormat "alias"' 'BlockDeviceFormat "target"'

# SNMP: the NIC's alias, source and model, the disk's bus and serial
faces_snmp "libvirt:$URI"
uuid=$(sys_virsh domuuid $G); hex=${uuid//-/} idx=
for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
snmp() { snmpget -v2c -c public -Oqv -t 2 -r 1 "127.0.0.1:$SNMP_PORT" "$@" 2>/dev/null | tr -d '"' | paste -sd ' '; }
for ((i = 0; i < 60; i++)); do
	got=$(snmp .1.3.6.1.4.1.99999.1.6.1.5$idx.1 .1.3.6.1.4.1.99999.1.6.1.7$idx.1 \
		.1.3.6.1.4.1.99999.1.5.1.5$idx.1 .1.3.6.1.4.1.99999.1.5.1.6$idx.1)
	[ "$got" = "ua-front virtio virtio SN-$G" ] && break
	sleep 0.5
done
[ "$got" = "ua-front virtio virtio SN-$G" ] && ok "SNMP virtmonNicAlias/Model, virtmonDiskBus/Serial: $got" ||
	bad "SNMP: '$got', want 'ua-front virtio virtio SN-$G' (agent: $(tail -n 3 "$SYS_WORKDIR/agentx.log" | tr '\n' ' '))"
faces_stop agentx; faces_stop snmpd

# the guest restarts onto another tap: alias- and address-named series go on
rm -rf "$SYS_WORKDIR/csv"
faces_collectd "libvirt:$URI" "Include \"$G\"
InterfaceFormat \"alias\""
sleep 3
sed -i "s|<target dev='$G' managed='yes'/>|<target dev='${G}b' managed='yes'/>|" "$xml"
grep -q "dev='${G}b'" "$xml" || sys_fail "cannot change the tap in $xml"
sys_virsh destroy $G >/dev/null
sys_virsh define "$xml" >/dev/null && sys_virsh start $G >/dev/null || sys_fail "restart onto ${G}b failed"
tap=$(sys_virsh domiflist $G | awk '$1 != "" { print $1; exit }')
[ "$tap" = "${G}b" ] && ok "restarted onto tap $tap" || bad "tap after restart: '$tap'"
f=$(find "$SYS_WORKDIR/csv" -path "*/virtmon-$G/if_octets-ua-front-*" -type f | head -n 1)
n0=$(wc -l <"$f")
sleep 4
n1=$(wc -l <"$f")
faces_stop collectd
[ "$n1" -gt "$n0" ] && ok "if_octets-ua-front goes on after the restart ($n0 -> $n1 lines)" ||
	bad "if_octets-ua-front stopped at $n0 lines"
[ "$(idents if_octets)" = ua-front ] && ok "no series named after either tap" || bad "if_octets names: $(idents if_octets)"
exit $fail
