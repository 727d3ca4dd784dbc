#!/bin/sh
# virtmon-agentx's command line and virtmon.conf handling: --help, -n,
# and a bad line refusing to start with its line number.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup

"$AGENT" --help > "$T/help" 2>&1 || fail "--help failed"
grep -q -- '-x ADDRESS' "$T/help" || fail "--help does not describe -x"
"$AGENT" -V | grep -q 'virtmon-agentx' || fail "-V"
"$AGENT" --no-such-option >/dev/null 2>&1 && fail "an unknown option was accepted"

printf 'uri test:///default\ninterval 5s\nallowActions start,destroy\ncompat no\n' > "$T/good.conf"
out=$("$AGENT" -n -c "$T/good.conf" 2>&1) || fail "good config refused: $out"
echo "$out" | grep -q 'configuration OK' || fail "-n printed: $out"

printf 'uri test:///default\n\ninterval soon\n' > "$T/bad1.conf"
out=$("$AGENT" -n -c "$T/bad1.conf" 2>&1) && fail "bad interval accepted"
echo "$out" | grep -q 'line 3' || fail "no line number in: $out"
echo "$out" | grep -q "interval: 'soon'" || fail "no reason in: $out"

printf 'allowActions start,explode\n' > "$T/bad2.conf"
out=$("$AGENT" -n -c "$T/bad2.conf" 2>&1) && fail "unknown action accepted"
echo "$out" | grep -q "explode" || fail "unknown action not named: $out"

printf 'compat maybe\n' > "$T/bad3.conf"
"$AGENT" -n -c "$T/bad3.conf" >/dev/null 2>&1 && fail "compat maybe accepted"

# agentSocket: virtmond polls, so the polling keys are refused either way round
printf 'interval 5s\nagentSocket /run/virtmon/virtmond.sock\ncompat no\n' > "$T/feed.conf"
out=$("$AGENT" -n -c "$T/feed.conf" 2>&1) || fail "agentSocket config refused: $out"
printf 'agentSocket /run/x.sock\ninterval 5s\nshutdownTimeout 1m\n' > "$T/bad4.conf"
out=$("$AGENT" -n -c "$T/bad4.conf" 2>&1) && fail "shutdownTimeout with agentSocket accepted"
echo "$out" | grep -q 'line 3: Error: shutdownTimeout: not with agentSocket' || fail "bad4: $out"
# virtmond runs the actions, and SNMP may ask only for those both allow
printf 'agentSocket /run/x.sock\nallowActions suspend,resume\n' > "$T/feed-act.conf"
out=$("$AGENT" -n -c "$T/feed-act.conf" 2>&1) || fail "allowActions with agentSocket refused: $out"
printf 'uri test:///default\nagentSocket /run/x.sock\n' > "$T/bad5.conf"
out=$("$AGENT" -n -c "$T/bad5.conf" 2>&1) && fail "agentSocket after uri accepted"
echo "$out" | grep -q 'line 2: Error: agentSocket: not with uri' || fail "bad5: $out"

# a daemon with a bad file must not start either
"$AGENT" -f -Lf "$T/agent.log" -c "$T/bad1.conf" -x "$T/none.sock" && fail "started with a bad config"
echo "ok: command line and config"
exit 0
