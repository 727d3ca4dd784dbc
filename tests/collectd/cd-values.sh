#!/bin/bash
# What collectd writes through virtmon equals what virsh says for the same
# domains: running, paused and shut off guests of the test driver hosted by
# a private libvirtd, so collectd and virsh see one and the same hypervisor.
#
# Gauges must match exactly (after the documented unit change: KiB -> bytes,
# MHz -> Hz).  The test driver's counters are derived from the wall clock
# (~1.8e9 s), so they are compared within a relative 1e-6, i.e. within half
# an hour's growth; a wrong unit or a swapped metric is off by far more.

. "${srcdir:-.}/tests/collectd/cd-lib.sh"

cd_setup
cd_libvirtd_start
FIX=${srcdir:-.}/tests/collectd/fixtures
cd_virsh define "$FIX/dom-b.xml" >/dev/null && cd_virsh start vmt-cd-b >/dev/null || cd_hard "vmt-cd-b"
cd_virsh define "$FIX/dom-p.xml" >/dev/null && cd_virsh start vmt-cd-p >/dev/null &&
	cd_virsh suspend vmt-cd-p >/dev/null || cd_hard "vmt-cd-p"
cd_virsh define "$FIX/dom-s.xml" >/dev/null || cd_hard "vmt-cd-s"

cd_conf main <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$CD_URI"
</Plugin>
EOF
cd_collectd_start main
# Three lines: two polls behind us, so rates and percentages exist too.
cd_wait_value main "$CD_HOST/virtmon-vmt-cd-b/percent-host_cpu" 20 >/dev/null || {
	cat "$CD_DIR/main.log" >&2
	cd_fail "no percent-host_cpu for vmt-cd-b within 20 s"
}
sleep 1.5
cd_collectd_stop main

note() { cd_note "$@"; }

# csv VALUE: column COL of the last line of identifier ID ("" when missing).
csv() {
	local f
	f=$(cd_csv_file main "$CD_HOST/$1") || { echo ""; return; }
	cd_csv_last "$f" "${2:-1}"
}

# expect ID COL WANT [RELTOL]: equal, or within a relative tolerance.
expect() {
	local id=$1 col=$2 want=$3 tol=${4:-0} got
	got=$(csv "$id" "$col")
	if [ -z "$got" ] || [ -z "$want" ]; then
		note fail "$id[$col]: got '${got}', want '${want}' (missing)"
		return
	fi
	if awk -v g="$got" -v w="$want" -v t="$tol" 'BEGIN {
		d = g - w; if (d < 0) d = -d; m = w < 0 ? -w : w
		exit !(t == 0 ? d == 0 : d <= t * m) }'; then
		note ok "$id[$col] = $got (virsh $want)"
	else
		note fail "$id[$col] = $got, virsh says $want (tolerance $tol)"
	fi
}

# expect_range ID COL LOW HIGH
expect_range() {
	local got
	got=$(csv "$1" "$2")
	if [ -n "$got" ] && awk -v g="$got" -v l="$3" -v h="$4" 'BEGIN { exit !(g >= l && g <= h) }'; then
		note ok "$1[$2] = $got in [$3, $4]"
	else
		note fail "$1[$2] = '$got', want within [$3, $4]"
	fi
}

expect_absent() {
	if cd_csv_file main "$CD_HOST/$1" >/dev/null; then
		note fail "$1 was written but must not be"
	else
		note ok "$1 not written"
	fi
}

kv() { awk -v k="$1" '$1 == k { print $2; exit }'; }
colon() { awk -F': *' -v k="$1" '$1 == k { split($2, a, " "); print a[1]; exit }'; }

state_num() {
	case "$1" in
	running) echo 1 ;; blocked) echo 2 ;; paused) echo 3 ;; "in shutdown") echo 4 ;;
	"shut off") echo 5 ;; crashed) echo 6 ;; pmsuspended) echo 7 ;; *) echo 0 ;;
	esac
}

