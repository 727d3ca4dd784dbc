# Sourced by the SNMP tests: find the IETF base modules (SNMPv2-SMI,
# SNMPv2-TC, SNMPv2-CONF) that VIRTMON-MIB imports.  Debian's libsmi2-common
# and snmpd ship none of them (licensing); erlang-snmp does, as .mib files,
# and snmp-mibs-downloader (non-free) puts them in /usr/share/snmp/mibs/ietf.
# Sets VMON_IETF_MIBDIR, or leaves it empty when no directory has them.
VMON_IETF_MIBDIR=
for d in ${VMON_IETF_MIBS:-} /usr/share/mibs/ietf /usr/share/snmp/mibs/ietf \
         /usr/share/snmp/mibs /usr/lib/erlang/lib/snmp-*/mibs; do
    for f in "$d"/SNMPv2-SMI "$d"/SNMPv2-SMI.txt "$d"/SNMPv2-SMI.mib "$d"/SNMPv2-SMI.my; do
        if test -f "$f"; then
            VMON_IETF_MIBDIR=$d
            break 2
        fi
    done
done
