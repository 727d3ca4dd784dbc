/* virtmonStateTable: how many domains are in each state, zeros included. */
#include "vmon-snmp.h"

#include "vmon-oid.h"

static const oid state_table_oid[] = { VMON_OID_STATE_TABLE };
static struct vmon_snmp_table *state_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    (void) snap;
    for (unsigned s = 0; s < VMON_STATE__N; s++) {
        oid idx = s;
        vmon_snmp_table_add(t, NULL, NULL, s, &idx, 1, false);
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_snapshot *snap = vmon_snmp.snap;

    if (col != 2 || !snap || row->num >= VMON_STATE__N)
        return -1;
    vmon_snmp_set_gauge(vb, snap->node.domains_by_state[row->num]);
    return 0;
}

int
vmon_snmp_states_init(void)
{
    static const unsigned cols[] = { 2 };
    struct vmon_snmp_table_def def = {
        .name = "virtmonStateTable",
        .oid = state_table_oid,
        .oid_len = OID_LENGTH(state_table_oid),
        .cols = cols,
        .ncols = 1,
        .fill = fill,
        .get = get,
    };

    state_table = vmon_snmp_table_register(&def);
    return state_table ? 0 : -1;
}
