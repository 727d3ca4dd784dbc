#!/bin/bash
# A storage pool whose backend hangs, as an unreachable NFS server's does: a
# `dir` pool on a bindfs (FUSE) mount whose daemon is stopped.  A refresh
# of it then holds the pool's lock in libvirtd, and every storage-pool call
# that needs that lock (the pool list among them) waits.  virtmond's polls
# must go on at their pace with the domains' figures and the pools marked
# stale (their last figures carried), check_virt_pool says so, and once the
# backend answers again the pools are fresh.  Everything is undone at exit,
# the FUSE daemon continued first.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
CHECK="$top_builddir/nagios/check_virt_pool"
POOL=vmt-pool-hang
command -v jq >/dev/null || sys_skip "jq not installed"
command -v bindfs >/dev/null || sys_skip "bindfs not installed (Debian: bindfs)"
[ -c /dev/fuse ] || sys_skip "no /dev/fuse"
for b in "$DUMP" "$CHECK" "$FACES_VIRTMOND"; do [ -x "$b" ] || sys_fail "$b not built"; done

sys_setup
src=$SYS_WORKDIR/src
mnt=$SYS_WORKDIR/fuse
mkdir -p "$src" "$mnt" || sys_fail "mkdir"
sys_virsh pool-destroy $POOL >/dev/null 2>&1; sys_virsh pool-undefine $POOL >/dev/null 2>&1
bindfs "$src" "$mnt" || sys_skip "cannot mount bindfs here"
bpid=$(pgrep -n -f "^bindfs $src $mnt") || sys_fail "no bindfs process for $mnt"
sys_on_exit "umount -l $mnt"
sys_on_exit "virsh -q -c $URI pool-destroy $POOL >/dev/null 2>&1; virsh -q -c $URI pool-undefine $POOL >/dev/null 2>&1"
# first registered, last run: the backend answers again before anything else is undone
sys_on_exit "kill -CONT $bpid 2>/dev/null; sleep 1"
sys_virsh pool-define-as $POOL dir --target "$mnt" >/dev/null && sys_virsh pool-start $POOL >/dev/null ||
    sys_fail "cannot define and start $POOL"
faces_virtmond $URI

# jq FILTER over virtmond's latest poll
served() { "$DUMP" --json --source "virtmond:$FACES_SOCK" | jq -r "$1"; }
wait_for() {   # wait_for WHAT JQ-FILTER WANT [SECONDS]
    local got
    for _ in $(seq $((${4:-15} * 10))); do
        got=$(served "$2" 2>/dev/null)
        [ "$got" = "$3" ] && { ok "$1"; return 0; }
        sleep 0.1
    done
    bad "$1: '$got', want '$3'"
    return 1
}
q=".pools[] | select(.name == \"$POOL\")"
wait_for "virtmond sees $POOL fresh" "$q | \"\(.state) \(.stale)\"" "running false"
cap=$(served "$q | .metrics.capacity")

kill -STOP "$bpid" || sys_fail "cannot stop bindfs"
# the refresh waits on the stopped FUSE daemon, holding the pool's lock in libvirtd
timeout 300 virsh -q -c $URI pool-refresh $POOL >/dev/null 2>&1 &
refresh=$!
sys_on_exit "wait $refresh 2>/dev/null"
sleep 1
t0=$(sys_now)
timeout 5 virsh -q -c $URI pool-list --all >/dev/null 2>&1
[ $? = 124 ] && ok "virsh pool-list hangs with the backend stopped (the premise)" ||
    bad "virsh pool-list did not hang: the backend does not hold the pool (nothing tested below)"

wait_for "$POOL marked stale" "$q | .stale" true 20
wait_for "its last figures carried" "$q | .metrics.capacity" "$cap"
polls0=$(served .health.polls) t0=$(sys_now)
sleep 5
polls1=$(served .health.polls)
took=$(served .health.last_poll_seconds)
[ $((polls1 - polls0)) -ge 4 ] && ok "virtmond polled $((polls1 - polls0)) times in ~$(sys_since "$t0") s with the backend hung" ||
    bad "virtmond polled $((polls1 - polls0)) times in $(sys_since "$t0") s"
awk -v t="$took" 'BEGIN { exit !(t < 2) }' && ok "its last poll took $took s" || bad "its last poll took $took s"
[ "$(served .health.connected)" = true ] && ok "virtmond still connected" || bad "virtmond not connected"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" -p $POOL -w 80 -c 90); rc=$?
echo "# $out"
[ $rc = 3 ] && grep -q "storage backend not answering" <<<"$out" && ok "check_virt_pool: UNKNOWN, backend not answering" ||
    bad "check_virt_pool: exit $rc, '$out'"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" -p $POOL --stale-state critical); rc=$?
[ $rc = 2 ] && ok "--stale-state critical: CRITICAL" || bad "--stale-state critical: exit $rc, '$out'"
t1=$(sys_now)
"$DUMP" --json -c $URI >"$SYS_WORKDIR/oneshot.json" 2>&1
t=$(sys_since "$t1")
awk -v t="$t" 'BEGIN { exit !(t < 12) }' && ok "a one-shot virtmon-dump returns in $t s" || bad "one-shot dump took $t s"

kill -CONT "$bpid"
wait "$refresh"
wait_for "$POOL fresh again once the backend answers" "$q | .stale" false 20
wait_for "and running" "$q | .state" running

exit $fail
