/* virtmonVcpuTable: one row per vCPU, indexed by domain UUID + vCPU number. */
#include "vmon-snmp.h"

#include "vmon-oid.h"

static const oid vcpu_table_oid[] = { VMON_OID_VCPU_TABLE };
static struct vmon_snmp_table *vcpu_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        for (size_t v = 0; v < d->nvcpus; v++) {
            oid num = d->vcpus[v].number;
            vmon_snmp_table_add(t, d, &d->vcpus[v], d->vcpus[v].number, &num, 1, true);
        }
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_vcpu *v = row->dev;

    if (col == VMON_VCOL_DOMAIN_NAME) {
        vmon_snmp_set_string(vb, row->dom->name);
        return 0;
    }
    const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_VCPU, col);
    return ref ? vmon_snmp_column_value(ref, v->m, NULL, vb) : -1;
}

int
vmon_snmp_vcpu_init(void)
{
    unsigned cols[VMON_VCPU_NCOLS];
    struct vmon_snmp_table_def def = {
        .name = "virtmonVcpuTable",
        .oid = vcpu_table_oid,
        .oid_len = OID_LENGTH(vcpu_table_oid),
        .cols = cols,
        .fill = fill,
        .get = get,
    };

    def.ncols = vmon_snmp_table_cols(cols, VMON_VCPU_NCOLS, VMON_VCOL_DOMAIN_NAME,
                                     VMON_VCOL_DOMAIN_NAME, VMON_SCOPE_VCPU);
    vcpu_table = vmon_snmp_table_register(&def);
    return vcpu_table ? 0 : -1;
}
