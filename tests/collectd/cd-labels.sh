#!/bin/bash
# Domain labels in collectd: HostnameFormat/PluginInstanceFormat with title
# and metadata:LABEL give the identifiers virsh's title and metadata say,
# values carry the title and labels as meta data (write_log's JSON shows
# it) and so do notifications, a title set while collectd runs is in the
# next one (libvirt's metadata-change event), and a bad Label line is
# refused naming it.  libvirt's test driver: the labels fixture, then a
# private libvirtd for the events.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_add_plugin write_log
command -v xmllint >/dev/null || cd_skip "no xmllint (Debian: libxml2-utils)"
FIX=$(cd "${srcdir:-.}/tests/integ/fixtures" && pwd)/labels.xml
URI=test://$FIX
SITE=https://example.org/virtmon-test/1
note() { cd_note "$@"; }

cd_conf main <<EOF
LoadPlugin write_log
<Plugin write_log>
  Format JSON
</Plugin>
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$URI"
  Label "nova"
  Label "team" "$SITE" "vm/team"
  HostnameFormat "metadata:nova.project" "name"
  PluginInstanceFormat "title" "metadata:team"
</Plugin>
EOF
cd_collectd_start main
# web1: Nova project webshop, title "Web frontend", team web (virsh below)
project=$(virsh -c "$URI" metadata web1 http://openstack.org/xmlns/libvirt/nova/1.1 |
	xmllint --xpath 'string(/*/owner/project)' -)
title=$(virsh -c "$URI" desc web1 --title | sed '/^$/d')
team=$(virsh -c "$URI" metadata web1 "$SITE" | xmllint --xpath 'string(/*/team)' -)
[ "$project/$title/$team" = "webshop/Web frontend/web" ] || cd_hard "virsh reads '$project/$title/$team'"
# db1: Nova 1.0 namespace, project backoffice, title Database, team dba
cd_wait_value main "backoffice:db1/virtmon-Database:dba/domain_state" 20 >/dev/null &&
	note ok "db1: backoffice:db1/virtmon-Database:dba" || note fail "db1's identifier: $(cd "$CD_DIR/main.csv" && ls)"
# (the title has a blank: cd_csv_file's glob would split it)
id="$project:web1/virtmon-$title:$team"
ls "$CD_DIR/main.csv/$id/"domain_state-* >/dev/null 2>&1 &&
	note ok "web1's identifier from its labels and title: $id" ||
	note fail "no $id: $(cd "$CD_DIR/main.csv" && ls -d */*)"
# plain: no labels, no title: empty fields, as virt.so leaves a missing metadata field
cd_csv_file main ":plain/virtmon-:/domain_state" >/dev/null &&
	note ok "plain: empty fields for what it lacks" || note fail "plain's identifier: $(cd "$CD_DIR/main.csv" && ls)"
cd_collectd_stop main

# meta data of web1's values, as write_log prints them
line=$(grep -F '"host":"webshop:web1"' "$CD_DIR/main.log" | grep -F '"type":"domain_state"' | tail -n 1)
for kv in '"title":"Web frontend"' '"label:nova.project":"webshop"' '"label:nova.user":"alice"' \
	'"label:nova.flavor":"m1.small"' '"label:nova.name":"web-frontend-1"' '"label:team":"web"'; do
	grep -qF "$kv" <<<"$line" && note ok "web1 meta $kv" || note fail "web1 meta lacks $kv: '$line'"
done
line=$(grep -F '"host":":plain"' "$CD_DIR/main.log" | tail -n 1)
[ -n "$line" ] && ! grep -q '"meta"' <<<"$line" && note ok "plain's values carry no meta" ||
	note fail "plain: '$line'"

# notifications carry them too, and a title set while collectd runs shows
# in them (libvirt's metadata-change event): a private libvirtd hosting the
# test driver, so that virsh and the plugin see one hypervisor
cd_libvirtd_start
cd_notify_sink ev
cd_conf ev <<EOF
$CD_SINK_CONF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$CD_URI"
  Label "team" "$SITE" "vm/team"
  PluginInstanceFormat "name"
</Plugin>
EOF
cd_virsh metadata test "$SITE" --key site --live --set '<vm><team>web</team></vm>' >/dev/null ||
	cd_hard "virsh metadata on the test driver"
cd_collectd_start ev
cd_wait_value ev "$CD_HOST/virtmon-test/domain_state" 20 >/dev/null || cd_hard "collectd never reported domain test"
cd_virsh desc test --live --title "Test guest" >/dev/null || cd_hard "virsh desc --title"
sleep 2.5   # the title's event, then a poll
cd_virsh suspend test >/dev/null || cd_hard "virsh suspend"
files=
for _ in $(seq 100); do files=$(cd_notifications ev test suspended) && [ -n "$files" ] && break; sleep 0.1; done
f=$(tail -n 1 <<<"$files")
if [ -n "$f" ] && grep -qi '^label:team: web$' "$f" && grep -qi '^title: Test guest$' "$f"; then
	note ok "the suspend notification carries label:team and the title set while running"
else
	note fail "suspend notification: $(tr '\n' '|' <"${f:-/dev/null}")"
fi
cd_virsh resume test >/dev/null
cd_collectd_stop ev

# bad Label lines: collectd -T reads the block, our config callback refuses
bad_label() {   # bad_label 'VALUES' 'MESSAGE'
	cd_conf bad <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$URI"
  $1
</Plugin>
EOF
	: >"$CD_DIR/bad.log"
	collectd -T -C "$CD_DIR/bad.conf" >/dev/null 2>&1
	grep -qF "$2" "$CD_DIR/bad.log" && note ok "refused: $1" ||
		note fail "$1: $(grep -i virtmon "$CD_DIR/bad.log" | tail -n 2)"
}
bad_label 'Label "team" "example.org" "vm/team"' "option \"Label\" (the 2nd option in <Plugin virtmon>; collectd gives plugins no file name or line number): label 'team': 'example.org' is not a namespace URI"
bad_label "Label \"team\" \"$SITE\"" 'option "Label" (the 2nd option in <Plugin virtmon>; collectd gives plugins no file name or line number): takes "NAME" "NAMESPACE-URI" "ELEMENT-PATH", or "nova"'
bad_label 'Label "novum"' "option \"Label\" (the 2nd option in <Plugin virtmon>; collectd gives plugins no file name or line number): 'novum' is neither NAME NAMESPACE-URI ELEMENT-PATH nor the preset 'nova'"
bad_label 'HostnameFormat "metadata:" "name"' "metadata: needs a label name"

echo "1..$CD_CHECKS"
[ "$CD_BAD" = 0 ] || cd_fail "$CD_BAD of $CD_CHECKS checks failed"
[ "$CD_CHECKS" -ge 12 ] || cd_hard "only $CD_CHECKS checks ran"
exit 0
