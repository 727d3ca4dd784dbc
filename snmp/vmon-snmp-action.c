/*
 * SET requests that act on a domain, for virtmonDomainAction and for
 * LIBVIRT-MIB's state and RowStatus columns.  net-snmp walks every SET
 * through RESERVE1 -> RESERVE2 -> ACTION -> COMMIT -> FREE (or UNDO/FREE
 * when a phase fails), calling us once per phase:
 *
 *   RESERVE1  decide: type, value, row, allowActions, the domain's state.
 *             Anything refused stops here with its error, before anything
 *             is done, and is logged.
 *   COMMIT    run the action, once: every varbind of the PDU has passed by
 *             then, and a destroyed domain cannot be undone, so it must
 *             not run in ACTION where a later varbind could still fail.
 *             libvirt refusing now answers commitFailed; the reason shows
 *             in virtmonDomainLastActionMessage.
 *   others    nothing to reserve or undo.
 */
#include "vmon-snmp.h"

#include <string.h>

#define STASH_KEY "vmon_snmp_action"

struct stash {
    enum vmon_action action;
    char uuid[37];
    char name[256];
};

int
vmon_snmp_action_check(const struct vmon_domain *dom, enum vmon_action a)
{
    unsigned allowed = vmon_snmp.opts.allowed_actions;
    /* each table refreshes its rows on its own clock: judge the state by
     * the newest snapshot, not by the one this row was built from */
    const struct vmon_snapshot *snap = vmon_snmp_snapshot();
    const struct vmon_domain *now = snap ? vmon_snapshot_find_uuid(snap, dom->uuid) : NULL;
    int state = now ? now->state : dom->state;

    switch (vmon_action_check(allowed, a, state)) {
    case VMON_ACTION_OK:
        return SNMP_ERR_NOERROR;
    case VMON_ACTION_REFUSED:
        /* read-only agent: the column is not writable at all; otherwise this
         * value could be set under another configuration */
        return allowed ? SNMP_ERR_INCONSISTENTVALUE : SNMP_ERR_NOTWRITABLE;
    default:
        return SNMP_ERR_INCONSISTENTVALUE;
    }
}

static const char *
why(int err)
{
    switch (err) {
    case SNMP_ERR_NOTWRITABLE:
        return "not writable (a read-only column, or allowActions allows no action)";
    case SNMP_ERR_INCONSISTENTVALUE:
        return "not allowed by allowActions or not possible in the domain's state";
    case SNMP_ERR_WRONGVALUE:
        return "no such action";
    case SNMP_ERR_WRONGTYPE:
        return "wrong type";
    case SNMP_ERR_WRONGLENGTH:
        return "wrong length";
    case SNMP_ERR_NOCREATION:
        return "no such domain";
    default:
        return snmp_errstring(err);
    }
}

static void
reserve(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r, vmon_snmp_decode_fn *decode)
{
    const struct vmon_snmp_row *row = vmon_snmp_table_row(r);
    netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);
    enum vmon_action action = VMON_ACTION_NONE;
    int err = ti ? decode(row, ti->colnum, r->requestvb, &action) : SNMP_ERR_GENERR;

    if (err != SNMP_ERR_NOERROR) {
        if (row && row->dom)
            snmp_log(LOG_NOTICE, "SET refused on domain '%s' (%s): %s%s%s\n", row->dom->name,
                     row->dom->uuid_str, action ? vmon_action_name(action) : "",
                     action ? ": " : "", why(err));
        else
            snmp_log(LOG_NOTICE, "SET refused: %s\n", why(err));
        netsnmp_set_request_error(reqinfo, r, err);
        return;
    }

    if (!row || !row->dom) {    /* decode() should have said so */
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOCREATION);
        return;
    }
    struct stash *s = calloc(1, sizeof(*s));
    if (!s) {
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_RESOURCEUNAVAILABLE);
        return;
    }
    s->action = action;
    snprintf(s->uuid, sizeof(s->uuid), "%s", row->dom->uuid_str);
    snprintf(s->name, sizeof(s->name), "%s", row->dom->name);
    /* the snapshot behind row may be swapped before COMMIT: keep copies */
    netsnmp_request_add_list_data(r, netsnmp_create_data_list(STASH_KEY, s, free));
}

static void
commit(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
    const struct stash *s = netsnmp_request_get_list_data(r, STASH_KEY);
    struct vmon_action_result res;

    if (!s)
        return;
    memset(&res, 0, sizeof(res));
    int rc = vmon_poller_action(vmon_snmp.poller, s->uuid, s->action, &res);
    if (rc < 0) {
        snmp_log(LOG_WARNING, "%s of domain '%s' (%s) failed: %s: %s\n",
                 vmon_action_name(s->action), s->name, s->uuid,
                 vmon_action_status_name(res.status), res.message);
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_COMMITFAILED);
        return;
    }
    snmp_log(LOG_NOTICE, "%s of domain '%s' (%s): %s%s%s\n", vmon_action_name(s->action),
             s->name, s->uuid, vmon_action_status_name(res.status),
             res.message[0] ? ": " : "", res.message);
}

int
vmon_snmp_action_handle(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests,
                        vmon_snmp_decode_fn *decode)
{
    for (netsnmp_request_info *r = requests; r; r = r->next) {
        if (r->processed || r->status != SNMP_ERR_NOERROR)
            continue;
        switch (reqinfo->mode) {
        case MODE_SET_RESERVE1:
            reserve(reqinfo, r, decode);
            break;
        case MODE_SET_COMMIT:
            commit(reqinfo, r);
            break;
        default:
            break;      /* RESERVE2, ACTION, FREE, UNDO: nothing held, nothing to undo */
        }
    }
    return SNMP_ERR_NOERROR;
}
