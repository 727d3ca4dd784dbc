#!/bin/bash
# Every face over real remote transports: libvirtd listening on loopback TCP
# (no authentication) and TLS (certificates made here, verified both ways),
# see tests/sys/remote.sh.  For each transport, virtmond, the SNMP subagent
# (with a real snmpd), collectd's plugin (in a real collectd), both checks
# and virtmon-dump read the remote URI, and each is compared with the local
# view (virsh on qemu:///system) at the same moment: names, states, vCPUs and
# memory exactly, cpu time between the local readings taken just before and
# just after the face's.  Then libvirtd restarts under the running faces:
# each reconnects over the same transport and shows fresh figures again.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/remote.sh"
CHECK=$top_builddir/nagios/check_virt_domain
CHECK_HOST=$top_builddir/nagios/check_virt_host
DUMP=$top_builddir/tools/virtmon-dump
GUESTS="vmt-rm1 vmt-rm2"
LIBVIRT_GUEST=.1.3.6.1.4.1.36957.1.1.1
AGENT=.1.3.6.1.4.1.99999.1.1
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }

faces_require
[ -x "$CHECK" ] && [ -x "$CHECK_HOST" ] && [ -x "$DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
sys_setup
sys_guest_create vmt-rm1 32
sys_guest_create vmt-rm2 48
sys_virsh suspend vmt-rm2 >/dev/null || sys_fail "virsh suspend vmt-rm2"
remote_listen

# ---- one line per guest: NAME STATE VCPUS MEMORY-KiB CPU-TIME-ns ----------------
local_view() {
	# shellcheck disable=SC2086 # the guest names have no blanks
	sys_virsh domstats --raw --state --vcpu --balloon --cpu-total $GUESTS | awk '
		/^Domain:/ { if (n) print n, s, v, m, c; n = $2; gsub(/'\''/, "", n); s = v = m = c = "-" }
		{ sub(/^[ \t]+/, "") }
		/^state\.state=/ { s = substr($0, 13) }
		/^vcpu\.current=/ { v = substr($0, 14) }
		/^balloon\.current=/ { m = substr($0, 17) }
		/^cpu\.time=/ { c = substr($0, 10) }
		END { if (n) print n, s, v, m, c }'
}

dump_view() {   # SOURCE: virtmon-dump's JSON
	"$DUMP" --source "$1" --include 'vmt-rm*' --json |
		jq -r '.domains[] | "\(.name) \(.state_code) \(.metrics["vcpu.current"]) \(.metrics["balloon.current"]) \(.metrics["cpu.time"])"'
}

snmp_view() {   # LIBVIRT-MIB's libvirtGuestTable: Name State CpuCount MemoryCurrent (MiB) CpuTime
	local g uuid hex idx i
	for g in $GUESTS; do
		uuid=$(sys_virsh domuuid "$g") || return 1
		hex=${uuid//-/} idx=
		for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
		snmpget -v2c -c public -Oqve -t 1 -r 0 "127.0.0.1:$SNMP_PORT" \
			"$LIBVIRT_GUEST.2$idx" "$LIBVIRT_GUEST.3$idx" "$LIBVIRT_GUEST.4$idx" \
			"$LIBVIRT_GUEST.5$idx" "$LIBVIRT_GUEST.7$idx" 2>/dev/null |
			tr -d '"' | paste -sd ' ' | awk 'NF == 5 { print $1, $2, $3, $4 * 1024, $5 }'
	done
}

csv_last() {   # GUEST IDENT: the last value collectd's csv plugin wrote
	local f
	f=$(find "$SYS_WORKDIR/csv" -path "*/virtmon-$1/$2-[0-9][0-9][0-9][0-9]-*" -type f 2>/dev/null | sort | tail -n 1)
	[ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2
}

collectd_view() {
	local g
	for g in $GUESTS; do
		echo "$g $(csv_last "$g" domain_state) $(csv_last "$g" vcpu-current)" \
			"$(awk -v b="$(csv_last "$g" memory-total)" 'BEGIN { if (b != "") printf "%.0f", b / 1024 }')" \
			"$(csv_last "$g" virt_cpu_total)"
	done | awk 'NF == 5 { printf "%s %d %d %s %.0f\n", $1, $2, $3, $4, $5 }'
}

check_view() {   # URI: check_virt_domain's text and perfdata
	local g out
	for g in $GUESTS; do
		out=$("$CHECK" --uri "$1" --no-state-file --interval 0 -d "$g")
		awk -v out="$out" -v g="$g" 'BEGIN {
			split(out, p, "|"); if (!match(p[1], "- " g " [a-z ]+")) exit
			st = substr(p[1], RSTART + length(g) + 3, RLENGTH - length(g) - 3); sub(/ +$/, "", st)
			code = st == "running" ? 1 : st == "paused" ? 3 : st == "shut off" ? 5 : 0
			n = split(p[2], kv, " ")
			for (i = 1; i <= n; i++) { split(kv[i], a, "="); k = a[1]; gsub(/'\''/, "", k); v = a[2]; sub(/[^0-9.].*/, "", v); val[k] = v }
			printf "%s %d %s %.0f %s\n", g, code, val["vcpus"], val["mem"] / 1024, val["cpu_time"] }'
	done
}

# compare FACE LAG COMMAND...: COMMAND prints the face's view; within 30 s it
# must equal the local view taken LAG seconds before it, cpu time between that
# one and the local view taken just after it.  A daemon serves its last poll:
# LAG is two of its intervals, so that poll was after the first local view.
compare() {
	local face=$1 lag=$2 deadline before seen after why
	shift 2
	deadline=$(($(date +%s) + 30))
	while :; do
		before=$(local_view)
		sleep "$lag"
		seen=$("$@" 2>&1)
		after=$(local_view)
		why=$(awk -v seen="$seen" -v after="$after" '
			BEGIN {
				n = split(seen, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, " "); s[f[1]] = l[i] }
				n = split(after, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, " "); a[f[1]] = f[5] }
			}
			{
				if (!($1 in s)) { print $1 " missing"; exit }
				split(s[$1], f, " ")
				if (f[2] != $2 || f[3] != $3 || f[4] != $4) {
					print $1 ": state/vcpus/KiB " f[2] "/" f[3] "/" f[4] ", local " $2 "/" $3 "/" $4; exit
				}
				if (f[5] + 0 < $5 + 0 || f[5] + 0 > a[$1] + 0) {
					print $1 ": cpu time " f[5] " ns, local " $5 " .. " a[$1]; exit
				}
			}' <<<"$before")
		[ -z "$why" ] && [ -n "$before" ] && break
		if [ "$(date +%s)" -ge "$deadline" ]; then
			bad "$face: ${why:-no local view} (face said: $(tr '\n' ';' <<<"$seen"))"
			return 1
		fi
		sleep 0.5
	done
	ok "$face: $(tr '\n' ';' <<<"$seen")"
}

check_host() {   # URI: check_virt_host's cpus and domain counts, against virsh
	local out want got
	out=$("$CHECK_HOST" --uri "$1")
	got=$(sed -n "s/.*'cpus'=\([0-9]*\).*'domains_running'=\([0-9]*\).*'domains_paused'=\([0-9]*\).*/\1 \2 \3/p" <<<"$out")
	want="$(sys_virsh nodeinfo | awk -F': *' '$1 == "CPU(s)" { print $2 }') $(sys_virsh list --state-running --name | grep -c .) $(sys_virsh list --state-paused --name | grep -c .)"
	[ "$got" = "$want" ] && ok "check_virt_host over $1: cpus, running, paused = $got" ||
		bad "check_virt_host over $1: '$got', virsh '$want' ($out)"
}

# snmp_agent OID: one scalar of the subagent's VIRTMON-MIB agent group
snmp_agent() {
	snmpget -v2c -c public -Oqve -t 1 -r 0 "127.0.0.1:$SNMP_PORT" "$AGENT.$1.0" 2>/dev/null
}

all_faces() {   # LABEL URI
	compare "virtmon-dump ($1)" 0 dump_view "libvirt:$2"
	compare "check_virt_domain ($1)" 0 check_view "$2"
	check_host "$2"
	compare "virtmond ($1)" 2 dump_view "virtmond:$FACES_SOCK"
	compare "SNMP subagent ($1)" 2 snmp_view
	compare "collectd plugin ($1)" 2 collectd_view
}

for transport in tcp tls; do
	if [ "$transport" = tcp ]; then uri=$REMOTE_TCP_URI; else uri=$REMOTE_TLS_URI; fi
	timeout "$SYS_VIRSH_TIMEOUT" virsh -q -c "$uri" version >/dev/null 2>&1 ||
		sys_fail "virsh -c $uri does not answer: $(virsh -c "$uri" version 2>&1 | tail -n 2)"
	rm -rf "$SYS_WORKDIR/csv"
	faces_virtmond "$uri"
	faces_snmp "libvirt:$uri"
	faces_collectd "libvirt:$uri"
	all_faces "$transport" "$uri"

	old=$SYS_LIBVIRTD_PID
	sys_libvirtd_restart
	[ "$SYS_LIBVIRTD_PID" != "$old" ] || sys_fail "libvirtd pid unchanged ($old) after restart"
	all_faces "$transport, after a libvirtd restart" "$uri"
	r=$("$DUMP" --source "virtmond:$FACES_SOCK" --json | jq -r '"\(.health.connected) \(.health.reconnects)"')
	[[ $r == "true "[1-9]* ]] && ok "virtmond ($transport): connected, reconnects $r" ||
		bad "virtmond ($transport) after the restart: connected, reconnects = $r"
	r="$(snmp_agent 1) $(snmp_agent 4)"
	[[ $r == "1 "[1-9]* ]] && ok "SNMP subagent ($transport): virtmonAgentConnected, Reconnects = $r" ||
		bad "SNMP subagent ($transport) after the restart: virtmonAgentConnected, Reconnects = $r"
	for f in virtmond snmpd agentx collectd; do
		kill -0 "${FACES_PID[$f]}" 2>/dev/null || bad "$f ($transport) died (see $f.out)"
	done
	faces_stop_all
done

echo "1..$n"
exit $fail
