/*
 * virtmonLabelTable: one row per label a domain has (vmon-labels.h),
 * indexed by the domain's UUID and the label's name (implied, so a walk
 * lists a domain's labels together, in name order).
 */
#include "vmon-snmp.h"

#include <string.h>

#include "vmon-oid.h"
#include "vmon-util.h"

static const oid label_table_oid[] = { VMON_OID_LABEL_TABLE };
static struct vmon_snmp_table *label_table;

static void
fill(struct vmon_snmp_table *t, const struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        for (size_t l = 0; l < d->nlabels; l++) {
            const char *name = d->labels[l].name;
            oid sub[VMON_LABEL_NAME_MAX];
            size_t n = strlen(name);
            if (n > VMON_LABEL_NAME_MAX)
                continue;   /* the core never makes one; the wire's reader checks too */
            for (size_t k = 0; k < n; k++)
                sub[k] = (unsigned char) name[k];
            vmon_snmp_table_add(t, d, &d->labels[l], 0, sub, n, true);
        }
    }
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_label *label = row->dev;

    switch (col) {
    case VMON_LCOL_DOMAIN_NAME:
        vmon_snmp_set_string(vb, row->dom->name);
        return 0;
    case VMON_LCOL_VALUE:
        vmon_snmp_set_utf8(vb, label->value);
        return 0;
    default:
        return -1;
    }
}

int
vmon_snmp_label_init(void)
{
    static unsigned cols[] = { VMON_LCOL_DOMAIN_NAME, VMON_LCOL_VALUE };
    struct vmon_snmp_table_def def = {
        .name = "virtmonLabelTable",
        .oid = label_table_oid,
        .oid_len = OID_LENGTH(label_table_oid),
        .cols = cols,
        .ncols = VMON_ARRAY_SIZE(cols),
        .fill = fill,
        .get = get,
    };

    label_table = vmon_snmp_table_register(&def);
    return label_table ? 0 : -1;
}
