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

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

for mode in native compat; do
	cd_conf "$mode" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:test:///default"
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
	cd_check_types "$mode" 40
done

echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
