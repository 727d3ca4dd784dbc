#!/bin/bash
# Benchmark, not a test (make nagios-bench): with N QEMU guests on the
# system libvirtd, wall and CPU time per run (medians of RUNS, from
# tests/nagios/cpu-bench) of
#   - check_virt_domain on one domain, its state file ~GAP s old as in real use,
#   - Debian's check_libvirt -l CPU on the same domain (Perl, Sys::Virt),
#   - a C program that only links libvirt (the floor for any libvirt client),
#   - check_virt_domain --all --perfdata none over every guest,
#   - one bare `virsh domstats` of them,
# and libvirtd's CPU per run from /proc (over the whole series, gaps included).
# Targets (issue 5): one domain < 30 ms wall and >= 5x less CPU than
# check_libvirt; --all faster (wall) than the bare virsh domstats.
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"

N=${VMON_BENCH_GUESTS:-50}
RUNS=${VMON_BENCH_RUNS:-30}
GAP=${VMON_BENCH_GAP:-1}
CHECK=./nagios/check_virt_domain
BENCH=./tests/nagios/cpu-bench
LIBVIRT_CHECK=/usr/lib/nagios/plugins/check_libvirt
for b in "$CHECK" "$BENCH"; do
	[ -x "$b" ] || sys_fail "$b not built (make nagios-bench builds it)"
done

sys_setup
VIRTMON_STATE_DIR=$SYS_WORKDIR/state
export VIRTMON_STATE_DIR
U=qemu:///system

for i in $(seq -w 1 "$N"); do
	sys_guest_create "vmt-b$i"
done
sys_guest_wait_io "vmt-b01"
target=vmt-b$(printf '%02d' $(((N + 1) / 2)))

# The floor: a C program that links libvirt and does nothing.
floor=$SYS_WORKDIR/link-only
printf 'int main(void) { return 0; }\n' >"$floor.c"
cc -o "$floor" "$floor.c" -Wl,--no-as-needed $(pkg-config --libs libvirt) || sys_fail "cannot build $floor"

HZ=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

bench() {   # bench NAME GAP CMD...
	local name=$1 gap=$2 l0 l1 r
	shift 2
	"$@" >/dev/null 2>&1    # warm-up; leaves the state file for the runs
	l0=$(ticks "$SYS_LIBVIRTD_PID")
	r=$("$BENCH" "$RUNS" "$gap" "$@") || sys_fail "cpu-bench failed for $name"
	l1=$(ticks "$SYS_LIBVIRTD_PID")
	set -- $r
	printf '%-46s wall %7.1f ms (min %6.1f)  cpu %6.1f ms (min %6.1f)  libvirtd %6.1f ms\n' \
		"$name" "$1" "$2" "$3" "$4" "$(awk -v t=$((l1 - l0)) -v hz="$HZ" -v n="$RUNS" 'BEGIN { print t * 1000 / hz / n }')"
}

echo "# $N guests, $(nproc) CPUs, libvirt $(pkg-config --modversion libvirt), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# medians of $RUNS runs; one-domain runs $GAP s apart so the state file is that old"
bench "link libvirt, do nothing (floor)" 0 "$floor"
bench "check_virt_domain -d $target (state file)" "$GAP" "$CHECK" --uri $U -d "$target" --interval 5
if [ -x "$LIBVIRT_CHECK" ] && perl -MSys::Virt -MMonitoring::Plugin -e 1 2>/dev/null; then
	mkdir -p /var/lib/nagios/.cache/check_libvirt
	bench "check_libvirt -N $target -l CPU" "$GAP" "$LIBVIRT_CHECK" -H $U -N "$target" -l CPU
else
	echo "check_libvirt: not runnable (monitoring-plugins-contrib libsys-virt-perl libmonitoring-plugin-perl)"
fi
bench "check_virt_domain --all --perfdata none" 0 "$CHECK" --uri $U --all --perfdata none
bench "virsh domstats (all $N guests)" 0 virsh -q -c $U domstats
bench "check_virt_domain --all --cpu-warning 90" "$GAP" "$CHECK" --uri $U --all --cpu-warning 90 --interval 5
exit 0
