#!/bin/bash
# Domain labels (vmon-labels.h) on the test driver: what virtmon-dump and
# virtmond's wire carry for each domain equals what virsh reads from the
# same XML (virsh desc --title, virsh desc, virsh metadata URI), a missing
# element is an absent label, the XML is fetched once per domain and not
# per poll, and a bad declaration is refused naming where it is.
: "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" labels
FIX=$(cd "$srcdir/tests/integ/fixtures" && pwd)/labels.xml
LURI=test://$FIX
SITE=https://example.org/virtmon-test/1
NOVA11=http://openstack.org/xmlns/libvirt/nova/1.1
NOVA10=http://openstack.org/xmlns/libvirt/nova/1.0
DEFS=(--label-def nova --label-def "team $SITE vm/team" --label-def "tier $SITE vm/env/@tier"
      --label-def "missing $SITE vm/nothere")

# virsh's answer for one label: the element under the namespace's root element
meta() {   # meta DOMAIN URI XPATH-UNDER-ROOT
    virsh -c "$LURI" metadata "$1" "$2" 2>/dev/null | xmllint --xpath "string(/*/$3)" - 2>/dev/null
}
title() { virsh -c "$LURI" desc "$1" --title 2>/dev/null | grep -v '^No title' | sed '/^$/d'; }
descr() { virsh -c "$LURI" desc "$1" 2>/dev/null | grep -v '^No description' | sed '/^$/d'; }
nova() {   # nova DOMAIN XPATH: whichever namespace version the domain has
    local v; v=$(meta "$1" $NOVA11 "$2"); [ -n "$v" ] || v=$(meta "$1" $NOVA10 "$2"); echo "$v"
}
command -v xmllint >/dev/null || { echo "SKIP: xmllint not installed"; exit 77; }

# compare_dom JSON DOMAIN: every label and the title/description against virsh
compare_dom() {
    local json=$1 d=$2 how=$3 dom
    dom=$(jq -c --arg n "$d" '.domains[] | select(.name == $n)' <<<"$json")
    [ -n "$dom" ] || { nok "$how: $d missing"; return; }
    check "$how $d title" "$(title "$d")" "$(jq -r '.title // empty' <<<"$dom")"
    check "$how $d description" "$(descr "$d")" "$(jq -r '.description // empty' <<<"$dom")"
    check "$how $d team" "$(meta "$d" $SITE team)" "$(jq -r '.labels.team // empty' <<<"$dom")"
    check "$how $d tier" "$(meta "$d" $SITE env/@tier)" "$(jq -r '.labels.tier // empty' <<<"$dom")"
    check "$how $d nova.name" "$(nova "$d" 'name')" "$(jq -r '.labels["nova.name"] // empty' <<<"$dom")"
    check "$how $d nova.flavor" "$(nova "$d" 'flavor/@name')" "$(jq -r '.labels["nova.flavor"] // empty' <<<"$dom")"
    check "$how $d nova.user" "$(nova "$d" 'owner/user')" "$(jq -r '.labels["nova.user"] // empty' <<<"$dom")"
    check "$how $d nova.project" "$(nova "$d" 'owner/project')" "$(jq -r '.labels["nova.project"] // empty' <<<"$dom")"
    check "$how $d: no 'missing' label" "null" "$(jq -r '.labels.missing' <<<"$dom")"
}

json=$($VG "$DUMP" --json -c "$LURI" "${DEFS[@]}") || { echo "ERROR: virtmon-dump failed"; exit 99; }
for d in web1 db1 plain; do compare_dom "$json" $d dump; done
# the values themselves, so an empty virsh answer cannot pass as agreement
check "web1 labels" '{"nova.name":"web-frontend-1","nova.flavor":"m1.small","nova.user":"alice","nova.project":"webshop","team":"web","tier":"prod"}' \
    "$(jq -c '.domains[] | select(.name == "web1") | .labels' <<<"$json")"
check "db1 (Nova 1.0) project" backoffice "$(jq -r '.domains[] | select(.name == "db1") | .labels["nova.project"]' <<<"$json")"
check "plain has no labels" '{}' "$(jq -c '.domains[] | select(.name == "plain") | .labels' <<<"$json")"
check "without declarations: title only" '"Web frontend" {}' \
    "$("$DUMP" --json -c "$LURI" | jq -c '.domains[] | select(.name == "web1") | .title, .labels' | paste -sd' ')"
table=$("$DUMP" -c "$LURI" "${DEFS[@]}" --include web1)
grep -qx '  title Web frontend' <<<"$table" && grep -qx '  label nova.project=webshop' <<<"$table" \
    && ok "table shows title and labels" || nok "table: $(grep -E 'title|label' <<<"$table")"

# virtmond: the same over the wire, and the XML fetched once per domain
SOCK=$dir/v.sock
$VG "$D" -c "$LURI" -i 0.5 -s "$SOCK" "${DEFS[@]}" 2>"$dir/d.log" &
dpid=$!; pids="$pids $dpid"
for _ in $(seq 1 300); do "$FETCH" "$SOCK" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 2   # several polls
wjson=$("$DUMP" --json --source "virtmond:$SOCK") || nok "dump --source virtmond failed"
for d in web1 db1 plain; do compare_dom "$wjson" $d wire; done
polls=$(jq -r .health.polls <<<"$wjson")
[ "$polls" -ge 3 ] && ok "virtmond polled $polls times" || nok "virtmond polled only $polls times"
check "XML fetches after $polls polls: one per domain" 3 "$(jq -r .health.xml_fetches <<<"$wjson")"
grep -q '^label "nova.project" "webshop"$' <("$FETCH" --raw "$SOCK" $'snapshot\n') && ok "wire: label record" \
    || nok "wire has no label record for nova.project"

# declarations refused, naming the file and line or the option
printf 'interval 5\nlabel team %s vm/team\nlabel team example.org vm/team\n' "$SITE" >"$dir/bad.conf"
out=$("$D" --config "$dir/bad.conf" -n 2>&1); rc=$?
check "bad namespace in virtmond.conf" \
    "2 virtmond: $dir/bad.conf: line 3: label: label 'team': 'example.org' is not a namespace URI (e.g. https://example.org/ns/1)" \
    "$rc $out"
printf 'label nova\nlabel team %s vm/team\n' "$SITE" >"$dir/good.conf"
out=$("$D" --config "$dir/good.conf" -n 2>&1); rc=$?
check "two label lines and the preset" "0 configuration OK" "$rc $out"
out=$("$DUMP" -c "$LURI" --label-def "team $SITE /vm/team" 2>&1); rc=$?
check "bad path on the command line" \
    "2 virtmon-dump: --label-def: element path '/vm/team' is relative to the namespace's element under <metadata>: no leading '/'" \
    "$rc $out"
exit $fail
