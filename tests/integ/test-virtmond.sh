#!/bin/bash
# virtmond on a test-driver file, fetched over its socket by a client linked
# against the libvirt-free core only (tests/unit/wire-fetch), and checked
# against virsh and virtmon-dump on the same file: each test:///FILE
# connection gets a private copy of the same fixture.  Counters grow with
# wall-clock time in the test driver, so a fetched counter must not exceed
# what virtmon-dump reads afterwards; gauges must be equal.
#
# Also: virtmon-dump --source virtmond:PATH, one-domain requests, a bad request line, a client that never
# speaks, the socket's mode, a stale socket and a non-socket at the path,
# a second daemon on a live socket, bad options and SIGTERM cleaning up.
# Under `make check-valgrind`
# virtmond, wire-fetch and virtmon-dump run under memcheck ($VMON_VALGRIND).
set -u
: "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" virtmond
SOCK=$dir/run/virtmond.sock   # run/ does not exist: virtmond makes it

# start_daemon LOG ARGS...: virtmond in the background, its pid in $dpid
start_daemon() {
    local log=$1; shift
    $VG "$D" "$@" 2>"$log" &
    dpid=$!
    pids="$pids $dpid"
}
# Wait until a fetch succeeds (the first poll must have finished).
wait_ready() {
    for _ in $(seq 1 300); do
        "$FETCH" "$SOCK" >/dev/null 2>&1 && return 0
        kill -0 "$dpid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# ---- bad options: exit 2, naming the option ----
for args in "--socket-mode 999:virtmond: --socket-mode: '999' is not an octal mode (0000..0777)" \
            "-i soon:virtmond: --interval: 'soon' is not a duration (examples: 30, 30s, 5m, 1h)" \
            "--workers 65:virtmond: --workers: '65' is out of range 0..64" \
            "--socket-group no-such-group-here:virtmond: --socket-group: no group 'no-such-group-here'" \
            "--bogus:unrecognized option '--bogus'" "extra-arg:virtmond: unexpected argument 'extra-arg'"; do
    opt=${args%%:*} want=${args#*:}
    # shellcheck disable=SC2086
    out=$($VG "$D" $opt -s "$SOCK" 2>&1); rc=$?
    if [ $rc = 2 ] && grep -qF -- "$want" <<<"$out"; then ok "virtmond $opt: exit 2, '$want'"
    else nok "virtmond $opt: exit $rc, '$out'"; fi
done
out=$($VG "$D" -s "" 2>&1); rc=$?
check "virtmond -s '': exit 2 naming it" "2 virtmond: --socket: empty path" "$rc $out"
out=$($VG "$D" --check -i 5s -s "$SOCK" 2>&1)
check "--check" "configuration OK" "$out"

# ---- serve ----
start_daemon "$dir/d.log" -c "$URI" -i 1 -s "$SOCK" --socket-mode 0640 -p "$dir/pid"
wait_ready || { cat "$dir/d.log"; echo "ERROR: virtmond did not serve a snapshot"; exit 99; }
ok "virtmond serves on $SOCK"
check "pidfile" "$dpid" "$(cat "$dir/pid" 2>/dev/null)"
check "socket mode" 640 "$(stat -c %a "$SOCK")"
[ -S "$SOCK" ] && ok "socket is a socket" || nok "$SOCK is not a socket"

"$FETCH" "$SOCK" >"$dir/fetch" 2>"$dir/fetch.err" || { cat "$dir/fetch.err"; nok "fetch failed"; }
$VG "$DUMP" --json -c "$URI" >"$dir/dump.json" || { echo "ERROR: virtmon-dump failed"; exit 99; }

# domains and their states, as virsh sees them
check "domain count" "$domains" "$(awk -F'\t' '$1 == "snapshot" { print $3 }' "$dir/fetch")"
virsh -c "$URI" list --all --name | sed '/^$/d' | LC_ALL=C sort >"$dir/names.virsh"
awk -F'\t' '$1 == "domain" { print $2 }' "$dir/fetch" | LC_ALL=C sort >"$dir/names.fetch"
if cmp -s "$dir/names.virsh" "$dir/names.fetch"; then ok "domain names as virsh lists them"
else diff "$dir/names.virsh" "$dir/names.fetch" | sed 's/^/# /'; nok "domain names differ from virsh's"; fi
while IFS=$'\t' read -r _ name uuid state id _ nvcpus _; do
    info=$(virsh -c "$URI" dominfo "$uuid")
    field() { awk -F': *' -v k="$1" '$1 == k { print $2 }' <<<"$info"; }
    vstate=$(field State); [ "$vstate" = "shut off" ] && vstate=shutoff
    check "$name state" "$vstate" "$state"
    vid=$(field Id); [ "$vid" = - ] && vid=-1
    check "$name id" "$vid" "$id"
    check "$name name by uuid" "$(field Name)" "$name"
    if [ "$state" != shutoff ]; then
        check "$name vcpus" "$(field 'CPU(s)')" "$nvcpus"
        check "$name used memory" "$(field 'Used memory' | awk '{print $1}')" \
            "$(awk -F'\t' -v n="$name" '$1 == "metric" && $2 == n && $3 == "domain" && $4 == "balloon.current" { print $6 }' "$dir/fetch")"
    fi
done < <(awk -F'\t' '$1 == "domain"' "$dir/fetch")

# every metric against virtmon-dump's, same format
jq -r '
  (.node.metrics | to_entries[] | "node\t\(.key)\t\(.value)"),
  (.domains[] | .name as $n |
     (.metrics | to_entries[] | "metric\t\($n)\tdomain\t\(.key)\t\(.value)"),
     (.vcpus[] | "vcpu.\(.number)" as $w | .metrics | to_entries[] | "metric\t\($n)\t\($w)\t\(.key)\t\(.value)"),
     (.disks[] | "disk.\(.name)" as $w | .metrics | to_entries[] | "metric\t\($n)\t\($w)\t\(.key)\t\(.value)"),
     (.nics[] | "nic.\(.name)" as $w | .metrics | to_entries[] | "metric\t\($n)\t\($w)\t\(.key)\t\(.value)"))
' "$dir/dump.json" >"$dir/dump.tsv"
awk -F'\t' -v out="$dir/compare" '
    # dump.tsv: node KEY VALUE | metric NAME WHERE KEY VALUE
    FILENAME == ARGV[1] { k = $1 == "node" ? "node\t" $2 : $2 "\t" $3 "\t" $4
                          dump[k] = $1 == "node" ? $3 : $5; next }
    $1 == "node" { k = "node\t" $2; kind = $3; v = $4 }
    $1 == "metric" { k = $2 "\t" $3 "\t" $4; kind = $5; v = $6 }
    $1 != "node" && $1 != "metric" { next }
    { n++; seen[k] = 1
      if (kind == "derived") { derived++; next }   # rates: virtmond polled twice, the dump once
      if (!(k in dump)) { print "virtmond has " k " = " v ", virtmon-dump does not"; bad++; next }
      if (kind == "gauge" && v != dump[k]) { print k ": virtmond " v ", virtmon-dump " dump[k]; bad++ }
      if (kind == "counter" && v + 0 > dump[k] + 0) { print k ": counter " v " > later " dump[k]; bad++ } }
    END { for (k in dump) if (!(k in seen)) { print "virtmon-dump has " k ", virtmond does not"; bad++ }
          printf "%d %d %d\n", n, derived, bad > out }
' "$dir/dump.tsv" "$dir/fetch" | sed 's/^/# /'
read -r nmetrics nderived nbad <"$dir/compare"
if [ "$nbad" = 0 ] && [ "$nmetrics" -gt 500 ]; then ok "$nmetrics metrics agree with virtmon-dump ($nderived derived not compared)"
else nok "$nbad of $nmetrics metrics differ from virtmon-dump"; fi

# virtmon-dump --source virtmond:PATH shows the daemon's poll: the same
# domains, states and (gauge) memory as virtmon-dump polling libvirt itself
view='[.domains[] | {name, state, mem: .metrics["balloon.maximum"]}] | sort_by(.name)'
mine=$($VG "$DUMP" --json --source "virtmond:$SOCK" | jq -c "$view")
theirs=$(jq -c "$view" "$dir/dump.json")
if [ -n "$mine" ] && [ "$mine" != "[]" ] && [ "$mine" = "$theirs" ]; then
    ok "virtmon-dump --source virtmond:PATH: $(jq length <<<"$mine") domains, states and memory as polling libvirt"
else nok "virtmon-dump --source virtmond:PATH: '$mine' vs polling '$theirs'"; fi
# ... with rates: virtmond's own, from its last two polls (once it has two)
for _ in $(seq 1 100); do
    rates=$($VG "$DUMP" --json --source "virtmond:$SOCK" | jq '[.domains[].metrics["cpu.percent"] | select(. != null)] | length')
    [ "$rates" = 0 ] || break
    sleep 0.1
done
check "virtmon-dump --source virtmond:PATH: active domains with cpu.percent (virtmond's rates)" "$((running + paused))" "$rates"
# ... and the URI it expects, as the checks do
out=$("$DUMP" --source "virtmond:$SOCK" -c test:///default 2>&1); rc=$?
check "virtmon-dump --source virtmond:PATH -c OTHER: exit 1 naming both URIs" \
    "1 virtmon-dump: virtmond at $SOCK polls $URI, not test:///default" "$rc $out"
out=$("$DUMP" --source "virtmond:$dir/nothing.sock" 2>&1); rc=$?
check "virtmon-dump, no virtmond at the path: exit 1 saying where" \
    "1 virtmon-dump: cannot connect to virtmond at $dir/nothing.sock: No such file or directory (is virtmond running?)" "$rc $out"
for bad in "virtmond:run/virtmond.sock|--source: virtmond's socket 'run/virtmond.sock' is not an absolute path" \
           "virtmon:$SOCK|--source: 'virtmon:$SOCK' is neither libvirt[:URI] nor virtmond[:PATH]"; do
    out=$("$DUMP" --source "${bad%%|*}" 2>&1); rc=$?
    check "virtmon-dump --source ${bad%%|*}: exit 2 naming it" "2 virtmon-dump: ${bad#*|}" "$rc $out"
done

# ---- requests ----
out=$("$FETCH" "$SOCK" "$odd_name" | awk -F'\t' '$1 == "domain" { print $2 }')
check "domain request by odd name" "$odd_name" "$out"
out=$("$FETCH" "$SOCK" 76697274-6d6f-4e00-8000-000000000007 | awk -F'\t' '$1 == "domain" { print $2 "/" $4 }')
check "domain request by uuid" "dom-0007/shutoff" "$out"
out=$("$FETCH" "$SOCK" "no such domain" | awk -F'\t' '$1 == "snapshot" { print $3 } $1 == "node" && $2 == "cpus" { print $4 }' | tr '\n' ' ')
check "unknown domain: zero domains, node still there" "0 16 " "$out"
out=$("$FETCH" --raw "$SOCK" $'domain dom-0003\n' | grep -c '^domain ')
check "unquoted domain request (socat-style)" 1 "$out"
out=$("$FETCH" --raw "$SOCK" $'GET / HTTP/1.0\r\n\r\n')
case $out in "error: unknown request 'GET / HTTP/1.0'"*) ok "bad request: $out" ;; *) nok "bad request answered '$out'" ;; esac
out=$("$FETCH" --raw "$SOCK" "$(head -c 5000 /dev/zero | tr '\0' x)")
check "overlong request" "error: request line too long" "$out"

# ---- actions ----
# state_of NAME [SOCKET]: the domain's state in a fresh fetch
state_of() { "$FETCH" "${2:-$SOCK}" "$1" | awk -F'\t' '$1 == "domain" { print $4 }'; }
# wait_state NAME STATE SOCKET: within 10 s (polls every second)
wait_state() {
    for _ in $(seq 1 100); do [ "$(state_of "$1" "$3")" = "$2" ] && return 0; sleep 0.1; done
    return 1
}
out=$("$FETCH" --raw "$SOCK" $'action suspend dom-0001\n')
case $out in "action-result suspend refused "*"not allowed by configuration"*) ok "action without --allow-actions: $out" ;;
*) nok "action without --allow-actions answered '$out'" ;; esac
sleep 1.2
check "... and dom-0001 still" running "$(state_of dom-0001)"

