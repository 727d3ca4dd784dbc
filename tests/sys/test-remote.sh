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
. "${srcdir:-.}/tests/sys/views.sh"
CHECK_HOST=$top_builddir/nagios/check_virt_host
VIEWS_GUESTS="vmt-rm1 vmt-rm2"
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }

faces_require
[ -x "$VIEWS_CHECK" ] && [ -x "$CHECK_HOST" ] && [ -x "$VIEWS_DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
sys_setup
sys_guest_create vmt-rm1 32
sys_guest_create vmt-rm2 48
sys_virsh suspend vmt-rm2 >/dev/null || sys_fail "virsh suspend vmt-rm2"
remote_listen

check_host() {   # URI: check_virt_host's cpus and domain counts, against virsh
	local out want got
	out=$("$CHECK_HOST" --uri "$1")
	echo "# ${out%%|*}"
	got=$(sed -n "s/.*'cpus'=\([0-9]*\).*'domains_running'=\([0-9]*\).*'domains_paused'=\([0-9]*\).*/\1 \2 \3/p" <<<"$out")
	want="$(sys_virsh nodeinfo | awk -F': *' '$1 == "CPU(s)" { print $2 }') $(sys_virsh list --state-running --name | grep -c .) $(sys_virsh list --state-paused --name | grep -c .)"
	[ "$got" = "$want" ] && ok "check_virt_host over $1: cpus, running, paused = $got" ||
		bad "check_virt_host over $1: '$got', virsh '$want' ($out)"
}

all_faces() {   # LABEL URI
	views_compare "virtmon-dump ($1)" 0 views_dump "libvirt:$2"
	views_compare "check_virt_domain ($1)" 0 views_check "$2"
	check_host "$2"
	views_compare "virtmond ($1)" 2 views_dump "virtmond:$FACES_SOCK"
	views_compare "SNMP subagent ($1)" 2 views_snmp
	views_compare "collectd plugin ($1)" 2 views_collectd
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
	views_reconnected "($transport)" 1
	for f in virtmond snmpd agentx collectd; do
		kill -0 "${FACES_PID[$f]}" 2>/dev/null || bad "$f ($transport) died (see $f.out)"
	done
	faces_stop_all
done

echo "1..$n"
exit $fail
