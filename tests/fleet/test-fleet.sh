#!/bin/bash
# The fleet path: one agent per hypervisor, aggregated by what a site already
# runs.  20 simulated hypervisors on this machine, each a virtmond on its own
# test-driver file plus a collectd reading it (`Source "virtmond:PATH"`) under
# its own host name hv-NN, send through collectd's network plugin (loopback)
# to one central collectd; its write_prometheus is scraped by a real
# Prometheus.  Checks:
#   - one PromQL query returns series for all 20 hosts, and each host has
#     every domain;
#   - a domain's memory on one host, as Prometheus has it, is what
#     virtmon-dump --source virtmond:PATH says for that host (each host's
#     file gives its domains a different memory size, so a value that went
#     to the wrong host would show);
#   - the central collectd dispatches as many value lists per interval as
#     the hypervisors send (20 times what hv-01 writes to its csv), none
#     rejected.
# And measures the central collectd's CPU (/proc/PID/stat), value lists and
# write queue per interval, and hv-01's collectd and virtmond CPU, printed on
# a line starting "# fleet:" (bench/RESULTS.md has runs of it).
#
# VMON_FLEET_HOSTS (20), VMON_FLEET_DOMAINS (4 per host) and
# VMON_FLEET_SECONDS (10, the measuring window) change the size;
# VMON_CD_KEEP=1 keeps the directory with every config and log.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"
: "${top_builddir:=.}"
HOSTS=${VMON_FLEET_HOSTS:-20}
DOMS=${VMON_FLEET_DOMAINS:-4}
WINDOW=${VMON_FLEET_SECONDS:-10}
VIRTMOND=$top_builddir/tools/virtmond
DUMP=$top_builddir/tools/virtmon-dump
GEN=${srcdir:-.}/tests/integ/gen-test-xml.sh

cd_setup
cd_prometheus_setup
cd_add_plugin network
command -v jq >/dev/null 2>&1 || cd_skip "no jq"
for b in "$VIRTMOND" "$DUMP"; do [ -x "$b" ] || cd_hard "$b not built"; done
# The receiving side: network's Listen port (UDP) and write_prometheus's (TCP).
cd_free_port NET_PORT
cd_free_port WP_PORT

checks=0 bad=0
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
nok() { checks=$((checks + 1)); bad=$((bad + 1)); echo "not ok $checks - $*"; }
t0=$(date +%s)

# ---- the central collectd -----------------------------------------------------
{
	CD_HOST=central cd_conf_head central
	cat <<EOF
# The write queue's length: near 0 while the central keeps up
# (collectd_collectd_queue_length{collectd="write_queue"}).
CollectInternalStats true
LoadPlugin network
<Plugin network>
  Listen "127.0.0.1" "$NET_PORT"
  ReportStats true
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$WP_PORT"
</Plugin>
EOF
} >"$CD_DIR/central.conf"
cd_collectd_start central
metrics() { curl -sf --max-time 30 "http://127.0.0.1:$WP_PORT/metrics"; }
for _ in $(seq 1 50); do metrics >/dev/null && break; sleep 0.2; done
metrics >/dev/null || { cat "$CD_DIR/central.out" "$CD_DIR/central.log" >&2; cd_hard "central collectd does not serve /metrics"; }

# ---- the hypervisors ----------------------------------------------------------
# Host k's file is gen-test-xml.sh's, with k MiB added to every domain's
# current memory.
hv_body() {   # NAME: what a hypervisor's collectd.conf says after the head
	cat <<EOF
LoadPlugin network
<Plugin network>
  Server "127.0.0.1" "$NET_PORT"
</Plugin>
LoadPlugin virtmon
<Plugin virtmon>
  Source "virtmond:$CD_DIR/$1.sock"
</Plugin>
EOF
}
for k in $(seq 1 "$HOSTS"); do
	printf -v hv 'hv%02d' "$k"
	gen=$("$GEN" "$DOMS" "$CD_DIR/$hv.gen.xml") || cd_hard "gen-test-xml.sh failed"
	eval "$gen"
	awk -v add=$((k * 1024)) '/<currentMemory unit=.KiB.>/ {
		n = $0; gsub(/[^0-9]/, "", n); sub(/>[0-9]+</, ">" (n + add) "<") } { print }' \
		"$CD_DIR/$hv.gen.xml" >"$CD_DIR/$hv.xml" || cd_hard "cannot write $hv.xml"
	"$VIRTMOND" -c "test://$CD_DIR/$hv.xml" -i 1 -s "$CD_DIR/$hv.sock" >>"$CD_DIR/$hv.virtmond.log" 2>&1 &
	CD_PIDS+=("$!")
	[ "$k" != 1 ] || VD_PID_hv01=$!
