#!/bin/sh
# A lifecycle event reaches snmptrapd as virtmonDomainLifecycle (and as
# libvirt-snmp's libvirtGuestNotif), through the master agent.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
command -v snmptrapd >/dev/null 2>&1 || skip "snmptrapd not installed"

TRAP_PORT=$(snmp_pick_port)
cat > "$T/snmptrapd.conf" <<EOC
disableAuthorization yes
EOC
snmptrapd -f -Lf "$T/traps.log" -On -C -c "$T/snmptrapd.conf" -p "$T/snmptrapd.pid" \
    udp:127.0.0.1:$TRAP_PORT &
snmp_pids="$snmp_pids $!"
snmp_start_master "trap2sink udp:127.0.0.1:$TRAP_PORT public"
# test:///default: see set.sh for why not a fixture file
snmp_start_agent "test:///default" "allowActions suspend"
ALPHA=$(uuid_oid 6695eb01-f6a4-8304-79aa-97f2502e193f)

snmpset -v2c -c private -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.99999.1.3.1.14.$ALPHA i 6 \
    >/dev/null 2>&1 || fail "suspend refused"
i=0
while test $i -lt 100; do
    grep -q '36957.0.1' "$T/traps.log" 2>/dev/null && grep -q '99999.0.1' "$T/traps.log" && break
    sleep 0.1
    i=$((i + 1))
done
grep -q '\.1\.3\.6\.1\.4\.1\.99999\.0\.1' "$T/traps.log" || fail "no virtmonDomainLifecycle trap"
# event suspended(3), state paused(3), the domain's name on its UUID instance
grep -q "99999.1.3.1.2.$ALPHA = STRING: \"test\"" "$T/traps.log" || fail "trap lacks the name"
grep -q "99999.1.3.1.4.$ALPHA = INTEGER: 3" "$T/traps.log" || fail "trap lacks state paused"
grep -q "99999.1.7.1.0 = INTEGER: 3" "$T/traps.log" || fail "trap lacks event suspended"
grep -q '\.1\.3\.6\.1\.4\.1\.36957\.0\.1' "$T/traps.log" || fail "no libvirtGuestNotif trap"
grep -q '36957.1.1.1.2.0 = STRING: "test"' "$T/traps.log" || fail "libvirtGuestNotif lacks Name.0"
echo "ok: lifecycle notifications received"
exit 0
