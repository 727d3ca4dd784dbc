#!/bin/bash
# Storage pools in virtmon-dump (JSON and table) and through virtmond's
# wire, checked field by field against virsh: test:///default's
# default-pool, and a test-driver file with two pools (one holding a volume)
# served by virtmond.  Under `make check-valgrind` virtmond and virtmon-dump
# run under memcheck ($VMON_VALGRIND).
set -u
: "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" pools
SOCK=$dir/virtmond.sock

# pool_vs_virsh URI JSON NAME: every field of pool NAME in a dump's JSON against virsh
pool_vs_virsh() {
    local uri=$1 json=$2 name=$3 info xml pool
    info=$(virsh -c "$uri" pool-info "$name" --bytes) || { nok "virsh pool-info $name"; return; }
    xml=$(virsh -c "$uri" pool-dumpxml "$name")
    pool=$(jq -c --arg n "$name" '.pools[] | select(.name == $n)' <<<"$json")
    [ -n "$pool" ] || { nok "pool '$name' missing from the dump"; return; }
    field() { awk -F': *' -v k="$1" '$1 == k { print $2 }' <<<"$info"; }
    yes_true() { [ "$1" = yes ] || [ "$1" = enable ] && echo true || echo false; }
    check "$name uuid" "$(field UUID)" "$(jq -r .uuid <<<"$pool")"
    check "$name state" "$(field State)" "$(jq -r .state <<<"$pool")"
    check "$name persistent" "$(yes_true "$(field Persistent)")" "$(jq -r .persistent <<<"$pool")"
    check "$name autostart" "$(yes_true "$(field Autostart)")" "$(jq -r .autostart <<<"$pool")"
    for k in capacity allocation available; do
        check "$name $k" "$(field "${k^}")" "$(jq -r ".metrics.$k" <<<"$pool")"
    done
    check "$name type" "$(sed -n "s/^<pool type='\([^']*\)'.*/\1/p" <<<"$xml")" "$(jq -r .type <<<"$pool")"
    check "$name path" "$(sed -n 's|.*<path>\(.*\)</path>.*|\1|p' <<<"$xml" | tail -1)" \
          "$(jq -r .path <<<"$pool")"
    check "$name volumes" "$(virsh -c "$uri" vol-list "$name" | tail -n +3 | grep -c .)" \
          "$(jq -r .metrics.volumes <<<"$pool")"
    local used
    used=$(awk -v a="$(field Allocation)" -v c="$(field Capacity)" 'BEGIN { printf "%.6f", 100 * a / c }')
    check "$name used.percent" "$used" "$(jq -r '.metrics["used.percent"]' <<<"$pool" | awk '{ printf "%.6f", $1 }')"
    check "$name not stale" false "$(jq -r .stale <<<"$pool")"
}

# ---- test:///default, polled by virtmon-dump itself ----
json=$($VG "$DUMP" --json -c test:///default) || { echo "ERROR: virtmon-dump failed"; exit 99; }
check "pool_driver" true "$(jq -r .pool_driver <<<"$json")"
check "pools listed" "$(virsh -c test:///default pool-list --all --name | grep -c .)" "$(jq '.pools | length' <<<"$json")"
pool_vs_virsh test:///default "$json" default-pool
table=$($VG "$DUMP" -c test:///default)
row=$(awk '$1 == "default-pool" && $2 == "dir" { print $3, $4, $5 $6, $7 $8, $9 $10, $11, $12 }' <<<"$table")
check "table row" "running no 100.0GiB 0B 100.0GiB 0.0 0" "$row"

# ---- a file with two pools and a volume, through virtmond ----
sed 's|</node>|<pool type="dir"><name>fast pool</name><uuid>11111111-2222-3333-4444-555555555555</uuid>'\
'<target><path>/fast</path></target><volume><name>v1.img</name><capacity unit="G">8</capacity>'\
'<allocation unit="G">3</allocation></volume></pool><pool type="logical"><name>vg0</name>'\
'<uuid>11111111-2222-3333-4444-666666666666</uuid><source><name>vg0</name></source>'\
'<target><path>/dev/vg0</path></target></pool></node>|' "$dir/t.xml" >"$dir/p.xml" || exit 99
PURI=test://$dir/p.xml
$VG "$D" -c "$PURI" -i 1 -s "$SOCK" 2>"$dir/d.log" &
pids="$pids $!"
for _ in $(seq 1 300); do "$FETCH" "$SOCK" >/dev/null 2>&1 && break; sleep 0.1; done
served=$($VG "$DUMP" --json --source "virtmond:$SOCK") || { cat "$dir/d.log"; echo "ERROR: no snapshot from virtmond"; exit 99; }
direct=$($VG "$DUMP" --json -c "$PURI") || { echo "ERROR: virtmon-dump failed"; exit 99; }
check "pools through virtmond" 2 "$(jq '.pools | length' <<<"$served")"
for name in "fast pool" vg0; do
    pool_vs_virsh "$PURI" "$served" "$name"
done
view='[.pools[] | del(.figures_time)]'
check "virtmond's pools = virtmon-dump's" "$(jq -c "$view" <<<"$direct")" "$(jq -c "$view" <<<"$served")"
check "figures time is the snapshot's" "$(jq .taken_wall <<<"$served")" "$(jq '.pools[0].figures_time' <<<"$served")"

# one domain by UUID: virtmon-dump then asks virtmond for that domain alone, and the pools
# come with it as they do from libvirt
uuid=$(jq -r '.domains[0].uuid' <<<"$direct")
one=$($VG "$DUMP" --json --source "virtmond:$SOCK" --include "$uuid") || { echo "ERROR: virtmon-dump --include failed"; exit 99; }
check "--include UUID through virtmond: one domain" "$uuid" "$(jq -r '[.domains[].uuid] | join(",")' <<<"$one")"
check "--include UUID through virtmond: the pools as libvirt gives them" "$(jq -c "$view" <<<"$direct")" "$(jq -c "$view" <<<"$one")"
check "--include UUID through virtmond: pool_driver" true "$(jq -r .pool_driver <<<"$one")"

exit $fail
