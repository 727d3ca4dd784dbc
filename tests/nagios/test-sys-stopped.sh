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
# shellcheck source=tests/nagios/lib-sys.sh
. "${srcdir:-.}/tests/nagios/lib-sys.sh"

CHECK_DOMAIN=./nagios/check_virt_domain
[ -x "$CHECK_DOMAIN" ] || sys_fail "$CHECK_DOMAIN not built (run from the build directory)"

nagios_sys_setup

# stopped_check WANT-RC DESCRIPTION ARGS...: run against a stopped guest, in time
stopped_check() {
	local want=$1 desc=$2
	shift 2
	run timeout 30 "$CHECK_DOMAIN" --uri $U --no-state-file "$@"
	echo "# $(printf '%s\n' "$FIRST" | cut -c1-150)"
	expect_rc "$want" "$desc"
	expect_faster 4 "$desc: answered in time"
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

finish
