/*
 * SET requests that act on a domain, for virtmonDomainAction and for
 * LIBVIRT-MIB's state and RowStatus columns.
 *
 * Over AgentX the master drives the phases with its own PDUs (RFC 2741
 * 7.2.4; net-snmp's agentx/master.c and subagent.c):
 *
 *   TestSet    -> RESERVE1, RESERVE2  decide: type, value, row, allowActions,
 *                                     the domain's state.  Anything refused
 *                                     stops here with its error, before
 *                                     anything is done, and is logged.
 *   CommitSet  -> ACTION              nothing: every varbind has passed.
 *   CleanupSet -> COMMIT, FREE        run the action, once.
 *   UndoSet    -> UNDO                nothing was done, nothing to undo.
 *
 * Why COMMIT and not ACTION: the master waits one second (agentXTimeout)
 * for each answer, and destroying a QEMU guest takes about two
 * (tests/snmp/sys-qemu.sh saw the CommitSet time out, the master send
 * UndoSet, and the manager get undoFailed for a destroy that had
 * happened).  CleanupSet is never answered, so the action may take as long
 * as libvirt needs.  The price: the manager's reply goes out before the
 * action runs, so a libvirt failure cannot reach it as an error; it shows
 * in virtmonDomainLastActionResult (failed) and the log.  Requests that
 * follow on the same AgentX session are handled after the action, so a
 * GET right after snmpset already sees its result.
 */
#include "vmon-snmp.h"

#include <string.h>

#include "vmon-util.h"

#define STASH_KEY "vmon_snmp_action"

struct stash {
    enum vmon_action action;
    unsigned char uuid_bytes[16];
    char uuid[37];
    char name[256];
};

/*
 * What we know of a domain's state from acting on it ourselves.  The
 * newest snapshot is up to one poll old, and the poll that was running
 * while we acted may have read the state just before the action: without
 * this, "destroy, then start" at SNMP speed is refused as "already
 * running" (tests/snmp/set.sh did exactly that under load).  libvirt
 * accepting an action promises its outcome, so until a poll that began
 * after the action has been published, that outcome is the newer fact.
 */
struct known_state {
    unsigned char uuid[16];
    int state;
    uint64_t until_seq;     /* snapshots from this seq on saw the action */
};
static struct known_state known[32];

static uint64_t
newest_seq(void)
{
    const struct vmon_snapshot *snap = vmon_snmp_snapshot();

    return snap ? snap->seq : 0;
}

/* The state a successful action leaves behind, or -1 when it is the guest's to decide. */
static int
state_after(enum vmon_action a)
{
    switch (a) {
    case VMON_ACTION_START:
    case VMON_ACTION_RESUME:
        return VMON_STATE_RUNNING;
    case VMON_ACTION_DESTROY:
        return VMON_STATE_SHUTOFF;
    case VMON_ACTION_SUSPEND:
    case VMON_ACTION_START_PAUSED:
        return VMON_STATE_PAUSED;
    default:
        return -1;          /* shutdown, reboot, reset: the snapshot will tell */
    }
}

static void
remember_state(const unsigned char uuid[16], enum vmon_action a)
{
    int state = state_after(a);
    uint64_t seq = newest_seq();
    struct known_state *slot = &known[0];

    for (size_t i = 0; i < VMON_ARRAY_SIZE(known); i++) {
        if (memcmp(known[i].uuid, uuid, 16) == 0) {
            slot = &known[i];
            break;
        }
        if (known[i].until_seq < slot->until_seq)
            slot = &known[i];       /* else reuse the stalest entry */
    }
    memcpy(slot->uuid, uuid, 16);
    slot->state = state;
    /* poll seq+1 may have started before the action; seq+2 cannot have */
    slot->until_seq = state < 0 ? 0 : seq + 2;
}

static int
known_state(const unsigned char uuid[16], uint64_t seq)
{
    for (size_t i = 0; i < VMON_ARRAY_SIZE(known); i++)
        if (seq < known[i].until_seq && memcmp(known[i].uuid, uuid, 16) == 0)
            return known[i].state;
    return -1;
}

unsigned
vmon_snmp_allowed_actions(void)
{
    unsigned allowed = vmon_snmp.opts.allowed_actions;

    /* virtmond acts for us, and refuses what its own --allow-actions does
     * not list: a SET must hear that now, not after the manager's reply */
    if (vmon_snmp.opts.source == VMON_SOURCE_VIRTMOND) {
        const struct vmon_snapshot *snap = vmon_snmp_snapshot();
        allowed &= snap ? snap->actions_allowed : 0;
    }
    return allowed;
}

int
vmon_snmp_action_check(const struct vmon_domain *dom, enum vmon_action a)
{
    unsigned allowed = vmon_snmp_allowed_actions();
    /* each table refreshes its rows on its own clock: judge the state by
     * the newest snapshot, not by the one this row was built from */
    const struct vmon_snapshot *snap = vmon_snmp_snapshot();
    const struct vmon_domain *now = snap ? vmon_snapshot_find_uuid(snap, dom->uuid) : NULL;
    int state = known_state(dom->uuid, snap ? snap->seq : 0);

    if (state < 0)
        state = now ? now->state : dom->state;
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
reserve(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r, netsnmp_request_info *all,
        vmon_snmp_decode_fn *decode)
{
    const struct vmon_snmp_row *row = vmon_snmp_table_row(r);
    netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);
    enum vmon_action action = VMON_ACTION_NONE;
    int err = ti ? decode(row, ti->colnum, r->requestvb, all, &action) : SNMP_ERR_GENERR;

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
    if (action == VMON_ACTION_NONE)
        return;     /* another varbind of this SET carries the action */
    struct stash *s = calloc(1, sizeof(*s));
    if (!s) {
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_RESOURCEUNAVAILABLE);
        return;
    }
    s->action = action;
    memcpy(s->uuid_bytes, row->dom->uuid, 16);
    snprintf(s->uuid, sizeof(s->uuid), "%s", row->dom->uuid_str);
    snprintf(s->name, sizeof(s->name), "%s", row->dom->name);
    /* the snapshot behind row may be swapped before COMMIT: keep copies */
    netsnmp_request_add_list_data(r, netsnmp_create_data_list(STASH_KEY, s, free));
}

static void
act(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
    const struct stash *s = netsnmp_request_get_list_data(r, STASH_KEY);
    struct vmon_action_result res;

    if (!s)
        return;
    memset(&res, 0, sizeof(res));
    int rc = vmon_source_action(vmon_snmp.src, s->uuid, s->action, &res);
    if (rc < 0) {
        snmp_log(LOG_WARNING, "%s of domain '%s' (%s) failed: %s: %s\n",
                 vmon_action_name(s->action), s->name, s->uuid,
                 vmon_action_status_name(res.status), res.message);
        return;     /* no error to set: CleanupSet has no answer (see top) */
    }
    remember_state(s->uuid_bytes, s->action);
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
            reserve(reqinfo, r, requests, decode);
            break;
        case MODE_SET_COMMIT:
            act(reqinfo, r);
            break;
        default:
            break;      /* RESERVE2, ACTION, FREE, UNDO: nothing held or done */
        }
    }
    return SNMP_ERR_NOERROR;
}
