#!/bin/bash
# virtmon-agentx against the system libvirtd with real QEMU (TCG) guests:
#  - snmpset suspend/resume/reboot/shutdown/destroy/start changes the guest
#    exactly as `virsh domstate` then shows, and snmptrapd receives the
#    lifecycle notification of each transition;
#  - a TCG guest has no OS, so it ignores the ACPI shutdown and reboot: the
#    agent must say ignored(3), not ok; a reboot the guest obeys (it resets)
#    is ok(1);
#  - refused SETs answer their error and leave the guest as it was (same
#    state, same domain id: it was not restarted behind our back);
#  - snmpd and then libvirtd restart during a walk loop: the agent does not
#    crash, and data is back within one poll interval of libvirtd answering;
#  - a guest whose QEMU dies while libvirtd is down gets its stopped trap,
#    inferred from the polls around the outage (libvirt tells nobody);
#  - with one guest's QEMU SIGSTOPped, a full walk answers well under 1 s;
#  - reading virtmond instead (source virtmond:PATH), start/suspend/resume by virsh
#    still show in the state column and arrive as traps, a suspend+resume
#    quicker than a poll too (virtmond's event stream); snmpset suspend and
#    resume run in virtmond, and one virtmond does not allow is refused.
# Holds tests/sys/lib.sh's lock on the shared libvirtd from sys_setup on.
. "${srcdir:-.}/tests/sys/lib.sh"
SNMP_NO_TRAP=1
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
command -v snmptrapd >/dev/null 2>&1 || skip "snmptrapd not installed"
sys_setup
sys_on_exit snmp_cleanup

R=.1.3.6.1.4.1.99999.1
D=$R.3.1
INTERVAL=2
checks=0
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }

sys_guest_create vmt-snmp1
sys_guest_create vmt-snmp2

TRAP_PORT=$(snmp_pick_port)
echo 'disableAuthorization yes' > "$T/snmptrapd.conf"
snmptrapd -f -Lf "$T/traps.log" -On -C -c "$T/snmptrapd.conf" -p "$T/snmptrapd.pid" \
    udp:127.0.0.1:$TRAP_PORT &
snmp_pids="$snmp_pids $!"
snmp_start_master "trap2sink udp:127.0.0.1:$TRAP_PORT public"
# agentXPingInterval 1: re-register within a second of snmpd's restart
# (no include line: we hold the lock, so every guest is ours; and
# "include" collides with net-snmp's own include directive)
snmp_start_agent qemu:///system "interval ${INTERVAL}s
allowActions all
shutdownTimeout 3s
agentXPingInterval 1"

U1=$(uuid_oid "$(sys_virsh domuuid vmt-snmp1)")

domstate() { sys_virsh domstate "$1" | sed '/^$/d'; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or fail
wait_for() {
    limit=$1; shift
    deadline=$(( $(date +%s) + limit ))
    until "$@"; do
        test "$(date +%s)" -lt "$deadline" || return 1
        sleep 0.1
    done
}
snmp_state_is() { test "$(snmp_get $D.4.$U1)" = "$1"; }
traps_since() { tail -n +"$(( $1 + 1 ))" "$T/traps.log" 2>/dev/null; }
trap_seen() {   # FROM-LINE EVENT: a virtmonDomainLifecycle for vmt-snmp1 with that event
    traps_since "$1" | grep -q "99999.1.3.1.2.$U1 = STRING: \"vmt-snmp1\"" &&
        traps_since "$1" | grep -Eq "99999.1.7.1.0 = INTEGER: $2([^0-9]|\$)"
}

# act ACTION-NUMBER NAME WANT-DOMSTATE EVENT: one accepted action, checked
# against virsh, the agent's state column and snmptrapd
act() {
    from=$(wc -l < "$T/traps.log" 2>/dev/null || echo 0)
    out=$(snmpset -v2c -c private -t 30 -r 0 -On 127.0.0.1:$SNMP_PORT $D.14.$U1 i "$1" 2>&1)
    echo "$out" | grep -q ' = INTEGER' || fail "snmpset $2: $out"
    # The action runs in the AgentX CleanupSet, just after snmpd answered
    # snmpset; the agent handles this GET only after it, so once it is
    # answered the action is done and virsh must show its effect.
    res=$(snmp_get $D.16.$U1)
    case $2 in shutdown|reboot) wantres=2 ;; *) wantres=1 ;; esac
    test "$res" = "$wantres" ||
        fail "$2: virtmonDomainLastActionResult $res ($(snmp_get $D.18.$U1)), want $wantres"
    vs=$(domstate vmt-snmp1)
    test "$vs" = "$3" || fail "$2: virsh domstate says '$vs', expected '$3'"
    want=$(state_number "$3")
    wait_for $((INTERVAL * 2 + 5)) snmp_state_is "$want" ||
        fail "$2: virtmonDomainState $(snmp_get $D.4.$U1), virsh says $vs ($want)"
    ok "$2: virsh domstate '$vs', virtmonDomainState $want"
    if test -n "$4"; then
        wait_for 10 trap_seen "$from" "$4" || fail "$2: no lifecycle trap with event $4"
        ok "$2: snmptrapd got virtmonDomainLifecycle event $4"
    fi
}

