#include "vmon-poller.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vmon-answer.h"
#include "vmon-catchup.h"
#include "vmon-outbox.h"
#include "vmon-collect.h"
#include "vmon-conn.h"
#include "vmon-guestfs.h"
#include "vmon-rates.h"
#include "vmon-util.h"
#include "vmon-window.h"

_Static_assert((int) VMON_STATE_RUNNING == (int) VIR_DOMAIN_RUNNING, "state numbers follow libvirt");
_Static_assert((int) VMON_STATE_PMSUSPENDED == (int) VIR_DOMAIN_PMSUSPENDED, "state numbers follow libvirt");
_Static_assert((int) VMON_LIFECYCLE_CRASHED == (int) VIR_DOMAIN_EVENT_CRASHED, "event numbers follow libvirt");
_Static_assert((int) VMON_STOPPED_CRASHED == (int) VIR_DOMAIN_EVENT_STOPPED_CRASHED &&
               (int) VMON_STOPPED_FAILED == (int) VIR_DOMAIN_EVENT_STOPPED_FAILED,
               "stop details follow libvirt");

struct action_record {
    unsigned char uuid[16];
    struct vmon_action_result result;
    double requested;           /* monotonic, when the action was asked for */
    double deadline;            /* monotonic; for a pending shutdown or reboot */
    double reset_seen;          /* monotonic, libvirt's last reboot event for it; 0 none */
};

struct vmon_poller {
    struct vmon_options opts;
    struct vmon_conn *conn;         /* the poll thread's; read-write only when asked */
    struct vmon_conn *action_conn;  /* read-write, when the polled one is read-only */
    struct vmon_collector *collector;
    struct vmon_guestfs *guestfs;   /* NULL unless guest-fs */
    struct vmon_window *window;

    struct vmon_outbox out;         /* its lock: also health, actions, catch-up */
    /* For vmon-catchup.h: the last snapshot libvirt answered, whether a
     * new connection was opened since (events in between may be lost),
     * and the domains libvirt has sent events for since that snapshot. */
    struct vmon_snapshot *last_good;
    bool reopened;
    /* out.told: domains libvirt told of since last_good */
    uint64_t seq, polls, poll_errors;
    /* wall clock of the first poll libvirt answered on this connection
     * (after an outage or a reconnect): guests' clocks start there */
    time_t answered_since;
    struct action_record *actions;
    size_t nactions;

    pthread_mutex_t poll_lock;      /* one poll at a time */
    pthread_t thread;
    bool running;
    bool orphaned;                  /* stop gave up waiting for a poll stuck in libvirt */
    struct vmon_stop stop;
};

/* On libvirt's event thread: queue for the face, and refetch the XML if it changed. */
static void
on_event(void *opaque, const struct vmon_event *ev)
{
    struct vmon_poller *p = opaque;

    if (ev->type == VMON_EVENT_LIFECYCLE &&
        (ev->event == VMON_LIFECYCLE_DEFINED || ev->event == VMON_LIFECYCLE_STARTED))
        vmon_collector_invalidate(p->collector, ev->uuid);
    if (ev->type == VMON_EVENT_LIFECYCLE) {
        pthread_mutex_lock(&p->out.lock);
        vmon_told_add(&p->out.told, ev->uuid);
        pthread_mutex_unlock(&p->out.lock);
    }
    vmon_event_queue_push(p->out.events, ev);
}

/* On libvirt's event thread: the guest reset, which settles a pending reboot. */
static void
on_reboot(void *opaque, const unsigned char uuid[16])
{
    struct vmon_poller *p = opaque;

    pthread_mutex_lock(&p->out.lock);
    for (size_t i = 0; i < p->nactions; i++)
        if (memcmp(p->actions[i].uuid, uuid, 16) == 0)
            p->actions[i].reset_seen = vmon_now_mono();
    pthread_mutex_unlock(&p->out.lock);
}

/* On libvirt's event thread: a pool changed, so its XML and volumes are read again. */
static void
on_pool(void *opaque, const char *name, int event, int detail)
{
    struct vmon_poller *p = opaque;

    (void) name;
    (void) event;
    (void) detail;
    vmon_collector_pools_changed(p->collector);
}

