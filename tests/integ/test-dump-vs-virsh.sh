#!/bin/bash
# virtmon-dump against libvirt's test driver, checked value by value with
# virsh.  The test driver's counters grow with wall-clock time, so a counter
# must lie between what virsh printed just before and just after the dump.
set -u
: "${top_builddir:=.}"
DUMP="$top_builddir/tools/virtmon-dump"
# make check-valgrind sets VMON_VALGRIND: the dump then runs under memcheck
VG=${VMON_VALGRIND:-}
URI=test:///default
fail=0

command -v virsh >/dev/null || { echo "SKIP: virsh not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ -x "$DUMP" ] || { echo "ERROR: $DUMP not built"; exit 99; }

check() {   # check WHAT WANT GOT
    if [ "$2" = "$3" ]; then echo "ok - $1 = $3"
    else echo "not ok - $1: virsh says '$2', virtmon says '$3'"; fail=1; fi
}
between() { # between WHAT LOW GOT HIGH
    if [ -n "$3" ] && [ "$2" -le "$3" ] && [ "$3" -le "$4" ]; then echo "ok - $1: $2 <= $3 <= $4"
    else echo "not ok - $1: $3 not within [$2, $4]"; fail=1; fi
}
stat_of() { awk -v k="$2" '$2 == k { print $3 }' <<<"$1"; }

blk0=$(virsh -c $URI domblkstat test vda); if0=$(virsh -c $URI domifstat test testnet0)
json=$($VG "$DUMP" --json -c $URI) || { echo "ERROR: virtmon-dump failed"; exit 99; }
blk1=$(virsh -c $URI domblkstat test vda); if1=$(virsh -c $URI domifstat test testnet0)
dom=$(jq -c '.domains[] | select(.name == "test")' <<<"$json")
[ -n "$dom" ] || { echo "not ok - domain 'test' missing from the dump"; exit 1; }

info=$(virsh -c $URI dominfo test)
field() { awk -F': *' -v k="$1" '$1 == k { print $2 }' <<<"$info"; }
check "uuid" "$(field UUID)" "$(jq -r .uuid <<<"$dom")"
check "state" "$(field State)" "$(jq -r .state <<<"$dom")"
check "id" "$(field Id)" "$(jq -r .id <<<"$dom")"
check "vcpus" "$(field 'CPU(s)')" "$(jq -r '.metrics["vcpu.current"]' <<<"$dom")"
check "vcpu entries" "$(field 'CPU(s)')" "$(jq -r '.vcpus | length' <<<"$dom")"
check "max memory" "$(field 'Max memory' | awk '{print $1}')" "$(jq -r '.metrics["balloon.maximum"]' <<<"$dom")"
check "used memory" "$(field 'Used memory' | awk '{print $1}')" "$(jq -r '.metrics["balloon.current"]' <<<"$dom")"
check "persistent" "$([ "$(field Persistent)" = yes ] && echo true || echo false)" "$(jq -r .persistent <<<"$dom")"
check "autostart" "$([ "$(field Autostart)" = enable ] && echo true || echo false)" "$(jq -r .autostart <<<"$dom")"

mem=$(virsh -c $URI dommemstat test)
for tag in unused available usable rss disk_caches swap_in; do
    check "balloon.$tag" "$(awk -v k=$tag '$1 == k {print $2}' <<<"$mem")" "$(jq -r ".metrics[\"balloon.$tag\"]" <<<"$dom")"
done

disk=$(jq -c '.disks[] | select(.name == "vda")' <<<"$dom")
check "disk vda present" "vda" "$(jq -r .name <<<"$disk")"
for pair in rd_req:rd.reqs rd_bytes:rd.bytes wr_req:wr.reqs wr_bytes:wr.bytes errs:errs; do
    v=${pair%%:*}; k=${pair#*:}
    between "vda $k" "$(stat_of "$blk0" $v)" "$(jq -r ".metrics[\"$k\"]" <<<"$disk")" "$(stat_of "$blk1" $v)"
done
binfo=$(virsh -c $URI domblkinfo test vda)
check "vda capacity" "$(awk '/^Capacity:/ {print $2}' <<<"$binfo")" "$(jq -r '.metrics.capacity' <<<"$disk")"
check "vda allocation" "$(awk '/^Allocation:/ {print $2}' <<<"$binfo")" "$(jq -r '.metrics.allocation' <<<"$disk")"

nic=$(jq -c '.nics[] | select(.name == "testnet0")' <<<"$dom")
check "nic testnet0 mac" "$(virsh -c $URI domiflist test | awk '$1 == "testnet0" {print $5}')" "$(jq -r .mac <<<"$nic")"
for pair in rx_bytes:rx.bytes rx_packets:rx.pkts rx_errs:rx.errs rx_drop:rx.drop tx_bytes:tx.bytes tx_packets:tx.pkts tx_errs:tx.errs tx_drop:tx.drop; do
    v=${pair%%:*}; k=${pair#*:}
    between "testnet0 $k" "$(stat_of "$if0" $v)" "$(jq -r ".metrics[\"$k\"]" <<<"$nic")" "$(stat_of "$if1" $v)"
done

# domain totals are the sum of their devices
check "disk total = vda" "$(jq -r '.metrics["rd.bytes"]' <<<"$disk")" "$(jq -r '.metrics["disk.rd.bytes"]' <<<"$dom")"

node=$(virsh -c $URI nodeinfo)
nfield() { awk -F': *' -v k="$1" '$1 == k { print $2 }' <<<"$node" | awk '{print $1}'; }
check "node cpus" "$(nfield 'CPU(s)')" "$(jq -r '.node.metrics.cpus' <<<"$json")"
check "node sockets" "$(nfield 'CPU socket(s)')" "$(jq -r '.node.metrics.sockets' <<<"$json")"
check "node memory" "$(nfield 'Memory size')" "$(jq -r '.node.metrics["mem.total"]' <<<"$json")"
check "node cpu model" "$(nfield 'CPU model')" "$(jq -r '.node.cpu_model' <<<"$json")"

# rates: two polls one second apart; the test driver's cpu time grows at wall-clock pace
rates=$($VG "$DUMP" --json -c $URI -i 1 | jq -c '.domains[] | select(.name == "test")')
cpu=$(jq -r '.metrics["cpu.percent"]' <<<"$rates")
if awk -v c="$cpu" 'BEGIN { exit !(c >= 0 && c <= 100.5) }'; then echo "ok - cpu.percent $cpu within 0..100"
else echo "not ok - cpu.percent '$cpu'"; fail=1; fi
have_win=$(jq -r '.window["cpu.percent"].max != null' <<<"$rates")
check "window stats present after two polls" true "$have_win"

exit $fail
