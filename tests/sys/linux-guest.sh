# shellcheck shell=bash
#
# The system tests' Linux guest (sourced by tests/sys/lib.sh): Debian's
# kernel and a busybox + qemu-guest-agent initramfs built by
# tests/sys/guest-image.sh, booted directly under TCG.  Unlike the firmware-only
# guests of sys_guest_create it has balloon statistics, a guest agent and a
# workload that drives its disk, NIC and memory on command:
#
#   sys_linux_guest_create vmt-lx 128 1   # 128 MiB, balloon stats every 1 s
#   sys_linux_guest_wait vmt-lx           # its agent answers
#   sys_guest_exec vmt-lx mem 48          # /bin/workload mem 48, waited for
#   pid=$(sys_guest_exec_start vmt-lx disk 8); ...; sys_guest_exec_wait vmt-lx "$pid"
#
# The image is cached in $VMON_GUEST_CACHE (default /var/cache/virtmon-tests);
# the first build fetches ~72 MB of packages and takes ~10 s.
#
# Measured on the 2-core Debian 12 box (QEMU 7.2 TCG, kernel 6.1): the agent
# answers 5-8 s after `virsh start`; image 8.2 MB kernel + 4.5 MB initrd.

SYS_LINUX_GUEST_IMAGE=

# The image directory (vmlinuz, initrd.gz), built on first use.  A machine
# that cannot build it (no apt lists, no network) skips the test.
sys_linux_guest_image() {
	local dir
	[ -n "$SYS_LINUX_GUEST_IMAGE" ] && return 0
	command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
		sys_skip "the Linux test guest is built with apt-get download and dpkg-deb (Debian)"
	dir=$(bash "${BASH_SOURCE[0]%/*}/guest-image.sh") ||
		sys_skip "cannot build the Linux test guest (tests/sys/guest-image.sh failed, see above)"
	SYS_LINUX_GUEST_IMAGE=$dir
	sys_log "Linux guest image: $(tr '\n' ';' <"$dir/manifest")"
}

# sys_linux_guest_create NAME [MEM_MIB [STATS_PERIOD]]: define and start the
# Linux guest with a 16 MiB virtio disk (ext2 on /mnt in the guest), a virtio
# NIC on a tap, a virtio balloon whose statistics period (seconds) is set in
# the domain XML (0: none, so the balloon's statistics are never refreshed),
# and the agent's virtio-serial channel.  Its console goes to
# $SYS_WORKDIR/NAME.console.
sys_linux_guest_create() {
	# shellcheck disable=SC2034 # disk: sys__guest_files sets it for sys__guest_xml
	local name=$1 mem=${2:-128} period=${3:-1} disk xml tap stats=''
	sys_linux_guest_image
	sys__guest_files "$name"
	[ "$period" -gt 0 ] 2>/dev/null && stats="<stats period='$period'/>"
	# No boot ROM on the NIC: iPXE would only slow the direct kernel boot.
	sys__guest_xml "$name" "$mem" destroy "\
    <kernel>$SYS_LINUX_GUEST_IMAGE/vmlinuz</kernel>
    <initrd>$SYS_LINUX_GUEST_IMAGE/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>" "\
    <serial type='file'>
      <source path='$SYS_WORKDIR/$name.console'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='virtio'>$stats</memballoon>" "\
      <rom enabled='no'/>"
	sys__guest_define_start "$name" "$xml" "$tap"
}

# sys_linux_guest_wait NAME [LIMIT_S]: until the guest's agent answers a ping.
sys_linux_guest_wait() {
	local name=$1 limit=${2:-120} t0
	t0=$(sys_now)
	until sys_virsh qemu-agent-command "$name" '{"execute":"guest-ping"}' >/dev/null 2>&1; do
		if awk -v a="$(sys_since "$t0")" -v l="$limit" 'BEGIN { exit !(a > l) }'; then
			sys_log "console of $name:"
			tail -n 20 "$SYS_WORKDIR/$name.console" >&2 2>/dev/null
			sys_fail "guest $name: no answer from its agent after $limit s"
		fi
		sleep 0.5
	done
	sys_log "guest $name: agent answers $(sys_since "$t0") s after the wait began; console: $(grep -a 'virtmon-guest:' "$SYS_WORKDIR/$name.console" | tr -d '\r' | tr '\n' ';')"
}

# sys_guest_exec_start NAME ARG...: run /bin/workload ARG... in the guest
# through the agent's guest-exec; prints the guest PID.
sys_guest_exec_start() {
	local name=$1 args='' a out pid
	shift
	for a in "$@"; do
		case $a in *[!A-Za-z0-9_.-]*) sys_fail "sys_guest_exec: argument '$a' needs quoting" ;; esac
		args+="${args:+,}\"$a\""
	done
	out=$(sys_virsh qemu-agent-command "$name" \
		"{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/workload\",\"arg\":[$args],\"capture-output\":true}}") ||
		sys_fail "guest $name: guest-exec workload $* failed"
	pid=$(grep -o '"pid":[0-9]*' <<<"$out" | cut -d: -f2)
	[ -n "$pid" ] || sys_fail "guest $name: guest-exec answered '$out'"
	echo "$pid"
}

# sys_guest_exec_wait NAME PID [LIMIT_S]: until the command has exited; fails
# the set-up when it exited non-zero (its stderr is logged).
sys_guest_exec_wait() {
	local name=$1 pid=$2 limit=${3:-120} t0 out code
	t0=$(sys_now)
	while :; do
		out=$(sys_virsh qemu-agent-command "$name" \
			"{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}") ||
			sys_fail "guest $name: guest-exec-status $pid failed"
		case $out in *'"exited":true'*) break ;; esac
		if awk -v a="$(sys_since "$t0")" -v l="$limit" 'BEGIN { exit !(a > l) }'; then
			sys_fail "guest $name: command $pid still running after $limit s"
		fi
		sleep 0.3
	done
	code=$(grep -o '"exitcode":[0-9]*' <<<"$out" | cut -d: -f2)
	if [ "$code" != 0 ]; then
		sys_log "guest $name: command $pid: $(grep -o '"err-data":"[^"]*"' <<<"$out" | cut -d'"' -f4 | base64 -d 2>/dev/null)"
		sys_fail "guest $name: command $pid exited with '$code'"
	fi
}

# sys_guest_exec NAME ARG...: run /bin/workload ARG... and wait for it.
sys_guest_exec() {
	local pid
	pid=$(sys_guest_exec_start "$@") || exit 99
	sys_guest_exec_wait "$1" "$pid"
}
