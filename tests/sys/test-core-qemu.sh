#!/bin/bash
# The core against a real libvirtd with real QEMU guests: values as virsh
# shows them, a libvirtd restart between two polls, and a guest whose qemu
# is SIGSTOPped while the others are still reported promptly.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
DUMP="$top_builddir/tools/virtmon-dump"
URI=qemu:///system
fail=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fail=1; }
between() { # WHAT LOW GOT HIGH
    if [ -n "$3" ] && [ "$3" != null ] && [ "$2" -le "$3" ] && [ "$3" -le "$4" ]; then ok "$1: $2 <= $3 <= $4"
    else bad "$1: '$3' not within [$2, $4]"; fi
}
command -v jq >/dev/null || sys_skip "jq not installed"
[ -x "$DUMP" ] || sys_fail "$DUMP not built"

sys_setup
for g in vmt-c1 vmt-c2 vmt-c3; do sys_guest_create "$g"; done
for g in vmt-c1 vmt-c2 vmt-c3; do sys_guest_wait_io "$g"; done

# --- values: each counter between virsh's reading before and after the dump
before=$(sys_virsh domstats --raw vmt-c1)
vcpu_before=$(sys_virsh domstats --vcpu --raw vmt-c1)
json=$("$DUMP" --json -c $URI --include 'vmt-c*') || sys_fail "virtmon-dump failed"
vcpu_after=$(sys_virsh domstats --vcpu --raw vmt-c1)
after=$(sys_virsh domstats --raw vmt-c1)
get() { sys_stat_in "$@"; }
d=$(jq -c '.domains[] | select(.name == "vmt-c1")' <<<"$json")
[ "$(jq '.domains | length' <<<"$json")" = 3 ] && ok "3 guests listed" || bad "guest count $(jq '.domains | length' <<<"$json")"
[ "$(jq -r .state <<<"$d")" = running ] && ok "vmt-c1 running" || bad "vmt-c1 state $(jq -r .state <<<"$d")"
[ "$(jq -r .partial <<<"$d")" = false ] && ok "vmt-c1 complete" || bad "vmt-c1 partial"
for pair in cpu.time:cpu.time block.0.rd.reqs:rd.reqs block.0.rd.bytes:rd.bytes net.0.tx.pkts:tx.pkts net.0.tx.bytes:tx.bytes vcpu.0.time:time; do
    v=${pair%%:*}; k=${pair#*:}
    case $v in
    block.*) got=$(jq -r ".disks[0].metrics[\"$k\"]" <<<"$d") ;;
    net.*) got=$(jq -r ".nics[0].metrics[\"$k\"]" <<<"$d") ;;
    vcpu.*) got=$(jq -r ".vcpus[0].metrics[\"$k\"]" <<<"$d") ;;
    *) got=$(jq -r ".metrics[\"$k\"]" <<<"$d") ;;
    esac
    between "vmt-c1 $v" "$(get "$before" "$v")" "$got" "$(get "$after" "$v")"
done
# vCPU delay (steal time, libvirt >= 7.2): each vCPU's, and the domain's sum of them
delay_sum() { grep -o 'vcpu\.[0-9]*\.delay=[0-9]*' <<<"$1" | awk -F= '{ s += $2 } END { if (NR) printf "%.0f\n", s }'; }
[ -n "$(delay_sum "$vcpu_after")" ] || bad "virsh domstats --vcpu gives no vcpu.N.delay (libvirt < 7.2?)"
between "vmt-c1 vcpu.0.delay" "$(get "$vcpu_before" vcpu.0.delay)" \
    "$(jq -r '.vcpus[] | select(.number == 0) | .metrics.delay' <<<"$d")" "$(get "$vcpu_after" vcpu.0.delay)"
between "vmt-c1 vcpu.delay (all vCPUs)" "$(delay_sum "$vcpu_before")" \
    "$(jq -r '.metrics["vcpu.delay"]' <<<"$d")" "$(delay_sum "$vcpu_after")"
# and their rates over two polls 2 s apart: at most what virsh saw move over
# the whole run, per 1.8 s (the polls' own spacing, with slack)
vcpu_before=$(sys_virsh domstats --vcpu --raw vmt-c1)
two=$("$DUMP" --json -c $URI --include vmt-c1 -i 2) || sys_fail "virtmon-dump -i 2 failed"
vcpu_after=$(sys_virsh domstats --vcpu --raw vmt-c1)
moved=$(( $(delay_sum "$vcpu_after") - $(delay_sum "$vcpu_before") ))
between "vmt-c1 vcpu.delay rate" 0 "$(jq -r '.domains[0].rates["vcpu.delay"] | floor' <<<"$two")" \
    $(( moved * 10 / 18 ))
