#!/bin/bash
# Domain labels on a real libvirtd: a guest with a <title>, a site's own
# <metadata> element and Nova-shaped metadata (set with virsh desc and
# virsh metadata, as an admin or Nova would), another without any.
# virtmond declares the labels; every face reading it shows them: the
# dump, snmpwalk (title column, label table), collectd (identifiers with
# title and metadata: formats, meta data of the values),
# check_virt_domain --label (selection and the title in its output).
# Then a 'virsh metadata --set' on the running guest shows by the next
# polls, and only that guest's XML is fetched again (health.xml_fetches).
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
CHECK=$top_builddir/nagios/check_virt_domain
SITE=https://example.org/virtmon-test/1
NOVA=http://openstack.org/xmlns/libvirt/nova/1.1
check() {   # check WHAT WANT GOT
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else bad "$1: want '$2', got '$3'"; fi
}

faces_require
[ -x "$CHECK" ] && [ -x "$DUMP" ] || sys_skip "the checks and virtmon-dump are needed"
command -v xmllint >/dev/null || sys_skip "xmllint not found (Debian: libxml2-utils)"
[ -f "$FACES_CD_PLUGINDIR/write_log.so" ] || sys_skip "collectd's write_log.so is needed"
sys_setup
for g in vmt-lbl-a vmt-lbl-b; do sys_guest_create "$g"; done

# labels as an admin and Nova set them: on the running guest and its definition
sys_virsh desc vmt-lbl-a --live --config --title "Web frontend" >/dev/null || sys_fail "virsh desc --title"
sys_virsh desc vmt-lbl-a --live --config "Serves www.example.org" >/dev/null || sys_fail "virsh desc"
sys_virsh metadata vmt-lbl-a "$SITE" --key site --live --config \
	--set '<vm><team>web</team><env tier="prod">production</env></vm>' >/dev/null || sys_fail "virsh metadata site"
sys_virsh metadata vmt-lbl-a "$NOVA" --key nova --live --config --set \
	'<instance><name>web-frontend-1</name><flavor name="m1.small"><memory>32</memory></flavor><owner><user uuid="u1">alice</user><project uuid="p1">webshop</project></owner></instance>' \
	>/dev/null || sys_fail "virsh metadata nova"
sys_log "vmt-lbl-a: $(sys_virsh dumpxml vmt-lbl-a | sed -n '/<title>/,/<\/metadata>/p' | tr -s ' \n' ' ')"

faces_virtmond "$URI" --include 'vmt-lbl-*' --label-def nova --label-def "team $SITE vm/team" \
	--label-def "tier $SITE vm/env/@tier"
faces_snmp "virtmond:$FACES_SOCK"
mkdir -p "$SYS_WORKDIR/cd-plugins" && cp "$FACES_CD_PLUGINDIR/write_log.so" "$SYS_WORKDIR/cd-plugins/" ||
	sys_fail "cannot copy write_log.so"
faces_collectd "virtmond:$FACES_SOCK" '  HostnameFormat "metadata:nova.project" "name"
  PluginInstanceFormat "title"' 'LoadPlugin write_log
<Plugin write_log>
  Format JSON
</Plugin>'

# virsh's answers, to hold every face against
title=$(sys_virsh desc vmt-lbl-a --title | sed '/^$/d')
project=$(sys_virsh metadata vmt-lbl-a "$NOVA" | xmllint --xpath 'string(/*/owner/project)' -)
team=$(sys_virsh metadata vmt-lbl-a "$SITE" | xmllint --xpath 'string(/*/team)' -)
[ "$title/$project/$team" = "Web frontend/webshop/web" ] || sys_fail "virsh reads '$title/$project/$team'"

dump() { "$DUMP" --source "virtmond:$FACES_SOCK" --json; }
label_of() {   # label_of JSON DOMAIN LABEL
	jq -r --arg d "$2" --arg l "$3" '.domains[] | select(.name == $d) | .labels[$l] // empty' <<<"$1"
}
for _ in $(seq 100); do json=$(dump 2>/dev/null) && [ "$(jq '.health.polls' <<<"$json")" -ge 2 ] && break; sleep 0.2; done

