#!/bin/sh
# SET through virtmond: an agent reading virtmond's snapshots ('source virtmond:PATH')
# maps no libvirt and forwards an accepted action to virtmond, which runs
# it.  SNMP may ask only for what both the agent's allowActions and
# virtmond's --allow-actions list; anything else is refused in the SET's
# check phase with its SNMP error, reaches virtmond not at all and leaves
# the domain as it was.  The test driver lives inside virtmond here, so
# virtmond's own snapshot (tests/unit/wire-fetch) is the second witness;
# tests/snmp/sys-qemu.sh does the same against virsh and a real guest.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup

D=.1.3.6.1.4.1.99999.1.3.1
L=.1.3.6.1.4.1.36957.1.1.1
ALLOWED=.1.3.6.1.4.1.99999.1.1.12.0
FETCH=$top_builddir/tests/unit/wire-fetch
test -x "$FETCH" || hard "$FETCH not built"
ALPHA_UUID=6695eb01-f6a4-8304-79aa-97f2502e193f     # test:///default's "test", running
ALPHA=$(uuid_oid $ALPHA_UUID)
checks=0

# virtmond's own view of "test": its state word
virtmond_state() { "$FETCH" "$AGENT_FEED" test | awk -F'\t' '$1 == "domain" { print $4 }'; }
# ... once its next poll has seen it (within 10 s)
virtmond_sees() {
    deadline=$(( $(date +%s) + 10 ))
    until test "$(virtmond_state)" = "$1"; do
        test "$(date +%s)" -lt "$deadline" || fail "virtmond says $(virtmond_state), want $1 ($2)"
        sleep 0.1
    done
}
virtmond_acted() { grep -c "$1 of '$ALPHA_UUID' for pid $AGENT_PID (uid $(id -u)): $2" "$T/virtmond.log"; }

snmp_start_master
snmp_start_virtmond test:///default 1s --allow-actions suspend,resume,shutdown,start
snmp_start_agent unused "allowActions suspend,resume,shutdown,start,destroy"
grep -q 'libvirt\.so' "/proc/$AGENT_PID/maps" && fail "an agent reading virtmond mapped libvirt"

# what SNMP may ask for: both lists
test "$(snmp_get $ALLOWED)" = '"start,shutdown,suspend,resume"' ||
    fail "virtmonAgentAllowedActions: $(snmp_get $ALLOWED), want virtmond's and the agent's in common"
checks=$((checks + 1))

# refused before anything reaches virtmond
sset inconsistentValue $D.14.$ALPHA i 5              # destroy: the agent allows it, virtmond not
sset inconsistentValue $D.14.$ALPHA i 7              # resume: not paused
sset inconsistentValue $D.14.$ALPHA i 3              # reboot: neither allows it
sset wrongValue $D.14.$ALPHA i 42
sset noCreation $D.14.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16 i 6
test "$(grep -c ' of ' "$T/virtmond.log")" = 0 || fail "a refused SET reached virtmond: $(cat "$T/virtmond.log")"
test "$(snmp_get $D.15.$ALPHA)" = 0 || fail "a refused SET recorded an action"
sleep 1.5   # a poll of virtmond's later
test "$(virtmond_state)" = running || fail "a refused SET changed the domain: $(virtmond_state)"

# suspend: run by virtmond, once, with the agent's pid in its log
sset ok $D.14.$ALPHA i 6
test "$(snmp_get $D.15.$ALPHA)" = 6 || fail "last action: $(snmp_get $D.15.$ALPHA)"
test "$(snmp_get $D.16.$ALPHA)" = 1 || fail "last result: $(snmp_get $D.16.$ALPHA)"
virtmond_sees paused "after the suspend"
wait_state "$ALPHA" 3
test "$(virtmond_acted suspend ok)" = 1 || fail "virtmond should log the suspend once: $(cat "$T/virtmond.log")"
grep -q "suspend of domain 'test' ($ALPHA_UUID): ok" "$T/agent.log" || fail "the agent did not log the suspend"
checks=$((checks + 3))

# LIBVIRT-MIB's state column takes the same path
sset ok $L.3.$ALPHA i 1                              # running: resume
wait_state "$ALPHA" 1
virtmond_sees running "after the resume"
test "$(virtmond_acted resume ok)" = 1 || fail "virtmond should log the resume once"

# shutdown is pending until virtmond's polls see the guest go; the agent
# learns the outcome from virtmond without asking on any SNMP request
sset ok $D.14.$ALPHA i 2
res=$(snmp_get $D.16.$ALPHA)
case $res in 1|2) ;; *) fail "shutdown result right after: $res, want pending(2) or ok(1)" ;; esac
deadline=$(( $(date +%s) + 20 ))
until test "$(snmp_get $D.16.$ALPHA)" = 1; do
    test "$(date +%s)" -lt "$deadline" || fail "shutdown result stayed $(snmp_get $D.16.$ALPHA), want ok(1)"
    sleep 0.2
done
wait_state "$ALPHA" 5
virtmond_sees shutoff "after the shutdown"
sset ok $D.14.$ALPHA i 1                             # start
wait_state "$ALPHA" 1
checks=$((checks + 3))

# virtmond gone: nothing to act with, so no SET is accepted
kill "$VIRTMOND_PID"
wait "$VIRTMOND_PID" 2>/dev/null
deadline=$(( $(date +%s) + 20 ))
until test "$(snmp_get $ALLOWED)" = '"none"'; do
    test "$(date +%s)" -lt "$deadline" || fail "virtmonAgentAllowedActions $(snmp_get $ALLOWED) with virtmond gone"
    sleep 0.2
done
out=$(snmpset -v2c -c private -t 5 -r 0 -On 127.0.0.1:$SNMP_PORT $D.14.$ALPHA i 6 2>&1)
echo "$out" | grep -Eq 'Reason: (notWritable|noCreation)' || fail "SET with virtmond gone: $out"
checks=$((checks + 2))

echo "ok: $checks checks of SET through virtmond"
exit 0