between "vmt-c1 vcpu.0.delay rate" 0 "$(jq -r '.domains[0].vcpus[] | select(.number == 0) | .rates.delay | floor' <<<"$two")" \
    $(( ($(get "$vcpu_after" vcpu.0.delay) - $(get "$vcpu_before" vcpu.0.delay)) * 10 / 18 ))
# steal %: the delay rate per vCPU second, with the host loaded so vCPUs
# wait for it.  virsh reads the delays around the dump's two polls: the
# dump's 2 s can hold at most all that moved, and (the load being steady)
# no less than half the rate virsh saw over the whole run.
spin() { while :; do :; done; }
spin & spin1=$!; spin & spin2=$!; spin & spin3=$!
sleep 1
t0=$(sys_now)
vcpu_before=$(sys_virsh domstats --vcpu --raw vmt-c1)
two=$("$DUMP" --json -c $URI --include vmt-c1 -i 2) || bad "virtmon-dump -i 2 under load failed"
vcpu_after=$(sys_virsh domstats --vcpu --raw vmt-c1)
took=$(sys_since "$t0")
kill $spin1 $spin2 $spin3; wait $spin1 $spin2 $spin3 2>/dev/null
moved=$(( $(delay_sum "$vcpu_after") - $(delay_sum "$vcpu_before") ))
nvcpu=$(get "$vcpu_after" vcpu.current)
steal=$(jq -r '.domains[0].metrics["vcpu.steal_percent"]' <<<"$two")
if awk -v s="$steal" -v m="$moved" -v t="$took" -v n="$nvcpu" 'BEGIN {
        lo = m / 1e9 / t / n * 100 / 2; hi = m / 1e9 / 1.8 / n * 100; if (hi > 100) hi = 100
        printf "vmt-c1 steal %s %% under load: virsh %.2f %% over %.2f s (bounds %.2f..%.2f)\n", s, m / 1e9 / t / n * 100, t, lo, hi
        exit !(s + 0 > 0 && s >= lo && s <= hi) }'; then ok "steal within bounds"
else bad "vmt-c1 steal '$steal' % not within what virsh saw (delay moved $moved ns, $nvcpu vCPUs, $took s)"; fi
for v in balloon.current balloon.maximum vcpu.current vcpu.maximum; do
    [ "$(get "$after" "$v")" = "$(jq -r ".metrics[\"$v\"]" <<<"$d")" ] && ok "vmt-c1 $v = $(get "$after" "$v")" \
        || bad "vmt-c1 $v: virsh $(get "$after" "$v"), virtmon $(jq -r ".metrics[\"$v\"]" <<<"$d")"
done
[ "$(get "$after" block.0.name)" = "$(jq -r '.disks[0].name' <<<"$d")" ] && ok "disk name" || bad "disk name"
[ "$(get "$after" net.0.name)" = "$(jq -r '.nics[0].name' <<<"$d")" ] && ok "nic name" || bad "nic name"
mac=$(sys_virsh domiflist vmt-c1 | grep -o '52:54:00[0-9a-f:]*' | head -n 1)
[ "$mac" = "$(jq -r '.nics[0].mac' <<<"$d")" ] && ok "mac $mac" || bad "mac: virsh $mac, virtmon $(jq -r '.nics[0].mac' <<<"$d")"

# --- libvirtd restarted between two polls: the second poll has data again
out=$SYS_WORKDIR/restart.json
"$DUMP" --json -c $URI --include "vmt-c*" -i 6 >"$out" 2>"$SYS_WORKDIR/restart.err" &
dump_pid=$!
sleep 1
sys_libvirtd_restart
if wait $dump_pid; then
    [ "$(jq -r .health.connected "$out")" = true ] && ok "connected after libvirtd restart" || bad "not connected after restart"
    [ "$(jq '.domains | length' "$out")" = 3 ] && ok "3 guests after restart" || bad "guests after restart: $(jq '.domains | length' "$out")"
    [ "$(jq -r '.health.reconnects' "$out")" -ge 1 ] && ok "reconnect counted" || bad "reconnects $(jq -r .health.reconnects "$out")"
else
    bad "virtmon-dump failed across the restart: $(cat "$SYS_WORKDIR/restart.err")"
fi

# --- one guest stopped dead between two polls, as it happens to a running
# agent: the second poll returns promptly with the others, and says which
# groups the frozen guest could not give.
pid=$(sys_qemu_pid vmt-c2) || exit 99
out=$SYS_WORKDIR/stopped.json
"$DUMP" --json -c $URI --include 'vmt-c*' -i 3 >"$out" 2>"$SYS_WORKDIR/stopped.err" &
dump_pid=$!
sleep 1.5
kill -STOP "$pid"
if wait $dump_pid; then
    ok "polls with a stopped guest returned"
    json=$(cat "$out")
    took=$(jq -r .health.last_poll_seconds <<<"$json")
    # slices get 4x the previous poll's slice time (at least 1 s), then one NOWAIT retry
    awk -v t="$took" 'BEGIN { exit !(t < 3) }' && ok "poll took $took s with a stopped guest" || bad "poll took $took s"
    for g in vmt-c1 vmt-c3; do
        v=$(jq -r ".domains[] | select(.name == \"$g\") | .metrics[\"cpu.time\"]" <<<"$json")
        p=$(jq -r ".domains[] | select(.name == \"$g\") | .partial" <<<"$json")
        [ -n "$v" ] && [ "$v" != null ] && [ "$p" = false ] && ok "$g still reported in full (cpu.time $v)" \
            || bad "$g while vmt-c2 stopped: cpu.time $v partial $p"
    done
    st=$(jq -r '.domains[] | select(.name == "vmt-c2") | "\(.state) \(.partial) \(.partial_groups)"' <<<"$json")
    case $st in
    "running true "*block*) ok "stopped guest listed as partial: $st" ;;
    *) bad "stopped guest: state/partial/groups '$st' (want running, partial, block missing)" ;;
    esac
