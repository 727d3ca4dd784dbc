#!/bin/bash
# Benchmark, never a test (make nagios-bench, from the build directory):
# with N QEMU guests on the system libvirtd, the wall and CPU time per run of
#   - a C program that only links libvirt (what the loader costs any client),
#   - a minimal C client doing one domain's stats (the least a check that
#     links libvirt can cost: open, lookup, one bulk call, close),
#   - check_virt_domain on one domain, its state file GAP s old as in use,
#   - the same and --all through a running virtmond (--source virtmond:PATH), with
#     virtmond's own CPU per poll reported next to them,
#   - Debian's check_libvirt -l CPU on the same domain (Perl, Sys::Virt),
#   - check_virt_domain --all --perfdata none, and with a cpu threshold,
#   - one bare `virsh domstats` of all guests,
# and libvirtd's CPU per run (from /proc, over the series).
#
# Two measurements per row: medians and minima of RUNS rounds over all rows
# (nagios-cpu-bench, CPU from wait4's rusage; interleaved, so robust on a
# shared machine), and, when perf works, `perf stat -r RUNS -e task-clock`
# means, row after row (GAP slept in --pre, so not counted).  Targets (issue 5): one domain < 30 ms wall and >= 5x less
# CPU than check_libvirt; --all less wall than the bare virsh domstats.
#
# Environment: VMON_BENCH_GUESTS (50), VMON_BENCH_RUNS (20), VMON_BENCH_GAP (1);
# VMON_BENCH_EXTRA=FILE is sourced at the end, guests still up and the lock
# held, for a closer look (perf record, strace) at the same setting.
# shellcheck source=tests/sys/lib.sh
. "${srcdir:-.}/tests/sys/lib.sh"

N=${VMON_BENCH_GUESTS:-50}
RUNS=${VMON_BENCH_RUNS:-20}
GAP=${VMON_BENCH_GAP:-1}
# run from the build tree, the checks and virtmond load its virtmon-poller.so
CHECK=./nagios/check_virt_domain
VIRTMOND=./tools/virtmond
CPU_BENCH=./bench/nagios-cpu-bench
FLOOR=./bench/nagios-libvirt-floor
LIBVIRT_CHECK=/usr/lib/nagios/plugins/check_libvirt
for b in "$CHECK" "$CPU_BENCH" "$FLOOR" "$VIRTMOND"; do
	[ -x "$b" ] || sys_fail "$b not built (make nagios-bench builds it)"
done
HAVE_PERF=0
perf stat -e task-clock true >/dev/null 2>&1 && HAVE_PERF=1

sys_setup
VIRTMON_STATE_DIR=$SYS_WORKDIR/state
export VIRTMON_STATE_DIR
U=qemu:///system

for i in $(seq 1 "$N"); do
	sys_guest_create "vmt-b$(printf '%02d' "$i")"
done
sys_guest_wait_io "vmt-b01"

# Freshly started guests run their firmware (SeaBIOS, then iPXE's DHCP) for
# ~10 s, then idle.  Measure once the last one started idles (below a tenth
# of a core over 2 s; at most 90 s); the header reports what all of them
# still use then (50 idle TCG guests keep ~1.4 of this box's 2 cores busy).
cpu_ns() {  # cpu_ns [DOMAIN]: cpu.time summed over the domain, or all
	sys_virsh domstats --cpu-total "$@" | awk -F= '/cpu.time=/ { s += $2 } END { printf "%.0f\n", s }'
}
cores_used() {  # cores_used [DOMAIN]: over the next 2 s
	local a b
	a=$(cpu_ns "$@")
	sleep 2
	b=$(cpu_ns "$@")
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 2e9 }'
}
last=vmt-b$(printf '%02d' "$N")
t0=$(sys_now)
until awk -v x="$(cores_used "$last")" 'BEGIN { exit !(x < 0.1) }'; do
	if awk -v s="$(sys_since "$t0")" 'BEGIN { exit !(s > 90) }'; then
		sys_log "$last still busy after 90 s; measuring anyway"
		break
	fi
