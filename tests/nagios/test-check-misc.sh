#!/bin/sh
# The plugin conventions: -h/-V, bad arguments named exactly, the timeout
# with its chosen state, unreachable libvirt, and the state files (rates
# without sleeping, per URI and domain, atomic, refused when unsafe).
. "${srcdir:-$(dirname "$0")/../..}/tests/nagios/lib-nagios.sh"

URI=test:///default

# -h and -V, like the reference plugins, print and exit UNKNOWN.
run "$CHECK_DOMAIN" -h
expect_rc 3 "-h exits 3"
expect_out '^ --uri=URI' "-h documents --uri"
expect_out '@10:20 \(inside 10\.\.20\)' "-h explains the range syntax"
run "$CHECK_DOMAIN" -V
expect_rc 3 "-V exits 3"
expect_first '^check_virt_domain \(virtmon [0-9]' "-V prints name and version"
run "$CHECK_HOST" --help
expect_out '^ --vcpu-ratio-warning, --vcpu-ratio-critical' "host -h lists its own thresholds"

# Bad arguments: UNKNOWN, and the message quotes what was wrong.
bad() {     # bad WANT-REGEX DESCRIPTION ARGS...
    want=$1 desc=$2
    shift 2
    run "$CHECK_DOMAIN" "$@"
    expect_rc 3 "$desc"
    expect_first "^VIRT UNKNOWN - .*$want" "$desc: message says $want"
}
bad "unknown option '--bogus'" "unknown option" --uri $URI -d test --bogus
bad "which domain" "no domain selected" --uri $URI
bad "exclude each other" "-d with --all" --uri $URI -d test --all
bad "given twice" "-d twice" --uri $URI -d a -d b
bad "unexpected argument 'extra'" "stray argument" --uri $URI -d test extra
bad "-t/--timeout '0'" "-t 0" --uri $URI -d test -t 0
bad "-t/--timeout 'abc'" "-t abc" --uri $URI -d test -t abc
bad "-t '5:sometimes'" "-t with a bad state" --uri $URI -d test -t 5:sometimes
bad "--timeout-state 'maybe'" "bad --timeout-state" --uri $URI -d test --timeout-state maybe
bad "--interval '-1'" "negative --interval" --uri $URI -d test --interval -1
bad "--perfdata 'some'" "bad --perfdata" --uri $URI -d test --perfdata some
bad "invalid range '10:5'" "inverted range on -c" --uri $URI -d test -c 10:5
bad "--disk-read-bytes-per-s-critical: critical threshold: invalid range 'x'" \
    "bad range names the long option" --uri $URI -d test --disk-read-bytes-per-s-critical x
bad "--exclude needs --all" "--exclude with a named domain" --uri $URI -d test --exclude x
bad "pattern '\\[oops' has '\\[' without '\\]'" "bad glob from the core's filter" --uri $URI -d '[oops'
bad "--not-answering-after: '0.5s' is out of range 1 s..1 d" "--not-answering-after below 1 s" \
    --uri $URI -d test --not-answering-after 0.5s
bad "--not-answering-after: not with source virtmond" "--not-answering-after is virtmond's own there" \
    --source virtmond:$TEST_TMP/none.sock -d test --not-answering-after 10s

# libvirt unreachable: UNKNOWN for a domain check, CRITICAL (configurable) for the host.
run "$CHECK_DOMAIN" --uri "test://$TEST_TMP/missing.xml" -d test
expect_rc 3 "domain check: libvirt error is UNKNOWN"
expect_first "cannot connect to libvirt at 'test://$TEST_TMP/missing.xml'" "and names the URI"
run "$CHECK_HOST" --uri "test://$TEST_TMP/missing.xml"
expect_rc 2 "host check: libvirt unreachable is CRITICAL"
run "$CHECK_HOST" --uri "test://$TEST_TMP/missing.xml" --unreachable-state warning
expect_rc 1 "host check: --unreachable-state warning"

# Timeout: a "libvirtd" that accepts the connection and never answers (a
# hung daemon; libvirt's client has no deadline of its own).  The hard exit
# path prints the chosen state within a second of the deadline.
SILENT=$TEST_TMP/silent-libvirtd.sock
perl -MIO::Socket::UNIX -e '
    my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 8) or die "$!\n";
    my @held;
    while (my $c = $s->accept) { push @held, $c }' "$SILENT" &
