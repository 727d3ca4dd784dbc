# shellcheck shell=bash
#
# What each face shows of the guests in $VIEWS_GUESTS, one line per guest,
# "NAME STATE VCPUS MEMORY-KiB CPU-TIME-ns", and the comparison of a face's
# view with virsh's on qemu:///system (tests/sys/lib.sh and faces.sh first,
# the test defines ok and bad):
#
#   views_compare FACE LAG VIEW [ARGS...]  a face's view equals the local one
#   views_reconnected LABEL MIN            virtmond and the subagent are
#                                          connected and have reconnected MIN
#                                          times or more
#
# Views: views_local, views_dump SOURCE, views_check URI, views_snmp
# (LIBVIRT-MIB on faces_snmp's snmpd), views_collectd (faces_collectd's csv).

VIEWS_CHECK=${top_builddir:-.}/nagios/check_virt_domain
VIEWS_DUMP=${top_builddir:-.}/tools/virtmon-dump
# Seconds a face may take to show what virsh shows (memcheck is slow).
VIEWS_WAIT=${VIEWS_WAIT:-30}
VIEWS_LIBVIRT_GUEST=.1.3.6.1.4.1.36957.1.1.1
VIEWS_AGENT=.1.3.6.1.4.1.99999.1.1

views_local() {
	# shellcheck disable=SC2086 # the guest names have no blanks
	sys_virsh domstats --raw --state --vcpu --balloon --cpu-total $VIEWS_GUESTS | awk '
		/^Domain:/ { if (n) print n, s, v, m, c; n = $2; gsub(/'\''/, "", n); s = v = m = c = "-" }
		{ sub(/^[ \t]+/, "") }
		/^state\.state=/ { s = substr($0, 13) }
		/^vcpu\.current=/ { v = substr($0, 14) }
		/^balloon\.current=/ { m = substr($0, 17) }
		/^cpu\.time=/ { c = substr($0, 10) }
		END { if (n) print n, s, v, m, c }'
}

views_dump() {   # SOURCE: virtmon-dump's JSON
	"$VIEWS_DUMP" --source "$1" --json |
		jq -r --arg g " $VIEWS_GUESTS " '.domains[] | select(.name as $n | $g | contains(" " + $n + " ")) | "\(.name) \(.state_code) \(.metrics["vcpu.current"]) \(.metrics["balloon.current"]) \(.metrics["cpu.time"])"'
}

views_snmp() {   # LIBVIRT-MIB's libvirtGuestTable: Name State CpuCount MemoryCurrent (MiB) CpuTime
	local g uuid hex idx i
	for g in $VIEWS_GUESTS; do
		uuid=$(sys_virsh domuuid "$g") || return 1
		hex=${uuid//-/} idx=
		for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
		snmpget -v2c -c public -Oqve -t 1 -r 0 "127.0.0.1:$SNMP_PORT" \
			"$VIEWS_LIBVIRT_GUEST.2$idx" "$VIEWS_LIBVIRT_GUEST.3$idx" "$VIEWS_LIBVIRT_GUEST.4$idx" \
			"$VIEWS_LIBVIRT_GUEST.5$idx" "$VIEWS_LIBVIRT_GUEST.7$idx" 2>/dev/null |
			tr -d '"' | paste -sd ' ' | awk 'NF == 5 { print $1, $2, $3, $4 * 1024, $5 }'
	done
}

views__csv_last() {   # GUEST IDENT: the last value collectd's csv plugin wrote
	local f
	f=$(find "$SYS_WORKDIR/csv" -path "*/virtmon-$1/$2-[0-9][0-9][0-9][0-9]-*" -type f 2>/dev/null | sort | tail -n 1)
	[ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2
}

views_collectd() {
	local g
	for g in $VIEWS_GUESTS; do
		echo "$g $(views__csv_last "$g" domain_state) $(views__csv_last "$g" vcpu-current)" \
			"$(awk -v b="$(views__csv_last "$g" memory-total)" 'BEGIN { if (b != "") printf "%.0f", b / 1024 }')" \
			"$(views__csv_last "$g" virt_cpu_total)"
	done | awk 'NF == 5 { printf "%s %d %d %s %.0f\n", $1, $2, $3, $4, $5 }'
}

views_check() {   # URI: check_virt_domain's text and perfdata
	local g out
	for g in $VIEWS_GUESTS; do
		out=$("$VIEWS_CHECK" --uri "$1" --no-state-file --interval 0 -d "$g")
		awk -v out="$out" -v g="$g" 'BEGIN {
			split(out, p, "|"); if (!match(p[1], "- " g " [a-z ]+")) exit
			st = substr(p[1], RSTART + length(g) + 3, RLENGTH - length(g) - 3); sub(/ +$/, "", st)
			code = st == "running" ? 1 : st == "paused" ? 3 : st == "shut off" ? 5 : 0
			n = split(p[2], kv, " ")
			for (i = 1; i <= n; i++) { split(kv[i], a, "="); k = a[1]; gsub(/'\''/, "", k); v = a[2]; sub(/[^0-9.].*/, "", v); val[k] = v }
			printf "%s %d %s %.0f %s\n", g, code, val["vcpus"], val["mem"] / 1024, val["cpu_time"] }'
	done
}

# views_compare FACE LAG COMMAND...: COMMAND prints the face's view; within
# VIEWS_WAIT s it must equal the local view taken LAG seconds before it, cpu
# time between that one and the local view taken just after it.  A daemon
# serves its last poll: LAG is two of its intervals, so that poll was after
# the first local view.
views_compare() {
	local face=$1 lag=$2 deadline before seen after why
	shift 2
	deadline=$(($(date +%s) + VIEWS_WAIT))
	while :; do
		before=$(views_local)
		sleep "$lag"
		seen=$("$@" 2>&1)
		after=$(views_local)
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

# views__agent N: one scalar of the subagent's VIRTMON-MIB agent group
views__agent() {
	snmpget -v2c -c public -Oqve -t 1 -r 0 "127.0.0.1:$SNMP_PORT" "$VIEWS_AGENT.$1.0" 2>/dev/null
}

views_reconnected() {   # LABEL MIN
	local r
	r=$("$VIEWS_DUMP" --source "virtmond:$FACES_SOCK" --json | jq -r '"\(.health.connected) \(.health.reconnects)"')
	[ "${r% *}" = true ] && [ "${r#* }" -ge "$2" ] 2>/dev/null &&
		ok "virtmond $1: connected, reconnects ${r#* }" ||
		bad "virtmond $1: connected, reconnects = $r (want true, >= $2)"
	r="$(views__agent 1) $(views__agent 4)"
	[ "${r% *}" = 1 ] && [ "${r#* }" -ge "$2" ] 2>/dev/null &&
		ok "SNMP subagent $1: virtmonAgentConnected true, Reconnects ${r#* }" ||
		bad "SNMP subagent $1: virtmonAgentConnected, Reconnects = $r (want 1, >= $2)"
}
