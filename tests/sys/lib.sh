# shellcheck shell=bash
#
# System tests: a real libvirtd and real QEMU (TCG) guests, as root, without
# systemd.  Sourced by tests, which automake runs from the top build directory
# with $srcdir exported:
#
#   . "$srcdir/tests/sys/lib.sh"
#   sys_setup                    # skip if unusable, lock, daemons, cleanup trap
#   sys_guest_create vmt-a
#   sys_guest_wait_io vmt-a      # block and NIC counters have moved
#   ... compare virtmon with sys_domstat vmt-a block.0.rd.reqs ...
#   exit 0
#
# Exit codes are automake's: 77 skip, 99 hard error.  Anything that goes wrong
# while setting up exits 99: a test whose set-up failed must never pass.
# Set VMON_SYS_REQUIRE=1 (CI does) to turn "cannot run here" skips into
# errors, so a broken CI image cannot hide the system tests behind SKIPs.
#
# Only guests named vmt-* are ever touched; the cleanup trap destroys and
# undefines all of them and removes their disks.  Do not set your own EXIT
# trap (it would replace ours): register extra clean-up with sys_on_exit.
# Helpers that print a value run in $(...), where their exit 99 only ends the
# subshell: check it, e.g.  pid=$(sys_qemu_pid vmt-a) || exit 99
#
# Measured on the 2-core Debian 12 box (libvirt 9.0, QEMU 7.2, TCG), with
# other builds running: libvirtd start 0.5-1.2 s (4 s the very first time,
# when it probes QEMU's capabilities), define 0.07-0.35 s, start 1.0-1.9 s
# per guest, first disk read and DHCP packet 0.3-2 s after start, libvirtd
# restart 1.9-3.6 s (most of it the old daemon shutting down), removing
# three guests 3-4 s (each destroy waits ~2 s for QEMU; they run in
# parallel).  tests/sys/harness.sh, three guests and a restart: ~25 s.

# libvirtd, virtlogd and friends live in sbin, which a test's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

SYS_URI=qemu:///system
SYS_LOCK_FILE=${VMON_SYS_LOCK_FILE:-/tmp/virtmon-libvirtd.lock}
# Several system tests (and engineers) queue on the one libvirtd; the longest
# test has to finish before the next one gets its turn.
SYS_LOCK_TIMEOUT=${VMON_SYS_LOCK_TIMEOUT:-1800}
SYS_LIBVIRTD_PIDFILE=/run/libvirtd.pid
SYS_VIRTLOGD_PIDFILE=/run/virtlogd.pid
SYS_QEMU_CONF=/etc/libvirt/qemu.conf
# A virsh call that outlives this is a hung libvirtd, not a slow one.
SYS_VIRSH_TIMEOUT=${VMON_SYS_VIRSH_TIMEOUT:-60}

# CI and the reference machine have no systemd.  Where systemd runs, it owns
# libvirtd (socket activation would fight a second "libvirtd -d"), so the
# daemon is driven through systemctl instead and never stopped at exit.
SYS_SYSTEMD=0
[ -d /run/systemd/system ] && SYS_SYSTEMD=1

SYS_LOCK_FD=
SYS_WORKDIR=
SYS_LIBVIRTD_PID=
SYS_VIRTLOGD_PID=
SYS_OWN_LIBVIRTD=0     # we started it, so we stop it at exit
SYS_OWN_VIRTLOGD=0
SYS_LIBVIRTD_UP=0      # libvirtd answered once: guests may exist to clean up
SYS_ON_EXIT=()
# Extra arguments of every "libvirtd -d" (e.g. --listen -f FILE for a test of
# remote transports); restarts keep them.
SYS_LIBVIRTD_ARGS=()

sys_log() {
	printf 'sys %s: %s\n' "$(date +%T.%3N)" "$*" >&2
}

sys_skip() {
	if [ "${VMON_SYS_REQUIRE:-0}" = 1 ]; then
		sys_fail "VMON_SYS_REQUIRE=1 but the system tests cannot run: $*"
	fi
	echo "SKIP: $*" >&2
	exit 77
}

sys_fail() {
	echo "ERROR (set-up): $*" >&2
	exit 99
}

