/*
 * Reads answered on the AgentX session itself, without net-snmp's
 * internal hop (virtmon.conf `agentXDirect`, on by default).
 *
 * A net-snmp subagent does not answer the master where the request came
 * in: handle_agentx_packet() sends each request over the library's
 * internal "callback" transport to the agent living in the same process,
 * which answers back over it, and only then is the AgentX Response
 * written.  Each way costs a pipe write, a select() and a read: 10 system
 * calls per GetNext where 4 do (strace, docs/snmp.md).  net-snmp's
 * master turns every GETBULK repetition into one AgentX GetNext, so a
 * bulk walk pays that hop for every single varbind.
 *
 * Here Get and GetNext go straight into the agent's request processing:
 * handle_snmp_packet(), the very function the callback session calls, so
 * the same registrations, table helpers and handlers answer, on a
 * "direct" session whose build hook encodes the Response as AgentX and
 * whose transport writes it onto the master's connection.  Everything
 * else -- the four SET phases, whose state net-snmp keeps between PDUs,
 * and anything we do not expect -- takes net-snmp's own path, unchanged.
 *
 * This leans on what libnetsnmpagent exports without declaring it
 * (vmon-snmp-agentx.h): main_session, the AgentX message numbers and
 * agentx_realloc_build().  Without them (configure's summary says so)
 * reads take the stock path; `agentXDirect no` restores it too.
 */
#include "vmon-snmp.h"

#ifdef VMON_HAVE_AGENTX_DIRECT
#include <net-snmp/agent/agent_callbacks.h>

#include "vmon-snmp-agentx.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

static netsnmp_session *direct_sess;
static snmp_callback stock_callback;     /* handle_agentx_packet() */

/*
 * The GetNext being answered: its search ranges (start in name, end in
 * val.objid), kept by the received PDU, which outlives the answer.
 */
static struct {
    long reqid;
    const netsnmp_variable_list *ranges;
} in_flight;

/*
 * RFC 2741 7.2.3.2: a GetNext answer at or past the end of its search
 * range is endOfMibView at the range's start.  net-snmp's agent does not
 * look at the end, its subagent code does it when the answer comes back
 * (handle_subagent_response()); so do we, as the answer is built.
 * net-snmp's own master re-checks the range, so against snmpd this is
 * invisible (tests/snmp/direct.sh cannot tell); other masters rely on it.
 */
static void
limit_to_ranges(const netsnmp_variable_list *range, netsnmp_variable_list *vb)
{
    for (; range && vb; range = range->next_variable, vb = vb->next_variable) {
        size_t end_len = range->val_len / sizeof(oid);

        if (end_len == 0 || !range->val.objid)
            continue;       /* no end: unbounded */
        if (snmp_oid_compare(vb->name, vb->name_length, range->val.objid, end_len) >= 0) {
            snmp_set_var_objid(vb, range->name, range->name_length);
            snmp_set_var_typed_value(vb, SNMP_ENDOFMIBVIEW, NULL, 0);
        }
    }
}

/* The direct session's build hook: the agent's Response, as AgentX. */
static int
direct_build(netsnmp_session *sess, netsnmp_pdu *pdu, u_char **buf, size_t *buf_len,
             size_t *out_len)
{
    if (pdu->command != SNMP_MSG_RESPONSE)
        return -1;
    if (in_flight.ranges && pdu->reqid == in_flight.reqid)
        limit_to_ranges(in_flight.ranges, pdu->variables);
    pdu->command = AGENTX_MSG_RESPONSE;
    pdu->version = AGENTX_VERSION_1;
    return agentx_realloc_build(sess, pdu, buf, buf_len, out_len);
}

/* The direct transport sends what it is given on the master's connection. */
static int
direct_send(netsnmp_transport *t, const void *buf, int size, void **opaque, int *olen)
{
    (void) t;
    netsnmp_transport *master = main_session ? snmp_sess_transport(snmp_sess_pointer(main_session))
                                             : NULL;
    if (!master) {
        errno = ENOTCONN;
        return -1;
    }
    return netsnmp_transport_send(master, buf, size, opaque, olen);
}

/* Never called: nothing writes to the eventfd, so it is never readable.
 * net-snmp drops sessions whose socket is -1, hence a real descriptor. */
static int
direct_recv(netsnmp_transport *t, void *buf, int size, void **opaque, int *olen)
{
    (void) t; (void) buf; (void) size; (void) opaque; (void) olen;
    errno = EAGAIN;
    return -1;
}

