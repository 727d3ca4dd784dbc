/*
 * virtmonPoolTable: one row per storage pool, indexed by the pool's UUID
 * (16 sub-identifiers, as the domain table's).
 */
#include "vmon-snmp.h"

#include "vmon-oid.h"

static const oid pool_table_oid[] = { VMON_OID_POOL_TABLE };
static struct vmon_snmp_table *pool_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->npools; i++) {
        oid index[16];
        vmon_snmp_uuid_to_oid(snap->pools[i].uuid, index);
        /* no domain: the pool is the row's object, its UUID the whole index */
        vmon_snmp_table_add(t, NULL, &snap->pools[i], (unsigned) i, index, 16, false);
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_pool *p = row->dev;

    switch (col) {
    case VMON_PCOL_NAME:
        vmon_snmp_set_string(vb, p->name);
        return 0;
    case VMON_PCOL_UUID_STRING:
        vmon_snmp_set_string(vb, p->uuid_str);
        return 0;
    case VMON_PCOL_TYPE:
        vmon_snmp_set_string(vb, p->type ? p->type : "");
        return 0;
    case VMON_PCOL_PATH:
        vmon_snmp_set_string(vb, p->path ? p->path : "");
        return 0;
    case VMON_PCOL_STATE:
        vmon_snmp_set_int(vb, p->state);
        return 0;
    case VMON_PCOL_AUTOSTART:
        vmon_snmp_set_truth(vb, p->autostart);
        return 0;
    case VMON_PCOL_PERSISTENT:
        vmon_snmp_set_truth(vb, p->persistent);
        return 0;
    case VMON_PCOL_STALE:
        vmon_snmp_set_truth(vb, p->stale);
        return 0;
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_POOL, col);
        return ref ? vmon_snmp_column_value(ref, p->m, NULL, vb) : -1;
    }
    }
}

int
vmon_snmp_pool_init(void)
{
    unsigned cols[VMON_POOL_NCOLS];
    struct vmon_snmp_table_def def = {
        .name = "virtmonPoolTable",
        .oid = pool_table_oid,
        .oid_len = OID_LENGTH(pool_table_oid),
        .cols = cols,
        .fill = fill,
        .get = get,
    };

    def.ncols = vmon_snmp_table_cols(cols, VMON_POOL_NCOLS, VMON_PCOL_NAME,
                                     VMON_PCOL__LAST_IDENTITY, VMON_SCOPE_POOL);
    pool_table = vmon_snmp_table_register(&def);
    return pool_table ? 0 : -1;
}
