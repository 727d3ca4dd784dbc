#!/bin/sh
# Runs test-mib-columns with the directories it needs.
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
. "$srcdir/tests/snmp/mibpath.sh"
exec ${VMON_VALGRIND:-} "$top_builddir/tests/snmp/test-mib-columns" "$VMON_IETF_MIBDIR" "$srcdir/mibs"
