#!/bin/bash
# A guest whose QEMU is SIGSTOPped (stuck in its monitor, as far as libvirt
# can tell): check_virt_domain must give the timeout state (UNKNOWN, or the
# one --timeout-state chooses) in about -t seconds, never hang and never
# report OK on the statistics it could not read.
#
# Two ways this shows: the first call on a freshly stopped guest blocks in
# libvirtd (the plugin's own deadline fires); later calls find the guest's
# job lock held and libvirt answers at once without the monitor's groups
# (the core must flag the domain partial).  Each first call gets a fresh guest.
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"

CHECK_DOMAIN=./nagios/check_virt_domain
[ -x "$CHECK_DOMAIN" ] || sys_fail "$CHECK_DOMAIN not built (run from the build directory)"

sys_setup
VIRTMON_STATE_DIR=$SYS_WORKDIR/state
export VIRTMON_STATE_DIR
U=qemu:///system

n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		printf '%s\n' "$OUT" | head -3 | cut -c1-300 | sed 's/^/#   /'
	fi
}
# stopped_check WANT-RC DESCRIPTION ARGS...: run against a stopped guest, in time
stopped_check() {
	local want=$1 desc=$2 t0
	shift 2
	t0=$(sys_now)
	OUT=$(timeout 30 "$CHECK_DOMAIN" --uri $U --no-state-file "$@" 2>&1)
	RC=$?
	SECS=$(sys_since "$t0")
	echo "# $(printf '%s\n' "$OUT" | head -n 1 | cut -c1-150)"
	[ "$RC" -eq "$want" ]
	ok $? "$desc (exit $RC, want $want)"
	awk -v s="$SECS" 'BEGIN { exit !(s < 4) }'
	ok $? "$desc: answered in $SECS s (limit 4)"
}

for g in vmt-stop1 vmt-stop2; do
	sys_guest_create "$g"
done
for g in vmt-stop1 vmt-stop2; do
	sys_guest_wait_io "$g"
	pid=$(sys_qemu_pid "$g")
	kill -STOP "$pid"
	sys_on_exit "kill -CONT $pid 2>/dev/null"
done

stopped_check 3 "first call, vmt-stop1, -t 2" -d vmt-stop1 -t 2
stopped_check 2 "first call, vmt-stop2, -t 2 --timeout-state critical" \
	-d vmt-stop2 -t 2 --timeout-state critical
# Now libvirtd holds both guests' job locks: the calls return at once, with
# the monitor's statistics missing.  That is not OK either.
stopped_check 3 "repeated call, vmt-stop1, -t 2" -d vmt-stop1 -t 2
stopped_check 2 "repeated call, vmt-stop2, -t 2 --timeout-state critical" \
	-d vmt-stop2 -t 2 --timeout-state critical
stopped_check 3 "both by pattern, -t 2" -d 'vmt-stop*' -t 2

echo "1..$n"
[ "$failed" -eq 0 ] || { echo "# $failed of $n failed"; exit 1; }
exit 0
