#!/bin/bash
# The system-test harness checks itself, so that a broken lib.sh shows up as
# its own failure rather than as every system test failing in a new way:
# three guests start, their block and NIC counters move, they survive a
# libvirtd restart and keep counting, SIGSTOP/SIGCONT of one QEMU works.

# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

sys_setup

for g in vmt-h1 vmt-h2 vmt-harness-long-name; do
	sys_guest_create "$g"
done
for g in vmt-h1 vmt-h2 vmt-harness-long-name; do
	sys_guest_wait_io "$g"
done

rd0=$(sys_domstat vmt-h1 block.0.rd.reqs)
tx0=$(sys_domstat vmt-h1 net.0.tx.pkts)
bal=$(sys_domstat vmt-h1 balloon.current)
[ "$bal" = 32768 ] || fail "vmt-h1 balloon.current is '$bal' KiB, want 32768"

old=$SYS_LIBVIRTD_PID
sys_libvirtd_restart
[ "$SYS_LIBVIRTD_PID" != "$old" ] || fail "libvirtd pid unchanged ($old) after restart"
running=$(sys_virsh list --name | grep -c '^vmt-')
[ "$running" = 3 ] || fail "$running vmt- guests running after libvirtd restart, want 3"

# Counters live in QEMU and on the tap, not in libvirtd: the restart must not
# lose them, and a kicked guest must move them again.
rd1=$(sys_domstat vmt-h1 block.0.rd.reqs)
tx1=$(sys_domstat vmt-h1 net.0.tx.pkts)
[ "${rd1:-0}" -ge "$rd0" ] || fail "vmt-h1 rd.reqs went from $rd0 to '$rd1' across the restart"
[ "${tx1:-0}" -ge "$tx0" ] || fail "vmt-h1 tx.pkts went from $tx0 to '$tx1' across the restart"
sys_guest_kick vmt-h1
for _ in $(seq 1 60); do
	rd2=$(sys_domstat vmt-h1 block.0.rd.reqs)
	tx2=$(sys_domstat vmt-h1 net.0.tx.pkts)
	[ "${rd2:-0}" -gt "$rd1" ] && [ "${tx2:-0}" -gt "$tx1" ] && break
	sleep 0.5
done
[ "${rd2:-0}" -gt "$rd1" ] || fail "vmt-h1 rd.reqs stuck at $rd1 after a reset"
[ "${tx2:-0}" -gt "$tx1" ] || fail "vmt-h1 tx.pkts stuck at $tx1 after a reset"

pid=$(sys_qemu_pid vmt-h2) || exit 99
sys_on_exit "kill -CONT $pid"
kill -STOP "$pid"
# The stop reaches every thread of QEMU asynchronously: on a loaded machine
# /proc still said 'R' right after kill returned (a .ci/run with the
# whole suite running in parallel).
for _ in $(seq 1 50); do
	state=$(awk '{ print $3 }' "/proc/$pid/stat")
	[ "$state" = T ] && break
	sleep 0.1
done
[ "$state" = T ] || fail "QEMU of vmt-h2 (pid $pid) in state '$state' after SIGSTOP"
# Left stopped on purpose: the exit trap must still remove this guest.

exit 0
