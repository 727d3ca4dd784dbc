# shellcheck shell=bash
#
# Helpers for the collectd face's system tests: a real collectd daemon with
# our virtmon.so and a csv writer in a private PluginDir, against libvirt's
# test driver.  Sourced by tests/collectd/cd-*.sh, which automake runs from
# the top build directory with $srcdir exported.
#
#   . "$srcdir/tests/collectd/cd-lib.sh"
#   cd_setup                      # skip if collectd is missing, temp dir, cleanup
#   cd_libvirtd_start             # private libvirtd, for events and restarts
#   cd_conf main <<EOF ... EOF    # the <Plugin virtmon> block and more
#   cd_collectd_start main; cd_wait_value main "$CD_HOST/virtmon-DOM/virt_cpu_total"
#
# Exit codes are automake's: 0 pass, 1 fail, 77 skip, 99 hard error.  A set-up
# that goes wrong is a hard error, never a pass.  VMON_CD_KEEP=1 keeps the
# temporary directory (logs, csv files) for a look after the test.

PATH=$PATH:/usr/sbin:/sbin

CD_PLUGIN_SO=${VMON_CD_PLUGIN:-collectd/.libs/virtmon.so}
CD_SYS_PLUGINDIR=${VMON_CD_SYS_PLUGINDIR:-/usr/lib/collectd}
CD_TYPES_DB=${VMON_TYPES_DB:-/usr/share/collectd/types.db}
CD_HOST=vmon-cd-test
CD_DIR=
CD_PIDS=()
CD_LIBVIRTD_PID=
CD_URI=

cd_log() {
	printf 'cd %s: %s\n' "$(date +%T.%3N)" "$*" >&2
}

cd_skip() {
	echo "SKIP: $*" >&2
	exit 77
}

cd_hard() {
	echo "ERROR (set-up): $*" >&2
	exit 99
}

cd_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cd_cleanup() {
	local pid
	# All at once: a collectd takes up to a second to stop, and a test may
	# run dozens.
	for pid in "${CD_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${CD_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	cd_libvirtd_stop
	if [ -n "$CD_DIR" ] && [ "${VMON_CD_KEEP:-0}" != 1 ]; then
		rm -rf "$CD_DIR"
	elif [ -n "$CD_DIR" ]; then
		echo "kept $CD_DIR" >&2
	fi
}

# cd_setup [notrap]: notrap when tests/sys/lib.sh owns the EXIT trap (then
# register cd_cleanup with sys_on_exit).
cd_setup() {
	local so
	command -v collectd >/dev/null 2>&1 || cd_skip "no collectd binary (Debian: collectd-core)"
	command -v virsh >/dev/null 2>&1 || cd_skip "no virsh (Debian: libvirt-clients)"
	[ -r "$CD_TYPES_DB" ] || cd_skip "no types.db at $CD_TYPES_DB"
	[ -f "$CD_PLUGIN_SO" ] || cd_hard "plugin not built: $CD_PLUGIN_SO"
	CD_DIR=$(mktemp -d /tmp/vmon-cd.XXXXXX) || cd_hard "mktemp failed"
	[ "${1:-}" = notrap ] || trap cd_cleanup EXIT
	mkdir -p "$CD_DIR/plugins" || cd_hard "mkdir failed"
	# collectd refuses symlinked plugins ("is not a regular file"): copy.
	cp "$CD_PLUGIN_SO" "$CD_DIR/plugins/virtmon.so" || cd_hard "cannot copy $CD_PLUGIN_SO"
	for so in csv logfile; do
		[ -f "$CD_SYS_PLUGINDIR/$so.so" ] || cd_skip "no $so.so in $CD_SYS_PLUGINDIR"
		cp "$CD_SYS_PLUGINDIR/$so.so" "$CD_DIR/plugins/" || cd_hard "cannot copy $so.so"
	done
}

# Copy another of collectd's plugins (virt, unixsock...) next to ours.
cd_add_plugin() {
	[ -f "$CD_SYS_PLUGINDIR/$1.so" ] || cd_skip "no $1.so in $CD_SYS_PLUGINDIR"
	cp "$CD_SYS_PLUGINDIR/$1.so" "$CD_DIR/plugins/" || cd_hard "cannot copy $1.so"
}