done
for k in $(seq 1 "$HOSTS"); do
	printf -v hv 'hv%02d' "$k"
	for _ in $(seq 1 100); do [ -S "$CD_DIR/$hv.sock" ] && break; sleep 0.1; done
	[ -S "$CD_DIR/$hv.sock" ] || { cat "$CD_DIR/$hv.virtmond.log" >&2; cd_hard "virtmond $hv made no socket"; }
	# hv01 also writes csv: one file per value list it sends, to count them
	if [ "$k" = 1 ]; then
		hv_body "$hv" | CD_HOST=hv-01 cd_conf "$hv"
	else
		{ CD_HOST=hv-$(printf %02d "$k") cd_conf_head "$hv"; hv_body "$hv"; } >"$CD_DIR/$hv.conf"
	fi
	cd_collectd_start "$hv"
done
cd_prometheus_start "127.0.0.1:$WP_PORT"
echo "# $HOSTS hypervisors x $DOMS domains ($running running, $paused paused, $shutoff shut off) started in $(($(date +%s) - t0)) s"

# ---- one query, every host ----------------------------------------------------
value() { jq -r '.data.result[0].value[1] // empty'; }
Q='count(count by (instance) (collectd_virtmon_virt_cpu_total_total))'
got=
for _ in $(seq 1 120); do
	got=$(cd_promql "$Q" | value)
	[ "$got" = "$HOSTS" ] && break
	sleep 0.5
done
echo "# PromQL: $Q"
echo "# answer: $(cd_promql "$Q" | jq -c .data.result)"
if [ "$got" = "$HOSTS" ]; then
	ok "PromQL counts $got hosts, $(($(date +%s) - t0)) s after the start"
else
	nok "PromQL counts '$got' hosts, want $HOSTS"
	tail -n 3 "$CD_DIR/central.log" "$CD_DIR/hv01.log" "$CD_DIR/prometheus.log" >&2
fi
want=$(for k in $(seq 1 "$HOSTS"); do printf 'hv-%02d\n' "$k"; done)
hosts=$(cd_promql 'count by (instance) (collectd_virtmon_virt_cpu_total_total)' |
	jq -r '.data.result[].metric.instance' | LC_ALL=C sort)
[ "$hosts" = "$want" ] && ok "the hosts are hv-01 .. hv-$(printf %02d "$HOSTS")" ||
	nok "hosts: ${hosts//$'\n'/ }, want hv-01 .. hv-$HOSTS"
# Shut-off domains have no CPU time.
Q='count(collectd_virtmon_virt_cpu_total_total)'
n_want=$((HOSTS * (running + paused)))
for _ in $(seq 1 20); do
	got=$(cd_promql "$Q" | value)
	[ "$got" = "$n_want" ] && break
	sleep 0.5
done
[ "$got" = "$n_want" ] && ok "$Q = $got: every domain of every host" || nok "$Q = '$got', want $n_want"

