#!/bin/sh
# virtmon-agentx's command line and virtmon.conf handling: --help, -n,
# and a bad line refusing to start with its line number.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup

"$AGENT" --help > "$T/help" 2>&1 || fail "--help failed"
grep -q -- '-x ADDRESS' "$T/help" || fail "--help does not describe -x"
# every virtmon.conf key, spelled as the file takes it
for key in uri interval window domainInclude domainExclude workers allowActions shutdownTimeout \
        compat agentXDirect source answerCpus; do
    grep -q "\b$key\b" "$T/help" || fail "--help does not name the virtmon.conf key $key"
done
for key in checkSocket checkSocketGroup agentSocket; do
    grep -q "\b$key\b" "$T/help" && fail "--help names the removed key $key"
done
"$AGENT" -V | grep -q 'virtmon-agentx' || fail "-V"
"$AGENT" --no-such-option >/dev/null 2>&1 && fail "an unknown option was accepted"

printf 'uri test:///default\ninterval 5s\nallowActions start,destroy\ncompat no\n' > "$T/good.conf"
out=$("$AGENT" -n -c "$T/good.conf" 2>&1) || fail "good config refused: $out"
echo "$out" | grep -q 'configuration OK' || fail "-n printed: $out"
# snmpd's access control is snmpd's business, not the subagent's check
echo "$out" | grep -q 'access control' && fail "-n warned about access control: $out"

printf 'uri test:///default\n\ninterval soon\n' > "$T/bad1.conf"
out=$("$AGENT" -n -c "$T/bad1.conf" 2>&1) && fail "bad interval accepted"
echo "$out" | grep -q 'line 3' || fail "no line number in: $out"
echo "$out" | grep -q "interval: 'soon'" || fail "no reason in: $out"

printf 'allowActions start,explode\n' > "$T/bad2.conf"
out=$("$AGENT" -n -c "$T/bad2.conf" 2>&1) && fail "unknown action accepted"
echo "$out" | grep -q "explode" || fail "unknown action not named: $out"

printf 'compat maybe\n' > "$T/bad3.conf"
"$AGENT" -n -c "$T/bad3.conf" >/dev/null 2>&1 && fail "compat maybe accepted"

# source: libvirt[:URI] or virtmond[:/abs/PATH]; each bad value names its line
refused() {   # FILE-CONTENT EXPECTED-MESSAGE: the agent refuses it, saying that
    printf "$1" > "$T/refused.conf"
    out=$("$AGENT" -n -c "$T/refused.conf" 2>&1) && fail "accepted: $1"
    echo "$out" | grep -qF "$T/refused.conf: $2" || fail "for '$1' expected '$2' in: $out"
    echo "$out" | grep -q 'configuration OK' && fail "'$1' said configuration OK: $out"
    return 0
}
refused 'compat no\nsource snmp:x\n' "line 2: Error: source: 'snmp:x' is neither libvirt[:URI] nor virtmond[:PATH]"
refused 'source virtmond:run/x.sock\n' "line 1: Error: source: virtmond's socket 'run/x.sock' is not an absolute path"
refused 'source virtmond:\n' "line 1: Error: source: 'virtmond:' names no socket after the colon"
# virtmond polls, so the polling keys are refused either way round
refused 'source virtmond:/run/x.sock\ninterval 5s\nwindow 1h\n' \
    'line 3: Error: window: not with source virtmond: virtmond polls libvirt'
refused 'source virtmond:/run/x.sock\nshutdownTimeout 1m\n' \
    'line 2: Error: shutdownTimeout: not with source virtmond'
refused 'source virtmond:/run/x.sock\n\nworkers 2\n' 'line 3: Error: workers: not with source virtmond'
refused 'window 1h\nsource virtmond:/run/x.sock\n' 'line 2: Error: source: virtmond not with window'
for good in 'source libvirt' 'source libvirt:test:///default' 'source virtmond' \
        'source virtmond:/run/virtmon/virtmond.sock\ninterval 5s\ncompat no' \
        'uri test:///default\nsource virtmond:/run/x.sock\ndomainInclude web*' \
        'source virtmond:/run/x.sock\nallowActions suspend,resume'; do
    printf "$good\n" > "$T/source.conf"
    out=$("$AGENT" -n -c "$T/source.conf" 2>&1) || fail "'$good' refused: $out"
    echo "$out" | grep -q 'configuration OK' || fail "'$good': $out"
done

# The keys of the agent that served checks itself are gone: virtmond is the
# one collector and socket server.  Each is refused, saying what replaces it.
refused 'compat no\nagentSocket /run/x.sock\n' \
    "line 2: Error: agentSocket: removed: write 'source virtmond:PATH'"
refused 'checkSocket /run/virtmon/check.sock\n' \
    'line 1: Error: checkSocket: removed: the agent no longer serves the checks; run virtmond and point the checks at it with --source virtmond[:PATH]'
refused 'uri test:///default\n\ncheckSocketGroup nagios\n' \
    "line 3: Error: checkSocketGroup: removed: the agent no longer serves the checks; virtmond's --socket-group"

# answerCpus: a CPU list, checked against the host
printf 'source virtmond:/run/x.sock\nanswerCpus 0\n' > "$T/cpus.conf"
out=$("$AGENT" -n -c "$T/cpus.conf" 2>&1) || fail "answerCpus 0 refused: $out"
for bad in '1-0' '0-x' '0,' '-1' 'all'; do
    printf 'uri test:///default\n\nanswerCpus %s\n' "$bad" > "$T/bad-cpus.conf"
    out=$("$AGENT" -n -c "$T/bad-cpus.conf" 2>&1) && fail "answerCpus $bad accepted"
    echo "$out" | grep -q "line 3: Error: answerCpus: '$bad' is not a CPU list" ||
        fail "answerCpus $bad: $out"
