#!/bin/sh
# check_virt_pool against libvirt's test driver (fixtures/pools.xml: pools
# 50%, 95% and 0% used) and through virtmond: state, used_percent and
# available thresholds, selection by name, UUID, glob and --exclude, the
# figures equal to virsh's, and clear UNKNOWNs for what cannot be checked.
. "${srcdir:-.}/tests/nagios/lib-nagios.sh"
CHECK_POOL=./nagios/check_virt_pool
VIRTMOND=./tools/virtmond
[ -x "$CHECK_POOL" ] && [ -x "$VIRTMOND" ] || { echo "Bail out! check_virt_pool or virtmond not built"; exit 99; }
URI="test://$FIXTURES/pools.xml"

# pool_field NAME FIELD: virsh's figure, in bytes
pool_field() {
    virsh -c "$URI" pool-info "$1" --bytes | awk -F': *' -v k="$2" '$1 == k { print $2 }'
}

run "$CHECK_POOL" --uri "$URI" -p half
expect_rc 0 "a running pool, no thresholds: OK"
expect_first '^VIRT OK - pool half running, used_percent 50%, available 53687091200B \|' "summary names state, used % and room"
perfdata_valid "perfdata is valid"
for f in Capacity Allocation Available; do
    label=$(echo "$f" | tr 'A-Z' 'a-z')
    [ "$(perf "$label")" = "$(pool_field half "$f")" ]
    ok $? "$label perfdata = virsh pool-info --bytes ($(pool_field half "$f"))"
done
[ "$(perf used_percent)" = 50 ]
ok $? "used_percent = allocation / capacity (50)"
[ "$(perf volumes)" = "$(virsh -c "$URI" vol-list half | tail -n +3 | grep -c .)" ]
ok $? "volumes = virsh vol-list's ($(perf volumes))"

run "$CHECK_POOL" --uri "$URI" -p half -w 40 -c 60
expect_rc 1 "50% used, -w 40 -c 60: WARNING"
expect_first 'used_percent 50% \(warning 40\)' "the summary says which threshold"
run "$CHECK_POOL" --uri "$URI" -p full -w 40 -c 60
expect_rc 2 "95% used, -c 60: CRITICAL"
run "$CHECK_POOL" --uri "$URI" -p full --available-critical 10737418240:
expect_rc 2 "5 GiB free, --available-critical 10 GiB: CRITICAL"
expect_first 'available 5368709120B \(critical 10737418240:\)' "the summary says how much is free"
run "$CHECK_POOL" --uri "$URI" -p half --available-critical 10737418240: --available-warning 60000000000:
expect_rc 1 "50 GiB free, --available-warning 60 GB: WARNING"
run "$CHECK_POOL" --uri "$URI" -p 7669726d-6f6e-0000-0000-000000000002 -c 90
expect_rc 2 "a pool by UUID"
expect_first '^VIRT CRITICAL - pool full ' "named by its name in the output"

run "$CHECK_POOL" --uri "$URI" --all -w 80 -c 90
expect_rc 2 "--all -w 80 -c 90: CRITICAL"
expect_first '^VIRT CRITICAL - 3 pools: 3 running; CRITICAL: full \|' "--all names the critical pool"
run "$CHECK_POOL" --uri "$URI" --all --exclude full -w 80 -c 90
expect_rc 0 "--exclude full: OK"
run "$CHECK_POOL" --uri "$URI" -p 'h*,e*' -w 40 -c 90 --perfdata all
expect_rc 1 "a glob list: WARNING for half"
expect_first '^VIRT WARNING - 2 pools: 2 running; WARNING: half' "only the pools matched"
[ "$(perf half::used_percent)" = 50 ] && [ "$(perf empty::used_percent)" = 0 ] && [ "$(perf pools)" = 2 ]
ok $? "several pools: perfdata prefixed with the pool's name"

run "$CHECK_POOL" --uri "$URI" -p nosuch
expect_rc 3 "no such pool: UNKNOWN"
expect_first "no pool 'nosuch' at test://" "saying which pool and where"
run "$CHECK_POOL" --uri "$URI" -p 'zz*'
expect_rc 3 "a pattern matching nothing: UNKNOWN"
run "$CHECK_POOL" --uri "$URI" -p half --state running=critical
expect_rc 2 "--state running=critical"
run "$CHECK_POOL" --uri "$URI" --all --state stopped=ok
expect_rc 3 "--state with an unknown pool state: UNKNOWN"
expect_first "unknown pool state" "naming the problem"
run "$CHECK_POOL" --uri "$URI"
expect_rc 3 "no -p nor --all: UNKNOWN"
run "$CHECK_POOL" --uri "$URI" -p half --exclude x
expect_rc 3 "--exclude with a named pool: UNKNOWN"

# the same verdicts through virtmond
SOCK=$TEST_TMP/vd.sock
"$VIRTMOND" -c "$URI" -i 1s -s "$SOCK" 2>>"$TEST_TMP/virtmond.log" &
VD_PID=$!
trap 'kill "$VD_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
i=0
until "$CHECK_POOL" --source "virtmond:$SOCK" --all >/dev/null 2>&1; do
    i=$((i + 1)); sleep 0.1
    [ $i -lt 150 ] || { echo "Bail out! virtmond did not serve"; cat "$TEST_TMP/virtmond.log"; exit 99; }
done
run "$CHECK_POOL" --source "virtmond:$SOCK" -p full -w 80 -c 90
expect_rc 2 "through virtmond: 95% used, -c 90: CRITICAL"
[ "$(perf available)" = "$(pool_field full Available)" ]
ok $? "through virtmond: available = virsh's ($(perf available))"
run "$CHECK_POOL" --source "virtmond:$SOCK" --all -w 80 -c 90
expect_first '^VIRT CRITICAL - 3 pools: 3 running; CRITICAL: full' "through virtmond: --all"

finish
