#!/bin/bash
# Starting, pausing, resuming and destroying a guest yields one collectd
# notification each, with the severity issue #4 gives, a message naming the
# event, and the domain's name and UUID as meta data.  collectd's exec plugin
# hands every notification to a sink script that keeps it in a file.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_libvirtd_start
cd_add_plugin exec

# exec refuses to run anything as root, so the sink runs as nobody.
SINK=$CD_DIR/notif
mkdir -p "$SINK" && chmod 1777 "$SINK" || cd_hard "mkdir $SINK"
chmod 755 "$CD_DIR"
cat >"$CD_DIR/sink.sh" <<EOF
#!/bin/sh
cat >"\$(mktemp "$SINK/n.XXXXXX")"
EOF
chmod 755 "$CD_DIR/sink.sh"

cd_conf main <<EOF
LoadPlugin exec
<Plugin exec>
  NotificationExec "nobody" "$CD_DIR/sink.sh"
</Plugin>
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$CD_URI"
</Plugin>
EOF
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

# expect EVENT SEVERITY: exactly one notification for vmt-cd-p's EVENT.
expect() {
	local event=$1 sev=$2 files f i
	for i in $(seq 1 100); do
		files=$(grep -l "^TypeInstance: $event\$" "$SINK"/n.* 2>/dev/null | xargs -r grep -l '^PluginInstance: vmt-cd-p$')
		[ -n "$files" ] && break
		sleep 0.1
	done
	if [ "$(wc -w <<<"$files")" != 1 ]; then
		note fail "$event: want one notification, got $(wc -w <<<"$files")"
		return
	fi
	f=$files
	grep -q "^Severity: $sev\$" "$f" && note ok "$event is $sev" ||
		note fail "$event: $(grep '^Severity' "$f"), want $sev"
	grep -q "^Host: $CD_HOST\$" "$f" && grep -q '^Plugin: virtmon$' "$f" && grep -q '^Type: domain_state$' "$f" &&
		note ok "$event: host, plugin and type" || note fail "$event: identifier wrong: $(head -8 "$f" | tr '\n' ' ')"
	grep -q "^Domain \"vmt-cd-p\" $event" "$f" && note ok "$event: message names domain and event" ||
		note fail "$event: message: $(tail -n 1 "$f")"
	# exec passes meta data as "key: value" headers (collectd 5.12).
	if grep -qi '^name: vmt-cd-p$' "$f" && grep -qi "^uuid: $UUID\$" "$f"; then
		note ok "$event: meta name and uuid"
	else
		note fail "$event: meta name/uuid missing: $(tr '\n' '|' <"$f")"
	fi
}

expect started OKAY
expect suspended WARNING
expect resumed OKAY
expect stopped OKAY

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