# Seconds since the epoch with milliseconds, for timings in the test logs.
sys_now() {
	date +%s.%3N
}

sys_since() {
	awk -v a="$1" -v b="$(sys_now)" 'BEGIN { printf "%.2f", b - a }'
}

sys_require() {
	local cmd
	# .ci/run's distcheck: the system tests already ran in make check
	if [ "${VMON_SYS_SKIP:-0}" = 1 ]; then
		echo "SKIP: VMON_SYS_SKIP=1" >&2
		exit 77
	fi
	[ "$(id -u)" = 0 ] || sys_skip "system tests need root (they run the system libvirtd and QEMU guests)"
	for cmd in qemu-system-x86_64 qemu-img libvirtd virtlogd virsh flock timeout; do
		command -v "$cmd" >/dev/null 2>&1 ||
			sys_skip "$cmd not found (Debian: qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients)"
	done
	# libvirt creates the guests' tap devices through it.
	[ -c /dev/net/tun ] || sys_skip "/dev/net/tun is missing: guests cannot get a NIC"
}

# Every system test shares the one system libvirtd: hold this for the whole
# test.  The lock dies with our process, so a crashed test never wedges it.
sys_lock() {
	local t0
	t0=$(sys_now)
	exec {SYS_LOCK_FD}>>"$SYS_LOCK_FILE" || sys_fail "cannot open $SYS_LOCK_FILE"
	if ! flock -n "$SYS_LOCK_FD"; then
		sys_log "waiting for $SYS_LOCK_FILE (another system test is running)"
		flock -w "$SYS_LOCK_TIMEOUT" "$SYS_LOCK_FD" ||
			sys_fail "no lock on $SYS_LOCK_FILE after ${SYS_LOCK_TIMEOUT} s"
	fi
	sys_log "locked $SYS_LOCK_FILE after $(sys_since "$t0") s"
}

sys_virsh() {
	timeout "$SYS_VIRSH_TIMEOUT" virsh -q -c "$SYS_URI" "$@"
}

# PID from a daemon's pidfile, if that process is alive and is that daemon
# (a stale pidfile may name a recycled PID).
sys__daemon_pid() {
	local pidfile=$1 comm=$2 pid
	# These pidfiles have no trailing newline, which read(1) calls a failure.
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
	echo "$pid"
}

# Without user/group root, each define spends ~40 s in libvirt's per-domain
# ownership and namespace work for the unprivileged libvirt-qemu user.
sys__qemu_conf_root() {
	local need=0
	[ -f "$SYS_QEMU_CONF" ] || sys_fail "$SYS_QEMU_CONF missing (is libvirt-daemon-driver-qemu installed?)"
	grep -qx 'user = "root"' "$SYS_QEMU_CONF" || need=1
	grep -qx 'group = "root"' "$SYS_QEMU_CONF" || need=1
	[ "$need" = 1 ] || return 1
	sys_log "setting user/group = \"root\" in $SYS_QEMU_CONF"
	if ! sed -i -e '/^[[:space:]]*user[[:space:]]*=/d' -e '/^[[:space:]]*group[[:space:]]*=/d' "$SYS_QEMU_CONF"; then
		sys_fail "cannot edit $SYS_QEMU_CONF"
	fi
	printf '# Set by virtmon tests/sys/lib.sh: QEMU as root, no per-define chown.\nuser = "root"\ngroup = "root"\n' \
		>>"$SYS_QEMU_CONF" || sys_fail "cannot edit $SYS_QEMU_CONF"
	return 0
}

# Daemons get no stdio of ours and not the lock's descriptor: a daemon that
# inherited the lock would hold it long after this test has gone.
sys__spawn_daemon() {
	"$@" </dev/null >/dev/null 2>&1 {SYS_LOCK_FD}>&-
}

