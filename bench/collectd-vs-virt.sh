#!/bin/bash
# What one read costs: virtmon.so against Debian's virt.so in a real collectd,
# over N real QEMU (TCG) guests of the system libvirtd at a 1 s interval.
#
# For each plugin, one collectd daemon at a time (so libvirtd's CPU can be
# told apart): CPU seconds per read of collectd and of libvirtd from
# /proc/PID/stat over READS reads (and of virtmond, for virtmon reading
# virtmond: Source "virtmond"), and the value lists (and data-source
# values) dispatched per read, counted through collectd's unixsock LISTVAL.
# libvirtd's idle CPU with the same guests and no client is measured first
# and subtracted.  No writer is loaded: what is measured is the plugin and
# collectd's dispatch, not a writer whose cost grows with every value.
#
# Run from the top build directory, as root (tests/sys/lib.sh: the lock on
# the shared system libvirtd is held while the guests exist):
#
#   make collectd-bench [BENCH_GUESTS=50] [COLLECTD_BENCH_READS=30]
#   srcdir=SRC bash SRC/bench/collectd-vs-virt.sh [GUESTS] [READS]
#
# Not a test: it prints figures and whether the targets of the collectd
# issue are met (collectd CPU <= 0.25x virt.so's, collectd + libvirtd <=
# 0.4x, at least as many values).  VMON_BENCH_PERF=1 also records
# `perf record -g` of each collectd into the kept directory.

. "${srcdir:-.}/tests/sys/lib.sh"
. "${srcdir:-.}/tests/collectd/cd-lib.sh"

GUESTS=${1:-50}
READS=${2:-30}
EXTRA_STATS="cpu_util disk disk_err domain_state memory pcpu vcpu disk_allocation disk_capacity disk_physical"
TICK=$(getconf CLK_TCK)

sys_setup
cd_setup notrap
sys_on_exit cd_cleanup
cd_add_plugin virt
cd_add_plugin unixsock
# One daemon never sees the other's plugin.
mkdir -p "$CD_DIR/virtso" && mv "$CD_DIR/plugins/virt.so" "$CD_DIR/virtso/" &&
	cp "$CD_DIR/plugins/"{logfile,unixsock}.so "$CD_DIR/virtso/" || cd_hard "plugin dirs"

# ---- guests -----------------------------------------------------------------------
t0=$(sys_now)
for i in $(seq -w 1 "$GUESTS"); do sys_guest_create "vmt-bench-$i"; done
# Booted: SeaBIOS has read the disk, iPXE has sent DHCP.  Their bursts end
# ~10 s later; idle guests are what the figures in the issue are for.
for i in $(seq -w 1 "$GUESTS"); do sys_guest_wait_io "vmt-bench-$i" 120 2>/dev/null; done
echo "# $GUESTS guests up in $(sys_since "$t0") s"

# ---- helpers ------------------------------------------------------------------------
# CPU seconds (user + system) a process has used; comm may hold blanks.
cpu_of() {
	sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$TICK" '{ printf "%.2f", ($12 + $13) / hz }'
}

libvirtd_pid() {
	local pid
	pid=$(sys__daemon_pid "$SYS_LIBVIRTD_PIDFILE" libvirtd) && { echo "$pid"; return 0; }
	[ "$SYS_SYSTEMD" = 1 ] && systemctl show -p MainPID --value libvirtd.service
}

listval() {
	printf 'LISTVAL\n' | nc -N -U "$CD_DIR/$1.sock" 2>/dev/null
}

