#!/bin/bash
# The checks against real QEMU guests on the system libvirtd: a running
# guest is OK, suspended WARNING, destroyed CRITICAL when named (and with
# several domains only when autostart is set), thresholds below current use
# alarm, perfdata equals virsh domstats, rates come from the state file on
# the next run.  (A stopped QEMU: test-sys-stopped.sh.)
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"
# shellcheck source=tests/nagios/lib-sys.sh
. "${srcdir:-.}/tests/nagios/lib-sys.sh"

CHECK_DOMAIN=./nagios/check_virt_domain
CHECK_HOST=./nagios/check_virt_host
PERFDATA_GET=./tests/nagios/perfdata-get
for b in "$CHECK_DOMAIN" "$CHECK_HOST" "$PERFDATA_GET"; do
	[ -x "$b" ] || sys_fail "$b not built (run from the build directory)"
done

nagios_sys_setup

sys_guest_create vmt-nag1
sys_guest_create vmt-nag2
sys_guest_wait_io vmt-nag1
sys_guest_wait_io vmt-nag2

# Running: OK, perfdata valid and equal to virsh domstats.
before=$(sys_virsh domstats --raw vmt-nag1)
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1 --perfdata all
after=$(sys_virsh domstats --raw vmt-nag1)
expect_rc 0 "running guest is OK"
expect_first '^VIRT OK - vmt-nag1 running \(booted\), cpu [0-9.]+%' "summary names state, reason and cpu"
printf '%s\n' "$OUT" | "$PERFDATA_GET" >/dev/null
ok $? "perfdata is valid"
[ "$(perf vcpus)" = "$(sys_domstat vmt-nag1 vcpu.current)" ]
ok $? "vcpus equals domstats vcpu.current"
[ "$(perf mem)" = $(($(sys_domstat vmt-nag1 balloon.current) * 1024)) ]
ok $? "mem equals domstats balloon.current * 1024"
# Counters keep moving (PXE retries, the host's IPv6 chatter on the tap):
# each must lie between virsh's reading just before the check and just after.
for pair in disk_read_ops:block.0.rd.reqs disk_read_bytes:block.0.rd.bytes net_tx_packets:net.0.tx.pkts \
	net_rx_bytes:net.0.rx.bytes cpu_time:cpu.time; do
	low=$(sys_stat_in "$before" "${pair#*:}") mine=$(perf "${pair%%:*}") high=$(sys_stat_in "$after" "${pair#*:}")
	[ -n "$mine" ] && [ -n "$low" ] && [ "$low" -le "$mine" ] && [ "$mine" -le "$high" ]
	ok $? "${pair%%:*} ($mine) within domstats ${pair#*:} before/after [$low, $high]"
done

# The next run takes its rates from the state file, without sleeping.
sleep 1
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1 -vv --interval 5
expect_rc 0 "second run is OK"
printf '%s\n' "$OUT" | grep -q '^rates from: state files (1 domain)'
ok $? "second run: rates from the state file"
expect_faster 2 "second run did not sleep --interval 5"
[ -n "$(perf disk_read_bytes_per_s)" ] && [ -n "$(perf cpu)" ]
ok $? "rates and cpu % reported"

# Thresholds set below current use.
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1 --rss-warning 1
expect_rc 1 "--rss-warning 1 (rss is more than a byte)"
expect_first 'rss [0-9]+B \(warning 1\)' "names rss and its threshold"
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1 --mem-warning 1 --mem-critical 1024
expect_rc 2 "--mem-critical 1024 below 32 MiB"
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1 --mem-critical 33554432
expect_rc 0 "--mem-critical 33554432 at exactly 32 MiB is inside"

# Suspended: WARNING; resumed: OK again.
sys_virsh suspend vmt-nag1 >/dev/null || sys_fail "virsh suspend failed"
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1
expect_rc 1 "suspended guest is WARNING"
expect_first '^VIRT WARNING - vmt-nag1 paused \(user\)' "says paused (user)"
sys_virsh resume vmt-nag1 >/dev/null || sys_fail "virsh resume failed"
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1
expect_rc 0 "resumed guest is OK"

# Host check sees both guests.
run "$CHECK_HOST" --uri $U --interval 0.5
expect_rc 0 "host check is OK"
expect_first '^VIRT OK - libvirt [0-9.]+, QEMU [0-9.]+ at qemu:///system, cpu [0-9.]+%' \
	"host: versions, URI and cpu"
[ "$(perf domains_running)" -ge 2 ] && [ -n "$(perf cpu)" ] && [ -n "$(perf mem)" ]
ok $? "host: running domains, cpu and mem in perfdata"

# Destroyed: CRITICAL when named; with several domains only with autostart.
sys_virsh destroy vmt-nag1 >/dev/null || sys_fail "virsh destroy failed"
run "$CHECK_DOMAIN" --uri $U -d vmt-nag1
expect_rc 2 "destroyed named guest is CRITICAL"
expect_first '^VIRT CRITICAL - vmt-nag1 shut off \(destroyed\)' "says shut off (destroyed)"
run "$CHECK_DOMAIN" --uri $U -d 'vmt-nag*'
expect_rc 0 "pattern: a shut-off guest without autostart is not a fault"
sys_virsh autostart vmt-nag1 >/dev/null || sys_fail "virsh autostart failed"
run "$CHECK_DOMAIN" --uri $U -d 'vmt-nag*'
expect_rc 2 "pattern: a shut-off guest marked autostart is CRITICAL"
printf '%s\n' "$OUT" | grep -q '^\[CRITICAL\] vmt-nag1: shut off (destroyed), autostart$'
ok $? "its line says autostart"
sys_virsh autostart --disable vmt-nag1 >/dev/null

finish