# refuse ERROR ARGS...: refused, and vmt-snmp1 exactly as it was
refuse() {
    want=$1; shift
    before="$(domstate vmt-snmp1) $(sys_virsh domid vmt-snmp1)"
    out=$(snmpset -v2c -c private -t 30 -r 0 -On 127.0.0.1:$SNMP_PORT "$@" 2>&1)
    echo "$out" | grep -q "Reason: $want" || fail "snmpset $*: expected $want, got: $out"
    after="$(domstate vmt-snmp1) $(sys_virsh domid vmt-snmp1)"
    test "$before" = "$after" || fail "refused SET changed the guest: '$before' -> '$after'"
    ok "refused with $want, guest still '$after'"
}

# ---- actions ----------------------------------------------------------------
act 6 suspend paused 3
act 7 resume running 4
# reboot: ACPI too, and QEMU reboots in place (no lifecycle event).  The
# guest has no OS and ignores it: pending(2), then ignored(3) after
# shutdownTimeout, never ok(1).  A guest that obeys resets: `virsh reset`
# plays that guest, and libvirt's reboot event makes the result ok(1).
result_is() { test "$(snmp_get $D.16.$U1)" = "$1"; }
act 3 reboot running ""
result_is 2 || fail "reboot result right after: $(snmp_get $D.16.$U1), want pending(2)"
wait_for $((3 + INTERVAL * 2 + 5)) result_is 3 ||
    fail "ignored reboot: result $(snmp_get $D.16.$U1), want ignored(3)"
ok "reboot ignored by the guest: ignored(3), $(snmp_get $D.18.$U1)"
act 3 reboot running ""
sys_guest_kick vmt-snmp1
wait_for $((INTERVAL * 2 + 5)) result_is 1 ||
    fail "reboot obeyed: result $(snmp_get $D.16.$U1) ($(snmp_get $D.18.$U1)), want ok(1)"
case $(snmp_get $D.18.$U1) in
*"guest rebooted"*) ok "reboot obeyed (the guest reset): ok(1), $(snmp_get $D.18.$U1)" ;;
*) fail "reboot obeyed: message $(snmp_get $D.18.$U1)" ;;
esac
act 5 destroy "shut off" 5
# LIBVIRT-MIB: createAndGo with State paused(3) in the same SET starts the
# guest paused, as libvirt-snmp does (virDomainCreateWithFlags, START_PAUSED)
L=.1.3.6.1.4.1.36957.1.1.1
from=$(wc -l < "$T/traps.log" 2>/dev/null || echo 0)
out=$(snmpset -v2c -c private -t 30 -r 0 -On 127.0.0.1:$SNMP_PORT $L.9.$U1 i 4 $L.3.$U1 i 3 2>&1)
echo "$out" | grep -q "$L.9.$U1 = INTEGER: 4" || fail "createAndGo+paused: $out"
test "$(snmp_get $D.15.$U1) $(snmp_get $D.16.$U1)" = "8 1" ||
    fail "createAndGo+paused: last action $(snmp_get $D.15.$U1), result $(snmp_get $D.16.$U1) ($(snmp_get $D.18.$U1))"
vs=$(domstate vmt-snmp1)
test "$vs" = paused || fail "createAndGo+paused: virsh domstate says '$vs'"
wait_for $((INTERVAL * 2 + 5)) snmp_state_is 3 || fail "createAndGo+paused: virtmonDomainState $(snmp_get $D.4.$U1)"
wait_for 10 trap_seen "$from" 2 || fail "createAndGo+paused: no started trap"
ok "LIBVIRT-MIB createAndGo + State paused: virsh domstate 'paused', last action startPaused(8) ok(1), started trap"
act 5 destroy "shut off" 5
act 1 start running 2

