/*
 * Notifications.  The core queues lifecycle, pool and connection events from
 * libvirt's event thread (or virtmond's feed); its queue fd is registered
 * with net-snmp's select loop (register_readfd), so the queue is drained
 * here, on the net-snmp thread, a batch per turn and only while the
 * master keeps up (vmon-snmp-notify.c), and each notification goes to the
 * master agent, which sends it to the trap sinks in snmpd.conf.
 */
#include "vmon-snmp.h"

#include <string.h>

#include "vmon-oid.h"

static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static void
add_oid_var(netsnmp_variable_list **vars, const oid *name, size_t len, u_char type,
            const void *val, size_t val_len)
{
    snmp_varlist_add_variable(vars, name, len, type, val, val_len);
}

static void
add_string(netsnmp_variable_list **vars, const oid *name, size_t len, const char *s)
{
    add_oid_var(vars, name, len, ASN_OCTET_STR, s, strlen(s));
}

static void
add_int(netsnmp_variable_list **vars, const oid *name, size_t len, long v)
{
    add_oid_var(vars, name, len, ASN_INTEGER, &v, sizeof(v));
}

/* One object instance: base OID + column/subid + a UUID or ".0". */
static size_t
instance(oid *out, const oid *base, size_t base_len, unsigned sub, const unsigned char *uuid)
{
    size_t n = base_len;

    memcpy(out, base, base_len * sizeof(oid));
    out[n++] = sub;
    if (uuid) {
        vmon_snmp_uuid_to_oid(uuid, out + n);
        n += 16;
    } else {
        out[n++] = 0;
    }
    return n;
}

/*
 * snmpTrapOID.0 = notif, then the row's name and UUID string columns with
 * the row's UUID index as instance (the domain's or the pool's).
 */
static void
add_row_head(netsnmp_variable_list **vars, const oid *notif, size_t notif_size, const oid *entry,
             size_t entry_len, unsigned name_col, unsigned uuid_col, const struct vmon_event *ev)
{
    oid name[MAX_OID_LEN];
    size_t n;

    add_oid_var(vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID, notif, notif_size);
    n = instance(name, entry, entry_len, name_col, ev->uuid);
    add_string(vars, name, n, ev->name);
    n = instance(name, entry, entry_len, uuid_col, ev->uuid);
    add_string(vars, name, n, ev->uuid_str);
}

/* One of virtmonNotifyObjects, instance .0 */
static void
add_notify_int(netsnmp_variable_list **vars, unsigned sub, long v)
{
    static const oid nobj[] = { VMON_OID_NOTIFY_OBJECTS };
    oid name[MAX_OID_LEN];

    add_int(vars, name, instance(name, nobj, OID_LENGTH(nobj), sub, NULL), v);
}

static void
send_lifecycle(const struct vmon_event *ev)
{
    static const oid notif[] = { VMON_OID_NOTIFICATIONS, VMON_NOTIF_LIFECYCLE };
    static const oid entry[] = { VMON_OID_DOMAIN_TABLE, 1 };
    static const oid nobj[] = { VMON_OID_NOTIFY_OBJECTS };
    netsnmp_variable_list *vars = NULL;
    oid name[MAX_OID_LEN];
    size_t n;

    add_row_head(&vars, notif, sizeof(notif), entry, OID_LENGTH(entry), VMON_DCOL_NAME,
                 VMON_DCOL_UUID_STRING, ev);
    n = instance(name, entry, OID_LENGTH(entry), VMON_DCOL_STATE, ev->uuid);
    add_int(&vars, name, n, ev->state);
    add_notify_int(&vars, VMON_NOTIFY_EVENT_TYPE, ev->event);
    add_notify_int(&vars, VMON_NOTIFY_EVENT_DETAIL, ev->detail);
    n = instance(name, nobj, OID_LENGTH(nobj), VMON_NOTIFY_EVENT_DETAIL_NAME, NULL);
    add_string(&vars, name, n, vmon_lifecycle_detail_name(ev->event, ev->detail));
    vmon_snmp_notify_send(vars);
    snmp_free_varbind(vars);
}

/* virtmonPoolLifecycle: the pool's name and UUID string (instance: its UUID index), the event */
static void
send_pool_lifecycle(const struct vmon_event *ev)
{
    static const oid notif[] = { VMON_OID_NOTIFICATIONS, VMON_NOTIF_POOL_LIFECYCLE };
    static const oid entry[] = { VMON_OID_POOL_TABLE, 1 };
    netsnmp_variable_list *vars = NULL;

    add_row_head(&vars, notif, sizeof(notif), entry, OID_LENGTH(entry), VMON_PCOL_NAME,
                 VMON_PCOL_UUID_STRING, ev);
    add_notify_int(&vars, VMON_NOTIFY_POOL_EVENT_TYPE, ev->event);
    add_notify_int(&vars, VMON_NOTIFY_EVENT_DETAIL, ev->detail);
    vmon_snmp_notify_send(vars);
    snmp_free_varbind(vars);
}