# "-d" may return a moment before the pidfile is written.
sys__wait_daemon_pid() {
	local i
	for i in $(seq 1 50); do
		sys__daemon_pid "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}

sys__virtlogd_start() {
	if SYS_VIRTLOGD_PID=$(sys__daemon_pid "$SYS_VIRTLOGD_PIDFILE" virtlogd); then
		return 0
	fi
	sys__spawn_daemon virtlogd -d || sys_fail "virtlogd -d failed"
	SYS_VIRTLOGD_PID=$(sys__wait_daemon_pid "$SYS_VIRTLOGD_PIDFILE" virtlogd) ||
		sys_fail "virtlogd started but $SYS_VIRTLOGD_PIDFILE names no virtlogd"
	SYS_OWN_VIRTLOGD=1
	sys_log "started virtlogd (pid $SYS_VIRTLOGD_PID)"
}

sys__wait_libvirtd() {
	local i
	for i in $(seq 1 150); do
		if timeout 10 virsh -q -c "$SYS_URI" version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	sys_log "last lines of /var/log/libvirt/libvirtd.log:"
	tail -n 20 /var/log/libvirt/libvirtd.log >&2 2>/dev/null
	sys_fail "libvirtd does not answer 'virsh -c $SYS_URI version' after 30 s"
}

sys__systemctl_libvirtd() {
	local t0
	t0=$(sys_now)
	systemctl "$1" libvirtd.service || sys_fail "systemctl $1 libvirtd.service failed"
	sys__wait_libvirtd
	SYS_LIBVIRTD_PID=$(systemctl show -p MainPID --value libvirtd.service)
	SYS_LIBVIRTD_UP=1
	sys_log "systemctl $1 libvirtd.service (pid $SYS_LIBVIRTD_PID): $(sys_since "$t0") s"
}

# Start virtlogd and libvirtd unless they already run; wait until libvirtd
# answers.  A libvirtd that was already running is left running at exit.
sys_libvirtd_start() {
	local t0 conf_changed=0
	t0=$(sys_now)
	sys__qemu_conf_root && conf_changed=1
	if [ "$SYS_SYSTEMD" = 1 ]; then
		if [ "$conf_changed" = 1 ]; then
			sys__systemctl_libvirtd restart
		else
			sys__systemctl_libvirtd start
		fi
		return
	fi
	sys__virtlogd_start
	if SYS_LIBVIRTD_PID=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd); then
		# qemu.conf is read at start only.
		if [ "$conf_changed" = 1 ]; then
			sys_libvirtd_restart
			return
		fi
		sys__wait_libvirtd
		SYS_LIBVIRTD_UP=1
		sys_log "libvirtd already running (pid $SYS_LIBVIRTD_PID)"
		return 0
	fi
	# Other users' session daemons (libvirtd --timeout ...) are none of ours.
	if pgrep -u 0 -x libvirtd >/dev/null; then
		sys_fail "a root libvirtd runs without $SYS_LIBVIRTD_PIDFILE; stop it first"
	fi
	# -d returns once the daemon has initialised and written its pidfile.
	sys__spawn_daemon libvirtd -d "${SYS_LIBVIRTD_ARGS[@]}" || sys_fail "libvirtd -d failed (see /var/log/libvirt/libvirtd.log)"
	SYS_LIBVIRTD_PID=$(sys__wait_daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) ||
		sys_fail "libvirtd started but $SYS_LIBVIRTD_PIDFILE names no libvirtd"
	SYS_OWN_LIBVIRTD=1
	sys__wait_libvirtd
	SYS_LIBVIRTD_UP=1
	sys_log "started libvirtd (pid $SYS_LIBVIRTD_PID) in $(sys_since "$t0") s"
}

sys__kill_wait() {
	local pid=$1 name=$2 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 150); do
		[ -d "/proc/$pid" ] || return 0
		sleep 0.1
	done
	sys_log "$name (pid $pid) ignored SIGTERM for 15 s; SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		[ -d "/proc/$pid" ] || return 0
		sleep 0.1
	done
	return 1
}

# Stops libvirtd only; QEMU guests keep running and a new libvirtd
# reconnects to them, exactly as after a package upgrade.
sys_libvirtd_stop() {
	local pid
	if [ "$SYS_SYSTEMD" = 1 ]; then
		# libvirtd.socket stays: the next client connection starts it again.
		systemctl stop libvirtd.service || sys_fail "systemctl stop libvirtd.service failed"
		SYS_LIBVIRTD_PID=
		return
	fi
	pid=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) || return 0
	sys__kill_wait "$pid" libvirtd || sys_fail "libvirtd (pid $pid) does not die"
	SYS_LIBVIRTD_PID=
	sys_log "stopped libvirtd (pid $pid)"
}