# cd_notify_sink NAME: collectd's exec plugin will hand run NAME's
# notifications to a script that keeps each in a file of $CD_DIR/NAME.notif/
# (headers "Severity: ...", meta data as "key: value", then the message).
# Put the block it sets, $CD_SINK_CONF, in NAME's configuration.  exec
# refuses to run anything as root, so the script runs as nobody.
cd_notify_sink() {
	local dir=$CD_DIR/$1.notif
	cd_add_plugin exec
	mkdir -p "$dir" && chmod 1777 "$dir" || cd_hard "mkdir $dir"
	chmod 755 "$CD_DIR"
	printf '#!/bin/sh\ncat >"$(mktemp "%s/n.XXXXXX")"\n' "$dir" >"$CD_DIR/$1.sink"
	chmod 755 "$CD_DIR/$1.sink"
	CD_SINK_CONF="LoadPlugin exec
<Plugin exec>
  NotificationExec \"nobody\" \"$CD_DIR/$1.sink\"
</Plugin>"
}

# cd_conf_virtmon NAME SOURCE: run NAME with our plugin reading SOURCE
# (Source's spelling) and its notifications kept by cd_notify_sink.
cd_conf_virtmon() {
	cd_notify_sink "$1"
	cd_conf "$1" <<EOF
$CD_SINK_CONF
LoadPlugin virtmon
<Plugin virtmon>
  Source "$2"
</Plugin>
EOF
}

# cd_notifications NAME INSTANCE TYPE_INSTANCE: the files of run NAME's
# notifications for that plugin instance and type instance, oldest first.
cd_notifications() {
	local f
	for f in $(ls -tr "$CD_DIR/$1.notif"/n.* 2>/dev/null); do
		grep -q "^PluginInstance: $2\$" "$f" && grep -q "^TypeInstance: $3\$" "$f" && echo "$f"
	done
}

# cd_expect_notification RUN DOMAIN UUID EVENT SEVERITY [N]: N (1)
# notifications of run RUN for DOMAIN's EVENT within 10 s; the newest has
# SEVERITY, virtmon's host, plugin and type, a message naming the domain
# and the event, the domain's name and UUID as meta data.  Reports through
# the calling test's note.
cd_expect_notification() {
	local run=$1 dom=$2 uuid=$3 event=$4 sev=$5 want=${6:-1} files f
	for _ in $(seq 1 100); do
		files=$(cd_notifications "$run" "$dom" "$event")
		[ "$(wc -w <<<"$files")" -ge "$want" ] && break
		sleep 0.1
	done
	if [ "$(wc -w <<<"$files")" != "$want" ]; then
		note fail "$run: $dom $event: want $want notifications, got $(wc -w <<<"$files")"
		return
	fi
	f=$(tail -n 1 <<<"$files")
	grep -q "^Severity: $sev\$" "$f" && note ok "$run: $dom $event is $sev" ||
		note fail "$run: $dom $event: $(grep '^Severity' "$f"), want $sev"
	grep -q "^Host: $CD_HOST\$" "$f" && grep -q '^Plugin: virtmon$' "$f" && grep -q '^Type: domain_state$' "$f" &&
		note ok "$run: $dom $event: host, plugin and type" ||
		note fail "$run: $dom $event: identifier wrong: $(head -8 "$f" | tr '\n' ' ')"
	grep -q "^Domain \"$dom\" $event" "$f" && note ok "$run: $dom $event: message names domain and event" ||
		note fail "$run: $dom $event: message: $(tail -n 1 "$f")"
	# exec passes meta data as "key: value" headers (collectd 5.12).
	if grep -qi "^name: $dom\$" "$f" && grep -qi "^uuid: $uuid\$" "$f"; then
		note ok "$run: $dom $event: meta name and uuid"
	else
		note fail "$run: $dom $event: meta name/uuid missing: $(tr '\n' '|' <"$f")"
	fi
}

