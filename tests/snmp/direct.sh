#!/bin/sh
# agentXDirect: Get and GetNext answered on the AgentX session itself
# (snmp/vmon-snmp-direct.c) say exactly what net-snmp's own path says.
# The same walks, bulk walks and edge cases against one agent with the
# direct path (the default) and one with `agentXDirect no`, on the same
# test-driver file; the direct path takes over again after snmpd restarts.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
gen=$srcdir/tests/integ/gen-test-xml.sh
"$gen" 12 "$T/d.xml" >/dev/null || hard "gen-test-xml.sh failed"
URI=test://$T/d.xml
checks=0

expect_eq() {   # what expected actual
    test "x$2" = "x$3" || fail "$1: expected '$2', got '$3'"
    checks=$((checks + 1))
}

# Counters and gauges of the test driver move with the clock: compare those
# by OID and type, everything else by value too.  Outside virtmon's two
# subtrees (where a GetNext past them lands) only the OID counts: snmpd's
# snmpSetSerialNo is random.
steady() {
    sed -e 's/^\([^ ]* = \)\(Counter64\|Gauge32\|Timeticks\): .*/\1\2/' \
        -e '/^\.1\.3\.6\.1\.4\.1\.\(36957\|99999\)\./!s/ = .*//' "$1"
}

# observe MODE: every view of the agent's data the test compares, into $T/MODE.*
observe() {
    m=$1
    snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.36957 > "$T/$m.walk" 2>&1 ||
        fail "$m: snmpwalk of LIBVIRT-MIB failed"
    snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.99999 >> "$T/$m.walk" 2>&1 ||
        fail "$m: snmpwalk of VIRTMON-MIB failed"
    snmpbulkwalk -v2c -c public -Cr25 -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.36957 > "$T/$m.bulk" 2>&1 ||
        fail "$m: snmpbulkwalk of LIBVIRT-MIB failed"
    snmpbulkwalk -v2c -c public -Cr25 -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.99999 >> "$T/$m.bulk" 2>&1 ||
        fail "$m: snmpbulkwalk of VIRTMON-MIB failed"
    # Edges: a GetNext past the last LIBVIRT-MIB row leaves the agent's
    # first registration (the master asks again in the next one); past the
    # last VIRTMON-MIB object leaves the agent; a Get of a row and of a
    # column that do not exist, next to one that does.
    last_compat=$(tail -n 1 "$T/$m.walk" | sed -n 's/ = .*//p')
    first_dom=$(sed -n 's/^\(\.1\.3\.6\.1\.4\.1\.99999\.1\.3\.1\.2\.[.0-9]*\) = .*/\1/p' "$T/$m.walk" | head -n 1)
    {
        snmpgetnext -v2c -c public -On 127.0.0.1:$SNMP_PORT \
            .1.3.6.1.4.1.36957.1.1.1.9.255 .1.3.6.1.4.1.99999.1.99 .1.3.6.1.4.1.36957
        snmpget -v2c -c public -On 127.0.0.1:$SNMP_PORT "$first_dom" \
            .1.3.6.1.4.1.99999.1.3.1.2.1.2.3 .1.3.6.1.4.1.99999.1.3.1.99.1 .1.3.6.1.4.1.99999.1.1.8.0
    } > "$T/$m.edges" 2>&1
    test -n "$last_compat$first_dom" || fail "$m: walk found no rows"
}

snmp_start_master
# reconnect within a second of snmpd coming back
snmp_start_agent "$URI" "agentXPingInterval 1"
grep -q 'answered on the master session' "$T/agent.log" ||
    fail "the direct path did not take over the AgentX session"
observe direct
expect_eq "walk and bulk walk (direct)" "$(steady "$T/direct.walk")" "$(steady "$T/direct.bulk")"
grep -c ' = ' "$T/direct.walk" > "$T/n"
test "$(cat "$T/n")" -gt 500 || fail "only $(cat "$T/n") varbinds in the walk"

# snmpd restarts: the new AgentX session is taken over too
snmp_restart_master
i=0
until test "$(grep -c 'answered on the master session' "$T/agent.log")" -ge 2; do
    i=$((i + 1))
    test $i -lt 100 || fail "the direct path did not take over the new session after snmpd restarted"
    sleep 0.1
done
snmp_wait_polls 1 || fail "no data after snmpd restarted"
observe direct2
expect_eq "walk after snmpd restart (direct)" "$(steady "$T/direct.walk")" "$(steady "$T/direct2.walk")"

kill "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
mv "$T/agent.log" "$T/agent-direct.log"
snmp_start_agent "$URI" "agentXDirect no"
grep -q 'answered on the master session' "$T/agent.log" &&
    fail "agentXDirect no still took over the session"
observe stock

expect_eq "walk, direct vs net-snmp's path" "$(steady "$T/stock.walk")" "$(steady "$T/direct.walk")"
expect_eq "bulk walk, direct vs net-snmp's path" "$(steady "$T/stock.bulk")" "$(steady "$T/direct.bulk")"
expect_eq "edge cases, direct vs net-snmp's path" "$(steady "$T/stock.edges")" "$(steady "$T/direct.edges")"
# and the edges say what RFC 2741 and 3416 want, not just the same thing
grep -q '^\.1\.3\.6\.1\.4\.1\.99999\.1\.3\.1\.99[.0-9]* = No Such' "$T/direct.edges" ||
    fail "an unknown column has a value: $(cat "$T/direct.edges")"
grep -q '^\.1\.3\.6\.1\.4\.1\.99999\.1\.1\.1\.0 = INTEGER: 1$' "$T/direct.edges" ||
    fail "GetNext past LIBVIRT-MIB did not reach VIRTMON-MIB: $(cat "$T/direct.edges")"
grep -q '^\.1\.3\.6\.1\.4\.1\.99999\.1\.3\.1\.2\.1\.2\.3 = No Such Instance' "$T/direct.edges" ||
    fail "an unknown row is not noSuchInstance: $(cat "$T/direct.edges")"
grep -q "^\.1\.3\.6\.1\.4\.1\.99999\.1\.1\.8\.0 = STRING: \"$URI\"" "$T/direct.edges" ||
    fail "virtmonAgentUri not in the same PDU's answer: $(cat "$T/direct.edges")"
echo "ok: $checks checks, $(cat "$T/n") varbinds the same on both paths"
