/*
 * The agent's state, and the snapshot every handler answers from.  One
 * snapshot is held at a time and swapped for a newer one on demand, so a
 * burst of requests costs one mutex round trip in the source per request,
 * not per column, and nothing here ever waits on libvirt.
 */
#include "vmon-snmp.h"

struct vmon_snmp_ctx vmon_snmp;

const struct vmon_snapshot *
vmon_snmp_snapshot(void)
{
    if (!vmon_snmp.src)
        return vmon_snmp.snap;

    struct vmon_snapshot *latest = vmon_source_snapshot(vmon_snmp.src);

    if (!latest)
        return vmon_snmp.snap;
    if (vmon_snmp.snap && latest->seq == vmon_snmp.snap->seq) {
        vmon_snapshot_unref(latest);
        return vmon_snmp.snap;
    }
    vmon_snapshot_unref(vmon_snmp.snap);
    vmon_snmp.snap = latest;
    return latest;
}

void
vmon_snmp_ctx_clear(void)
{
    vmon_snapshot_unref(vmon_snmp.snap);
    vmon_snmp.snap = NULL;
    vmon_options_clear(&vmon_snmp.opts);
}

void
vmon_snmp_log(int priority, const char *line)
{
    snmp_log(priority, "%s\n", line);
}