# cd_conf_head NAME [PLUGINDIR]: the head of every test's collectd.conf:
# log to NAME.log, plugins from PLUGINDIR ($CD_DIR/plugins), one second
# interval, no writer.
cd_conf_head() {
	cat <<EOF
Hostname "$CD_HOST"
FQDNLookup false
BaseDir "$CD_DIR"
PIDFile "$CD_DIR/$1.pid"
PluginDir "${2:-$CD_DIR/plugins}"
TypesDB "$CD_TYPES_DB"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$CD_DIR/$1.log"
  Timestamp true
</Plugin>
EOF
}

# cd_conf NAME < body: $CD_DIR/NAME.conf with the common head, csv into
# NAME.csv/, and the body after it.
cd_conf() {
	local name=$1
	mkdir -p "$CD_DIR/$name.csv"
	{
		cd_conf_head "$name"
		cat <<EOF
LoadPlugin csv
<Plugin csv>
  DataDir "$CD_DIR/$name.csv"
  StoreRates false
</Plugin>
EOF
		cat
	} >"$CD_DIR/$name.conf"
}

# Start collectd in the foreground (in the background of this shell).
# Our copy of virtmon.so lives outside the build tree, so it is told where
# the build's virtmon-poller.so is (make check says so already; a bench
# run by hand may not).
cd_collectd_start() {
	local name=$1
	if [ -z "${VIRTMON_MODULE_DIR:-}" ]; then
		VIRTMON_MODULE_DIR=$(cd "${top_builddir:-.}/common/.libs" && pwd) || cd_hard "no common/.libs in the build"
		export VIRTMON_MODULE_DIR
	fi
	# make check-valgrind: the daemon, and our plugin in it, under memcheck
	# (invalid accesses; collectd unloads plugins before exit, so leaks
	# cannot be told apart from its own)
	VMON_VALGRIND_LEAKS=no ${VMON_VALGRIND:-} "$(command -v collectd)" -f -C "$CD_DIR/$name.conf" >>"$CD_DIR/$name.out" 2>&1 &
	CD_PIDS+=("$!")
	eval "CD_PID_$name=$!"
}

cd_collectd_stop() {
	local name=$1 pid
	eval "pid=\${CD_PID_$name:-}"
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	local rc=$?
	eval "CD_PID_$name="
	# memcheck's exit code for an invalid access or a definite leak
	if [ -n "${VMON_VALGRIND:-}" ] && [ "$rc" = 99 ]; then
		cat "$CD_DIR/$name.out" >&2
		cd_fail "valgrind found errors in collectd run '$name'"
	fi
}

