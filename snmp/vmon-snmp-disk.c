/*
 * virtmonDiskTable: one row per disk, indexed by domain UUID + the disk's
 * position (from 1) in the snapshot, which follows the domain definition.
 */
#include "vmon-snmp.h"

#include "vmon-oid.h"

static const oid disk_table_oid[] = { VMON_OID_DISK_TABLE };
static struct vmon_snmp_table *disk_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        for (size_t k = 0; k < d->ndisks; k++) {
            oid num = k + 1;
            vmon_snmp_table_add(t, d, &d->disks[k], (unsigned) num, &num, 1, true);
        }
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_disk *k = row->dev;

    switch (col) {
    case VMON_KCOL_NAME:
        vmon_snmp_set_string(vb, k->name);
        return 0;
    case VMON_KCOL_PATH:
        vmon_snmp_set_string(vb, k->path);
        return 0;
    case VMON_KCOL_DOMAIN_NAME:
        vmon_snmp_set_string(vb, row->dom->name);
        return 0;
    case VMON_KCOL_BUS:
        vmon_snmp_set_string(vb, k->bus);
        return 0;
    case VMON_KCOL_SERIAL:
        vmon_snmp_set_string(vb, k->serial);
        return 0;
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_DISK, col);
        return ref ? vmon_snmp_column_value(ref, k->m, NULL, vb) : -1;
    }
    }
}

int
vmon_snmp_disk_init(void)
{
    unsigned cols[VMON_DISK_NCOLS];
    struct vmon_snmp_table_def def = {
        .name = "virtmonDiskTable",
        .oid = disk_table_oid,
        .oid_len = OID_LENGTH(disk_table_oid),
        .cols = cols,
        .fill = fill,
        .get = get,
    };

    def.ncols = vmon_snmp_table_cols(cols, VMON_DISK_NCOLS, VMON_KCOL_NAME, VMON_KCOL__LAST_IDENTITY,
                                     VMON_SCOPE_DISK);
    disk_table = vmon_snmp_table_register(&def);
    return disk_table ? 0 : -1;
}
