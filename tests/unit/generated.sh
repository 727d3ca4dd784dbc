#!/bin/sh
# The MIB's metric objects and the metric tables in docs/ are generated from
# common/vmon-metrics.def: the committed files must be what the generator
# writes now.  Runs it over copies and shows the difference.
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
gen=$(cd "$top_builddir" && pwd)/common/vmon-metrics-gen
files="mibs/VIRTMON-MIB.txt docs/snmp.md docs/collectd.md docs/nagios.md"

test -x "$gen" || { echo "FAIL: $gen not built"; exit 99; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
rc=0
for f in $files; do
    mkdir -p "$tmp/$(dirname "$f")"
    cp "$srcdir/$f" "$tmp/$f" || exit 99
done
(cd "$tmp" && "$gen" $files >/dev/null) || { echo "FAIL: the generator refused the committed files"; exit 1; }
for f in $files; do
    if ! diff -u "$srcdir/$f" "$tmp/$f"; then
        echo "FAIL: $f differs from what vmon-metrics.def generates: run 'make generate' and commit"
        rc=1
    else
        echo "ok: $f"
    fi
done
exit $rc
