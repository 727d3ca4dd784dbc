/*
 * virtmon-poller.so: the libvirt poller as a source driver
 * (vmon-source-driver.h), the one module a face loads, and only when it
 * polls libvirt itself.
 */
#define vmon_source_impl vmon_poller   /* see vmon-source-driver.h */
#include "vmon-source-driver.h"

#include "vmon-poller.h"
#include "vmon-util.h"

/*
 * A one-shot user (a check, virtmon-dump) reads nothing but its own polls:
 * no event loop, callbacks or keepalive, which would only cost it a thread
 * and a round trip.
 */
static struct vmon_poller *
poller_open(const struct vmon_options *opts, unsigned flags)
{
    struct vmon_options own;

    vmon_options_copy(&own, opts);
    if (flags & VMON_SOURCE_ONESHOT) {
        own.events = false;
        /* One poll has no history to tell busy from hung: a guest libvirt
         * skipped even when asked again is reported not answering. */
        own.not_answering_after = 0;
    }
    struct vmon_poller *p = vmon_poller_new(&own);
    vmon_options_clear(&own);
    if (!p || (flags & VMON_SOURCE_ONESHOT))
        return p;
    if (vmon_poller_start(p) < 0) {
        vmon_error_set("cannot start polling: %s", vmon_error_last());
        vmon_poller_free(p);
        return NULL;
    }
    return p;
}

static void
poller_close(struct vmon_poller *impl)
{
    if (!impl)
        return;
    vmon_poller_stop(impl);
    vmon_poller_free(impl);
}

/* A poll that could not reach libvirt still publishes a snapshot saying so. */
static struct vmon_snapshot *
poller_poll_now(struct vmon_poller *impl)
{
    vmon_poller_poll(impl);
    struct vmon_snapshot *snap = vmon_poller_snapshot(impl);
    if (!snap)
        vmon_error_set("the poll published no snapshot");
    return snap;
}

const struct vmon_source_driver vmon_source_libvirt_driver = VMON_SOURCE_DRIVER(
    poller_open, poller_close, poller_poll_now, vmon_poller_snapshot, vmon_poller_next_event,
    vmon_poller_event_fd, vmon_poller_events_dropped, vmon_poller_action, vmon_poller_last_action);