SILENT_PID=$!
trap 'kill $SILENT_PID 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
i=0
while [ ! -S "$SILENT" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$SILENT" ] || { echo "Bail out! no listening socket at $SILENT"; exit 99; }
HUNG="qemu+unix:///system?socket=$SILENT"
run "$CHECK_DOMAIN" --uri "$HUNG" -d test -t 1
expect_rc 3 "-t 1 expires: UNKNOWN"
expect_first '^VIRT UNKNOWN - timed out after 1 s waiting for libvirt at qemu\+unix' "timeout line says what it waited for"
expect_faster 2.5 "timed out in about 1 s"
run "$CHECK_DOMAIN" --uri "$HUNG" -d test -t 1 --timeout-state critical
expect_rc 2 "--timeout-state critical"
expect_first '^VIRT CRITICAL - timed out' "the line carries the chosen state"
run "$CHECK_HOST" --uri "$HUNG" -t 1:warning
expect_rc 1 "host: -t 1:warning"
expect_first '^VIRT WARNING - timed out' "host: the line carries the chosen state"

# A second sample that cannot finish within -t is not started: the check
# answers at once, without rates, and -vv says why.
run "$CHECK_DOMAIN" --uri $URI -d test --no-state-file --interval 30 -t 1 -vv
expect_rc 0 "--interval 30 -t 1: answers without the second sample"
expect_out '^rates from: none: a second sample 30 s later would not fit in -t 1 s' "-vv says the second sample did not fit"
expect_faster 1 "... and did not wait"
run "$CHECK_DOMAIN" --uri $URI -d test --no-state-file --interval 30 -t 1 --cpu-warning 90
expect_rc 3 "... a cpu threshold without a rate is UNKNOWN"
expect_first 'no cpu to check \(no rate yet\)' "... and says so"

# State files: the first run samples twice, the next reads the file instead.
SD=$TEST_TMP/sd
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 0.2 -vv
expect_out '^rates from: a second sample' "first run: rates from a second sample"
files=$(ls "$SD" | grep -c '\.state$')
[ "$files" -eq 1 ]
ok $? "one state file for one domain ($files)"
f=$(ls "$SD"/*.state)
case $f in *-6695eb01-f6a4-8304-79aa-97f2502e193f.state) r=0 ;; *) r=1 ;; esac
ok $r "named after the domain's UUID: $(basename "$f")"
[ "$(stat -c %a "$SD")" = 700 ] && [ "$(stat -c %a "$f")" = 600 ]
ok $? "directory 0700, file 0600"
grep -q '^uri test:///default$' "$f" && grep -q '^m cpu.time [0-9]' "$f"
ok $? "the file holds the URI and the raw counters"
sleep 1
t0=$(date +%s.%N)
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 5 -vv
t1=$(date +%s.%N)
expect_out '^rates from: state files \(1 domain\)' "second run: rates from the state file"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 4) }'
ok $? "and did not sleep --interval 5"
[ -n "$(perf cpu)" ]
ok $? "cpu reported from the state file"
ls -a "$SD" | grep -q '\.state\.'
ok $((! $?)) "no temporary files left behind"

# Run again at once: the sample is younger than the 0.2 s minimum; the check
# waits out the rest and uses it, rather than sleeping a whole --interval.
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 0.2
t0=$(date +%s.%N)
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 5 -vv
t1=$(date +%s.%N)
expect_out '^rates from: state files \(1 domain\)' "back-to-back run: rates from the young state file"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 2) }'
ok $? "back-to-back run did not sleep --interval 5 ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)"

# Checks of one domain that overlap (Nagios starting two services of a host
# together) share its state file: one may save a sample just after another
# took its own.  A rate is only ever over two samples at least 0.2 s apart.
# The test driver's CPU time is its clock, so every CPU % is 100 / vCPUs.
vcpus=$(virsh -q -c $URI vcpucount test --active --live)
want=$(awk -v n="$vcpus" 'BEGIN { printf "%.2f", 100 / n }')
RD=$TEST_TMP/race
outliers=0 samples=0
for round in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "$RD"
    "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$RD" >/dev/null 2>&1
    pids=
    for k in 1 2 3 4; do
        (sleep "0.0$(((round * 7 + k * 3) % 10))"
         "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$RD" >"$TEST_TMP/race.$k" 2>&1) &
        pids="$pids $!"
    done
    wait $pids
    for k in 1 2 3 4; do
        OUT=$(cat "$TEST_TMP/race.$k")
        cpu=$(perf cpu)
        samples=$((samples + 1))
        awk -v c="${cpu%\%}" -v w="$want" 'BEGIN { exit !(c != "" && c > w * 0.9 && c < w * 1.1) }' ||
            { outliers=$((outliers + 1)); echo "# round $round check $k: cpu '$cpu', want $want%"; }
    done
done
[ "$outliers" -eq 0 ]
ok $? "overlapping checks: cpu within 10% of $want% in all $samples ($outliers outside)"

# Another URI keeps its own file; the host check its own "node" file.
run "$CHECK_DOMAIN" --uri "test://$FIXTURES/states.xml" -d vm-running --state-dir "$SD" --interval 0.2
run "$CHECK_HOST" --uri $URI --state-dir "$SD" --interval 0.2
[ "$(ls "$SD" | grep -c '\.state$')" -eq 3 ] && ls "$SD" | grep -q -- '-node\.state$'
ok $? "per URI and per domain: three files now ($(ls "$SD" | tr '\n' ' '))"

# A corrupt file is reported (-vv) and replaced; rates come from a second sample.
printf 'version 1\ngarbage\n' >"$f"
sleep 0.6
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 0.2 -vv
expect_rc 0 "a corrupt state file does not fail the check"
expect_out '^state file: test: .* line 2' "-vv says where the file is corrupt"
expect_out '^rates from: a second sample' "rates from a second sample instead"
grep -q '^m cpu.time' "$f"
ok $? "the corrupt file was replaced"

# A sample from another boot is stale.
sed -i 's/^boot .*/boot 00000000-0000-0000-0000-000000000000/' "$f"
sleep 0.6
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$SD" --interval 0.2 -vv
expect_out 'another boot' "a sample from another boot is not used"

# An unsafe directory is refused: the check still works, without state files.
mkdir -m 777 "$TEST_TMP/open"
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$TEST_TMP/open" --interval 0.2 -vv
expect_rc 0 "a world-writable --state-dir does not fail the check"
expect_out 'writable by others' "-vv says why it was refused"
[ -z "$(ls "$TEST_TMP/open")" ]
ok $? "nothing written there"

# --no-state-file writes nothing.
run "$CHECK_DOMAIN" --uri $URI -d test --state-dir "$TEST_TMP/none" --no-state-file --interval 0.2
[ ! -e "$TEST_TMP/none" ]
ok $? "--no-state-file creates no directory"

finish
