# Shared by the Nagios face's shell tests; sourced, not run.
# Run from the build directory (automake's harness does); srcdir may be set
# by the harness, else it is found from this file's location.
set -u

: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
FIXTURES=$(cd "$srcdir/tests/nagios/fixtures" && pwd)
CHECK_DOMAIN=./nagios/check_virt_domain
CHECK_HOST=./nagios/check_virt_host
PERFDATA_GET=./tests/nagios/perfdata-get

for b in "$CHECK_DOMAIN" "$CHECK_HOST" "$PERFDATA_GET"; do
    [ -x "$b" ] || { echo "Bail out! $b not built (run from the build directory)"; exit 99; }
done
command -v virsh >/dev/null 2>&1 || { echo "SKIP: no virsh"; exit 77; }

# Every test gets its own state directory, so runs never see each other's samples.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmon-nagios-test.XXXXXX") || exit 99
trap 'rm -rf "$TEST_TMP"' EXIT
VIRTMON_STATE_DIR=$TEST_TMP/state
export VIRTMON_STATE_DIR
unset LIBVIRT_DEFAULT_URI

TAP_STDERR=$TEST_TMP/stderr
# shellcheck source=tests/nagios/lib-tap.sh
. "$srcdir/tests/nagios/lib-tap.sh"

perfdata_valid() {  # perfdata_valid DESCRIPTION
    printf '%s\n' "$OUT" | "$PERFDATA_GET" >"$TEST_TMP/perf.all" 2>"$TEST_TMP/perf.err"
    r=$?
    [ $r -ne 0 ] && cat "$TEST_TMP/perf.err"
    ok $r "$1"
}