/* On libvirt's event thread: title, description or metadata changed, so the labels did. */
static void
on_metadata(void *opaque, const unsigned char uuid[16])
{
    struct vmon_poller *p = opaque;

    vmon_collector_invalidate(p->collector, uuid);
}

/* On libvirt's event thread: a job completed or a migration iterated; ask for its job. */
static void
on_job(void *opaque, const unsigned char uuid[16])
{
    struct vmon_poller *p = opaque;

    vmon_collector_job_seen(p->collector, uuid);
}

static void
queue_inferred(void *opaque, const struct vmon_event *ev)
{
    struct vmon_poller *p = opaque;

    vmon_event_queue_push(p->out.events, ev);
}

struct vmon_poller *
vmon_poller_new(const struct vmon_options *opts)
{
    struct vmon_poller *p = vmon_alloc(sizeof(*p));

    vmon_options_copy(&p->opts, opts);
    if (p->opts.interval <= 0)
        p->opts.interval = 10;
    p->collector = vmon_collector_new(p->opts.workers, p->opts.timeout, !p->opts.skip_pools,
                                      p->opts.labels);
    p->guestfs = vmon_guestfs_new(&p->opts);
    p->window = vmon_window_new(p->opts.window > 0 ? p->opts.window : 3600,
                                p->opts.window_buckets ? p->opts.window_buckets : 12);
    vmon_outbox_init(&p->out, true);
    /*
     * Actions go through the polled connection when it is read-write: the
     * poll sees their effect at once, and on the test driver each
     * connection to a file has a private copy of its domains.
     */
    unsigned flags = (p->opts.readwrite ? VMON_CONN_READWRITE : 0) |
                     (p->opts.events ? VMON_CONN_EVENTS : 0) |
                     (p->opts.interactive_auth ? VMON_CONN_INTERACTIVE_AUTH : 0);
    /* back-off never longer than a poll: a libvirtd restart costs at most one poll */
    p->conn = vmon_conn_new(p->opts.uri, flags, p->opts.interval, on_event, p);
    if (p->opts.events)
        vmon_conn_on_events(p->conn, &(struct vmon_conn_hooks) {
            .reboot = on_reboot, .metadata = on_metadata, .job = on_job, .pool = on_pool });
    pthread_mutex_init(&p->poll_lock, NULL);
    vmon_stop_init(&p->stop);
    return p;
}

void
vmon_poller_free(struct vmon_poller *p)
{
    if (!p)
        return;
    vmon_poller_stop(p);
    if (p->orphaned)
        return;     /* its thread still runs; at exit the leak is the lesser harm */
    vmon_conn_free(p->conn);
    vmon_conn_free(p->action_conn);
    vmon_collector_free(p->collector);
    vmon_guestfs_free(p->guestfs);
    vmon_window_free(p->window);
    vmon_outbox_destroy(&p->out);
    vmon_snapshot_unref(p->last_good);
    free(p->actions);
    pthread_mutex_destroy(&p->poll_lock);
    vmon_stop_destroy(&p->stop);
    vmon_options_clear(&p->opts);
    free(p);
}

/*
 * Settle what was only asked of the guest (over ACPI, which a guest may
 * ignore): a shutdown is obeyed when the domain went down, a reboot when
 * libvirt reported the guest's reset (or it went down: on_reboot destroy);
 * either is ignored after shutdown-timeout.  Called with p->out.lock held.
 */
static void
settle_actions(struct vmon_poller *p, const struct vmon_snapshot *snap)
{
    double now = vmon_now_mono();

    for (size_t i = 0; i < p->nactions; i++) {
        struct action_record *a = &p->actions[i];
        if (a->result.status != VMON_ACTION_PENDING)
            continue;
        const struct vmon_domain *dom = vmon_snapshot_find_uuid(snap, a->uuid);
        bool reboot = a->result.action == VMON_ACTION_REBOOT;
        if (reboot && a->reset_seen >= a->requested) {
            a->result.status = VMON_ACTION_OK;
            snprintf(a->result.message, sizeof(a->result.message), "guest rebooted");
        } else if (!dom || dom->state == VMON_STATE_SHUTOFF) {
            a->result.status = VMON_ACTION_OK;
            snprintf(a->result.message, sizeof(a->result.message), "guest shut down%s",
                     reboot ? " (its on_reboot action)" : "");
        } else if (now > a->deadline) {
            a->result.status = VMON_ACTION_IGNORED;
            if (reboot)
                snprintf(a->result.message, sizeof(a->result.message),
                         "no reset of the guest %.0f s after the reboot request",
                         p->opts.shutdown_timeout);
            else
                snprintf(a->result.message, sizeof(a->result.message),
                         "guest still %s %.0f s after the shutdown request",
                         vmon_domain_state_name(dom->state), p->opts.shutdown_timeout);
        }
    }
}

