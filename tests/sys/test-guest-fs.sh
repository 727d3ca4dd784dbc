#!/bin/bash
# Guest file systems (option guest-fs) on a real libvirtd, with two guests:
# the Linux test guest (its agent answers; an ext2 /mnt on its disk) and a
# guest with no OS whose agent channel is defined but never opened.
#
#  - option off (the default): no guest-get-fsinfo reaches any agent,
#    counted in libvirtd's own debug log of its agent calls (virt-admin sets
#    a filter for qemu.qemu_agent for the length of the test);
#  - option on: the mount points and their total and used bytes equal
#    `virsh guestinfo --filesystem`, in a one-shot virtmon-dump and through
#    virtmond, then in virtmonFsTable, collectd's values and
#    check_virt_domain's --fs-warning/--fs-critical (reading virtmond, and
#    polling libvirt itself); the guest without an agent has none and an
#    error saying why, and the poll keeps its pace;
#  - an agent that stops answering (qemu-ga SIGSTOPped in the guest) costs
#    that guest its figures after guest-fs-timeout, and the poll goes on at
#    its pace.
: "${top_builddir:=.}"
G=vmt-gfs
N=vmt-gfs-noos
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
. "${srcdir:-.}/tests/sys/faces.sh"

faces_require
[ -x "$DUMP" ] || sys_skip "virtmon-dump is needed"
command -v jq >/dev/null || sys_skip "jq is needed"
command -v virt-admin >/dev/null || sys_skip "virt-admin is needed to count libvirtd's agent calls"
sys_setup

# libvirtd logs every command it sends an agent at debug level under
# qemu.qemu_agent: log just that to a file of ours for the test's length.
AGENT_LOG=$SYS_WORKDIR/agent.log
old_filters=$(virt-admin daemon-log-filters | sed -n 's/^ *Logging filters: *//p')
old_outputs=$(virt-admin daemon-log-outputs | sed -n 's/^ *Logging outputs: *//p')
virt-admin daemon-log-filters "1:qemu.qemu_agent" >/dev/null &&
	virt-admin daemon-log-outputs "1:file:$AGENT_LOG ${old_outputs}" >/dev/null ||
	sys_skip "virt-admin cannot set libvirtd's log filters"
sys_on_exit "virt-admin daemon-log-filters '$old_filters' >/dev/null; virt-admin daemon-log-outputs '$old_outputs' >/dev/null"
fsinfo_calls() { grep -c '"execute":"guest-get-fsinfo"' "$AGENT_LOG" 2>/dev/null || true; }

sys_linux_guest_create "$G" 128 1
# the same guest minus the OS: SeaBIOS and iPXE only, the agent's port never opened
sys_noos_guest() {
	local name=$1 disk xml tap
	sys__guest_files "$name"
	sys__guest_xml "$name" 32 destroy "\
    <boot dev='hd'/>
    <boot dev='network'/>" "\
    <serial type='null'/>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='virtio'/>"
	sys__guest_define_start "$name" "$xml" "$tap"
}
sys_noos_guest "$N"
sys_linux_guest_wait "$G"

# Something on /mnt that stays: the usage virsh and virtmon are compared on.
sys_virsh qemu-agent-command "$G" \
	'{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","dd if=/dev/zero of=/mnt/fill bs=1k count=3000 conv=fsync 2>/dev/null"]}}' >/dev/null ||
	sys_fail "guest-exec dd in $G failed"
sleep 2

# "MOUNT TOTAL USED" per line, sorted, from virsh guestinfo --filesystem
virsh_fs() {
	sys_virsh guestinfo "$1" --filesystem | awk -F' *: *' '
		$1 ~ /^fs\.[0-9]+\.mountpoint$/ { split($1, k, "."); m[k[2]] = $2 }
		$1 ~ /^fs\.[0-9]+\.total-bytes$/ { split($1, k, "."); t[k[2]] = $2 }
		$1 ~ /^fs\.[0-9]+\.used-bytes$/ { split($1, k, "."); u[k[2]] = $2 }
		END { for (i in m) print m[i], t[i], u[i] }' | sort
}
# the same from virtmon-dump's JSON (ARGS: the dump's source options)
dump_fs() {
	local name=$1
	shift
	"$DUMP" --json "$@" --include "$name" |
		jq -r '.domains[0].filesystems[] | "\(.mountpoint) \(.metrics.total) \(.metrics.used)"' | sort
}
dump_get() { # NAME JQ ARGS...
	local name=$1 jq=$2
	shift 2
	"$DUMP" --json "$@" --include "$name" | jq -r ".domains[0] | $jq"
}

