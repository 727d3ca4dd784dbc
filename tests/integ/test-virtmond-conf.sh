#!/bin/bash
# virtmond's configuration file (tools/virtmond-config.c):
#   - a file with every key is applied: the URI, interval, include/exclude
#     (repeated domainInclude lines add up), actions, the socket's path, mode
#     and group, the pidfile, and the durations and workers virtmond logs;
#     the domains it serves are virsh's list filtered by the same globs;
#   - command-line options override the file key by key (--include replaces
#     the file's domainInclude lines, the file's other keys stay);
#   - -n: "configuration OK", or every bad line named by file and line
#     (unknown key, key in another case, bad or out-of-range value, missing
#     value, key given twice), exit 2, nothing started; a missing --config
#     file is an error;
#   - the installed sample (etc/virtmond.conf) passes -n as it is and with
#     every key uncommented, lists every key, and its defaults are virtmond's;
#   - the SNMP agent (when built) takes the shared keys and refuses the same
#     wrong-case key.
# Under `make check-valgrind` virtmond runs under memcheck ($VMON_VALGRIND).
set -u
: "${top_builddir:=.}" "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" vconf
AGENT=$top_builddir/snmp/virtmon-agentx
SAMPLE=$srcdir/etc/virtmond.conf
[ -f "$SAMPLE" ] || { echo "ERROR: $SAMPLE missing"; exit 99; }

# run LOG ARGS...: virtmond in the background until it serves a poll, or
# exits; its pid in $dpid.  Returns 1 when it did not come up.
run() {
    local log=$1 sock=; shift
    : >"$log"
    $VG "$D" "$@" 2>"$log" &
    dpid=$!
    pids="$pids $dpid"
    for _ in $(seq 1 600); do
        [ -n "$sock" ] || sock=$(sed -n 's/^virtmond: serving on //p' "$log")
        [ -n "$sock" ] && "$FETCH" "$sock" >/dev/null 2>&1 && return 0
        kill -0 "$dpid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# stop: SIGTERM, and a clean exit (under memcheck, 99 says it found an error)
stop() {
    local rc
    kill -TERM "$dpid"; wait "$dpid"; rc=$?; pids=${pids/ $dpid/}
    [ "$rc" = 0 ] || nok "virtmond (pid $dpid) exited $rc after SIGTERM"
}
# settings LOG: what virtmond says it polls and how
settings() { sed -n 's/^virtmond: polling //p' "$1"; }
# served SOCKET: the names of the domains virtmond serves, sorted, one line
served() { $VG "$DUMP" --json --source "virtmond:$1" | jq -r '[.domains[].name] | sort | join(" ")'; }
# elapsed SOCKET: seconds between two of virtmond's polls (not its first
# two: opening the source polls once, the poll thread again at once)
elapsed() {
    local e
    for _ in $(seq 1 100); do
        e=$("$FETCH" --raw "$1" $'snapshot\n' | awk '$1 == "snapshot" && $2 >= 3 { print $5 }')
        [ -n "$e" ] && { echo "$e"; return; }
        sleep 0.1
    done
}
# slack: what a poll may add to the interval (much more under memcheck)
if [ -n "$VG" ]; then slack=3; else slack=0.6; fi
# within X LO HI: LO <= X <= HI
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }
# virsh's domains that match the globs in $1 (|-separated) and none in $2, as served() prints
virsh_filtered() {
    local n keep out=()
    while read -r n; do
        [ -n "$n" ] || continue
        keep=0
        IFS='|' read -ra inc <<<"$1"; IFS='|' read -ra exc <<<"$2"
        for g in "${inc[@]}"; do [[ $n == $g ]] && keep=1; done
        for g in "${exc[@]}"; do [[ $n == $g ]] && keep=0; done
        [ $keep = 1 ] && out+=("$n")
    done < <(virsh -c "$URI" list --all --name)
    printf '%s\n' "${out[@]}" | LC_ALL=C sort | paste -sd' '
}