# --- the dump ------------------------------------------------------------------
check "dump: vmt-lbl-a title" "$title" "$(jq -r '.domains[] | select(.name == "vmt-lbl-a") | .title' <<<"$json")"
check "dump: vmt-lbl-a description" "$(sys_virsh desc vmt-lbl-a | sed '/^$/d')" \
	"$(jq -r '.domains[] | select(.name == "vmt-lbl-a") | .description' <<<"$json")"
check "dump: nova.project" "$project" "$(label_of "$json" vmt-lbl-a nova.project)"
check "dump: nova.user" "$(sys_virsh metadata vmt-lbl-a "$NOVA" | xmllint --xpath 'string(/*/owner/user)' -)" \
	"$(label_of "$json" vmt-lbl-a nova.user)"
check "dump: nova.flavor" "m1.small" "$(label_of "$json" vmt-lbl-a nova.flavor)"
check "dump: team" "$team" "$(label_of "$json" vmt-lbl-a team)"
check "dump: tier (an attribute)" "prod" "$(label_of "$json" vmt-lbl-a tier)"
check "dump: vmt-lbl-b has no labels and no title" '{} null' \
	"$(jq -c '.domains[] | select(.name == "vmt-lbl-b") | .labels, .title' <<<"$json" | paste -sd' ')"

