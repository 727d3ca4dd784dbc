#!/bin/bash
# virtmon in collectd against real QEMU (TCG) guests of the system libvirtd
# (tests/sys/lib.sh: root, lock, cleanup):
#   - values equal `virsh domstats` (levels exactly; counters between the
#     written value and the value virsh reads after it, within the growth
#     since the write), and percentages are plausible;
#   - pausing, resuming and destroying a guest yields the notifications;
#   - a libvirtd restart under a running collectd: no crash, values return;
#   - CompatVirtPlugin covers every identifier Debian's virt.so writes with
#     ExtraStats for the same guests.
# VMON_CD_GRAPH=FILE.png also draws the guests' CPU from collectd's rrdtool
# files (how docs/collectd.md's picture is made).

. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/collectd/cd-lib.sh"

sys_setup
cd_setup notrap
sys_on_exit cd_cleanup
cd_add_plugin virt
cd_add_plugin rrdtool

for g in vmt-cd-q1 vmt-cd-q2; do sys_guest_create "$g"; done
for g in vmt-cd-q1 vmt-cd-q2; do sys_guest_wait_io "$g"; done

mkdir -p "$CD_DIR/virtso" && mv "$CD_DIR/plugins/virt.so" "$CD_DIR/virtso/" &&
	cp "$CD_DIR/plugins/"{csv,logfile}.so "$CD_DIR/virtso/" || cd_hard "plugin dirs"

cd_conf main <<EOF
LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir "$CD_DIR/rrd"
</Plugin>
LoadPlugin virtmon
<Plugin virtmon>
  Connection "$SYS_URI"
  Include "vmt-cd-*"
</Plugin>
EOF
cd_conf compat <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Connection "$SYS_URI"
  Include "vmt-cd-*"
  CompatVirtPlugin true
</Plugin>
EOF
cd_conf theirs <<EOF
LoadPlugin virt
<Plugin virt>
  Connection "$SYS_URI"
  Domain "/^vmt-cd-/"
  ExtraStats "cpu_util disk disk_err domain_state memory pcpu vcpu disk_allocation disk_capacity disk_physical"
</Plugin>
EOF
sed -i "s|^PluginDir .*|PluginDir \"$CD_DIR/virtso\"|" "$CD_DIR/theirs.conf"

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

for run in main compat theirs; do cd_collectd_start "$run"; done
cd_wait_value main "$CD_HOST/virtmon-vmt-cd-q1/percent-host_cpu" 30 >/dev/null ||
	{ cat "$CD_DIR/main.log" >&2; cd_hard "no percent-host_cpu for vmt-cd-q1"; }
cd_wait_value theirs "vmt-cd-q1/virt/percent-virt_cpu_total" 30 >/dev/null ||
	{ cat "$CD_DIR/theirs.log" >&2; cd_hard "virt.so wrote no percent-virt_cpu_total"; }
sleep 2
cd_collectd_stop compat
cd_collectd_stop theirs

# ---- compat coverage -------------------------------------------------------------
ids() {
	find "$CD_DIR/$1.csv" -type f | sed "s|^$CD_DIR/$1.csv/||; s/-[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\$//" | sort -u
}
ids theirs >"$CD_DIR/theirs.ids"
ids compat >"$CD_DIR/compat.ids"
[ "$(grep -c . "$CD_DIR/theirs.ids")" -ge 20 ] || cd_hard "virt.so wrote only $(grep -c . "$CD_DIR/theirs.ids") identifiers"
missing=$(comm -23 "$CD_DIR/theirs.ids" "$CD_DIR/compat.ids")
[ -z "$missing" ] && note ok "compat covers all $(grep -c . "$CD_DIR/theirs.ids") virt.so identifiers" ||
	note fail "compat lacks: $(tr '\n' ' ' <<<"$missing")"

# ---- values against virsh domstats -----------------------------------------------
csvf() { cd_csv_file main "$CD_HOST/virtmon-$1/$2"; }
eq() { # DOM ID COL WANT
	local got
	got=$(cd_csv_last "$(csvf "$1" "$2")" "$3" 2>/dev/null)
	awk -v g="$got" -v w="$4" 'BEGIN { exit !(g != "" && w != "" && g + 0 == w + 0) }' &&
		note ok "$1 $2[$3] = $got" || note fail "$1 $2[$3] = '$got', virsh '$4'"
}
# counter DOM ID COL VIRSH MAXRATE: written <= virsh <= written + MAXRATE * age.
counter() {
	local f got t age
	f=$(csvf "$1" "$2") || { note fail "$1 $2 not written"; return; }
	got=$(cd_csv_last "$f" "$3")
	t=$(tail -n 1 "$f" | cut -d, -f1)
	age=$(awk -v t="$t" -v n="$(date +%s.%N)" 'BEGIN { print n - t + 1 }')
	awk -v g="$got" -v w="$4" -v r="$5" -v a="$age" 'BEGIN { exit !(g != "" && w != "" && g <= w && w - g <= r * a) }' &&
		note ok "$1 $2[$3] = $got, virsh $4 ($age s later)" ||
		note fail "$1 $2[$3] = '$got', virsh '$4' $age s later (max rate $5/s)"
}

