#!/bin/bash
# The guest-fs options without a guest agent to ask: libvirt's test driver
# has no virDomainGetGuestInfo.  Off (the default), no domain says anything
# of file systems; on, every running domain (and only those) says the driver
# cannot ask, in virtmon-dump and through virtmond's wire.  Bad values are refused naming the option.  The
# real agent is tests/sys/test-guest-fs.sh's.
set -u
: "${srcdir:=.}"
. "$srcdir/tests/integ/lib-virtmond.sh" guestfs
SOCK=$dir/virtmond.sock
WHY="this libvirt driver does not ask guest agents (no virDomainGetGuestInfo)"
# per domain: "NAME STATE ERROR FILESYSTEMS"
summary() { jq -r '.domains[] | "\(.name) \(.state) \(.guest_fs_error) \(.filesystems | length)"' <<<"$1" | sort; }

off=$($VG "$DUMP" --json -c "$URI") || { echo "ERROR: virtmon-dump failed"; exit 99; }
check "guest-fs off: domains with a guest fs error or file systems" 0 \
      "$(jq '[.domains[] | select(.guest_fs_error != null or (.filesystems | length) > 0)] | length' <<<"$off")"
on=$($VG "$DUMP" --json -c "$URI" --guest-fs yes) || { echo "ERROR: virtmon-dump --guest-fs yes failed"; exit 99; }
want=$(jq -r --arg why "$WHY" '.domains[] | "\(.name) \(.state) \(if .state == "running" then $why else null end) 0"' <<<"$off" | sort)
check "guest-fs on: running domains say the driver cannot ask ($running running)" "$want" "$(summary "$on")"
check "guest-fs on: running domains with the error" "$running" \
      "$(jq --arg why "$WHY" '[.domains[] | select(.guest_fs_error == $why)] | length' <<<"$on")"

$VG "$D" -c "$URI" -i 1 -s "$SOCK" --guest-fs yes --guest-fs-interval 1s 2>"$dir/d.log" &
pids="$pids $!"
for _ in $(seq 1 300); do "$FETCH" "$SOCK" >/dev/null 2>&1 && break; sleep 0.1; done
# the agents' answers come in after the poll that asked: the next poll serves them
for _ in $(seq 1 100); do
    served=$($VG "$DUMP" --json --source "virtmond:$SOCK") || { cat "$dir/d.log"; echo "ERROR: no snapshot from virtmond"; exit 99; }
    [ "$(summary "$served")" = "$want" ] && break
    sleep 0.1
done
check "through virtmond: the same per domain" "$want" "$(summary "$served")"

# bad values, named as typed
out=$($VG "$DUMP" -c "$URI" --guest-fs maybe 2>&1)
check "--guest-fs maybe: exit 2 and why" "2 virtmon-dump: --guest-fs: 'maybe' is not a boolean (use yes or no)" "$? $out"
out=$($VG "$DUMP" --source "virtmond:$SOCK" --guest-fs yes 2>&1)
check "--guest-fs with --source virtmond: refused" 2 "$?"
case $out in *"virtmond polls libvirt, and its own configuration decides this"*) ok "it says why" ;; *) nok "it says '$out'" ;; esac
out=$($VG "$D" -c "$URI" --guest-fs-interval 0.5s -n 2>&1)
case $out in *"'0.5s' is out of range 1 s..1 d"*) ok "virtmond --guest-fs-interval 0.5s refused" ;; *) nok "virtmond --guest-fs-interval 0.5s: '$out'" ;; esac
printf 'guestFs yes\nguestFsCalls 65\n' >"$dir/v.conf"
out=$($VG "$D" --config "$dir/v.conf" -n 2>&1)
case $out in *"guestFsCalls"*"'65' is out of range 1..64"*) ok "virtmond.conf guestFsCalls 65 refused: $out" ;; *) nok "guestFsCalls 65: '$out'" ;; esac
printf 'guestFs yes\nguestFsInterval 5m\nguestFsTimeout 20s\nguestFsCalls 2\n' >"$dir/v.conf"
out=$($VG "$D" --config "$dir/v.conf" -n 2>&1)
check "virtmond.conf with the guestFs keys" "configuration OK" "$out"

exit $fail