# ---- one host's values, as its own virtmond serves them ------------------------
# Memory does not move in the test driver: Prometheus, virtmon-dump and the
# file must agree exactly.
pk=$((HOSTS < 13 ? HOSTS : 13))
printf -v ph 'hv-%02d' "$pk"
printf -v phv 'hv%02d' "$pk"
"$DUMP" --source "virtmond:$CD_DIR/$phv.sock" --json >"$CD_DIR/dump.json" || cd_hard "virtmon-dump --source virtmond:$CD_DIR/$phv.sock failed"
doms=(dom-0001)
[ -z "$odd_name" ] || doms+=("$odd_name")
for d in "${doms[@]}"; do
	i=$((10#${d:4:4}))
	file_kib=$((131072 * (1 + (i - 1) % 8) + pk * 1024))
	esc=${d//\\/\\\\}
	esc=${esc//\"/\\\"}
	for pair in total:balloon.current max:balloon.maximum; do
		type=${pair%%:*} key=${pair#*:}
		dump=$(jq -r --arg n "$d" --arg k "$key" '.domains[] | select(.name == $n) | .metrics[$k]' "$CD_DIR/dump.json")
		prom=$(cd_promql "collectd_virtmon_memory{instance=\"$ph\",virtmon=\"$esc\",type=\"$type\"}" | value)
		if [ -n "$dump" ] && [ "$prom" = $((dump * 1024)) ]; then
			ok "$ph '$d' memory $type: Prometheus $prom bytes = virtmon-dump $dump KiB"
		else
			nok "$ph '$d' memory $type: Prometheus '$prom' bytes, virtmon-dump '$dump' KiB"
		fi
	done
	dump=$(jq -r --arg n "$d" '.domains[] | select(.name == $n) | .metrics["balloon.current"]' "$CD_DIR/dump.json")
	[ "$dump" = "$file_kib" ] && ok "$ph '$d': $dump KiB, this host's own size" ||
		nok "$ph '$d': virtmon-dump '$dump' KiB, its file says $file_kib"
done

# ---- the central collectd's cost ----------------------------------------------
# dispatch-accepted counts the value lists the network plugin received and
# dispatched; its timestamp is when collectd read the counter.
counter() {   # VALUE TIMESTAMP_MS of the central's network counter NAME
	awk -v n="$1" 'index($0, "collectd_network_total_values_total{network=\"" n "\"") == 1 { print $2, $3 }' "$2"
}
# hv01's collectd and virtmond are measured too: what one hypervisor pays.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pid=$CD_PID_central
tck=$(getconf CLK_TCK)
metrics >"$CD_DIR/m0"
c0=$(ticks "$pid") h0=$(ticks "$CD_PID_hv01") v0=$(ticks "$VD_PID_hv01") w0=$(date +%s%N)
sleep "$WINDOW"
c1=$(ticks "$pid") h1=$(ticks "$CD_PID_hv01") v1=$(ticks "$VD_PID_hv01") w1=$(date +%s%N)
metrics >"$CD_DIR/m1"
read -r a0 ts0 < <(counter dispatch-accepted "$CD_DIR/m0")
read -r a1 ts1 < <(counter dispatch-accepted "$CD_DIR/m1")
read -r r0 _ < <(counter dispatch-rejected "$CD_DIR/m0")
read -r r1 _ < <(counter dispatch-rejected "$CD_DIR/m1")
rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
# Value lists waiting for the writers, and dropped (only with WriteQueueLimitHigh).
queue=$(awk 'index($0, "collectd_collectd_queue_length{collectd=\"write_queue\"") == 1 { print $2 }' "$CD_DIR/m1")
dropped=$(awk 'index($0, "collectd_collectd_derive_total{collectd=\"write_queue\",type=\"dropped\"") == 1 { print $2 }' "$CD_DIR/m1")
per_host=$(find "$CD_DIR/hv01.csv" -type f | wc -l)
read -r cpu_ms pct hv_ms vd_ms < <(awk -v c=$((c1 - c0)) -v h=$((h1 - h0)) -v d=$((v1 - v0)) \
	-v t="$tck" -v w=$((w1 - w0)) 'BEGIN { s = w / 1e9; ms = c * 1000 / t / s
	printf "%.1f %.2f %.1f %.1f\n", ms, ms / 10, h * 1000 / t / s, d * 1000 / t / s }')
# A central that falls behind holds its own statistics in the write queue
# too, until write_prometheus forgets them as stale: then they are missing.
vl=NA us=NA
if [ -n "$a0" ] && [ -n "$a1" ] && [ "$ts1" != "$ts0" ]; then
	read -r vl us < <(awk -v a=$((a1 - a0)) -v ts=$((ts1 - ts0)) -v ms="$cpu_ms" \
		'BEGIN { v = a / (ts / 1000); printf "%.0f %.1f\n", v, (v > 0 ? ms * 1000 / v : 0) }')
fi
echo "# fleet: hosts=$HOSTS domains=$DOMS interval=1s window=${WINDOW}s central_cpu_ms_per_interval=$cpu_ms central_cpu_percent=$pct value_lists_per_interval=$vl value_lists_per_host=$per_host cpu_us_per_value_list=$us central_rss_kib=$rss central_write_queue=${queue:-NA} central_dropped=${dropped:-NA} hv01_collectd_cpu_ms_per_interval=$hv_ms hv01_virtmond_cpu_ms_per_interval=$vd_ms"
want=$((HOSTS * per_host))
if [ "$vl" = NA ]; then
	nok "the central's own network counters are missing from /metrics: it fell behind (write queue $(awk 'index($0, "collectd_collectd_queue_length{collectd=\"write_queue\"") == 1 { print $2 }' "$CD_DIR/m0") at the start)"
else
	awk -v v="$vl" -v w="$want" 'BEGIN { exit !(v >= 0.9 * w && v <= 1.1 * w) }' &&
		ok "central dispatches $vl value lists per interval, $HOSTS x $per_host sent" ||
		nok "central dispatches $vl value lists per interval, want $HOSTS x $per_host = $want"
	[ "$r1" = "$r0" ] && ok "central rejected no value list" || nok "central rejected $((r1 - r0)) value lists"
fi
dead=
for k in $(seq 1 "$HOSTS"); do
	printf -v hv 'hv%02d' "$k"
	cd_collectd_alive "$hv" || dead="$dead $hv"
done
cd_collectd_alive central || dead="$dead central"
[ -z "$dead" ] && ok "every collectd still runs" || nok "collectd died:$dead"

echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