# count_values NAME SINCE: value lists updated since SINCE (the start of
# the measured window: the guests do not change, so each was sent every
# read), and how many data-source values they hold according to types.db:
# "LISTS VALUES".  Not "the last second or two": one late poll would halve it.
count_values() {
	listval "$1" | awk -v since="$2" -v db="$CD_TYPES_DB" '
		BEGIN {
			while ((getline line < db) > 0) {
				if (line ~ /^[ \t]*(#|$)/) continue
				n = split(line, f, /[ \t,]+/)
				ds[f[1]] = 0
				for (i = 2; i <= n; i++) if (f[i] ~ /:/) ds[f[1]]++
			}
		}
		NR > 1 && $1 >= since {
			id = $2; sub(/^.*\//, "", id); sub(/-.*$/, "", id)
			lists++; values += (id in ds) ? ds[id] : 1
		}
		END { printf "%d %d\n", lists, values }'
}

# What one value of NAME's identifier ID looks like every 0.1 s, until
# killed: each change is one read that reached collectd.  Counted, not
# assumed: a read that overruns the interval (virt.so does with 50 guests)
# delays the next one, so reads are fewer than seconds.
sample_reads() {
	while :; do
		printf 'GETVAL "%s"\n' "$2" | nc -N -U "$CD_DIR/$1.sock" 2>/dev/null | tr '\n' ' '
		echo
		sleep 0.1
	done
}

# bench_conf NAME PLUGINDIR < body: cd-lib.sh's head, unixsock, no writer.
# LogLevel notice: without a writer collectd logs "Available write targets::
# [none]" at info for every value, and the logfile plugin opening, writing
# and closing its file 1500 times a second would be most of what we measure.
bench_conf() {
	local name=$1 dir=$2
	cd_conf_head "$name" "$dir" | sed 's/^  LogLevel info$/  LogLevel notice/' >"$CD_DIR/$name.conf"
	cat >>"$CD_DIR/$name.conf" <<EOF
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$CD_DIR/$name.sock"
</Plugin>
EOF
	cat >>"$CD_DIR/$name.conf"
}

RESULTS=
# measure NAME ID [VIRTMOND_PID]: start collectd NAME, wait until every
# guest is reported, then READS seconds of CPU; appends "NAME coll_s lvd_s
# lists values reads seconds virtmond_s", reads counted as changes of ID, a
# counter that grows every read; virtmond_s is 0 without a virtmond.
measure() {
	local name=$1 id=$2 vd=${3:-} pid lvd c0 l0 t0 c1 l1 t1 v0=0 v1=0 i n counts perf_pid= sampler reads
	cd_collectd_start "$name"
	eval "pid=\$CD_PID_$name"
	for i in $(seq 1 600); do
		n=$(listval "$name" | grep -c '/domain_state$')
		[ "${n:-0}" -ge "$GUESTS" ] && break
		cd_collectd_alive "$name" || { cat "$CD_DIR/$name.log" >&2; cd_hard "collectd $name died"; }
		sleep 0.1
	done
	[ "${n:-0}" -ge "$GUESTS" ] || { cat "$CD_DIR/$name.log" >&2; cd_hard "$name: only ${n:-0} guests reported after 60 s"; }
	# A few reads first: the first poll also fetches each domain's XML.
	sleep 3
	lvd=$(libvirtd_pid) || cd_hard "no libvirtd pid"
	if [ "${VMON_BENCH_PERF:-0}" = 1 ]; then
		perf record -g -o "$CD_DIR/$name.perf" -p "$pid" -- sleep "$READS" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	sample_reads "$name" "$id" >"$CD_DIR/$name.reads" &
	sampler=$!
	c0=$(cpu_of "$pid") l0=$(cpu_of "$lvd") t0=$(sys_now)
	[ -z "$vd" ] || v0=$(cpu_of "$vd")
	sleep "$READS"
	c1=$(cpu_of "$pid") l1=$(cpu_of "$lvd") t1=$(sys_now)
	[ -z "$vd" ] || v1=$(cpu_of "$vd")
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	reads=$(grep -v '^ *$' "$CD_DIR/$name.reads" | uniq | wc -l)
	reads=$((reads - 1))
	[ "$reads" -gt 0 ] || { head -n 3 "$CD_DIR/$name.reads" >&2; cd_hard "$name: no read seen through GETVAL $id"; }
	counts=$(count_values "$name" "$t0")
	[ -z "$perf_pid" ] || wait "$perf_pid"
	cd_collectd_alive "$name" || cd_hard "collectd $name died while measured"
	if grep -q 'above its read interval\|read-function .* took' "$CD_DIR/$name.log"; then
		echo "# $name: a read overran its interval:" >&2
		grep 'above its read interval\|read-function .* took' "$CD_DIR/$name.log" | tail -n 3 >&2
	fi
	cd_collectd_stop "$name"
	RESULTS+="$name $(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') $(awk -v a="$l0" -v b="$l1" 'BEGIN { print b - a }') $counts $reads $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $(awk -v a="$v0" -v b="$v1" 'BEGIN { print b - a }')"$'\n'
}

# ---- the runs -----------------------------------------------------------------------
bench_conf virtmon "$CD_DIR/plugins" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$SYS_URI"
  Include "vmt-bench-*"
</Plugin>
EOF
bench_conf compat "$CD_DIR/plugins" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "libvirt:$SYS_URI"
  Include "vmt-bench-*"
  CompatVirtPlugin true
</Plugin>
EOF
bench_conf virtso "$CD_DIR/virtso" <<EOF
LoadPlugin virt
<Plugin virt>
  Connection "$SYS_URI"
  Domain "/^vmt-bench-/"
  ExtraStats "$EXTRA_STATS"
</Plugin>
EOF

# libvirtd's own background work with these guests (QEMU monitor events,
# timers), charged to neither plugin.
lvd=$(libvirtd_pid) || cd_hard "no libvirtd pid"
l0=$(cpu_of "$lvd") t0=$(sys_now)
sleep "$READS"
idle=$(awk -v a="$l0" -v b="$(cpu_of "$lvd")" -v s="$(sys_since "$t0")" 'BEGIN { printf "%.4f", (b - a) / s }')

measure virtmon "$CD_HOST/virtmon-vmt-bench-01/virt_cpu_total"
measure compat vmt-bench-01/virt/virt_cpu_total
measure virtso vmt-bench-01/virt/virt_cpu_total
# virtmon reading virtmond, which alone polls libvirt: virtmond's CPU is
# the feed's too.  virtmond runs only while measured, so that its polls are
# no load on the other runs' libvirtd.
cd_virtmond_start "$SYS_URI" --include 'vmt-bench-*'
bench_conf feed "$CD_DIR/plugins" <<EOF
LoadPlugin virtmon
<Plugin virtmon>
  Source "virtmond:$CD_VSOCK"
</Plugin>
EOF
measure feed "$CD_HOST/virtmon-vmt-bench-01/virt_cpu_total" "$CD_VIRTMOND_PID"
kill "$CD_VIRTMOND_PID" && wait "$CD_VIRTMOND_PID"

# ---- report -------------------------------------------------------------------------
echo "# $GUESTS idle TCG guests, Interval 1, $READS s per run; libvirtd idle: $idle CPU s/s (subtracted)"
awk -v idle="$idle" '
	NF == 8 {
		reads = $6; secs = $7
		c[$1] = $2 / reads; l[$1] = ($3 - idle * secs) / reads; if (l[$1] < 0) l[$1] = 0
		v[$1] = $8 / reads
		lists[$1] = $4; vals[$1] = $5
		printf "%-8s %2d reads in %4.1f s: collectd %.2f CPU s = %.4f s/read, virtmond %.4f s/read, libvirtd %.2f CPU s = %.4f s/read, total %.4f s/read; %5d value lists (%5d values) per read\n",
			$1, reads, secs, $2, c[$1], v[$1], $3, l[$1], c[$1] + v[$1] + l[$1], $4, $5
	}
	END {
		if (!("virtso" in c) || c["virtso"] + l["virtso"] <= 0) { print "no virt.so figures"; exit 1 }
		for (r in c) {
			if (r == "virtso") continue
			rc = c[r] / c["virtso"]; rt = (c[r] + v[r] + l[r]) / (c["virtso"] + l["virtso"])
			rv = vals[r] / vals["virtso"]
			# parenthesised: a bare ">" in printf arguments is a redirection
			printf("%-8s vs virt.so: collectd %.2fx (target <= 0.25: %s), total %.2fx (target <= 0.4: %s), values %.2fx (target >= 1: %s)\n",
				r, rc, (rc <= 0.25 ? "met" : "MISSED"), rt, (rt <= 0.4 ? "met" : "MISSED"),
				rv, (rv >= 1 ? "met" : "MISSED"))
		}
	}' <<<"$RESULTS"
if [ "${VMON_BENCH_PERF:-0}" = 1 ]; then
	VMON_CD_KEEP=1
	echo "# perf data: $CD_DIR/*.perf (perf report -i FILE)"
fi
exit 0