int
vmon_poller_poll(struct vmon_poller *p)
{
    struct vmon_snapshot *snap = vmon_snapshot_new(), *prev;
    bool fresh;
    int rc = 0;

    pthread_mutex_lock(&p->poll_lock);
    double started = vmon_now_mono();
    virConnectPtr conn = vmon_conn_get(p->conn, &fresh);
    if (fresh)
        vmon_collector_forget(p->collector);
    bool reopened = fresh;
    snap->taken = vmon_now_mono();
    snap->taken_wall = time(NULL);
    snap->uri = vmon_strdup(p->opts.uri);
    snap->actions_allowed = p->opts.allowed_actions;
    if (conn) {
        char *uri = virConnectGetURI(conn);
        if (uri) {
            free(snap->uri);
            snap->uri = uri;
        }
        rc = vmon_collect(p->collector, conn, p->opts.filter, snap);
        /* a libvirtd that restarted between two polls is usually back already */
        if (rc < 0 && vmon_conn_check(p->conn)) {
            if ((conn = vmon_conn_get(p->conn, &fresh))) {
                reopened = true;
                vmon_collector_forget(p->collector);
                vmon_snapshot_clear_data(snap);
                rc = vmon_collect(p->collector, conn, p->opts.filter, snap);
                if (rc < 0)
                    vmon_conn_check(p->conn);
            }
        }
    } else {
        rc = -1;
    }

    if (vmon_collector_left_calls_behind(p->collector))
        vmon_conn_recycle(p->conn);
    /* a one-shot user (no events) has no later poll to see the answers in */
    if (rc == 0)
        vmon_guestfs_poll(p->guestfs, snap, !p->opts.events);

    pthread_mutex_lock(&p->out.lock);
    prev = p->out.latest;
    if (rc == 0) {
        vmon_mem_stale_mark(snap, p->opts.balloon_stale_age > 0 ? p->opts.balloon_stale_age
                                                                : 3 * p->opts.interval);
        bool answered_before = prev && prev->health.connected;
        vmon_rates_compute(snap, answered_before ? prev : NULL);
        vmon_window_update(p->window, snap);
        if (reopened || !answered_before)
            p->answered_since = snap->taken_wall;
        vmon_answer_snapshot(snap, p->last_good, p->answered_since, p->opts.not_answering_after);
    } else {
        snap->health.last_error = vmon_strdup(vmon_error_last());
        p->poll_errors++;
    }
    snap->seq = ++p->seq;
    p->polls++;
    snap->health.connected = rc == 0;
    snap->health.polls = p->polls;
    snap->health.poll_errors = p->poll_errors;
    snap->health.reconnects = vmon_conn_reconnects(p->conn);
    snap->health.xml_fetches = vmon_collector_xml_fetches(p->collector);
    /* the data's age: a failed poll collected nothing newer */
    snap->health.last_attempt_time = snap->taken_wall;
    snap->health.last_poll_time = rc == 0 ? snap->taken_wall
                                          : p->last_good ? p->last_good->taken_wall : 0;
    snap->health.last_poll_seconds = vmon_now_mono() - started;
    if (rc == 0)
        settle_actions(p, snap);
    if (reopened && p->last_good)
        p->reopened = true;
    if (rc == 0) {
        if (p->reopened)
            vmon_catchup_events(p->last_good, snap, "inferred after reconnecting to libvirt",
                                &p->out.told, queue_inferred, p);
        p->reopened = false;
        vmon_told_clear(&p->out.told);
        vmon_snapshot_ref(snap);
        vmon_snapshot_unref(p->last_good);
        p->last_good = snap;
    }
    p->out.latest = snap;
    pthread_mutex_unlock(&p->out.lock);
    pthread_mutex_unlock(&p->poll_lock);

    vmon_snapshot_unref(prev);
    return rc;
}

