#!/bin/bash
# Hundreds of test-driver domains in several states: virtmon must list the
# same domains in the same states as virsh, and filters must select exactly
# what their globs say.
set -u
: "${top_builddir:=.}"
: "${srcdir:=.}"
DUMP="$top_builddir/tools/virtmon-dump"
# make check-valgrind sets VMON_VALGRIND: the dump then runs under memcheck
VG=${VMON_VALGRIND:-}
command -v virsh >/dev/null || { echo "SKIP: virsh not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
xml=$tmp/node.xml
fail=0

# 300 domains: every 7th paused, every 5th shut off
{
    echo "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
    for i in $(seq 1 300); do
        state=""
        if [ $((i % 5)) -eq 0 ]; then state="<test:runstate>5</test:runstate>"
        elif [ $((i % 7)) -eq 0 ]; then state="<test:runstate>3</test:runstate>"; fi
        printf "<domain type='test'><name>vm-%03d</name><uuid>%08d-0000-4000-8000-%012d</uuid>" $i $i $i
        printf "<memory>%d</memory><currentMemory>%d</currentMemory><vcpu>%d</vcpu>" $((262144 * (1 + i % 4))) $((131072 * (1 + i % 4))) $((1 + i % 4))
        printf "<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/img/%d'/><target dev='vda'/></disk>" $i
        printf "<interface type='network'><mac address='52:54:00:00:%02x:%02x'/><source network='default'/></interface></devices>%s</domain>\n" $((i / 256)) $((i % 256)) "$state"
    done
    echo "</node>"
} > "$xml"
URI="test://$xml"

json=$($VG "$DUMP" --json -c "$URI") || { echo "ERROR: virtmon-dump failed"; exit 99; }
for st in running paused shut; do
    want=$(virsh -c "$URI" list --all --name --state-$( [ $st = shut ] && echo shutoff || echo $st) | sed '/^$/d' | sort)
    label=$([ $st = shut ] && echo shutoff || echo $st)
    got=$(jq -r --arg s "$label" '.domains[] | select(.state == $s) | .name' <<<"$json" | sort)
    if [ "$want" = "$got" ] && [ -n "$got" ]; then echo "ok - $(wc -l <<<"$got") $label domains match virsh"
    else echo "not ok - $label domains differ from virsh"; diff <(echo "$want") <(echo "$got") | head; fail=1; fi
    count=$(jq -r --arg s "$label" '.node.domains_by_state[$s]' <<<"$json")
    [ "$count" = "$(sed '/^$/d' <<<"$want" | wc -l)" ] && echo "ok - node count $label = $count" || { echo "not ok - node count $label = $count"; fail=1; }
done

# one domain in detail: memory and vcpus as virsh sees them
d=$(jq -c '.domains[] | select(.name == "vm-042")' <<<"$json")
info=$(virsh -c "$URI" dominfo vm-042)
want_mem=$(awk -F': *' '$1 == "Used memory" {print $2}' <<<"$info" | awk '{print $1}')
[ "$want_mem" = "$(jq -r '.metrics["balloon.current"]' <<<"$d")" ] && echo "ok - vm-042 memory $want_mem" || { echo "not ok - vm-042 memory"; fail=1; }
[ "$(jq -r '.nics[0].mac' <<<"$d")" = "52:54:00:00:00:2a" ] && echo "ok - vm-042 mac" || { echo "not ok - vm-042 mac $(jq -r '.nics[0].mac' <<<"$d")"; fail=1; }
[ "$(jq -r '.disks[0].path' <<<"$d")" = "/img/42" ] && echo "ok - vm-042 disk path" || { echo "not ok - vm-042 disk path"; fail=1; }

# filters: globs, a UUID, and exclude winning over include
sel=$($VG "$DUMP" --json -c "$URI" --include 'vm-01?,00000250-0000-4000-8000-000000000250' --exclude 'vm-015' | jq -r '.domains[].name' | tr '\n' ' ')
want="vm-010 vm-011 vm-012 vm-013 vm-014 vm-016 vm-017 vm-018 vm-019 vm-250 "
[ "$sel" = "$want" ] && echo "ok - filter selects $sel" || { echo "not ok - filter selected '$sel', want '$want'"; fail=1; }

# more workers than one must not change what is reported
# a shut-off domain shows what it will boot with, as virsh dominfo does
for d in vm-005 vm-007; do
    want=$(virsh -c "$URI" dominfo $d | awk '/^CPU\(s\)/ {print $2}')
    got=$(jq -r --arg d $d '.domains[] | select(.name == $d) | .metrics["vcpu.current"]' <<<"$json")
    [ "$want" = "$got" ] && echo "ok - $d vcpu.current $got = virsh" || { echo "not ok - $d vcpu.current: virsh $want, virtmon $got"; fail=1; }
    want=$(virsh -c "$URI" dominfo $d | awk '/^Used memory/ {print $3}')
    got=$(jq -r --arg d $d '.domains[] | select(.name == $d) | .metrics["balloon.current"]' <<<"$json")
    [ "$want" = "$got" ] && echo "ok - $d balloon.current $got = virsh" || { echo "not ok - $d balloon.current: virsh $want, virtmon $got"; fail=1; }
done
one=$($VG "$DUMP" --json -c "$URI" --workers 1 | jq -c '[.domains[] | {name, state, m: .metrics["balloon.maximum"], d: (.disks|length)}]')
four=$($VG "$DUMP" --json -c "$URI" --workers 4 | jq -c '[.domains[] | {name, state, m: .metrics["balloon.maximum"], d: (.disks|length)}]')
[ "$one" = "$four" ] && echo "ok - 1 and 4 workers agree" || { echo "not ok - workers disagree"; fail=1; }
exit $fail
