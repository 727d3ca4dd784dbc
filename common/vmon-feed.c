/*
 * A source fed by virtmond (vmon-source-driver.h): a thread of its own
 * asks virtmond's socket for the whole snapshot every interval and keeps
 * the newest; a one-shot user asks once per vmon_source_poll_now(), for
 * one domain alone when its filter names one.  Either way the face's own
 * filter is applied to what virtmond sends, and a face told to expect a
 * libvirt URI refuses a virtmond polling another.  It links no libvirt, so a face fed this way needs neither
 * libvirt's libraries nor its rights; virtmond polls once for all of them.
 *
 * Lifecycle events come from virtmond's "events" stream, read by a second
 * thread.  While that stream is down (virtmond restarting, or an older
 * virtmond without it) they are inferred from two successive snapshots
 * (vmon-catchup.h), skipping domains the stream did tell of; then one a
 * poll interval hides (a guest paused and resumed between two polls) goes
 * unseen.  Connection events come from virtmond's own health line, and
 * from virtmond itself going away.
 *
 * Actions are virtmond's to run ("action" on its socket): the face's
 * thread waits for libvirt's answer as it would with a poller of its own.
 * The feed remembers the result of each it asked for, and while one is
 * pending (a shutdown the guest has yet to obey) asks virtmond after each
 * fetch how it ended, so reading the result never waits on a socket.
 */
#define vmon_source_impl feed   /* see vmon-source-driver.h */
#include "vmon-source-driver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmon-catchup.h"
#include "vmon-outbox.h"
#include "vmon-serve.h"
#include "vmon-util.h"
#include "vmon-uuid.h"
#include "vmon-wire.h"


/* More than any SNMP manager restarts at once; the stalest goes first. */
#define MAX_ACTIONS 64
/* A destroy waits for QEMU to exit, a wedged guest for libvirt's timeouts. */
#define ACTION_TIMEOUT 60.0

struct feed_action {
    unsigned char uuid[16];
    char uuid_str[37];
    struct vmon_action_result result;
};

struct feed {
    char *path;
    double interval;
    double timeout;                 /* a one-shot fetch's */
    char *uri;                      /* the libvirt URI virtmond must poll; NULL: any */
    struct vmon_filter *filter;     /* NULL: every domain */

    struct vmon_outbox out;         /* its lock: also the stream's state below;
                                     * its told: domains the stream told of since prev */
    bool stream_up;
    uint64_t stream_epoch;          /* +1 at each (re)connection of the stream */
    struct feed_action actions[MAX_ACTIONS];    /* what we asked virtmond to do */
    size_t nactions;

    /* the thread's own */
    struct vmon_snapshot *prev;     /* last connected one, for inferring events */
    bool reached;                   /* virtmond answered the last fetch */
    bool ever_connected;
    bool announced_lost;
    uint64_t last_remote_seq;       /* virtmond's, of the last one published */
    time_t last_remote_taken;
    uint64_t seq;                   /* ours: virtmond's restarts from 1 */
    bool stream_up_at_prev;         /* the stream, when prev was fetched */
    uint64_t epoch_at_prev;

    pthread_t thread, events_thread;
    bool started, events_started;
    int wake[2];                    /* readable: the events thread must stop */
    struct vmon_stop stop;
};

static void
push(void *opaque, const struct vmon_event *ev)
{
    struct feed *f = opaque;

    vmon_event_queue_push(f->out.events, ev);
}

static void
connection_event(struct feed *f, enum vmon_event_type type, const char *prefix, const char *why)
{
    struct vmon_event ev = { .type = type, .when = time(NULL), .event = -1, .detail = -1 };

    snprintf(ev.message, sizeof(ev.message), "%s%s", prefix, why ? why : "");
    push(f, &ev);
}

static void
publish(struct feed *f, struct vmon_snapshot *snap)
{
    snap->seq = ++f->seq;
    pthread_mutex_lock(&f->out.lock);
    struct vmon_snapshot *old = f->out.latest;
    f->out.latest = snap;
    pthread_mutex_unlock(&f->out.lock);
    vmon_snapshot_unref(old);
}

/* virtmond out of reach: an empty, disconnected snapshot saying why. */
static void
publish_unreachable(struct feed *f, const char *why)
{
    struct vmon_snapshot *snap = vmon_snapshot_new();
    char msg[1100];

    snprintf(msg, sizeof(msg), "virtmond: %s", why);
    snap->taken = vmon_now_mono();
    snap->taken_wall = time(NULL);
    snap->health.connected = false;
    snap->health.collector_lost = true;
    snap->health.last_error = vmon_strdup(msg);
    if (f->out.latest)
        snap->uri = vmon_strdup(f->out.latest->uri);
    publish(f, snap);
}

