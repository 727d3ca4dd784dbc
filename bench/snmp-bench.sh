#!/bin/sh
# virtmon-agentx throughput and memory for N test-driver domains (default
# 1000): snmpwalk and snmpbulkwalk -Cr50 over virtmonDomainTable, in
# varbinds per second, idle and while a poll runs, with the CPU each daemon
# spent per varbind, and the subagent's memory split into what it maps from
# shared libraries, what libvirt's in-process test driver holds, and the
# rest; then the same agent reading virtmond's snapshots (agentSocket), and
# agentx-floor, a subagent that does no work, for the master's ceiling.
# A benchmark, not a test: run by hand (`make snmp-bench`) or
#   srcdir=SRC top_builddir=BUILD VIRTMON_MODULE_DIR=BUILD/common/.libs \
#     sh SRC/bench/snmp-bench.sh [N] [ROUNDS]
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
N=${1:-1000}
ROUNDS=${2:-3}
gen=$srcdir/tests/integ/gen-test-xml.sh
test -x "$gen" || skip "no $gen"
"$gen" "$N" "$T/bench.xml" >/dev/null || hard "gen-test-xml.sh failed"
snmp_start_master
# interval 4s: long enough that the idle rounds below fit between polls
snmp_start_agent "test://$T/bench.xml" "interval 4s"
TABLE=.1.3.6.1.4.1.99999.1.3
SEQ=.1.3.6.1.4.1.99999.1.1.13.0
APID=$AGENT_PID

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # clock ticks, user + system
now() { date +%s.%N; }

# measure LABEL COMMAND...: one line of figures
measure() {
    label=$1; shift
    a0=$(cpu "$APID"); s0=$(cpu "$SNMPD_PID"); t0=$(now)
    n=$("$@" 2>/dev/null | wc -l)
    t1=$(now); a1=$(cpu "$APID"); s1=$(cpu "$SNMPD_PID")
    echo "$label $n $t0 $t1 $a0 $a1 $s0 $s1" | awk -v hz="$(getconf CLK_TCK)" '{
        d = $4 - $3
        printf "%-22s %6d varbinds in %5.2f s = %6.0f/s   CPU per varbind: agent %4.1f us, snmpd %4.1f us\n",
               $1, $2, d, $2 / d, ($6 - $5) * 1e6 / hz / $2, ($8 - $7) * 1e6 / hz / $2 }'
}

# Start a round just after a poll was published, so an idle round sees none.
after_poll() {
    s=$(snmp_get $SEQ)
    while test "$(snmp_get $SEQ)" = "$s"; do sleep 0.05; done
}

# idle_rounds [LABEL-PREFIX]: ROUNDS walks and bulk walks, each started just after a poll
idle_rounds() {
    i=0
    while test $i -lt "$ROUNDS"; do
        after_poll
        measure "${1}walk" snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT $TABLE
        after_poll
        measure "${1}bulkwalk-Cr50" snmpbulkwalk -v2c -c public -t 5 -Cr50 -On 127.0.0.1:$SNMP_PORT $TABLE
        i=$((i + 1))
    done
}

echo "# $N domains, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
idle_rounds
# with polls: one every 0.5 s, so a walk spans dozens of polls and every
# snapshot swap (the tables rebuild their rows) lands inside the walk
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
snmp_pids=$SNMPD_PID
snmp_start_agent "test://$T/bench.xml" "interval 0.5s"
APID=$AGENT_PID
echo "# a poll every 0.5 s (the last took $(snmp_get .1.3.6.1.4.1.99999.1.1.6.0) ms)"
measure "walk+polling" snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT $TABLE
measure "bulkwalk-Cr50+polling" snmpbulkwalk -v2c -c public -t 5 -Cr50 -On 127.0.0.1:$SNMP_PORT $TABLE

# Memory.  File-backed pages are the shared libraries (libvirt, OpenSSL,
# net-snmp, the libperl that Debian's net-snmp links): shared with snmpd
# and counted in full by RSS.  The test driver keeps its domains inside
# the client process; a virsh holding the same file shows how much that is.
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
pss() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }
# virsh_anon URI: RssAnon of a virsh holding that connection open
virsh_anon() {
    sleep 3 | virsh -c "$1" >/dev/null 2>&1 &
    vp=$!                       # the last command of the pipeline: virsh
    sleep 1.5
    kb "$vp" RssAnon
    wait "$vp" 2>/dev/null
}
vfile=$(virsh_anon "test://$T/bench.xml")
vbase=$(virsh_anon test:///default)
echo "agent: VmRSS $(kb "$APID" VmRSS) kB = RssFile $(kb "$APID" RssFile) kB (shared libraries)" \
     "+ RssAnon $(kb "$APID" RssAnon) kB; PSS $(pss "$APID") kB; peak VmHWM $(kb "$APID" VmHWM) kB"
echo "libvirt's test driver holding $N domains: ~$((vfile - vbase)) kB of that RssAnon" \
     "(virsh on the file $vfile kB, on test:///default $vbase kB)"

# The same agent reading virtmond's snapshots (agentSocket): virtmond
# holds libvirt and the test driver; the agent maps neither.
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
snmp_start_virtmond "test://$T/bench.xml" 4s
snmp_start_agent unused "interval 4s"
APID=$AGENT_PID
echo "# the agent reading virtmond (agentSocket), virtmond polling every 4 s"
idle_rounds virtmond-
echo "agent reading virtmond: VmRSS $(kb "$APID" VmRSS) kB = RssFile $(kb "$APID" RssFile) kB" \
     "+ RssAnon $(kb "$APID" RssAnon) kB; PSS $(pss "$APID") kB; peak VmHWM $(kb "$APID" VmHWM) kB" \
     "(virtmond: VmRSS $(kb "$VIRTMOND_PID" VmRSS) kB)"

# The ceiling: the same snmpd with agentx-floor, a subagent that answers
# from a sorted array with one read and one write per AgentX request, in
# place of ours, serving as many cells.  net-snmp's master turns a GETBULK
# into one AgentX GetNext per repetition, so bulk throughput is bounded by
# that round trip whatever the subagent does.
FLOOR=$top_builddir/bench/agentx-floor
if test -x "$FLOOR"; then
    cells=$(snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT $TABLE 2>/dev/null | wc -l)
    kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
    "$FLOOR" "$AGENTX" "$N" $(( (cells + N - 1) / N )) 2>"$T/floor.log" &
    FLOOR_PID=$!
    snmp_pids="$FLOOR_PID $snmp_pids"
    APID=$FLOOR_PID
    i=0
    while ! grep -q serving "$T/floor.log" && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
    grep -q serving "$T/floor.log" || hard "agentx-floor did not register: $(cat "$T/floor.log")"
    echo "# agentx-floor, a subagent that does no work, in its place"
    i=0
    while test $i -lt "$ROUNDS"; do
        measure "floor-walk" snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT $TABLE
        measure "floor-bulkwalk-Cr50" snmpbulkwalk -v2c -c public -t 5 -Cr50 -On 127.0.0.1:$SNMP_PORT $TABLE
        i=$((i + 1))
    done
    kill "$FLOOR_PID" 2>/dev/null
else
    echo "# no $FLOOR: build it (make bench/agentx-floor) for the ceiling"
fi
