#!/bin/sh
# virtmon-agentx throughput and memory for N test-driver domains (default
# 1000): snmpwalk and snmpbulkwalk -Cr50 over virtmonDomainTable, in
# varbinds per second, with the CPU each daemon spent per varbind, for
#
#   - the agent polling libvirt: idle, and with a poll always running;
#   - the same with `agentXDirect no` (net-snmp's own internal hop);
#   - the agent reading virtmond's snapshots ('source virtmond:PATH');
#   - agentx-floor, a subagent that does no work: the master's ceiling;
#   - snmpd's own in-process MIB-2, for scale;
#
# each in three placements: where the scheduler puts snmpd and the agent
# ("free"); snmpd and the thread answering it on one CPU ("one": what
# answerCpus does; the agent's other threads, and virtmond, on the other
# CPUs; the walking client free); and "all", the same with the client on
# that CPU too (see place()).  Then whether a poll costs throughput:
# rounds alternating between an agent that polls every 4 s, walked between
# two polls, and one polling every 0.5 s, so that polls (and, reading
# virtmond, virtmond's polls and the agent's fetches) run all through the
# walk; medians of each.  Then the agent's memory, split into shared
# libraries, libvirt's in-process test driver and the rest.
#
# Why the placements: an AgentX request is a round trip between two
# processes, and on a virtual machine waking a process on another, idle
# vCPU costs tens of microseconds (bench/wakeup-pingpong measures it here,
# docs/snmp.md has the figures); a walk's client adds one more such hop
# per request.
#
# A benchmark, not a test: run by hand (`make snmp-bench`) or
#   srcdir=SRC top_builddir=BUILD VIRTMON_MODULE_DIR=BUILD/common/.libs \
#     sh SRC/bench/snmp-bench.sh [N] [ROUNDS] [POLL-ROUNDS]
# ROUNDS (2) walks in each placement; POLL-ROUNDS (ROUNDS + 1) alternating
# rounds of polls, which want an odd count for their medians.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
N=${1:-1000}
ROUNDS=${2:-2}
command -v taskset >/dev/null 2>&1 || skip "no taskset (Debian: util-linux)"
gen=$srcdir/tests/integ/gen-test-xml.sh
test -x "$gen" || skip "no $gen"
"$gen" "$N" "$T/bench.xml" >/dev/null || hard "gen-test-xml.sh failed"
snmp_start_master
TABLE=.1.3.6.1.4.1.99999.1.3
SEQ=.1.3.6.1.4.1.99999.1.1.13.0
ALL_CPUS=0-$(($(nproc) - 1))

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # clock ticks, user + system
now() { date +%s.%N; }

# place free|one|all: where snmpd, the process under test ($APID) and the
# walking client may run.  "one" puts snmpd and the process's main thread,
# the one answering snmpd, on CPU 0 and its other threads, and virtmond, on
# the rest, as answerCpus 0 and virtmond's CPUAffinity= in docs/snmp.md do
# (agentx-floor and snmpd answer on their only thread); the client stays
# free.  "all" is "one" with the client on CPU 0 too: every hop of a
# request is then a switch on one busy CPU, none wakes an idle vCPU, and
# the client's own work (encoding requests, decoding and printing every
# varbind) takes its time from that CPU, which a remote NMS would not.
REST_CPUS=1-$(($(nproc) - 1))
test "$(nproc)" -gt 1 || REST_CPUS=0
place() {
    taskset -a -p -c "$ALL_CPUS" "$SNMPD_PID" >/dev/null || hard "taskset snmpd"
    taskset -a -p -c "$ALL_CPUS" "$APID" >/dev/null || hard "taskset $APID"
    vd=${AGENT_FEED:+$VIRTMOND_PID}
    test -z "$vd" || taskset -a -p -c "$ALL_CPUS" "$vd" >/dev/null || hard "taskset virtmond"
    CLIENT=
    if test "$1" != free; then
        taskset -a -p -c 0 "$SNMPD_PID" >/dev/null || hard "taskset snmpd"
        taskset -a -p -c "$REST_CPUS" "$APID" >/dev/null || hard "taskset $APID"
        taskset -p -c 0 "$APID" >/dev/null || hard "taskset $APID"
        test -z "$vd" || taskset -a -p -c "$REST_CPUS" "$vd" >/dev/null || hard "taskset virtmond"
    fi
    test "$1" = all && CLIENT="taskset -c 0"
    PLACE=$1
}

