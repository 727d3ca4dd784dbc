#!/bin/bash
# The path to Grafana: collectd's write_prometheus exposes virtmon's values,
# a real Prometheus (Debian's package) scrapes them, and PromQL over its HTTP
# API on loopback returns virtmon series with the values collectd wrote.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
command -v prometheus >/dev/null 2>&1 || cd_skip "no prometheus (Debian: prometheus)"
command -v curl >/dev/null 2>&1 || cd_skip "no curl"
cd_add_plugin write_prometheus
# Debian's collectd-core only suggests the libraries write_prometheus needs.
missing=$(ldd "$CD_SYS_PLUGINDIR/write_prometheus.so" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
[ -z "$missing" ] || cd_skip "write_prometheus.so lacks $missing(Debian: libmicrohttpd12 libprotobuf-c1)"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		port_free "$p" && { echo "$p"; return 0; }
	done
	cd_hard "no free port"
}
WP=$(pick_port)
PP=$(pick_port)
[ "$WP" != "$PP" ] || PP=$((WP + 1))

cd_conf main <<EOF
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$WP"
</Plugin>
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:test:///default"
</Plugin>
EOF
cd_collectd_start main
sleep 1
cd_collectd_alive main || { cat "$CD_DIR/main.out" >&2; cd_hard "collectd with write_prometheus did not start"; }

cat >"$CD_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: collectd
    static_configs:
      - targets: ['127.0.0.1:$WP']
EOF
prometheus --config.file="$CD_DIR/prometheus.yml" --web.listen-address="127.0.0.1:$PP" \
	--storage.tsdb.path="$CD_DIR/prom" >"$CD_DIR/prometheus.log" 2>&1 &
CD_PIDS+=("$!")

query() {
	curl -sf --max-time 5 "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1"
}

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

# write_prometheus names a series collectd_<plugin>_<type>[_<ds>][_total],
# with the plugin instance as a label named after the plugin and the type
# instance as the label "type".
Q='collectd_virtmon_virt_cpu_total_total{virtmon="test"}'
got=
for _ in $(seq 1 60); do
	got=$(query "$Q") && grep -q '"result":\[{' <<<"$got" && break
	got=
	sleep 0.5
done
if [ -z "$got" ]; then
	echo "--- write_prometheus says:" >&2
	curl -sf --max-time 5 "http://127.0.0.1:$WP/metrics" | grep virtmon | head -5 >&2
	tail -5 "$CD_DIR/prometheus.log" >&2
	cd_fail "Prometheus returned no series for $Q within 30 s"
fi
note ok "PromQL $Q: $(grep -o '"value":\[[^]]*\]' <<<"$got")"

# A level and a per-device series, and a rate PromQL computes from the counter.
for q in 'collectd_virtmon_memory{virtmon="test",type="total"}' \
	'collectd_virtmon_disk_ops_read_total{virtmon="test",type="vda"}' \
	'rate(collectd_virtmon_virt_cpu_total_total{virtmon="test"}[10s])'; do
	for _ in $(seq 1 20); do
		got=$(query "$q") && grep -q '"result":\[{' <<<"$got" && break
		got=
		sleep 0.5
	done
	[ -n "$got" ] && note ok "PromQL $q: $(grep -o '"value":\[[^]]*\]' <<<"$got")" || note fail "PromQL $q: no result"
done

# Values as collectd wrote them: memory-total is 2 GiB in the test driver.
v=$(query 'collectd_virtmon_memory{virtmon="test",type="total"}' | grep -o '"value":\[[^]]*\]' | sed 's/.*,"\(.*\)"\]/\1/')
[ "$v" = 2147483648 ] && note ok "memory total is $v bytes" || note fail "memory total is '$v', want 2147483648"
# The test driver's CPU time runs at one second per second: rate ~1e9 ns/s.
# irate: the last two samples, so a series younger than the window does not
# dilute it the way rate()'s extrapolation does.
r=$(query 'irate(collectd_virtmon_virt_cpu_total_total{virtmon="test"}[10s])' | grep -o '"value":\[[^]]*\]' | sed 's/.*,"\(.*\)"\]/\1/')
awk -v r="$r" 'BEGIN { exit !(r > 0.8e9 && r < 1.2e9) }' && note ok "rate of cpu time $r ns/s" || note fail "rate of cpu time '$r', want ~1e9"

# Every query of the dashboard in docs/ is valid PromQL, and those that the
# test driver can feed return data (host CPU % needs real node CPU stats).
DASH=${srcdir:-.}/docs/grafana-virtmon.json
if [ -r "$DASH" ]; then
	sleep 3
	grep -o '"expr": "\([^"\\]\|\\.\)*"' "$DASH" | sed 's/^"expr": "//; s/"$//; s/\\"/"/g' >"$CD_DIR/exprs"
	[ "$(grep -c . "$CD_DIR/exprs")" -ge 10 ] || note fail "only $(grep -c . "$CD_DIR/exprs") queries found in $DASH"
	while IFS= read -r e; do
		q=$(sed 's/\$domain/.*/g; s/\$host/.*/g; s/\$__rate_interval/10s/g' <<<"$e")
		got=$(query "$q")
		if ! grep -q '"status":"success"' <<<"$got"; then
			note fail "dashboard query fails: $q"
		elif grep -q '"result":\[{' <<<"$got"; then
			note ok "dashboard query has data: $q"
		elif grep -q 'virtmon="cpu"' <<<"$q"; then
			note ok "dashboard query valid (no node CPU stats in the test driver): $q"
		else
			note fail "dashboard query returns nothing: $q"
		fi
	done <"$CD_DIR/exprs"
else
	note fail "no $DASH"
fi

echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
