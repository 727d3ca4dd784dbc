#!/bin/bash
# The Linux test guest (tests/sys/guest-image.sh, tests/sys/linux-guest.sh)
# in the real libvirtd: it boots in seconds, its agent answers, and while its
# workload runs its balloon, disk and NIC figures move, in virsh and in
# virtmon-dump alike, and the disk's read, write and flush latency is what
# virsh's counters give.
: "${top_builddir:=.}"
. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/sys/tap.sh"
G=vmt-lx
# between WHAT LOW GOT HIGH
between() {
	if [ -n "$3" ] && [ "$3" != null ] && [ "$2" -le "$3" ] && [ "$3" -le "$4" ]; then ok "$1: $2 <= $3 <= $4"
	else bad "$1: '$3' not within [$2, $4]"; fi
}
# at_least WHAT GOT MIN
at_least() {
	if [ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1: $2 >= $3"
	else bad "$1: '$2' < $3"; fi
}
memstat() { sys_virsh dommemstat "$G" | awk -v k="$1" '$1 == k { print $2 }'; }
blkstat() { sys_virsh domblkstat "$G" vda | awk -v k="$1" '$2 == k { print $3 }'; }
ifstat() { sys_virsh domifstat "$G" "$(sys__tap_name "$G")" | awk -v k="$1" '$2 == k { print $3 }'; }
dump_dom() {
	"$DUMP" --json --source "libvirt:$URI" --include "$G" | jq -c '.domains[0]' ||
		sys_fail "virtmon-dump --source libvirt:$URI failed"
}
# Balloon statistics are refreshed every period (1 s) by the guest: wait for
# one taken after now, so it shows what the guest just did.
fresh_memstat() {
	local now i
	now=$(date +%s)
	for i in $(seq 1 50); do
		[ "$(memstat last_update)" -gt "$now" ] && return 0
		sleep 0.2
	done
	sys_fail "$G: balloon last_update has not moved past $now in 10 s"
}

command -v jq >/dev/null || sys_skip "jq not installed"
[ -x "$DUMP" ] || sys_fail "$DUMP not built"
sys_setup
t0=$(sys_now)
sys_linux_guest_image
echo "# image: $(sys_since "$t0") s to build or find; $(tr '\n' ';' <"$SYS_LINUX_GUEST_IMAGE/manifest")"

# --- boot: direct kernel boot under TCG, up to the agent's first answer -------
t0=$(sys_now)
sys_linux_guest_create "$G" 192 1
sys_linux_guest_wait "$G"
boot=$(sys_since "$t0")
awk -v t="$boot" 'BEGIN { exit !(t < 60) }' && ok "$G boots: its agent answers $boot s after virsh define" ||
	bad "$G took $boot s to boot"

# --- the agent answers libvirt's own agent calls -------------------------------
fs=$(sys_virsh domfsinfo "$G")
awk '$1 == "/mnt" && $2 == "vda" && $3 == "ext2" { f = 1 } END { exit !f }' <<<"$fs" &&
	ok "virsh domfsinfo: $(tr -s " \n" "  " <<<"$fs")" || bad "virsh domfsinfo answered '$fs' (want /mnt vda ext2)"
release=$(sed -n 's/^kernel: \([^,]*\),.*/\1/p' "$SYS_LINUX_GUEST_IMAGE/manifest")
got=$(sys_virsh guestinfo --os "$G" | awk '$1 == "os.kernel-release" { print $3 }')
[ -n "$release" ] && [ "$got" = "$release" ] && ok "virsh guestinfo --os: kernel $got" ||
	bad "virsh guestinfo --os: kernel '$got', the image has '$release'"

# --- memory: the balloon's statistics follow the guest's allocations ----------
fresh_memstat
unused0=$(memstat unused)
d0=$(dump_dom)
sys_guest_exec "$G" mem 64
fresh_memstat
unused1=$(memstat unused)
d1=$(dump_dom)
unused2=$(memstat unused)
at_least "virsh dommemstat: unused fell by (KiB) after allocating 64 MiB" $((unused0 - unused1)) $((56 * 1024))
lo=$unused1 hi=$unused2
[ "$lo" -le "$hi" ] || { lo=$unused2; hi=$unused1; }
between "virtmon balloon.unused with 64 MiB held" "$lo" "$(jq -r '.metrics["balloon.unused"]' <<<"$d1")" "$hi"
p0=$(jq -r '.metrics["balloon.used_percent"] | floor' <<<"$d0")
p1=$(jq -r '.metrics["balloon.used_percent"] | floor' <<<"$d1")
at_least "virtmon balloon.used_percent rose from $p0 % by" $((p1 - p0)) 20
# used % is (available - usable) / available, from the same poll
want=$(jq -r '.metrics | (100 * (.["balloon.available"] - .["balloon.usable"]) / .["balloon.available"]) | floor' <<<"$d1")
[ "$p1" = "$want" ] && ok "virtmon used_percent $p1 = 100 (available - usable) / available" ||
	bad "virtmon used_percent $p1, its own available and usable give $want"
sys_guest_exec "$G" free
fresh_memstat
at_least "virsh dommemstat: unused rose by (KiB) after freeing them" $(($(memstat unused) - unused1)) $((56 * 1024))

# --- disk and NIC: the guest's own I/O ----------------------------------------
wr0=$(blkstat wr_bytes) rd0=$(blkstat rd_bytes) tx0=$(ifstat tx_packets)
sys_guest_exec "$G" disk 8
sys_guest_exec "$G" net 20
at_least "virsh domblkstat: wr_bytes grew by (8 MiB written)" $(($(blkstat wr_bytes) - wr0)) $((8 << 20))
at_least "virsh domblkstat: rd_bytes grew by (8 MiB read back)" $(($(blkstat rd_bytes) - rd0)) $((8 << 20))
at_least "virsh domifstat: tx_packets grew by (20 pings)" $(($(ifstat tx_packets) - tx0)) 20

# --- virtmon sees the same while the counters move -----------------------------
bpid=$(sys_guest_exec_start "$G" busy 6) || exit 99
sleep 1
before=$(sys_virsh domstats --raw "$G")
d=$(dump_dom)
after=$(sys_virsh domstats --raw "$G")
get() { sys_stat_in "$@"; }
for pair in block.0.rd.reqs:rd.reqs block.0.rd.bytes:rd.bytes block.0.wr.reqs:wr.reqs \
	block.0.wr.bytes:wr.bytes net.0.tx.pkts:tx.pkts net.0.tx.bytes:tx.bytes; do
	v=${pair%%:*} k=${pair#*:}
	case $v in
	block.*) got=$(jq -r ".disks[0].metrics[\"$k\"]" <<<"$d") ;;
	net.*) got=$(jq -r ".nics[0].metrics[\"$k\"]" <<<"$d") ;;
	esac
	between "virtmon $v" "$(get "$before" "$v")" "$got" "$(get "$after" "$v")"