cd_collectd_alive() {
	local pid
	eval "pid=\${CD_PID_$1:-}"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# The csv file of identifier "HOST/PLUGIN[-INST]/TYPE[-TINST]" for run NAME;
# the host part may be a glob.  Hosts default to $CD_HOST.
cd_csv_file() {
	local name=$1 id=$2 f
	for f in "$CD_DIR/$name.csv/"$id-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Last written value of data source column COL (1 = first DS) of a csv file.
cd_csv_last() {
	tail -n 1 "$1" | awk -F, -v c="$(( ${2:-1} + 1 ))" '{ print $c }'
}

# Wait up to $3 seconds (default 15) for identifier $2 of run $1 to have at
# least two lines of values; prints the file.
cd_wait_value() {
	local name=$1 id=$2 t=${3:-15} i f
	for i in $(seq 1 $(( t * 10 ))); do
		f=$(cd_csv_file "$name" "$id") && [ "$(wc -l <"$f")" -ge 3 ] && { echo "$f"; return 0; }
		sleep 0.1
	done
	return 1
}

# cd_wait_runs ID SECONDS RUN...: every RUN has written ID (cd_wait_value),
# or the test cannot go on.
cd_wait_runs() {
	local id=$1 t=$2 run
	shift 2
	for run in "$@"; do
		cd_wait_value "$run" "$id" "$t" >/dev/null || {
			cat "$CD_DIR/$run.log" >&2
			cd_hard "$run: no $id within $t s"
		}
	done
}

# cd_note ok|fail MESSAGE: one TAP line; CD_CHECKS and CD_BAD count them.
CD_CHECKS=0 CD_BAD=0
cd_note() {
	CD_CHECKS=$((CD_CHECKS + 1))
	if [ "$1" = ok ]; then
		echo "ok $CD_CHECKS - $2"
	else
		CD_BAD=$((CD_BAD + 1))
		echo "not ok $CD_CHECKS - $2"
	fi
}

# The log of run $1 says a read of virtmon took longer than its interval
# (collectd 5.12: "read-function of the `virtmon' plugin took 1.6 seconds,
# which is above its read interval"); prints the first such line.
cd_read_overran() {
	grep -m1 "read-function of the \`virtmon' plugin took" "$CD_DIR/$1.log"
}

# Wait for a line matching an extended regex in a file.
cd_wait_grep() {
	local re=$1 file=$2 t=${3:-15} i
	for i in $(seq 1 $(( t * 10 ))); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- loopback ports and a real Prometheus ------------------------------------

CD_PORTS=
CD_PROM_PORT=

# cd_free_port VAR: a loopback port no TCP or UDP socket listens on, and not
# one this test was given already, into VAR (set here, not in $(...), so
# that the list of given ports survives).
cd_free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		case " $CD_PORTS " in *" $p "*) continue ;; esac
		if command -v ss >/dev/null 2>&1; then
			ss -Hlnut | grep -q ":$p\b" && continue
		else
			(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		fi
		CD_PORTS="$CD_PORTS $p"
		printf -v "$1" %s "$p"
		return 0
	done
	cd_hard "no free port"
}

# Skip unless Prometheus, curl and collectd's write_prometheus (with the
# libraries Debian's collectd-core only suggests) are there; copies the plugin.
cd_prometheus_setup() {
	local missing
	command -v prometheus >/dev/null 2>&1 || cd_skip "no prometheus (Debian: prometheus)"
	command -v curl >/dev/null 2>&1 || cd_skip "no curl"
	cd_add_plugin write_prometheus
	missing=$(ldd "$CD_SYS_PLUGINDIR/write_prometheus.so" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
	[ -z "$missing" ] || cd_skip "write_prometheus.so lacks $missing(Debian: libmicrohttpd12 libprotobuf-c1)"
}

# cd_prometheus_start HOST:PORT...: Prometheus scraping those write_prometheus
# ports every second, its API on 127.0.0.1:$CD_PROM_PORT, its storage in
# $CD_DIR/prom.  honor_labels keeps the host name write_prometheus exports as
# `instance`; without it Prometheus renames that label exported_instance and
# sets instance to the scraped address, one value for every host behind it.
cd_prometheus_start() {
	local t
	cd_free_port CD_PROM_PORT
	{
		cat <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: collectd
    honor_labels: true
    static_configs:
      - targets:
EOF
		for t; do echo "        - '$t'"; done
	} >"$CD_DIR/prometheus.yml"
	prometheus --config.file="$CD_DIR/prometheus.yml" --web.listen-address="127.0.0.1:$CD_PROM_PORT" \
		--storage.tsdb.path="$CD_DIR/prom" >"$CD_DIR/prometheus.log" 2>&1 &
	CD_PIDS+=("$!")
}

# The JSON answer of Prometheus's query API to PromQL $1.
cd_promql() {
	curl -sf --max-time 5 "http://127.0.0.1:$CD_PROM_PORT/api/v1/query" --data-urlencode "query=$1"
}

# cd_promql_wait QUERY [SECONDS]: wait (default 30 s) for QUERY to return at
# least one series; prints the answer.
cd_promql_wait() {
	local got
	for _ in $(seq 1 $(( ${2:-30} * 2 ))); do
		got=$(cd_promql "$1") && grep -q '"result":\[{' <<<"$got" && { echo "$got"; return 0; }
		sleep 0.5
	done
	return 1
}

# ---- a private libvirtd -----------------------------------------------------
# The test driver keeps one test:///default per process, and events only
# reach connections to that process.  A private libvirtd (session mode, as
# nobody when we are root, all state in $CD_DIR) hosts one that collectd and
# virsh share, that we can kill and restart, and that never touches the
# system libvirtd other tests use.

cd_libvirtd_start() {
	local base=$CD_DIR/lvd i
	command -v libvirtd >/dev/null 2>&1 || cd_skip "no libvirtd (Debian: libvirt-daemon)"
	mkdir -p "$base/run" "$base/config" "$base/cache" "$base/data" || cd_hard "mkdir failed"
	cat >"$base/start.sh" <<EOF
#!/bin/sh
export HOME=$base XDG_RUNTIME_DIR=$base/run XDG_CONFIG_HOME=$base/config
export XDG_CACHE_HOME=$base/cache XDG_DATA_HOME=$base/data
exec libvirtd --timeout 0
EOF
	chmod 755 "$base/start.sh"
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null 2>&1 || cd_skip "no setpriv to run libvirtd unprivileged"
		chmod 755 "$CD_DIR"
		chown -R nobody "$base" || cd_hard "chown nobody failed"
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$base/start.sh" \
			>>"$base/libvirtd.log" 2>&1 &
	else
		"$base/start.sh" >>"$base/libvirtd.log" 2>&1 &
	fi
	CD_LIBVIRTD_PID=$!
	CD_LIBVIRTD_SOCK=$base/run/libvirt/libvirt-sock
	CD_URI="test+unix:///default?socket=$CD_LIBVIRTD_SOCK"
	for _ in $(seq 1 100); do
		if [ -S "$CD_LIBVIRTD_SOCK" ] && virsh -q -c "$CD_URI" list >/dev/null 2>&1; then
			cd_libvirtd_hold
			return 0
		fi
		kill -0 "$CD_LIBVIRTD_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$base/libvirtd.log" >&2
	cd_hard "private libvirtd did not come up"
}

# libvirtd frees test:///default when its last client disconnects, so every
# virsh call would start from the pristine default again.  A virsh listening
# for events holds one connection open for the test's lifetime, and its log
# ($CD_DIR/lvd/events.log) is libvirt's own account of the lifecycle events.
cd_libvirtd_hold() {
	virsh -c "$CD_URI" event --all --loop --timestamp >>"$CD_DIR/lvd/events.log" 2>&1 &
	CD_HOLD_PID=$!
	sleep 0.3
	kill -0 "$CD_HOLD_PID" 2>/dev/null || cd_hard "virsh event could not hold a connection"
}

# libvirtd gone at once, as after a crash (the holder goes too: a new
# libvirtd starts from the pristine test:///default).
cd_libvirtd_kill() {
	kill -9 "$CD_LIBVIRTD_PID"
	wait "$CD_LIBVIRTD_PID" 2>/dev/null
	CD_LIBVIRTD_PID=
	kill "$CD_HOLD_PID" 2>/dev/null
	wait "$CD_HOLD_PID" 2>/dev/null
	CD_HOLD_PID=
}

cd_libvirtd_stop() {
	[ -z "${CD_HOLD_PID:-}" ] || { kill "$CD_HOLD_PID" 2>/dev/null; wait "$CD_HOLD_PID" 2>/dev/null; }
	CD_HOLD_PID=
	[ -n "$CD_LIBVIRTD_PID" ] || return 0
	kill "$CD_LIBVIRTD_PID" 2>/dev/null
	wait "$CD_LIBVIRTD_PID" 2>/dev/null
	CD_LIBVIRTD_PID=
	rm -f "$CD_LIBVIRTD_SOCK"
}

cd_virsh() {
	timeout 30 virsh -q -c "$CD_URI" "$@"
}

# ---- virtmond ---------------------------------------------------------------

# cd_virtmond_start URI [OPTION...]: virtmond polling URI every second on
# $CD_VSOCK (its pid in CD_VIRTMOND_PID, its log $CD_DIR/virtmond.log),
# serving by the time this returns.
cd_virtmond_start() {
	local uri=$1 fetch=${top_builddir:-.}/tests/unit/wire-fetch
	shift
	CD_VSOCK=$CD_DIR/virtmond/virtmond.sock
	[ -x "${top_builddir:-.}/tools/virtmond" ] && [ -x "$fetch" ] ||
		cd_hard "tools/virtmond and tests/unit/wire-fetch must be built"
	"${top_builddir:-.}/tools/virtmond" -c "$uri" -i 1 -s "$CD_VSOCK" "$@" >>"$CD_DIR/virtmond.log" 2>&1 &
	CD_VIRTMOND_PID=$!
	CD_PIDS+=("$CD_VIRTMOND_PID")
	for _ in $(seq 1 100); do
		"$fetch" "$CD_VSOCK" >/dev/null 2>&1 && return 0
		kill -0 "$CD_VIRTMOND_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$CD_DIR/virtmond.log" >&2
	cd_hard "virtmond did not serve on $CD_VSOCK"
}

# ---- types.db --------------------------------------------------------------

# "GAUGE DERIVE" for a type, or nothing when types.db lacks it.
cd_types_db_ds() {
	awk -v t="$1" '$1 == t { for (i = 2; i <= NF; i++) { split($i, p, ":"); printf "%s%s", (i > 2 ? " " : ""), p[2] } print ""; exit }' "$CD_TYPES_DB"
}

# ---- data-source types of what a run wrote -----------------------------------

# What each collectd type means, from collectd's own plugins' usage (cpu,
# interface, disk, memory, swap, vmem, processes) -- not from virtmon's table.
cd_type_kind() {
	case "$1" in
	virt_cpu_total | virt_vcpu | ps_cputime | disk_ops | disk_octets | disk_time | \
		if_octets | if_packets | if_errors | if_dropped | swap_io | vmpage_faults | \
		vmpage_action | vmpage_io | ps_pagefaults | total_requests | total_time_in_ms | \
		derive | cpu)
		echo counter ;;
	memory | percent | count | vcpu | cpufreq | disk_allocation | disk_capacity | \
		disk_physical | domain_state | duration | disk_error | gauge | timestamp | vmpage_number | \
		bytes | df_complex)
		echo level ;;
	*) echo unknown ;;
	esac
}