# a second daemon that may suspend and resume, on a socket anyone may open
SOCK2=$dir/act.sock
chmod 711 "$dir"
main_dpid=$dpid
start_daemon "$dir/d-act.log" -c "$URI" -i 1 -s "$SOCK2" --socket-mode 0666 --allow-actions suspend,resume
for _ in $(seq 1 300); do "$FETCH" "$SOCK2" >/dev/null 2>&1 && break; sleep 0.1; done
check "snapshot says what virtmond will do" "actions suspend,resume" \
    "$("$FETCH" --raw "$SOCK2" $'snapshot\n' | grep '^actions ')"
out=$("$FETCH" --raw "$SOCK2" $'action suspend dom-0001\n')
case $out in "action-result suspend ok "*"suspend of 'dom-0001' done\"") ok "suspend: $out" ;; *) nok "suspend answered '$out'" ;; esac
wait_state dom-0001 paused "$SOCK2" && ok "dom-0001 paused after the suspend" ||
    nok "dom-0001 is $(state_of dom-0001 "$SOCK2") after the suspend"
check "the suspend logged once, with who asked" 1 \
    "$(grep -c "suspend of 'dom-0001' for pid [0-9]* (uid $(id -u)): ok" "$dir/d-act.log")"
uuid1=$("$FETCH" "$SOCK2" dom-0001 | awk -F'\t' '$1 == "domain" { print $3 }')
out=$("$FETCH" --raw "$SOCK2" "last-action $uuid1"$'\n')
case $out in "action-result suspend ok "*) ok "last-action: $out" ;; *) nok "last-action answered '$out'" ;; esac
check "last-action of a domain never acted on" no-action \
    "$("$FETCH" --raw "$SOCK2" $'last-action 76697274-6d6f-4e00-8000-000000000002\n')"
