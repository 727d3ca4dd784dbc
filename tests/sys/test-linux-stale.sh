#!/bin/bash
# Stale guest memory statistics, with two Linux test guests: one whose
# balloon has no stats period (its figures are never refreshed) and one that
# sends them every second.  Every face, reading virtmond (interval 1 s, so
# figures older than 3 s are stale), flags the first and not the second:
# SNMP virtmonDomainMemStale, collectd's gauge-memory_stats_stale, the dump's
# balloon.stale with no balloon.used_percent, and check_virt_domain's
# message and --stale-state.  After `virsh dommemstat --period 1` the first
# is no longer stale and its used_percent is back.
: "${top_builddir:=.}"
STALE="memory stats stale: balloon driver missing or no stats period"
CHECK=$top_builddir/nagios/check_virt_domain
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
. "${srcdir:-.}/tests/sys/faces.sh"

faces_require
[ -x "$CHECK" ] && [ -x "$DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
sys_setup
sys_linux_guest_create vmt-ls0 192 0
sys_linux_guest_create vmt-ls1 192 1
sys_linux_guest_wait vmt-ls0
sys_linux_guest_wait vmt-ls1
echo "# vmt-ls0 (no stats period): $(sys_virsh dommemstat vmt-ls0 | tr '\n' ' ')"
echo "# vmt-ls1 (stats period 1 s): $(sys_virsh dommemstat vmt-ls1 | tr '\n' ' ')"

faces_virtmond "$URI"
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"

# virtmonDomainMemStale, indexed by the UUID's bytes; its column from the MIB
STALE_COL=$(awk '/^virtmonDomainMemStale OBJECT-TYPE/ { f = 1 } f && /::= \{ virtmonDomainEntry/ { print $4; exit }' \
	"${srcdir:-.}/mibs/VIRTMON-MIB.txt")
[ -n "$STALE_COL" ] || sys_fail "no virtmonDomainMemStale in mibs/VIRTMON-MIB.txt"
snmp_stale() {
	local hex index='' i
	hex=$(sys_virsh domuuid "$1") || return
	hex=${hex//-/}
	for ((i = 0; i < 32; i += 2)); do index+=.$((16#${hex:i:2})); done
	snmpget -v2c -c public -Oqv -t 0.5 -r 0 "127.0.0.1:$SNMP_PORT" ".1.3.6.1.4.1.99999.1.3.1.$STALE_COL$index" 2>/dev/null
}
# the last value collectd wrote for gauge-memory_stats_stale
cd_stale() {
	local f
	f=$(find "$SYS_WORKDIR/csv" -path "*virtmon-$1/gauge-memory_stats_stale-*" 2>/dev/null | head -n 1)
	[ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2 | cut -d. -f1
}
dump_get() { # NAME JQ-FILTER-ON-METRICS
	"$DUMP" --json --source "virtmond:$FACES_SOCK" --include "$1" | jq -r ".domains[0].metrics | $2"
}
# collectd's notification (logfile writes it to collectd.out) that NAME
# turned stale (WARNING) or fresh (OKAY)
cd_notified() {
	grep -q "Notification: severity = $2, .*plugin = virtmon, plugin_instance = $1, type = gauge, type_instance = memory_stats_stale" \
		"$SYS_WORKDIR/collectd.out"
}
# Until every face shows NAME's flag as WANT (30 s at most).
wait_faces() {
	local name=$1 want=$2 s c d
	for _ in $(seq 150); do
		s=$(snmp_stale "$name") c=$(cd_stale "$name") d=$(dump_get "$name" '.["balloon.stale"]')
		[ "$s" = "$want" ] && [ "$c" = "$want" ] && [ "$d" = "$want" ] && break
		sleep 0.2
	done
	is "$name: SNMP virtmonDomainMemStale" "$s" "$want"
	is "$name: collectd gauge-memory_stats_stale" "$c" "$want"
	is "$name: virtmon-dump balloon.stale" "$d" "$want"
}

# check_says NAME RC WANT ARGS...: check_virt_domain -d NAME ARGS... (reading
# virtmond) exits RC and its output has WANT in it (and not the stale
# message, unless that is what is wanted)
check_says() {
	local name=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$CHECK" --source "virtmond:$FACES_SOCK" -d "$name" --perfdata none "$@")
	rc=$?
	echo "# $out"
	is "check $name $*: exit" "$rc" "$want_rc"
	case $want:$out in
	"$STALE":*"$STALE"*) ok "check $name says '$STALE'" ;;
	*:*"$STALE"*) bad "check $name says stale: '$out'" ;;
	*:*"$want"*) ok "check $name gives $want" ;;
	*) bad "check $name says '$out' (want '$want')" ;;
	esac
}

# --- without a stats period: stale everywhere ----------------------------------
wait_faces vmt-ls0 1
wait_faces vmt-ls1 0
cd_notified vmt-ls0 WARNING && ok "collectd notified vmt-ls0 stale (WARNING)" ||
	bad "no WARNING notification for vmt-ls0: $(grep Notification "$SYS_WORKDIR/collectd.out")"
cd_notified vmt-ls1 WARNING && bad "collectd notified vmt-ls1 stale" || ok "no notification for vmt-ls1"
is "vmt-ls0: no balloon.used_percent while stale" "$(dump_get vmt-ls0 '.["balloon.used_percent"]')" null
p=$(dump_get vmt-ls1 '.["balloon.used_percent"] | floor')
[ "$p" -gt 0 ] 2>/dev/null && [ "$p" -le 100 ] && ok "vmt-ls1: balloon.used_percent $p" ||
	bad "vmt-ls1: balloon.used_percent '$p'"

check_says vmt-ls0 3 "$STALE" --mem-used-warning 90
"$CHECK" --source "virtmond:$FACES_SOCK" -d vmt-ls0 --mem-used-warning 90 --stale-state warning >/dev/null
is "check vmt-ls0 --stale-state warning: exit" $? 1
# a threshold on the host's view of memory is no guest figure: checked as usual
"$CHECK" --source "virtmond:$FACES_SOCK" -d vmt-ls0 --mem-warning 1: >/dev/null
is "check vmt-ls0 --mem-warning 1: (balloon.current): exit" $? 0
check_says vmt-ls1 0 mem_used --mem-used-warning 99
# a one-shot check polling libvirt itself judges the same way
out=$("$CHECK" --uri "$URI" -d vmt-ls0 --balloon-stale-age 3s --mem-used-warning 90 --perfdata none)
is "check --uri vmt-ls0 --balloon-stale-age 3s: exit (unknown)" $? 3
case $out in *"$STALE"*) ok "check --uri vmt-ls0 says it is stale" ;; *) bad "check --uri vmt-ls0 says '$out'" ;; esac

# --- a stats period set at run time: fresh again ----------------------------------
sys_virsh dommemstat vmt-ls0 --period 1 >/dev/null || sys_fail "virsh dommemstat vmt-ls0 --period 1 failed"
wait_faces vmt-ls0 0
for _ in $(seq 25); do cd_notified vmt-ls0 OKAY && break; sleep 0.2; done
cd_notified vmt-ls0 OKAY && ok "collectd notified vmt-ls0 fresh again (OKAY)" ||
	bad "no OKAY notification for vmt-ls0: $(grep Notification "$SYS_WORKDIR/collectd.out")"
p=$(dump_get vmt-ls0 '.["balloon.used_percent"] | floor')
[ "$p" -gt 0 ] 2>/dev/null && [ "$p" -le 100 ] && ok "vmt-ls0 after --period 1: balloon.used_percent $p" ||
	bad "vmt-ls0 after --period 1: balloon.used_percent '$p'"
check_says vmt-ls0 0 mem_used --mem-used-warning 99
exit $fail