done
printf 'answerCpus 0,4096\n' > "$T/bad-cpus.conf"
out=$("$AGENT" -n -c "$T/bad-cpus.conf" 2>&1) && fail "answerCpus 4096 accepted"
echo "$out" | grep -q "line 1: Error: answerCpus: no CPU 4096 on this host" || fail "4096: $out"

# Every number is range-checked, the message naming line, key, value and
# range (the ranges docs/snmp.md lists)
refused 'interval 0.0001s\n' "line 1: Error: interval: '0.0001s' is out of range 0.5 s..1 d"
refused 'compat no\ninterval 1e308\n' "line 2: Error: interval: '1e308' is out of range 0.5 s..1 d"
refused 'interval 9223372036854775807\n' "line 1: Error: interval: '9223372036854775807' is out of range 0.5 s..1 d"
refused 'window 1e308\n' "line 1: Error: window: '1e308' is out of range 10 s (the interval)..7 d"
refused 'shutdownTimeout 1e308\n' "line 1: Error: shutdownTimeout: '1e308' is out of range 1 s..1 d"
refused 'workers 65\n' "line 1: Error: workers: '65' is out of range 0..64"
# A token nothing takes (a typo, an snmpd.conf line) is only a warning to
# net-snmp's reader; the agent would run without it: refused like the rest.
refused 'interval 5s\nintervall 10s\n' "line 2: Warning: Unknown token: intervall."
echo "$out" | grep -q 'not starting (an unknown token is an error to virtmon-agentx)' ||
    fail "unknown token: no verdict saying why: $out"
refused 'disk / 10000\n' "line 1: Warning: Unknown token: disk."

# -n prints virtmon's verdict and nothing else: no word of snmpd's access
# control, nor of net-snmp's persistent file (/var/lib/snmp/virtmon.conf),
# which a config check neither reads nor rewrites, also as a user who may
# not write there.
printf 'uri test:///default\ninterval 5s\nagentXPingInterval 5\n' > "$T/ok.conf"
out=$("$AGENT" -n -c "$T/ok.conf" 2>&1) || fail "ok.conf refused: $out"
test "$out" = "configuration OK" || fail "-n printed more than its verdict: $out"
if test "$(id -u)" = 0 && id nobody >/dev/null 2>&1; then
    cp "$T/ok.conf" "$T.ok.conf" && chmod 644 "$T.ok.conf"
    out=$(su nobody -s /bin/sh -c "'$AGENT' -n -c '$T.ok.conf'" 2>&1)
    rc=$?
    rm -f "$T.ok.conf"
    case $out in
    *"Permission denied"*|*"cannot execute"*) echo "# nobody cannot run $AGENT here: that part skipped" ;;
    *) test "$rc" = 0 && test "$out" = "configuration OK" ||
        fail "-n as nobody printed more than its verdict (exit $rc): $out" ;;
    esac
fi

# A key given twice: the later line wins, as with net-snmp's own
# single-valued tokens (sysLocation twice in snmpd.conf serves the second)
# and its *.local.conf files, read last to override (snmp_config(5)).  The
# running agent below is started with "interval 1s", then "interval 2s".

# a daemon with a bad file must not start either
"$AGENT" -f -Lf "$T/agent.log" -c "$T/bad1.conf" -x "$T/none.sock" && fail "started with a bad config"

# Running with answerCpus: the thread answering snmpd (the main one) is on
# that CPU only, the poll thread and libvirt's on the process's other CPUs
# (on all of them when it has no other), and it answers.
allowed() { awk '$1 == "Cpus_allowed_list:" { print $2 }' "$1"; }
# cpus LIST: one CPU number per word, "0-2,5" -> "0 1 2 5"
cpus() {
    echo "$1" | awk -F, '{ for (i = 1; i <= NF; i++) { n = split($i, r, "-");
        for (c = r[1]; c <= r[n]; c++) printf "%d ", c } }'
}
mine=$(allowed /proc/$$/status)
first=${mine%%[,-]*}
rest=$(for c in $(cpus "$mine"); do test "$c" = "$first" || printf '%d ' "$c"; done)
test -n "$rest" || rest=$(cpus "$mine")
snmp_start_master
snmp_start_agent test:///default "answerCpus $first
interval 2s"
ival=$(snmp_get .1.3.6.1.4.1.99999.1.1.10.0)
test "$ival" = 2000 || fail "interval 1s then interval 2s: virtmonAgentPollInterval is $ival ms, not 2000"
test "$(allowed /proc/$AGENT_PID/task/$AGENT_PID/status)" = "$first" ||
    fail "answering thread on $(allowed /proc/$AGENT_PID/task/$AGENT_PID/status), not $first"
others=0
for t in /proc/$AGENT_PID/task/*; do
    test "${t##*/}" = "$AGENT_PID" && continue
    test "$(cpus "$(allowed $t/status)")" = "$rest" ||
        fail "thread ${t##*/} on $(allowed $t/status), not $rest"
    others=$((others + 1))
done
test $others -ge 1 || fail "no poll thread seen"
uuid=$(virsh -c test:///default domuuid test) || hard "virsh domuuid"
name=$(snmp_get .1.3.6.1.4.1.99999.1.3.1.2.$(uuid_oid "$uuid"))
test "$name" = "\"$(virsh -c test:///default domname "$uuid")\"" ||
    fail "answerCpus agent served name $name for $uuid"
echo "ok: command line and config"
exit 0
