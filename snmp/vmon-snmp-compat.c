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
 * virtmonDomainAction: RowStatus createAndGo(4) starts a shut-off domain
 * (paused, when the same SET sets State paused(3)), destroy(6) destroys
 * it; State paused(3) suspends, running(1) resumes, shutdown(4) shuts
 * down.  Unlike libvirt-snmp, inactive domains have
 * rows (createAndGo on them is how they start), with RowStatus active(1)
 * as libvirt-snmp reports for every row it lists.
 */
#include "vmon-snmp.h"

#include <string.h>

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

/* The varbind of this SET that writes col of row, or NULL. */
static const netsnmp_variable_list *
same_row(netsnmp_request_info *all, const struct vmon_snmp_row *row, unsigned col)
{
    for (netsnmp_request_info *r = all; r && row && row->dom; r = r->next) {
        const struct vmon_snmp_row *other = vmon_snmp_table_row(r);
        netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);
        if (ti && ti->colnum == col && other && other->dom
            && memcmp(other->dom->uuid, row->dom->uuid, 16) == 0)
            return r->requestvb;
    }
    return NULL;
}

static int
decode(const struct vmon_snmp_row *row, unsigned col, const netsnmp_variable_list *vb,
       netsnmp_request_info *all, enum vmon_action *action)
{
    int err;

    if (col != COL_STATE && col != COL_ROW_STATUS)
        return SNMP_ERR_NOTWRITABLE;
    if ((err = netsnmp_check_vb_type_and_size(vb, ASN_INTEGER, sizeof(long))) != SNMP_ERR_NOERROR)
        return err;
    long v = *vb->val.integer;

    /*
     * createAndGo with a State in the same SET starts the domain in that
     * state, as libvirt-snmp does: running(1), or paused(3) for a paused
     * start.  The State varbind then does nothing of its own.
     */
    const netsnmp_variable_list *create = col == COL_STATE ? same_row(all, row, COL_ROW_STATUS) : NULL;
    bool creating = create && create->type == ASN_INTEGER
                    && *create->val.integer == ROWSTATUS_CREATE_AND_GO;
    if (col == COL_ROW_STATUS) {
        if (v == ROWSTATUS_CREATE_AND_GO) {
            const netsnmp_variable_list *state = same_row(all, row, COL_STATE);
            long start_in = state && state->type == ASN_INTEGER ? *state->val.integer : VMON_STATE_RUNNING;
            if (start_in == VMON_STATE_RUNNING)
                *action = VMON_ACTION_START;
            else if (start_in == VMON_STATE_PAUSED)
                *action = VMON_ACTION_START_PAUSED;
            else
                return SNMP_ERR_INCONSISTENTVALUE;   /* a domain starts running or paused */
        } else if (v == ROWSTATUS_DESTROY)
            *action = VMON_ACTION_DESTROY;
        else
            return SNMP_ERR_WRONGVALUE;     /* createAndWait and the rest: unsupported */
    } else {
        if (creating && (v == VMON_STATE_PAUSED || v == VMON_STATE_RUNNING))
            *action = VMON_ACTION_START;    /* judged here, carried out by the RowStatus */
        else if (v == VMON_STATE_PAUSED)
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
    err = vmon_snmp_action_check(row->dom, *action);
    if (creating)
        *action = VMON_ACTION_NONE;
    return err;
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
