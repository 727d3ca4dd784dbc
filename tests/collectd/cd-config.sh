#!/bin/bash
# Bad <Plugin virtmon> blocks: collectd refuses to start and the log names
# the offending key; a good block with every option starts and reports.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup

n=0
# expect_refused KEY-IN-MESSAGE < block body
expect_refused() {
	local want=$1 rc
	n=$((n + 1))
	{
		echo 'LoadPlugin virtmon'
		echo '<Plugin virtmon>'
		echo '  Source "libvirt:test:///default"'
		cat
		echo '</Plugin>'
	} | cd_conf "bad$n"
	timeout 20 collectd -f -C "$CD_DIR/bad$n.conf" >"$CD_DIR/bad$n.out" 2>&1
	rc=$?
	[ "$rc" = 124 ] && cd_fail "case $n ($want): collectd did not refuse the block, it kept running"
	[ "$rc" != 0 ] || cd_fail "case $n ($want): collectd exited 0"
	grep -q "virtmon plugin: option \"$want\"" "$CD_DIR/bad$n.log" ||
		{ cat "$CD_DIR/bad$n.log" >&2; cd_fail "case $n: the log does not name \"$want\""; }
	# Nothing was measured: the plugin never got to read.
	[ -z "$(ls -A "$CD_DIR/bad$n.csv")" ] || cd_fail "case $n ($want): values were written"
	echo "ok $n - $want refused: $(grep -m1 'virtmon plugin: option' "$CD_DIR/bad$n.log" | sed 's/^\[[^]]*\] //')"
}

expect_refused Bogus <<<'  Bogus 1'
expect_refused ReportDisks <<<'  ReportDisks "maybe"'
expect_refused CompatVirtPlugin <<<'  CompatVirtPlugin 3'
expect_refused HostnameFormat <<<'  HostnameFormat "metadata"'
expect_refused HostnameFormat <<<'  HostnameFormat "name" "uuid" "hostname" "name" "uuid"'
expect_refused PluginInstanceFormat <<<'  PluginInstanceFormat "none" "name"'
expect_refused PluginInstanceFormat <<EOF
  HostnameFormat "hostname"
  PluginInstanceFormat "none"
EOF
expect_refused Interval <<<'  Interval -1'
expect_refused Interval <<<'  Interval "often"'
expect_refused Timeout <<<'  Timeout 0'
expect_refused Workers <<<'  Workers 1000'
# said SUBSTRING: the last case's error, word for word (value, range, place)
said() {
	grep -qF "$1" "$CD_DIR/bad$n.log" || { cat "$CD_DIR/bad$n.log" >&2; cd_fail "case $n: the log does not say: $1"; }
}
# Every number is range-checked where the block is read, by the core's
# bounds, and the message names the value, the range and where the option
# is (collectd gives plugins no file or line: its place in the block).
expect_refused Interval <<<'  Interval 1.0e+308'
said "option \"Interval\" (the 2nd option in <Plugin virtmon>; collectd gives plugins no file name or line number): '1e+308' is out of range 0.5 s..1 d"
expect_refused Interval <<<'  Interval 0.0001'
said "'0.0001' is out of range 0.5 s..1 d"
expect_refused interval <<EOF
  ReportNode true
  interval 9223372036854775807
EOF
said "option \"interval\" (the 3rd option in <Plugin virtmon>; collectd gives plugins no file name or line number): '9.22337203685478e+18' is out of range 0.5 s..1 d"
expect_refused Timeout <<<'  Timeout 1.0e+308'
said "'1e+308' is out of range 0.1 s..1 h"
expect_refused Workers <<<'  Workers 1.0e+308'
said "'1e+308' is out of range 0..64"
expect_refused Workers <<<'  Workers 2.5'
said "'2.5' is not a whole number (0..64)"
# collectd's own parser reads 1e308 (no '.', no exponent sign) as a word
expect_refused Interval <<<'  Interval 1e308'
said "takes exactly one number of seconds, not the word \"1e308\""
expect_refused Include <<<'  Include "web[1"'
expect_refused Exclude <<<'  Exclude ""'
expect_refused Source <<<'  Source "a" "b"'
expect_refused Source <<<'  Source "libvirtd"'
expect_refused Source <<<'  Source "libvirt:"'
expect_refused Source <<<'  Source "virtmond:run/virtmond.sock"'
# Two spellings of one URI: virt.so's Connection and Source "libvirt:URI".
expect_refused Connection <<<'  Connection "test:///default"'
# virtmond polls for every face: how we would poll libvirt is not ours to
# say, in either order.
expect_refused Source <<EOF
  Workers 2
  Source "virtmond:/run/virtmon/virtmond.sock"
EOF
expect_refused Workers <<EOF
  Source "virtmond:/run/virtmon/virtmond.sock"
  Workers 2
