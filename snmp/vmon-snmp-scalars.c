/*
 * virtmonAgent (the agent's health) and virtmonNode (the host) as two
 * scalar groups.  Node metrics sit at the columns vmon-metrics.def gives
 * them, after the identity scalars.
 */
#include "vmon-snmp.h"

#include <math.h>
#include <string.h>

#include "vmon-oid.h"

static const oid agent_oid[] = { VMON_OID_AGENT };
static const oid node_oid[] = { VMON_OID_NODE };

/* 0 and vb set, or -1: no such object (yet). */
static int
agent_value(unsigned subid, const struct vmon_snapshot *snap, netsnmp_variable_list *vb)
{
    const struct vmon_options *o = &vmon_snmp.opts;
    const struct vmon_health *h = snap ? &snap->health : NULL;
    char buf[256];

    switch (subid) {
    case VMON_AGENT_CONNECTED:
        vmon_snmp_set_truth(vb, h && h->connected);
        return 0;
    case VMON_AGENT_POLLS:
        vmon_snmp_set_counter64(vb, h ? h->polls : 0);
        return 0;
    case VMON_AGENT_POLL_ERRORS:
        vmon_snmp_set_counter64(vb, h ? h->poll_errors : 0);
        return 0;
    case VMON_AGENT_RECONNECTS:
        vmon_snmp_set_counter64(vb, h ? h->reconnects : 0);
        return 0;
    case VMON_AGENT_LAST_POLL_TIME:
        vmon_snmp_set_gauge(vb, h && h->last_poll_time > 0 ? (uint64_t) h->last_poll_time : 0);
        vb->type = ASN_UNSIGNED;
        return 0;
    case VMON_AGENT_LAST_POLL_DURATION:
        vmon_snmp_set_gauge(vb, h ? (uint64_t) llround(h->last_poll_seconds * 1000) : 0);
        return 0;
    case VMON_AGENT_LAST_ERROR:
        vmon_snmp_set_string(vb, h && h->last_error ? h->last_error : "");
        return 0;
    case VMON_AGENT_URI:
        vmon_snmp_set_string(vb, snap && snap->uri ? snap->uri : o->uri ? o->uri : "");
        return 0;
    case VMON_AGENT_VERSION:
        vmon_snmp_set_string(vb, VMON_VERSION);   /* net-snmp-config.h owns PACKAGE_VERSION */
        return 0;
    case VMON_AGENT_POLL_INTERVAL:
        vmon_snmp_set_gauge(vb, (uint64_t) llround(o->interval * 1000));
        vb->type = ASN_UNSIGNED;
        return 0;
    case VMON_AGENT_WINDOW:
        vmon_snmp_set_gauge(vb, (uint64_t) llround(o->window));
        vb->type = ASN_UNSIGNED;
        return 0;
    case VMON_AGENT_ALLOWED_ACTIONS:
        vmon_snmp_set_string(vb, vmon_actions_format(vmon_snmp_allowed_actions(), buf,
                                                     sizeof(buf)));
        return 0;
    case VMON_AGENT_SNAPSHOT_SEQ:
        vmon_snmp_set_counter64(vb, snap ? snap->seq : 0);
        return 0;
    case VMON_AGENT_EVENTS_DROPPED:
        vmon_snmp_set_counter64(vb, vmon_snmp_traps_dropped());
        return 0;
    default:
        return -1;
    }
}

static int
node_value(unsigned subid, const struct vmon_snapshot *snap, netsnmp_variable_list *vb)
{
    if (!snap)
        return -1;
    const struct vmon_node *n = &snap->node;

    switch (subid) {
    case VMON_NODE_HOSTNAME:
        vmon_snmp_set_string(vb, n->hostname);
        return 0;
    case VMON_NODE_HV_TYPE:
        vmon_snmp_set_string(vb, n->hv_type);
        return 0;
    case VMON_NODE_HV_VERSION:
        vmon_snmp_set_gauge(vb, n->hv_version);
        vb->type = ASN_UNSIGNED;
        return 0;
    case VMON_NODE_LIB_VERSION:
        vmon_snmp_set_gauge(vb, n->lib_version);
        vb->type = ASN_UNSIGNED;
        return 0;
    case VMON_NODE_CPU_MODEL:
        vmon_snmp_set_string(vb, n->cpu_model);
        return 0;
    case VMON_NODE_DOMAINS_ACTIVE:
        vmon_snmp_set_gauge(vb, n->domains_active);
        return 0;
    case VMON_NODE_DOMAINS_INACTIVE:
        vmon_snmp_set_gauge(vb, n->domains_inactive);
        return 0;
    default: {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(VMON_SCOPE_NODE, subid);
        return ref ? vmon_snmp_column_value(ref, n->m, NULL, vb) : -1;
    }
    }
}

struct group {
    size_t root_len;    /* the scalar helpers lengthen reginfo's root as they go */
    int (*value)(unsigned subid, const struct vmon_snapshot *snap, netsnmp_variable_list *vb);
};
static struct group agent_group = { OID_LENGTH(agent_oid), agent_value };
static struct group node_group = { OID_LENGTH(node_oid), node_value };

/*
 * The scalar group helper hands us GETs for group.subid.0; a hole answers
 * noSuchObject, which the helper skips on GETNEXT.
 */
static int
scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
               netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
    const struct group *g = handler->myvoid;

    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR;
    const struct vmon_snapshot *snap = vmon_snmp_snapshot();
    for (netsnmp_request_info *r = requests; r; r = r->next) {
        netsnmp_variable_list *vb = r->requestvb;
        if (r->processed || vb->name_length <= g->root_len)
            continue;
        if (g->value((unsigned) vb->name[g->root_len], snap, vb) < 0)
            netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
    }
    return SNMP_ERR_NOERROR;
}

static int
register_group(const char *name, const oid *root, size_t len, unsigned last, struct group *g)
{
    netsnmp_mib_handler *h = netsnmp_create_handler(name, scalar_handler);
    netsnmp_handler_registration *reg;

    if (!h)
        return -1;
    h->myvoid = g;
    reg = netsnmp_handler_registration_create(name, h, root, len, HANDLER_CAN_RONLY);
    if (!reg || netsnmp_register_scalar_group(reg, 1, last) != SNMPERR_SUCCESS) {
        snmp_log(LOG_ERR, "could not register %s\n", name);
        return -1;
    }
    return 0;
}

int
vmon_snmp_scalars_init(void)
{
    unsigned cols[VMON_NODE_METRIC_NCOLS];
    size_t n = vmon_snmp_metric_columns(VMON_SCOPE_NODE, cols, VMON_NODE_METRIC_NCOLS);
    if (n != VMON_NODE_METRIC_NCOLS) {
        snmp_log(LOG_ERR, "virtmonNode: %zu metric columns, sized for %d\n", n,
                 VMON_NODE_METRIC_NCOLS);
        return -1;
    }
    unsigned last = cols[n - 1];

    if (register_group("virtmonAgent", agent_oid, OID_LENGTH(agent_oid), VMON_AGENT__LAST,
                       &agent_group) < 0)
        return -1;
    return register_group("virtmonNode", node_oid, OID_LENGTH(node_oid), last, &node_group);
}
