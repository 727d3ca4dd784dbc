/*
 * virtmonNicTable: one row per network interface, indexed by domain UUID +
 * the interface's position (from 1).
 */
#include "vmon-snmp.h"

#include <stdio.h>

#include "vmon-oid.h"

static const oid nic_table_oid[] = { VMON_OID_NIC_TABLE };
static struct vmon_snmp_table *nic_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        for (size_t k = 0; k < d->nnics; k++) {
            oid num = k + 1;
            vmon_snmp_table_add(t, d, &d->nics[k], (unsigned) num, &num, 1, true);
        }
    }
}

/* "52:54:00:12:34:56" -> 6 octets (MacAddress); -1 when not a MAC. */
static int
parse_mac(const char *text, unsigned char mac[6])
{
    unsigned b[6];
    char tail;

    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char) b[i];
    return 0;
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_nic *n = row->dev;
    unsigned char mac[6];

    switch (col) {
    case VMON_NCOL_NAME:
        vmon_snmp_set_string(vb, n->name);
        return 0;
    case VMON_NCOL_MAC:
        if (parse_mac(n->mac, mac) < 0)
            return -1;
        snmp_set_var_typed_value(vb, ASN_OCTET_STR, mac, sizeof(mac));
        return 0;
    case VMON_NCOL_DOMAIN_NAME:
        vmon_snmp_set_string(vb, row->dom->name);
        return 0;
    case VMON_NCOL_ALIAS:
        vmon_snmp_set_string(vb, n->alias);
        return 0;
    case VMON_NCOL_SOURCE:
        vmon_snmp_set_string(vb, n->source);
        return 0;
    case VMON_NCOL_MODEL:
        vmon_snmp_set_string(vb, n->model);
        return 0;
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_NIC, col);
        return ref ? vmon_snmp_column_value(ref, n->m, NULL, vb) : -1;
    }
    }
}

int
vmon_snmp_nic_init(void)
{
    unsigned cols[VMON_NIC_NCOLS];
    struct vmon_snmp_table_def def = {
        .name = "virtmonNicTable",
        .oid = nic_table_oid,
        .oid_len = OID_LENGTH(nic_table_oid),
        .cols = cols,
        .fill = fill,
        .get = get,
    };

    def.ncols = vmon_snmp_table_cols(cols, VMON_NIC_NCOLS, VMON_NCOL_NAME, VMON_NCOL__LAST_IDENTITY,
                                     VMON_SCOPE_NIC);
    nic_table = vmon_snmp_table_register(&def);
    return nic_table ? 0 : -1;
}