out=$("$FETCH" --raw "$SOCK2" $'action destroy dom-0001\n')
case $out in "action-result destroy refused "*) ok "destroy, not allowed: $out" ;; *) nok "destroy answered '$out'" ;; esac
out=$("$FETCH" --raw "$SOCK2" $'action resume dom-0002\n')
case $out in "action-result resume invalid "*"while it is running"*) ok "resume of a running domain: $out" ;;
*) nok "resume of a running domain answered '$out'" ;; esac
out=$("$FETCH" --raw "$SOCK2" $'action resume "no such domain"\n')
case $out in "action-result resume not-found "*) ok "unknown domain: $out" ;; *) nok "unknown domain answered '$out'" ;; esac
for req in "action explode dom-0001:unknown action 'explode'" "action suspend:no domain in the request" \
           "last-action dom-0001:last-action wants a domain UUID"; do
    out=$("$FETCH" --raw "$SOCK2" "${req%%:*}"$'\n')
    case $out in "error: ${req#*:}"*) ok "'${req%%:*}': $out" ;; *) nok "'${req%%:*}' answered '$out'" ;; esac
done
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$FETCH" --raw "$SOCK2" $'action resume dom-0001\n')
    case $out in "error: resume of 'dom-0001' refused: uid 65534"*) ok "another user may not act: $out" ;;
    *) nok "uid 65534 asking to resume got '$out'" ;; esac
    check "... but may read" "$domains" "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$FETCH" "$SOCK2" | grep -c '^domain')"
    grep -q "resume of 'dom-0001' refused: uid 65534" "$dir/d-act.log" && ok "the refusal is logged" ||
        nok "the refusal of uid 65534 is not logged"
