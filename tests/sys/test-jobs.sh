#!/bin/bash
# A domain job on a real guest: `virsh dump --memory-only` into a FIFO that a
# slow reader drains, so the dump runs for ~20 s (QEMU writes every page, zero
# or not; a save finishes QEMU's part in a fraction of a second and then waits
# on libvirt's I/O helper with no job left to see).  While it runs, the job's
# figures in virtmon-dump (polling libvirt), through virtmond, virtmon-agentx
# and collectd equal `virsh domjobinfo` read just before and just after them,
# and its progress grows; check_virt_domain says "dumping N%, ... left" and
# --job-time-warning/critical fire on its elapsed time; once the dump ends,
# every face shows no job.  Then a `virsh save` of the Linux test guest
# (whose memory holds data, so QEMU's stream waits on the reader): the save
# job in virtmon-dump and virtmond against virsh, the check, and its end.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
. "${srcdir:-.}/tests/sys/faces.sh"
CHECK="$top_builddir/nagios/check_virt_domain"
G=vmt-jb1
command -v jq >/dev/null || sys_skip "jq not installed"
for b in "$DUMP" "$CHECK" "$FACES_VIRTMOND"; do [ -x "$b" ] || sys_fail "$b not built"; done
faces_require

sys_setup
sys_linux_guest_image     # a skip, if it comes, before anything ran
faces_virtmond $URI
faces_snmp "virtmond:$FACES_SOCK"
faces_collectd "virtmond:$FACES_SOCK"
sys_guest_create $G 32
sys_guest_wait_io $G