# shutdown: ACPI to a guest with no OS.  Accepted (pending), still running,
# and after shutdownTimeout the agent says ignored(3), not ok(1).
act 2 shutdown running ""
test "$(snmp_get $D.16.$U1)" = 2 || fail "shutdown result right after: $(snmp_get $D.16.$U1), want pending(2)"
ok "shutdown: virtmonDomainLastActionResult pending(2) at first"
wait_for $((3 + INTERVAL * 2 + 5)) sh -c "test \"\$(snmpget -v2c -c public -On -Oqv 127.0.0.1:$SNMP_PORT $D.16.$U1)\" = 3" ||
    fail "shutdown result: $(snmp_get $D.16.$U1), want ignored(3)"
test "$(domstate vmt-snmp1)" = running || fail "the ignored shutdown left $(domstate vmt-snmp1)"
ok "shutdown ignored by the guest: ignored(3), '$(snmp_get $D.18.$U1)', virsh still running"

# ---- refusals -----------------------------------------------------------------
refuse inconsistentValue $D.14.$U1 i 1                  # start: already running
refuse inconsistentValue $D.14.$U1 i 7                  # resume: not paused
refuse wrongValue $D.14.$U1 i 0
refuse wrongType $D.14.$U1 s destroy
refuse notWritable $D.2.$U1 s renamed
refuse noCreation $D.14.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16 i 5

# ---- snmpd, then libvirtd, restarted during a walk loop ------------------------
(
    while :; do
        snmpwalk -v2c -c public -t 1 -r 0 -On 127.0.0.1:$SNMP_PORT $R >/dev/null 2>&1
        echo walked >> "$T/walks"
    done
) &
WALKER=$!
sys_on_exit "kill $WALKER 2>/dev/null || true"
wait_for 20 test -s "$T/walks" || fail "the walk loop does not walk"

snmp_restart_master
t0=$(date +%s.%N)
wait_for 20 snmp_state_is 1 || fail "no data 20 s after snmpd restarted"
ok "snmpd restarted: agent re-registered, data back after $(sys_since "$t0") s"

sys_libvirtd_restart
t0=$(date +%s.%N)
seq0=$(snmp_get $R.1.13.0)
fresh() {
    s=$(snmp_get $R.1.13.0)
    test "$(snmp_get $R.1.1.0)" = 1 && test "$s" -gt "$seq0" && snmp_state_is 1
}
wait_for $((INTERVAL * 5)) fresh || fail "no fresh data $((INTERVAL * 5)) s after libvirtd restarted"
back=$(sys_since "$t0")
awk -v b="$back" -v i="$INTERVAL" 'BEGIN { exit !(b <= i + 1) }' ||
    fail "data back after $back s, more than one poll interval ($INTERVAL s)"
ok "libvirtd restarted: connected, fresh snapshot after $back s (interval $INTERVAL s)"
kill "$WALKER"; wait "$WALKER" 2>/dev/null
kill -0 "$AGENT_PID" || fail "virtmon-agentx died during the restarts"
ok "agent alive after $(wc -l < "$T/walks") walks across both restarts"

# ---- a guest killed while libvirtd is down ------------------------------------------
# libvirtd notices the dead QEMU when it comes back, before the agent has
# reconnected, so libvirt sends the agent no event: the agent infers the
# stop from its polls on either side of the outage and sends the trap.
from=$(wc -l < "$T/traps.log" 2>/dev/null || echo 0)
pid1=$(sys_qemu_pid vmt-snmp1) || exit 99
own=$SYS_OWN_LIBVIRTD
sys_libvirtd_stop
kill -9 "$pid1"
sys_libvirtd_start
SYS_OWN_LIBVIRTD=$own
test "$(domstate vmt-snmp1)" = "shut off" || fail "vmt-snmp1 after its QEMU died: $(domstate vmt-snmp1)"
wait_for $((INTERVAL * 5)) snmp_state_is 5 ||
    fail "virtmonDomainState $(snmp_get $D.4.$U1) for vmt-snmp1, virsh says shut off (5)"
wait_for 10 trap_seen "$from" 5 || fail "no stopped trap for vmt-snmp1, killed while libvirtd was down"
grep "vmt-snmp1.*stopped.*inferred after reconnecting" "$T/agent.log" >/dev/null ||
    fail "the stopped trap was not the inferred one: $(grep vmt-snmp1 "$T/agent.log" | tail -3)"