static void *
poll_loop(void *arg)
{
    struct vmon_poller *p = arg;

    for (;;) {
        double next = vmon_now_mono() + p->opts.interval;
        vmon_poller_poll(p);
        if (vmon_stop_pause(&p->stop, next))
            return NULL;
    }
}

int
vmon_poller_start(struct vmon_poller *p)
{
    if (p->running)
        return 0;
    p->stop.stopping = false;   /* no thread runs yet to race with */
    int err = pthread_create(&p->thread, NULL, poll_loop, p);
    if (err) {
        vmon_error_set("cannot start the poll thread: %s", strerror(err));
        return -1;
    }
    p->running = true;
    return 0;
}

void
vmon_poller_stop(struct vmon_poller *p)
{
    if (!p->running)
        return;
    vmon_stop_request(&p->stop);
    /*
     * A poll blocked on a frozen libvirtd returns only when keepalive gives
     * up (~20 s).  A daemon shutting down should not wait for that.
     */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t) (p->opts.timeout > 0 ? p->opts.timeout : 5) + 1;
    if (pthread_timedjoin_np(p->thread, NULL, &until) != 0) {
        pthread_detach(p->thread);
        p->orphaned = true;
    }
    p->running = false;
}

uint64_t
vmon_poller_events_dropped(struct vmon_poller *p)
{
    return vmon_event_queue_dropped(p->out.events);
}

struct vmon_snapshot *
vmon_poller_snapshot(struct vmon_poller *p)
{
    return vmon_outbox_latest(&p->out);
}

int
vmon_poller_next_event(struct vmon_poller *p, struct vmon_event *ev)
{
    return vmon_event_queue_pop(p->out.events, ev);
}

int
vmon_poller_event_fd(struct vmon_poller *p)
{
    return vmon_event_queue_fd(p->out.events);
}

/* requested: monotonic time the action was asked for (before libvirt was called) */
static void
record_action(struct vmon_poller *p, const unsigned char uuid[16],
              const struct vmon_action_result *res, double requested)
{
    pthread_mutex_lock(&p->out.lock);
    struct action_record *a = NULL;
    for (size_t i = 0; i < p->nactions; i++)
        if (memcmp(p->actions[i].uuid, uuid, 16) == 0)
            a = &p->actions[i];
    if (!a) {
        p->actions = vmon_realloc_array(p->actions, p->nactions + 1, sizeof(*p->actions));
        a = &p->actions[p->nactions++];
        memset(a, 0, sizeof(*a));
        memcpy(a->uuid, uuid, 16);
    }
    a->result = *res;
    a->requested = requested;
    a->deadline = requested + p->opts.shutdown_timeout;
    pthread_mutex_unlock(&p->out.lock);
}

int
vmon_poller_last_action(struct vmon_poller *p, const unsigned char uuid[16],
                        struct vmon_action_result *res)
{
    int rc = -1;

    pthread_mutex_lock(&p->out.lock);
    for (size_t i = 0; i < p->nactions; i++) {
        if (memcmp(p->actions[i].uuid, uuid, 16) == 0) {
            *res = p->actions[i].result;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&p->out.lock);
    return rc;
}

static int
finish(struct vmon_action_result *res, enum vmon_action_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
finish(struct vmon_action_result *res, enum vmon_action_status status, const char *fmt, ...)
{
    va_list ap;

    res->status = status;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
    vmon_error_set("%s", res->message);
    return status == VMON_ACTION_OK || status == VMON_ACTION_PENDING ? 0 : -1;
}

static virDomainPtr
lookup_domain(virConnectPtr conn, const char *name_or_uuid)
{
    virDomainPtr dom = virDomainLookupByUUIDString(conn, name_or_uuid);

    return dom ? dom : virDomainLookupByName(conn, name_or_uuid);
}

static int
run_action(virDomainPtr dom, enum vmon_action action)
{
    switch (action) {
    case VMON_ACTION_START: return virDomainCreate(dom);
    case VMON_ACTION_SHUTDOWN: return virDomainShutdown(dom);
    case VMON_ACTION_REBOOT: return virDomainReboot(dom, 0);
    case VMON_ACTION_RESET: return virDomainReset(dom, 0);
    case VMON_ACTION_DESTROY: return virDomainDestroy(dom);
    case VMON_ACTION_SUSPEND: return virDomainSuspend(dom);
    case VMON_ACTION_RESUME: return virDomainResume(dom);
    case VMON_ACTION_START_PAUSED: return virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED);
    default: return -1;
    }
}

int
vmon_poller_action(struct vmon_poller *p, const char *domain, enum vmon_action action,
                   struct vmon_action_result *res)
{
    double requested = vmon_now_mono();