/*
 * libvirt-snmp's libvirtGuestNotif, for sites that kept its templates:
 * Name, UUID, State and RowStatus, each with instance .0 as it sends them.
 */
static void
send_libvirt_compat(const struct vmon_event *ev)
{
    static const oid notif[] = { VMON_OID_LIBVIRT_GUEST_NOTIF };
    static const oid entry[] = { VMON_OID_LIBVIRT_GUEST_TABLE, 1 };
    netsnmp_variable_list *vars = NULL;
    oid name[MAX_OID_LEN];
    size_t n;
    /* libvirt-snmp: rows of stopping or stopped guests are notInService(2) */
    bool down = ev->state == VMON_STATE_SHUTDOWN || ev->state == VMON_STATE_SHUTOFF
                || ev->state == VMON_STATE_CRASHED;

    add_oid_var(&vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID, notif, sizeof(notif));
    n = instance(name, entry, OID_LENGTH(entry), 2, NULL);
    add_string(&vars, name, n, ev->name);
    n = instance(name, entry, OID_LENGTH(entry), 1, NULL);
    add_oid_var(&vars, name, n, ASN_OCTET_STR, ev->uuid, 16);
    n = instance(name, entry, OID_LENGTH(entry), 3, NULL);
    add_int(&vars, name, n, ev->state);
    n = instance(name, entry, OID_LENGTH(entry), 9, NULL);
    add_int(&vars, name, n, down ? 2 : 1);
    vmon_snmp_notify_send(vars);
    snmp_free_varbind(vars);
}

static void
send_connection(const struct vmon_event *ev)
{
    static const oid lost[] = { VMON_OID_NOTIFICATIONS, VMON_NOTIF_LIBVIRT_LOST };
    static const oid back[] = { VMON_OID_NOTIFICATIONS, VMON_NOTIF_LIBVIRT_BACK };
    static const oid agent[] = { VMON_OID_AGENT };
    static const oid nobj[] = { VMON_OID_NOTIFY_OBJECTS };
    const struct vmon_snapshot *snap = vmon_snmp.snap;
    const char *uri = snap && snap->uri ? snap->uri : vmon_snmp.opts.uri ? vmon_snmp.opts.uri : "";
    bool is_lost = ev->type == VMON_EVENT_CONNECTION_LOST;
    netsnmp_variable_list *vars = NULL;
    oid name[MAX_OID_LEN];
    size_t n;

    add_oid_var(&vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
                is_lost ? lost : back, sizeof(lost));
    n = instance(name, agent, OID_LENGTH(agent), VMON_AGENT_URI, NULL);
    add_string(&vars, name, n, uri);
    n = instance(name, nobj, OID_LENGTH(nobj), VMON_NOTIFY_EVENT_MESSAGE, NULL);
    add_string(&vars, name, n, ev->message);
    vmon_snmp_notify_send(vars);
    snmp_free_varbind(vars);
}

/*
 * Events taken per turn of the main loop, at most: between two batches
 * agent_check_and_process() reads what snmpd sent (its requests, and its
 * Responses to our notifications, which make room for the next ones).
 */
#define EVENTS_PER_TURN 8

static struct vmon_burst lifecycle = VMON_BURST_INIT("lifecycle events");
static struct vmon_complaint libvirt_lost = VMON_COMPLAINT_INIT;
static struct vmon_complaint no_master = VMON_COMPLAINT_INIT;
static unsigned tick_alarm;
static int event_fd = -1;
static bool listening;      /* event_fd is in net-snmp's select set */
static bool running;        /* between vmon_snmp_traps_start() and _stop() */
static uint64_t unsent;     /* events taken while no master was connected */

static void drain(int fd, void *unused);

/* net-snmp's reconnection period: agentXPingInterval, or its default. */
static int
agentx_retry_seconds(void)
{
    int n = netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);
    return n > 0 ? n : 15;
}

void
vmon_snmp_traps_quiet(void)
{
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
}

static void
listen_events(bool on)
{
    if (on == listening || event_fd < 0)
        return;
    if (on)
        register_readfd(event_fd, drain, NULL);
    else
        unregister_readfd(event_fd);
    listening = on;
}

static void
room_again(void)
{
    if (running)
        listen_events(true);
}

static void
notify(const struct vmon_event *ev)
{
    if (!vmon_snmp_notify_connected()) {
        unsent++;       /* master_tick() says so */
        return;
    }
    switch (ev->type) {
    case VMON_EVENT_LIFECYCLE:
        send_lifecycle(ev);
        if (vmon_snmp.compat)
            send_libvirt_compat(ev);
        break;
    case VMON_EVENT_CONNECTION_LOST:
    case VMON_EVENT_CONNECTION_BACK:
        send_connection(ev);
        break;
    case VMON_EVENT_POOL:
        send_pool_lifecycle(ev);
        break;
    default:
        break;
    }
}