EOF
expect_refused Timeout <<EOF
  Source "virtmond"
  Timeout 3
EOF
expect_refused GuestFs <<EOF
  Source "virtmond"
  GuestFs true
EOF
expect_refused GuestFs <<<'  GuestFs "maybe"'
expect_refused GuestFsInterval <<<'  GuestFsInterval 0.5'
said "'0.5' is out of range 1 s..1 d"
expect_refused GuestFsCalls <<<'  GuestFsCalls 65'
# One bad key among good ones still refuses the whole block.
expect_refused ReportVcpus <<EOF
  ReportNode false
  ReportVcpus 1.5
  ReportMemory true
EOF

# A second block is refused too.
n=$((n + 1))
cd_conf "bad$n" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Connection "test:///default"
</Plugin>
<Plugin virtmon>
  Connection "test:///default"
</Plugin>
EOF
timeout 20 collectd -f -C "$CD_DIR/bad$n.conf" >"$CD_DIR/bad$n.out" 2>&1 && cd_fail "two blocks: collectd exited 0"
grep -q 'only one <Plugin virtmon> block' "$CD_DIR/bad$n.log" || cd_fail "two blocks: not said in the log"
echo "ok $n - a second block is refused"

# Every option at once, all valid: it starts and reports.  Keys in any
# case, as collectd matches its own (strcasecmp) and every plugin does.
cd_conf good <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  SOURCE "libvirt:test:///default"
  Include "t*" "6695eb01-f6a4-8304-79aa-97f2502e193f"
  exclude "nosuch*"
  interval 1
  Timeout 2.5
  WORKERS 2
  HostnameFormat "hostname" "uuid"
  PluginInstanceFormat "name"
  CompatVirtPlugin false
  ReportNode true
  reportvcpus "yes"
  ReportDisks true
  ReportInterfaces true
  ReportMemory false
  ReportPercent false
  GuestFs true
  GuestFsInterval 30
  GuestFsTimeout 5
  GuestFsCalls 2
</Plugin>
EOF
cd_collectd_start good
f=$(cd_wait_value good "$CD_HOST:*/virtmon-test/virt_cpu_total") || {
	cat "$CD_DIR/good.log" >&2
	cd_fail "the all-options block reported no virt_cpu_total"
}
case "$f" in
*"/$CD_HOST:6695eb01-f6a4-8304-79aa-97f2502e193f/virtmon-test/"*) ;;
*) cd_fail "HostnameFormat hostname uuid not applied: $f" ;;
esac
cd_collectd_stop good
# ReportMemory false and ReportPercent false took effect; ReportVcpus "yes" too.
ls "$CD_DIR/good.csv/"*/virtmon-test/ | grep -q '^memory-' && cd_fail "ReportMemory false still reported memory"
ls "$CD_DIR/good.csv/"*/virtmon-test/ | grep -q '^percent-' && cd_fail "ReportPercent false still reported percent"
ls "$CD_DIR/good.csv/"*/virtmon-test/ | grep -q '^virt_vcpu-0-' || cd_fail "ReportVcpus yes reported no virt_vcpu-0"
grep -qi 'error' "$CD_DIR/good.log" && { grep -i error "$CD_DIR/good.log" >&2; cd_fail "errors logged with a good block"; }
grep -q 'polling test:///default every 1 s' "$CD_DIR/good.log" || cd_fail "interval 1 (lowercase) not taken: $(grep polling "$CD_DIR/good.log")"
echo "ok $((n + 1)) - a block with every option, keys in any case, starts and reports"

# No Interval in the block: the one from <LoadPlugin> (collectd's per-plugin
# interval) sets both the read and the poll interval.
cd_conf ival <<EOF
<LoadPlugin virtmon>
  Interval 2
</LoadPlugin>
<Plugin virtmon>
  Connection "test:///default"
</Plugin>
EOF
cd_collectd_start ival
f=$(cd_wait_value ival "$CD_HOST/virtmon-test/virt_cpu_total" 20) || cd_fail "Interval 2: no values"
sleep 4.5
cd_collectd_stop ival
grep -q 'polling test:///default every 2 s' "$CD_DIR/ival.log" || cd_fail "Interval 2 not taken: $(grep polling "$CD_DIR/ival.log")"
# Time stamps 2 s apart (collection times, so allow the poll's jitter).
awk -F, 'NR > 2 { d = $1 - prev; if (d < 1.7 || d > 2.3) { print "spacing " d; exit 1 } } NR > 1 { prev = $1 }' "$f" ||
	cd_fail "values of the Interval 2 run are not 2 s apart"
echo "ok $((n + 2)) - <LoadPlugin> Interval 2 sets the read and poll interval"
exit 0
