#!/bin/bash
# Logs a sysadmin can read: each daemon says a trouble once, with a count,
# and once when it ends, and sums a burst of lifecycle events up instead
# of a line per event.  Against a private libvirtd (tests/collectd/cd-lib.sh)
# serving test:///default, with every daemon running at once:
#   virtmond polling it, virtmon-agentx polling it (under a private snmpd),
#   collectd's virtmon plugin reading virtmond;
#   - a burst: 500 define/undefine cycles of one domain (1000 lifecycle
#     events) in one virsh, while all run;
#   - 1000 actions (suspend, resume) asked of virtmond on its socket;
#   - an outage: libvirtd killed, 20 s without it, started again;
#   - flapping: libvirtd killed and started again 6 times in 30 s;
#   - virtmond stopped for 15 s under collectd, then started again;
#   - snmpd stopped for 20 s under the agent, with events meanwhile.
# Each daemon's lines during each phase are counted (the agent's and
# virtmond's whole log, collectd's lines from our plugin): fewer than 20
# per phase (each is a minute of trouble at most), and the lines that
# matter are there: the summary with the counts libvirt's own event log
# has, the loss and the return, once each.
. "${srcdir:-.}/tests/collectd/cd-lib.sh"
cd_setup
SNMP_NO_TRAP=1
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
trap 'snmp_cleanup; cd_cleanup' EXIT
trap 'exit 1' INT TERM

LIMIT=20
checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

cd_libvirtd_start
cd_virtmond_start "$CD_URI" --allow-actions suspend,resume
VLOG=$CD_DIR/virtmond.log
ALOG=$T/agent.log
CLOG=$CD_DIR/main.log
cd_conf main <<EOC
LoadPlugin virtmon
<Plugin virtmon>
  Source "virtmond:$CD_VSOCK"
</Plugin>
EOC
cd_collectd_start main
snmp_start_master ""
# the agent retries the master every 2 s (15 by default)
snmp_start_agent "$CD_URI" "agentXPingInterval 2"
cd_wait_value main "$CD_HOST/virtmon-test/virt_cpu_total" 20 >/dev/null 2>&1 ||
	cd_hard "collectd wrote no value for the domain 'test'"

# lines NAME: how many lines of ours the daemon's log has now
lines() {
	case $1 in
	virtmond) wc -l <"$VLOG" ;;
	agentx) wc -l <"$ALOG" ;;
	collectd) grep -c 'virtmon plugin' "$CLOG" ;;
	esac
}
mark() { for d in virtmond agentx collectd; do eval "at_$d=$(lines $d)"; done; }
# counted PHASE: each daemon's lines since mark, under the limit
counted() {
	local d n at
	for d in virtmond agentx collectd; do
		eval "at=\$at_$d"
		n=$(( $(lines $d) - at ))
		echo "# $1: $d logged $n lines"
		if [ "$n" -lt $LIMIT ]; then note ok "$1: $d logged $n lines (< $LIMIT)"
		else note fail "$1: $d logged $n lines (< $LIMIT wanted)"; fi
	done
}
# since NAME: the daemon's lines since mark
since() {
	local at
	eval "at=\$at_$1"
	case $1 in
	virtmond) tail -n +$((at + 1)) "$VLOG" ;;
	agentx) tail -n +$((at + 1)) "$ALOG" ;;
	collectd) grep 'virtmon plugin' "$CLOG" | tail -n +$((at + 1)) ;;
	esac
}

# ---- a burst of 1000 lifecycle events ----
cat >"$CD_DIR/burst.xml" <<EOX
<domain type='test'><name>burst</name><memory>65536</memory><os><type>hvm</type></os></domain>
EOX
cmds=
for _ in $(seq 500); do cmds="$cmds define $CD_DIR/burst.xml; undefine burst;"; done
mark
cd_virsh "$cmds" >/dev/null || cd_hard "virsh define/undefine failed"
# a summary covers a window of 10 s: wait for it to close
sleep 12
counted "1000 lifecycle events"
got=$(grep -c 'event .lifecycle. for domain .burst.' "$CD_DIR/lvd/events.log")
since agentx | sed 's/^/#   agentx: /' | head -n 30
if since agentx | grep -q "lifecycle events.*500 defined, 500 undefined"; then
	note ok "agentx sums the burst up: $(since agentx | grep 'lifecycle events' | tail -n 1)"
else
	note fail "agentx has no summary of 500 defined, 500 undefined (libvirt told of $got events)"
fi