# --- SNMP ----------------------------------------------------------------------------
uuid=$(sys_virsh domuuid vmt-lbl-a) || sys_fail "no UUID"
hex=${uuid//-/}
index=
for ((i = 0; i < 32; i += 2)); do index+=.$((16#${hex:i:2})); done
name_oid() { printf %s "$1" | od -An -tu1 | tr -s ' \n' '..' | sed 's/^\.//; s/\.$//'; }
R=.1.3.6.1.4.1.99999.1
snmpv() { snmpget -v2c -c public -Oqv -t 1 -r 1 "127.0.0.1:$SNMP_PORT" "$1" 2>/dev/null | tr -d '"'; }
for _ in $(seq 100); do [ "$(snmpv "$R.3.1.401$index")" = "$title" ] && break; sleep 0.2; done
check "snmp: virtmonDomainTitle" "$title" "$(snmpv "$R.3.1.401$index")"
check "snmp: virtmonLabelValue nova.project" "$project" "$(snmpv "$R.10.1.3$index.$(name_oid nova.project)")"
check "snmp: virtmonLabelValue team" "$team" "$(snmpv "$R.10.1.3$index.$(name_oid team)")"
rows=$(snmpwalk -v2c -c public -On "127.0.0.1:$SNMP_PORT" "$R.10.1.3" 2>/dev/null | grep -c "^$R.10.1.3$index\.")
check "snmp: vmt-lbl-a's label rows (nova.name, .flavor, .user, .project, team, tier)" 6 "$rows"
snmpwalk -v2c -c public -On "127.0.0.1:$SNMP_PORT" "$R.10.1.3" >"$SYS_WORKDIR/labels.walk" 2>&1
sys_log "snmpwalk virtmonLabelValue: $(cat "$SYS_WORKDIR/labels.walk")"

# --- collectd -------------------------------------------------------------------------
csvdir="$SYS_WORKDIR/csv/$project:vmt-lbl-a/virtmon-$title"
for _ in $(seq 100); do ls "$csvdir"/domain_state-* >/dev/null 2>&1 && break; sleep 0.2; done
ls "$csvdir"/domain_state-* >/dev/null 2>&1 && ok "collectd: identifier $project:vmt-lbl-a/virtmon-$title" ||
	bad "collectd: no $csvdir ($(ls "$SYS_WORKDIR/csv"))"
# (no title: an empty plugin instance, which collectd leaves out of the identifier)
[ -d "$SYS_WORKDIR/csv/:vmt-lbl-b/virtmon" ] && ok "collectd: vmt-lbl-b, no labels: :vmt-lbl-b/virtmon" ||
	bad "collectd: vmt-lbl-b's identifier ($(ls "$SYS_WORKDIR/csv"))"
line=$(grep -F '"host":"webshop:vmt-lbl-a"' "$SYS_WORKDIR/collectd.out" | grep -F '"type":"domain_state"' | tail -n 1)
for kv in "\"title\":\"$title\"" "\"label:nova.project\":\"$project\"" "\"label:team\":\"$team\""; do
	grep -qF "$kv" <<<"$line" && ok "collectd meta $kv" || bad "collectd meta lacks $kv: '$line'"
done

# --- check_virt_domain ------------------------------------------------------------------------
out=$("$CHECK" --source "virtmond:$FACES_SOCK" --label "nova.project=web*" -v)
rc=$?
[ "$rc" = 0 ] && [[ $out == "VIRT OK - 1 domain: 1 running"* ]] && grep -q '^\[OK\] vmt-lbl-a (Web frontend): running' <<<"$out" &&
	ok "check --label nova.project=web*: vmt-lbl-a (Web frontend)" || bad "check --label: exit $rc: $out"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" -d vmt-lbl-a)
[[ $out == "VIRT OK - vmt-lbl-a (Web frontend) running"* ]] && ok "check -d: ${out%%|*}" || bad "check -d: $out"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" --label team=ops)
[ $? = 3 ] && [[ $out == "VIRT UNKNOWN - no domain matches label team=ops"* ]] && ok "check --label team=ops: ${out%%|*}" ||
	bad "check --label team=ops: $out"

# --- a metadata change: by the next polls, one XML fetched ------------------------------------
json=$(dump)
fetch0=$(jq .health.xml_fetches <<<"$json") polls0=$(jq .health.polls <<<"$json")
sleep 2.5   # polls without any change fetch nothing
json=$(dump)
fetch1=$(jq .health.xml_fetches <<<"$json") polls1=$(jq .health.polls <<<"$json")
check "XML fetches over $((polls1 - polls0)) polls without a change" "$fetch0" "$fetch1"
sys_virsh metadata vmt-lbl-a "$SITE" --key site --live --config \
	--set '<vm><team>ops</team><env tier="prod">production</env></vm>' >/dev/null || sys_fail "virsh metadata --set"
t0=$(sys_now)
for _ in $(seq 50); do json=$(dump) && [ "$(label_of "$json" vmt-lbl-a team)" = ops ] && break; sleep 0.1; done
check "dump: team after virsh metadata --set ($(sys_since "$t0") s)" ops "$(label_of "$json" vmt-lbl-a team)"
check "XML fetches: only vmt-lbl-a's again (polls $polls1 -> $(jq .health.polls <<<"$json"))" \
	$((fetch1 + 1)) "$(jq .health.xml_fetches <<<"$json")"
for _ in $(seq 30); do [ "$(snmpv "$R.10.1.3$index.$(name_oid team)")" = ops ] && break; sleep 0.1; done
check "snmp: team after the change" ops "$(snmpv "$R.10.1.3$index.$(name_oid team)")"
out=$("$CHECK" --source "virtmond:$FACES_SOCK" --label team=ops -v)
grep -q '^\[OK\] vmt-lbl-a (Web frontend): running' <<<"$out" && ok "check --label team=ops now selects vmt-lbl-a" ||
	bad "check --label team=ops: $out"
# the title changes by the same event
sys_virsh desc vmt-lbl-a --live --title "Web frontend (blue)" >/dev/null || sys_fail "virsh desc --title"
for _ in $(seq 50); do [ "$(snmpv "$R.3.1.401$index")" = "Web frontend (blue)" ] && break; sleep 0.1; done
check "snmp: title after virsh desc --title" "Web frontend (blue)" "$(snmpv "$R.3.1.401$index")"
check "XML fetches after the two changes" $((fetch1 + 2)) "$(dump | jq .health.xml_fetches)"

faces_stop_all
echo "1..$n"
exit $fail