done
busy=$(cores_used)
sys_log "$last idle after $(sys_since "$t0") s; all guests use $busy cores"
target=vmt-b$(printf '%02d' $(((N + 1) / 2)))

# virtmond polls every VD_INTERVAL s for the --source virtmond rows; its own
# CPU per poll is what those rows save the checks, paid once per interval.
VD_INTERVAL=${VMON_BENCH_VIRTMOND_INTERVAL:-10}
VD_SOCK=$SYS_WORKDIR/virtmond.sock
"$VIRTMOND" -c $U -i "$VD_INTERVAL" -s "$VD_SOCK" 2>"$SYS_WORKDIR/virtmond.log" &
VD_PID=$!
sys_on_exit "kill $VD_PID 2>/dev/null"
until "$CHECK" --source "virtmond:$VD_SOCK" -d "$target" >/dev/null 2>&1; do
	kill -0 "$VD_PID" 2>/dev/null || sys_fail "virtmond died: $(cat "$SYS_WORKDIR/virtmond.log")"
	sleep 0.2
done
VD_T0=$(sys_now) VD_TICKS0=$(awk '{ print $14 + $15 }' "/proc/$VD_PID/stat")

HZ=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The rows, measured round-robin (run 1 of every row, then run 2 ...), so
# that whatever else the shared machine does weighs on every row alike.  A
# row's previous run is then a whole round (>= GAP s) old: its state file
# is as old as that, as in real use.
NAMES=() CMDS=() GAPS=()
row() {     # row NAME GAP CMD...
	local name=$1 gap=$2 IFS=$'\x1f'
	shift 2
	NAMES+=("$name") GAPS+=("$gap") CMDS+=("$*")
}
row "link libvirt, do nothing (loader floor)" 0 "$FLOOR"
row "minimal C client: open, lookup, stats" "$GAP" "$FLOOR" $U "$target"
row "check_virt_domain -d $target (state file)" "$GAP" "$CHECK" --source libvirt:$U -d "$target" --interval 5
# check_libvirt loads XML::Simple even for -l CPU: without it, it dies before
# connecting and its row would time a Perl error, not a check.
if [ -x "$LIBVIRT_CHECK" ] && perl -MSys::Virt -MMonitoring::Plugin -MXML::Simple -e 1 2>/dev/null; then
	mkdir -p /var/lib/nagios/.cache/check_libvirt
	row "check_libvirt -N $target -l CPU" "$GAP" "$LIBVIRT_CHECK" -H $U -N "$target" -l CPU
else
	echo "# check_libvirt: not runnable (Debian: monitoring-plugins-contrib libsys-virt-perl libmonitoring-plugin-perl libxml-simple-perl)"
fi
row "check_virt_domain --source virtmond -d $target" 0 "$CHECK" --source "virtmond:$VD_SOCK" -d "$target"
row "check_virt_domain --source virtmond --all --perfdata none" 0 "$CHECK" --source "virtmond:$VD_SOCK" --all --perfdata none
row "check_virt_domain --all --perfdata none" 0 "$CHECK" --source libvirt:$U --all --perfdata none
row "virsh domstats (all $N guests)" 0 virsh -q -c $U domstats
row "check_virt_domain --all --cpu-warning 90" "$GAP" "$CHECK" --source libvirt:$U --all --cpu-warning 90 --interval 5

cmd_of() {  # cmd_of K: the row's command into the array CMD
	IFS=$'\x1f' read -r -a CMD <<<"${CMDS[$1]}"
}

# Warm-up: leaves the state files, and shows what each command answered (a
# row is only worth its figures if the command did the work).
ANSWERS=()
for k in "${!NAMES[@]}"; do
	cmd_of "$k"
	"${CMD[@]}" >"$SYS_WORKDIR/answer" 2>&1
	ANSWERS+=("${NAMES[k]}: exit $?: $(head -n 1 "$SYS_WORKDIR/answer" | cut -c1-110)")