else
    bad "virtmon-dump with a stopped guest failed: $(cat "$SYS_WORKDIR/stopped.err")"
fi
# a guest still frozen, poll after poll: the connection whose call is stuck
# on it is replaced, so later polls do not wait on it (they took 5-20 s
# each, keepalive's rhythm, when every poll shared that connection)
# vmt-c3 is frozen fresh (vmt-c2's job is still held by the earlier stuck
# call, so libvirt would skip vmt-c2 without ever waiting)
pid3=$(sys_qemu_pid vmt-c3) || exit 99
t0=$(sys_now)
timeout 120 "$DUMP" --json -c $URI --include 'vmt-c*' -i 1 -n 8 >"$SYS_WORKDIR/frozen8.json" &
dump_pid=$!
sleep 2.5
kill -STOP "$pid3"
wait $dump_pid
rc=$?
took=$(sys_since "$t0")
kill -CONT "$pid3"
json=$(cat "$SYS_WORKDIR/frozen8.json")
[ $rc = 0 ] && ok "8 polls with a guest frozen returned" || bad "8 polls with a guest frozen: exit $rc"
# 7 s of sleeps, the first poll's patience (<= 5 s) and slack for a busy host
awk -v t="$took" 'BEGIN { exit !(t < 16) }' && ok "8 polls 1 s apart took $took s" || bad "8 polls 1 s apart took $took s"
last=$(jq -r .health.last_poll_seconds <<<"$json")
awk -v t="$last" 'BEGIN { exit !(t < 1) }' && ok "the last of them took $last s" || bad "the last poll took $last s"
st=$(jq -r '.domains[] | select(.name == "vmt-c3") | "\(.partial) \(.partial_groups)"' <<<"$json")
case $st in "true "*block*) ok "vmt-c3 frozen: partial, $st" ;; *) bad "vmt-c3 frozen but reads '$st'" ;; esac
[ "$(jq -r .health.reconnects <<<"$json")" = 0 ] && ok "replacing the stuck connection is no reconnect" ||
    bad "reconnects $(jq -r .health.reconnects <<<"$json")"
v=$(jq -r '.domains[] | select(.name == "vmt-c1") | .disks[0].metrics["rd.reqs"]' <<<"$json")
[ -n "$v" ] && [ "$v" != null ] && ok "vmt-c1 disk counters still read ($v)" || bad "vmt-c1 has no disk counters"

# a one-shot client has no history: it waits the whole timeout (5 s) once
t0=$(sys_now)
json=$(timeout 60 "$DUMP" --json -c $URI --include 'vmt-c*')
rc=$?
took=$(sys_since "$t0")
kill -CONT "$pid"
[ $rc = 0 ] && ok "one-shot poll with a stopped guest returned" || bad "one-shot poll: exit $rc"
awk -v t="$took" 'BEGIN { exit !(t < 8) }' && ok "one-shot poll took $took s" || bad "one-shot poll took $took s"
[ "$(jq -r '.domains | length' <<<"$json")" = 3 ] && ok "3 guests in the one-shot poll" || bad "one-shot poll listed $(jq -r '.domains | length' <<<"$json") guests"
exit $fail