fi
sleep 1.2
check "dom-0001 untouched by the refused requests" paused "$(state_of dom-0001 "$SOCK2")"
out=$("$FETCH" --raw "$SOCK2" $'action resume dom-0001\n')
case $out in "action-result resume ok "*) ok "resume: $out" ;; *) nok "resume answered '$out'" ;; esac
wait_state dom-0001 running "$SOCK2" && ok "dom-0001 running after the resume" ||
    nok "dom-0001 is $(state_of dom-0001 "$SOCK2") after the resume"
kill -TERM "$dpid"; wait "$dpid"; pids=${pids/ $dpid/}
dpid=$main_dpid
chmod 700 "$dir"

# a client that never sends must not hold the others up
"$FETCH" --hold "$SOCK" 3 >"$dir/hold" &
hold=$!; pids="$pids $hold"
sleep 0.2
t0=$(date +%s%N)
"$FETCH" "$SOCK" >/dev/null 2>&1 && ok "fetch while another client holds its connection" || nok "fetch blocked by a silent client"
t1=$(date +%s%N)
[ -n "$VG" ] || { [ $(( (t1 - t0) / 1000000 )) -lt 1000 ] && ok "... within $(( (t1 - t0) / 1000000 )) ms" || nok "took $(( (t1 - t0) / 1000000 )) ms"; }
wait "$hold"
check "silent client told off" "error: no request line within 1 s" "$(cat "$dir/hold")"

