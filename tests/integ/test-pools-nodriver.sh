#!/bin/bash
# A host without a storage driver (as with modular daemons and no
# virtstoraged): a private, unprivileged libvirtd that loads only the QEMU
# driver (LIBVIRT_DRIVER_DIR), at qemu:///session.  virtmon-dump says there
# is no pool driver and no error; check_virt_pool --all is OK saying so, a
# named pool UNKNOWN; virtmond asks libvirt for the pools once, not every
# poll.
set -u
: "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" nodriver
CHECK=$top_builddir/nagios/check_virt_pool
DRIVERS=${VMON_LIBVIRT_DRIVERS:-/usr/lib/x86_64-linux-gnu/libvirt/connection-driver}
PATH=$PATH:/usr/sbin:/sbin
command -v libvirtd >/dev/null || { echo "SKIP: no libvirtd (Debian: libvirt-daemon)"; exit 77; }
[ -f "$DRIVERS/libvirt_driver_qemu.so" ] || { echo "SKIP: no QEMU driver module in $DRIVERS"; exit 77; }
[ -x "$CHECK" ] || { echo "ERROR: $CHECK not built"; exit 99; }

base=$dir/lvd
mkdir -p "$base/drivers" "$base/run" "$base/config" "$base/cache" "$base/data" || exit 99
ln -s "$DRIVERS/libvirt_driver_qemu.so" "$base/drivers/" || exit 99
cat >"$base/start.sh" <<EOF
#!/bin/sh
export HOME=$base XDG_RUNTIME_DIR=$base/run XDG_CONFIG_HOME=$base/config
export XDG_CACHE_HOME=$base/cache XDG_DATA_HOME=$base/data LIBVIRT_DRIVER_DIR=$base/drivers
exec libvirtd --timeout 0
EOF
chmod 755 "$base/start.sh" "$dir"
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || { echo "SKIP: no setpriv to run libvirtd unprivileged"; exit 77; }
    chown -R nobody "$base" || exit 99
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$base/start.sh" >"$base/log" 2>&1 &
else
    "$base/start.sh" >"$base/log" 2>&1 &
fi
pids="$pids $!"
PURI="qemu+unix:///session?socket=$base/run/libvirt/libvirt-sock"
for _ in $(seq 100); do
    [ -S "$base/run/libvirt/libvirt-sock" ] && virsh -c "$PURI" list >/dev/null 2>&1 && break
    sleep 0.1
done
virsh -c "$PURI" list >/dev/null 2>&1 || { cat "$base/log"; echo "ERROR: the private libvirtd did not come up"; exit 99; }
# the premise: this libvirtd really has no storage driver
virsh -c "$PURI" pool-list 2>&1 | grep -q "not supported" && ok "libvirtd without its storage driver" ||
    { echo "ERROR: pool-list works without the storage driver: nothing to test"; exit 99; }
asked() { grep -c "virConnectListAllStoragePools" "$base/log"; }

json=$($VG "$DUMP" --json -c "$PURI") || { echo "ERROR: virtmon-dump failed"; exit 99; }
check "virtmon-dump: connected, no error" "true null" "$(jq -r '"\(.health.connected) \(.health.last_error)"' <<<"$json")"
check "virtmon-dump: pool_driver" false "$(jq -r .pool_driver <<<"$json")"
check "virtmon-dump: no pools" 0 "$(jq '.pools | length' <<<"$json")"
out=$($VG "$DUMP" -c "$PURI" | tail -1)
check "virtmon-dump's table" "Pools:      none (the host has no storage driver)" "$out"
out=$($VG "$CHECK" --uri "$PURI" --all); rc=$?
check "check_virt_pool --all" "0 the host has no storage driver" "$rc ${out##*: }"
out=$($VG "$CHECK" --uri "$PURI" -p default); rc=$?
check "check_virt_pool -p default: UNKNOWN" 3 "$rc"
grep -q "(the host has no storage driver)" <<<"$out" && ok "saying why: $out" || nok "-p default: '$out'"

before=$(asked)
$VG "$D" -c "$PURI" -i 1 -s "$dir/vd.sock" 2>"$dir/vd.log" &
pids="$pids $!"
for _ in $(seq 300); do
    polls=$("$DUMP" --json --source "virtmond:$dir/vd.sock" 2>/dev/null | jq -r .health.polls)
    [ "${polls:-0}" -ge 5 ] 2>/dev/null && break
    sleep 0.1
done
served=$($VG "$DUMP" --json --source "virtmond:$dir/vd.sock")
check "virtmond: 5 polls or more, no poll error" "true 0" \
    "$(jq -r '"\(.health.polls >= 5) \(.health.poll_errors)"' <<<"$served")"
check "virtmond: pool_driver over the wire" false "$(jq -r .pool_driver <<<"$served")"
check "virtmond asked libvirt for the pools once in $(jq .health.polls <<<"$served") polls" 1 "$(($(asked) - before))"

exit $fail
