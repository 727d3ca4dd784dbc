#!/bin/bash
# gen-test-xml.sh N OUT.xml [PAUSED_EVERY] [SHUTOFF_EVERY] [POOLS]
#
# Writes a libvirt test-driver file with N domains, for `test:///ABS/OUT.xml`
# (the path must be absolute; every connection gets a private copy).
#
#   dom-0001 ... dom-N   i = 1..N, all output is a function of i, so two runs
#                        give byte-identical files and tests can predict values:
#     uuid     76697274-6d6f-4e00-8000-<i as 12 hex digits>   ("virtmon")
#     vcpus    1 + (i-1) % 4
#     memory   max 2 * cur, cur (128 MiB * (1 + (i-1) % 8)) in KiB
#     disk     vda, /var/lib/libvirt/images/<name>.qcow2
#     nic      type network (default), MAC 52:54:00:<i as 6 hex digits>;
#              the test driver renames it testnet0
#     state    shut off (runstate 5) when i % SHUTOFF_EVERY == 0 (default 7),
#              else paused (3) when i % PAUSED_EVERY == 0 (default 10),
#              else running; 0 disables either.
#     transient when i % 13 == 5 and not shut off (the driver refuses a
#              transient shut-off domain): persistent = no.
#   pool-01 ... pool-POOLS (default 0): `dir` pools with a 1 GiB volume each,
#     uuid 76697274-6d6f-4e00-8002-<j as 12 hex digits>, target /pools/pool-NN
#   The last domain (when N >= 2) has an odd name, dom-N followed by a space,
#   quotes, '&' and non-ASCII, for the faces' escaping tests.
#
# Autostart cannot be set from the file: libvirt's test driver parses only
# runstate, transient, hasmanagedsave and snapshots from its namespace
# (src/test/test_driver.c, testDomainDefNamespaceParse); a test that needs it
# calls virDomainSetAutostart on its own connection.
#
# Prints one line on stdout for tests to eval:
#   domains=N running=R paused=P shutoff=S transient=T odd_name='...'

set -euo pipefail
trap 'exit 99' ERR   # a generator that fails is a broken set-up, not a failing test
# bash 5.2 reads '&' in ${x//pat/rep} as "the match"; we want "&apos;".
shopt -u patsub_replacement 2>/dev/null || true

usage() {
	echo "usage: $0 N OUT.xml [PAUSED_EVERY] [SHUTOFF_EVERY] [POOLS]" >&2
	exit 99
}

if [ $# -lt 2 ] || [ $# -gt 5 ]; then
	usage
fi
n=$1 out=$2 paused_every=${3:-10} shutoff_every=${4:-7} pools=${5:-0}
for v in "$n" "$paused_every" "$shutoff_every" "$pools"; do
	case $v in '' | *[!0-9]*) usage ;; esac
done
# Above 16384 one bulk-stats reply overflows libvirt's RPC limit; the names
# below are sized for 4 digits anyway.
if [ "$n" -lt 1 ] || [ "$n" -gt 9999 ]; then
	echo "$0: N must be 1..9999" >&2
	exit 99
fi

odd_suffix=" odd 'single' \"double\" & é ü 漢"
running=0 paused=0 shutoff=0 transient=0

tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

{
	echo "<?xml version='1.0' encoding='UTF-8'?>"
	echo "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
	for ((i = 1; i <= n; i++)); do
		printf -v name 'dom-%04d' "$i"
		xname=$name
		if [ "$i" = "$n" ] && [ "$n" -ge 2 ]; then
			name=$name$odd_suffix
			xname=${name//&/&amp;}
			xname=${xname//\'/&apos;}
			xname=${xname//\"/&quot;}
		fi
		vcpus=$((1 + (i - 1) % 4))
		cur=$((131072 * (1 + (i - 1) % 8)))
		state=1 ns=
		if [ "$shutoff_every" -gt 0 ] && [ $((i % shutoff_every)) = 0 ]; then
			state=5
			shutoff=$((shutoff + 1))
		elif [ "$paused_every" -gt 0 ] && [ $((i % paused_every)) = 0 ]; then
			state=3
			paused=$((paused + 1))
		else
			running=$((running + 1))
		fi
		[ "$state" = 1 ] || ns="<test:runstate>$state</test:runstate>"
		if [ $((i % 13)) = 5 ] && [ "$state" != 5 ]; then
			ns="$ns<test:transient/>"
			transient=$((transient + 1))
		fi
		# Builtins only: a fork per domain made 1000 domains take 25 s.
		printf -v uuid '76697274-6d6f-4e00-8000-%012x' "$i"
		printf -v mac '52:54:00:%02x:%02x:%02x' $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255))
		printf -v disk '/var/lib/libvirt/images/dom-%04d.qcow2' "$i"
		printf '%s\n' \
			"  <domain type='test'>" \
			"    <name>$xname</name>" \
			"    <uuid>$uuid</uuid>" \
			"    <memory unit='KiB'>$((2 * cur))</memory>" \
			"    <currentMemory unit='KiB'>$cur</currentMemory>" \
			"    <vcpu>$vcpus</vcpu>" \
			"    <os><type>hvm</type></os>" \
			"    <devices>" \
			"      <disk type='file' device='disk'>" \
			"        <source file='$disk'/>" \
			"        <target dev='vda' bus='virtio'/>" \
			"      </disk>" \
			"      <interface type='network'>" \
			"        <mac address='$mac'/>" \
			"        <source network='default'/>" \
			"      </interface>" \
			"      <memballoon model='virtio'/>" \
			"    </devices>" \
			"    $ns" \
			"  </domain>"
	done
	for ((j = 1; j <= pools; j++)); do
		printf '%s\n' \
			"  <pool type='dir'>" \
			"    <name>$(printf 'pool-%02d' "$j")</name>" \
			"    <uuid>$(printf '76697274-6d6f-4e00-8002-%012x' "$j")</uuid>" \
			"    <target><path>$(printf '/pools/pool-%02d' "$j")</path></target>" \
			"    <volume><name>a.img</name><capacity unit='G'>1</capacity><allocation unit='G'>1</allocation></volume>" \
			"  </pool>"
	done
	cat <<'EOF'
  <network>
    <name>default</name>
    <uuid>76697274-6d6f-4e00-8001-000000000001</uuid>
    <bridge name='virbr0'/>
    <forward/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/>
  </network>
</node>
EOF
} >"$tmp"
mv "$tmp" "$out"
trap - EXIT

odd=
[ "$n" -ge 2 ] && odd=$(printf 'dom-%04d%s' "$n" "$odd_suffix")
printf "domains=%d running=%d paused=%d shutoff=%d transient=%d odd_name=%q\n" \
	"$n" "$running" "$paused" "$shutoff" "$transient" "$odd"