# measure LABEL COMMAND...: one line of figures
measure() {
    label=$1-$PLACE; shift
    a0=$(cpu "$APID"); s0=$(cpu "$SNMPD_PID"); t0=$(now)
    n=$("$@" 2>/dev/null | wc -l)
    t1=$(now); a1=$(cpu "$APID"); s1=$(cpu "$SNMPD_PID")
    echo "$label $n $t0 $t1 $a0 $a1 $s0 $s1" | awk -v hz="$(getconf CLK_TCK)" '{
        d = $4 - $3
        printf "%-30s %6d varbinds in %5.2f s = %6.0f/s   CPU per varbind: agent %5.1f us, snmpd %5.1f us\n",
               $1, $2, d, $2 / d, ($6 - $5) * 1e6 / hz / $2, ($8 - $7) * 1e6 / hz / $2 }' > "$T/line"
    cat "$T/line"
    # fewer cells than domains (or than MIB-2's thousands): the walk
    # failed, keep it out of the medians
    if test "$n" -ge "$N" || test "$n" -ge 1000; then
        cat "$T/line" >> "$T/figures"
    else
        echo "(incomplete: left out of the medians)"
    fi
}

# Until the agent serves the domain table: its first polls may come before
# virtmond's own first one (empty snapshots).
wait_rows() {
    i=0
    until snmpgetnext -v2c -c public -t 1 -On 127.0.0.1:$SNMP_PORT $TABLE 2>/dev/null |
            grep -q "^$TABLE\."; do
        i=$((i + 1))
        test $i -lt 100 || hard "no rows in the domain table after 10 s"
        sleep 0.1
    done
}

walk() { measure "${1}walk" $CLIENT snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT "${2:-$TABLE}"; }
bulkwalk() {
    measure "${1}bulkwalk-Cr50" $CLIENT snmpbulkwalk -v2c -c public -t 5 -Cr50 -On 127.0.0.1:$SNMP_PORT \
        "${2:-$TABLE}"
}

# Start a round just after a poll was published, so an idle round sees none.
after_poll() {
    s=$(snmp_get $SEQ)
    while test "$(snmp_get $SEQ)" = "$s"; do sleep 0.05; done
}

# idle_rounds LABEL-PREFIX [WAIT]: ROUNDS walks and bulk walks in each
# placement, each started just after a poll (WAIT ":" for a subagent that
# does not poll)
PLACES="free one all"
idle_rounds() {
    for where in $PLACES; do
        place $where
        i=0
        while test $i -lt "$ROUNDS"; do
            ${2:-after_poll}; walk "$1"
            ${2:-after_poll}; bulkwalk "$1"
            i=$((i + 1))
        done
    done
}

stop_agent() {
    kill "$APID"
    wait "$APID" 2>/dev/null
}
# and virtmond, so that the next agent polls libvirt itself again
stop_virtmond() {
    kill "$VIRTMOND_PID"
    wait "$VIRTMOND_PID" 2>/dev/null
    AGENT_FEED=
}

# Memory.  File-backed pages are the shared libraries (libvirt, OpenSSL,
# net-snmp, the libperl that Debian's net-snmp links): shared with snmpd
# and counted in full by RSS.  The test driver keeps its domains inside
# the client process; a virsh holding the same file shows how much that is.
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
pss() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }
memory() {   # memory LABEL
    echo "$1: VmRSS $(kb "$APID" VmRSS) kB = RssFile $(kb "$APID" RssFile) kB (shared libraries)" \
         "+ RssAnon $(kb "$APID" RssAnon) kB; PSS $(pss "$APID") kB; peak VmHWM $(kb "$APID" VmHWM) kB"
}
# virsh_anon URI: RssAnon of a virsh holding that connection open
virsh_anon() {
    sleep 3 | virsh -c "$1" >/dev/null 2>&1 &
    vp=$!                       # the last command of the pipeline: virsh
    sleep 1.5
    kb "$vp" RssAnon
    wait "$vp" 2>/dev/null
}

echo "# $N domains, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# 'free': where the scheduler puts snmpd and the agent; 'one': snmpd and the agent's"
echo "# answering thread on CPU 0 (answerCpus 0), its other threads and virtmond on $REST_CPUS;"
echo "# 'all': 'one' with the walking client on CPU 0 too"

