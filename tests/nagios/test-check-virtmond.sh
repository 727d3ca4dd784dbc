#!/bin/sh
# The checks with --source virtmond:PATH: the same verdicts and values as
# with --source libvirt:URI (polling libvirt themselves), taken from a
# running virtmond's latest poll; libvirt is never loaded in that mode;
# clear UNKNOWNs when virtmond is missing, polls another URI, cannot reach
# libvirt or does not answer within -t; a bad --source is a usage error
# naming what is wrong.
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

VIRTMOND=./tools/virtmond
[ -x "$VIRTMOND" ] || { echo "Bail out! $VIRTMOND not built"; exit 99; }
URI="test://$FIXTURES/states.xml"
ODD="test://$FIXTURES/odd-names.xml"
SOCK=$TEST_TMP/vd.sock
ODD_SOCK=$TEST_TMP/odd.sock
DEF_SOCK=$TEST_TMP/default.sock
vd_pids=
trap 'for p in $vd_pids; do kill -CONT "$p"; kill "$p"; done 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

start_virtmond() {  # start_virtmond URI SOCKET [OPTION...]
    u=$1 s=$2; shift 2
    "$VIRTMOND" -c "$u" -i 1s -s "$s" "$@" 2>>"$TEST_TMP/virtmond.log" &
    vd_pids="$vd_pids $!"
    VD_PID=$!
}
start_virtmond "$URI" "$SOCK"
start_virtmond "$ODD" "$ODD_SOCK"
ODD_PID=$VD_PID
# test:///default's domain has a disk, a NIC and memory stats to compare
start_virtmond test:///default "$DEF_SOCK"

# Rates need virtmond's second poll.
i=0
until "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test -vv 2>/dev/null |
      grep -q '^rates from: virtmond at .*its last two polls'; do
    i=$((i + 1))
    [ $i -lt 150 ] || { echo "Bail out! virtmond gave no rates within 15 s"; cat "$TEST_TMP/virtmond.log"; exit 99; }
    sleep 0.1
done

verdict() { printf '%s\n' "$FIRST" | sed 's/, cpu [0-9.]*%//; s/ |.*//'; }

# Every state: the same exit code and summary as a check polling libvirt.
for d in vm-running vm-blocked vm-paused vm-shutdown vm-shutoff vm-crashed vm-pmsuspended; do
    run "$CHECK_DOMAIN" --source "libvirt:$URI" -d "$d" --interval 0
    direct_rc=$RC direct=$(verdict)
    run "$CHECK_DOMAIN" --source "virtmond:$SOCK" -d "$d"
    [ "$RC" = "$direct_rc" ] && [ "$(verdict)" = "$direct" ]
    ok $? "$d: '$(verdict)' exit $RC, as polling libvirt ('$direct' exit $direct_rc)"
done

# --uri URI stays the same as --source libvirt:URI.
run "$CHECK_DOMAIN" --source "libvirt:$URI" --all --interval 0 -v
by_source_rc=$RC by_source=$(printf '%s\n' "$OUT" | sed 's/, cpu [0-9.]*%//' | sort)
run "$CHECK_DOMAIN" --uri "$URI" --all --interval 0 -v
[ "$RC" = "$by_source_rc" ] && [ -n "$by_source" ] &&
    [ "$(printf '%s\n' "$OUT" | sed 's/, cpu [0-9.]*%//' | sort)" = "$by_source" ]
ok $? "--uri URI: the same exit ($RC) and lines as --source libvirt:URI"

# Values: gauges exact, counters within what their own rate moves in 10 s.
run "$CHECK_DOMAIN" --source libvirt:test:///default -d test --perfdata all --interval 0.3
DIRECT_OUT=$OUT
run "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test --perfdata all -vv
VIRTMOND_OUT=$OUT
perfdata_valid "virtmond: perfdata is valid"
expect_out '^rates from: virtmond at ' "virtmond: -vv says the rates are virtmond's"
for label in vcpus mem rss mem_used; do
    OUT=$DIRECT_OUT; want=$(perf $label)
    OUT=$VIRTMOND_OUT; got=$(perf $label)
    [ -n "$got" ] && [ "$got" = "$want" ]
    ok $? "virtmond: $label $got equals the direct check's $want"