# --- option off: no agent call at all ----------------------------------------
calls0=$(fsinfo_calls)
faces_virtmond "$URI"
sleep 4
"$DUMP" -c "$URI" >/dev/null || bad "virtmon-dump -c $URI failed"
is "guest-fs off: virtmond's file systems of $G" "$(dump_get "$G" '.filesystems | length' --source "virtmond:$FACES_SOCK")" 0
faces_stop_all
is "guest-fs off: guest-get-fsinfo calls in 4 s of virtmond and a one-shot dump" "$(($(fsinfo_calls) - calls0))" 0

# --- option on, one-shot: equal to virsh ------------------------------------------
want=$(virsh_fs "$G")
echo "# virsh guestinfo --filesystem $G: $(tr '\n' ';' <<<"$want")"
grep -q '^/mnt [0-9]' <<<"$want" || sys_fail "virsh shows no /mnt in $G: '$want'"
# why virtmon asks on a read-write connection of its own: what a read-only one says
echo "# virsh -r guestinfo --filesystem: $(virsh -r -c "$URI" guestinfo "$G" --filesystem 2>&1 | tr '\n' ' ')"
calls0=$(fsinfo_calls)
got=$(dump_fs "$G" -c "$URI" --guest-fs yes)
is "one-shot virtmon-dump --guest-fs yes: $G's mount points, total and used bytes" "$got" "$want"
calls=$(($(fsinfo_calls) - calls0))
[ "$calls" -ge 1 ] && ok "guest-fs on: the one-shot dump made $calls guest-get-fsinfo call(s) (the count can see them)" ||
	bad "guest-fs on: no guest-get-fsinfo call counted"
line=$("$DUMP" -c "$URI" --guest-fs yes --include "$G" | grep -A4 '^  fs /mnt ')
echo "# table: $(tr '\n' ';' <<<"$line")"
grep -q 'used.percent' <<<"$line" && ok "the table shows /mnt with used.percent" || bad "no /mnt in the table: '$line'"
pct=$(dump_get "$G" '.filesystems[] | select(.mountpoint == "/mnt") | .metrics["used.percent"]' -c "$URI" --guest-fs yes)
read -r _ total used < <(grep '^/mnt ' <<<"$want")
want_pct=$(awk -v u="$used" -v t="$total" 'BEGIN { printf "%.2f", 100 * u / t }')
is "/mnt used.percent" "$(awk -v p="$pct" 'BEGIN { printf "%.2f", p }')" "$want_pct"
err=$(dump_get "$N" '.guest_fs_error' -c "$URI" --guest-fs yes)
echo "# $N: $err"
[ "$err" != null ] && [ -n "$err" ] && ok "$N (no agent): an error says why it has no file systems" ||
	bad "$N: guest_fs_error '$err'"

# --- option on, through virtmond -----------------------------------------------------
faces_virtmond "$URI" --guest-fs yes --guest-fs-interval 2s --guest-fs-timeout 3s
for _ in $(seq 100); do
	got=$(dump_fs "$G" --source "virtmond:$FACES_SOCK")
	[ -n "$got" ] && break
	sleep 0.2
done
want=$(virsh_fs "$G")
is "virtmond --guest-fs yes: $G's mount points, total and used bytes" "$got" "$want"
"$DUMP" --json --source "virtmond:$FACES_SOCK" --include "$G" |
	jq -c '.domains[0] | {guest_fs_time, guest_fs_error, filesystems}' | sed 's/^/# /' 
is "virtmond: $N has no file systems" "$(dump_get "$N" '.filesystems | length' --source "virtmond:$FACES_SOCK")" 0
err=$(dump_get "$N" '.guest_fs_error' --source "virtmond:$FACES_SOCK")
[ "$err" != null ] && ok "virtmond: $N: $err" || bad "virtmond: $N has no guest_fs_error"