# A group for the socket that is not ours, when we may give it away.
if [ "$(id -u)" = 0 ]; then group=65534; else group=$(id -g); fi

# ---- every key, applied ----
SOCK=$dir/run/a.sock   # run/ does not exist: virtmond makes it
cat >"$dir/all.conf" <<EOF
# every key virtmond takes
    # an indented comment, and a blank line

uri $URI
interval 1s
window 2h
domainInclude dom-000*
domainInclude dom-0010
domainExclude dom-0003,dom-0004
workers 2
timeout 3s
allowActions suspend,resume
shutdownTimeout 45s
notAnsweringAfter 20s
socket $SOCK
socketMode 0640
socketGroup $group
pidfile $dir/a.pid
EOF
out=$($VG "$D" -n --config "$dir/all.conf" 2>&1); rc=$?
check "-n on a file with every key" "0 configuration OK" "$rc $out"
[ ! -e "$SOCK" ] && ok "-n started nothing" || nok "-n created $SOCK"

run "$dir/a.log" --config "$dir/all.conf" || { cat "$dir/a.log"; echo "ERROR: virtmond did not start on all.conf"; exit 99; }
check "log names the file" "virtmond: configuration read from $dir/all.conf" "$(grep '^virtmond: configuration' "$dir/a.log")"
check "settings logged" "$URI every 1s (window 7200s, timeout 3s, shutdown timeout 45s, not answering after 20s, workers 2, actions suspend,resume, domains filtered)" \
    "$(settings "$dir/a.log")"
check "socket at the file's path, mode, group" "socket 640 $group" "$(stat -c '%F %a %g' "$SOCK")"
check "pidfile" "$dpid" "$(cat "$dir/a.pid" 2>/dev/null)"
want=$(virsh_filtered 'dom-000*|dom-0010' 'dom-0003|dom-0004')
check "domains served: virsh's, filtered by both domainInclude lines and domainExclude" "$want" "$(served "$SOCK")"
[ "$(wc -w <<<"$want")" = 8 ] && ok "... 8 of $domains" || nok "expected 8 domains after filtering, virsh gave '$want'"
snap=$("$FETCH" --raw "$SOCK" $'snapshot\n')
check "URI in the snapshot" "\"$URI\"" "$(awk '$1 == "snapshot" { print $6 }' <<<"$snap")"
check "actions in the snapshot" "actions suspend,resume" "$(grep '^actions ' <<<"$snap")"
e=$(elapsed "$SOCK")
within "$e" 0.9 "$(awk -v s="$slack" 'BEGIN { print 1 + s }')" && ok "interval 1s: polls $e s apart" || nok "interval 1s: polls '$e' s apart"
stop
[ ! -e "$dir/a.pid" ] && ok "pidfile removed at stop" || nok "pidfile left behind"

# ---- the command line overrides the file, key by key ----
SOCK2=$dir/b.sock
run "$dir/b.log" --config "$dir/all.conf" -i 2s --include dom-0011 -s "$SOCK2" --socket-mode 0600 \
    --allow-actions none -p "$dir/b.pid" || { cat "$dir/b.log"; echo "ERROR: virtmond did not start with overrides"; exit 99; }
check "settings: options over keys, the file's others kept" \
    "$URI every 2s (window 7200s, timeout 3s, shutdown timeout 45s, not answering after 20s, workers 2, actions none, domains filtered)" \
    "$(settings "$dir/b.log")"
check "socket: -s's, --socket-mode's, the file's group" "600 $group" "$(stat -c '%a %g' "$SOCK2")"
[ ! -e "$SOCK" ] && ok "nothing at the file's socket path" || nok "the file's socket $SOCK exists"
check "--include replaces the file's domainInclude lines" "dom-0011" "$(served "$SOCK2")"
check "actions none" "actions none" "$("$FETCH" --raw "$SOCK2" $'snapshot\n' | grep '^actions ')"
e=$(elapsed "$SOCK2")
within "$e" 1.9 "$(awk -v s="$slack" 'BEGIN { print 2 + s }')" && ok "-i 2s over interval 1s: polls $e s apart" || nok "-i 2s: polls '$e' s apart"
stop