# sys_libvirtd_restart [DOWN]: with DOWN seconds between stop and start, for
# clients to find libvirtd gone rather than just reconnecting.
sys_libvirtd_restart() {
	local t0 own=$SYS_OWN_LIBVIRTD
	if [ "$SYS_SYSTEMD" = 1 ]; then
		[ -z "${1:-}" ] || { systemctl stop libvirtd.service; sleep "$1"; }
		sys__systemctl_libvirtd restart
		return
	fi
	t0=$(sys_now)
	sys_libvirtd_stop
	[ -z "${1:-}" ] || sleep "$1"
	sys__spawn_daemon libvirtd -d "${SYS_LIBVIRTD_ARGS[@]}" || sys_fail "libvirtd -d failed on restart"
	SYS_LIBVIRTD_PID=$(sys__wait_daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) ||
		sys_fail "restarted libvirtd but $SYS_LIBVIRTD_PIDFILE names no libvirtd"
	SYS_OWN_LIBVIRTD=$own
	sys__wait_libvirtd
	SYS_LIBVIRTD_UP=1
	sys_log "restarted libvirtd (pid $SYS_LIBVIRTD_PID) in $(sys_since "$t0") s"
}

# Tap names are limited to 15 characters (IFNAMSIZ - 1).  Short guest names
# map to themselves; long ones keep a prefix and get a checksum so that
# vmt-stopped-guest-1 and vmt-stopped-guest-2 do not collide.
sys__tap_name() {
	local rest=${1#vmt-} sum
	if [ "${#rest}" -le 11 ]; then
		echo "vmt-$rest"
	else
		sum=$(printf %s "$rest" | cksum | awk '{ printf "%05x", $1 % 1048576 }')
		echo "vmt-${rest:0:5}-$sum"
	fi
}

# sys_guest_create NAME [MEM_MIB [DISK_XML]]: define and start a TCG guest
# with an empty qcow2 disk (vda; DISK_XML: this <disk> element instead) and
# a virtio NIC on a tap.  SeaBIOS reads the disk, finds nothing and falls
# back to iPXE, which sends DHCP: block and NIC counters move without any
# guest OS.
sys_guest_create() {
	local name=$1 mem=${2:-32} disk_xml=${3:-} disk xml tap
	sys__guest_files "$name"
	sys__guest_xml "$name" "$mem" restart "\
    <boot dev='hd'/>
    <boot dev='network'/>" "\
    <serial type='null'/>
    <memballoon model='virtio'/>"
	sys__guest_define_start "$name" "$xml" "$tap"
}

# sys__guest_xml NAME MEM_MIB ON_REBOOT OS DEVICES [NIC]: write $xml (a
# local of the caller, set by sys__guest_files, as are $disk and $tap): the
# guest's disk ($disk_xml when the caller sets it) and NIC, with OS inside
# <os> after <type>, DEVICES after the NIC, and NIC inside its <interface>.
sys__guest_xml() {
	cat >"$xml" <<EOF || sys_fail "cannot write $xml"
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>$2</memory>
  <currentMemory unit='MiB'>$2</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
$4
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>$3</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    ${disk_xml:-<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>}
    <interface type='ethernet'>
      <target dev='$tap' managed='yes'/>
      <model type='virtio'/>${6:+
$6}
    </interface>
    <controller type='usb' model='none'/>
$5
  </devices>
</domain>
EOF
}

# sys__guest_files NAME: check the name, create the guest's 16 MiB qcow2 disk;
# sets disk, xml and tap (the caller's locals) for the domain XML.
sys__guest_files() {
	local name=$1
	case $name in
	vmt-*) ;;
	*) sys_fail "guest name '$name' must start with vmt-" ;;
	esac
	case ${name#vmt-} in
	'' | *[!A-Za-z0-9_.-]*) sys_fail "guest name '$name': use letters, digits, '_', '.', '-'" ;;
	esac
	[ -n "$SYS_WORKDIR" ] || sys_fail "creating guest $name before sys_setup"
	disk=$SYS_WORKDIR/$name.qcow2
	xml=$SYS_WORKDIR/$name.xml
	tap=$(sys__tap_name "$name")
	qemu-img create -q -f qcow2 "$disk" 16M || sys_fail "qemu-img create $disk failed"
}

