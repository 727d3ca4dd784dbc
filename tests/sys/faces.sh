# shellcheck shell=bash
#
# Every face of virtmon started as a site runs it, for the system tests and
# benches that need them side by side (tests/sys/lib.sh first, then this):
#
#   faces_virtmond URI [OPTION...]  virtmond polling URI every second, on $FACES_SOCK
#   faces_snmp SOURCE [LINES]       snmpd (loopback, $SNMP_PORT) and virtmon-agentx; LINES
#                                   go in snmpd.conf (a trap2sink)
#   faces_collectd SOURCE [LINES [CONF]]  collectd with virtmon.so and csv into $SYS_WORKDIR/csv;
#                                   LINES go in its <Plugin virtmon> block, CONF before it
#   faces_stop NAME                 stop one, returning its exit status
#   faces_stop_all                  stop every face started so far
#
# SOURCE is virtmon's spelling: libvirt:URI or virtmond:PATH.  Each records
# its process id in FACES_PID[name] and stops it at exit (sys_on_exit).
# FACES_MEMCHECK=tests/valgrind-wrapper.sh runs virtmond, virtmon-agentx and
# collectd under memcheck (not snmpd): a memcheck error makes one exit 99.

FACES_VIRTMOND=${top_builddir:-.}/tools/virtmond
FACES_AGENTX=${top_builddir:-.}/snmp/virtmon-agentx
FACES_CD_PLUGIN=${top_builddir:-.}/collectd/.libs/virtmon.so
FACES_CD_PLUGINDIR=/usr/lib/collectd
FACES_TYPES_DB=/usr/share/collectd/types.db
declare -A FACES_PID=()

# Skip unless every face is built and its daemon installed.
faces_require() {
	local f cmd
	for f in "$FACES_VIRTMOND" "$FACES_AGENTX" "$FACES_CD_PLUGIN"; do
		[ -e "$f" ] || sys_skip "$f not built (every face is needed here)"
	done
	for cmd in virt-admin snmpd snmpget collectd ss jq; do
		command -v "$cmd" >/dev/null 2>&1 || sys_skip "$cmd not found"
	done
	[ -r "$FACES_TYPES_DB" ] && [ -f "$FACES_CD_PLUGINDIR/csv.so" ] && [ -f "$FACES_CD_PLUGINDIR/logfile.so" ] ||
		sys_skip "collectd-core's types.db, csv.so and logfile.so are needed"
}

faces__run() {   # NAME COMMAND...: in the background, stopped at exit
	local name=$1
	shift
	"$@" >>"$SYS_WORKDIR/$name.out" 2>&1 &
	FACES_PID[$name]=$!
	sys_on_exit "kill ${FACES_PID[$name]} 2>/dev/null; wait ${FACES_PID[$name]} 2>/dev/null"
}

# faces_stop NAME: SIGTERM, and its exit status once it has gone
faces_stop() {
	local pid=${FACES_PID[$1]} rc=0
	unset "FACES_PID[$1]"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}

faces_stop_all() {
	local f
	for f in "${!FACES_PID[@]}"; do faces_stop "$f"; done
	rm -f "$SYS_WORKDIR/virtmond.sock"
}

faces_virtmond() {
	FACES_SOCK=$SYS_WORKDIR/virtmond.sock
	faces__run virtmond ${FACES_MEMCHECK:+"$FACES_MEMCHECK"} "$FACES_VIRTMOND" -c "$1" -i 1 -s "$FACES_SOCK" "${@:2}"
	for _ in $(seq 300); do [ -S "$FACES_SOCK" ] && return; sleep 0.1; done
	sys_fail "virtmond did not create $FACES_SOCK: $(cat "$SYS_WORKDIR/virtmond.out")"
}

faces__free_port() {   # a loopback TCP or UDP port nobody listens on
	local p
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		ss -Hlnut | grep -q ":$p\b" || { echo "$p"; return; }
	done
}

faces_snmp() {
	local w=$SYS_WORKDIR
	SNMP_PORT=$(faces__free_port)
	printf 'master agentx\nagentXSocket %s\nagentaddress udp:127.0.0.1:%s\nrocommunity public 127.0.0.1\n%s\n' \
		"$w/agentx.sock" "$SNMP_PORT" "${2:-}" >"$w/snmpd.conf"
	faces__run snmpd snmpd -f -Lf "$w/snmpd.log" -I -smux -C -c "$w/snmpd.conf" -p "$w/snmpd.pid"
	printf 'source %s\ninterval 1s\n' "$1" >"$w/virtmon.conf"
	faces__run agentx ${FACES_MEMCHECK:+"$FACES_MEMCHECK"} "$FACES_AGENTX" -f -Lf "$w/agentx.log" -x "$w/agentx.sock" -c "$w/virtmon.conf"
}

faces_collectd() {
	local w=$SYS_WORKDIR
	mkdir -p "$w/cd-plugins" "$w/csv"
	# collectd takes no symlinked plugin; a copy outside the build tree is
	# told where the module is
	cp "$FACES_CD_PLUGIN" "$FACES_CD_PLUGINDIR/csv.so" "$FACES_CD_PLUGINDIR/logfile.so" "$w/cd-plugins/" ||
		sys_fail "cannot copy plugins"
	cat >"$w/collectd.conf" <<EOC
Hostname "faces"
FQDNLookup false
BaseDir "$w"
PIDFile "$w/collectd.pid"
PluginDir "$w/cd-plugins"
TypesDB "$FACES_TYPES_DB"
Interval 1
# the log and the notifications, in collectd.out
LoadPlugin logfile
<Plugin logfile>
  File "stdout"
  LogLevel info
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$w/csv"
</Plugin>
${3:-}
LoadPlugin virtmon
<Plugin virtmon>
  Source "$1"
${2:-}
</Plugin>
EOC
	faces__run collectd env VIRTMON_MODULE_DIR="$(cd "${top_builddir:-.}/common/.libs" && pwd)" \
		${FACES_MEMCHECK:+"$FACES_MEMCHECK"} "$(command -v collectd)" -f -C "$w/collectd.conf"
}

# faces_libvirt_clients: one line per libvirtd client, "ID PID"
faces_libvirt_clients() {
	local id
	for id in $(virt-admin -q srv-clients-list libvirtd | awk '$1 ~ /^[0-9]+$/ { print $1 }'); do
		echo "$id $(virt-admin -q client-info libvirtd "$id" 2>/dev/null |
			awk -F ': *' '$1 ~ /^unix_process_id/ { print $2 }')"
	done
}