# a second daemon must not steal a live socket
$VG "$D" -c "$URI" -s "$SOCK" 2>"$dir/d2.log"; rc=$?
if [ $rc = 1 ] && grep -q "in use" "$dir/d2.log"; then ok "second virtmond refused: $(cat "$dir/d2.log")"
else nok "second virtmond: exit $rc, $(cat "$dir/d2.log")"; fi
"$FETCH" "$SOCK" >/dev/null 2>&1 && ok "first virtmond still serves" || nok "first virtmond lost its socket"

# ---- SIGTERM ----
kill -TERM "$dpid"; wait "$dpid"; rc=$?
pids=${pids/ $dpid/}
check "exit status after SIGTERM" 0 "$rc"
[ ! -e "$SOCK" ] && ok "socket removed" || nok "socket left behind"
[ ! -e "$dir/pid" ] && ok "pidfile removed" || nok "pidfile left behind"
grep -q "stopping" "$dir/d.log" && ok "logged the stop" || nok "no stop message: $(cat "$dir/d.log")"
out=$("$FETCH" "$SOCK" 2>&1)
case $out in *"cannot connect to virtmond at $SOCK: No such file or directory (is virtmond running?)"*) ok "client error: $out" ;;
    *) nok "client error was '$out'" ;; esac

# ---- stale socket (a daemon killed hard) is replaced ----
start_daemon "$dir/d3.log" -c "$URI" -i 1 -s "$SOCK"
wait_ready || nok "virtmond did not start: $(cat "$dir/d3.log")"
kill -KILL "$dpid"; wait "$dpid" 2>/dev/null; pids=${pids/ $dpid/}
[ -S "$SOCK" ] && ok "SIGKILL leaves a stale socket" || nok "no stale socket to test with"
out=$("$FETCH" "$SOCK" 2>&1)
case $out in *"Connection refused (is virtmond running?)"*) ok "stale socket: $out" ;; *) nok "stale socket: '$out'" ;; esac
start_daemon "$dir/d4.log" -c "$URI" -i 1 -s "$SOCK"
wait_ready && ok "stale socket replaced" || nok "stale socket not replaced: $(cat "$dir/d4.log")"
kill -TERM "$dpid"; wait "$dpid"; rc=$?; pids=${pids/ $dpid/}
check "exit status after SIGTERM (2)" 0 "$rc"

# ---- anything else at the path is refused ----
echo precious >"$SOCK"
$VG "$D" -c "$URI" -s "$SOCK" 2>"$dir/d5.log"; rc=$?
if [ $rc = 1 ] && grep -q "exists and is not a socket" "$dir/d5.log"; then ok "non-socket refused: $(cat "$dir/d5.log")"
else nok "non-socket: exit $rc, $(cat "$dir/d5.log")"; fi
check "non-socket untouched" precious "$(cat "$SOCK")"

exit $fail