# usage that moves: 2 MB more on /mnt shows within two guest-fs intervals
sys_virsh qemu-agent-command "$G" \
	'{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","dd if=/dev/zero of=/mnt/fill2 bs=1k count=2000 conv=fsync 2>/dev/null"]}}' >/dev/null
before=$(awk '$1 == "/mnt" { print $3 }' <<<"$got")
for _ in $(seq 50); do
	got=$(dump_fs "$G" --source "virtmond:$FACES_SOCK")
	now=$(awk '$1 == "/mnt" { print $3 }' <<<"$got")
	[ "$now" -ge $((before + 2000000)) ] 2>/dev/null && break
	sleep 0.2
done
want=$(virsh_fs "$G")
is "after 2 MB more on /mnt: virtmond equals virsh" "$got" "$want"

# --- SNMP, collectd and check_virt_domain, reading virtmond ---------------------------
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"
read -r _ total used < <(grep '^/mnt ' <<<"$want")
pct=$(awk -v u="$used" -v t="$total" 'BEGIN { printf "%.2f", 100 * u / t }')
# virtmonFsTable (virtmonObjects 11), indexed by the domain's UUID bytes and the position
uuid_index() {
	local hex index='' i
	hex=$(sys_virsh domuuid "$1") || return
	hex=${hex//-/}
	for ((i = 0; i < 32; i += 2)); do index+=.$((16#${hex:i:2})); done
	echo "$index"
}
FS_TABLE=.1.3.6.1.4.1.99999.1.11.1
IDX=$(uuid_index "$G")
snmp_fs() { # COLUMN: the /mnt row's value
	local row
	row=$(snmpwalk -v2c -c public -On -t 1 -r 0 "127.0.0.1:$SNMP_PORT" "$FS_TABLE.2$IDX" 2>/dev/null |
		awk -F' = STRING: ' '$2 == "\"/mnt\"" || $2 == "/mnt" { n = split($1, o, "."); print o[n] }')
	[ -n "$row" ] && snmpget -v2c -c public -Oqv -t 1 -r 0 "127.0.0.1:$SNMP_PORT" "$FS_TABLE.$1$IDX.$row" 2>/dev/null
}
for _ in $(seq 100); do
	[ "$(snmp_fs 11)" = "$used" ] && break
	sleep 0.2
done
# the table as an NMS sees it, named when the IETF base modules are there
. "${srcdir:-.}/tests/snmp/mibpath.sh"
snmpwalk -v2c -c public -t 1 -r 0 ${VMON_IETF_MIBDIR:+-M "$VMON_IETF_MIBDIR:${srcdir:-.}/mibs" -m VIRTMON-MIB} \
	"127.0.0.1:$SNMP_PORT" "$FS_TABLE" 2>/dev/null | sed 's/^/# /'
is "SNMP virtmonFsTotal of $G /mnt" "$(snmp_fs 10)" "$total"
is "SNMP virtmonFsUsed of $G /mnt" "$(snmp_fs 11)" "$used"
is "SNMP virtmonFsUsedPercent of $G /mnt (hundredths)" "$(snmp_fs 13)" "$(awk -v p="$pct" 'BEGIN { printf "%d", p * 100 + 0.5 }')"
is "SNMP virtmonFsType of $G /mnt" "$(snmp_fs 5)" '"ext2"'
# the last value collectd's csv plugin wrote of TYPE-INSTANCE for $G, as an integer
csv_fs() {
	local f
	f=$(find "$SYS_WORKDIR/csv" -path "*virtmon-$G/$1-[0-9]*" -type f 2>/dev/null | sort | tail -n 1)
	[ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2 | cut -d. -f1
}
for _ in $(seq 100); do
	[ "$(csv_fs df_complex-used-mnt)" = "$used" ] && break
	sleep 0.2
done
for f in $(find "$SYS_WORKDIR/csv" -path "*virtmon-$G/*-mnt-*" -type f | sort); do
	echo "# ${f#"$SYS_WORKDIR/csv/"}: $(tail -n 1 "$f")"
done
is "collectd df_complex-used-mnt of $G" "$(csv_fs df_complex-used-mnt)" "$used"
is "collectd df_complex-free-mnt of $G" "$(csv_fs df_complex-free-mnt)" "$((total - used))"
is "collectd bytes-total-mnt of $G" "$(csv_fs bytes-total-mnt)" "$total"
is "collectd percent-used-mnt of $G" "$(csv_fs percent-used-mnt)" "${pct%.*}"

CHECK=$top_builddir/nagios/check_virt_domain
check_is() { # WANT_RC WANT_TEXT ARGS...
	local want_rc=$1 want=$2 out rc
	shift 2
	out=$("$CHECK" "$@")
	rc=$?
	echo "# check_virt_domain $*: $out"
	is "check_virt_domain $*: exit" "$rc" "$want_rc"
	case $out in *"$want"*) ok "it says '$want'" ;; *) bad "it does not say '$want'" ;; esac
}
V=(--source "virtmond:$FACES_SOCK")
check_is 0 "/mnt $pct% used" "${V[@]}" -d "$G" --fs-warning 80 --fs-critical 90 --perfdata none
check_is 1 "/mnt $pct% used (warning 10)" "${V[@]}" -d "$G" --fs-warning 10 --fs-critical 90 --perfdata none
check_is 2 "/mnt $pct% used (critical 15)" "${V[@]}" -d "$G" --fs /mnt --fs-warning 10 --fs-critical 15 --perfdata none
check_is 2 "'/mnt'=$(awk -v u="$used" -v t="$total" 'BEGIN { printf "%.6f", 100 * u / t }')%;;15;0;100" \
	"${V[@]}" -d "$G" --fs '/m*' --fs-critical 15
check_is 3 "no file system matches --fs '/var' (mounted: /mnt)" "${V[@]}" -d "$G" --fs /var --fs-warning 80
check_is 3 "no file systems: " "${V[@]}" -d "$N" --fs-warning 80
check_is 2 "CRITICAL: $G" "${V[@]}" -d 'vmt-gfs*' --fs-critical 15
# polling libvirt itself, the check asks the agent
check_is 1 "/mnt $pct% used (warning 10)" --uri "$URI" -d "$G" --fs-warning 10 --perfdata none

# check_pace WITH: virtmond (interval 1 s) polls at least 4 times in 5 s, the last under 0.9 s
pace() { # prints "POLLS LAST_POLL_SECONDS"
	"$DUMP" --json --source "virtmond:$FACES_SOCK" --include "$G" |
		jq -r '"\(.health.polls) \(.health.last_poll_seconds)"'
}
check_pace() {
	local p0 p1 s1
	read -r p0 _ < <(pace)
	sleep 5
	read -r p1 s1 < <(pace)
	echo "# virtmond, $1: $((p1 - p0)) polls in 5 s, the last took $s1 s"
	[ $((p1 - p0)) -ge 4 ] && ok "virtmond polled $((p1 - p0)) times in 5 s $1" ||
		bad "virtmond polled $((p1 - p0)) times in 5 s $1"
	awk -v s="$s1" 'BEGIN { exit !(s < 0.9) }' && ok "its last poll took $s1 s" || bad "its last poll took $s1 s"
}
check_pace "with guest-fs on"

# --- an agent that stops answering ---------------------------------------------------
sys_virsh qemu-agent-command "$G" \
	'{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","sleep 1; kill -STOP $(pidof qemu-ga)"]}}' >/dev/null ||
	sys_fail "guest-exec kill -STOP in $G failed"
t0=$(sys_now)
for _ in $(seq 100); do
	err=$(dump_get "$G" '.guest_fs_error' --source "virtmond:$FACES_SOCK")
	[ "$err" != null ] && break
	sleep 0.2
done
echo "# $G, its agent stopped: '$err' after $(sys_since "$t0") s"
case $err in
*"did not answer within 3 s"* | *"not responding"*) ok "$G's agent stopped: its file systems go ($err)" ;;
*) bad "$G's agent stopped: guest_fs_error '$err'" ;;
esac
is "$G's agent stopped: no file systems" "$(dump_get "$G" '.filesystems | length' --source "virtmond:$FACES_SOCK")" 0
check_pace "with $G's agent stopped"
is "$G's other figures still come ($G answering)" "$(dump_get "$G" '.answering' --source "virtmond:$FACES_SOCK")" answering
faces_stop_all

echo "1..$n"
exit $fail
