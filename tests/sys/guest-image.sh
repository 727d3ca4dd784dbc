#!/bin/bash
# guest-image.sh [CACHE_DIR]: build, or find already built, the tiny Linux
# guest of the system tests, and print the directory that holds it:
#
#   vmlinuz     Debian's kernel (package linux-image-amd64's kernel)
#   initrd.gz   busybox-static, qemu-guest-agent and the libraries ldd names,
#               the virtio modules, /init and /bin/workload (below)
#   manifest    package versions, sizes, build time
#
# Everything comes from Debian packages fetched with `apt-get download` and
# unpacked with `dpkg-deb -x`, never installed.  The image is cached under
# CACHE_DIR (default $VMON_GUEST_CACHE, else /var/cache/virtmon-tests) in a
# directory named after a hash of this script and the candidate versions of
# the packages, so a changed script or a newer kernel builds a new one.
# Needs apt-get (with its lists updated), dpkg-deb, ldd and gzip; the archive
# is written by the downloaded busybox (no cpio on the host needed).
#
# The guest, booted directly (kernel + initrd + "console=ttyS0"):
# - loads virtio_pci, virtio_blk, virtio_net, virtio_console, virtio_balloon
#   and ext4 (all modules in Debian's kernel) in dependency order;
# - makes an ext2 file system on its first disk (/dev/vda) and mounts it on
#   /mnt, so the agent's guest-get-fsinfo has a disk-backed file system;
# - brings eth0 up as 192.0.2.2/24 with a static neighbour 192.0.2.1, so
#   pings go out on the wire without anyone answering;
# - runs qemu-ga on the virtio-serial port org.qemu.guest_agent.0;
# - prints "virtmon-guest: ready" on the serial console.
# The workload runs on command, through the agent's guest-exec:
#   /bin/workload disk MIB    write MIB MiB to /mnt, sync, drop caches, read back
#   /bin/workload net COUNT   send COUNT pings, 0.05 s apart
#   /bin/workload mem MIB     hold MIB MiB of memory (a file in tmpfs /run/mem)
#   /bin/workload free        release it
#   /bin/workload busy SECS   write 256 KiB to /mnt and fsync, again and again,
#                             and ping every 0.05 s, for SECS seconds
#   /bin/workload read SECS   read an 8 MiB file in /mnt from the disk (the page
#                             cache dropped before each pass), for SECS seconds
# Exit: 0 done, 1 failure (message on stderr).
set -eu -o pipefail

cache=${1:-${VMON_GUEST_CACHE:-/var/cache/virtmon-tests}}
packages=(linux-image-amd64 busybox-static qemu-guest-agent)
# Modules to load, by name; their dependencies are found from the modules'
# own .modinfo section and loaded first.  crc32c_generic: ext4 asks the
# crypto API for crc32c, which is no hard dependency.
modules=(virtio_pci virtio_blk virtio_net virtio_console virtio_balloon crc32c_generic ext4)

