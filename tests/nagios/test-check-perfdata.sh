#!/bin/sh
# Perfdata through the real binaries: every value equals what virsh reports
# for the same domain (moving counters within what they moved between the
# two calls), the format is valid for odd domain names, and numbers stay
# in the C locale under a comma-decimal LC_ALL.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

URI=test:///default
V="virsh -c $URI"

run "$CHECK_DOMAIN" --uri $URI -d test --perfdata all --interval 0.3
expect_rc 0 "test:///default's domain is OK"
perfdata_valid "single-domain perfdata is valid"
DOM_OUT=$OUT

# field NAME FILE: the value after NAME in "NAME VALUE" or "dev NAME VALUE" lines
field() { awk -v k="$1" '$1 == k { print $2 } $2 == k { print $3 }' "$2" | head -n 1; }
$V dominfo test >"$TEST_TMP/dominfo"
$V domblkstat test vda >"$TEST_TMP/blk"
$V domifstat test testnet0 >"$TEST_TMP/if"
$V dommemstat test >"$TEST_TMP/mem"
$V domblklist test | awk 'NR > 2 && NF' | wc -l >"$TEST_TMP/ndisks"
$V domiflist test | awk 'NR > 2 && NF' | wc -l >"$TEST_TMP/nnics"
[ "$(cat "$TEST_TMP/ndisks")" = 1 ] && [ "$(cat "$TEST_TMP/nnics")" = 1 ]
ok $? "premise: one disk and one NIC, so domain totals equal vda and testnet0"

OUT=$DOM_OUT
# Gauges: exact.
[ "$(perf vcpus)" = "$(awk '/^CPU\(s\):/ { print $2 }' "$TEST_TMP/dominfo")" ]
ok $? "vcpus equals virsh dominfo CPU(s)"
[ "$(perf mem)" = "$(( $(field actual "$TEST_TMP/mem") * 1024 ))" ]
ok $? "mem (bytes) equals virsh dommemstat actual (KiB) * 1024"
[ "$(perf rss)" = "$(( $(field rss "$TEST_TMP/mem") * 1024 ))" ]
ok $? "rss (bytes) equals virsh dommemstat rss (KiB) * 1024"
used=$(awk -v a="$(field available "$TEST_TMP/mem")" -v u="$(field usable "$TEST_TMP/mem")" \
       'BEGIN { printf "%.6f", 100 * (a - u) / a }')
near "$(perf mem_used)" "$used" 0.000001
ok $? "mem_used equals (available - usable) / available from virsh ($used)"

# Counters move with wall-clock time in the test driver: allow what the
# counter's own rate says it can move in 10 s (and 10 for the slow ones).
counter() {     # counter LABEL VIRSH-VALUE WHAT
    v=$(perf "$1") r=$(perf "$1_per_s")
    tol=$(awk -v r="$r" 'BEGIN { printf "%.0f", r * 10 + 10 }')
    near "$v" "$2" "$tol"
    ok $? "$1 ($v) equals $3 ($2) within $tol"
}
counter disk_read_ops "$(field rd_req "$TEST_TMP/blk")" "domblkstat rd_req"
counter disk_read_bytes "$(field rd_bytes "$TEST_TMP/blk")" "domblkstat rd_bytes"
counter disk_write_ops "$(field wr_req "$TEST_TMP/blk")" "domblkstat wr_req"
counter disk_write_bytes "$(field wr_bytes "$TEST_TMP/blk")" "domblkstat wr_bytes"
counter disk_errors "$(field errs "$TEST_TMP/blk")" "domblkstat errs"
counter net_rx_bytes "$(field rx_bytes "$TEST_TMP/if")" "domifstat rx_bytes"
counter net_rx_packets "$(field rx_packets "$TEST_TMP/if")" "domifstat rx_packets"
counter net_rx_errors "$(field rx_errs "$TEST_TMP/if")" "domifstat rx_errs"
counter net_rx_drops "$(field rx_drop "$TEST_TMP/if")" "domifstat rx_drop"
counter net_tx_bytes "$(field tx_bytes "$TEST_TMP/if")" "domifstat tx_bytes"
counter net_tx_packets "$(field tx_packets "$TEST_TMP/if")" "domifstat tx_packets"
counter net_tx_errors "$(field tx_errs "$TEST_TMP/if")" "domifstat tx_errs"
counter net_tx_drops "$(field tx_drop "$TEST_TMP/if")" "domifstat tx_drop"
cpu_ns=$(awk '/^CPU time:/ { sub(/s$/, "", $3); printf "%.0f", $3 * 1e9 }' "$TEST_TMP/dominfo")
counter cpu_time "$cpu_ns" "dominfo CPU time in ns"

# Rates and percentages agree with each other: cpu% = cpu_time rate / vCPUs.
pct=$(awk -v r="$(perf cpu_time_per_s)" -v n="$(perf vcpus)" 'BEGIN { printf "%.6f", r / 1e9 / n * 100 }')
near "$(perf cpu)" "$pct" 0.001
ok $? "cpu ($(perf cpu)) = cpu_time_per_s / 1e9 / vcpus * 100 ($pct)"
host_cpus=$($V nodeinfo | awk '/^CPU\(s\):/ { print $2 }')
pct=$(awk -v r="$(perf cpu_time_per_s)" -v n="$host_cpus" 'BEGIN { printf "%.6f", r / 1e9 / n * 100 }')
near "$(perf cpu_host)" "$pct" 0.001
ok $? "cpu_host = cpu_time_per_s / 1e9 / host CPUs * 100 ($pct)"