/*
 * A lifecycle event is logged as it comes unless it is part of a burst
 * (a host shutting 500 guests down), which is summed up instead; the loss
 * of libvirt (or of virtmond) is said once until it is back.
 */
static void
log_event(const struct vmon_event *ev)
{
    switch (ev->type) {
    case VMON_EVENT_LIFECYCLE:
        if (vmon_burst_add(&lifecycle, vmon_snmp_log, LOG_INFO, vmon_lifecycle_name(ev->event)))
            snmp_log(LOG_INFO, "domain '%s' (%s): %s (%s)%s%s\n", ev->name, ev->uuid_str,
                     vmon_lifecycle_name(ev->event),
                     vmon_lifecycle_detail_name(ev->event, ev->detail),
                     ev->message[0] ? "; " : "", ev->message);
        break;
    case VMON_EVENT_POOL:
        snmp_log(LOG_INFO, "pool '%s' (%s): %s\n", ev->name, ev->uuid_str,
                 vmon_pool_event_name(ev->event));
        break;
    case VMON_EVENT_CONNECTION_LOST:
        vmon_complain(&libvirt_lost, vmon_snmp_log, LOG_WARNING, "libvirt connection lost: %s",
                      ev->message);
        break;
    case VMON_EVENT_CONNECTION_BACK:
        vmon_complain_release(&libvirt_lost, vmon_snmp_log, LOG_NOTICE,
                              "libvirt connection back: %s", ev->message);
        break;
    default:
        break;
    }
}

/*
 * The master agent gone, and back.  net-snmp would warn at each attempt to
 * reconnect (every agentXPingInterval, 15 s by default), so its warnings
 * are off (vmon_snmp_traps_quiet) and this says it, once each way.
 */
static void
master_tick(void)
{
    static bool was_connected = true;
    bool connected = vmon_snmp_notify_connected();

    if (connected == was_connected)
        return;
    was_connected = connected;
    const char *at = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET);
    if (!at)
        at = "/var/agentx/master";
    if (!connected)
        vmon_complain(&no_master, vmon_snmp_log, LOG_WARNING,
                      "not connected to the AgentX master agent at %s (trying again every "
                      "%d s): events are not notified meanwhile, virtmonAgentEventsDropped "
                      "counts them", at, agentx_retry_seconds());
    else
        vmon_complain_release(&no_master, vmon_snmp_log, LOG_NOTICE,
                              "connected to the AgentX master agent at %s", at);
}

/* Each second: the master's presence, and what the log summed up and kept for later. */
static void
log_tick(unsigned int reg, void *unused)
{
    (void) reg;
    (void) unused;
    master_tick();
    vmon_burst_tick(&lifecycle, vmon_snmp_log, LOG_INFO);
    vmon_complaint_tick(&libvirt_lost, vmon_snmp_log, LOG_NOTICE);
    vmon_complaint_tick(&no_master, vmon_snmp_log, LOG_NOTICE);
    vmon_snmp_notify_tick();
}

/*
 * The queue's fd is readable: take a batch of events, as long as the
 * master has answered enough of what we sent.  When it has not, stop
 * listening to the queue until its answers make room (room_again); the
 * core's queue meanwhile keeps the newest events and counts what it had
 * to drop.
 */
static void
drain(int fd, void *unused)
{
    unsigned per_event = vmon_snmp.compat ? 2 : 1;
    struct vmon_event ev;

    (void) fd;
    (void) unused;
    for (int n = 0; n < EVENTS_PER_TURN; n++) {
        if (vmon_snmp_notify_connected() && !vmon_snmp_notify_room(per_event)) {
            listen_events(false);
            return;
        }
        if (!vmon_snmp.src || vmon_source_next_event(vmon_snmp.src, &ev) <= 0)
            return;
        log_event(&ev);
        notify(&ev);
    }
}

void
vmon_snmp_traps_start(void)
{
    event_fd = vmon_source_event_fd(vmon_snmp.src);
    running = true;
    vmon_snmp_notify_on_room(room_again);
    listen_events(true);
    tick_alarm = snmp_alarm_register(1, SA_REPEAT, log_tick, NULL);
}

void
vmon_snmp_traps_stop(void)
{
    running = false;
    listen_events(false);
    if (tick_alarm)
        snmp_alarm_unregister(tick_alarm);
    tick_alarm = 0;
    /* what is still being counted is said before the agent goes */
    vmon_burst_flush(&lifecycle, vmon_snmp_log, LOG_INFO);
    vmon_complaint_flush(&libvirt_lost, vmon_snmp_log, LOG_NOTICE);
    vmon_complaint_flush(&no_master, vmon_snmp_log, LOG_NOTICE);
    vmon_snmp_notify_flush();
    vmon_snmp_notify_on_room(NULL);
}

uint64_t
vmon_snmp_traps_dropped(void)
{
    uint64_t queued = vmon_snmp.src ? vmon_source_events_dropped(vmon_snmp.src) : 0;
    return queued + unsent + vmon_snmp_notify_failed();
}
