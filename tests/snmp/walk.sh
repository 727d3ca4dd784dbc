#!/bin/sh
# A real snmpd master on loopback with virtmon-agentx on libvirt's test
# driver: the walk shows every identity object of VIRTMON-MIB, the values
# equal what virsh reports for the same domains, LIBVIRT-MIB's table
# answers, and snmptable renders each table.  The same again with the agent
# reading virtmond's snapshots ('source virtmond:PATH') instead of polling
# libvirt.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
command -v virsh >/dev/null 2>&1 || skip "virsh not installed"

R=.1.3.6.1.4.1.99999.1
D=$R.3.1
L=.1.3.6.1.4.1.36957.1.1.1

dominfo() {   # dominfo URI NAME FIELD -> value
    virsh -c "$1" dominfo "$2" | sed -n "s/^$3: *//p" | sed 's/ KiB$//'
}

expect_eq() {   # what expected actual
    test "x$2" = "x$3" || fail "$1: expected '$2', got '$3'"
    checks=$((checks + 1))
}

check_uri() {   # URI [feed]
    uri=$1
    snmp_log "== $uri${2:+ through virtmond}"
    snmp_start_master
    test "$2" = feed && snmp_start_virtmond "$uri"
    snmp_start_agent "$uri"
    # libvirt is mapped only when the agent polls it itself
    if grep -q 'libvirt\.so' "/proc/$AGENT_PID/maps"; then libvirt_mapped=yes; else libvirt_mapped=no; fi
    if test "$2" = feed; then
        expect_eq "libvirt.so mapped by an agent reading virtmond" no "$libvirt_mapped"
    else
        expect_eq "libvirt.so mapped by an agent polling libvirt" yes "$libvirt_mapped"
    fi
    snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.99999 > "$T/walk.txt" 2>&1 ||
        fail "snmpwalk failed: $(tail -3 "$T/walk.txt")"
    n=$(wc -l < "$T/walk.txt")
    snmp_log "walk: $n varbinds"
    grep -q 'No more variables\|Timeout' "$T/walk.txt" && fail "walk ended badly"

    # agent health and node identity scalars, all present
    for s in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
        grep -q "^$R.1.$s.0 = " "$T/walk.txt" || fail "virtmonAgent.$s.0 missing"
    done
    # nothing happened to the domains: no event can have been dropped
    expect_eq "virtmonAgentEventsDropped" 0 "$(snmp_get $R.1.14.0)"
    for s in 1 2 3 4 5 6 7; do
        grep -q "^$R.2.$s.0 = " "$T/walk.txt" || fail "virtmonNode.$s.0 missing"
    done
    expect_eq "virtmonAgentConnected" 1 "$(snmp_get $R.1.1.0)"
    expect_eq "virtmonAgentUri" "\"$uri\"" "$(snmp_get $R.1.8.0)"
    expect_eq "virtmonNodeCpus vs virsh nodeinfo" \
        "$(virsh -c "$uri" nodeinfo | sed -n 's/^CPU(s): *//p')" "$(snmp_get $R.2.10.0)"
    for s in 0 1 2 3 4 5 6 7; do
        grep -q "^$R.8.1.2.$s = Gauge32" "$T/walk.txt" || fail "virtmonStateTable row $s missing"
    done

    total=0
    # a fixture virsh cannot read would leave nothing to compare: not a pass
    virsh -c "$uri" list --all --name > "$T/names.raw" 2>&1 ||
        fail "virsh list on $uri: $(tail -3 "$T/names.raw")"
    sed '/^$/d' "$T/names.raw" > "$T/names"
    test -s "$T/names" || fail "virsh lists no domains on $uri"
    while read -r name; do
        total=$((total + 1))
        uuid=$(virsh -c "$uri" domuuid "$name" | sed '/^$/d')
        idx=$(uuid_oid "$uuid")
        for c in 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
            grep -q "^$D.$c.$idx = " "$T/walk.txt" || fail "$name: virtmonDomainEntry.$c missing"
        done
        # compare bytes: net-snmp shows non-ASCII names (UTF-8) in hex
        hex=$(printf %s "$name" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
        expect_eq "$name name" "$hex" "$(snmp_get -Ox $D.2.$idx | tr -d ' \n"')"
        expect_eq "$name libvirtGuestName" "$hex" "$(snmp_get -Ox $L.2.$idx | tr -d ' \n"')"
        expect_eq "$name uuid" "\"$uuid\"" "$(snmp_get $D.3.$idx)"
        vstate=$(virsh -c "$uri" domstate "$name" | sed '/^$/d')
        expect_eq "$name state ($vstate)" "$(state_number "$vstate")" "$(snmp_get $D.4.$idx)"
        id=$(virsh -c "$uri" domid "$name" | sed '/^$/d')
        test "$id" = "-" && id=-1
        expect_eq "$name id" "$id" "$(snmp_get $D.7.$idx)"
        p=$(dominfo "$uri" "$name" Persistent); test "$p" = yes && p=1 || p=2
        expect_eq "$name persistent" "$p" "$(snmp_get $D.8.$idx)"
        a=$(dominfo "$uri" "$name" Autostart); test "$a" = enable && a=1 || a=2
        expect_eq "$name autostart" "$a" "$(snmp_get $D.9.$idx)"
        # LIBVIRT-MIB's row for the same domain
        expect_eq "$name libvirtGuestState" "$(state_number "$vstate")" "$(snmp_get $L.3.$idx)"
        expect_eq "$name libvirtGuestRowStatus" 1 "$(snmp_get $L.9.$idx)"
        test "$id" = -1 && continue
        # resource figures of running domains
        expect_eq "$name vCPUs" "$(dominfo "$uri" "$name" 'CPU(s)')" "$(snmp_get $D.25.$idx)"
        maxmem=$(dominfo "$uri" "$name" 'Max memory')
        used=$(dominfo "$uri" "$name" 'Used memory')
        expect_eq "$name max memory" "$maxmem" "$(snmp_get $D.28.$idx)"
        expect_eq "$name memory" "$used" "$(snmp_get $D.27.$idx)"
        expect_eq "$name libvirtGuestCpuCount" "$(dominfo "$uri" "$name" 'CPU(s)')" "$(snmp_get $L.4.$idx)"
        expect_eq "$name libvirtGuestMemoryCurrent" "$((used / 1024))" "$(snmp_get $L.5.$idx)"
        expect_eq "$name libvirtGuestMemoryLimit" "$((maxmem / 1024))" "$(snmp_get $L.6.$idx)"
        # counters and their rates: present, rates after the second poll
        grep -q "^$D.20.$idx = Counter64: " "$T/walk.txt" || fail "$name: CPU time missing"
        for c in 2 3 4; do
            grep -q "^$R.4.1.$c.$idx.0 = " "$T/walk.txt" || fail "$name: vCPU 0 column $c missing"
        done
    done < "$T/names"
    expect_eq "domain rows" "$total" "$(grep -c "^$D.2\." "$T/walk.txt")"
    # storage pools (test:///default has default-pool), against virsh pool-info --bytes
    pools=0
    for pool in $(virsh -c "$uri" pool-list --all --name); do
        pools=$((pools + 1))
        uuid=$(virsh -c "$uri" pool-uuid "$pool" | sed '/^$/d')
        idx=$(uuid_oid "$uuid")
        pinfo() { virsh -c "$uri" pool-info "$pool" --bytes | sed -n "s/^$1: *//p"; }
        expect_eq "pool $pool name" "\"$pool\"" "$(snmp_get $R.9.1.2.$idx)"
        expect_eq "pool $pool uuid" "\"$uuid\"" "$(snmp_get $R.9.1.3.$idx)"
        expect_eq "pool $pool state (running 2)" 2 "$(snmp_get $R.9.1.6.$idx)"
        expect_eq "pool $pool capacity" "$(pinfo Capacity)" "$(snmp_get $R.9.1.10.$idx)"
        expect_eq "pool $pool allocation" "$(pinfo Allocation)" "$(snmp_get $R.9.1.11.$idx)"
        expect_eq "pool $pool available" "$(pinfo Available)" "$(snmp_get $R.9.1.13.$idx)"
    done
    expect_eq "pool rows" "$pools" "$(grep -c "^$R.9.1.2\." "$T/walk.txt")"
    if test "$2" = feed; then   # virtmond only reads: no action, whatever the SET
        idx=$(uuid_oid "$(virsh -c "$uri" domuuid "$(head -1 "$T/names")" | sed '/^$/d')")
        out=$(snmpset -v2c -c private -On 127.0.0.1:$SNMP_PORT $D.14.$idx i 6 2>&1)
        echo "$out" | grep -q 'Reason: notWritable' || fail "SET through virtmond: $out"
        checks=$((checks + 1))
    fi
    expect_eq "libvirtGuestTable rows" "$total" "$(snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT $L.2 | grep -c STRING)"

    # no readable UUID column in LIBVIRT-MIB, and no column 8
    grep -q "^$L.1\." "$T/walk.txt" && fail "libvirtGuestUUID must not be readable"
    snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT .1.3.6.1.4.1.36957 > "$T/lwalk.txt"
    grep -q "^$L.8\." "$T/lwalk.txt" && fail "LIBVIRT-MIB has no column 8"

    if snmp_have_mibs; then
        ptable=; test "$pools" -gt 0 && ptable=virtmonPoolTable   # snmptable renders no empty table
        for t in virtmonDomainTable virtmonVcpuTable virtmonDiskTable virtmonNicTable virtmonStateTable \
                 $ptable; do
            snmptable -v2c -c public $(MIBOPTS) -Ob -Cb -Ci 127.0.0.1:$SNMP_PORT "VIRTMON-MIB::$t" \
                > "$T/table.txt" 2>"$T/table.err" || fail "snmptable $t: $(cat "$T/table.err")"
            grep -q "SNMP table: VIRTMON-MIB::$t" "$T/table.txt" || fail "snmptable $t rendered nothing"
            checks=$((checks + 1))
        done
        head -1 "$T/names" | {
            read -r first
            snmptable -v2c -c public $(MIBOPTS) -Ob -Cb 127.0.0.1:$SNMP_PORT VIRTMON-MIB::virtmonDomainTable \
                2>/dev/null | grep -q "$first" || fail "snmptable shows no '$first'"
        }
        snmpwalk -v2c -c public $(MIBOPTS) 127.0.0.1:$SNMP_PORT VIRTMON-MIB::virtmonMIB \
            > "$T/swalk.txt" 2>/dev/null
        grep -q '^VIRTMON-MIB::virtmonDomainName\.' "$T/swalk.txt" || fail "symbolic walk has no names"
        grep -q 'iso\.3\.6' "$T/swalk.txt" && fail "walk shows OIDs the MIB does not name: $(grep -m3 'iso\.3\.6' "$T/swalk.txt")"
        objs=$(sed -n 's/^VIRTMON-MIB::\([A-Za-z0-9]*\).*/\1/p' "$T/swalk.txt" | sort -u | wc -l)
        snmp_log "symbolic walk: $objs distinct VIRTMON-MIB objects"
    else
        snmp_log "skipping symbolic checks: no IETF base modules"
    fi
    snmp_cleanup_run
    AGENT_FEED=
}

snmp_cleanup_run() {
    # one at a time, the agent first: stopped together with snmpd, the
    # agent's AgentX Close races the master's exit inside net-snmp, which
    # memcheck reports as net-snmp's own invalid read (not ours to find)
    for p in $snmp_pids; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
        rc=$?
        # make check-valgrind: memcheck exits 99 on an invalid access or a leak
        test -n "$VMON_VALGRIND" && test "$p" = "$AGENT_PID" && test $rc = 99 &&
            fail "valgrind found errors in virtmon-agentx (see above)"
    done
    snmp_pids=
}

checks=0
check_uri "test:///default"
fixture=$(cd "$srcdir/tests/snmp" && pwd)/fixture-3.xml
check_uri "test://$fixture"
check_uri "test://$fixture" feed

# the domain filter from virtmon.conf: only the included, not the excluded
snmp_start_master
snmp_start_agent "test://$fixture" "domainInclude alpha,b*
domainExclude bravo"
snmpwalk -v2c -c public -On -Oqv 127.0.0.1:$SNMP_PORT $R.3.1.2 > "$T/names.txt" 2>&1 ||
    fail "snmpwalk of virtmonDomainName failed"
expect_eq "names with domainInclude alpha,b* and domainExclude bravo" '"alpha"' "$(cat "$T/names.txt")"
grep -q 'Ambiguous' "$T/agent.log" && fail "agent log: $(grep Ambiguous "$T/agent.log")"
snmp_cleanup_run
# 20 generated domains: odd names, paused, shut off and transient ones
gen=${VMON_GEN_TEST_XML:-$srcdir/tests/integ/gen-test-xml.sh}
test -x "$gen" || hard "$gen missing: the generated-domains run cannot happen"
"$gen" 20 "$T/gen-20.xml" > "$T/gen.log" 2>&1 || fail "$gen 20 failed: $(tail -3 "$T/gen.log")"
check_uri "test://$T/gen-20.xml"
echo "ok: $checks checks"
exit 0
