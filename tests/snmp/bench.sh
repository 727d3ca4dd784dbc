#!/bin/sh
# Throughput of virtmonDomainTable for N test-driver domains (default 1000):
# snmpwalk and snmpbulkwalk -Cr50 varbinds per second, and the subagent's
# RSS.  Not part of make check; run by hand:
#   srcdir=SRC top_builddir=BUILD sh SRC/tests/snmp/bench.sh [N]
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
N=${1:-1000}
gen=${VMON_GEN_TEST_XML:-$srcdir/tests/integ/gen-test-xml.sh}
test -x "$gen" || skip "no $gen"
"$gen" "$N" "$T/bench.xml" >/dev/null || hard "gen-test-xml.sh failed"
snmp_start_master
snmp_start_agent "test://$T/bench.xml" "interval 5s"
TABLE=.1.3.6.1.4.1.99999.1.3

rate() {   # command... -> "varbinds seconds rate"
    s=$(date +%s.%N)
    n=$("$@" 2>/dev/null | wc -l)
    e=$(date +%s.%N)
    echo "$n $s $e" | awk '{ d = $3 - $2; printf "%d varbinds in %.2f s = %.0f/s\n", $1, d, $1 / d }'
}
echo "walk:      $(rate snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT $TABLE)"
echo "bulkwalk:  $(rate snmpbulkwalk -v2c -c public -Cr50 -On 127.0.0.1:$SNMP_PORT $TABLE)"
echo "agent RSS: $(awk '/VmRSS/ { print $2, $3 }' /proc/$AGENT_PID/status)"
# where the time goes: one dense column, and the CPU each daemon used
echo "bulkwalk of virtmonDomainName only: $(rate snmpbulkwalk -v2c -c public -Cr50 -On 127.0.0.1:$SNMP_PORT $TABLE.1.2)"
echo "CPU seconds: agent $(awk '{ print ($14 + $15) / 100 }' /proc/$AGENT_PID/stat), snmpd $(awk '{ print ($14 + $15) / 100 }' /proc/$SNMPD_PID/stat)"