/* Keep res as the newest action on uuid (lock held). */
static void
remember_action(struct feed *f, const unsigned char uuid[16], const char *uuid_str,
                const struct vmon_action_result *res)
{
    struct feed_action *slot = NULL;

    for (size_t i = 0; i < f->nactions && !slot; i++)
        if (memcmp(f->actions[i].uuid, uuid, 16) == 0)
            slot = &f->actions[i];
    if (!slot && f->nactions < MAX_ACTIONS)
        slot = &f->actions[f->nactions++];
    if (!slot) {
        slot = &f->actions[0];
        for (size_t i = 1; i < f->nactions; i++)
            if (f->actions[i].result.when < slot->result.when)
                slot = &f->actions[i];
    }
    memcpy(slot->uuid, uuid, 16);
    snprintf(slot->uuid_str, sizeof(slot->uuid_str), "%s", uuid_str);
    slot->result = *res;
}

/* Ask virtmond how the pending actions we asked for ended. */
static void
settle_pending(struct feed *f)
{
    struct feed_action pending[MAX_ACTIONS];
    size_t n = 0;

    pthread_mutex_lock(&f->out.lock);
    for (size_t i = 0; i < f->nactions; i++)
        if (f->actions[i].result.status == VMON_ACTION_PENDING)
            pending[n++] = f->actions[i];
    pthread_mutex_unlock(&f->out.lock);
    for (size_t i = 0; i < n; i++) {
        struct vmon_action_result now;
        char err[256];
        if (vmon_serve_last_action(f->path, pending[i].uuid_str, 2, &now, err, sizeof(err)) != 0)
            continue;   /* out of reach, or forgotten by a restarted virtmond: ask again later */
        pthread_mutex_lock(&f->out.lock);
        for (size_t j = 0; j < f->nactions; j++) {
            struct feed_action *a = &f->actions[j];
            /* unless a newer action of ours replaced it meanwhile */
            if (memcmp(a->uuid, pending[i].uuid, 16) == 0 && a->result.status == VMON_ACTION_PENDING
                && now.when >= a->result.when)
                a->result = now;
        }
        pthread_mutex_unlock(&f->out.lock);
    }
}

/* Keep the domains the face's filter selects (the snapshot is ours alone). */
static void
keep_selected(const struct vmon_filter *filter, struct vmon_snapshot *snap)
{
    size_t kept = 0;

    for (size_t i = 0; i < snap->ndomains; i++) {
        struct vmon_domain *d = &snap->domains[i];
        if (vmon_filter_match(filter, d->name, d->uuid_str))
            snap->domains[kept++] = *d;
        else
            vmon_domain_clear(d);
    }
    snap->ndomains = kept;
}

/*
 * virtmond's snapshot as this face should see it, or NULL with err: out of
 * reach, or polling another URI than the face was told to expect.
 */
static struct vmon_snapshot *
fetch(struct feed *f, const char *only, double timeout, char *err, size_t errlen)
{
    struct vmon_snapshot *snap = vmon_serve_fetch(f->path, only, timeout, err, errlen);

    if (!snap)
        return NULL;
    if (f->uri && snap->uri && strcmp(f->uri, snap->uri) != 0) {
        snprintf(err, errlen, "virtmond at %s polls %s, not %s", f->path, snap->uri, f->uri);
        vmon_snapshot_unref(snap);
        return NULL;
    }
    if (f->filter && !only)
        keep_selected(f->filter, snap);
    return snap;
}

/*
 * Connection events as the poller gives them: nothing at the first
 * contact, "lost" once when libvirt (or virtmond itself) stops answering
 * after having answered, "back" once when it answers again.
 */
