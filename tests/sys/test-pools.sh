#!/bin/bash
# A real libvirtd's storage pool: a `dir` pool on a 64 MiB tmpfs.  Its
# capacity, allocation and available equal `virsh pool-info --bytes` in
# virtmon-dump (polling libvirt and through virtmond), check_virt_pool's
# perfdata, virtmon-agentx's virtmonPoolTable and collectd's values (both
# reading virtmond); filling it with fallocate past -w 80 turns the
# check WARNING, past -c 90 CRITICAL; a pool destroyed is CRITICAL when
# named, OK among --all (no autostart); `virsh pool-destroy` then
# `virsh pool-start` give a stopped then a started pool-lifecycle event in
# virtmond's events stream, virtmonPoolLifecycle traps at a real snmptrapd
# (virtmon-agentx reading virtmond) and a WARNING then an OKAY notification
# in collectd's log; a pool whose target directory disappears does not
# stall the poll.  The mount and the pools are undone at exit.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
CHECK="$top_builddir/nagios/check_virt_pool"
POOL=vmt-pool-tmpfs
GONE=vmt-pool-gone
eq() { [ "$2" = "$3" ] && ok "$1 = $3" || bad "$1: virtmon '$2', want '$3'"; }
command -v jq >/dev/null || sys_skip "jq not installed"
command -v fallocate >/dev/null || sys_skip "fallocate not installed"
command -v snmptrapd >/dev/null || sys_skip "snmptrapd not installed"
command -v python3 >/dev/null || sys_skip "python3 not installed"
for b in "$DUMP" "$CHECK" "$FACES_VIRTMOND"; do [ -x "$b" ] || sys_fail "$b not built"; done
faces_require

sys_setup
mnt=$SYS_WORKDIR/pool
gone=$SYS_WORKDIR/gone
mkdir -p "$mnt" "$gone" || sys_fail "mkdir"
for p in $POOL $GONE; do   # a crashed run's leftovers
    sys_virsh pool-destroy $p >/dev/null 2>&1; sys_virsh pool-undefine $p >/dev/null 2>&1
done
mount -t tmpfs -o size=64M vmt-pool "$mnt" || sys_skip "cannot mount a tmpfs here"
sys_on_exit "umount $mnt"
sys_on_exit "virsh -q -c $URI pool-destroy $POOL >/dev/null 2>&1; virsh -q -c $URI pool-undefine $POOL >/dev/null 2>&1"
sys_on_exit "virsh -q -c $URI pool-destroy $GONE >/dev/null 2>&1; virsh -q -c $URI pool-undefine $GONE >/dev/null 2>&1"
sys_virsh pool-define-as $POOL dir --target "$mnt" >/dev/null && sys_virsh pool-start $POOL >/dev/null ||
    sys_fail "cannot define and start $POOL"
faces_virtmond $URI
TRAP_PORT=$(faces__free_port)
echo 'disableAuthorization yes' >"$SYS_WORKDIR/snmptrapd.conf"
faces__run snmptrapd snmptrapd -f -Lf "$SYS_WORKDIR/traps.log" -On -C -c "$SYS_WORKDIR/snmptrapd.conf" \
    -p "$SYS_WORKDIR/snmptrapd.pid" "udp:127.0.0.1:$TRAP_PORT"
faces_snmp "virtmond:$FACES_SOCK" "trap2sink udp:127.0.0.1:$TRAP_PORT public"
faces_collectd "virtmond:$FACES_SOCK"
# virtmond's events stream, as a subscriber reads it, into events.out
faces__run events python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"events\n")
for line in s.makefile("r"):
    print(line, end="")
' "$FACES_SOCK"

