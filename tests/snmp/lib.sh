# Sourced by the SNMP face's tests: a private snmpd master on loopback, the
# subagent under test, and cleanup of both by process id.
#
#   . "$srcdir/tests/snmp/lib.sh"
#   snmp_setup                      temp dir, cleanup trap, tool checks
#   snmp_start_master [extra conf]  snmpd on 127.0.0.1:$SNMP_PORT
#   snmp_start_agent URI [conf]     virtmon-agentx; waits for its first poll
#   snmp_get OID...                 value only (-Oqv), public community
#
# Exit codes follow automake: 77 skip (a tool is missing), 99 hard error
# (the setup itself failed: never reported as a pass).

srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
AGENT=${VMON_AGENTX:-$top_builddir/snmp/virtmon-agentx}
. "$srcdir/tests/snmp/mibpath.sh"

snmp_pids=
snmp_log() { printf '# %s\n' "$*"; }
fail() { echo "FAIL: $*"; snmp_dump_logs; exit 1; }
hard() { echo "ERROR: $*"; snmp_dump_logs; exit 99; }
skip() { echo "SKIP: $*"; exit 77; }

snmp_dump_logs() {
    for f in "$T"/*.log; do
        test -f "$f" || continue
        echo "---- $f (last 30 lines)"
        tail -n 30 "$f"
    done
}

snmp_cleanup() {
    for p in $snmp_pids; do
        kill "$p" 2>/dev/null
    done
    for p in $snmp_pids; do
        # wait up to 5 s, then insist
        i=0
        while kill -0 "$p" 2>/dev/null && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    test -n "$T" && rm -rf "$T"
}

snmp_setup() {
    for tool in snmpd snmpget snmpwalk snmpset snmptable; do
        command -v $tool >/dev/null 2>&1 || skip "$tool not installed (Debian: snmp, snmpd)"
    done
    test -x "$AGENT" || hard "$AGENT not built"
    T=$(mktemp -d "${TMPDIR:-/tmp}/vmon-snmp.XXXXXX") || hard "mktemp"
    # a system test runs under tests/sys/lib.sh's EXIT trap and hands it
    # snmp_cleanup (sys_on_exit) instead of replacing it
    if test -z "$SNMP_NO_TRAP"; then
        trap snmp_cleanup EXIT
        trap 'exit 1' INT TERM
    fi
    # one directory holding VIRTMON-MIB and the IETF modules it imports
    MIBDIR=$T/mibs
    mkdir -p "$MIBDIR"
    cp "$srcdir/mibs/VIRTMON-MIB.txt" "$MIBDIR/"
    if test -n "$VMON_IETF_MIBDIR"; then
        for m in SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMPv2-MIB; do
            for f in "$VMON_IETF_MIBDIR/$m" "$VMON_IETF_MIBDIR/$m".*; do
                test -f "$f" && cp "$f" "$MIBDIR/$m.txt" && break
            done
        done
    fi
    # SNMP tools: no config files, no default MIB list, nothing but ours
    export SNMPCONFPATH=$T MIBS= MIBDIRS=$MIBDIR
}

# Whether symbolic names work (the IETF modules were found).
snmp_have_mibs() { test -n "$VMON_IETF_MIBDIR"; }
MIBOPTS() { echo "-M $MIBDIR -m VIRTMON-MIB"; }

snmp_pick_port() {
    # a random high port nobody listens on (UDP for snmpd)
    while :; do
        p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
        if ! ss -Hlun 2>/dev/null | grep -q ":$p\b"; then
            echo "$p"
            return
        fi
    done
}

snmp_start_master() {
    AGENTX=$T/agentx.sock
    tries=0
    while :; do
        SNMP_PORT=$(snmp_pick_port)
        cat > "$T/snmpd.conf" <<EOC
master agentx
agentXSocket $AGENTX
agentaddress udp:127.0.0.1:$SNMP_PORT
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
dontLogTCPWrappersConnects yes
$1
EOC
        snmpd -f -Lf "$T/snmpd.log" -I -smux -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" &
        SNMPD_PID=$!
        snmp_pids="$snmp_pids $SNMPD_PID"
        i=0
        while test $i -lt 50; do
            if snmpget -v2c -c public -t 0.2 -r 0 -On 127.0.0.1:$SNMP_PORT .1.3.6.1.2.1.1.3.0 \
                 >/dev/null 2>&1; then
                return 0
            fi
            kill -0 $SNMPD_PID 2>/dev/null || break
            sleep 0.1
            i=$((i + 1))
        done
        kill $SNMPD_PID 2>/dev/null
        tries=$((tries + 1))
        test $tries -lt 5 || hard "snmpd did not start (see $T/snmpd.log)"
    done
}

# Stop snmpd and start it again on the same port and AgentX socket.
snmp_restart_master() {
    kill "$SNMPD_PID" 2>/dev/null
    wait "$SNMPD_PID" 2>/dev/null
    snmpd -f -Lf "$T/snmpd.log" -I -smux -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" &
    SNMPD_PID=$!
    snmp_pids="$snmp_pids $SNMPD_PID"
}

# snmp_start_agent URI [EXTRA-CONF-LINES]: polling URI itself, or, with
# $AGENT_FEED set (snmp_start_virtmond), reading virtmond's snapshots of it
snmp_start_agent() {
    if test -n "$AGENT_FEED"; then source_line="source virtmond:$AGENT_FEED"; else source_line="uri $1"; fi
    cat > "$T/virtmon.conf" <<EOC
$source_line
interval 1s
$2
EOC
    $VMON_VALGRIND "$AGENT" -f -Lf "$T/agent.log" -x "$AGENTX" -c "$T/virtmon.conf" \
        -p "$T/agent.pid" &
    AGENT_PID=$!
    snmp_pids="$AGENT_PID $snmp_pids"
    snmp_wait_polls 2 || hard "the subagent served no data within 20 s"
}

# snmp_start_virtmond URI [INTERVAL [OPTION...]]: virtmond polling URI
# (every second) on its own socket; the next snmp_start_agent reads from it
# (AGENT_FEED).
snmp_start_virtmond() {
    AGENT_FEED=$T/virtmond.sock
    rm -f "$AGENT_FEED"
    vd_uri=$1 vd_interval=${2:-1s}
    shift; test $# -gt 0 && shift
    "$top_builddir/tools/virtmond" -c "$vd_uri" -i "$vd_interval" -s "$AGENT_FEED" "$@" \
        > "$T/virtmond.log" 2>&1 &
    VIRTMOND_PID=$!
    snmp_pids="$VIRTMOND_PID $snmp_pids"
    i=0
    until test -S "$AGENT_FEED"; do
        i=$((i + 1))
        test $i -lt 100 && kill -0 "$VIRTMOND_PID" 2>/dev/null || hard "virtmond did not start"
        sleep 0.1
    done
}

# Wait until the agent has served at least N polls (rates need two).
snmp_wait_polls() {
    i=0
    while test $i -lt 200; do
        seq=$(snmp_get .1.3.6.1.4.1.99999.1.1.13.0 2>/dev/null)
        case $seq in
        ''|*[!0-9]*) ;;
        *) test "$seq" -ge "$1" && return 0 ;;
        esac
        kill -0 "$AGENT_PID" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

snmp_get() {
    snmpget -v2c -c public -t 2 -r 1 -On -Oqv 127.0.0.1:$SNMP_PORT "$@"
}

# The 16 decimal sub-identifiers of a UUID string.
uuid_oid() {
    echo "$1" | tr -d '-' | sed 's/../& /g' | {
        read -r a b c d e f g h i j k l m n o p
        out=
        for x in $a $b $c $d $e $f $g $h $i $j $k $l $m $n $o $p; do
            out="$out.$((0x$x))"
        done
        echo "${out#.}"
    }
}

# virsh's state words as libvirt's (and the MIBs') state numbers.
state_number() {
    case $1 in
    running) echo 1 ;; idle|blocked) echo 2 ;; paused) echo 3 ;;
    "in shutdown") echo 4 ;; "shut off") echo 5 ;; crashed) echo 6 ;;
    pmsuspended) echo 7 ;; *) echo 0 ;;
    esac
}

# sset EXPECTED-ERROR OID TYPE VALUE: "ok" or the error name snmpset prints
# (counted in $checks)
sset() {
    want=$1; shift
    out=$(snmpset -v2c -c private -t 5 -r 0 -On 127.0.0.1:$SNMP_PORT "$@" 2>&1)
    case $want in
    ok) echo "$out" | grep -q ' = INTEGER' || fail "snmpset $*: $out" ;;
    *) echo "$out" | grep -q "Reason: $want" || fail "snmpset $*: expected $want, got: $out" ;;
    esac
    checks=$((checks + 1))
}

# The state columns come from the snapshot: a change shows after the next
# poll (interval 1s).  Wait for it against a deadline, not a count of
# tries, so a loaded machine gets the same 20 seconds as an idle one.
wait_state() {   # UUID-OID STATE, virtmonDomainState of that row ($D: the domain table)
    deadline=$(( $(date +%s) + 20 ))
    while test "$(snmp_get $D.4.$1)" != "$2"; do
        test "$(date +%s)" -lt "$deadline" ||
            fail "domain state did not become $2 in 20 s (is $(snmp_get $D.4.$1))"
        sleep 0.1
    done
}