# UOMs: only the guidelines' list (perfdata-get enforces it), and the ones we mean.
grep -q 'B/s' "$TEST_TMP/perf.all" 2>/dev/null
ok $((! $?)) "no 'B/s' anywhere"
printf '%s\n' "$OUT" | "$PERFDATA_GET" | awk -F '\t' '
    $1 ~ /_per_s$/ && $3 != ""   { bad = bad " " $1 }
    $1 == "cpu" && $3 != "%"     { bad = bad " " $1 }
    $1 == "mem" && $3 != "B"     { bad = bad " " $1 }
    $1 == "disk_read_bytes" && $3 != "c" { bad = bad " " $1 }
    END { if (bad) { print "wrong UOM:" bad; exit 1 } }'
ok $? "rates unitless, cpu in %, memory in B, counters in c"

# Host check: node facts equal virsh nodeinfo.
run "$CHECK_HOST" --uri $URI --interval 0.3
perfdata_valid "host perfdata is valid"
[ "$(perf cpus)" = "$host_cpus" ]
ok $? "host cpus equals virsh nodeinfo CPU(s)"
[ "$(perf mem_total)" = "$(( $($V nodeinfo | awk '/^Memory size:/ { print $3 }') * 1024 ))" ]
ok $? "host mem_total equals virsh nodeinfo Memory size * 1024"
[ "$(perf domains)" = "$($V list --all --name | grep -c .)" ]
ok $? "host domains equals virsh list --all"

# Odd names: each named alone and all together, perfdata valid, labels
# round-trip, and no '|' before the one that starts the perfdata.
ODD="test://$FIXTURES/odd-names.xml"
names=$(virsh -c "$ODD" list --all --name | grep .)
[ "$(printf '%s\n' "$names" | wc -l)" -eq 6 ]
ok $? "premise: six odd names"
printf '%s\n' "$names" >"$TEST_TMP/names"
while IFS= read -r name; do
    run "$CHECK_DOMAIN" --uri "$ODD" -d "$name" --interval 0.2
    expect_rc 0 "odd name '$name' alone"
    perfdata_valid "odd name '$name' alone: valid perfdata"
    text=${FIRST%% | *}
    case $text in *"|"*) ok 1 "no '|' in the text for '$name'" ;; *) ok 0 "no '|' in the text for '$name'" ;; esac
done <"$TEST_TMP/names"
run "$CHECK_DOMAIN" --uri "$ODD" --all --perfdata all --interval 0.2
perfdata_valid "all odd names together: valid perfdata"
while IFS= read -r name; do
    v=$(perf "$name::vcpus")
    [ "$v" = 1 ]
    ok $? "label '$name::vcpus' reads back with value 1"
done <"$TEST_TMP/names"

# A threshold of 1.79e308 is no 309-digit number: perfdata numbers stay
# within 1e18 (19 digits), and an end beyond that is written as no end.
run "$CHECK_DOMAIN" --uri $URI -d test --perfdata all --interval 0.3 -w 1.79e308 \
    --mem-critical -1.79e308:1.79e308
expect_rc 0 "thresholds of +-1.79e308 are accepted and never alert"
perfdata_valid "perfdata with +-1.79e308 thresholds is valid"
printf '%s\n' "$FIRST" | grep -q "'cpu'=[0-9.]*%;0:;"
ok $? "-w 1.79e308 is written '0:' in the cpu item"
printf '%s\n' "$FIRST" | grep -q "'mem'=[0-9]*B;;~:;"
ok $? "--mem-critical -1.79e308:1.79e308 is written '~:' in the mem item"
longest=$(printf '%s\n' "$FIRST" | tr ' ;=|' '\n\n\n\n' | awk '/^[-0-9.~:@]+[%a-zA-Z]*$/ { if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$longest" -le 27 ]
ok $? "no perfdata number is longer than 27 characters (longest: $longest)"

# Comma-decimal locale: the same output, dots only.
if command -v localedef >/dev/null 2>&1 && [ -e /usr/share/i18n/locales/de_DE ] &&
   localedef -i de_DE -f UTF-8 "$TEST_TMP/de_DE.UTF-8" >/dev/null 2>&1; then
    probe=$(LOCPATH=$TEST_TMP LC_ALL=de_DE.UTF-8 awk 'BEGIN { printf "%.1f", 1.5 }')
    run env LOCPATH="$TEST_TMP" LC_ALL=de_DE.UTF-8 "$CHECK_DOMAIN" --uri $URI -d test --perfdata all \
        --interval 0.2 -w 0.5:99.5
    perfdata_valid "perfdata valid under LC_ALL=de_DE.UTF-8 (awk there prints 1.5 as $probe)"
    printf '%s\n' "$FIRST" | grep -q "'cpu'=[0-9]*\.[0-9]*%;0\.5:99\.5;"
    ok $? "decimal points, not commas, in value and thresholds"
    run env LOCPATH="$TEST_TMP" LC_ALL=de_DE.UTF-8 "$CHECK_DOMAIN" --uri $URI -d test --perfdata none -w 1,5
    expect_rc 3 "a comma-decimal threshold is refused even under de_DE"
else
    echo "# no localedef or de_DE sources: locale part skipped"
fi

finish