log() { printf 'guest-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for cmd in apt-get apt-cache dpkg-deb ldd gzip sha256sum flock; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found"
done

# The cache key: this script and the versions apt would download (one
# apt-cache call: each takes ~0.8 s, most of a cache hit's time).
policy=$(apt-cache policy "${packages[@]}" 2>/dev/null)
versions=
for p in "${packages[@]}"; do
	v=$(awk -v p="$p:" '$1 == p { f = 1 } f && $1 == "Candidate:" { print $2; exit }' <<<"$policy")
	[ -n "$v" ] && [ "$v" != "(none)" ] ||
		die "apt knows no candidate for $p (run apt-get update; Debian 12 has it in main)"
	versions+="$p=$v "
done
key=$( { cat "$0"; echo "$versions"; } | sha256sum | cut -c1-16)
dir=$cache/guest-$key

mkdir -p "$cache" || die "cannot create $cache"
exec {lock}>"$cache/.lock"
flock -w 900 "$lock" || die "no lock on $cache/.lock after 900 s"
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.gz" ]; then
	echo "$dir"
	exit 0
fi

t0=$(date +%s.%N)
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building $dir ($versions)"

# --- fetch and unpack ---------------------------------------------------------
mkdir "$tmp/debs"
apt_get_download() {
	# As root apt-get download warns that _apt cannot write here: no sandbox.
	(cd "$tmp/debs" && apt-get -q -o APT::Sandbox::User=root download "$@" >&2) ||
		die "apt-get download $* failed"
}
apt_get_download "${packages[@]}"
# linux-image-amd64 is a meta package: the kernel is its one dependency.
dep=$(dpkg-deb -f "$tmp"/debs/linux-image-amd64_*.deb Depends)
kpkg=${dep%% *}
kver=$(sed -n 's/.*(= \(.*\)).*/\1/p' <<<"$dep")
[ -n "$kpkg" ] && [ -n "$kver" ] || die "linux-image-amd64 depends on '$dep', not one kernel"
apt_get_download "$kpkg=$kver"
for p in busybox-static qemu-guest-agent "$kpkg"; do
	dpkg-deb -x "$tmp"/debs/"${p}"_*.deb "$tmp/x-$p" || die "dpkg-deb -x $p failed"
done
kx=$tmp/x-$kpkg
kernel=$(ls "$kx"/boot/vmlinuz-*) || die "$kpkg has no /boot/vmlinuz-*"
release=${kernel##*/vmlinuz-}
moddir=$kx/lib/modules/$release

# --- the root file system -----------------------------------------------------
root=$tmp/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,mnt,run,tmp,var/run,usr/sbin,lib/modules}
cp "$tmp/x-busybox-static/bin/busybox" "$root/bin/busybox"
bb=$root/bin/busybox
ga=$tmp/x-qemu-guest-agent/usr/sbin/qemu-ga
[ -x "$ga" ] || die "qemu-guest-agent has no /usr/sbin/qemu-ga"
cp "$ga" "$root/usr/sbin/qemu-ga"

# qemu-ga's shared libraries, from the host (the guest runs the same Debian
# release): at the paths ldd names, the loader included.
libs=$(ldd "$ga") || die "ldd $ga failed"
if grep -q 'not found' <<<"$libs"; then
	die "qemu-ga needs libraries this host lacks (Debian: libglib2.0-0 libnuma1 liburing2 libudev1):
$(grep 'not found' <<<"$libs")"
fi
for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs"); do
	mkdir -p "$root${lib%/*}"
	cp -L "$lib" "$root$lib"
done

# Modules: a module's dependencies come first in /etc/modules.
declare -A modpath=() loaded=()
while IFS= read -r f; do
	n=${f##*/}
	n=${n%.ko}
	modpath[${n//-/_}]=$f
done < <(find "$moddir/kernel" -name '*.ko')
: >"$root/etc/modules"
add_module() {
	local name=${1//-/_} deps d
	[ -z "${loaded[$name]:-}" ] || return 0
	[ -n "${modpath[$name]:-}" ] || die "module $name not in $kpkg"
	loaded[$name]=1
	deps=$(tr '\0' '\n' <"${modpath[$name]}" | sed -n 's/^depends=//p' | head -n 1)
	for d in ${deps//,/ }; do
		add_module "$d"
	done
	cp "${modpath[$name]}" "$root/lib/modules/$name.ko"
	echo "$name" >>"$root/etc/modules"
}
for m in "${modules[@]}"; do
	add_module "$m"
done

cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o size=90% tmpfs /run
echo "virtmon-guest: $(cut -d' ' -f1 /proc/uptime) s: init"
for m in $(cat /etc/modules); do
	insmod "/lib/modules/$m.ko" || echo "virtmon-guest: insmod $m failed"
done
# udev would make these links; qemu-ga is told the port by name.
mkdir -p /dev/virtio-ports
for p in /sys/class/virtio-ports/*; do
	[ -e "$p/name" ] && ln -sf "/dev/${p##*/}" "/dev/virtio-ports/$(cat "$p/name")"
done
ip link set lo up
ip link set eth0 up
ip addr add 192.0.2.2/24 dev eth0
arp -i eth0 -s 192.0.2.1 02:00:00:00:00:01
if [ -b /dev/vda ]; then
	mke2fs -q /dev/vda >/dev/null 2>&1 && mount -t ext2 /dev/vda /mnt || echo "virtmon-guest: no file system on /dev/vda"
fi
port=/dev/virtio-ports/org.qemu.guest_agent.0
if [ -e $port ]; then
	(while :; do qemu-ga -m virtio-serial -p $port; sleep 1; done) &
else
	echo "virtmon-guest: no $port"
fi
echo "virtmon-guest: $(cut -d' ' -f1 /proc/uptime) s: ready"
exec setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
EOF
chmod 755 "$root/init"

cat >"$root/bin/workload" <<'EOF'
#!/bin/sh
# workload disk MIB | net COUNT | mem MIB | free | busy SECS | read SECS (see guest-image.sh)
n=${2:-0}
case $1:$n in
*:*[!0-9]* | *:) echo "workload: '$n' is no count" >&2; exit 1 ;;
esac
case $1 in
disk)
	dd if=/dev/urandom of=/mnt/data bs=1M count="$n" conv=fsync 2>/dev/null || exit 1
	echo 3 >/proc/sys/vm/drop_caches
	dd if=/mnt/data of=/dev/null bs=1M 2>/dev/null || exit 1
	rm -f /mnt/data
	sync
	;;
net)
	# No one answers: ping's exit status says nothing, the packets went out.
	ping -q -c "$n" -i 0.05 -W 1 192.0.2.1 >/dev/null 2>&1
	exit 0
	;;
mem)
	dd if=/dev/zero of=/run/mem bs=1M count="$n" 2>/dev/null || exit 1
	;;
free)
	rm -f /run/mem
	;;
