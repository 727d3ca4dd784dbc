/*
 * virtmonDomainTable: who each domain is (columns 1-19, and its title and
 * description at 401-402), the action column, and the domain metrics at
 * the columns vmon-metrics.def gives.
 */
#include "vmon-snmp.h"

#include <string.h>

#include "vmon-oid.h"

static const oid domain_table_oid[] = { VMON_OID_DOMAIN_TABLE };
static struct vmon_snmp_table *domain_table;

/* VirtmonActionResult numbers: none(0), then the core's statuses in order */
static const long result_numbers[] = {
    [VMON_ACTION_OK] = 1,
    [VMON_ACTION_PENDING] = 2,
    [VMON_ACTION_IGNORED] = 3,
    [VMON_ACTION_REFUSED] = 4,
    [VMON_ACTION_INVALID] = 5,
    [VMON_ACTION_NOT_FOUND] = 6,
    [VMON_ACTION_FAILED] = 7,
};
_Static_assert(sizeof(result_numbers) / sizeof(result_numbers[0]) == VMON_ACTION_STATUS__N,
               "every action status needs its VirtmonActionResult number");

static int
last_action(const struct vmon_domain *d, unsigned col, netsnmp_variable_list *vb)
{
    struct vmon_action_result res;
    bool have = vmon_snmp.src && vmon_source_last_action(vmon_snmp.src, d->uuid, &res) == 0;

    switch (col) {
    case VMON_DCOL_LAST_ACTION:
        vmon_snmp_set_int(vb, have ? (long) res.action : 0);
        break;
    case VMON_DCOL_LAST_RESULT:
        vmon_snmp_set_int(vb, have && (unsigned) res.status < VMON_ACTION_STATUS__N
                              ? result_numbers[res.status] : 0);
        break;
    case VMON_DCOL_LAST_TIME:
        vmon_snmp_set_gauge(vb, have && res.when > 0 ? (uint64_t) res.when : 0);
        vb->type = ASN_UNSIGNED;
        break;
    default:
        vmon_snmp_set_string(vb, have ? res.message : "");
        break;
    }
    return 0;
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_domain *d = row->dom;

    switch (col) {
    case VMON_DCOL_NAME:
        vmon_snmp_set_string(vb, d->name);
        return 0;
    case VMON_DCOL_UUID_STRING:
        vmon_snmp_set_string(vb, d->uuid_str);
        return 0;
    case VMON_DCOL_STATE:
        vmon_snmp_set_int(vb, d->state);
        return 0;
    case VMON_DCOL_REASON:
        vmon_snmp_set_int(vb, d->reason);
        return 0;
    case VMON_DCOL_REASON_NAME:
        vmon_snmp_set_string(vb, vmon_domain_reason_name(d->state, d->reason));
        return 0;
    case VMON_DCOL_ID:
        vmon_snmp_set_int(vb, d->id);
        return 0;
    case VMON_DCOL_PERSISTENT:
        vmon_snmp_set_truth(vb, d->persistent);
        return 0;
    case VMON_DCOL_AUTOSTART:
        vmon_snmp_set_truth(vb, d->autostart);
        return 0;
    case VMON_DCOL_OS_TYPE:
        vmon_snmp_set_string(vb, d->os_type);
        return 0;
    case VMON_DCOL_TITLE:
        vmon_snmp_set_utf8(vb, d->title);
        return 0;
    case VMON_DCOL_DESCRIPTION:
        vmon_snmp_set_utf8(vb, d->description);
        return 0;
    case VMON_DCOL_PARTIAL:
        vmon_snmp_set_truth(vb, d->partial);
        return 0;
    case VMON_DCOL_DISK_COUNT:
        vmon_snmp_set_gauge(vb, d->ndisks);
        return 0;
    case VMON_DCOL_NIC_COUNT:
        vmon_snmp_set_gauge(vb, d->nnics);
        return 0;
    case VMON_DCOL_VCPU_COUNT:
        vmon_snmp_set_gauge(vb, d->nvcpus);
        return 0;
    case VMON_DCOL_ACTION:
        vmon_snmp_set_int(vb, VMON_ACTION_NONE);   /* a trigger reads back as none */
        return 0;
    case VMON_DCOL_LAST_ACTION:
    case VMON_DCOL_LAST_RESULT:
    case VMON_DCOL_LAST_TIME:
    case VMON_DCOL_LAST_MESSAGE:
        /* live from the source: the result of a SET shows at once, not a poll later */
        return last_action(d, col, vb);
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_DOMAIN, col);
        return ref ? vmon_snmp_column_value(ref, d->m, d->win, vb) : -1;
    }
    }
}

/* RESERVE1 for virtmonDomainAction: type, value, row, then policy. */
static int
decode(const struct vmon_snmp_row *row, unsigned col, const netsnmp_variable_list *vb,
       netsnmp_request_info *all, enum vmon_action *action)
{
    int err;

    (void) all;
    if (col != VMON_DCOL_ACTION)
        return SNMP_ERR_NOTWRITABLE;
    if ((err = netsnmp_check_vb_type_and_size(vb, ASN_INTEGER, sizeof(long))) != SNMP_ERR_NOERROR)
        return err;
    long v = *vb->val.integer;
    if (v <= VMON_ACTION_NONE || v >= VMON_ACTION__N)
        return SNMP_ERR_WRONGVALUE;
    if (!row)
        return SNMP_ERR_NOCREATION;
    *action = (enum vmon_action) v;
    return vmon_snmp_action_check(row->dom, *action);
}

static const struct vmon_snmp_decode decoder = { decode };

int
vmon_snmp_domain_init(void)
{
    unsigned cols[VMON_DOMAIN_NCOLS + VMON_DCOL_NLATE];
    struct vmon_snmp_table_def def = {
        .name = "virtmonDomainTable",
        .oid = domain_table_oid,
        .oid_len = OID_LENGTH(domain_table_oid),
        .cols = cols,
        .fill = vmon_snmp_table_fill_domains,
        .get = get,
        .decode = &decoder,
    };

    /* column 1 is the not-accessible index */
    def.ncols = vmon_snmp_table_cols(cols, VMON_DOMAIN_NCOLS, VMON_DCOL_NAME,
                                     VMON_DCOL__LAST_IDENTITY, VMON_SCOPE_DOMAIN);
    if (def.ncols) {   /* after the metrics' columns, which all lie below them */
        cols[def.ncols++] = VMON_DCOL_TITLE;
        cols[def.ncols++] = VMON_DCOL_DESCRIPTION;
    }
    domain_table = vmon_snmp_table_register(&def);
    return domain_table ? 0 : -1;
}
