#!/bin/sh
# virtmon-agentx's checkSocket: check_virt_domain --agent-socket reads the
# very poll the subagent serves over SNMP, so a site running the subagent
# needs no second poller for fast Nagios checks.
. "${srcdir:-.}/tests/snmp/lib.sh"
snmp_setup
CHECK=$top_builddir/nagios/check_virt_domain
test -x "$CHECK" || skip "check_virt_domain not built (configured without the Nagios face)"

printf 'uri test:///default\ncheckSocketGroup no-such-group-xyz\n' > "$T/bad.conf"
out=$("$AGENT" -n -c "$T/bad.conf" 2>&1) && fail "an unknown group was accepted"
echo "$out" | grep -q "line 2" || fail "no line number in: $out"
echo "$out" | grep -q "no-such-group-xyz" || fail "the group is not named in: $out"

snmp_start_master
# the socket's directory does not exist yet: the agent makes it
snmp_start_agent test:///default "checkSocket $T/run/check.sock"
test -S "$T/run/check.sock" || fail "no socket at $T/run/check.sock"
mode=$(stat -c %a "$T/run/check.sock")
test "$mode" = 660 || fail "socket mode $mode, want 660"

out=$("$CHECK" --agent-socket "$T/run/check.sock" -d test --perfdata all)
echo "$out" | grep -q '^VIRT OK - test running' || fail "check through checkSocket: $out"
perf() { echo "$out" | sed -n "s/.*'$1'=\([0-9.]*\).*/\1/p"; }

# The same domain in LIBVIRT-MIB's libvirtGuestTable (implied UUID index)
U=$(uuid_oid "$(virsh -c test:///default domuuid test)")
G=.1.3.6.1.4.1.36957.1.1.1
snmp_vcpus=$(snmp_get $G.4.$U)
test -n "$snmp_vcpus" && test "$(perf vcpus)" = "$snmp_vcpus" ||
    fail "check vcpus '$(perf vcpus)' != libvirtGuestCpuCount '$snmp_vcpus'"
snmp_mem=$(snmp_get $G.5.$U)
test -n "$snmp_mem" && test "$(( $(perf mem) / 1048576 ))" = "$snmp_mem" ||
    fail "check mem '$(perf mem)' B != libvirtGuestMemoryCurrent '$snmp_mem' MiB"
snmp_log "vcpus $snmp_vcpus and memory $snmp_mem MiB: the same through SNMP and checkSocket"

kill "$AGENT_PID"
i=0
while kill -0 "$AGENT_PID" 2>/dev/null && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done
test ! -e "$T/run/check.sock" || fail "the socket outlived the agent"
echo "ok: checkSocket serves the checks the subagent's poll"
exit 0