# ---- the node, under collectd's own host name --------------------------------
ni=$(cd_virsh nodeinfo)
expect virtmon/count-cpus 1 "$(colon 'CPU(s)' <<<"$ni")"
expect virtmon/count-sockets 1 "$(colon 'CPU socket(s)' <<<"$ni")"
expect virtmon/count-cores 1 "$(colon 'Core(s) per socket' <<<"$ni")"
expect virtmon/count-threads 1 "$(colon 'Thread(s) per core' <<<"$ni")"
expect virtmon/count-numa_cells 1 "$(colon 'NUMA cell(s)' <<<"$ni")"
expect virtmon/cpufreq 1 "$(( $(colon 'CPU frequency' <<<"$ni") * 1000000 ))"
expect virtmon/memory-total 1 "$(( $(colon 'Memory size' <<<"$ni") * 1024 ))"
# virNodeGetFreeMemory, as plain freecell prints it (the test driver's cells
# add up to something else).
free_kib=$(cd_virsh freecell | awk '/Total:/ { print $2 }')
expect virtmon/memory-free 1 "$(( free_kib * 1024 ))"
expect virtmon/count-domains_running 1 "$(cd_virsh list --state-running --name | grep -c .)"
expect virtmon/count-domains_paused 1 "$(cd_virsh list --state-paused --name | grep -c .)"
expect virtmon/count-domains_shutoff 1 "$(cd_virsh list --state-shutoff --name | grep -c .)"
expect virtmon/count-domains_active 1 "$(cd_virsh list --name | grep -c .)"
expect virtmon/count-domains_inactive 1 "$(cd_virsh list --inactive --name | grep -c .)"

