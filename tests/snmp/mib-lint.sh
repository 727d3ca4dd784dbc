#!/bin/sh
# VIRTMON-MIB must be clean SMIv2: smilint at its strictest level (6)
# reports nothing at all, not even warnings.
srcdir=${srcdir:-.}
mib=$srcdir/mibs/VIRTMON-MIB.txt
. "$srcdir/tests/snmp/mibpath.sh"

command -v smilint >/dev/null 2>&1 || { echo "SKIP: smilint not installed (Debian: smitools)"; exit 77; }
test -n "$VMON_IETF_MIBDIR" || {
    echo "SKIP: no SNMPv2-SMI module found (Debian: erlang-snmp ships them; or set VMON_IETF_MIBS)"
    exit 77
}
test -f "$mib" || { echo "FAIL: $mib missing"; exit 1; }

out=$(SMIPATH=$VMON_IETF_MIBDIR smilint -l 6 -s "$mib" 2>&1)
rc=$?
if test $rc -ne 0 || test -n "$out"; then
    echo "FAIL: smilint -l 6 (rc $rc):"
    echo "$out"
    exit 1
fi

# The placeholder enterprise number is written once in the MIB (see vmon-oid.h).
n=$(grep -c '{ enterprises [0-9]* }' "$mib")
test "$n" -eq 1 || { echo "FAIL: 'enterprises N' appears $n times in $mib"; exit 1; }
if grep -n '36957' "$mib"; then
    echo "FAIL: VIRTMON-MIB must not put anything under libvirt's 36957"
    exit 1
fi
echo "ok: smilint -l 6 clean ($VMON_IETF_MIBDIR)"
exit 0
