#!/bin/bash
# CompatVirtPlugin: for the same guests, the identifiers virtmon writes cover
# every identifier Debian's own virt.so writes with the ExtraStats the issue
# lists, and where both write a level (memory, disk sizes, state, pcpu time)
# the values agree.  Two collectd daemons, one with virt.so and one with
# virtmon, read the same private libvirtd.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_add_plugin virt
cd_libvirtd_start
FIX=${srcdir:-.}/tests/collectd/fixtures
cd_virsh define "$FIX/dom-b.xml" >/dev/null && cd_virsh start vmt-cd-b >/dev/null || cd_hard "vmt-cd-b"
cd_virsh define "$FIX/dom-p.xml" >/dev/null && cd_virsh start vmt-cd-p >/dev/null &&
	cd_virsh suspend vmt-cd-p >/dev/null || cd_hard "vmt-cd-p"

# The two daemons must not load each other's plugin: separate plugin dirs.
mkdir -p "$CD_DIR/virtso" && cp "$CD_DIR/plugins/"{virt,csv,logfile}.so "$CD_DIR/virtso/" || cd_hard "copy"
rm -f "$CD_DIR/plugins/virt.so"

EXTRA="cpu_util disk disk_err domain_state memory pcpu vcpu disk_allocation disk_capacity disk_physical"
cd_conf theirs <<EOF
LoadPlugin virt
<Plugin virt>
  Connection "$CD_URI"
  ExtraStats "$EXTRA"
</Plugin>
EOF
sed -i "s|^PluginDir .*|PluginDir \"$CD_DIR/virtso\"|" "$CD_DIR/theirs.conf"
cd_conf ours <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Connection "$CD_URI"
  CompatVirtPlugin true
</Plugin>
EOF

cd_collectd_start theirs
cd_collectd_start ours
cd_wait_runs vmt-cd-b/virt/percent-virt_cpu_total 20 theirs ours
sleep 2
cd_collectd_stop theirs
cd_collectd_stop ours

ids() {
	find "$CD_DIR/$1.csv" -type f | sed "s|^$CD_DIR/$1.csv/||; s/-[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\$//" | sort -u
}
ids theirs >"$CD_DIR/theirs.ids"
ids ours >"$CD_DIR/ours.ids"
n_theirs=$(grep -c . "$CD_DIR/theirs.ids")
[ "$n_theirs" -ge 20 ] || { cat "$CD_DIR/theirs.log" >&2; cd_hard "virt.so wrote only $n_theirs identifiers"; }

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

while read -r id; do
	if grep -qxF "$id" "$CD_DIR/ours.ids"; then note ok "virtmon writes $id"; else note fail "virtmon lacks $id"; fi
done <"$CD_DIR/theirs.ids"
# Guests of every kind took part: running with 2 disks and 2 NICs, and paused.
for id in vmt-cd-b/virt/disk_error-vdb vmt-cd-b/virt/if_octets-testnet1 vmt-cd-b/virt/virt_vcpu-2 \
	vmt-cd-p/virt/domain_state test/virt/memory-rss; do
	grep -qxF "$id" "$CD_DIR/theirs.ids" && grep -qxF "$id" "$CD_DIR/ours.ids" &&
		note ok "both write $id" || note fail "not both write $id"
done

# Same levels.  virt.so multiplies every balloon figure by 1024 as we do.
while read -r id; do
	case "$id" in
	*/memory-* | */disk_capacity-* | */disk_allocation-* | */disk_physical-* | */domain_state | */ps_cputime) ;;
	*) continue ;;
	esac
	a=$(tail -n 1 "$(cd_csv_file theirs "$id")" | cut -d, -f2-)
	b=$(tail -n 1 "$(cd_csv_file ours "$id")" | cut -d, -f2-)
	if awk -v a="$a" -v b="$b" 'BEGIN { n = split(a, x, ","); split(b, y, ","); for (i = 1; i <= n; i++) if (x[i] + 0 != y[i] + 0) exit 1 }'; then
		note ok "$id: $b (virt.so $a)"
	else
		note fail "$id: virtmon $b, virt.so $a"
	fi
done <"$CD_DIR/theirs.ids"

# The data-source layout of shared identifiers is the same (csv headers).
while read -r id; do
	ha=$(head -n 1 "$(cd_csv_file theirs "$id")")
	hb=$(head -n 1 "$(cd_csv_file ours "$id")")
	[ "$ha" = "$hb" ] || note fail "$id: header '$hb', virt.so '$ha'"
done <"$CD_DIR/theirs.ids"

echo "# virt.so wrote $n_theirs identifiers, virtmon $(grep -c . "$CD_DIR/ours.ids")"
echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
