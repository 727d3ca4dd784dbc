#!/bin/bash
# The packaged install, as a sysadmin gets it: build the .debs from a copy
# of this tree, install them with dpkg, check every file is where Debian's
# snmpd, collectd, Nagios 4 and Icinga 2 look, run virtmond and the
# subagent the way their systemd units would (this machine has no systemd
# as PID 1: the units' ExecStart= runs under their User=, Group=,
# SupplementaryGroups=, Environment= and UMask=, in the RuntimeDirectory=
# and StateDirectory= systemd would make), read each face through its
# installed configuration, then purge and check nothing is left.
#
#   make check-packages        (or: srcdir=. bash tests/pkg/test-install.sh)
#
# virtmond polls libvirt's test driver: a drop-in
# /etc/systemd/system/virtmond.service.d/ sets LIBVIRT_DEFAULT_URI, as a
# site would point it elsewhere; another gives the subagent a private
# snmpd's AgentX socket.  Both drop-ins are removed at the end.
#
# Root and dpkg-buildpackage, or it skips (77); with VMON_SYS_REQUIRE=1
# (CI) a missing prerequisite is an error (99).  It refuses to run over
# virtmon packages or a virtmond it did not install.  Exit 0 when every
# check passed, 1 when one failed, 99 when setting up failed.
set -u

srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=$(cd "$srcdir" && pwd)
PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C

PACKAGES=(virtmond virtmon-snmp collectd-virtmon monitoring-plugins-virtmon)
UNITDIR=/lib/systemd/system
DROPIN_NAME=virtmon-pkg-test.conf
TEST_URI=test:///default
# test:///default's one domain; every process sees the same fixed values
DOMAIN="test"

n=0 failed=0
ok() {    # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}
note() { printf '%s\n' "$@" | sed 's/^/# /'; }
bail() { echo "Bail out! $*"; exit 99; }
skip() {
    if [ "${VMON_SYS_REQUIRE:-0}" = 1 ]; then
        bail "VMON_SYS_REQUIRE=1 but $*"
    fi
    echo "1..0 # SKIP $*"
    exit 77
}

[ "$(id -u)" = 0 ] || skip "not root (dpkg -i, the units' users)"
for tool in dpkg-buildpackage dh fakeroot setpriv systemd-analyze snmpd snmpwalk collectd virsh ss; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool missing (Debian: dpkg-dev debhelper fakeroot util-linux systemd snmpd snmp collectd-core libvirt-clients iproute2)"
done
[ -d "$srcdir/debian" ] || skip "$srcdir has no debian/ (a release tarball): run it in a git checkout"

T=$(mktemp -d /tmp/virtmon-pkg.XXXXXX) || bail "mktemp failed"
# the units' user must reach the AgentX socket below it
chmod 0711 "$T"
PIDS=()
installed=0

# Stops what this test started, newest first: the agent leaves snmpd
# before snmpd goes, and virtmond goes last, as systemd orders them.
stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[i]}" 2>/dev/null
        wait "${PIDS[i]}" 2>/dev/null
    done
    PIDS=()
}

