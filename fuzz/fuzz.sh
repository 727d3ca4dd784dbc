#!/bin/bash
# make fuzz: builds each libFuzzer harness of fuzz/ with clang's
# AddressSanitizer and UndefinedBehaviorSanitizer, runs each for
# FUZZ_SECONDS from its seed corpus (fuzz/corpus/NAME/), and fails on any
# crash, leak, sanitizer report or timeout.  The Makefile passes the
# compiler and the flags configure found (fuzz/Makefile.inc); FUZZ_TARGETS
# picks harnesses (default: all this build can make).
#
#   fuzz.sh build            only build
#   fuzz.sh run              build, then run each for FUZZ_SECONDS
#
# What a run finds is kept: a crashing input as fuzz/artifacts/NAME-*, the
# inputs that reached new code in fuzz/work/NAME/ (start the next run from
# there, or copy the good ones into the seed corpus).
set -u

mode=${1:-run}
: "${FUZZ_CC:?}" "${srcdir:?}" "${top_builddir:?}" "${CORE_SOURCES:?}" "${NAGIOS_SOURCES:?}"
seconds=${FUZZ_SECONDS:-60}
out=$top_builddir/fuzz
san="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-std=gnu11 $san -fsanitize=fuzzer-no-link -D_GNU_SOURCE -I$srcdir/fuzz"
# The core's paths, as the Makefile would define them: their values do not
# matter here, nothing is installed or loaded
core_cppflags=(-I"$srcdir/common" -I"$top_builddir" -DVIRTMOND_SOCKET='"/run/virtmon/virtmond.sock"'
	-DVIRTMON_PKGLIBDIR='"/nonexistent"' -DVIRTMON_BUILDDIR='"/nonexistent"')
virtmond_cppflags=(-DVIRTMOND_CONF='"/nonexistent/virtmond.conf"')
c_files() { tr ' \t' '\n\n' <<<"$*" | grep '\.c$' | sort -u; }
mkdir -p "$out/obj" "$out/artifacts" "$out/work"

headers=$(find "$srcdir/common" "$srcdir/nagios" "$srcdir/collectd" "$srcdir/snmp" \
	"$srcdir/tools" "$srcdir/fuzz" \( -name '*.h' -o -name '*.def' \) -print)
headers="$headers $top_builddir/config.h"

# compile SRC OBJ FLAGS...: only when OBJ is older than SRC or any header
compile() {
	local src=$1 obj=$2
	shift 2
	if [ -e "$obj" ] && [ -z "$(find "$src" $headers -newer "$obj" -print -quit)" ]; then
		return 0
	fi
	echo "  FUZZCC   ${obj#"$top_builddir"/}"
	"$FUZZ_CC" $cflags "$@" -c "$src" -o "$obj"
}

# archive NAME FLAGS -- SRC...: the sources compiled into $out/NAME.a
archive() {
	local name=$1 flags=() objs=() src obj
	shift
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	for src in "$@"; do
		obj=$out/obj/$name-$(basename "${src%.c}").o
		compile "$srcdir/$src" "$obj" "${flags[@]}" || return 1
		objs+=("$obj")
	done
	rm -f "$out/$name.a"
	ar rcs "$out/$name.a" "${objs[@]}"
}

# link NAME OBJ_OR_ARCHIVE... -- LIBS...
link() {
	local name=$1 inputs=()
	shift
	while [ "$1" != -- ]; do inputs+=("$1"); shift; done
	shift
	echo "  FUZZLD   fuzz/$name"
	"$FUZZ_CC" $san -fsanitize=fuzzer "${inputs[@]}" "$@" -lm -ldl -pthread -o "$out/$name"
}

