/*
 * libvirt-snmp's libvirtGuestTable (LIBVIRT-MIB, 1.3.6.1.4.1.36957.1.1),
 * served from the same snapshot so that sites replacing libvirt-snmp keep
 * their NMS templates.  Implemented from its published OIDs and
 * behaviour, not its text:
 *
 *   index  the 16 UUID octets as an IMPLIED string (16 sub-ids, no length)
 *   2 Name OCTET STRING   3 State INTEGER (libvirt's state numbers)
 *   4 CpuCount Unsigned32 5 MemoryCurrent Gauge32 MiB
 *   6 MemoryLimit Unsigned32 MiB   7 CpuTime Counter64 ns   9 RowStatus
 *   (no column 8; the UUID column is not readable)
 *
 * Writes map onto virtmon's actions and obey allowActions like
 * virtmonDomainAction: RowStatus createAndGo(4) starts a shut-off domain,
 * destroy(6) destroys it; State paused(3) suspends, running(1) resumes,
 * shutdown(4) shuts down.  Unlike libvirt-snmp, inactive domains have
 * rows (createAndGo on them is how they start), with RowStatus active(1)
 * as libvirt-snmp reports for every row it lists.
 */
#include "vmon-snmp.h"

#include "vmon-oid.h"

#define COL_NAME 2
#define COL_STATE 3
#define COL_CPU_COUNT 4
#define COL_MEM_CURRENT 5
#define COL_MEM_LIMIT 6
#define COL_CPU_TIME 7
#define COL_ROW_STATUS 9

#define ROWSTATUS_ACTIVE 1
#define ROWSTATUS_CREATE_AND_GO 4
#define ROWSTATUS_DESTROY 6

static const oid guest_table_oid[] = { VMON_OID_LIBVIRT_GUEST_TABLE };
static struct vmon_snmp_table *guest_table;

static uint64_t
metric(const struct vmon_domain *d, int id)
{
    return vmon_value_has(&d->m[id]) ? d->m[id].u : 0;
}

static int
get(const struct vmon_snmp_row *row, unsigned col, netsnmp_variable_list *vb)
{
    const struct vmon_domain *d = row->dom;

    switch (col) {
    case COL_NAME:
        vmon_snmp_set_string(vb, d->name);
        return 0;
    case COL_STATE:
        vmon_snmp_set_int(vb, d->state);
        return 0;
    case COL_CPU_COUNT:
        vmon_snmp_set_gauge(vb, vmon_value_has(&d->m[VMON_DOM_VCPU_CURRENT])
                                ? metric(d, VMON_DOM_VCPU_CURRENT)
                                : metric(d, VMON_DOM_VCPU_MAXIMUM));
        vb->type = ASN_UNSIGNED;
        return 0;
    case COL_MEM_CURRENT:
        vmon_snmp_set_gauge(vb, metric(d, VMON_DOM_MEM_CURRENT) / 1024);   /* KiB -> MiB */
        return 0;
    case COL_MEM_LIMIT:
        vmon_snmp_set_gauge(vb, metric(d, VMON_DOM_MEM_MAXIMUM) / 1024);
        vb->type = ASN_UNSIGNED;
        return 0;
    case COL_CPU_TIME:
        vmon_snmp_set_counter64(vb, metric(d, VMON_DOM_CPU_TIME));
        return 0;
    case COL_ROW_STATUS:
        vmon_snmp_set_int(vb, ROWSTATUS_ACTIVE);
        return 0;
    default:
        return -1;
    }
}

static int
decode(const struct vmon_snmp_row *row, unsigned col, const netsnmp_variable_list *vb,
       enum vmon_action *action)
{
    int err;

    if (col != COL_STATE && col != COL_ROW_STATUS)
        return SNMP_ERR_NOTWRITABLE;
    if ((err = netsnmp_check_vb_type_and_size(vb, ASN_INTEGER, sizeof(long))) != SNMP_ERR_NOERROR)
        return err;
    long v = *vb->val.integer;

    if (col == COL_ROW_STATUS) {
        if (v == ROWSTATUS_CREATE_AND_GO)
            *action = VMON_ACTION_START;
        else if (v == ROWSTATUS_DESTROY)
            *action = VMON_ACTION_DESTROY;
        else
            return SNMP_ERR_WRONGVALUE;     /* createAndWait and the rest: unsupported */
    } else {
        if (v == VMON_STATE_PAUSED)
            *action = VMON_ACTION_SUSPEND;
        else if (v == VMON_STATE_RUNNING)
            *action = VMON_ACTION_RESUME;
        else if (v == VMON_STATE_SHUTDOWN)
            *action = VMON_ACTION_SHUTDOWN;
        else
            return SNMP_ERR_WRONGVALUE;
    }
    if (!row)
        return SNMP_ERR_NOCREATION;     /* we start defined domains, never create them */
    return vmon_snmp_action_check(row->dom, *action);
}

static const struct vmon_snmp_decode decoder = { decode };

int
vmon_snmp_compat_init(void)
{
    static const unsigned cols[] = { COL_NAME, COL_STATE, COL_CPU_COUNT, COL_MEM_CURRENT,
                                     COL_MEM_LIMIT, COL_CPU_TIME, COL_ROW_STATUS };
    struct vmon_snmp_table_def def = {
        .name = "libvirtGuestTable",
        .oid = guest_table_oid,
        .oid_len = OID_LENGTH(guest_table_oid),
        .cols = cols,
        .ncols = sizeof(cols) / sizeof(cols[0]),
        .fill = vmon_snmp_table_fill_domains,
        .get = get,
        .decode = &decoder,
    };

    guest_table = vmon_snmp_table_register(&def);
    return guest_table ? 0 : -1;
}
