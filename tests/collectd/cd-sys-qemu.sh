#!/bin/bash
# virtmon in collectd against real QEMU (TCG) guests of the system libvirtd
# (tests/sys/lib.sh: root, lock, cleanup):
#   - values equal `virsh domstats` (levels exactly; counters between the
#     written value and the value virsh reads after it, within the growth
#     since the write), and percentages are plausible;
#   - every value written sits in the data-source type types.db gives it;
#   - suspending, resuming, destroying and starting a guest yields the
#     notifications, and a killed QEMU a FAILURE, also through virtmond
#     (Source "virtmond:PATH", its event stream);
#   - a libvirtd restart under a running collectd: no crash, values return;
#   - a guest whose QEMU is stopped (hung) never makes a read overrun;
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
  Source "libvirt:$SYS_URI"
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
# ids RUN: the identifiers a run's csv plugin has written
ids() {
	find "$CD_DIR/$1.csv" -type f | sed "s|^$CD_DIR/$1.csv/||; s/-[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\$//" | sort -u
}
# With three daemons reading at once a guest can come back partial (see
# below) for several reads: give compat up to 20 s to have written all that
# virt.so did (CI once stopped it with vmt-cd-q1's disks still missing).
sleep 2
for _ in $(seq 1 40); do
	[ -z "$(comm -23 <(ids theirs) <(ids compat))" ] && break
	sleep 0.5
done
cd_collectd_stop compat
cd_collectd_stop theirs
# Three daemons read at the same second boundaries, and a guest whose job
# another client holds comes back partial from the core's NOWAIT call (no
# block or balloon stats).  Alone again, main
# gets everything: wait for it before comparing.
for d in vmt-cd-q1 vmt-cd-q2; do
	for id in disk_ops-vda memory-rss; do
		cd_wait_value main "$CD_HOST/virtmon-$d/$id" 20 >/dev/null || note fail "$d $id not written in 20 s"
	done
done
sleep 1

# ---- compat coverage -------------------------------------------------------------
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

# ---- data-source types of everything written from real guests --------------------
cd_check_types main 60
cd_check_types compat 40

# ---- notifications and a libvirtd restart, collectd running ----------------------
# "feed" reads the same guests through virtmond, the host's one libvirt
# client: its notifications come from virtmond's event stream.
cd_virtmond_start "$SYS_URI"
cd_conf feed <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "virtmond:$CD_VSOCK"
  Include "vmt-cd-*"
</Plugin>
EOF
cd_collectd_start main
cd_collectd_start feed
cd_wait_grep 'virtmon plugin .*: polling' "$CD_DIR/main.log" 10 || cd_hard "restart of main"
cd_wait_runs "$CD_HOST/virtmon-vmt-cd-q2/domain_state" 20 feed
# libvirt's own account, for the log when a notification is missing.
timeout 300 virsh -c "$SYS_URI" event --all --loop --timestamp >"$CD_DIR/events.log" 2>&1 &
CD_PIDS+=("$!")
# notified SEVERITY EVENT [DETAIL]: both runs logged that notification for vmt-cd-q2.
notified() {
	local re="Notification: severity = $1, .*plugin_instance = vmt-cd-q2, type = domain_state, type_instance = $2, message = .*\\(${3:-[^)]*}\\)" run
	for run in main feed; do
		if cd_wait_grep "$re" "$CD_DIR/$run.log" 15; then
			note ok "$run: $1 notification: vmt-cd-q2 $2 ${3:-}"
		else
			note fail "$run: no $1 notification: vmt-cd-q2 $2 ${3:-}"
			grep 'Notification' "$CD_DIR/$run.log" >&2
			cat "$CD_DIR/events.log" >&2
		fi
	done
}
# "polling" is logged when the poll thread starts; its connection, and with
# it the event callbacks, come a moment later.  A suspend before that is no
# event to anyone (CI saw exactly that): wait for the restarted plugin's
# first values.
f=$(csvf vmt-cd-q2 domain_state)
before=$(wc -l <"$f")
for _ in $(seq 1 100); do
	[ "$(wc -l <"$f")" -gt "$before" ] && break
	sleep 0.1
done
sys_virsh suspend vmt-cd-q2 >/dev/null || cd_hard "virsh suspend"
notified WARNING suspended paused
sys_virsh resume vmt-cd-q2 >/dev/null || cd_hard "virsh resume"
notified OKAY resumed unpaused
sys_virsh destroy vmt-cd-q2 >/dev/null || cd_hard "virsh destroy"
notified OKAY stopped destroyed
sys_virsh start vmt-cd-q2 >/dev/null || cd_hard "virsh start"
notified OKAY started booted
# A guest cannot crash on the test driver, a QEMU can: killed under libvirt,
# it becomes STOPPED/FAILED, "shut off (crashed)", which is a failure.
qpid=$(sys_qemu_pid vmt-cd-q2) || exit 99
kill -KILL "$qpid"
notified FAILURE stopped failed
# ...and its state is what virsh says: shut off (5), reason crashed (3).
for _ in $(seq 1 100); do
	[ "$(cd_csv_last "$(csvf vmt-cd-q2 domain_state)" 1)" = 5 ] && break
	sleep 0.1
done
want=$(sys_virsh domstats --raw --state vmt-cd-q2 | awk -F= '/state.reason=/ { print $2 }')
eq vmt-cd-q2 domain_state 1 "$(sys_domstat vmt-cd-q2 state.state)"
eq vmt-cd-q2 domain_state 2 "$want"
[ "$want" = 3 ] || note fail "virsh gives reason '$want' for a killed QEMU, not 3 (crashed)"

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
f=$(cd_csv_file feed "$CD_HOST/virtmon-vmt-cd-q1/virt_cpu_total") || cd_hard "feed: no values of vmt-cd-q1"
before=$(wc -l <"$f")
for _ in $(seq 1 100); do [ "$(wc -l <"$f")" -gt $((before + 2)) ] && break; sleep 0.1; done
[ "$(wc -l <"$f")" -gt $((before + 2)) ] && note ok "feed: values through virtmond after the libvirtd restart" ||
	note fail "feed: no values through virtmond after the libvirtd restart"
cd_collectd_stop feed

# ---- a hung guest: its QEMU stopped, reads still return in time -------------------
# What issue 4 asks: the read callback never overruns its interval.  How
# many polls still reach collectd is the core's business: today they stall
# behind the stopped guest's abandoned calls, so the count is reported,
# not asserted.
f=$(cd_csv_file main "$CD_HOST/virtmon/count-domains_active") || cd_hard "no node values"
qpid=$(sys_qemu_pid vmt-cd-q1) || exit 99
before=$(wc -l <"$f")
kill -STOP "$qpid"
for _ in $(seq 1 150); do
	[ "$(wc -l <"$f")" -ge $((before + 12)) ] && break
	sleep 0.1
done
kill -CONT "$qpid"
echo "# with vmt-cd-q1's QEMU stopped: $(( $(wc -l <"$f") - before )) polls reached collectd in 15 s"
overran=$(cd_read_overran main) && note fail "a read overran its interval: $overran" ||
	note ok "no read of virtmon overran its interval with a guest's QEMU stopped"

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