done
sleep "$GAP"

# RUNS rounds; per row, one "wall wall cpu cpu" line a run and libvirtd's ticks.
declare -a LIBVIRTD_TICKS
for _ in $(seq 1 "$RUNS"); do
	for k in "${!NAMES[@]}"; do
		cmd_of "$k"
		l0=$(ticks "$SYS_LIBVIRTD_PID")
		"$CPU_BENCH" 1 0 "${CMD[@]}" >>"$SYS_WORKDIR/row$k" || sys_fail "nagios-cpu-bench failed for ${NAMES[k]}"
		l1=$(ticks "$SYS_LIBVIRTD_PID")
		LIBVIRTD_TICKS[k]=$((${LIBVIRTD_TICKS[k]:-0} + l1 - l0))
	done
done

# "median min" of column COL of a row's runs
med_min() {
	sort -n -k"$2" "$SYS_WORKDIR/row$1" |
		awk -v c="$2" '{ v[NR] = $c } END { printf "%.1f (%.1f)", v[int((NR + 1) / 2)], v[1] }'
}

# "task-clock-ms wall-ms" means from perf stat -r RUNS, run row by row after
# the rounds (its --pre sleep keeps the state files GAP s old, uncounted).
perf_means() {    # perf_means GAP CMD...
	local gap=$1
	shift
	if [ "$HAVE_PERF" = 0 ]; then
		echo "- -"
		return
	fi
	perf stat -r "$RUNS" --pre "sleep $gap" -e task-clock -- "$@" 2>&1 >/dev/null |
		awk '/task-clock/ { tc = $1 } /seconds time elapsed/ { el = $1 * 1000 }
		     END { if (tc == "" || el == "") print "- -"; else printf "%.1f %.1f\n", tc, el }'
}

echo "# $N guests, $(nproc) CPUs, libvirt $(pkg-config --modversion libvirt 2>/dev/null || virsh --version)," \
	"idle guests use $busy cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "# $RUNS rounds over the rows; wall and CPU (user + system, wait4): median (min) per run, ms;"
echo "# perf: perf stat -r $RUNS -e task-clock means, ms (rows one after another); libvirtd: its CPU per run, ms"
echo
echo "| run | wall | CPU | perf wall | perf CPU | libvirtd |"
echo "|---|---|---|---|---|---|"
for k in "${!NAMES[@]}"; do
	cmd_of "$k"
	# shellcheck disable=SC2046 # two numbers
	set -- $(perf_means "${GAPS[k]}" "${CMD[@]}")
	printf '| %s | %s | %s | %s | %s | %s |\n' "${NAMES[k]}" "$(med_min "$k" 1)" "$(med_min "$k" 3)" \
		"$2" "$1" "$(awk -v t="${LIBVIRTD_TICKS[k]}" -v hz="$HZ" -v n="$RUNS" 'BEGIN { printf "%.1f", t * 1000 / hz / n }')"
done
VD_TICKS1=$(awk '{ print $14 + $15 }' "/proc/$VD_PID/stat")
awk -v t="$((VD_TICKS1 - VD_TICKS0))" -v hz="$HZ" -v s="$(sys_since "$VD_T0")" -v i="$VD_INTERVAL" 'BEGIN {
	polls = s / i
	per_poll = 0
	if (polls > 0)
		per_poll = t * 1000 / hz / polls
	printf "\n# virtmond (-i %s s): %.1f s CPU over %.0f s, ~%.0f polls: %.1f ms CPU per poll, %.2f%% of a core\n", i, t / hz, s, polls, per_poll, 100 * t / hz / s
}'
echo
echo "# what each command answered (warm-up run):"
for answer in "${ANSWERS[@]}"; do
	echo "#   $answer"
done
if [ -n "${VMON_BENCH_EXTRA:-}" ]; then
	# shellcheck disable=SC1090 # a file of the caller's
	. "$VMON_BENCH_EXTRA"
fi
exit 0
