# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # set for, and from, the test that sources this
# What the system tests that compare faces share: the libvirtd they poll,
# virtmon-dump, and TAP lines.  Sourced after tests/sys/lib.sh, with
# $top_builddir set.  ok and bad number the lines and bad marks the test
# failed; is WHAT GOT WANT is ok when the two are equal.  A test ends with
# `exit $fail`, after `echo "1..$n"` if it prints its plan.
URI=qemu:///system
DUMP=$top_builddir/tools/virtmon-dump
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
is() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: '$2', want '$3'"; fi
}
