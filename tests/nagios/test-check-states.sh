#!/bin/sh
# check_virt_domain's state policy against the test driver: every libvirt
# state maps to its default plugin state, and to whatever --state says.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

URI="test://$FIXTURES/states.xml"
# state name in libvirt / default exit code for a domain named on the command line
DEFAULTS="running:0 blocked:1 paused:1 shutdown:1 shutoff:2 crashed:2 pmsuspended:1"

for pair in $DEFAULTS; do
    st=${pair%%:*} want=${pair#*:}
    run "$CHECK_DOMAIN" --uri "$URI" -d "vm-$st" --perfdata none
    expect_rc "$want" "named vm-$st by default"
done

# Each state mapped to every level in turn: the mapping is exact, not "non-zero".
for pair in $DEFAULTS; do
    st=${pair%%:*}
    for level in ok:0 warning:1 critical:2 unknown:3; do
        run "$CHECK_DOMAIN" --uri "$URI" -d "vm-$st" --perfdata none --state "$st=${level%%:*}"
        expect_rc "${level#*:}" "vm-$st with --state $st=${level%%:*}"
    done
done

# By UUID as well as by name
uuid=$(virsh -c "$URI" domuuid vm-paused | head -n 1)
run "$CHECK_DOMAIN" --uri "$URI" -d "$uuid" --perfdata none
expect_rc 1 "vm-paused by UUID $uuid"
expect_first '^VIRT WARNING - vm-paused paused' "UUID lookup reports the name"

# Several domains: shut off is only CRITICAL with autostart (none here).
run "$CHECK_DOMAIN" --uri "$URI" --all
expect_rc 2 "--all: crashed makes it CRITICAL"
expect_first '7 domains: 1 running, 1 blocked, 1 paused, 1 shutting down, 1 shut off, 1 crashed, 1 pmsuspended' \
    "--all summary counts every state"
expect_first 'CRITICAL: vm-crashed;' "--all names the critical domain"
expect_out '^\[CRITICAL\] vm-crashed: crashed' "a line for the crashed domain"
expect_out '^\[WARNING\] vm-paused: paused' "a line for the paused domain"
printf '%s\n' "$OUT" | grep -q 'vm-shutoff'
ok $((! $?)) "shut off without autostart is not a problem with --all (no line)"
printf '%s\n' "$OUT" | grep -q '^\[OK\] vm-running'
ok $((! $?)) "OK domains get no line without -v"
[ "$(perf domains)" = 7 ] && [ "$(perf domains_crashed)" = 1 ] && [ "$(perf domains_running)" = 1 ]
ok $? "--all perfdata counts domains per state"

run "$CHECK_DOMAIN" --uri "$URI" --all -v
[ "$(printf '%s\n' "$OUT" | grep -c '^\[')" -eq 7 ]
ok $? "-v gives one line per domain (7)"

run "$CHECK_DOMAIN" --uri "$URI" --all --state shutoff=critical
expect_out '^\[CRITICAL\] vm-shutoff' "--state shutoff=critical applies to --all too"
run "$CHECK_DOMAIN" --uri "$URI" --all --state shutoff-manual=warning,crashed=ok,blocked=ok,paused=ok,shutdown=ok,pmsuspended=ok
expect_rc 1 "--all with only shutoff-manual=warning left"

# Patterns select several; --exclude removes.
run "$CHECK_DOMAIN" --uri "$URI" -d 'vm-p*'
expect_rc 1 "glob vm-p* (paused, pmsuspended)"
expect_first '^VIRT WARNING - 2 domains' "glob selected exactly two"
run "$CHECK_DOMAIN" --uri "$URI" -d 'vm-running,vm-crashed'
expect_first '^VIRT CRITICAL - 2 domains' "comma list selects two"
run "$CHECK_DOMAIN" --uri "$URI" --all --exclude 'vm-crashed'
expect_rc 1 "--exclude vm-crashed leaves WARNING"
run "$CHECK_DOMAIN" --uri "$URI" -d 'nomatch*'
expect_rc 3 "a pattern matching nothing is UNKNOWN"
expect_first "no domain matches 'nomatch\*'" "and says so"

# Unknown domain, bad --state
run "$CHECK_DOMAIN" --uri "$URI" -d vm-nosuch
expect_rc 3 "unknown domain is UNKNOWN"
expect_first "^VIRT UNKNOWN - no domain 'vm-nosuch' at test://" "message names domain and URI"
run "$CHECK_DOMAIN" --uri "$URI" -d vm-running --state paused=fatal
expect_rc 3 "--state with a bad level"
expect_first "paused=fatal" "message quotes the bad part"
run "$CHECK_DOMAIN" --uri "$URI" -d vm-running --state frozen=ok
expect_rc 3 "--state with an unknown domain state"
expect_first "'frozen'" "message quotes the unknown state"

finish