done
for label in cpu_time disk_read_bytes net_rx_bytes net_tx_packets; do
    OUT=$DIRECT_OUT; want=$(perf $label)
    OUT=$VIRTMOND_OUT; got=$(perf $label) rate=$(perf "${label}_per_s")
    tol=$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 10 + 10 }')
    [ -n "$rate" ] && near "$got" "$want" "$tol"
    ok $? "virtmond: $label $got equals the direct check's $want within $tol (rate $rate/s)"
done
run "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test --state-dir "$TEST_TMP/virtmond-state"
[ -z "$(ls -A "$TEST_TMP/virtmond-state" 2>/dev/null)" ]
ok $? "virtmond: no state files written (virtmond's rates need none)"
OUT=$VIRTMOND_OUT

# Thresholds apply the same way.
mem=$(perf mem)
run "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test --mem-critical $((mem - 1))
expect_rc 2 "virtmond: --mem-critical one byte below mem is CRITICAL"
run "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test --mem-critical "$mem"
expect_rc 0 "virtmond: --mem-critical at exactly mem is OK"

# Several domains: patterns and --exclude are applied to virtmond's list.
run "$CHECK_DOMAIN" --source "libvirt:$URI" --all --exclude 'vm-crashed' --interval 0 -v
direct_rc=$RC direct_lines=$(printf '%s\n' "$OUT" | sed -n '2,$p' | sed 's/, cpu [0-9.]*%//' | sort)
run "$CHECK_DOMAIN" --source "virtmond:$SOCK" --all --exclude 'vm-crashed' -v
[ "$RC" = "$direct_rc" ] && [ "$(printf '%s\n' "$OUT" | sed -n '2,$p' | sed 's/, cpu [0-9.]*%//' | sort)" = "$direct_lines" ]
ok $? "virtmond: --all --exclude lists the same domains and states as polling libvirt (exit $RC)"
printf '%s\n' "$OUT" | grep -q 'vm-crashed'
[ $? -ne 0 ]
ok $? "virtmond: --exclude left vm-crashed out"
run "$CHECK_DOMAIN" --source "virtmond:$SOCK" -d 'vm-p*'
expect_rc 1 "virtmond: pattern vm-p* (paused, pmsuspended) is WARNING"
expect_out 'vm-paused' "virtmond: pattern: names vm-paused"
run "$CHECK_DOMAIN" --source "virtmond:$SOCK" -d no-such-vm
run_nosuch=$RC
run "$CHECK_DOMAIN" --source "libvirt:$URI" -d no-such-vm --interval 0
[ "$run_nosuch" = "$RC" ] && [ "$RC" -ne 0 ]
ok $? "virtmond: an unknown domain gives the same exit as polling libvirt ($RC)"

# The host check.
run "$CHECK_HOST" --source "libvirt:$URI" --interval 0
direct_running=$(perf domains_running) direct_rc=$RC
run "$CHECK_HOST" --source "virtmond:$SOCK"
[ "$RC" = "$direct_rc" ] && [ -n "$(perf domains_running)" ] && [ "$(perf domains_running)" = "$direct_running" ]
ok $? "virtmond: host check exit $RC and domains_running $(perf domains_running) as polling libvirt"

# Odd names survive virtmond's wire format.
for name in 'web 01' "it's-a-vm" 'a=b;c' 'pipe|vm' 'dömäne-日本' '10:20'; do
    run "$CHECK_DOMAIN" --source "virtmond:$ODD_SOCK" -d "$name" --perfdata all
    expect_rc 0 "odd name '$name' through virtmond"
done
run "$CHECK_DOMAIN" --source "virtmond:$ODD_SOCK" --all --perfdata all
perfdata_valid "odd names through virtmond: valid perfdata for --all"
[ -n "$(perf 'dömäne-日本::vcpus')" ]
ok $? "odd names through virtmond: 'dömäne-日本::vcpus' is there"