    memset(res, 0, sizeof(*res));
    res->action = action;
    res->when = time(NULL);

    if (action <= VMON_ACTION_NONE || action >= VMON_ACTION__N)
        return finish(res, VMON_ACTION_INVALID, "no such action (%d)", (int) action);
    if (!vmon_action_allowed(p->opts.allowed_actions, action))
        return finish(res, VMON_ACTION_REFUSED, "action '%s' is not allowed by configuration",
                      vmon_action_name(action));

    virConnectPtr conn = vmon_conn_is_readwrite(p->conn) ? vmon_conn_ref_open(p->conn) : NULL;
    struct vmon_conn *used = p->conn;
    if (!conn) {
        if (!p->action_conn)
            p->action_conn = vmon_conn_new(p->opts.uri,
                                           VMON_CONN_READWRITE | (p->opts.interactive_auth
                                                                  ? VMON_CONN_INTERACTIVE_AUTH : 0),
                                           5, NULL, NULL);
        bool fresh;
        used = p->action_conn;
        conn = vmon_conn_get(p->action_conn, &fresh);
        if (!conn)
            return finish(res, VMON_ACTION_FAILED, "%s", vmon_error_last());
        virConnectRef(conn);
    }

    int rc;
    virDomainPtr dom = lookup_domain(conn, domain);
    if (!dom) {
        rc = finish(res, VMON_ACTION_NOT_FOUND, "no domain '%s'", domain);
        virConnectClose(conn);
        return rc;
    }
    unsigned char uuid[16];
    virDomainGetUUID(dom, uuid);
    const char *name = virDomainGetName(dom);

    int state, reason;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        rc = finish(res, VMON_ACTION_FAILED, "cannot read the state of '%s': %s", name,
                    vmon_virt_error());
        goto out;
    }
    enum vmon_action_status check = vmon_action_check(p->opts.allowed_actions, action, state);
    if (check != VMON_ACTION_OK) {
        rc = finish(res, check, "cannot %s '%s' while it is %s", vmon_action_name(action), name,
                    vmon_domain_state_name(state));
        goto out;
    }
    /*
     * Shutdown and reboot only ask the guest (ACPI), which may ignore it:
     * the polls, and for a reboot libvirt's reset event, tell whether it
     * obeyed.  The reset can come before virDomainReboot() returns, so the
     * record that catches it exists first.  Without events nothing would
     * report the reset: a reboot libvirt accepted is all we can say then.
     */
    bool ask_guest = action == VMON_ACTION_SHUTDOWN
                     || (action == VMON_ACTION_REBOOT && p->opts.events);
    if (ask_guest) {
        finish(res, VMON_ACTION_PENDING, "%s of '%s' requested", vmon_action_name(action), name);
        record_action(p, uuid, res, requested);
    }
    if (run_action(dom, action) < 0) {
        rc = finish(res, VMON_ACTION_FAILED, "%s of '%s' failed: %s", vmon_action_name(action),
                    name, vmon_virt_error());
        if (used == p->action_conn)
            vmon_conn_check(p->action_conn);
    } else if (ask_guest) {
        /* recorded pending above; a poll may have settled it since */
        rc = 0;
        goto recorded;
    } else {
        rc = finish(res, VMON_ACTION_OK, "%s of '%s' done", vmon_action_name(action), name);
    }
out:
    record_action(p, uuid, res, requested);
recorded:
    virDomainFree(dom);
    virConnectClose(conn);
    return rc;
}
