#!/bin/bash
# Starting, pausing, resuming and destroying a guest yields one collectd
# notification each, with the severity issue #4 gives, a message naming the
# event, and the domain's name and UUID as meta data.  collectd's exec plugin
# hands every notification to a sink script that keeps it in a file.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_libvirtd_start
cd_conf_virtmon main "libvirt:$CD_URI"
SINK=$CD_DIR/main.notif
cd_collectd_start main
cd_wait_value main "$CD_HOST/virtmon-test/domain_state" 20 >/dev/null || {
	cat "$CD_DIR/main.log" >&2
	cd_hard "collectd never reported domain test"
}

UUID=1b7a1c4e-0000-4000-8000-00000000000c
cd_virsh define "${srcdir:-.}/tests/collectd/fixtures/dom-p.xml" >/dev/null || cd_hard define
for step in "start vmt-cd-p" "suspend vmt-cd-p" "resume vmt-cd-p" "destroy vmt-cd-p"; do
	# One read apart, so the order in collectd is the order here.
	sleep 1.2
	# shellcheck disable=SC2086
	cd_virsh $step >/dev/null || cd_hard "virsh $step failed"
done

checks=0 bad=0
note() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then echo "ok $checks - $2"; else bad=$((bad + 1)); echo "not ok $checks - $2"; fi
}

cd_expect_notification main vmt-cd-p "$UUID" started OKAY
cd_expect_notification main vmt-cd-p "$UUID" suspended WARNING
cd_expect_notification main vmt-cd-p "$UUID" resumed OKAY
cd_expect_notification main vmt-cd-p "$UUID" stopped OKAY

# Notifications went out in the order the events happened.
order=$(for f in $(ls -tr "$SINK"/n.*); do
	grep -q '^PluginInstance: vmt-cd-p$' "$f" && sed -n 's/^TypeInstance: //p' "$f"
done | grep -v '^defined$' | tr '\n' ' ')
[ "$order" = "started suspended resumed stopped " ] && note ok "order: $order" || note fail "order: '$order'"

# libvirt's own account agrees (the holder connection logs every event).
grep -q "for domain 'vmt-cd-p': Suspended" "$CD_DIR/lvd/events.log" && note ok "libvirt saw the suspend too" ||
	note fail "libvirt's event log lacks the suspend"

cd_collectd_alive main && note ok "collectd still running" || note fail "collectd died"
echo "1..$checks"
[ "$bad" = 0 ] || { ls -l "$SINK" >&2; cd_fail "$bad of $checks checks failed"; }
exit 0
