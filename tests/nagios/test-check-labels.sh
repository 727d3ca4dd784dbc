#!/bin/sh
# check_virt_domain --label NAME=GLOB against the test driver: which domains
# a label selects (globs, several ANDed, an absent label never matches), the
# title in the output, and bad --label / --label-def arguments; the same
# through virtmond, whose own declarations apply.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

URI="test://$(cd "$srcdir/tests/integ/fixtures" && pwd)/labels.xml"
SITE=https://example.org/virtmon-test/1
NOVA="--label-def nova"

run "$CHECK_DOMAIN" --uri "$URI" -d web1 --perfdata none
expect_rc 0 "web1 by name"
expect_first '^VIRT OK - web1 \(Web frontend\) running' "the title after the name (virsh: $(virsh -c "$URI" desc web1 --title))"
run "$CHECK_DOMAIN" --uri "$URI" -d plain --perfdata none
expect_first '^VIRT OK - plain running' "no title, no parentheses"

run "$CHECK_DOMAIN" --uri "$URI" $NOVA --label 'nova.project=web*' -v
expect_rc 0 "--label nova.project=web*"
expect_first '^VIRT OK - 1 domain: 1 running' "one domain selected by a glob"
expect_out '^\[OK\] web1 \(Web frontend\): running' "web1 with its title"
printf '%s\n' "$OUT" | grep -q 'db1'
ok $((! $?)) "db1 (project backoffice) left out"

run "$CHECK_DOMAIN" --uri "$URI" $NOVA --label 'nova.user=*' -v --perfdata all
expect_first '^VIRT OK - 2 domains' "nova.user=* selects the two Nova domains (1.1 and 1.0 namespaces)"
[ "$(perf domains)" = 2 ]
ok $? "perfdata domains=2 counts the selected ones ($(perf domains))"
printf '%s\n' "$OUT" | grep -q 'plain'
ok $((! $?)) "plain, without the label, never matches '*'"

run "$CHECK_DOMAIN" --uri "$URI" $NOVA --label 'nova.user=*' --label nova.flavor=m1.large -v
expect_first '^VIRT OK - 1 domain' "two --label are ANDed"
expect_out '^\[OK\] db1 \(Database\): running' "db1 is the m1.large one"

run "$CHECK_DOMAIN" --uri "$URI" --label-def "team $SITE vm/team" -d '*1' --label team=dba
expect_first '^VIRT OK - 1 domain' "--label narrows a -d pattern (custom namespace)"

run "$CHECK_DOMAIN" --uri "$URI" $NOVA --label nova.user=carol
expect_rc 3 "no domain has the label value"
expect_first "^VIRT UNKNOWN - no domain matches label nova.user=carol at " "says which label matched nothing"

run "$CHECK_DOMAIN" --uri "$URI" --label nova.user=alice
expect_rc 3 "the label not declared: nothing has it"

run "$CHECK_DOMAIN" --uri "$URI" --label novalue
expect_rc 3 "--label without '='"
expect_first "^VIRT UNKNOWN - --label 'novalue': expected NAME=GLOB" "names the bad argument"
run "$CHECK_DOMAIN" --uri "$URI" -d web1 --label a=b
expect_first "^VIRT UNKNOWN - --label chooses among several domains" "--label with one named domain"
run "$CHECK_DOMAIN" --uri "$URI" --all --label-def "team example.org vm/team"
expect_rc 3 "a bad declaration"
expect_first "^VIRT UNKNOWN - --label-def: label 'team': 'example.org' is not a namespace URI" "names the option"

# through virtmond: its declarations, the check's --label
D=./tools/virtmond
if [ -x "$D" ]; then
    SOCK=$TEST_TMP/v.sock
    "$D" -c "$URI" -i 1 -s "$SOCK" --label-def nova 2>"$TEST_TMP/d.log" &
    dpid=$!
    for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
    sleep 0.5
    run "$CHECK_DOMAIN" --source "virtmond:$SOCK" --label nova.project=backoffice -v
    expect_first '^VIRT OK - 1 domain' "virtmond's labels select"
    expect_out '^\[OK\] db1 \(Database\): running' "and carry the title"
    run "$CHECK_DOMAIN" --source "virtmond:$SOCK" --label-def nova --all
    expect_first "^VIRT UNKNOWN - --label-def: not with source virtmond" "--label-def with virtmond is refused"
    kill "$dpid"; wait "$dpid" 2>/dev/null
fi
finish
