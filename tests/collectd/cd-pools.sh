#!/bin/bash
# Storage pools through collectd: each pool's values under collectd's host
# name with the pool as plugin instance (virtmon-pool-NAME), equal to virsh
# pool-info --bytes on the same (private) libvirtd's test driver, after a
# volume was created in it; ReportPools false leaves them out.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_libvirtd_start
# a volume makes allocation and used % more than zero
cd_virsh vol-create-as default-pool vmt-cd.img 20G --allocation 5G >/dev/null || cd_hard "vol-create-as"

cd_conf_virtmon main "libvirt:$CD_URI"
cd_conf off <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$CD_URI"
  ReportPools false
</Plugin>
EOF
cd_collectd_start main
cd_collectd_start off
P=$CD_HOST/virtmon-pool-default-pool
cd_wait_runs "$P/df_complex-free" 20 main
cd_wait_runs "$CD_HOST/virtmon/count-domains_active" 20 off
cd_collectd_stop main
cd_collectd_stop off

info() { cd_virsh pool-info default-pool --bytes | awk -F': *' -v k="$1" '$1 == k { print $2 }'; }
# same ID WANT: the csv's last value of ID equals WANT (as numbers)
same() {
	local id=$1 want=$2 f got
	f=$(cd_csv_file main "$P/$id") || { cd_note fail "no $P/$id"; return; }
	got=$(cd_csv_last "$f")
	if awk -v a="$got" -v b="$want" 'BEGIN { exit !(a + 0 == b + 0) }'; then cd_note ok "$id = $want"
	else cd_note fail "$id: collectd $got, want $want"; fi
}
cap=$(info Capacity) alloc=$(info Allocation) avail=$(info Available)
[ "${alloc:-0}" -gt 0 ] || cd_hard "the volume did not change the pool's allocation"
same bytes-capacity "$cap"
same df_complex-used "$alloc"
same df_complex-free "$avail"
same percent-used "$(awk -v a="$alloc" -v c="$cap" 'BEGIN { printf "%.6f", 100 * a / c }')"
same count-volumes "$(cd_virsh vol-list default-pool | grep -c .)"

if ls "$CD_DIR/off.csv/"*/virtmon-pool-* >/dev/null 2>&1; then
	cd_note fail "ReportPools false: pool values written anyway"
else
	cd_note ok "ReportPools false: no pool values"
fi

echo "1..$CD_CHECKS"
[ "$CD_BAD" = 0 ]