ok "QEMU killed while libvirtd was down: virsh 'shut off', stopped trap inferred after reconnecting"

# ---- a frozen guest ---------------------------------------------------------------
pid2=$(sys_qemu_pid vmt-snmp2) || exit 99
kill -STOP "$pid2"
sys_on_exit "kill -CONT $pid2 2>/dev/null"
seq0=$(snmp_get $R.1.13.0)
wait_for 60 sh -c "test \"\$(snmpget -v2c -c public -On -Oqv 127.0.0.1:$SNMP_PORT $R.1.13.0)\" -ge $((seq0 + 2))" ||
    fail "the poller stalled with vmt-snmp2 stopped"
t0=$(date +%s.%N)
n=$(snmpwalk -v2c -c public -t 5 -r 0 -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.99999 2>&1 | wc -l)
took=$(sys_since "$t0")
awk -v t="$took" 'BEGIN { exit !(t < 1) }' || fail "full walk took $took s with a frozen guest"
ok "full walk ($n varbinds) with vmt-snmp2's QEMU stopped: $took s"
kill -CONT "$pid2"

# ---- the agent reading virtmond (source virtmond) -----------------------------------
# virtmond polls every 5 s and streams libvirt's events; the agent maps no
# libvirt and traps each event it is sent.
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
snmp_start_virtmond qemu:///system 5s --allow-actions suspend,resume
snmp_start_agent unused "interval 5s
allowActions suspend,resume,destroy"
grep -q 'libvirt\.so' "/proc/$AGENT_PID/maps" && fail "an agent reading virtmond mapped libvirt"
for step in "start 2 running" "suspend 3 paused" "resume 4 running"; do
    set -- $step
    from=$(wc -l < "$T/traps.log" 2>/dev/null || echo 0)
    sys_virsh "$1" vmt-snmp1 >/dev/null || fail "virsh $1 vmt-snmp1"
    want=$(state_number "$3")
    wait_for 15 snmp_state_is "$want" || fail "through virtmond, $1: virtmonDomainState $(snmp_get $D.4.$U1), virsh says $3"
    wait_for 10 trap_seen "$from" "$2" || fail "through virtmond, $1: no lifecycle trap with event $2"
    ok "through virtmond, virsh $1: virtmonDomainState $want, lifecycle trap with event $2"
done
# paused and resumed well within one of virtmond's polls: no snapshot
# shows it, only the stream does
from=$(wc -l < "$T/traps.log" 2>/dev/null || echo 0)
sys_virsh suspend vmt-snmp1 >/dev/null && sys_virsh resume vmt-snmp1 >/dev/null ||
    fail "virsh suspend+resume vmt-snmp1"
wait_for 5 trap_seen "$from" 3 || fail "through virtmond, a quick suspend: no trap (the stream did not carry it)"
wait_for 5 trap_seen "$from" 4 || fail "through virtmond, a quick resume: no trap"
grep -q "seen by virtmond's polls" "$T/agent.log" &&
    fail "events were inferred although the stream was up: $(grep "seen by" "$T/agent.log" | head -2)"
ok "through virtmond, suspend+resume within one poll: both traps, from virtmond's event stream"
# SETs through virtmond: the agent forwards them, virtmond runs them, and
# only what both allow is accepted
INTERVAL=5
act 6 suspend paused 3
act 7 resume running 4
refuse inconsistentValue $D.14.$U1 i 5               # destroy: virtmond does not allow it
uuid1=$(sys_virsh domuuid vmt-snmp1 | sed '/^$/d')
n=$(grep -c "suspend of '$uuid1' for pid $AGENT_PID (uid 0): ok" "$T/virtmond.log")
test "$n" = 1 || fail "virtmond logged the suspend $n times: $(cat "$T/virtmond.log")"
grep -q "destroy of" "$T/virtmond.log" && fail "the refused destroy reached virtmond"
ok "through virtmond: SET suspend/resume ran in virtmond (logged once, with the agent's pid); destroy refused up front"
kill "$VIRTMOND_PID"; wait "$VIRTMOND_PID" 2>/dev/null
wait_for 10 sh -c "test \"\$(snmpget -v2c -c public -On -Oqv 127.0.0.1:$SNMP_PORT $R.1.1.0)\" = 2" ||
    fail "virtmond gone: virtmonAgentConnected $(snmp_get $R.1.1.0), want false(2)"
ok "virtmond stopped: virtmonAgentConnected false(2), '$(snmp_get $R.1.7.0)'"

echo "1..$checks"
exit 0
