#!/bin/bash
# No value carries the wrong data-source type.  Every file collectd wrote
# through virtmon (native and CompatVirtPlugin runs) is checked against
# collectd's types.db and against an independent, hand-kept list of which
# collectd types hold counters and which hold levels: a counter must sit in
# a DERIVE/COUNTER data source, a level in a GAUGE one.  A type the list
# does not know fails the test, so a new metric cannot slip in unclassified.
# Counters must never go down between reads; percentages stay in 0..100.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup

# What each collectd type means, from collectd's own plugins' usage (cpu,
# interface, disk, memory, swap, vmem, processes) -- not from virtmon's table.
kind_of() {
	case "$1" in
	virt_cpu_total | virt_vcpu | ps_cputime | disk_ops | disk_octets | disk_time | \
		if_octets | if_packets | if_errors | if_dropped | swap_io | vmpage_faults | \
		vmpage_action | vmpage_io | ps_pagefaults | total_requests | total_time_in_ms | \
		derive | cpu)
		echo counter ;;
	memory | percent | count | vcpu | cpufreq | disk_allocation | disk_capacity | \
		disk_physical | domain_state | duration | disk_error | gauge)
		echo level ;;
	*) echo unknown ;;
	esac
}

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

check_run() {
	local run=$1 f base type kind dstypes header want_header n
	n=0
	while IFS= read -r f; do
		n=$((n + 1))
		base=$(basename "$f")
		base=${base%-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]}
		type=${base%%-*}
		kind=$(kind_of "$type")
		dstypes=$(cd_types_db_ds "$type")
		rel=${f#"$CD_DIR/$run.csv/"}
		if [ "$kind" = unknown ]; then
			note fail "$run: $rel: type '$type' is not classified as counter or level here"
			continue
		fi
		if [ -z "$dstypes" ]; then
			note fail "$run: $rel: type '$type' is not in types.db"
			continue
		fi
		want_header="epoch,$(awk -v t="$type" '$1 == t { for (i = 2; i <= NF; i++) { split($i, p, ":"); printf "%s%s", (i > 2 ? "," : ""), p[1] } exit }' "$CD_TYPES_DB" | tr -d ' ')"
		header=$(head -n 1 "$f")
		[ "$header" = "$want_header" ] || note fail "$run: $rel: header '$header', types.db says '$want_header'"
		local ok=1 ds
		for ds in $dstypes; do
			case "$kind:$ds" in
			counter:DERIVE | counter:COUNTER | level:GAUGE) ;;
			*) ok=0 ;;
			esac
		done
		[ "$ok" = 1 ] || { note fail "$run: $rel: a $kind in $dstypes data sources"; continue; }
		# Written as types.db says (DERIVE integers, GAUGE with decimals), counters
		# never fall, percentages stay in range.
		if awk -F, -v kind="$kind" -v type="$type" -v ds="$dstypes" '
			BEGIN { split(ds, t, " ") }
			NR == 1 { next }
			{
				for (i = 2; i <= NF; i++) {
					if (t[i - 1] == "GAUGE" && $i !~ /\./ && $i != "nan") { print "gauge without decimals: " $0; exit 1 }
					if (t[i - 1] != "GAUGE" && $i !~ /^-?[0-9]+$/) { print "counter not an integer: " $0; exit 1 }
					if (kind == "counter" && NR > 2 && $i + 0 < last[i]) { print "counter went down: " last[i] " -> " $i; exit 1 }
					if (type == "percent" && ($i < 0 || $i > 100.1)) { print "percent out of range: " $i; exit 1 }
					last[i] = $i + 0
				}
			}' "$f" >"$CD_DIR/why"; then
			note ok "$run: $rel is a $kind in $dstypes"
		else
			note fail "$run: $rel: $(cat "$CD_DIR/why")"
		fi
	done < <(find "$CD_DIR/$run.csv" -type f | sort)
	[ "$n" -ge 40 ] || cd_hard "$run: only $n files written, the run did not work"
}

for mode in native compat; do
	cd_conf "$mode" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Connection "test:///default"
  CompatVirtPlugin $([ $mode = compat ] && echo true || echo false)
</Plugin>
EOF
	cd_collectd_start "$mode"
	plugin=virtmon-test
	[ $mode = compat ] && plugin=virt
	host=$CD_HOST
	[ $mode = compat ] && host=test
	cd_wait_value "$mode" "$host/$plugin/virt_cpu_total" 20 >/dev/null || {
		cat "$CD_DIR/$mode.log" >&2
		cd_hard "$mode: no virt_cpu_total within 20 s"
	}
	sleep 2
	cd_collectd_stop "$mode"
	grep -q 'is not reported\|not reported;' "$CD_DIR/$mode.log" &&
		note fail "$mode: the plugin left series out: $(grep 'not reported' "$CD_DIR/$mode.log" | head -3)"
	check_run "$mode"
done

echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