read)
	# Every pass drops the page cache, so each read reaches the disk.
	dd if=/dev/urandom of=/mnt/read bs=1M count=8 conv=fsync 2>/dev/null || exit 1
	end=$(($(date +%s) + n))
	while [ "$(date +%s)" -lt "$end" ]; do
		echo 3 >/proc/sys/vm/drop_caches
		dd if=/mnt/read of=/dev/null bs=64k 2>/dev/null || exit 1
	done
	rm -f /mnt/read
	;;
busy)
	end=$(($(date +%s) + n))
	ping -q -w "$n" -i 0.05 192.0.2.1 >/dev/null 2>&1 &
	while [ "$(date +%s)" -lt "$end" ]; do
		dd if=/dev/zero of=/mnt/busy bs=64k count=4 conv=fsync 2>/dev/null || exit 1
	done
	rm -f /mnt/busy
	wait
	;;
*)
	echo "workload: unknown command '$1' (disk, net, mem, free, busy, read)" >&2
	exit 1
	;;
esac
EOF
chmod 755 "$root/bin/workload"

# --- the archive --------------------------------------------------------------
(cd "$root" && find . | sort | "$bb" cpio -o -H newc 2>/dev/null) | gzip -6 >"$tmp/initrd.gz" ||
	die "cannot write the initramfs"
mkdir "$tmp/out"
mv "$tmp/initrd.gz" "$tmp/out/initrd.gz"
cp "$kernel" "$tmp/out/vmlinuz"
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
{
	echo "packages: $versions$kpkg=$kver"
	echo "kernel: $release, $(stat -c %s "$tmp/out/vmlinuz") bytes"
	echo "initrd: $(stat -c %s "$tmp/out/initrd.gz") bytes, modules: $(tr '\n' ' ' <"$root/etc/modules")"
	echo "built: $(date -u +%FT%TZ) in $took s"
} >"$tmp/out/manifest"
# Older images (other keys) are of no more use.
rm -rf "$cache"/guest-*
mv "$tmp/out" "$dir"
log "built in $took s: $(tr '\n' ';' <"$dir/manifest")"
echo "$dir"