# interval 4s: long enough that the idle rounds fit between polls
snmp_start_agent "test://$T/bench.xml" "interval 4s"
APID=$AGENT_PID
wait_rows
echo "# the agent polling libvirt every 4 s"
idle_rounds ""
memory "agent polling libvirt"
vfile=$(virsh_anon "test://$T/bench.xml")
vbase=$(virsh_anon test:///default)
echo "libvirt's test driver holding $N domains: ~$((vfile - vbase)) kB of that RssAnon" \
     "(virsh on the file $vfile kB, on test:///default $vbase kB)"
stop_agent

# net-snmp's own path: every request crosses its internal callback
# transport (a pipe) to the agent in the same process and back
snmp_start_agent "test://$T/bench.xml" "interval 4s
agentXDirect no"
APID=$AGENT_PID
wait_rows
echo "# agentXDirect no: net-snmp's internal hop on every request"
idle_rounds stock-
stop_agent

# The same agent reading virtmond's snapshots ('source virtmond:PATH'): virtmond
# holds libvirt and the test driver; the agent maps neither.
snmp_start_virtmond "test://$T/bench.xml" 4s
snmp_start_agent unused "interval 4s"
APID=$AGENT_PID
wait_rows
echo "# the agent reading virtmond (source virtmond), virtmond polling every 4 s"
idle_rounds virtmond-
memory "agent reading virtmond"
echo "(virtmond: VmRSS $(kb "$VIRTMOND_PID" VmRSS) kB)"
cells=$(snmpwalk -v2c -c public -t 5 -On 127.0.0.1:$SNMP_PORT $TABLE 2>/dev/null | wc -l)
stop_agent
stop_virtmond

# The ceiling: the same snmpd with agentx-floor, a subagent that answers
# from a sorted array with one read and one write per AgentX request, in
# place of ours, serving as many cells.  net-snmp's master turns a GETBULK
# into one AgentX GetNext per repetition, so bulk throughput is bounded by
# that round trip whatever the subagent does.
FLOOR=$top_builddir/bench/agentx-floor
if test -x "$FLOOR"; then
    "$FLOOR" "$AGENTX" "$N" $(( (cells + N - 1) / N )) 2>"$T/floor.log" &
    FLOOR_PID=$!
    snmp_pids="$FLOOR_PID $snmp_pids"
    APID=$FLOOR_PID
    i=0
    while ! grep -q serving "$T/floor.log" && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
    grep -q serving "$T/floor.log" || hard "agentx-floor did not register: $(cat "$T/floor.log")"
    echo "# agentx-floor, a subagent that does no work, in its place"
    idle_rounds floor- :
    kill "$FLOOR_PID" 2>/dev/null
    wait "$FLOOR_PID" 2>/dev/null
else
    echo "# no $FLOOR: build it (make bench/agentx-floor) for the ceiling"
fi

# Polls during the walks.  A round starts one agent polling every 4 s and
# walks it just after a poll, then one polling every 0.5 s (25-35 ms of
# work per poll for 1000 domains), so a walk spans dozens of polls and
# every snapshot swap (the tables rebuild their rows) lands inside it.
# Alternating the two in each round keeps the machine's drift out of the
# comparison.  $1: "" to poll libvirt, virtmond- to read virtmond; $2 names it.
POLL_ROUNDS=${3:-$((ROUNDS + 1))}
poll_rounds() {
    round=0
    while test $round -lt "$POLL_ROUNDS"; do
        for iv in 4s 0.5s; do
            test "$1" = virtmond- && snmp_start_virtmond "test://$T/bench.xml" $iv
            snmp_start_agent "test://$T/bench.xml" "interval $iv
answerCpus 0"
            APID=$AGENT_PID
            wait_rows
            for where in one all; do
                place $where
                if test $iv = 4s; then
                    after_poll; walk "${1}idle-"
                    after_poll; bulkwalk "${1}idle-"
                else
                    walk "${1}polling-"
                    bulkwalk "${1}polling-"
                fi
            done
            test $iv = 0.5s && test $round -eq $((POLL_ROUNDS - 1)) &&
                memory "$2, polls every 0.5 s"
            stop_agent
            test "$1" = virtmond- && stop_virtmond
        done
        round=$((round + 1))
    done
}
echo "# polls during the walks: rounds alternating a poll every 4 s (walked between two)"
echo "# and a poll every 0.5 s, 'one' and 'all'; the agent polling libvirt, then reading virtmond"
poll_rounds "" "agent polling libvirt"
poll_rounds virtmond- "agent reading virtmond"

# For scale: snmpd answering MIB-2 (some thousand varbinds) in-process,
# no subagent involved.  'one' pins snmpd alone, 'all' the client with it.
APID=$SNMPD_PID
echo "# snmpd's own MIB-2, in-process"
for where in $PLACES; do
    place $where
    walk snmpd-mib2- .1.3.6.1.2.1
    bulkwalk snmpd-mib2- .1.3.6.1.2.1
done

# Medians, and the issue's targets: >= 25k varbinds/s bulk, >= 6k/s walk,
# RSS < 20 MiB, and the same throughput while polls run.
echo "# medians (varbinds/s)"
awk '{ v[$1, ++n[$1]] = $8 + 0; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
     END {
         for (i = 1; i <= k; i++) {
             l = order[i]; m = n[l]
             for (a = 1; a <= m; a++) x[a] = v[l, a]
             for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
             med[l] = m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
             printf "%-34s %6.0f (%d)\n", l, med[l], m
         }
         for (i = 1; i <= k; i++) {
             l = order[i]
             if (l ~ /polling-/) {
                 base = l; sub(/polling-/, "idle-", base)
                 if (base in med)
                     printf "%-34s %5.1f%% of %s\n", l, 100 * med[l] / med[base], base
             }
         }
     }' "$T/figures"