done
# the counters compared were moving: the guest wrote and sent meanwhile
for v in block.0.wr.bytes net.0.tx.pkts; do
	at_least "$v moved during the comparison by" $(($(get "$after" "$v") - $(get "$before" "$v"))) 1
done
sys_guest_exec_wait "$G" "$bpid"
# --- disk latency: time spent over the requests completed in the interval ----
# virsh reads the counters around the dump's two polls (2 s apart) while the
# guest writes with fsync (busy) or reads past the page cache (read): for a
# steady workload the dump's mean is the one virsh's two readings give, within
# a factor of 3 (the windows differ).
latency_vs_virsh() { # WORKLOAD KIND...
	local workload=$1 k dr dt got
	shift
	bpid=$(sys_guest_exec_start "$G" "$workload" 8) || exit 99
	sleep 1
	b0=$(sys_virsh domstats --block --raw "$G")
	two=$("$DUMP" --json --source "libvirt:$URI" --include "$G" -i 2) || sys_fail "virtmon-dump -i 2 failed"
	b1=$(sys_virsh domstats --block --raw "$G")
	sys_guest_exec_wait "$G" "$bpid"
	for k; do
		dr=$(($(get "$b1" block.0.$k.reqs) - $(get "$b0" block.0.$k.reqs)))
		dt=$(($(get "$b1" block.0.$k.times) - $(get "$b0" block.0.$k.times)))
		got=$(jq -r ".domains[0].disks[0].metrics[\"$k.latency\"]" <<<"$two")
		if awk -v k="$k" -v g="$got" -v r="$dr" -v t="$dt" 'BEGIN { w = r > 0 ? t / r / 1e6 : 0
			printf "# %s.latency %s ms; virsh: %d requests in %.1f ms, %.3f ms each\n", k, g, r, t / 1e6, w
			exit !(r > 0 && g + 0 > 0 && g >= w / 3 && g <= w * 3) }'; then
			ok "virtmon $k.latency $got ms, virsh $dr requests in $dt ns ($workload)"
		else
			bad "virtmon $k.latency '$got' ms against virsh's $dr requests in $dt ns ($workload)"
		fi
	done
}
latency_vs_virsh read rd
latency_vs_virsh busy wr fl
dom_lat=$(jq -r '.domains[0].metrics["disk.latency"]' <<<"$two")
awk -v g="$dom_lat" 'BEGIN { exit !(g + 0 > 0) }' && ok "virtmon disk.latency (all requests) $dom_lat ms" ||
	bad "virtmon disk.latency '$dom_lat'"

for v in balloon.current balloon.maximum; do
	[ "$(get "$after" "$v")" = "$(jq -r ".metrics[\"$v\"]" <<<"$d")" ] && ok "virtmon $v = $(get "$after" "$v")" ||
		bad "virtmon $v: virsh $(get "$after" "$v"), virtmon $(jq -r ".metrics[\"$v\"]" <<<"$d")"
done
for v in balloon.unused balloon.usable balloon.available balloon.last-update; do
	lo=$(get "$before" "$v") hi=$(get "$after" "$v")
	[ "$lo" -le "$hi" ] || { lo=$(get "$after" "$v"); hi=$(get "$before" "$v"); }
	between "virtmon $v" "$lo" "$(jq -r ".metrics[\"$v\"]" <<<"$d")" "$hi"
done
exit $fail