# ---- -n and errors: file and line, exit 2, nothing started ----
# bad FILE-CONTENT WANT...: -n exits 2 and says exactly WANT (a line each)
bad() {
    local content=$1; shift
    printf '%s\n' "$content" >"$dir/bad.conf"
    local want
    want=$(printf "virtmond: $dir/bad.conf: %s\n" "$@")
    out=$($VG "$D" -n --config "$dir/bad.conf" 2>&1); rc=$?
    check "-n on '${content//$'\n'/\\n}'" "2 $want" "$rc $out"
}
bad "Interval 60s" "line 1: unknown key 'Interval' (keys are case-sensitive: did you mean 'interval'?)"
bad "domaininclude web*" "line 1: unknown key 'domaininclude' (keys are case-sensitive: did you mean 'domainInclude'?)"
bad "SOCKETMODE 0600" "line 1: unknown key 'SOCKETMODE' (keys are case-sensitive: did you mean 'socketMode'?)"
bad "colour blue" "line 1: unknown key 'colour'"
bad "source virtmond" "line 1: unknown key 'source'"
bad "interval 1e308" "line 1: interval: '1e308' is out of range 0.5 s..1 d"
bad "interval 0.0001s" "line 1: interval: '0.0001s' is out of range 0.5 s..1 d"
bad "interval 9223372036854775807" "line 1: interval: '9223372036854775807' is out of range 0.5 s..1 d"
bad "window 1e308" "line 1: window: '1e308' is out of range 10 s (the interval)..7 d"
bad "shutdownTimeout 1e308" "line 1: shutdownTimeout: '1e308' is out of range 1 s..1 d"
bad "interval soon" "line 1: interval: 'soon' is not a duration (examples: 30, 30s, 5m, 1h)"
bad "workers 65" "line 1: workers: '65' is out of range 0..64"
bad "allowActions start,explode" "line 1: allowActions: unknown action 'explode' (known: start, shutdown, reboot, reset, destroy, suspend, resume, all, none)"
bad "socketMode 999" "line 1: socketMode: '999' is not an octal mode (0000..0777)"
bad "socketGroup no-such-group-here" "line 1: socketGroup: no group 'no-such-group-here'"
bad "interval" "line 1: interval: needs a value"
bad $'interval 5s\n# a comment\ninterval 6s' "line 3: interval: given again (first on line 1)"
bad $'# two bad lines, both said\n\nwindow 1h\nInterval 5s\nuri test:///default\nshutdownTimeout never' \
    "line 4: unknown key 'Interval' (keys are case-sensitive: did you mean 'interval'?)" \
    "line 6: shutdownTimeout: 'never' is not a duration (examples: 30, 30s, 5m, 1h)"

# without -n: the same, and no socket
printf 'socket %s\nInterval 60s\n' "$dir/c.sock" >"$dir/c.conf"
out=$($VG "$D" --config "$dir/c.conf" 2>&1); rc=$?
check "a bad file stops virtmond" "2 virtmond: $dir/c.conf: line 2: unknown key 'Interval' (keys are case-sensitive: did you mean 'interval'?)" "$rc $out"
[ ! -e "$dir/c.sock" ] && ok "... before it listens" || nok "a bad file left $dir/c.sock"

out=$($VG "$D" -n --config "$dir/nothing.conf" 2>&1); rc=$?
check "a missing --config file" "2 virtmond: --config: cannot read $dir/nothing.conf: No such file or directory" "$rc $out"
out=$($VG "$D" -n --config "$dir" 2>&1); rc=$?
check "a directory as --config" "2 virtmond: cannot read $dir: Is a directory" "$rc $out"
out=$($VG "$D" -n --config "$dir/all.conf" --workers 65 2>&1); rc=$?
check "a bad option after a good file: named as typed" "2 virtmond: --workers: '65' is out of range 0..64" "$rc $out"
out=$($VG "$D" --config "$dir/nothing.conf" --help 2>&1 | head -1)
check "--help reads no file" "Usage: virtmond [OPTION]..." "$out"

