# shellcheck shell=bash
# The start of the Nagios face's system tests, sourced after
# tests/sys/lib.sh.  nagios_sys_setup, once a test's own prerequisites are
# there: sys_setup (the lock, libvirtd), the checks' state files and stderr
# in the test's work directory, the system libvirtd as $U, and the TAP
# helpers of tests/nagios/lib-tap.sh.
# shellcheck disable=SC2034   # U and TAP_STDERR are for the test and lib-tap.sh
nagios_sys_setup() {
	sys_setup
	VIRTMON_STATE_DIR=$SYS_WORKDIR/state
	export VIRTMON_STATE_DIR
	U=qemu:///system
	TAP_STDERR=$SYS_WORKDIR/stderr
	# shellcheck source=tests/nagios/lib-tap.sh
	. "${srcdir:-.}/tests/nagios/lib-tap.sh"
}
