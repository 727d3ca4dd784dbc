/*
 * Notifications to the master, paced so that the AgentX connection can
 * never deadlock.
 *
 * The master answers every AgentX Notify with a Response.  A subagent
 * that sends notifications in a loop without reading fills the master's
 * socket with Responses it does not read; the master then blocks writing
 * to us, stops reading what we send, and our own send blocks in turn:
 * both processes wedged in sendto(), snmpd answering nobody (measured:
 * ~213 KB queued one way, ~70 KB the other).  net-snmp cannot make those
 * writes non-blocking: its stream transports send once and take a short
 * write for success (netsnmp_unix_send, netsnmp_tcp_send), so a socket
 * in O_NONBLOCK would cut PDUs in half.  What we can bound is how much we
 * have outstanding: at most NOTIFY_WINDOW notifications the master has
 * not answered yet (a few KB, far below the socket's buffer), each sent
 * by snmp_async_send() with a callback that counts its Response.  The
 * caller asks vmon_snmp_notify_room() before it takes the next event;
 * while there is no room it stops draining, the main loop goes on
 * reading (the Responses among the rest), and room comes back.
 *
 * The same PDU net-snmp's send_v2trap() would build for the AgentX trap
 * session (agent_trap.c, send_trap_to_sess): sysUpTime.0 first, then the
 * caller's varbinds, as an AgentX Notify on main_session.
 */
#include "vmon-snmp.h"

#include "vmon-snmp-agentx.h"

/* Notifications sent and not yet answered by the master, at most. */
#define NOTIFY_WINDOW 16
/*
 * The master answers at once; no answer in this time means it is stuck
 * or gone, and net-snmp then resends (session retries): a resend on a
 * stream only duplicates the trap, so wait long before it does.
 */
#define NOTIFY_TIMEOUT_S 5

static struct vmon_complaint refused = VMON_COMPLAINT_INIT;
static uint64_t failed;
static vmon_snmp_notify_room_fn *on_room;

#ifdef VMON_HAVE_AGENTX_DIRECT
static unsigned in_flight;
static bool sending;        /* inside snmp_async_send() */
static const oid sysuptime_oid[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };

/*
 * A Response (or a timeout, a failed resend, the session closing: net-snmp
 * calls back once for every request it took) frees a place.  A send that
 * fails at once calls back too, inside snmp_async_send(), which then
 * returns 0: that one never took a place.
 */
static int
notify_answered(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic)
{
    (void) sess; (void) reqid; (void) magic;
    if (sending)
        return 1;
    if (in_flight > 0)
        in_flight--;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu && pdu->errstat == SNMP_ERR_NOERROR) {
        vmon_complain_release(&refused, vmon_snmp_log, LOG_NOTICE,
                              "the master agent takes notifications again");
    } else {
        failed++;
        vmon_complain(&refused, vmon_snmp_log, LOG_WARNING,
                      "the master agent did not take a notification (%s); "
                      "virtmonAgentEventsDropped counts them",
                      op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE ? "an error answer"
                      : op == NETSNMP_CALLBACK_OP_TIMED_OUT ? "no answer" : "send failed");
    }
    if (on_room && in_flight <= NOTIFY_WINDOW / 2)
        on_room();
    return 1;
}

bool
vmon_snmp_notify_connected(void)
{
    return main_session != NULL;
}

bool
vmon_snmp_notify_room(unsigned n)
{
    return in_flight + n <= NOTIFY_WINDOW;
}

int
vmon_snmp_notify_send(netsnmp_variable_list *vars)
{
    netsnmp_pdu *pdu;

    if (!main_session || !(pdu = snmp_pdu_create(AGENTX_MSG_NOTIFY))) {
        failed++;
        return -1;
    }
    u_long uptime = netsnmp_get_agent_uptime();
    snmp_pdu_add_variable(pdu, sysuptime_oid, OID_LENGTH(sysuptime_oid), ASN_TIMETICKS,
                          &uptime, sizeof(uptime));
    for (const netsnmp_variable_list *v = vars; v; v = v->next_variable)
        snmp_pdu_add_variable(pdu, v->name, v->name_length, v->type, v->val.string, v->val_len);
    pdu->version = AGENTX_VERSION_1;
    pdu->sessid = main_session->sessid;
    pdu->reqid = snmp_get_next_reqid();
    pdu->msgid = snmp_get_next_msgid();
    pdu->flags |= UCD_MSG_FLAG_PDU_TIMEOUT;
    pdu->time = NOTIFY_TIMEOUT_S;
    sending = true;
    int sent = snmp_async_send(main_session, pdu, notify_answered, NULL);
    sending = false;
    if (!sent) {
        snmp_free_pdu(pdu);     /* a failed send leaves it to us */
        failed++;
        return -1;
    }
    in_flight++;
    return 0;
}

#else   /* !VMON_HAVE_AGENTX_DIRECT: net-snmp's own path, unpaced */

bool
vmon_snmp_notify_connected(void)
{
    return true;
}

bool
vmon_snmp_notify_room(unsigned n)
{
    (void) n;
    return true;
}

int
vmon_snmp_notify_send(netsnmp_variable_list *vars)
{
    send_v2trap(vars);
    return 0;
}

#endif

void
vmon_snmp_notify_on_room(vmon_snmp_notify_room_fn *fn)
{
    on_room = fn;
}

uint64_t
vmon_snmp_notify_failed(void)
{
    return failed;
}

void
vmon_snmp_notify_tick(void)
{
    vmon_complaint_tick(&refused, vmon_snmp_log, LOG_NOTICE);
}

void
vmon_snmp_notify_flush(void)
{
    vmon_complaint_flush(&refused, vmon_snmp_log, LOG_NOTICE);
}
