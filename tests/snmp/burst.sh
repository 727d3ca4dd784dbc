#!/bin/sh
# A burst of lifecycle events while the subagent is slow cannot wedge the
# master.  virtmond runs suspend/resume actions on a test-driver file as
# fast as it can (thousands of events a second), the subagent reads
# virtmond's events and sends two notifications per event (compat yes),
# snmpbulkwalks keep snmpd writing requests to the subagent, and the
# subagent is stopped (SIGSTOP) for a while in each try, so its backlog is
# a full queue when it wakes.  At every probe snmpd must answer its own
# sysUpTime.0 within 1 s; at the end both exit on SIGTERM.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
for tool in python3 bash snmpbulkwalk; do
    command -v $tool >/dev/null 2>&1 || skip "$tool not installed"
done

TRIES=${BURST_TRIES:-10}
NDOM=99
bash "$srcdir/tests/integ/gen-test-xml.sh" $((NDOM + 1)) "$T/burst.xml" 0 0 >/dev/null ||
    hard "gen-test-xml.sh failed"

# snmpd sends every trap to a counter of datagrams
TRAP_PORT=$(snmp_pick_port)
python3 "$srcdir/tests/snmp/burst.py" count-udp $TRAP_PORT "$T/traps" &
COUNTER_PID=$!
snmp_pids="$snmp_pids $COUNTER_PID"
snmp_start_master "trap2sink udp:127.0.0.1:$TRAP_PORT public"
snmp_start_virtmond "test://$T/burst.xml" 1s --allow-actions suspend,resume --socket-mode 0600
snmp_start_agent unused

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# one probe: sysUpTime.0 within 1 s; prints the milliseconds it took
probe() {
    t0=$(now_ms)
    snmpget -v2c -c public -t 1 -r 0 -On -Oqv 127.0.0.1:$SNMP_PORT .1.3.6.1.2.1.1.3.0 \
        >/dev/null 2>&1 || return 1
    t1=$(now_ms)
    test $((t1 - t0)) -le 1000 || return 1
    echo $((t1 - t0))
}

walkers() {
    for w in 1 2 3; do
        ( while :; do
              snmpbulkwalk -v2c -c public -t 1 -r 0 -Cr50 -On 127.0.0.1:$SNMP_PORT \
                  .1.3.6.1.4.1.99999 >/dev/null 2>&1
          done ) &
        walker_pids="$walker_pids $!"
    done
}
walker_pids=
# where each process waits in the kernel, and the AgentX socket's queues
stuck() {
    echo "snmpd in $(cat /proc/$SNMPD_PID/wchan 2>/dev/null), agent in" \
         "$(cat /proc/$AGENT_PID/wchan 2>/dev/null);" \
         "AgentX queues (recv send): $(ss -xH 2>/dev/null | awk -v s="$AGENTX" '$5 == s { print $3, $4 }' | tr '\n' ' ')"
}
stop_walkers() { for p in $walker_pids; do kill $p 2>/dev/null; done; walker_pids=; }

max_ms=0 probes=0 events=0
try=1
while test $try -le $TRIES; do
    walkers
    python3 "$srcdir/tests/snmp/burst.py" actions "$AGENT_FEED" $NDOM 4 > "$T/burst.out" &
    burst=$!
    sleep 0.5
    kill -STOP "$AGENT_PID"
    sleep 2
    kill -CONT "$AGENT_PID"
    end=$(( $(date +%s) + 4 ))
    while test "$(date +%s)" -lt $end; do
        ms=$(probe) || { stop_walkers; fail "try $try: snmpd did not answer sysUpTime.0 within 1 s; $(stuck)"; }
        probes=$((probes + 1))
        test "$ms" -gt $max_ms && max_ms=$ms
        sleep 0.2
    done
    wait $burst
    events=$((events + $(cat "$T/burst.out")))
    stop_walkers
    kill -0 "$AGENT_PID" 2>/dev/null || fail "try $try: the subagent died"
    # and the subagent answers again once its backlog is sent
    snmp_wait_polls 1 || fail "try $try: the subagent does not answer; $(stuck)"
    snmp_log "try $try: $(cat "$T/burst.out") events, slowest probe so far ${max_ms} ms"
    try=$((try + 1))
done
dropped=$(snmp_get .1.3.6.1.4.1.99999.1.1.14.0)
kill -TERM $COUNTER_PID
wait $COUNTER_PID
traps=$(cat "$T/traps")
snmp_log "$TRIES tries, $events lifecycle events in virtmond, $probes probes, slowest ${max_ms} ms;" \
    "$traps traps reached the sink (two per event the subagent took), virtmonAgentEventsDropped $dropped"
# two notifications per event (compat yes): the burst did go through snmpd
test "$traps" -ge $((2 * TRIES * NDOM)) || fail "only $traps traps reached the sink"

for p in $SNMPD_PID $AGENT_PID; do
    kill -TERM $p
done
for p in $SNMPD_PID $AGENT_PID; do
    i=0
    while kill -0 $p 2>/dev/null; do
        test $i -lt 50 || fail "process $p did not exit within 5 s of SIGTERM"
        sleep 0.1
        i=$((i + 1))
    done
done
echo "ok: no wedged master in $TRIES tries ($events events, slowest probe ${max_ms} ms)"
exit 0