# ---- every domain ----------------------------------------------------------------
for dom in test vmt-cd-b vmt-cd-p vmt-cd-s; do
	p=virtmon-$dom
	read -r st <<<"$(cd_virsh domstate "$dom")"
	expect "$p/domain_state" 1 "$(state_num "$st")"
	di=$(cd_virsh dominfo "$dom")
	if [ "$st" = "shut off" ]; then
		# Only what libvirt knows of a guest that is not running.
		expect_absent "$p/virt_cpu_total"
		expect_absent "$p/disk_ops-vda"
		expect "$p/memory-max" 1 "$(( $(colon 'Max memory' <<<"$di") * 1024 ))"
		continue
	fi
	expect "$p/vcpu-current" 1 "$(colon 'CPU(s)' <<<"$di")"
	expect "$p/memory-total" 1 "$(( $(colon 'Used memory' <<<"$di") * 1024 ))"
	expect "$p/memory-max" 1 "$(( $(colon 'Max memory' <<<"$di") * 1024 ))"
	cpu_s=$(colon 'CPU time' <<<"$di" | tr -d s)
	expect "$p/virt_cpu_total" 1 "$(awk -v s="$cpu_s" 'BEGIN { printf "%.0f", s * 1e9 }')" 1e-6
	cs=$(cd_virsh cpu-stats "$dom" --total)
	expect "$p/ps_cputime" 1 "$(awk '$1 == "user_time" { printf "%.0f", $2 * 1e9 }' <<<"$cs")"
	expect "$p/ps_cputime" 2 "$(awk '$1 == "system_time" { printf "%.0f", $2 * 1e9 }' <<<"$cs")"
	cd_virsh vcpuinfo "$dom" | awk -F': *' '$1 == "VCPU" { v = $2 } $1 == "CPU time" { sub(/s$/, "", $2); print v, $2 }' |
		while read -r v secs; do echo "$v $secs"; done >"$CD_DIR/vcpus"
	while read -r v secs; do
		expect "$p/virt_vcpu-$v" 1 "$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1e9 }')" 1e-5
	done <"$CD_DIR/vcpus"
	ms=$(cd_virsh dommemstat "$dom")
	for tag in rss unused available usable disk_caches; do
		v=$(kv "$tag" <<<"$ms")
		if [ -n "$v" ]; then expect "$p/memory-$tag" 1 "$((v * 1024))"; else expect_absent "$p/memory-$tag"; fi
	done
	if [ -n "$(kv major_fault <<<"$ms")" ]; then
		expect "$p/vmpage_faults" 1 "$(kv minor_fault <<<"$ms")"
		expect "$p/vmpage_faults" 2 "$(kv major_fault <<<"$ms")"
		expect "$p/swap_io-in" 1 "$(( $(kv swap_in <<<"$ms") * 1024 ))"
		expect "$p/swap_io-out" 1 "$(( $(kv swap_out <<<"$ms") * 1024 ))"
	fi
	for dev in $(cd_virsh domblklist "$dom" | awk '{ print $1 }'); do
		bs=$(cd_virsh domblkstat "$dom" "$dev")
		expect "$p/disk_ops-$dev" 1 "$(awk '$2 == "rd_req" { print $3 }' <<<"$bs")" 1e-6
		expect "$p/disk_ops-$dev" 2 "$(awk '$2 == "wr_req" { print $3 }' <<<"$bs")" 1e-6
		expect "$p/disk_octets-$dev" 1 "$(awk '$2 == "rd_bytes" { print $3 }' <<<"$bs")" 1e-6
		expect "$p/disk_octets-$dev" 2 "$(awk '$2 == "wr_bytes" { print $3 }' <<<"$bs")" 1e-6
		expect "$p/derive-errors-$dev" 1 "$(awk '$2 == "errs" { print $3 }' <<<"$bs")" 1e-6
		bi=$(cd_virsh domblkinfo "$dom" "$dev")
		expect "$p/disk_capacity-$dev" 1 "$(colon Capacity <<<"$bi")"
		expect "$p/disk_allocation-$dev" 1 "$(colon Allocation <<<"$bi")"
		expect "$p/disk_physical-$dev" 1 "$(colon Physical <<<"$bi")"
	done
	for nic in $(cd_virsh domiflist "$dom" | awk '{ print $1 }'); do
		is=$(cd_virsh domifstat "$dom" "$nic")
		i=1
		for pair in bytes:if_octets packets:if_packets errs:if_errors drop:if_dropped; do
			expect "$p/${pair#*:}-$nic" 1 "$(awk -v k="rx_${pair%%:*}" '$2 == k { print $3 }' <<<"$is")" 1e-6
			expect "$p/${pair#*:}-$nic" 2 "$(awk -v k="tx_${pair%%:*}" '$2 == k { print $3 }' <<<"$is")" 1e-6
			i=$((i + 1))
		done
	done
done

# ---- rates are plausible -------------------------------------------------------
# The test driver's CPU time grows one second per second, so a guest uses one
# host CPU: 100 / host CPUs percent of the host, 100 / vCPUs of itself.
ncpu=$(colon 'CPU(s)' <<<"$ni")
for dom in test vmt-cd-b; do
	nv=$(cd_virsh dominfo "$dom" | colon 'CPU(s)')
	expect_range "virtmon-$dom/percent-host_cpu" 1 \
		"$(awk -v n="$ncpu" 'BEGIN { print 100 / n * 0.9 }')" "$(awk -v n="$ncpu" 'BEGIN { print 100 / n * 1.1 }')"
	expect_range "virtmon-$dom/percent-virt_cpu_total" 1 \
		"$(awk -v n="$nv" 'BEGIN { print 100 / n * 0.9 }')" "$(awk -v n="$nv" 'BEGIN { print 100 / n * 1.1 }')"
done

grep -Ei 'virtmon.*(error|warn)' "$CD_DIR/main.log" && note fail "errors or warnings in the log" || note ok "no errors or warnings logged"
echo "1..$CD_CHECKS"
[ "$CD_BAD" = 0 ] || cd_fail "$CD_BAD of $CD_CHECKS checks failed"
[ "$CD_CHECKS" -ge 60 ] || cd_hard "only $CD_CHECKS checks ran"
exit 0