static int
direct_close(netsnmp_transport *t)
{
    int rc = t->sock >= 0 ? close(t->sock) : 0;

    t->sock = -1;
    return rc;
}

/* The peer net-snmp names in its logs: the master, over the AgentX session */
static char *
direct_fmtaddr(netsnmp_transport *t, const void *data, int len)
{
    (void) t; (void) data; (void) len;
    return strdup("agentx-direct");
}

static netsnmp_session *
direct_open(void)
{
    netsnmp_transport *t = SNMP_MALLOC_TYPEDEF(netsnmp_transport);
    netsnmp_session sess;

    if (!t)
        return NULL;
    t->sock = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (t->sock < 0) {
        snmp_log(LOG_ERR, "agentXDirect: eventfd: %s\n", strerror(errno));
        free(t);
        return NULL;
    }
    t->flags = NETSNMP_TRANSPORT_FLAG_STREAM | NETSNMP_TRANSPORT_FLAG_OPENED;
    t->msgMaxSize = SNMP_MAX_PACKET_LEN;
    t->f_recv = direct_recv;
    t->f_send = direct_send;
    t->f_close = direct_close;
    t->f_fmtaddr = direct_fmtaddr;

    snmp_sess_init(&sess);
    sess.version = AGENTX_VERSION_1;
    sess.flags |= SNMP_FLAGS_STREAM_SOCKET;
    /* frees t when it fails */
    return snmp_add_full(&sess, t, NULL, NULL, NULL, NULL, direct_build, NULL, NULL);
}

/* main_session's callback in place of handle_agentx_packet(). */
static int
direct_packet(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic)
{
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !direct_sess || sess != main_session
        || (pdu->command != AGENTX_MSG_GET && pdu->command != AGENTX_MSG_GETNEXT))
        return stock_callback(op, sess, reqid, pdu, magic);

    /* what handle_agentx_packet() does before it hands the PDU on */
    if (sess->securityModel != SNMP_DEFAULT_SECMODEL)
        snmp_alarm_reset(sess->securityModel);   /* the master is alive: no ping due */
    bool next = pdu->command == AGENTX_MSG_GETNEXT;
    pdu->command = next ? SNMP_MSG_GETNEXT : SNMP_MSG_GET;
    pdu->version = AGENTX_VERSION_1;
    pdu->flags |= UCD_MSG_FLAG_ALWAYS_IN_VIEW;    /* the master applied VACM */
    /* AgentX carries the context where SNMP has the community */
    free(pdu->contextName);
    pdu->contextName = (char *) pdu->community;
    pdu->contextNameLen = pdu->community_len;
    pdu->community = NULL;
    pdu->community_len = 0;

    /* handle_snmp_packet() works on copies of pdu and answers before it
     * returns: our handlers never delegate.  The library frees pdu when we
     * return 1, as it does after handle_agentx_packet(). */
    in_flight.reqid = pdu->reqid;
    in_flight.ranges = next ? pdu->variables : NULL;
    handle_snmp_packet(NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, direct_sess, pdu->reqid, pdu, NULL);
    in_flight.ranges = NULL;
    return 1;
}

/* SNMPD_CALLBACK_INDEX_START: a (new) AgentX session to the master is up. */
static int
direct_on_master_session(int major, int minor, void *serverarg, void *clientarg)
{
    netsnmp_session *sess = serverarg;

    (void) major; (void) minor; (void) clientarg;
    if (!vmon_snmp.agentx_direct || !sess || sess != main_session || sess->callback == direct_packet)
        return 0;
    if (!direct_sess) {
        direct_sess = direct_open();
        if (!direct_sess) {
            snmp_log(LOG_WARNING, "agentXDirect: no direct session; answering through "
                                  "net-snmp's internal transport\n");
            return 0;
        }
    }
    stock_callback = sess->callback;
    sess->callback = direct_packet;
    snmp_log(LOG_INFO, "AgentX reads answered on the master session (agentXDirect)\n");
    return 0;
}

void
vmon_snmp_direct_init(void)
{
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
                           direct_on_master_session, NULL);
}

void
vmon_snmp_direct_shutdown(void)
{
    snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
                             direct_on_master_session, NULL, 1);
    if (main_session && main_session->callback == direct_packet)
        main_session->callback = stock_callback;
    if (direct_sess) {
        snmp_close(direct_sess);
        direct_sess = NULL;
    }
}

#else   /* !VMON_HAVE_AGENTX_DIRECT */

void
vmon_snmp_direct_init(void)
{
}

void
vmon_snmp_direct_shutdown(void)
{
}

#endif