static void
fetch_once(struct feed *f)
{
    char err[1024];
    struct vmon_snapshot *snap = fetch(f, NULL, f->interval < 5 ? f->interval : 5, err, sizeof(err));

    if (!snap) {
        if (f->ever_connected && !f->announced_lost) {
            connection_event(f, VMON_EVENT_CONNECTION_LOST, "virtmond: ", err);
            f->announced_lost = true;
        }
        f->reached = false;
        publish_unreachable(f, err);
        return;
    }
    if (f->reached && snap->seq == f->last_remote_seq && snap->taken_wall == f->last_remote_taken) {
        vmon_snapshot_unref(snap);   /* virtmond has not polled since */
        return;
    }
    f->last_remote_seq = snap->seq;
    f->last_remote_taken = snap->taken_wall;
    if (!snap->health.connected) {
        if (f->ever_connected && !f->announced_lost) {
            connection_event(f, VMON_EVENT_CONNECTION_LOST, "virtmond: ",
                             snap->health.last_error ? snap->health.last_error
                                                     : "not connected to libvirt");
            f->announced_lost = true;
        }
    } else {
        if (f->announced_lost)
            connection_event(f, VMON_EVENT_CONNECTION_BACK, "virtmond answers, connected to libvirt",
                             NULL);
        f->announced_lost = false;
        f->ever_connected = true;
        /* Only what the stream may have missed: unless it stayed up since
         * prev, compare prev (across a gap too) with this one. */
        pthread_mutex_lock(&f->out.lock);
        bool continuous = f->stream_up && f->stream_up_at_prev
                          && f->stream_epoch == f->epoch_at_prev;
        if (f->prev && !continuous)
            vmon_catchup_events(f->prev, snap, "seen by virtmond's polls", &f->out.told, push, f);
        f->stream_up_at_prev = f->stream_up;
        f->epoch_at_prev = f->stream_epoch;
        /* virtmond took this poll before we fetched it: an event the
         * stream brought meanwhile may be newer than the poll's contents,
         * and forgetting it would infer it again after a gap */
        vmon_told_forget_before(&f->out.told, snap->taken_wall);
        pthread_mutex_unlock(&f->out.lock);
        vmon_snapshot_ref(snap);
        vmon_snapshot_unref(f->prev);
        f->prev = snap;
    }
    f->reached = true;
    publish(f, snap);
    settle_pending(f);
}

static void *
feed_loop(void *arg)
{
    struct feed *f = arg;

    for (;;) {
        double next = vmon_now_mono() + f->interval;
        fetch_once(f);
        if (vmon_stop_pause(&f->stop, next))
            return NULL;
    }
}

/* One lifecycle event line from the stream: queue it, and note its domain. */
static void
stream_line(struct feed *f, char *line)
{
    struct vmon_event ev;
    char err[256];

    if (vmon_wire_parse_event(line, &ev, err, sizeof(err)) < 0)
        return;   /* a newer virtmond's line, or noise: the polls still infer */
    /* connection events come from virtmond's health line, once */
    if (ev.type != VMON_EVENT_LIFECYCLE && ev.type != VMON_EVENT_POOL)
        return;
    pthread_mutex_lock(&f->out.lock);
    if (ev.type == VMON_EVENT_LIFECYCLE)   /* catch-up compares domains only */
        vmon_told_add_at(&f->out.told, ev.uuid, ev.when);
    push(f, &ev);
    pthread_mutex_unlock(&f->out.lock);
}

/* Read event lines from fd until it closes or the feed stops. */
static void
read_stream(struct feed *f, int fd)
{
    char buf[8192];
    size_t len = 0;

    for (;;) {
        struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = f->wake[0], .events = POLLIN } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[1].revents)
            return;
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return;
        }
        len += (size_t) n;
        buf[len] = '\0';
        char *start = buf, *nl;
        while ((nl = strchr(start, '\n'))) {
            *nl = '\0';
            stream_line(f, start);
            start = nl + 1;
        }
        len -= (size_t) (start - buf);
        memmove(buf, start, len);
        if (len == sizeof(buf) - 1)
            len = 0;   /* a line longer than any event: drop it */
    }
}

static void feed_close(struct feed *f);

static void *
events_loop(void *arg)
{
    struct feed *f = arg;
    char err[1024];

    for (;;) {
        int fd = vmon_serve_subscribe(f->path, 2, err, sizeof(err));
        if (fd >= 0) {
            pthread_mutex_lock(&f->out.lock);
            f->stream_up = true;
            f->stream_epoch++;
            pthread_mutex_unlock(&f->out.lock);
            read_stream(f, fd);
            close(fd);
            pthread_mutex_lock(&f->out.lock);
            f->stream_up = false;
            pthread_mutex_unlock(&f->out.lock);
        }
        /* virtmond gone or without the stream: ask again an interval later */
        if (vmon_stop_pause(&f->stop, vmon_now_mono() + (f->interval > 1 ? f->interval : 1)))
            return NULL;
    }
}