cd_collectd_stop main
for d in vmt-cd-q1 vmt-cd-q2; do
	sys_virsh domstats --raw "$d" >"$CD_DIR/$d.stats"
	st() { awk -v k="$1" '{ sub(/^[ \t]+/, "") } index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$CD_DIR/$d.stats"; }
	nic=$(st net.0.name)
	counter "$d" virt_cpu_total 1 "$(st cpu.time)" 4e9
	counter "$d" ps_cputime 1 "$(st cpu.user)" 4e9
	counter "$d" virt_vcpu-0 1 "$(st vcpu.0.time)" 2e9
	counter "$d" disk_ops-vda 1 "$(st block.0.rd.reqs)" 1e4
	counter "$d" disk_octets-vda 1 "$(st block.0.rd.bytes)" 1e8
	counter "$d" disk_ops-vda 2 "$(st block.0.wr.reqs)" 1e4
	counter "$d" "if_packets-$nic" 1 "$(st net.0.rx.pkts)" 1e4
	counter "$d" "if_packets-$nic" 2 "$(st net.0.tx.pkts)" 1e4
	counter "$d" "if_octets-$nic" 2 "$(st net.0.tx.bytes)" 1e7
	eq "$d" domain_state 1 "$(st state.state)"
	eq "$d" memory-total 1 "$(( $(st balloon.current) * 1024 ))"
	eq "$d" memory-max 1 "$(( $(st balloon.maximum) * 1024 ))"
	eq "$d" vcpu-current 1 "$(st vcpu.current)"
	eq "$d" disk_capacity-vda 1 "$(st block.0.capacity)"
	# QEMU's RSS moves from one read to the next: within 5 %.
	if [ -n "$(st balloon.rss)" ]; then
		v=$(cd_csv_last "$(csvf "$d" memory-rss)" 1)
		w=$(( $(st balloon.rss) * 1024 ))
		awk -v v="$v" -v w="$w" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(v != "" && d <= 0.05 * w) }' &&
			note ok "$d memory-rss = $v (virsh $w)" || note fail "$d memory-rss = '$v', virsh $w"
	fi
	for pc in host_cpu virt_cpu_total; do
		v=$(cd_csv_last "$(csvf "$d" "percent-$pc")" 1)
		awk -v v="$v" 'BEGIN { exit !(v != "" && v > 0 && v <= 100.1) }' &&
			note ok "$d percent-$pc = $v" || note fail "$d percent-$pc = '$v'"
	done
done

# ---- notifications and a libvirtd restart, collectd running ----------------------
cd_collectd_start main
cd_wait_grep 'virtmon plugin 0.1.0: polling|virtmon plugin .*: polling' "$CD_DIR/main.log" 10 || cd_hard "restart of main"
sleep 2
for step in suspend resume destroy; do
	sys_virsh "$step" vmt-cd-q2 >/dev/null || cd_hard "virsh $step"
	sleep 1.2
done
for ev in "WARNING.*vmt-cd-q2.*type_instance = suspended" "OKAY.*vmt-cd-q2.*type_instance = resumed" \
	"OKAY.*vmt-cd-q2.*type_instance = stopped"; do
	cd_wait_grep "Notification: severity = $ev" "$CD_DIR/main.log" 10 && note ok "notification $ev" ||
		note fail "no notification $ev"
done

f=$(csvf vmt-cd-q1 virt_cpu_total)
before=$(wc -l <"$f")
sys_libvirtd_restart
ok=0
for _ in $(seq 1 200); do
	[ "$(wc -l <"$f")" -gt $((before + 2)) ] && { ok=1; break; }
	sleep 0.1
done
cd_collectd_alive main && note ok "collectd survived the libvirtd restart" || note fail "collectd died"
[ "$ok" = 1 ] && note ok "values returned after the libvirtd restart" || note fail "no values after the restart"

if [ -n "${VMON_CD_GRAPH:-}" ]; then
	sleep 20
	rrd=$CD_DIR/rrd/$CD_HOST
	rrdtool graph "$VMON_CD_GRAPH" --start -75s --width 640 --height 200 \
		--title "virtmon via collectd: two TCG guests (1 vCPU), vmt-cd-q2 destroyed" \
		--vertical-label "% of own vCPUs" \
		DEF:a="$rrd/virtmon-vmt-cd-q1/percent-virt_cpu_total.rrd":value:AVERAGE \
		DEF:b="$rrd/virtmon-vmt-cd-q2/percent-virt_cpu_total.rrd":value:AVERAGE \
		LINE2:a#0044cc:"vmt-cd-q1" LINE2:b#cc4400:"vmt-cd-q2" >/dev/null &&
		echo "# graph in $VMON_CD_GRAPH"
fi
cd_collectd_stop main

echo "1..$checks"
[ "$bad" = 0 ] || cd_fail "$bad of $checks checks failed"
exit 0
