#!/bin/sh
# Thresholds through the real binaries: every range form at its edges on
# values the test driver keeps constant, every generated per-metric option
# wired to its metric, -w/-c on the primary metric, the host check's own.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

URI=test:///default
FAST="--interval 0.2"

# Sanity: the constants the edge tests rely on.
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata all $FAST
[ "$(perf vcpus)" = 2 ] && [ "$(perf mem_used)" = 50 ] && [ "$(perf mem)" = 2147483648 ]
ok $? "test:///default's domain has vcpus 2, mem_used 50%, mem 2147483648 B" || finish

# range : value : alert?   (for vcpus = 2)
EDGES="2:n 1:y 1.999:y 2.001:n 0:y
       2\::n 2.001\::y 1.999\::n 3\::y
       ~\:2:n ~\:1.999:y ~\:2.001:n ~\::n
       2\:2:n 1\:3:n 3\:4:y 0\:1.999:y 2.001\:5:y
       @2\:2:y @2.001\:3:n @1\:1.999:n @1\:2:y @2\:3:y
       @~\:2:y @~\:1.999:n @2\::y @2.001\::n @0\:1:n @2:y @1.999:n
       \:2:n \:1:y"
for e in $EDGES; do
    range=$(printf '%s' "${e%:?}" | sed 's/\\//g')
    alert=${e##*:}
    for kind in warning:1 critical:2; do
        want=0
        [ "$alert" = y ] && want=${kind#*:}
        run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none --vcpus-${kind%%:*} "$range"
        expect_rc "$want" "vcpus=2 against --vcpus-${kind%%:*} '$range'"
    done
done

# Critical wins over warning when both alert; warning alone when only it does.
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none --vcpus-warning 1 --vcpus-critical 1.5
expect_rc 2 "both alert: CRITICAL"
expect_first 'vcpus 2 \(critical 1.5\)' "the message names the critical range"
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none --vcpus-warning 1 --vcpus-critical 2
expect_rc 1 "only warning alerts: WARNING"
expect_first 'vcpus 2 \(warning 1\)' "the message names the warning range"

# Doubles on a percentage (mem_used is exactly 50) and a large integer (bytes).
for e in mem-used=50=0 mem-used=49.999=1 mem-used=50.001=0 mem-used=@50:50=1 \
         mem-used=50.000001:=1 mem-used=@49.999999:50.000001=1 \
         mem=2147483648=0 mem=2147483647=1 mem=2147483648:=0 mem=2147483649:=1; do
    opt=${e%%=*} rest=${e#*=}
    range=${rest%=*} want=${rest##*=}
    run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none "--$opt-warning" "$range"
    expect_rc "$want" "--$opt-warning '$range' (mem_used 50%, mem 2147483648 B)"
done

# Every per-metric option the help lists is wired to its metric: '@~:'
# alerts on any value, '~:' on none.  A metric the test driver does not
# report must come out UNKNOWN ("no X to check"), never OK.
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata all $FAST
have_labels=$(printf '%s\n' "$OUT" | "$PERFDATA_GET" | cut -f1)
opts=$("$CHECK_DOMAIN" -h | sed -n 's/^ --\([a-z0-9-]*\)-warning, --[a-z0-9-]*-critical  \[\([a-z0-9_]*\).*/\1:\2/p')
[ "$(printf '%s\n' "$opts" | wc -l)" -ge 20 ]
ok $? "--help lists per-metric options ($(printf '%s\n' "$opts" | wc -l))"
for o in $opts; do
    opt=${o%%:*} label=${o#*:}
    if printf '%s\n' "$have_labels" | grep -qx "$label"; then
        run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none $FAST "--$opt-critical" '@~:'
        expect_rc 2 "--$opt-critical '@~:' alerts on $label"
        expect_first "$label [-0-9.]+[%B]? \\(critical @~:\\)" "and names $label"
        run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none $FAST "--$opt-warning" '~:'
        expect_rc 0 "--$opt-warning '~:' never alerts on $label"
    else
        run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none $FAST "--$opt-critical" '@~:'
        expect_rc 3 "--$opt-critical on $label, which the test driver lacks, is UNKNOWN"
        expect_first "no $label to check" "and says $label is missing"
    fi
done

# A metric that is not reported is UNKNOWN, never silently OK; a device
# metric of a domain without such devices does not apply.
ODD="test://$FIXTURES/odd-names.xml"
run "$CHECK_DOMAIN" --uri "$ODD" -d "web 01" --perfdata all $FAST
if printf '%s\n' "$OUT" | "$PERFDATA_GET" mem_used >/dev/null 2>&1; then
    ok 1 "fixture premise: the test driver reports no mem_used for odd-names domains"
else
    run "$CHECK_DOMAIN" --uri "$ODD" -d "web 01" --perfdata none $FAST --mem-used-warning 90
    expect_rc 3 "threshold on a metric the domain does not report: UNKNOWN"
    expect_first "no mem_used to check \(not reported\)" "and says which and why"
fi
run "$CHECK_DOMAIN" --uri "$ODD" -d "web 01" --perfdata none $FAST --disk-read-bytes-per-s-critical '@~:' \
    --net-rx-drops-per-s-critical '@~:'
expect_rc 0 "disk and NIC thresholds do not apply to a domain without disks or NICs"

# -w/-c are the CPU thresholds (the test driver's domain burns about 50%).
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none $FAST -w 10
expect_rc 1 "-w 10 on cpu ~50%"
expect_first 'cpu [0-9.]+% \(warning 10\)' "-w names cpu"
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata none $FAST -w 10 -c 20
expect_rc 2 "-c 20 on cpu ~50%"
run "$CHECK_DOMAIN" --uri $URI -d test $FAST -w 99 -c 100
expect_rc 0 "-w 99 -c 100 on cpu ~50%"
cpu=$(perf cpu)
near "$cpu" 50 5
ok $? "cpu perfdata $cpu is near 50"
printf '%s\n' "$OUT" | "$PERFDATA_GET" | grep -q "^cpu	[0-9.]*	%	99	100	0"
ok $? "cpu perfdata carries warn 99, crit 100, min 0"

# Thresholds do not apply to a domain that is not running (state policy does).
run "$CHECK_DOMAIN" --uri "test://$FIXTURES/states.xml" -d vm-paused --perfdata none --vcpus-critical 1
expect_rc 1 "paused domain: policy WARNING, vcpus threshold not applied"

# Several domains: thresholds on each, perfdata per domain only for thresholded metrics.
run "$CHECK_DOMAIN" --uri "test://$FIXTURES/states.xml" -d 'vm-running,vm-blocked' --vcpus-warning 1 --state blocked=ok
expect_rc 1 "two domains over --vcpus-warning 1"
expect_out '^\[WARNING\] vm-running: running, vcpus 2 \(warning 1\)' "line for vm-running"
expect_out '^\[WARNING\] vm-blocked: blocked, vcpus 2 \(warning 1\)' "line for vm-blocked"
[ "$(perf 'vm-running::vcpus')" = 2 ] && ! printf '%s\n' "$OUT" | "$PERFDATA_GET" 'vm-running::mem' 2>/dev/null
ok $? "per-domain perfdata for the thresholded metric only"

# Host check: crashed domains CRITICAL by default, overcommit ratios edge-exact.
HURI="test://$FIXTURES/states.xml"
run "$CHECK_HOST" --uri "$HURI" $FAST
expect_rc 2 "host: one crashed domain is CRITICAL by default"
expect_first 'domains_crashed 1 \(critical 0\)' "host: says why"
run "$CHECK_HOST" --uri "$HURI" $FAST --domains-crashed-critical ''
expect_rc 0 "host: --domains-crashed-critical '' drops the default"
ratio=$(perf vcpu_ratio)
[ "$ratio" = 0.75 ]
ok $? "host: vcpu_ratio 12 vCPUs / 16 CPUs = 0.75 (got $ratio)"
run "$CHECK_HOST" --uri "$HURI" $FAST --domains-crashed-critical '' --vcpu-ratio-warning 0.75
expect_rc 0 "host: --vcpu-ratio-warning 0.75 at 0.75"
run "$CHECK_HOST" --uri "$HURI" $FAST --domains-crashed-critical '' --vcpu-ratio-warning 0.749
expect_rc 1 "host: --vcpu-ratio-warning 0.749 at 0.75"
run "$CHECK_HOST" --uri "$HURI" $FAST --domains-crashed-critical '' --domains-paused-critical 0
expect_rc 2 "host: --domains-paused-critical 0 with one paused"
run "$CHECK_HOST" --uri "$HURI" $FAST --domains-crashed-critical '' --domains-running-warning 2:
expect_rc 1 "host: --domains-running-warning 2: with one running"

finish
