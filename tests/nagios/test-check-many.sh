#!/bin/sh
# check_virt_domain --all and check_virt_host over a generated test-driver
# file with hundreds of domains in several states (tests/integ/gen-test-xml.sh):
# counts per state, the resulting exit code, per-domain perfdata with
# predictable values, the odd-named domain's perfdata.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

GEN=$srcdir/tests/integ/gen-test-xml.sh
[ -r "$GEN" ] || { echo "Bail out! $GEN is missing"; exit 99; }
N=${VMON_NAGIOS_MANY:-300}
# memcheck makes a run ~20x slower: fewer domains keep each run inside -t
[ -n "${VMON_VALGRIND:-}" ] && N=${VMON_NAGIOS_MANY:-40}
XML=$TEST_TMP/many.xml
vars=$(bash "$GEN" "$N" "$XML") || { echo "Bail out! $GEN failed"; exit 99; }
eval "$vars"
echo "# generated: $vars"
URI="test://$XML"

# vcpus are 1..4 by construction: '--vcpus-warning 4' never alerts, so the
# state comes from the policy alone (paused WARNING, shut off without
# autostart OK), and every running domain's vcpus lands in the perfdata.
run "$CHECK_DOMAIN" --uri "$URI" --all --vcpus-warning 4
echo "# --all over $N domains: $SECS s"
want=0
[ "$paused" -gt 0 ] && want=1
expect_rc $want "--all over $N domains: paused ones make it WARNING"
expect_first "^VIRT [A-Z]+ - $domains domains: $running running, $paused paused, $shutoff shut off" \
    "summary counts: $running running, $paused paused, $shutoff shut off"
[ "$(printf '%s\n' "$OUT" | grep -Ec '^\[WARNING\] dom-[0-9]{4}.*: paused$')" -eq "$paused" ]
ok $? "one WARNING line per paused domain ($paused)"
perfdata_valid "perfdata of $N domains is valid"
[ "$(perf domains)" = "$domains" ] && [ "$(perf domains_running)" = "$running" ] &&
    [ "$(perf domains_paused)" = "$paused" ] && [ "$(perf domains_shutoff)" = "$shutoff" ]
ok $? "perfdata counts equal the generator's"
# per-domain values: vcpus = 1 + (i-1) % 4 for running domains
bad=0 checked=0
for i in 1 2 3 4 5 6 8 9 11 12; do
    name=$(printf 'dom-%04d' "$i")
    v=$(printf '%s\n' "$OUT" | "$PERFDATA_GET" "$name::vcpus" 2>/dev/null) || continue
    checked=$((checked + 1))
    [ "$v" = $((1 + (i - 1) % 4)) ] || { echo "# $name::vcpus = $v"; bad=1; }
done
[ $bad -eq 0 ] && [ $checked -ge 5 ]
ok $? "per-domain vcpus follow 1 + (i-1) % 4 ($checked checked)"
[ "$(perf "$odd_name::vcpus")" = $((1 + (domains - 1) % 4)) ]
ok $? "the odd-named domain's label reads back: '$odd_name::vcpus'"

# The odd-named domain alone, by name.
run "$CHECK_DOMAIN" --uri "$URI" -d "$odd_name" --interval 0.2
perfdata_valid "odd name alone: valid perfdata"
expect_first "^VIRT [A-Z]+ - dom-$(printf '%04d' "$domains") odd 'single' \"double\" & " "odd name alone: named in the text"

# Host check over the same file.
run "$CHECK_HOST" --uri "$URI" --interval 0.2
expect_rc 0 "host over $N domains: none crashed"
[ "$(perf domains)" = "$domains" ] && [ "$(perf domains_paused)" = "$paused" ]
ok $? "host counts equal the generator's"

finish
