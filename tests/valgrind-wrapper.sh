#!/bin/sh
# LOG_COMPILER of `make check-valgrind`, and a prefix for scripts:
#
#   tests/valgrind-wrapper.sh PROGRAM [ARGS...]
#
# A compiled PROGRAM (or libtool's wrapper script for one) runs under
# memcheck: any invalid access or definite leak makes it exit 99, which
# automake reports as ERROR, never as a plain failure a test might expect.
# A script PROGRAM runs as it is, with VMON_VALGRIND set to this file, so the
# script can put its binaries under valgrind too:
#
#   run() { if [ -n "${VMON_VALGRIND:-}" ]; then "$VMON_VALGRIND" "$@"; else "$@"; fi; }
#   json=$(run "$top_builddir/tools/virtmon-dump" --json -c "$URI")
#
# Only definite leaks count: libvirt keeps its event-loop thread and one-time
# initialisation until exit ("possibly"/"still reachable"), which is by design.

set -u
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 99; }

here=$(cd "$(dirname "$0")" && pwd) || exit 99
self=$here/$(basename "$0")
valgrind=${VALGRIND:-valgrind}
command -v "$valgrind" >/dev/null 2>&1 || { echo "ERROR: $valgrind not found" >&2; exit 99; }

prog=$1
kind=script
if [ "$(head -c 4 "$prog" 2>/dev/null | tail -c 3)" = ELF ]; then
	kind=elf
elif grep -q 'libtool wrapper' "$prog" 2>/dev/null; then
	kind=libtool
fi

if [ "$kind" = script ]; then
	VMON_VALGRIND=$self
	export VMON_VALGRIND
	exec "$@"
fi

# --gen-suppressions=all puts a ready suppression under each report in the
# test's .log; copy one into tests/valgrind.supp only when the error is
# libvirt's or libxml2's, and narrow it to the frames that matter.
# VMON_VALGRIND_LEAKS=no: invalid accesses only, for a host program whose
# own leaks are not ours to fix.  --keep-debuginfo: collectd unloads our
# plugin before exit, and a leak of the plugin's is still named by its stack.
leaks="--leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --keep-debuginfo=yes"
[ "${VMON_VALGRIND_LEAKS:-yes}" = no ] && leaks="--leak-check=no"
# shellcheck disable=SC2086
set -- "$valgrind" --quiet --error-exitcode=99 $leaks \
	--num-callers=30 --gen-suppressions=all \
	--suppressions="$here/valgrind.supp" "$@"
if [ "$kind" = libtool ]; then
	# Valgrind on the wrapper would check /bin/sh; libtool runs the real binary.
	libtool=${top_builddir:-.}/libtool
	[ -x "$libtool" ] || { echo "ERROR: $prog is a libtool wrapper and $libtool is missing" >&2; exit 99; }
	exec "$libtool" --mode=execute "$@"
fi
exec "$@"