cleanup() {
    stop_all
    rm -f "/etc/systemd/system/virtmond.service.d/$DROPIN_NAME" \
        "/etc/systemd/system/virtmon-agentx.service.d/$DROPIN_NAME"
    rmdir /etc/systemd/system/virtmond.service.d /etc/systemd/system/virtmon-agentx.service.d 2>/dev/null
    if [ "$installed" = 1 ]; then
        rm -rf /run/virtmon
        dpkg --purge "${PACKAGES[@]}" >>"$T/purge.log" 2>&1
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

echo "# building in $T"

# ---- before: nothing of ours on this machine -----------------------------
for p in "${PACKAGES[@]}"; do
    if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
        bail "$p is installed here; purge it first (dpkg --purge ${PACKAGES[*]})"
    fi
done
if ss -xlH 2>/dev/null | grep -q ' /run/virtmon/'; then
    bail "something listens in /run/virtmon: a virtmond this test did not start"
fi
rm -rf /run/virtmon   # left by a run killed with SIGKILL: nobody listens there

# ---- build ---------------------------------------------------------------
# A copy of what git tracks (plus new files not ignored), so the build sees
# a clean checkout whatever the tree holds (an in-tree build, _build/).
mkdir "$T/src" "$T/src/virtmon"
if git -C "$srcdir" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$srcdir" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
        tar -xf - -C "$T/src/virtmon" || bail "copying the tree failed"
else
    (cd "$srcdir" && tar --exclude=./_build -cf - .) | tar -xf - -C "$T/src/virtmon" ||
        bail "copying the tree failed"
fi
started=$(date +%s)
if ! (cd "$T/src/virtmon" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
    tail -n 40 "$T/build.log" | sed 's/^/# /'
    ok 1 "dpkg-buildpackage -us -uc -b"
    exit 1
fi
ok 0 "dpkg-buildpackage -us -uc -b builds ${PACKAGES[*]} ($(($(date +%s) - started)) s)"
if command -v lintian >/dev/null 2>&1; then
    lintian "$T"/src/*.changes >"$T/lintian.log" 2>&1
    sed 's/^/# lintian: /' "$T/lintian.log"
    ! grep -q '^[EW]: ' "$T/lintian.log"
    ok $? "lintian: no error, no warning ($(grep -c '^[EW]: ' "$T/lintian.log") found)"
elif [ "${VMON_SYS_REQUIRE:-0}" = 1 ]; then
    bail "VMON_SYS_REQUIRE=1 but lintian is missing"
fi
debs=()
for p in "${PACKAGES[@]}"; do
    f=$(ls "$T/src/${p}"_*.deb 2>/dev/null | head -n 1)
    [ -n "$f" ] || bail "the build made no $p package"
    debs+=("$f")
done

# What Debian's Nagios 4 and Icinga 2 define before: the packages add
# three commands and two CheckCommands to their stock configurations.
nagios_commands() {
    command -v nagios4 >/dev/null 2>&1 || return 0
    timeout 120 nagios4 -v /etc/nagios4/nagios.cfg 2>&1 |
        awk '/^Total Errors: *0$/ { ok = 1 } $1 == "Checked" && $3 == "commands." { n = $2 }
             END { if (ok) print n }'
}
icinga_checkcommands() {
    command -v icinga2 >/dev/null 2>&1 || return 0
    timeout 120 icinga2 daemon -C 2>&1 |
        awk '/Finished validating/ { ok = 1 } /Instantiated [0-9]+ CheckCommands/ { n = $(NF - 1) }
             END { if (ok) print n }'
}
nagios_before=$(nagios_commands)
icinga_before=$(icinga_checkcommands)

# ---- install -------------------------------------------------------------
installed=1
# Without systemd as PID 1 the maintainer scripts start nothing; a
# policy-rc.d keeps dependencies apt pulls in from starting theirs.
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "${debs[@]}" >"$T/install.log" 2>&1; then
    apt-get install -f -y -q --no-install-recommends >>"$T/install.log" 2>&1
fi
[ -z "$policy" ] || rm -f "$policy"
all_ok=0
for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || all_ok=1
done
ok $all_ok "dpkg -i (apt-get install -f for dependencies) installs all four packages"
[ $all_ok = 0 ] || { sed 's/^/# /' "$T/install.log" | tail -n 30; exit 1; }
for p in "${PACKAGES[@]}"; do
    dpkg-query -L "$p" >>"$T/files"
done

# ---- files where Debian's daemons look -----------------------------------
owner() { dpkg-query -S "$1" 2>/dev/null | sed 's/:.*//'; }
expect_file() {    # expect_file PACKAGE PATH WHY
    [ -f "$2" ] && [ "$(owner "$2")" = "$1" ]
    ok $? "$1 installs $2 ($3)"
}
expect_file virtmond "$UNITDIR/virtmond.service" "systemd unit"
expect_file virtmond /usr/sbin/virtmond "the daemon"
expect_file virtmond /usr/bin/virtmon-dump "the dump tool"
expect_file virtmond "$(ls /usr/lib/*/virtmon/virtmon-poller.so 2>/dev/null || echo /usr/lib/TRIPLET/virtmon/virtmon-poller.so)" "private module, not a public library"
expect_file virtmon-snmp "$UNITDIR/virtmon-agentx.service" "systemd unit"
expect_file virtmon-snmp /usr/sbin/virtmon-agentx "the subagent"
expect_file virtmon-snmp /usr/share/snmp/mibs/VIRTMON-MIB.txt "on net-snmp's MIB path"
expect_file virtmon-snmp /etc/snmp/virtmon.conf "the agent's configuration"
expect_file virtmon-snmp /etc/snmp/snmpd.conf.d/virtmon.conf "snmpd's includeDir"
expect_file collectd-virtmon /usr/lib/collectd/virtmon.so "collectd's PluginDir"
expect_file collectd-virtmon /etc/collectd/collectd.conf.d/virtmon.conf "collectd.conf's Include"
expect_file monitoring-plugins-virtmon /usr/lib/nagios/plugins/check_virt_domain "\$USER1\$, Icinga's PluginDir"
expect_file monitoring-plugins-virtmon /usr/lib/nagios/plugins/check_virt_host "\$USER1\$, Icinga's PluginDir"
expect_file monitoring-plugins-virtmon /etc/nagios-plugins/config/virtmon.cfg "nagios4.cfg's cfg_dir"
expect_file monitoring-plugins-virtmon /usr/share/icinga2/include/plugins-contrib.d/virtmon.conf "<plugins-contrib>"
# no public shared library, no libtool archive, no development file
stray=$(grep -E '\.la$|\.a$|\.so\.[0-9]|/usr/include/|pkgconfig' "$T/files")
[ -z "$stray" ]
ok $? "no public library, .la or development file (got: ${stray:-none})"
conf=$(cat /var/lib/dpkg/info/virtmon-snmp.conffiles /var/lib/dpkg/info/collectd-virtmon.conffiles \
    /var/lib/dpkg/info/monitoring-plugins-virtmon.conffiles 2>/dev/null | sort | tr '\n' ' ')
[ "$conf" = "/etc/collectd/collectd.conf.d/virtmon.conf /etc/nagios-plugins/config/virtmon.cfg /etc/snmp/snmpd.conf.d/virtmon.conf /etc/snmp/virtmon.conf " ]
ok $? "the /etc files are conffiles (got: $conf)"
if [ -f /etc/virtmon/virtmond.conf ]; then
    grep -qx /etc/virtmon/virtmond.conf /var/lib/dpkg/info/virtmond.conffiles
    ok $? "/etc/virtmon/virtmond.conf is a conffile of virtmond"
fi

if [ -n "$nagios_before" ]; then
    nagios_after=$(nagios_commands)
    shipped=$(grep -c "define command" "$srcdir/nagios/config/virtmon.cfg")
    [ "$nagios_after" = $((nagios_before + shipped)) ]
    ok $? "nagios4 -v /etc/nagios4/nagios.cfg: 0 errors, the $shipped commands the package ships added ($nagios_before, then ${nagios_after:-errors})"
fi
if [ -n "$icinga_before" ]; then
    icinga_after=$(icinga_checkcommands)
    shipped=$(grep -c "object CheckCommand" "$srcdir/nagios/icinga2/virtmon.conf")
    [ "$icinga_after" = $((icinga_before + shipped)) ]
    ok $? "icinga2 daemon -C on /etc/icinga2: valid, the $shipped CheckCommands the package ships added ($icinga_before, then ${icinga_after:-errors})"
fi

getent passwd virtmon >/dev/null && [ "$(id -gn virtmon)" = virtmon ]
ok $? "the system user virtmon and its group exist"
for u in virtmond virtmon-agentx; do
    [ -L "/etc/systemd/system/multi-user.target.wants/$u.service" ]
    ok $? "$u.service is enabled (multi-user.target.wants)"
done
out=$(systemd-analyze verify "$UNITDIR/virtmond.service" "$UNITDIR/virtmon-agentx.service" 2>&1)
r=$?
[ $r = 0 ] && [ -z "$out" ]
ok $? "systemd-analyze verify: both units clean (rc $r${out:+: $out})"
for u in virtmond virtmon-agentx; do
    exposure=$(systemd-analyze security --offline=yes "$UNITDIR/$u.service" 2>&1 |
        sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
    echo "# systemd-analyze security $u.service: exposure $exposure"
    awk -v e="${exposure:-99}" 'BEGIN { exit !(e + 0 <= 2.0) }'
    ok $? "$u.service: exposure ${exposure:-unknown} (at most 2.0)"
done

# ---- the units, run as systemd would -------------------------------------
mkdir -p /etc/systemd/system/virtmond.service.d /etc/systemd/system/virtmon-agentx.service.d
cat >"/etc/systemd/system/virtmond.service.d/$DROPIN_NAME" <<EOF
[Service]
Environment=LIBVIRT_DEFAULT_URI=$TEST_URI
EOF
cat >"/etc/systemd/system/virtmon-agentx.service.d/$DROPIN_NAME" <<EOF
[Service]
ExecStart=
ExecStart=/usr/sbin/virtmon-agentx -f -Le -x $T/agentx/master
EOF

# unit_get UNIT KEY: the [Service] values of KEY, unit then drop-ins in
# order, one a line; an empty assignment resets the list, as systemd does.
unit_get() {
    cat "$UNITDIR/$1.service" /etc/systemd/system/"$1".service.d/*.conf 2>/dev/null |
        awk -v key="$2" '/^\[/ { sec = $0; next }
            sec == "[Service]" && index($0, key "=") == 1 {
                v = substr($0, length(key) + 2)
                if (v == "") { n = 0; next }
                vals[n++] = v
            }
            END { for (i = 0; i < n; i++) print vals[i] }'
}
unit_last() { unit_get "$1" "$2" | tail -n 1; }

# unit_start UNIT LOG: directories, credentials, environment, ExecStart.
unit_start() {
    local unit=$1 log=$2 user group groups dir mode env=() cmd
    user=$(unit_last "$unit" User)
    group=$(unit_last "$unit" Group)
    groups=$group
    for g in $(unit_get "$unit" SupplementaryGroups); do
        groups=$groups,$g
    done
    dir=$(unit_last "$unit" RuntimeDirectory)
    if [ -n "$dir" ]; then
        mode=$(unit_last "$unit" RuntimeDirectoryMode)
        install -d -o "$user" -g "$group" -m "${mode:-0755}" "/run/$dir"
    fi
    dir=$(unit_last "$unit" StateDirectory)
    if [ -n "$dir" ]; then
        mode=$(unit_last "$unit" StateDirectoryMode)
        install -d -o "$user" -g "$group" -m "${mode:-0755}" "/var/lib/$dir"
    fi
    while read -r e; do
        env+=("$e")
    done < <(unit_get "$unit" Environment)
    cmd=$(unit_last "$unit" ExecStart)
    echo "# $unit: as $user:$group (+$groups), umask $(unit_last "$unit" UMask): ${env[*]} $cmd"
    # shellcheck disable=SC2086 # ExecStart= is split on blanks, as systemd does here
    setpriv --reuid="$user" --regid="$group" --groups="$groups" --no-new-privs \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env[@]}" \
        sh -c 'umask "$1"; shift; exec "$@"' sh "$(unit_last "$unit" UMask)" $cmd \
        >"$log" 2>&1 &
    PIDS+=($!)
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
    local i=0 limit=$(($1 * 5))
    shift
    while [ $i -lt $limit ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

unit_start virtmond "$T/virtmond.log"
virtmond_pid=${PIDS[-1]}
wait_for 20 sh -c '/usr/bin/virtmon-dump --source virtmond | grep -q "^Connection: '"$TEST_URI"'"'
ok $? "virtmond runs as its unit says and answers on /run/virtmon/virtmond.sock"
sock_owner=$(stat -c '%U:%G %a' /run/virtmon/virtmond.sock 2>/dev/null)
proc_ids=$(ps -o user=,group= -p "$virtmond_pid" 2>/dev/null | tr -s ' ')
[ "$sock_owner" = "virtmon:virtmon 660" ] && [ "$proc_ids" = "virtmon virtmon" ]
ok $? "virtmond runs as virtmon:virtmon, its socket virtmon:virtmon 0660 (got: $proc_ids, $sock_owner)"

# The private snmpd: loopback only, its AgentX socket opened to the agent's
# user by the installed snmpd.conf.d snippet.
port=$((20000 + $$ % 20000))
cat >"$T/snmpd.conf" <<EOF
agentaddress udp:127.0.0.1:$port
master agentx
agentXSocket $T/agentx/master
rocommunity public 127.0.0.1
includeFile /etc/snmp/snmpd.conf.d/virtmon.conf
EOF
snmpd -f -Lo -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" >"$T/snmpd.log" 2>&1 &
PIDS+=($!)
wait_for 10 test -S "$T/agentx/master" || bail "the private snmpd made no AgentX socket: $(tail -n 5 "$T/snmpd.log")"
unit_start virtmon-agentx "$T/agentx.log"

# libvirtGuestName of every domain, then libvirtGuestMemoryLimit (MiB)
NAME_OID=1.3.6.1.4.1.36957.1.1.1.2
MEMLIMIT_OID=1.3.6.1.4.1.36957.1.1.1.6
walk() { snmpwalk -v2c -c public -On -Oqv -t 2 -r 1 "127.0.0.1:$port" "$1" 2>/dev/null; }
wait_for 40 sh -c "snmpwalk -v2c -c public -On -Oqv -t 2 -r 1 127.0.0.1:$port $NAME_OID 2>/dev/null | grep -qx '\"$DOMAIN\"'"
ok $? "snmpwalk through the private snmpd: the agent registered and serves domain '$DOMAIN'"
got_mem=$(walk "$MEMLIMIT_OID" | head -n 1)
virsh_mem=$(virsh -c "$TEST_URI" dominfo "$DOMAIN" | awk '/^Max memory:/ { print $3 / 1024 }')
[ -n "$got_mem" ] && [ "$got_mem" = "$virsh_mem" ]
ok $? "libvirtGuestMemoryLimit = virsh's max memory: $got_mem MiB (virsh: $virsh_mem)"
[ "$(ps -o user= -p "${PIDS[-1]}" 2>/dev/null)" = virtmon ] &&
    ! grep -q 'libvirt\.so' "/proc/${PIDS[-1]}/maps" 2>/dev/null
ok $? "the agent runs as virtmon and, reading virtmond, maps no libvirt"

# ---- collectd with the installed snippet ---------------------------------
mkdir -p "$T/csv"
cat >"$T/collectd.conf" <<EOF
Hostname "pkgtest"
FQDNLookup false
BaseDir "$T"
PIDFile "$T/collectd.pid"
Interval 1
LoadPlugin csv
<Plugin csv>
  DataDir "$T/csv"
</Plugin>
Include "/etc/collectd/collectd.conf.d/virtmon.conf"
EOF
# collectd -T leaves value lists unwritten at exit: run it until the csv
# writer has the domain's values, as the daemon would.
collectd -f -C "$T/collectd.conf" >"$T/collectd.log" 2>&1 &
PIDS+=($!)
collectd_pid=$!
wait_for 20 sh -c "ls '$T'/csv/pkgtest/virtmon-$DOMAIN/memory-max-* && grep -q '^[0-9]' '$T'/csv/pkgtest/virtmon-$DOMAIN/memory-max-*"
r=$?
kill "$collectd_pid" 2>/dev/null
wait "$collectd_pid" 2>/dev/null
unset 'PIDS[-1]'
csv=$(ls "$T"/csv/pkgtest/virtmon-"$DOMAIN"/memory-max-* 2>/dev/null | head -n 1)
[ $r = 0 ] && grep -q 'virtmon plugin .*: reading virtmond at /run/virtmon/virtmond.sock' "$T/collectd.log"
ok $? "collectd with /etc/collectd/collectd.conf.d/virtmon.conf reads '$DOMAIN' from virtmond"
got=$(tail -n 1 "$csv" 2>/dev/null | cut -d, -f2 | awk '{ printf "%d", $1 / 1048576 }')
[ -n "$got" ] && [ "$got" = "$virsh_mem" ]
ok $? "collectd's memory-max = virsh's max memory: $got MiB (virsh: $virsh_mem)"

# ---- the installed Nagios commands ---------------------------------------
# nagios_command NAME ARG1 ARG2: its command_line with Nagios's macros
nagios_command() {
    awk -v name="$1" '$1 == "command_name" { n = $2 }
        $1 == "command_line" && n == name { sub(/^[ \t]*command_line[ \t]+/, ""); print }' \
        /etc/nagios-plugins/config/virtmon.cfg |
        sed -e "s|\\\$USER1\\\$|/usr/lib/nagios/plugins|g" -e "s|\\\$ARG1\\\$|$2|g" \
            -e "s|\\\$ARG2\\\$|$3|g" -e "s|\\\$HOSTNAME\\\$|$DOMAIN|g"
}
cmd=$(nagios_command check_virt_domain virtmond "-w 80 -c 95")
note "check_virt_domain: $cmd"
# as the nagios user is meant to run them: any user in the group virtmon
out=$(setpriv --reuid=nobody --regid=nogroup --groups=virtmon sh -c "$cmd" 2>&1)
r=$?
note "$out"
[ $r = 0 ] && printf '%s\n' "$out" | grep -q "^VIRT OK - $DOMAIN running"
ok $? "the installed check_virt_domain command reads virtmond as a member of virtmon: OK, '$DOMAIN' running"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "$cmd" 2>&1)
r=$?
[ $r = 3 ] && printf '%s\n' "$out" | grep -q 'Permission denied'
ok $? "outside the group virtmon it may not: UNKNOWN, permission denied (rc $r: $(echo "$out" | head -n 1))"
cmd=$(nagios_command check_virt_host "libvirt:$TEST_URI" "")
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "$cmd" 2>&1)
r=$?
note "check_virt_host: $cmd" "$out"
[ $r = 0 ] && printf '%s\n' "$out" | grep -q '^VIRT OK - libvirt [0-9.]*, TEST'
ok $? "the installed check_virt_host command polls libvirt with the installed module: OK"

# ---- stop, purge, nothing left -------------------------------------------
stop_all
note "virtmond's log:" "$(tail -n 5 "$T/virtmond.log")" "the agent's log:" "$(tail -n 5 "$T/agentx.log")"
# systemd removes the RuntimeDirectory= when the unit stops
rm -rf /run/virtmon
rm -f "/etc/systemd/system/virtmond.service.d/$DROPIN_NAME" \
    "/etc/systemd/system/virtmon-agentx.service.d/$DROPIN_NAME"
rmdir /etc/systemd/system/virtmond.service.d /etc/systemd/system/virtmon-agentx.service.d

dpkg --purge "${PACKAGES[@]}" >"$T/purge.log" 2>&1
ok $? "dpkg --purge removes all four packages"
installed=0
left=
while read -r f; do
    # directories others share (/etc, /usr/lib/nagios/plugins) stay; ours go
    if [ -d "$f" ]; then
        case $f in
        */virtmon | */virtmon-snmp | */virtmond | */collectd-virtmon | */monitoring-plugins-virtmon) ;;
        *) continue ;;
        esac
    fi
    [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$T/files"
for f in /etc/virtmon /var/lib/virtmon-agentx /run/virtmon \
    /etc/systemd/system/multi-user.target.wants/virtmond.service \
    /etc/systemd/system/multi-user.target.wants/virtmon-agentx.service; do
    [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
# deb-systemd-helper's records, dpkg's own, anything under /etc/systemd
left="$left $(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    /etc/systemd/system /var/lib/dpkg/info -name '*virtmon*' 2>/dev/null | tr '\n' ' ')"
left=$(echo $left)
[ -z "$left" ]
ok $? "after the purge no file of the packages, /etc/virtmon, state, enablement link or dpkg record is left (left: ${left:-none})"
! getent passwd virtmon >/dev/null && ! getent group virtmon >/dev/null
ok $? "after the purge the user and group virtmon are gone"

echo "1..$n"
[ $failed = 0 ]
