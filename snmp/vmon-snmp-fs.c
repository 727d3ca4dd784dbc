/*
 * virtmonFsTable: one row per file system mounted in a guest, as its guest
 * agent reported it (option guest-fs), indexed by domain UUID + the file
 * system's position in the agent's answer (from 1).
 */
#include "vmon-snmp.h"

#include "vmon-oid.h"

static const oid fs_table_oid[] = { VMON_OID_FS_TABLE };
static struct vmon_snmp_table *fs_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        for (size_t k = 0; k < d->nfss; k++) {
            oid num = k + 1;
            vmon_snmp_table_add(t, d, &d->fss[k], (unsigned) num, &num, 1, true);
        }
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_fs *fs = row->dev;

    switch (col) {
    case VMON_FCOL_MOUNT_POINT:
        vmon_snmp_set_string(vb, fs->mountpoint);
        return 0;
    case VMON_FCOL_DOMAIN_NAME:
        vmon_snmp_set_string(vb, row->dom->name);
        return 0;
    case VMON_FCOL_DEVICE:
        vmon_snmp_set_string(vb, fs->name);
        return 0;
    case VMON_FCOL_TYPE:
        vmon_snmp_set_string(vb, fs->fstype);
        return 0;
    case VMON_FCOL_DISKS:
        vmon_snmp_set_string(vb, fs->disks);
        return 0;
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_FS, col);
        return ref ? vmon_snmp_column_value(ref, fs->m, NULL, vb) : -1;
    }
    }
}

int
vmon_snmp_fs_init(void)
{
    unsigned cols[VMON_FS_NCOLS];
    struct vmon_snmp_table_def def = {
        .name = "virtmonFsTable",
        .oid = fs_table_oid,
        .oid_len = OID_LENGTH(fs_table_oid),
        .cols = cols,
        .fill = fill,
        .get = get,
    };

    def.ncols = vmon_snmp_table_cols(cols, VMON_FS_NCOLS, VMON_FCOL_MOUNT_POINT,
                                     VMON_FCOL__LAST_IDENTITY, VMON_SCOPE_FS);
    fs_table = vmon_snmp_table_register(&def);
    return fs_table ? 0 : -1;
}
