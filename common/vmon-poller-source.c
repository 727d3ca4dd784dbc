/*
 * virtmon-poller.so: the libvirt poller as a vmon_source_ops, for faces that
 * load libvirt only when they poll it themselves (vmon-source.h).
 */
#include "vmon-source.h"

#include <stdio.h>

#include "vmon-poller.h"
#include "vmon-serve.h"
#include "vmon-util.h"

static void *
poller_open(const struct vmon_options *opts, const char *socket, char *err, size_t errlen)
{
    (void) socket;
    struct vmon_poller *p = vmon_poller_new(opts);
    if (!p) {
        snprintf(err, errlen, "%s", vmon_error_last());
        return NULL;
    }
    if (vmon_poller_start(p) < 0) {
        snprintf(err, errlen, "cannot start the poller: %s", vmon_error_last());
        vmon_poller_free(p);
        return NULL;
    }
    return p;
}

static void
poller_close(void *src)
{
    if (!src)
        return;
    vmon_poller_stop(src);
    vmon_poller_free(src);
}

static struct vmon_snapshot *
poller_snapshot(void *src)
{
    return vmon_poller_snapshot(src);
}

static int
poller_next_event(void *src, struct vmon_event *ev)
{
    return vmon_poller_next_event(src, ev);
}

static int
poller_event_fd(void *src)
{
    return vmon_poller_event_fd(src);
}

static uint64_t
poller_events_dropped(void *src)
{
    return vmon_poller_events_dropped(src);
}

static int
poller_action(void *src, const char *domain, enum vmon_action action,
              struct vmon_action_result *res)
{
    return vmon_poller_action(src, domain, action, res);
}

static int
poller_last_action(void *src, const unsigned char uuid[16], struct vmon_action_result *res)
{
    return vmon_poller_last_action(src, uuid, res);
}

static void *
poller_serve(void *src, const char *path, mode_t mode, gid_t gid, char *err, size_t errlen)
{
    return vmon_server_start(src, path, mode, gid, err, errlen);
}

static void
poller_serve_stop(void *server)
{
    vmon_server_stop(server);
}

const struct vmon_source_ops vmon_source_libvirt_ops = {
    .abi = VMON_SOURCE_ABI,
    .what = "libvirt",
    .open = poller_open,
    .close = poller_close,
    .snapshot = poller_snapshot,
    .next_event = poller_next_event,
    .event_fd = poller_event_fd,
    .events_dropped = poller_events_dropped,
    .action = poller_action,
    .last_action = poller_last_action,
    .serve = poller_serve,
    .serve_stop = poller_serve_stop,
};
