#!/bin/bash
# virtmond, the SNMP subagent (with a real snmpd) and collectd's plugin (in
# a real collectd), each polling the system libvirtd itself, while libvirtd
# is stopped for a few seconds and started again, $VMON_RESTARTS times
# (default 3): after every start each face shows what virsh shows (names,
# states, vCPUs and memory exactly, cpu time between the local readings
# around it), and at the end each exits 0 on SIGTERM.
#
# Under `make check-valgrind` the three run under memcheck
# (tests/valgrind-wrapper.sh): an invalid access or a definite leak anywhere
# across the restarts makes that daemon exit 99 at SIGTERM, and this test
# fail with memcheck's report in its log.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/views.sh"
URI=qemu:///system
RESTARTS=${VMON_RESTARTS:-3}
VIEWS_GUESTS="vmt-rs1 vmt-rs2"
FACES_MEMCHECK=${VMON_VALGRIND:-}
# memcheck slows start-up and each poll several times over
[ -z "$FACES_MEMCHECK" ] || VIEWS_WAIT=120
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }

faces_require
[ -x "$VIEWS_DUMP" ] || sys_skip "virtmon-dump is needed"
sys_setup
sys_guest_create vmt-rs1 32
sys_guest_create vmt-rs2 48
sys_virsh suspend vmt-rs2 >/dev/null || sys_fail "virsh suspend vmt-rs2"

faces_virtmond "$URI"
faces_snmp "libvirt:$URI"
faces_collectd "libvirt:$URI"

daemon_faces() {   # LABEL
	views_compare "virtmond ($1)" 2 views_dump "virtmond:$FACES_SOCK"
	views_compare "SNMP subagent ($1)" 2 views_snmp
	views_compare "collectd plugin ($1)" 2 views_collectd
}

daemon_faces "before any restart"
for i in $(seq "$RESTARTS"); do
	sys_libvirtd_restart 3
	daemon_faces "after libvirtd restart $i"
done
views_reconnected "after $RESTARTS restarts" "$RESTARTS"

for f in virtmond agentx collectd; do
	if faces_stop "$f"; then
		ok "$f exits 0 on SIGTERM${FACES_MEMCHECK:+ (memcheck: no error, no definite leak)}"
	else
		rc=$?
		bad "$f exits $rc on SIGTERM$([ "$rc" = 99 ] && [ -n "$FACES_MEMCHECK" ] && echo ': memcheck found errors')"
		sed 's/^/# /' "$SYS_WORKDIR/$f.out"
	fi
done
faces_stop snmpd

echo "1..$n"
exit $fail