# ---- 1000 actions asked of virtmond ----
FETCH=${top_builddir:-.}/tests/unit/wire-fetch
mark
for _ in $(seq 500); do
	"$FETCH" --raw "$CD_VSOCK" $'action suspend test\n' >/dev/null
	"$FETCH" --raw "$CD_VSOCK" $'action resume test\n' >/dev/null
done
sleep 12
counted "1000 actions"
since virtmond | sed 's/^/#   virtmond: /' | head -n 30
# each summary counts the window's actions, those logged one by one too
n=$(since virtmond | grep ' actions in ' | sed -n 's/.* \([0-9]*\) suspend ok by uid [0-9]*.*/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
if [ "$n" -eq 500 ]; then note ok "virtmond's summaries count 500 suspends"
else note fail "virtmond's summaries count $n suspends, not 500"; fi

# ---- libvirtd gone for 20 s ----
mark
cd_libvirtd_kill
sleep 20
cd_libvirtd_start
cd_wait_value main "$CD_HOST/virtmon-test/virt_cpu_total" 30 >/dev/null 2>&1 || true
sleep 5
counted "libvirtd out for 20 s"
for d in virtmond agentx collectd; do
	since $d | sed "s/^/#   $d: /"
done
for d in virtmond agentx collectd; do
	lost=$(since $d | grep -ci 'lost\|not connected')
	back=$(since $d | grep -ci 'back\|connected to libvirt\|succeed again')
	if [ "$lost" -ge 1 ] && [ "$back" -ge 1 ]; then note ok "$d logged the loss ($lost) and the return ($back)"
	else note fail "$d: loss logged $lost times, return $back times"; fi
done

# ---- libvirtd restarted 6 times in 30 s ----
mark
for _ in $(seq 6); do
	cd_libvirtd_kill
	sleep 2
	cd_libvirtd_start
	sleep 3
done
sleep 5
counted "libvirtd restarted 6 times"
for d in virtmond agentx collectd; do
	since $d | sed "s/^/#   $d: /"
done
# the flaps come within a minute of the outage's lines: said in one line
# when that minute is over (virtmond: when it stops, below)
at_flaps=$at_agentx

# ---- virtmond gone for 15 s under collectd ----
mark
kill "$CD_VIRTMOND_PID"; wait "$CD_VIRTMOND_PID" 2>/dev/null
sleep 15
cd_virtmond_start "$CD_URI" --allow-actions suspend,resume
sleep 5
counted "virtmond out for 15 s"
since collectd | sed 's/^/#   collectd: /'
for _ in $(seq 60); do
	tail -n +$((at_flaps + 1)) "$ALOG" | grep -q 'came and went' && break
	sleep 1
done
line=$(tail -n +$((at_flaps + 1)) "$ALOG" | grep 'came and went')
echo "#   agentx: $line"
case $line in
*"libvirt connection back"*"came and went "[5-7]" times"*) note ok "agentx sums the flaps up" ;;
*) note fail "agentx did not sum the flaps up: '$line'" ;;
esac
line=$(grep 'came and went' "$VLOG" | head -n 2)
echo "$line" | sed 's/^/#   virtmond: /'
case $line in
*"came and went "[5-7]" times"*) note ok "virtmond sums the flaps up when it stops" ;;
*) note fail "virtmond did not sum the flaps up: '$line'" ;;
esac

# ---- snmpd gone for 20 s, events meanwhile ----
mark
kill "$SNMPD_PID"; wait "$SNMPD_PID" 2>/dev/null
sleep 3
for _ in $(seq 10); do
	"$FETCH" --raw "$CD_VSOCK" $'action suspend test\n' >/dev/null
	"$FETCH" --raw "$CD_VSOCK" $'action resume test\n' >/dev/null
done
sleep 17
snmp_restart_master
snmp_wait_polls 1 || cd_hard "the agent did not come back to snmpd"
sleep 2     # the agent looks at its master each second
counted "snmpd out for 20 s"
since agentx | sed 's/^/#   agentx: /'
gone=$(since agentx | grep -c 'not connected to the AgentX master agent')
back=$(since agentx | grep -c '^connected to the AgentX master agent')
if [ "$gone" = 1 ] && [ "$back" = 1 ]; then note ok "agentx said the master's loss and return once each"
else note fail "agentx said the master's loss $gone times, its return $back times"; fi
dropped=$(snmp_get .1.3.6.1.4.1.99999.1.1.14.0)
if [ "$dropped" -ge 20 ] 2>/dev/null; then note ok "virtmonAgentEventsDropped counts the 20 events without a master: $dropped"
else note fail "virtmonAgentEventsDropped is '$dropped' after 20 events without a master"; fi

echo "1..$checks"
[ "$bad" = 0 ]