# the default file: read when present; missing, the defaults
default=$("$D" --help | sed -n 's/.*--config FILE *read FILE instead of //p')
case $default in /*/virtmon/virtmond.conf) ok "default file $default" ;; *) nok "--help names no default file: '$default'" ;; esac
if [ ! -e "$default" ]; then
    out=$($VG "$D" -n 2>&1); rc=$?
    check "-n without the default file" "0 configuration OK" "$rc $out"
fi

# ---- the sample ----
out=$($VG "$D" -n --config "$SAMPLE" 2>&1); rc=$?
check "-n on the sample as installed" "0 configuration OK" "$rc $out"
# every key uncommented (its socketGroup, nagios, may not exist here)
sed -e 's/^#\([a-zA-Z]\)/\1/' -e 's/^socketGroup .*/socketGroup 0/' "$SAMPLE" >"$dir/sample-all.conf"
out=$($VG "$D" -n --config "$dir/sample-all.conf" 2>&1); rc=$?
check "-n on the sample with every key uncommented" "0 configuration OK" "$rc $out"
check "the sample shows every key" \
    "allowActions balloonStaleAge domainExclude domainInclude interval label notAnsweringAfter pidfile shutdownTimeout socket socketGroup socketMode timeout uri window workers" \
    "$(sed -n 's/^#\([a-zA-Z]\+\) .*/\1/p' "$SAMPLE" | LC_ALL=C sort -u | paste -sd' ')"
# its values for the keys that have a default are virtmond's defaults
grep -E '^#(interval|window|workers|timeout|allowActions|shutdownTimeout|notAnsweringAfter|socketMode) ' "$SAMPLE" |
    sed 's/^#//' >"$dir/defaults.conf"
check "default lines in the sample" 8 "$(wc -l <"$dir/defaults.conf")"
run "$dir/d1.log" --config "$dir/defaults.conf" -c "$URI" -s "$dir/d1.sock" || nok "virtmond on the sample's defaults: $(cat "$dir/d1.log")"
m1=$(stat -c %a "$dir/d1.sock"); stop
run "$dir/d2.log" --config /dev/null -c "$URI" -s "$dir/d2.sock" || nok "virtmond on no keys: $(cat "$dir/d2.log")"
m2=$(stat -c %a "$dir/d2.sock"); stop
check "the sample's defaults are virtmond's" "$(settings "$dir/d2.log") $m2" "$(settings "$dir/d1.log") $m1"

# ---- the SNMP agent takes the shared keys, and refuses the same case ----
if [ -x "$AGENT" ]; then
    printf 'uri %s\ninterval 30s\ndomainInclude web*\nallowActions none\n' "$URI" >"$dir/shared.conf"
    out=$("$AGENT" -n -c "$dir/shared.conf" 2>&1); rc=$?
    check "virtmon-agentx -n on shared keys" "0 configuration OK" "$rc $out"
    out=$($VG "$D" -n --config "$dir/shared.conf" 2>&1); rc=$?
    check "virtmond -n on the same file" "0 configuration OK" "$rc $out"
    printf 'Interval 60s\n' >"$dir/case.conf"
    out=$("$AGENT" -n -c "$dir/case.conf" 2>&1); rc=$?
    want="$dir/case.conf: line 1: Error: unknown key 'Interval' (keys are case-sensitive: did you mean 'interval'?)"
    if [ $rc != 0 ] && grep -qxF -- "$want" <<<"$out"; then ok "virtmon-agentx refuses 'Interval': $want"
    else nok "virtmon-agentx on 'Interval 60s': exit $rc, '$out'"; fi
fi

exit $fail