static struct feed *
feed_open(const struct vmon_options *opts, unsigned flags)
{
    struct feed *f = vmon_alloc(sizeof(*f));
    f->path = vmon_strdup(opts->socket ? opts->socket : VIRTMOND_SOCKET);
    f->interval = opts->interval > 0 ? opts->interval : 30;
    f->timeout = opts->timeout > 0 ? opts->timeout : 5;
    f->uri = vmon_strdup(opts->uri);
    f->filter = opts->filter ? vmon_filter_copy(opts->filter) : NULL;
    f->wake[0] = f->wake[1] = -1;
    vmon_outbox_init(&f->out, !(flags & VMON_SOURCE_ONESHOT));
    vmon_stop_init(&f->stop);
    if (flags & VMON_SOURCE_ONESHOT)
        return f;
    if (pipe2(f->wake, O_CLOEXEC) < 0) {
        vmon_error_set("cannot make a pipe: %s", strerror(errno));
        feed_close(f);
        return NULL;
    }
    int rc = pthread_create(&f->events_thread, NULL, events_loop, f);
    if (rc == 0) {
        f->events_started = true;
        rc = pthread_create(&f->thread, NULL, feed_loop, f);
    }
    if (rc != 0) {
        vmon_error_set("cannot start a thread: %s", strerror(rc));
        feed_close(f);
        return NULL;
    }
    f->started = true;
    return f;
}

static void
feed_close(struct feed *f)
{
    if (!f)
        return;
    vmon_stop_request(&f->stop);
    if (f->wake[1] >= 0)
        while (write(f->wake[1], "x", 1) < 0 && errno == EINTR)
            ;
    if (f->events_started)
        pthread_join(f->events_thread, NULL);   /* a subscribe gives up within 2 s */
    if (f->started)
        pthread_join(f->thread, NULL);   /* a fetch gives up within 5 s */
    if (f->wake[0] >= 0) {
        close(f->wake[0]);
        close(f->wake[1]);
    }
    free(f->uri);
    free(f->path);
    vmon_filter_free(f->filter);
    vmon_snapshot_unref(f->prev);
    vmon_outbox_destroy(&f->out);
    vmon_stop_destroy(&f->stop);
    free(f);
}

/* One fetch on the caller's thread; the snapshot also becomes the latest. */
static struct vmon_snapshot *
feed_poll_now(struct feed *f)
{
    char err[1024];
    struct vmon_snapshot *snap = fetch(f, vmon_filter_single_domain(f->filter), f->timeout,
                                       err, sizeof(err));

    if (!snap) {
        vmon_error_set("%s", err);
        return NULL;
    }
    vmon_snapshot_ref(snap);
    publish(f, snap);
    return snap;
}

static struct vmon_snapshot *
feed_snapshot(struct feed *f)
{
    return vmon_outbox_latest(&f->out);
}

static int
feed_next_event(struct feed *f, struct vmon_event *ev)
{
    return vmon_event_queue_pop(f->out.events, ev);
}

static int
feed_event_fd(struct feed *f)
{
    return vmon_event_queue_fd(f->out.events);
}

static uint64_t
feed_events_dropped(struct feed *f)
{
    return vmon_event_queue_dropped(f->out.events);
}

static int
feed_action(struct feed *f, const char *domain, enum vmon_action action,
            struct vmon_action_result *res)
{
    unsigned char uuid[16];
    char uuid_str[37] = "";
    int rc = vmon_serve_act(f->path, domain, action, ACTION_TIMEOUT, res);

    /* a face names the domain by UUID; by name, the newest snapshot knows it */
    if (vmon_uuid_parse(domain, uuid) == 0)
        vmon_uuid_format(uuid, uuid_str);
    pthread_mutex_lock(&f->out.lock);
    if (!uuid_str[0] && f->out.latest) {
        const struct vmon_domain *d = vmon_snapshot_find_domain(f->out.latest, domain);
        if (d) {
            memcpy(uuid, d->uuid, 16);
            memcpy(uuid_str, d->uuid_str, sizeof(uuid_str));
        }
    }
    if (uuid_str[0] && res->status != VMON_ACTION_NOT_FOUND)
        remember_action(f, uuid, uuid_str, res);
    pthread_mutex_unlock(&f->out.lock);
    return rc;
}

static int
feed_last_action(struct feed *f, const unsigned char uuid[16], struct vmon_action_result *res)
{
    int rc = -1;

    pthread_mutex_lock(&f->out.lock);
    for (size_t i = 0; i < f->nactions; i++)
        if (memcmp(f->actions[i].uuid, uuid, 16) == 0) {
            *res = f->actions[i].result;
            rc = 0;
        }
    pthread_mutex_unlock(&f->out.lock);
    return rc;
}

const struct vmon_source_driver vmon_source_virtmond_driver = VMON_SOURCE_DRIVER(
    feed_open, feed_close, feed_poll_now, feed_snapshot, feed_next_event,
    feed_event_fd, feed_events_dropped, feed_action, feed_last_action);