# jobinfo DOMAIN FIELD: a field of `virsh domjobinfo` in bytes or ms ("Memory processed: 5.996 MiB")
jobinfo() {
    virsh -q -c $URI domjobinfo "$1" 2>/dev/null | awk -F': *' -v k="$2" '$1 == k {
        split($2, a, " +"); m = 1
        if (a[2] == "KiB") m = 1024; else if (a[2] == "MiB") m = 1048576; else if (a[2] == "GiB") m = 1073741824
        printf "%.0f\n", a[1] * m; exit }'
}
# between WHAT LOW GOT HIGH SLACK: LOW - SLACK <= GOT <= HIGH + SLACK
between() {
    if [ -n "$3" ] && awk -v l="$2" -v g="$3" -v h="$4" -v s="$5" 'BEGIN { exit !(g >= l - s && g <= h + s) }'; then
        ok "$1: $3 within virsh's $2 .. $4 (+-$5)"
    else
        bad "$1: '$3' not within virsh's $2 .. $4 (+-$5)"
    fi
}
served() { "$DUMP" --json --source "virtmond:$FACES_SOCK" | jq -c --arg g "${1:-$G}" '.domains[] | select(.name == $g)'; }
# via_virtmond WHAT DOMAIN FIELD KEY: virtmond polls each second, so its figure
# is from at most ~1.5 s before it is read: between virsh's then and now
via_virtmond() {
    local h b s
    h=$(jobinfo "$2" "$3")
    sleep 1.5
    s=$(served "$2")
    b=$(jobinfo "$2" "$3")
    between "$1" "$h" "$(jq -r --arg k "$4" '.metrics[$k] // empty' <<<"$s")" "$b" $slack
}
# drain FIFO: a fast reader takes over from the slow one, so the job ends
# well (bounded, and without the lock's descriptor: a reader whose writer
# is gone would wait forever and keep the system tests' lock)
drain() {
    timeout 120 cat "$1" >/dev/null {SYS_LOCK_FD}>&- &
    sleep 0.5
    kill "$SYS_READER_PID" 2>/dev/null
}
# SNMP column C of the guest's row
uuid=$(sys_virsh domuuid $G | sed '/^$/d')
hex=$(tr -d - <<<"$uuid") idx=
for ((i = 0; i < 32; i += 2)); do idx+=.$((16#${hex:i:2})); done
snmp_col() { snmpget -v2c -c public -Oqv -t 1 -r 0 "127.0.0.1:$SNMP_PORT" ".1.3.6.1.4.1.99999.1.3.1.$1$idx"; }
csv_val() {
    local f
    f=$(find "$SYS_WORKDIR/csv" -path "*/virtmon-$G/$1-[0-9]*" -type f 2>/dev/null | sort | tail -n 1)
    [ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2
}

# virtmon-agentx connects to snmpd within 15 s (it retries at that pace)
for _ in $(seq 300); do
    [[ $(snmp_col 77 2>/dev/null) =~ ^[0-9]+$ ]] && break
    sleep 0.1
done
[[ $(snmp_col 77) =~ ^[0-9]+$ ]] || sys_fail "virtmon-agentx gave no virtmonDomainJobType in 30 s: $(snmp_col 77)"

# the dump: 64 KiB every 0.05 s, about 1.3 MB/s for the guest's 32 MiB
sys_slow_reader "$SYS_WORKDIR/dump.fifo" 65536 0.05
timeout 300 virsh -q -c $URI dump --memory-only $G "$SYS_WORKDIR/dump.fifo" >"$SYS_WORKDIR/dump.out" 2>&1 {SYS_LOCK_FD}>&- &
dumper=$!
for _ in $(seq 100); do
    [ "$(jobinfo $G 'Memory processed')" -gt 0 ] 2>/dev/null && break
    sleep 0.1
done
total=$(jobinfo $G 'Memory total')
[ -n "$total" ] || sys_fail "no job in virsh domjobinfo after 10 s: $(cat "$SYS_WORKDIR/dump.out")"
sys_log "dump running: memory total $total bytes"

# one MiB-rounded virsh figure is off by up to 0.0005 MiB
slack=600
prev_pct=-1
for round in 1 2 3; do
    # virtmon-dump polls libvirt itself, between two virsh readings
    a=$(jobinfo $G 'Memory processed') ta=$(jobinfo $G 'Time elapsed')
    j=$("$DUMP" --json -c $URI --include $G | jq -c '.domains[0]')
    b=$(jobinfo $G 'Memory processed') tb=$(jobinfo $G 'Time elapsed')
    m() { jq -r --arg k "$1" '.metrics[$k] // empty' <<<"$j"; }
    [ "$(m job.type)" = 2 ] && [ "$(m job.operation)" = 8 ] && [ "$(jq -r .reason <<<"$j")" = dumping ] &&
        ok "round $round: virtmon-dump: an unbounded dump job, paused (dumping)" ||
        bad "round $round: virtmon-dump: job.type '$(m job.type)', operation '$(m job.operation)', reason '$(jq -r .reason <<<"$j")'"
    between "round $round: virtmon-dump job.memory_processed" "$a" "$(m job.memory_processed)" "$b" $slack
    between "round $round: virtmon-dump job.time_elapsed" "$ta" "$(m job.time_elapsed)" "$tb" 0
    [ "$(m job.memory_total)" -ge $((total - slack)) ] && [ "$(m job.memory_total)" -le $((total + slack)) ] &&
        ok "round $round: job.memory_total $(m job.memory_total) = virsh's $total" ||
        bad "round $round: job.memory_total '$(m job.memory_total)', virsh $total"
    pct=$(m job.percent)
    awk -v p="$pct" -v q="$prev_pct" 'BEGIN { exit !(p > q && p < 100) }' &&
        ok "round $round: progress $pct% grew from $prev_pct%" || bad "round $round: progress '$pct' after '$prev_pct'"
    prev_pct=$pct
    via_virtmond "round $round: virtmond job.memory_processed" $G 'Memory processed' job.memory_processed
    # SNMP and collectd read virtmond
    h=$(jobinfo $G 'Memory processed')
    sleep 1.5
    v=$(snmp_col 88)
    b=$(jobinfo $G 'Memory processed')
    between "round $round: SNMP virtmonDomainJobMemProcessed" "$h" "$v" "$b" $slack
    [ "$(snmp_col 78)" = 8 ] && ok "round $round: SNMP virtmonDomainJobOperation 8 (dump)" ||
        bad "round $round: SNMP job operation '$(snmp_col 78)'"
    h=$(jobinfo $G 'Memory processed')
    sleep 2.5
    v=$(csv_val bytes-job_memory_processed)
    b=$(jobinfo $G 'Memory processed')
    between "round $round: collectd bytes-job_memory_processed" "$h" "$v" "$b" $slack
    if [ $round = 2 ]; then   # what the faces show, for the docs
        sys_log "SNMP: $(snmpget -v2c -c public -Oqs -t 1 -r 0 "127.0.0.1:$SNMP_PORT" $(for c in $(seq 77 89); do echo ".1.3.6.1.4.1.99999.1.3.1.$c$idx"; done) | sed 's/^[^ ]*\.\([0-9]*\)\(\.[0-9]*\)\{16\} /\1=/' | tr '\n' ' ')"
        sys_log "collectd: $(for f in $(find "$SYS_WORKDIR/csv" -path "*/virtmon-$G/*job*" -type f | sort); do printf '%s=%s ' "$(basename "$(dirname "$f")")/$(basename "$f" | sed 's/-[0-9-]*$//')" "$(tail -n 1 "$f" | cut -d, -f2)"; done)"
    fi
done

# the check: OK (paused for a dump is no alarm), and says the job
run_check() { out=$("$CHECK" "$@"); rc=$?; echo "# $out" | cut -c1-200; }
run_check --uri $URI -d $G
[ $rc = 0 ] && grep -Eq "^VIRT OK - $G paused \(dumping\), dumping [0-9]+%, ~[0-9.]+ (s|min|h) left, running [0-9]+ s" <<<"$out" &&
    ok "check_virt_domain: OK, says the dump, its progress and what is left" || bad "check: exit $rc, '$out'"
grep -q "'job_time'=[0-9.]*s;;;0" <<<"$out" && ok "check_virt_domain: job_time perfdata" || bad "no job_time perfdata in '$out'"
run_check --uri $URI -d $G --job-time-warning 2 --job-time-critical 3600
[ $rc = 1 ] && grep -q "(warning 2 s)" <<<"$out" && ok "--job-time-warning 2: WARNING" || bad "--job-time-warning 2: exit $rc, '$out'"
run_check --source "virtmond:$FACES_SOCK" -d $G --job-time-critical 2
[ $rc = 2 ] && grep -q "(critical 2 s)" <<<"$out" && ok "--job-time-critical 2 through virtmond: CRITICAL" || bad "--job-time-critical 2: exit $rc, '$out'"
run_check --uri $URI --all --job-time-warning 3600
[ $rc = 0 ] && ok "--job-time-warning 3600 among --all: OK" || bad "--job-time-warning 3600: exit $rc, '$out'"

# the end: the guest runs again and no face shows a job
drain "$SYS_WORKDIR/dump.fifo"
wait $dumper
sys_log "virsh dump: $(tr '\n' ' ' <"$SYS_WORKDIR/dump.out")"
for _ in $(seq 100); do [ "$(virsh -q -c $URI domstate $G)" = running ] && break; sleep 0.1; done
j=$("$DUMP" --json -c $URI --include $G | jq -c '.domains[0]')
[ "$(jq -r '.metrics["job.type"]' <<<"$j")" = 0 ] && [ "$(jq -r '.metrics["job.percent"] // "none"' <<<"$j")" = none ] &&
    ok "after the dump: virtmon-dump job.type 0, no progress" || bad "after the dump: $(jq -c .metrics <<<"$j" | grep -o '"job[^,]*' | tr '\n' ' ')"
for _ in $(seq 50); do
    [ "$(served | jq -r '.metrics["job.type"]')" = 0 ] && break
    sleep 0.1
done
s=$(served)
[ "$(jq -r '.metrics["job.type"]' <<<"$s")" = 0 ] && [ "$(jq -r '.metrics["job.memory_processed"] // "none"' <<<"$s")" = none ] &&
    ok "after the dump: virtmond job.type 0, no figures" || bad "after the dump, virtmond: $(grep -o '"job[^,]*' <<<"$s" | tr '\n' ' ')"
for _ in $(seq 50); do [ "$(snmp_col 78)" != 8 ] && break; sleep 0.1; done
[ "$(snmp_col 77)" = 0 ] && ok "after the dump: SNMP virtmonDomainJobType 0" || bad "after the dump: SNMP job type '$(snmp_col 77)'"
run_check --uri $URI -d $G --job-time-warning 2
[ $rc = 0 ] && ! grep -q dumping <<<"$out" && ok "after the dump: check OK, no job said" || bad "after the dump: exit $rc, '$out'"

# --- a `virsh save` of a Linux guest: its memory holds data (the kernel, the
# initramfs, 32 MiB of random bytes), and QEMU's stream waits on the FIFO's
# reader behind libvirt's I/O helper, so the save job runs for seconds
G2=vmt-jb2
sys_linux_guest_create $G2 128 0
sys_linux_guest_wait $G2
sys_virsh qemu-agent-command $G2 '{"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","head -c 33554432 /dev/urandom >/run/random"]}}' >/dev/null ||
    sys_fail "guest-exec in $G2 failed"
sleep 3
sys_slow_reader "$SYS_WORKDIR/save.fifo" 65536 0.03
timeout 300 virsh -q -c $URI save $G2 "$SYS_WORKDIR/save.fifo" >"$SYS_WORKDIR/save.out" 2>&1 {SYS_LOCK_FD}>&- &
saver=$!
for _ in $(seq 100); do
    [ "$(jobinfo $G2 'Data processed')" -gt 0 ] 2>/dev/null && break
    sleep 0.1
done
sys_log "save running: $(virsh -q -c $URI domjobinfo $G2 | tr -s ' ' | tr '\n' ';')"
prev_pct=-1
for round in 1 2; do
    a=$(jobinfo $G2 'Data processed')
    j=$("$DUMP" --json -c $URI --include $G2 | jq -c '.domains[0]')
    b=$(jobinfo $G2 'Data processed')
    m() { jq -r --arg k "$1" '.metrics[$k] // empty' <<<"$j"; }
    [ "$(m job.type)" = 2 ] && [ "$(m job.operation)" = 2 ] && [ "$(jq -r .reason <<<"$j")" = saving ] &&
        ok "save round $round: virtmon-dump: an unbounded save job, paused (saving)" ||
        bad "save round $round: job.type '$(m job.type)', operation '$(m job.operation)', reason '$(jq -r .reason <<<"$j")'"
    between "save round $round: virtmon-dump job.data_processed" "$a" "$(m job.data_processed)" "$b" $slack
    pct=$(m job.percent)
    awk -v p="$pct" -v q="$prev_pct" 'BEGIN { exit !(p > q && p < 100) }' &&
        ok "save round $round: progress $pct% grew from $prev_pct%" || bad "save round $round: progress '$pct' after '$prev_pct'"
    prev_pct=$pct
    via_virtmond "save round $round: virtmond job.data_processed" $G2 'Data processed' job.data_processed
done
run_check --source "virtmond:$FACES_SOCK" -d $G2 --job-time-warning 1
[ $rc = 1 ] && grep -Eq "^VIRT WARNING - $G2 paused \(saving\), saving [0-9]+%, .* \(warning 1 s\)" <<<"$out" &&
    ok "check through virtmond: the save, WARNING past 1 s" || bad "check on the save: exit $rc, '$out'"
drain "$SYS_WORKDIR/save.fifo"
wait $saver
sys_log "virsh save: $(tr '\n' ' ' <"$SYS_WORKDIR/save.out")"
for _ in $(seq 150); do   # a few polls: one may still find the job held
    [ "$(served $G2 | jq -r '"\(.state) \(.metrics["job.type"])"')" = "shutoff 0" ] && break
    sleep 0.1
done
s=$(served $G2)
[ "$(jq -r '"\(.state) \(.reason) \(.metrics["job.type"])"' <<<"$s")" = "shutoff saved 0" ] &&
    ok "after the save: virtmond shows $G2 shut off (saved), job.type 0" || bad "after the save: $(jq -c '[.state, .reason, .metrics["job.type"]]' <<<"$s")"
exit $fail
