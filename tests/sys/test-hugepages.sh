#!/bin/bash
# Huge pages reserved on the host: the pool and its free pages as sysfs
# has them, host memory % without the pool (what /proc/meminfo gives once
# the pool is taken out of both sides), and check_virt_host's thresholds on
# the pool's use.  The pool is made here (vm.nr_hugepages) and some of it
# taken by a file on a hugetlbfs mount; both are undone at exit.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
DUMP="$top_builddir/tools/virtmon-dump"
HOST="$top_builddir/nagios/check_virt_host"
URI=qemu:///system
SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB
fail=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fail=1; }
command -v jq >/dev/null || sys_skip "jq not installed"
[ -w /proc/sys/vm/nr_hugepages ] || sys_skip "cannot set vm.nr_hugepages here"
[ -d "$SYSFS" ] || sys_skip "no 2 MiB huge pages on this machine"

sys_setup
old_pages=$(cat /proc/sys/vm/nr_hugepages)
mnt=$SYS_WORKDIR/huge
sys_on_exit "echo $old_pages >/proc/sys/vm/nr_hugepages"
sys_on_exit "rm -f $mnt/taken; umount $mnt 2>/dev/null"

# 2 GiB reserved: on this 24 GiB machine the old formula would have put
# host memory above 8 % from the pool alone
want=1024
echo $want >/proc/sys/vm/nr_hugepages
got=$(cat $SYSFS/nr_hugepages)
[ "$got" -ge 64 ] || sys_skip "the kernel reserved only $got huge pages"
mkdir -p "$mnt" && mount -t hugetlbfs -o pagesize=2M none "$mnt" || sys_fail "cannot mount hugetlbfs"
# 100 pages in use: a file on hugetlbfs is backed by them once allocated
# (hugetlbfs takes no write(2))
fallocate -l 200M "$mnt/taken" || sys_fail "cannot fill $mnt/taken"

json=$("$DUMP" --json -c $URI) || sys_fail "virtmon-dump failed"
meminfo=$(cat /proc/meminfo)
total=$(cat $SYSFS/nr_hugepages); free=$(cat $SYSFS/free_hugepages)
m() { jq -r ".node.metrics[\"$1\"]" <<<"$json"; }
eq() { [ "$2" = "$3" ] && ok "$1 = $3" || bad "$1: virtmon '$2', want '$3'"; }
eq "hugepages.2048kB.total (sysfs nr_hugepages)" "$(m hugepages.2048kB.total)" "$total"
eq "hugepages.2048kB.free (sysfs free_hugepages)" "$(m hugepages.2048kB.free)" "$free"
pool_kib=0
for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
    kib=${d##*hugepages-}; kib=${kib%kB}
    pool_kib=$(( pool_kib + $(cat "$d/nr_hugepages") * kib ))
done
eq "mem.huge.total (all sizes, KiB)" "$(m mem.huge.total)" "$pool_kib"
awk -v got="$(m mem.huge.percent)" -v t="$total" -v f="$free" 'BEGIN {
    want = 100 * (t - f) / t; printf "mem.huge.percent %s, sysfs %.4f\n", got, want
    exit !(got - want < 0.01 && want - got < 0.01) }' && ok "mem.huge.percent as sysfs" || bad "mem.huge.percent"
# host memory % as /proc/meminfo gives it with the pool out of both sides;
# other processes move memory between the two readings: 0.5 points of slack
awk -v got="$(m mem.percent)" -v pool="$pool_kib" '
    /^MemTotal:/ { t = $2 } /^MemFree:/ { f = $2 } /^Buffers:/ { b = $2 } /^Cached:/ { c = $2 }
    END { want = 100 * (t - pool - f - b - c) / (t - pool); old = 100 * (t - f - b - c) / t
          printf "mem.percent %s, meminfo without the pool %.2f (with it %.2f)\n", got, want, old
          exit !(got - want < 0.5 && want - got < 0.5) }' <<<"$meminfo" \
    && ok "mem.percent leaves the pool out" || bad "mem.percent counts the pool"

# the check: the pool's use has thresholds of its own; host memory has not moved
out=$("$HOST" --uri $URI --mem-warning 90 --hugepages-warning 5 --hugepages-critical 50)
rc=$?
echo "$out"
[ $rc = 1 ] && ok "check_virt_host WARNING on hugepages above 5 %" || bad "check_virt_host exit $rc, want 1"
case $out in *"hugepages"*"%"*) ok "the output names the hugepage use" ;; *) bad "no hugepage figure in: $out" ;; esac
out=$("$HOST" --uri $URI --hugepages-warning 50 --hugepages-critical 60)
[ $? = 0 ] && ok "check_virt_host OK below the hugepage thresholds" || bad "check_virt_host not OK: $out"
case $out in *"'hugepages'="*) ok "hugepages perfdata" ;; *) bad "no hugepages perfdata in: $out" ;; esac
exit $fail