# No libvirt in the process: the loader never opens libvirt.so reading virtmond,
# and does without it (which proves the probe sees it).
LD_DEBUG=files "$CHECK_DOMAIN" --source "virtmond:$SOCK" -d vm-running >/dev/null 2>"$TEST_TMP/ld.virtmond"
LD_DEBUG=files "$CHECK_DOMAIN" --source "libvirt:$URI" -d vm-running --interval 0 >/dev/null 2>"$TEST_TMP/ld.direct"
! grep -q 'libvirt\.so' "$TEST_TMP/ld.virtmond" && grep -q 'libvirt\.so' "$TEST_TMP/ld.direct"
ok $? "virtmond: libvirt.so is never loaded (polling libvirt loads it)"

# Failures: UNKNOWN, naming what is wrong and where.
run "$CHECK_DOMAIN" --source "virtmond:$TEST_TMP/nothing.sock" -d vm-running
expect_rc 3 "no virtmond: UNKNOWN"
expect_first "cannot connect to virtmond at $TEST_TMP/nothing.sock: No such file or directory \(is virtmond running\?\)" \
    "no virtmond: says where it looked"
for bad in "bogus:$SOCK|'bogus:$SOCK' is neither libvirt\[:URI\] nor virtmond\[:PATH\]" \
           "virtmond:relative/vd.sock|virtmond's socket 'relative/vd.sock' is not an absolute path" \
           "virtmond:|'virtmond:' names no socket after the colon" \
           "libvirt:|'libvirt:' names no URI after the colon"; do
    arg=${bad%%|*} want=${bad#*|}
    for check in "$CHECK_DOMAIN -d vm-running" "$CHECK_HOST"; do
        # shellcheck disable=SC2086
        run $check --source "$arg"
        check=${check%% *}
        [ "$RC" = 3 ] && printf '%s\n' "$FIRST" | grep -Eq -- "^VIRT UNKNOWN - --source: $want\$" &&
            printf '%s\n' "$OUT" | grep -q "^Usage: ${check##*/} "
        ok $? "${check##*/} --source '$arg': UNKNOWN and usage, naming it ('$FIRST')"
    done
done
run "$CHECK_DOMAIN" --help
expect_out "virtmond asks a\$" "--help explains --source virtmond"
expect_out "running virtmond \(at /.*/virtmon/virtmond.sock, or PATH\)" "--help names the default socket"
run "$CHECK_DOMAIN" --source "virtmond:$SOCK" --uri test:///default -d vm-running
expect_rc 3 "virtmond polling another URI: UNKNOWN"
expect_first "virtmond at $SOCK polls test://.*, not test:///default" "another URI: says both"
run "$CHECK_HOST" --source "virtmond:$SOCK" --uri test:///default
expect_rc 3 "host check, virtmond polling another URI: UNKNOWN"
run "$CHECK_HOST" --source "virtmond:$TEST_TMP/nothing.sock"
expect_rc 3 "host check, no virtmond: UNKNOWN (virtmond missing is not libvirt down)"
# Who may ask: the socket's mode and group, not libvirt's rules.  Run as
# nobody (root only; the build tree must be reachable for nobody; not under
# memcheck, whose wrapper cannot run a shell function).
as_nobody() {  # as_nobody GROUP CMD...
    g=$1; shift
    setpriv --reuid=nobody --regid="$g" --clear-groups -- "$@"
}
if [ -z "${VMON_VALGRIND:-}" ] && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
   as_nobody nogroup "$CHECK_DOMAIN" --version 2>/dev/null | grep -q virtmon; then
    chmod 0711 "$TEST_TMP"
    run as_nobody nogroup "$CHECK_DOMAIN" --source "virtmond:$DEF_SOCK" -d test
    expect_rc 3 "nobody, socket root:root 0660: UNKNOWN"
    expect_first "Permission denied \(is this user in the socket's group\?\)" "nobody: says permission denied and why"
    start_virtmond test:///default "$TEST_TMP/group.sock" --socket-group nogroup
    i=0
    until [ -S "$TEST_TMP/group.sock" ] || [ $i -ge 50 ]; do i=$((i + 1)); sleep 0.1; done
    [ "$(stat -c '%G %a' "$TEST_TMP/group.sock")" = "nogroup 660" ]
    ok $? "--socket-group nogroup: socket is group nogroup, mode 660 ($(stat -c '%G %a' "$TEST_TMP/group.sock"))"
    i=0
    until as_nobody nogroup "$CHECK_DOMAIN" --source "virtmond:$TEST_TMP/group.sock" -d test >/dev/null 2>&1 ||
          [ $i -ge 50 ]; do i=$((i + 1)); sleep 0.1; done
    run as_nobody nogroup "$CHECK_DOMAIN" --source "virtmond:$TEST_TMP/group.sock" -d test
    expect_rc 0 "nobody in the socket's group: OK"
    chmod 0700 "$TEST_TMP"
else
    echo "# memcheck, not root, no setpriv, or the build tree closed to nobody: socket permissions not exercised"
fi

# virtmond up, libvirt not: the host check's --unreachable-state, as polling.
start_virtmond "test://$TEST_TMP/missing.xml" "$TEST_TMP/down.sock"
i=0
until "$CHECK_HOST" --source "virtmond:$TEST_TMP/down.sock" 2>/dev/null | grep -q 'cannot reach libvirt'; do
    i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
run "$CHECK_HOST" --source "virtmond:$TEST_TMP/down.sock"
expect_rc 2 "virtmond without libvirt: host check CRITICAL"
expect_first "virtmond at .* cannot reach libvirt at test://" "virtmond without libvirt: says so"
run "$CHECK_HOST" --source "virtmond:$TEST_TMP/down.sock" --unreachable-state warning
expect_rc 1 "virtmond without libvirt: --unreachable-state warning"
run "$CHECK_DOMAIN" --source "virtmond:$TEST_TMP/down.sock" -d vm-running
expect_rc 3 "virtmond without libvirt: domain check UNKNOWN"

# A virtmond whose polls are stuck (libvirtd hung) still answers, with an
# old snapshot: a fake one serves what the real one did, aged 300 s.
FETCH=./tests/unit/wire-fetch
if command -v python3 >/dev/null 2>&1 && [ -x "$FETCH" ]; then
    "$FETCH" --raw "$DEF_SOCK" 'domain "test"
' | awk '$1 == "snapshot" { $3 = 300 } { print }' >"$TEST_TMP/old.snap"
    python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(4)
reply = open(sys.argv[2], "rb").read()
while True:
    c = s.accept()[0]
    c.makefile("rb").readline()
    c.sendall(reply); c.close()
' "$TEST_TMP/stuck.sock" "$TEST_TMP/old.snap" &
    vd_pids="$vd_pids $!"
    i=0
    until [ -S "$TEST_TMP/stuck.sock" ] || [ $i -ge 50 ]; do i=$((i + 1)); sleep 0.1; done
    run "$CHECK_DOMAIN" --source "virtmond:$TEST_TMP/stuck.sock" -d test
    expect_rc 3 "virtmond's last poll 300 s old: UNKNOWN"
    expect_first "^VIRT UNKNOWN - virtmond at $TEST_TMP/stuck.sock last finished a poll 300 s ago; its polls are stuck \\(libvirt at test:///default not answering\\?\\)\$" \
        "stale poll: says how old, where, and which libvirt"
    run "$CHECK_HOST" --source "virtmond:$TEST_TMP/stuck.sock"
    expect_rc 3 "host check, virtmond's last poll 300 s old: UNKNOWN"
else
    echo "# no python3 or wire-fetch: a virtmond with stuck polls not exercised"
fi

# A virtmond that no longer answers (stopped): the check waits a third of
# what is left of -t after start-up (as for a guest's monitor), so it
# answers well inside -t.
kill -STOP "$ODD_PID"
run "$CHECK_DOMAIN" --source "virtmond:$ODD_SOCK" -d 'web 01' -t 3
kill -CONT "$ODD_PID"
expect_rc 3 "stopped virtmond with -t 3: UNKNOWN"
expect_first "^VIRT UNKNOWN - virtmond at $ODD_SOCK did not answer within (1|0\.[0-9]+) s\$" \
    "stopped virtmond: the message names virtmond, where, and the wait"
if [ -z "${VMON_VALGRIND:-}" ]; then   # memcheck's start-up would blur it
    awk -v s="$SECS" 'BEGIN { exit !(s >= 0.9 && s < 2) }'
    ok $? "stopped virtmond: answered after its wait of 1 s, inside -t ($SECS s)"
fi

finish