info() { sys_virsh pool-info $POOL --bytes | awk -F': *' -v k="$1" '$1 == k { print $2 }'; }
# Wait until virtmond has polled after now (its seq moves twice: one poll may have started before)
virtmond_poll() {
    local seq0 s
    seq0=$("$DUMP" --json --source "virtmond:$FACES_SOCK" | jq .health.polls)
    for _ in $(seq 100); do
        s=$("$DUMP" --json --source "virtmond:$FACES_SOCK" | jq .health.polls)
        [ "$s" -ge $((seq0 + 2)) ] && return 0
        sleep 0.1
    done
    bad "virtmond did not poll within 10 s"
}
# the last value collectd's csv plugin wrote of the pool's TYPE-INSTANCE, as an integer
csv_pool() {
    local f
    f=$(find "$SYS_WORKDIR/csv" -path "*/virtmon-pool-$POOL/$1-[0-9]*" -type f 2>/dev/null | sort | tail -n 1)
    [ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2 | awk '{ printf "%.0f\n", $1 }'
}
# wait_eq WHAT WANT COMMAND...: COMMAND prints WANT within 15 s
wait_eq() {
    local what=$1 want=$2 got
    shift 2
    for _ in $(seq 150); do
        got=$("$@" 2>/dev/null)
        [ "$got" = "$want" ] && { ok "$what = $want"; return; }
        sleep 0.1
    done
    bad "$what: '$got', want '$want'"
}
# every face against virsh pool-info --bytes, at the same moment (a dir pool's figures change
# only when libvirt refreshes it)
compare_all() {
    local what=$1 cap alloc avail direct served idx
    cap=$(info Capacity) alloc=$(info Allocation) avail=$(info Available)
    direct=$("$DUMP" --json -c $URI | jq -c --arg p $POOL '.pools[] | select(.name == $p)')
    virtmond_poll
    served=$("$DUMP" --json --source "virtmond:$FACES_SOCK" | jq -c --arg p $POOL '.pools[] | select(.name == $p)')
    out=$("$CHECK" --uri $URI -p $POOL)
    perf() { sed 's/.*|//' <<<"$out" | tr ' ' '\n' | sed -n "s/^'$1'=\([0-9]*\)B;.*/\1/p"; }
    for face in "virtmon-dump:$direct" "virtmond:$served"; do
        j=${face#*:}
        eq "$what: ${face%%:*} capacity" "$(jq -r .metrics.capacity <<<"$j")" "$cap"
        eq "$what: ${face%%:*} allocation" "$(jq -r .metrics.allocation <<<"$j")" "$alloc"
        eq "$what: ${face%%:*} available" "$(jq -r .metrics.available <<<"$j")" "$avail"
    done
    eq "$what: check_virt_pool capacity" "$(perf capacity)" "$cap"
    eq "$what: check_virt_pool allocation" "$(perf allocation)" "$alloc"
    eq "$what: check_virt_pool available" "$(perf available)" "$avail"
    # SNMP and collectd read virtmond: they show its poll within a few seconds
    local hex i
    hex=$(sys_virsh pool-uuid $POOL | tr -d -) idx=
    for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
    for c in 10:$cap 11:$alloc 13:$avail; do
        wait_eq "$what: SNMP virtmonPoolEntry.${c%%:*}" "${c#*:}" \
            snmpget -v2c -c public -Oqv -t 1 -r 0 "127.0.0.1:$SNMP_PORT" ".1.3.6.1.4.1.99999.1.9.1.${c%%:*}$idx"
    done
    for c in bytes-capacity:$cap df_complex-used:$alloc df_complex-free:$avail; do
        wait_eq "$what: collectd ${c%%:*}" "${c#*:}" csv_pool "${c%%:*}"
    done
    eq "$what: virtmond volumes (virsh vol-list)" "$(jq -r .metrics.volumes <<<"$served")" \
        "$(sys_virsh vol-list $POOL | grep -c .)"
}

compare_all "empty"
eq "type" "$("$DUMP" --json -c $URI | jq -r --arg p $POOL '.pools[] | select(.name == $p) | .type')" dir
eq "path" "$("$DUMP" --json -c $URI | jq -r --arg p $POOL '.pools[] | select(.name == $p) | .path')" "$mnt"

# filled past -w 80: libvirt sees it at its next refresh (virsh pool-refresh, which also sends
# the refresh event virtmond rereads the volumes on)
fallocate -l 53M "$mnt/a.img" || sys_fail "fallocate"
sys_virsh pool-refresh $POOL >/dev/null || sys_fail "pool-refresh"
compare_all "53 MiB written"
out=$("$CHECK" --uri $URI -p $POOL -w 80 -c 90); rc=$?
echo "# $out"
[ $rc = 1 ] && grep -q "used_percent .* (warning 80)" <<<"$out" && ok "past 80%: WARNING" || bad "past 80%: exit $rc, '$out'"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" -p $POOL -w 80 -c 90); rc=$?
[ $rc = 1 ] && ok "past 80% through virtmond: WARNING" || bad "through virtmond: exit $rc, '$out'"
fallocate -l 6M "$mnt/b.img" || sys_fail "fallocate"
sys_virsh pool-refresh $POOL >/dev/null || sys_fail "pool-refresh"
compare_all "59 MiB written"
out=$("$CHECK" --uri $URI -p $POOL -w 80 -c 90 --available-critical 4194304:); rc=$?
echo "# $out"
[ $rc = 2 ] && grep -q "used_percent .* (critical 90)" <<<"$out" && ok "past 90%: CRITICAL" || bad "past 90%: exit $rc, '$out'"

# destroyed: CRITICAL when named, OK among --all since it has no autostart
for _ in $(seq 100); do grep -q '^virtmon-events 1$' "$SYS_WORKDIR/events.out" && break; sleep 0.1; done
grep -q '^virtmon-events 1$' "$SYS_WORKDIR/events.out" || bad "no events stream: $(cat "$SYS_WORKDIR/events.out")"
ev_from=$(wc -l <"$SYS_WORKDIR/events.out") trap_from=$(wc -l <"$SYS_WORKDIR/traps.log" 2>/dev/null || echo 0)
cd_from=$(wc -l <"$SYS_WORKDIR/collectd.out")
sys_virsh pool-destroy $POOL >/dev/null || sys_fail "pool-destroy"
out=$("$CHECK" --uri $URI -p $POOL); rc=$?
echo "# $out"
[ $rc = 2 ] && grep -q "pool $POOL inactive" <<<"$out" && ok "inactive, named: CRITICAL" || bad "inactive named: exit $rc, '$out'"
out=$("$CHECK" --uri $URI -p "vmt-pool-*"); rc=$?
[ $rc = 0 ] && ok "inactive among a pattern, no autostart: OK ($out)" || bad "inactive among many: exit $rc, '$out'"
sys_virsh pool-autostart $POOL >/dev/null || sys_fail "pool-autostart"
out=$("$CHECK" --uri $URI -p "vmt-pool-*"); rc=$?
[ $rc = 2 ] && ok "inactive with autostart among a pattern: CRITICAL" || bad "autostart: exit $rc, '$out'"
virtmond_poll
eq "virtmond: state after pool-destroy" "$("$DUMP" --json --source "virtmond:$FACES_SOCK" | jq -r --arg p $POOL '.pools[] | select(.name == $p) | .state')" inactive
sys_virsh pool-start $POOL >/dev/null || sys_fail "pool-start"
virtmond_poll
eq "virtmond: state after pool-start" "$("$DUMP" --json --source "virtmond:$FACES_SOCK" | jq -r --arg p $POOL '.pools[] | select(.name == $p) | .state')" running

# the notifications of that pool-destroy and pool-start, in order, in every face
uuid=$(sys_virsh pool-uuid $POOL)
hex=${uuid//-/} idx=
for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
# events stream: "event pool-lifecycle WHEN EVENT DETAIL STATE NAME UUID MESSAGE"
ev_seen() { tail -n +$((ev_from + 1)) "$SYS_WORKDIR/events.out" |
    awk -v n="\"$POOL\"" -v u="\"$uuid\"" '$1 == "event" && $2 == "pool-lifecycle" && $7 == n && $8 == u { printf "%s ", $4 }'; }
wait_eq "virtmond's events stream: $POOL's pool-lifecycle events (3 stopped, 2 started)" "3 2 " ev_seen
tail -n +$((ev_from + 1)) "$SYS_WORKDIR/events.out" | sed 's/^/# /'
# snmptrapd -On: one trap per block; the pool's name (instance: its UUID index) and the event
traps_seen() { tail -n +$((trap_from + 1)) "$SYS_WORKDIR/traps.log" 2>/dev/null | tr '\t' '\n' |
    awk -v nm=".1.3.6.1.4.1.99999.1.9.1.2$idx = STRING: \"$POOL\"" -v us=".1.3.6.1.4.1.99999.1.9.1.3$idx = STRING: \"$uuid\"" '
        /\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.4\.1\.99999\.0\.4$/ { pool = 1; name = uuid = 0; next }
        /\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID:/ { pool = 0 }
        pool && index($0, nm) { name = 1 }
        pool && index($0, us) { uuid = 1 }
        pool && name && uuid && match($0, /\.1\.3\.6\.1\.4\.1\.99999\.1\.7\.5\.0 = INTEGER: [0-9]+/) {
            s = substr($0, RSTART, RLENGTH); sub(/.* /, "", s); printf "%s ", s; pool = 0 }'; }
wait_eq "snmptrapd: virtmonPoolLifecycle for $POOL (virtmonPoolEventType 3 stopped, 2 started)" "3 2 " traps_seen
tail -n +$((trap_from + 1)) "$SYS_WORKDIR/traps.log" | grep -F '99999.0.4' | sed 's/^/# /'
cd_seen() { tail -n +$((cd_from + 1)) "$SYS_WORKDIR/collectd.out" |
    sed -n "s/.*Notification: severity = \([A-Z]*\), host = faces, plugin = virtmon, plugin_instance = pool-$POOL, type = pool_state, type_instance = \([a-z]*\), message = Pool \"$POOL\" \2$/\1 \2/p" |
    tr '\n' ' '; }
wait_eq "collectd: $POOL's notifications" "WARNING stopped OKAY started " cd_seen
tail -n +$((cd_from + 1)) "$SYS_WORKDIR/collectd.out" | grep -F "pool_state" | sed 's/^/# /'

# a pool whose target directory disappears: the poll is not held up, and says what libvirt says
sys_virsh pool-define-as $GONE dir --target "$gone" >/dev/null && sys_virsh pool-start $GONE >/dev/null ||
    sys_fail "cannot define and start $GONE"
rmdir "$gone" || sys_fail "rmdir $gone"
sys_virsh pool-refresh $GONE >/dev/null 2>&1
t0=$(sys_now)
json=$("$DUMP" --json -c $URI) || bad "virtmon-dump failed with $GONE's directory gone"
took=$(sys_since "$t0")
awk -v t="$took" 'BEGIN { exit !(t < 5) }' && ok "poll with $GONE's directory gone took $took s" || bad "poll took $took s"
want=$(sys_virsh pool-info $GONE 2>/dev/null | awk -F': *' '$1 == "State" { print $2 }')
eq "$GONE state" "$(jq -r --arg p $GONE '.pools[] | select(.name == $p) | .state' <<<"$json")" "${want:-missing}"
eq "$POOL still reported" "$(jq -r --arg p $POOL '.pools[] | select(.name == $p) | .state' <<<"$json")" running

exit $fail
