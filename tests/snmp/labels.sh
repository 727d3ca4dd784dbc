#!/bin/sh
# Domain labels over SNMP, on libvirt's test driver: virtmonDomainTitle and
# virtmonDomainDescription equal virsh desc's, virtmonLabelTable has one
# row per label a domain has (index: UUID + the name's octets), with the
# values virsh metadata shows, and none for an element the XML lacks; the
# same through virtmond; and a malformed 'label' line is refused naming
# its line.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
command -v virsh >/dev/null 2>&1 || skip "virsh not installed"
command -v xmllint >/dev/null 2>&1 || skip "xmllint not installed (Debian: libxml2-utils)"

R=.1.3.6.1.4.1.99999.1
D=$R.3.1
LT=$R.10.1
FIX=$(cd "$srcdir/tests/integ/fixtures" && pwd)/labels.xml
URI=test://$FIX
SITE=https://example.org/virtmon-test/1
NOVA11=http://openstack.org/xmlns/libvirt/nova/1.1
NOVA10=http://openstack.org/xmlns/libvirt/nova/1.0
checks=0

expect_eq() {   # what expected actual
    test "x$2" = "x$3" || fail "$1: expected '$2', got '$3'"
    checks=$((checks + 1))
}
name_oid() {    # the octets of a label name as sub-identifiers
    printf %s "$1" | od -An -tu1 | tr -s ' \n' '..' | sed 's/^\.//; s/\.$//'
}
meta() {        # meta DOMAIN URI XPATH-UNDER-ROOT: virsh's answer
    virsh -c "$URI" metadata "$1" "$2" 2>/dev/null | xmllint --xpath "string(/*/$3)" - 2>/dev/null
}
nova() {
    v=$(meta "$1" $NOVA11 "$2"); test -n "$v" || v=$(meta "$1" $NOVA10 "$2"); echo "$v"
}

check_labels() {   # [feed]
    snmp_log "== labels${1:+ through virtmond}"
    snmpwalk -v2c -c public -On 127.0.0.1:$SNMP_PORT $R > "$T/walk.txt" 2>&1 ||
        fail "snmpwalk failed: $(tail -3 "$T/walk.txt")"
    for name in web1 db1 plain; do
        uuid=$(virsh -c "$URI" domuuid "$name" | sed '/^$/d')
        idx=$(uuid_oid "$uuid")
        title=$(virsh -c "$URI" desc "$name" --title | sed '/^$/d; /^No title/d')
        descr=$(virsh -c "$URI" desc "$name" | sed '/^$/d; /^No description/d')
        expect_eq "$name title" "\"$title\"" "$(snmp_get $D.401.$idx)"
        expect_eq "$name description" "\"$descr\"" "$(snmp_get $D.402.$idx)"
        for l in "team:$(meta $name $SITE team)" "nova.project:$(nova $name owner/project)" \
                 "nova.user:$(nova $name owner/user)" "nova.flavor:$(nova $name flavor/@name)" \
                 "nova.name:$(nova $name name)" "missing:"; do
            label=${l%%:*} want=${l#*:}
            row="$LT.3.$idx.$(name_oid "$label")"
            if test -n "$want"; then
                expect_eq "$name label $label" "\"$want\"" "$(snmp_get $row)"
                expect_eq "$name label $label: domain name" "\"$name\"" "$(snmp_get $LT.2.$idx.$(name_oid "$label"))"
            else
                grep -q "^$row = " "$T/walk.txt" && fail "$name: row for absent label $label"
                checks=$((checks + 1))
            fi
        done
    done
    # the values themselves, so that an empty virsh answer cannot pass
    web=$(uuid_oid 0000001b-0000-4000-8000-000000000001)
    expect_eq "web1 nova.project" '"webshop"' "$(snmp_get $LT.3.$web.$(name_oid nova.project))"
    expect_eq "web1 title" '"Web frontend"' "$(snmp_get $D.401.$web)"
    expect_eq "label rows in the walk (web1 5, db1 5, plain 0)" 10 "$(grep -c "^$LT.3\." "$T/walk.txt")"
    if snmp_have_mibs; then
        # (snmptable re-encodes the implied index wrongly: "OID not increasing")
        snmpwalk -v2c -c public -m +VIRTMON-MIB 127.0.0.1:$SNMP_PORT VIRTMON-MIB::virtmonLabelValue \
            > "$T/sym.txt" 2>"$T/sym.err" || fail "symbolic walk: $(cat "$T/sym.err")"
        grep -q "^VIRTMON-MIB::virtmonLabelValue\..*\.'nova.project' = STRING: webshop\$" "$T/sym.txt" ||
            fail "VIRTMON-MIB names the label rows: $(cat "$T/sym.txt")"
        checks=$((checks + 1))
    fi
}

LABELS="label nova
label team $SITE vm/team
label missing $SITE vm/nothere"

snmp_start_master
snmp_start_agent "$URI" "$LABELS"
check_labels
kill $AGENT_PID; wait $AGENT_PID 2>/dev/null

# through virtmond: its declarations apply; the agent declares none
snmp_start_virtmond "$URI" 1s --label-def nova --label-def "team $SITE vm/team" \
    --label-def "missing $SITE vm/nothere"
snmp_start_agent "$URI"
check_labels feed

# a malformed declaration, in virtmon.conf: refused, naming the line
printf 'uri %s\nlabel nova\nlabel team example.org vm/team\n' "$URI" > "$T/bad.conf"
out=$("$AGENT" -n -c "$T/bad.conf" 2>&1) && fail "a bad label line accepted"
echo "$out" | grep -q "line 3.*label 'team': 'example.org' is not a namespace URI" ||
    fail "the error does not name line 3 and the namespace: $out"
checks=$((checks + 1))
# and virtmond refuses to have the agent declare labels it would not read
printf 'source virtmond:%s\nlabel nova\n' "$T/virtmond.sock" > "$T/feed.conf"
out=$("$AGENT" -n -c "$T/feed.conf" 2>&1) && fail "label with source virtmond accepted"
echo "$out" | grep -q "line 2.*not with source virtmond" || fail "label with source virtmond: $out"
checks=$((checks + 1))
echo "ok: $checks checks"
exit 0
