#!/bin/bash
# Behaviour under trouble, against a private libvirtd we can start late,
# kill, freeze and restart:
#   - libvirtd down when collectd starts: collectd keeps running, virtmon
#     logs it once, and values come as soon as libvirtd is up;
#   - libvirtd killed and restarted under a running collectd: no crash, one
#     more log line, values return;
#   - libvirtd frozen (SIGSTOP, as a hung guest monitor looks from here):
#     virtmon's read callback never overruns its interval, and collectd
#     still shuts down;
#   - a guest that vanishes between reads is just gone, without errors.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
# The URI points at the private libvirtd's socket before it exists.
CD_LIBVIRTD_SOCK=$CD_DIR/lvd/run/libvirt/libvirt-sock
URI="test+unix:///default?socket=$CD_LIBVIRTD_SOCK"
cd_conf main <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$URI"
</Plugin>
EOF

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}
log=$CD_DIR/main.log
count() { grep -c -- "$1" "$log"; }
STATE=$CD_HOST/virtmon-test/domain_state
lines() { local f; f=$(cd_csv_file main "$STATE") && wc -l <"$f" || echo 0; }
# more_lines BEFORE SECONDS: the domain's state gets new lines within SECONDS.
more_lines() {
	local _
	for _ in $(seq 1 $(( $2 * 10 ))); do
		[ "$(lines)" -gt "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1. libvirtd down at start ---------------------------------------------------
cd_collectd_start main
sleep 4
cd_collectd_alive main && note ok "collectd runs with libvirtd down" || cd_fail "collectd died with libvirtd down"
n=$(count 'virtmon plugin: not connected to libvirt')
[ "$n" = 1 ] && note ok "'not connected' logged once in 4 s" || note fail "'not connected' logged $n times"
[ "$(lines)" = 0 ] && note ok "no domain values without libvirtd" || note fail "values without libvirtd"

t0=$(date +%s.%N)
cd_libvirtd_start
if cd_wait_value main "$STATE" 15 >/dev/null; then
	note ok "values $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after libvirtd came up"
else
	note fail "no values 15 s after libvirtd came up"
fi
[ "$(count 'virtmon plugin: connected to libvirt')" = 1 ] && note ok "recovery logged once" ||
	note fail "recovery logged $(count 'virtmon plugin: connected to libvirt') times"

# ---- 2. a guest that vanishes ------------------------------------------------------
# A transient guest is gone for good once destroyed.
sed 's/vmt-cd-p/vmt-cd-t/; s/0000000c</0000000e</' "${srcdir:-.}/tests/collectd/fixtures/dom-p.xml" >"$CD_DIR/dom-t.xml"
cd_virsh create "$CD_DIR/dom-t.xml" >/dev/null || cd_hard "create vmt-cd-t"
f=$(cd_wait_value main "$CD_HOST/virtmon-vmt-cd-t/virt_cpu_total" 10) || cd_fail "no values for vmt-cd-t"
cd_virsh destroy vmt-cd-t >/dev/null || cd_hard "destroy vmt-cd-t"
sleep 3
before=$(wc -l <"$f")
sleep 2
[ "$(wc -l <"$f")" = "$before" ] && note ok "vanished guest no longer reported" || note fail "vanished guest still reported"
grep -Ei 'virtmon.*(error|warn)' "$log" | grep -v 'not connected' | grep -q . &&
	note fail "errors after the guest vanished: $(grep -Ei 'virtmon.*(error|warn)' "$log" | grep -v 'not connected' | head -2)" ||
	note ok "no error logged for the vanished guest"

# ---- 3. libvirtd killed and restarted ----------------------------------------------
cd_libvirtd_kill
sleep 4
cd_collectd_alive main && note ok "collectd survives libvirtd being killed" || cd_fail "collectd died with libvirtd"
[ "$(count 'virtmon plugin: not connected to libvirt')" = 2 ] && note ok "the loss is logged once" ||
	note fail "loss logged $(( $(count 'virtmon plugin: not connected to libvirt') - 1 )) times"
before=$(lines)
rm -f "$CD_LIBVIRTD_SOCK"
cd_libvirtd_start
more_lines "$before" 10 && note ok "values return after libvirtd restarts" || note fail "no values after the restart"

# ---- 4. libvirtd frozen ------------------------------------------------------------
# Longer than the plugin's staleness limit (3 intervals + 5 s).
kill -STOP "$CD_LIBVIRTD_PID"
sleep 11
kill -CONT "$CD_LIBVIRTD_PID"
cd_collectd_alive main && note ok "collectd survives a frozen libvirtd" || cd_fail "collectd died"
n=$(count 'virtmon plugin: no new data from libvirt')
[ "$n" = 1 ] && note ok "the stall is logged once" || note fail "the stall is logged $n times"
overran=$(cd_read_overran main) && note fail "virtmon's read overran its interval: $overran" ||
	note ok "virtmon's read never overran its interval"
before=$(lines)
more_lines "$before" 15 && note ok "values return after libvirtd thaws" || note fail "no values after libvirtd thawed"
cd_wait_grep 'virtmon plugin: libvirt answers again' "$log" 5 && note ok "the end of the stall is logged" ||
	note fail "the end of the stall is not logged"

# Shutting collectd down while libvirtd is frozen must not hang it.
kill -STOP "$CD_LIBVIRTD_PID"
sleep 1.5
eval "pid=\$CD_PID_main"
t0=$(date +%s)
kill "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	note fail "collectd still running 30 s after SIGTERM with libvirtd frozen"
	kill -9 "$pid"
else
	note ok "collectd stopped in $(( $(date +%s) - t0 )) s with libvirtd frozen"
fi
wait "$pid" 2>/dev/null
CD_PID_main=
kill -CONT "$CD_LIBVIRTD_PID"
grep -Eq 'segfault|Segmentation|Aborted' "$CD_DIR/main.out" && note fail "collectd crashed" || note ok "no crash"
# collectd's own complaints (e.g. freeing a notification's missing meta data).
grep -E '\] plugin_[a-z_]+: ' "$log" | grep -v plugin_load | grep -q . &&
	note fail "collectd complained: $(grep -E '\] plugin_[a-z_]+: ' "$log" | grep -v plugin_load | head -2)" ||
	note ok "no complaints from collectd's plugin layer"

echo "1..$checks"
[ "$bad" = 0 ] || { grep virtmon "$log" >&2; cd_fail "$bad of $checks checks failed"; }
exit 0