# sys__guest_define_start NAME XML TAP
sys__guest_define_start() {
	local name=$1 xml=$2 tap=$3 t0 t1
	t0=$(sys_now)
	sys_virsh define "$xml" >/dev/null || sys_fail "virsh define $xml failed"
	t1=$(sys_now)
	if ! sys_virsh start "$name" >/dev/null; then
		tail -n 20 "/var/log/libvirt/qemu/$name.log" >&2 2>/dev/null
		sys_fail "virsh start $name failed"
	fi
	sys_log "guest $name (tap $tap): defined in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, started in $(sys_since "$t1") s"
}

# sys_domstat NAME KEY: one value of 'virsh domstats' (e.g. block.0.rd.reqs),
# empty when libvirt does not report it.
sys_domstat() {
	sys_stat_in "$(sys_virsh domstats --raw "$1")" "$2"
}

# sys_stat_in TEXT KEY: one value from a saved 'virsh domstats --raw' output,
# so a moving counter can be checked between a reading before and one after.
sys_stat_in() {
	awk -v k="$2" '{ sub(/^[ \t]+/, "") } index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' <<<"$1"
}

# Wait until the guest's firmware has read its disk and sent a packet, so the
# counters a test compares are non-zero: ~1 s after start on TCG, and ~10 s
# later the counters stop (see sys_guest_kick), cpu.time keeps growing.
sys_guest_wait_io() {
	local name=$1 limit=${2:-60} t0 rd tx
	t0=$(sys_now)
	while :; do
		rd=$(sys_domstat "$name" block.0.rd.reqs)
		tx=$(sys_domstat "$name" net.0.tx.pkts)
		if [ "${rd:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ]; then
			sys_log "guest $name: rd.reqs=$rd tx.pkts=$tx after $(sys_since "$t0") s"
			return 0
		fi
		if awk -v a="$(sys_since "$t0")" -v l="$limit" 'BEGIN { exit !(a > l) }'; then
			sys_fail "guest $name: no disk reads and packets after $limit s (rd.reqs='$rd' tx.pkts='$tx')"
		fi
		sleep 0.5
	done
}

# Reboot the guest's firmware: one more disk read and a fresh DHCP burst.
# Without it the counters are still after the first ~10 s: iPXE sends ~10
# packets, gives up, and SeaBIOS does not retry for minutes.  Block and NIC
# counters survive the reset (they live in QEMU and on the host's tap).
sys_guest_kick() {
	sys_virsh reset "$1" >/dev/null || sys_fail "virsh reset $1 failed"
}

# sys_slow_reader FIFO BYTES SECONDS: make the FIFO and drain it in the
# background, BYTES per read with SECONDS between reads, so that a save or
# dump written into it lasts as long as a test needs (libvirt waits on the
# stream with the domain unlocked: every other call answers meanwhile).
# Sets SYS_READER_PID; the reader is stopped at exit.
sys_slow_reader() {
	mkfifo "$1" || sys_fail "mkfifo $1 failed"
	python3 -c '
import sys, time
with open(sys.argv[1], "rb", buffering=0) as f:
    while f.read(int(sys.argv[2])):
        time.sleep(float(sys.argv[3]))
' "$1" "$2" "$3" {SYS_LOCK_FD}>&- &
	SYS_READER_PID=$!
	sys_on_exit "kill $SYS_READER_PID 2>/dev/null || :"
}

# The guest's QEMU process, e.g. to SIGSTOP it (a guest stuck in its monitor).
sys_qemu_pid() {
	local pid
	pid=$(cat "/run/libvirt/qemu/$1.pid" 2>/dev/null)
	if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then
		sys_fail "no running QEMU for guest $1 (/run/libvirt/qemu/$1.pid)"
	fi
	echo "$pid"
}

# Destroy and undefine every vmt-* guest and delete its disk.  Returns
# non-zero when one is left behind.
sys_guest_destroy_all() {
	local all name pid disk left t0
	local -a guests=() disks=() jobs=()
	t0=$(sys_now)
	all=$(sys_virsh list --all --name) || {
		sys_log "cannot list guests"
		return 1
	}
	for name in $all; do
		case $name in vmt-*) guests+=("$name") ;; esac
	done
	[ "${#guests[@]}" -gt 0 ] || return 0
	for name in "${guests[@]}"; do
		# A SIGSTOPped QEMU cannot answer libvirt; let it run so destroy is quick.
		if pid=$(cat "/run/libvirt/qemu/$name.pid" 2>/dev/null) && [ -n "$pid" ]; then
			kill -CONT "$pid" 2>/dev/null
		fi
		# shellcheck disable=SC2207 # our disk paths have no blanks
		disks+=($(sys_virsh domblklist --details "$name" 2>/dev/null | awk '$2 == "disk" { print $4 }'))
	done
	# Each destroy waits ~2 s for its QEMU to go; libvirtd runs them in parallel.
	# Wait for these only: the test may have background jobs of its own.
	for name in "${guests[@]}"; do
		sys_virsh destroy "$name" >/dev/null 2>&1 &
		jobs+=($!)
	done
	wait "${jobs[@]}"
	for name in "${guests[@]}"; do
		# Transient guests are gone once destroyed.
		sys_virsh dominfo "$name" >/dev/null 2>&1 || continue
		sys_virsh undefine --managed-save --snapshots-metadata "$name" >/dev/null ||
			sys_log "cannot undefine $name"
	done
	for disk in "${disks[@]}"; do
		case ${disk##*/} in vmt-*.qcow2) rm -f "$disk" ;; esac
	done
	left=$(sys_virsh list --all --name | grep '^vmt-')
	if [ -n "$left" ]; then
		sys_log "guests left behind: $left"
		return 1
	fi
	sys_log "removed ${#guests[@]} guests (${guests[*]}) in $(sys_since "$t0") s"
}

# sys_on_exit CMD...: run at exit, before the guests are destroyed, last
# registered first (e.g. kill a background poller, SIGCONT a stopped guest).
sys_on_exit() {
	SYS_ON_EXIT+=("$*")
}

sys__cleanup() {
	local rc=$? i pid
	trap - EXIT INT TERM HUP
	for ((i = ${#SYS_ON_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${SYS_ON_EXIT[i]}" || sys_log "exit hook failed: ${SYS_ON_EXIT[i]}"
	done
	if [ "$SYS_LIBVIRTD_UP" = 1 ]; then
		# A test may have stopped libvirtd; it is needed to remove the guests.
		if ! timeout 10 virsh -q -c "$SYS_URI" version >/dev/null 2>&1; then
			(sys_libvirtd_start) || rc=99
		fi
		# A guest left behind would skew every later test: that is an error.
		if ! sys_guest_destroy_all && [ "$rc" = 0 ]; then
			rc=99
		fi
	fi
	if [ "$SYS_OWN_LIBVIRTD" = 1 ]; then
		(sys_libvirtd_stop)
	fi
	if [ "$SYS_OWN_VIRTLOGD" = 1 ] && pid=$(sys__daemon_pid "$SYS_VIRTLOGD_PIDFILE" virtlogd); then
		sys__kill_wait "$pid" virtlogd
	fi
	[ -n "$SYS_WORKDIR" ] && rm -rf "$SYS_WORKDIR"
	exit "$rc"
}

# Everything a system test needs before its first guest.
sys_setup() {
	sys_require
	sys_lock
	# A test interrupted by make or the user still cleans up.
	trap sys__cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	SYS_WORKDIR=$(mktemp -d /var/tmp/virtmon-sys.XXXXXX) || sys_fail "mktemp failed"
	sys_libvirtd_start
	# We hold the lock, so any vmt-* guest is a leftover of a crashed run.
	sys_guest_destroy_all || sys_fail "cannot remove leftover vmt-* guests"
}

# The Linux guest: sys_linux_guest_create, sys_guest_exec ...
. "${BASH_SOURCE[0]%/*}/linux-guest.sh"
