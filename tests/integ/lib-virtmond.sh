# shellcheck shell=bash
# What the virtmond tests share; sourced, not run: `. lib-virtmond.sh NAME`.
# Skips (77) without virsh or jq; sets D, DUMP, FETCH (the programs), VG
# ($VMON_VALGRIND: memcheck under `make check-valgrind`), fail, dir (a
# temporary directory named after NAME, removed at exit with the processes
# whose pids are in $pids), ok/nok/check, and a 12-domain test-driver file
# at $URI with gen-test-xml.sh's variables (domains, running, paused, ...).
: "${top_builddir:=.}" "${srcdir:=.}"
D=$top_builddir/tools/virtmond
DUMP=$top_builddir/tools/virtmon-dump
FETCH=$top_builddir/tests/unit/wire-fetch
GEN=$srcdir/tests/integ/gen-test-xml.sh
VG=${VMON_VALGRIND:-}
fail=0

command -v virsh >/dev/null || { echo "SKIP: virsh not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
for b in "$D" "$DUMP" "$FETCH"; do [ -x "$b" ] || { echo "ERROR: $b not built"; exit 99; }; done

dir=$(mktemp -d "${TMPDIR:-/tmp}/vmon-$1.XXXXXX") || exit 99
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fail=1; }
check() {   # check WHAT WANT GOT
    if [ "$2" = "$3" ]; then ok "$1 = $3"; else nok "$1: want '$2', got '$3'"; fi
}

eval "$("$GEN" 12 "$dir/t.xml")" || { echo "ERROR: gen-test-xml.sh failed"; exit 99; }
URI=test://$dir/t.xml
