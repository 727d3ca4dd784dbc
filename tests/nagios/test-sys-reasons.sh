#!/bin/bash
# check_virt_domain's policy by state and reason, on real guests: paused by
# the user (virsh suspend) is WARNING; paused while libvirt saves it is OK;
# paused by an I/O error (what a full storage pool does to its guests) is
# CRITICAL; and a --state rule for a reason wins over the defaults.
#
# The save is held paused by saving into a FIFO that is read slowly.  The I/O error is real:
# the guest's disk is served by qemu-nbd through QEMU's blkdebug driver,
# which fails every read, and the disk's rerror_policy is "stop".
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"
# shellcheck source=tests/nagios/lib-sys.sh
. "${srcdir:-.}/tests/nagios/lib-sys.sh"

CHECK_DOMAIN=./nagios/check_virt_domain
[ -x "$CHECK_DOMAIN" ] || sys_fail "$CHECK_DOMAIN not built (run from the build directory)"
command -v qemu-nbd >/dev/null || sys_skip "qemu-nbd not installed (Debian: qemu-utils)"

nagios_sys_setup

check() { run timeout 30 "$CHECK_DOMAIN" --uri $U --no-state-file "$@"; echo "# $(printf '%s\n' "$FIRST" | cut -c1-120)"; }
# policy RC DESCRIPTION ARGS...: check_virt_domain ARGS exits RC
policy() { local rc=$1 desc=$2; shift 2; check "$@"; expect_rc "$rc" "$desc"; }
# wait_state NAME TEXT: until 'virsh domstate --reason' prints TEXT (20 s at most)
wait_state() {
	local i
	for ((i = 0; i < 80; i++)); do
		[ "$(timeout 5 virsh -q -c $U domstate --reason "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.25
	done
	sys_virsh domstate --reason "$1" >&2
	return 1
}

sys_guest_create vmt-rs1
sys_guest_wait_io vmt-rs1

# --- paused by the user
sys_virsh suspend vmt-rs1 >/dev/null || sys_fail "virsh suspend failed"
policy 1 "suspended by the user: WARNING" -d vmt-rs1
expect_first "paused \(user\)" "the output names the reason"
policy 2 "--state paused:user=critical" -d vmt-rs1 --state 'paused:user=critical'
sys_virsh resume vmt-rs1 >/dev/null || sys_fail "virsh resume failed"

# --- paused for a save
# The save goes into a FIFO that a slow reader drains (16 KiB per 0.1 s):
# libvirt waits on QEMU's migration stream with the domain unlocked, so the
# guest stays paused for the save for seconds while every other call
# answers.
sys_slow_reader "$SYS_WORKDIR/save.fifo" 16384 0.1
reader_pid=$SYS_READER_PID
sys_virsh save vmt-rs1 "$SYS_WORKDIR/save.fifo" >"$SYS_WORKDIR/save.out" 2>&1 &
save_pid=$!
if wait_state vmt-rs1 "paused (saving)"; then
	policy 0 "paused for a save: OK" -d vmt-rs1
	expect_first "paused \(saving\)" "the output names the save"
	policy 2 "--state paused:sa*=critical (a glob) wins over the default" -d vmt-rs1 --state 'paused:sa*=critical'
	policy 0 "a state-wide level leaves the reason's default rule in place" -d vmt-rs1 --state 'paused=critical'
else
	ok 1 "the guest never showed paused (saving)"
fi
wait $save_pid
kill $reader_pid 2>/dev/null
sys_log "virsh save into a FIFO: $(tr '\n' ' ' <"$SYS_WORKDIR/save.out")"

# --- paused by an I/O error
port=$((20000 + RANDOM % 20000))
qemu-img create -q -f raw "$SYS_WORKDIR/bad.img" 16M || sys_fail "qemu-img create failed"
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$SYS_WORKDIR/blkdebug.conf"
qemu-nbd --fork --persistent -b 127.0.0.1 -p $port --pid-file="$SYS_WORKDIR/nbd.pid" \
	--image-opts "driver=raw,file.driver=blkdebug,file.config=$SYS_WORKDIR/blkdebug.conf,file.image.filename=$SYS_WORKDIR/bad.img" ||
	sys_fail "qemu-nbd failed"
sys_on_exit "kill \$(cat '$SYS_WORKDIR/nbd.pid') 2>/dev/null || :"
sys_guest_create vmt-rs2 32 "<disk type='network' device='disk'>
      <driver name='qemu' type='raw' error_policy='stop' rerror_policy='stop'/>
      <source protocol='nbd'><host name='127.0.0.1' port='$port'/></source>
      <target dev='vda' bus='virtio'/>
    </disk>"
if wait_state vmt-rs2 "paused (I/O error)"; then
	policy 2 "paused by an I/O error: CRITICAL" -d vmt-rs2
	expect_first "paused \(I/O error\)" "the output names the I/O error"
	policy 1 "--state paused:ioerror=warning" -d vmt-rs2 --state 'paused:ioerror=warning'
	policy 2 "by pattern: the I/O-error guest makes it CRITICAL" -d "vmt-rs*"
else
	ok 1 "vmt-rs2 never showed paused (I/O error)"
fi
finish