build() {
	archive core "${core_cppflags[@]}" -- $(c_files $CORE_SOURCES) || return 1
	archive input -- fuzz/fuzz-input.c || return 1
	archive nagios "${core_cppflags[@]}" -I"$srcdir/nagios" -- $(c_files $NAGIOS_SOURCES) || return 1

	compile "$srcdir/fuzz/fuzz-range.c" "$out/obj/fuzz-range.o" "${core_cppflags[@]}" -I"$srcdir/nagios" &&
		link range "$out/obj/fuzz-range.o" "$out/nagios.a" "$out/input.a" "$out/core.a" -- || return 1
	compile "$srcdir/fuzz/fuzz-wire.c" "$out/obj/fuzz-wire.o" "${core_cppflags[@]}" &&
		link wire "$out/obj/fuzz-wire.o" "$out/input.a" "$out/core.a" -- || return 1
	compile "$srcdir/fuzz/fuzz-virtmond-conf.c" "$out/obj/fuzz-virtmond-conf.o" "${core_cppflags[@]}" \
		-I"$srcdir/tools" &&
		compile "$srcdir/tools/virtmond-config.c" "$out/obj/virtmond-config.o" "${core_cppflags[@]}" \
			"${virtmond_cppflags[@]}" &&
		link virtmond-conf "$out/obj/fuzz-virtmond-conf.o" "$out/obj/virtmond-config.o" \
			"$out/input.a" "$out/core.a" -- || return 1
	compile "$srcdir/fuzz/fuzz-check-args.c" "$out/obj/fuzz-check-args.o" "${core_cppflags[@]}" \
		-I"$srcdir/nagios" || return 1
	local check
	for check in domain host pool; do
		compile "$srcdir/nagios/check_virt_$check.c" "$out/obj/check_virt_$check.o" \
			"${core_cppflags[@]}" -I"$srcdir/nagios" -Dmain=fuzz_check_main -Dchk_run=fuzz_chk_run &&
			link check-$check-args "$out/obj/fuzz-check-args.o" "$out/obj/check_virt_$check.o" \
				"$out/nagios.a" "$out/input.a" "$out/core.a" -- || return 1
	done
	if [ "${HAVE_COLLECTD:-no}" = yes ]; then
		local cd_flags=("${core_cppflags[@]}" $COLLECTD_CFLAGS -DHAVE_CONFIG_H -I"$srcdir/collectd")
		archive collectd "${cd_flags[@]}" $LIBVIRT_CFLAGS -- collectd/vmon-cd-config.c \
			collectd/vmon-cd-naming.c fuzz/oconfig-lines.c || return 1
		compile "$srcdir/fuzz/fuzz-collectd-conf.c" "$out/obj/fuzz-collectd-conf.o" "${cd_flags[@]}" &&
			link collectd-conf "$out/obj/fuzz-collectd-conf.o" "$out/collectd.a" "$out/core.a" -- ||
			return 1
	fi
	if [ "${HAVE_SNMP:-no}" = yes ]; then
		local snmp_flags=("${core_cppflags[@]}" $SNMP_CFLAGS -I"$srcdir/snmp" -DVMON_VERSION='"fuzz"')
		archive snmp "${snmp_flags[@]}" -- snmp/vmon-snmp-config.c snmp/vmon-snmp-cpus.c || return 1
		compile "$srcdir/fuzz/fuzz-snmp-conf.c" "$out/obj/fuzz-snmp-conf.o" "${snmp_flags[@]}" &&
			link snmp-conf "$out/obj/fuzz-snmp-conf.o" "$out/snmp.a" "$out/input.a" "$out/core.a" \
				-- $SNMP_LIBS || return 1
	fi
}

targets() {
	local t all="range wire virtmond-conf check-domain-args check-host-args check-pool-args"
	[ "${HAVE_COLLECTD:-no}" = yes ] && all="$all collectd-conf"
	[ "${HAVE_SNMP:-no}" = yes ] && all="$all snmp-conf"
	for t in ${FUZZ_TARGETS:-$all}; do
		echo "$t"
	done
}

# run NAME: FUZZ_SECONDS of libFuzzer; prints one summary line; 0 or 1
run() {
	local name=$1 log=$out/$1.log rc
	local seeds=$srcdir/fuzz/corpus/$name work=$out/work/$name
	mkdir -p "$work"
	echo "  FUZZ     $name for $seconds s (log: fuzz/$name.log)"
	# new inputs go to the first directory; the seeds in the tree stay as they are
	"$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	local done_line execs speed
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ "$rc" = 0 ]; then
		echo "fuzz $name: ${execs:-?} runs in $seconds s (${speed:-?}/s), $(echo "$done_line" |
			sed -n 's/.*\(cov: [0-9]*\) \(ft: [0-9]*\) \(corp: [^ ]*\).*/\1, \2, \3/p'), no finding"
		return 0
	fi
	echo "fuzz $name: FAILED (libFuzzer exit $rc); the report:"
	grep -E -A 30 '^fuzz property broken|^==[0-9]+==ERROR|runtime error|^SUMMARY|Test unit written|ALARM|[Tt]imeout' "$log" |
		cut -c 1-400 | head -n 60
	return 1
}

build || { echo "fuzz: the build failed" >&2; exit 1; }
[ "$mode" = build ] && exit 0
failed=0
for t in $(targets); do
	run "$t" || failed=$((failed + 1))
done
[ "$failed" = 0 ] || { echo "fuzz: $failed harness(es) found something" >&2; exit 1; }