# cd_check_types RUN [MIN_FILES]: every csv file of RUN holds a counter in
# DERIVE/COUNTER or a level in GAUGE data sources, with types.db's header;
# counters never fall, percentages stay in 0..100.  Reports through the
# calling test's note (ok|fail MESSAGE); fewer than MIN_FILES files is a
# set-up error.
cd_check_types() {
	local run=$1 min=${2:-1} f base type kind dstypes header want_header n
	n=0
	while IFS= read -r f; do
		n=$((n + 1))
		base=$(basename "$f")
		base=${base%-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]}
		type=${base%%-*}
		kind=$(cd_type_kind "$type")
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
		# never fall, percentages stay in range.  A domain's CPU time counts
		# QEMU's own threads beside its vCPUs (measured on a TCG guest: cpu.time
		# 14.29 s where vcpu.0.time was 13.40 s), so a busy guest may read a few
		# percent over 100% of its vCPUs; 150 still catches a unit error.
		local pmax=100.1
		case $base in percent-virt_cpu_total) pmax=150 ;; esac
		if awk -F, -v kind="$kind" -v type="$type" -v ds="$dstypes" -v pmax="$pmax" '
			BEGIN { split(ds, t, " ") }
			NR == 1 { next }
			{
				for (i = 2; i <= NF; i++) {
					if (t[i - 1] == "GAUGE" && $i !~ /\./ && $i != "nan") { print "gauge without decimals: " $0; exit 1 }
					if (t[i - 1] != "GAUGE" && $i !~ /^-?[0-9]+$/) { print "counter not an integer: " $0; exit 1 }
					if (kind == "counter" && NR > 2 && $i + 0 < last[i]) { print "counter went down: " last[i] " -> " $i; exit 1 }
					if (type == "percent" && ($i < 0 || $i > pmax + 0)) { print "percent out of range: " $i; exit 1 }
					last[i] = $i + 0
				}
			}' "$f" >"$CD_DIR/why"; then
			note ok "$run: $rel is a $kind in $dstypes"
		else
			note fail "$run: $rel: $(cat "$CD_DIR/why")"
		fi
	done < <(find "$CD_DIR/$run.csv" -type f | sort)
	[ "$n" -ge "$min" ] || cd_hard "$run: only $n files written, the run did not work"
}
