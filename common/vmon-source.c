#include "vmon-source.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmon-module.h"
#include "vmon-serve.h"
#include "vmon-source-driver.h"
#include "vmon-util.h"

_Static_assert(offsetof(struct vmon_source_driver, abi) == 0,
               "vmon_module_ops checks the abi first");

struct vmon_source {
    const struct vmon_source_driver *drv;
    void *impl;
    bool oneshot;
    char what[1100];
};

/*
 * Bring a failure's message into this copy of the core's error slot, so a
 * face reads every error with vmon_error_last() whichever driver failed.
 */
static void
take_error(const struct vmon_source *src)
{
    if (src->drv->error_last == vmon_error_last)
        return;
    const char *msg = src->drv->error_last();
    vmon_error_set("%s", msg && *msg ? msg : "unknown error");
}

struct vmon_source *
vmon_source_open(const struct vmon_options *opts, unsigned flags)
{
    const struct vmon_source_driver *drv = &vmon_source_virtmond_driver;

    if (opts->source == VMON_SOURCE_LIBVIRT) {
        drv = vmon_module_ops(VMON_SOURCE_MODULE, VMON_SOURCE_SYMBOL, VMON_SOURCE_ABI,
                              "polls libvirt");
        if (!drv)
            return NULL;
    }
    struct vmon_source *src = vmon_alloc(sizeof(*src));
    src->drv = drv;
    src->oneshot = flags & VMON_SOURCE_ONESHOT;
    if (opts->source == VMON_SOURCE_LIBVIRT)
        snprintf(src->what, sizeof(src->what), "libvirt");
    else
        snprintf(src->what, sizeof(src->what), "virtmond at %s",
                 opts->socket ? opts->socket : VIRTMOND_SOCKET);
    src->impl = drv->open(opts, flags);
    if (!src->impl) {
        take_error(src);
        free(src);
        return NULL;
    }
    return src;
}

void
vmon_source_close(struct vmon_source *src)
{
    if (!src)
        return;
    src->drv->close(src->impl);
    free(src);
}

const char *
vmon_source_describe(const struct vmon_source *src)
{
    return src->what;
}

struct vmon_snapshot *
vmon_source_poll_now(struct vmon_source *src)
{
    struct vmon_snapshot *snap = src->drv->poll_now(src->impl);

    if (!snap)
        take_error(src);
    return snap;
}

struct vmon_snapshot *
vmon_source_snapshot(struct vmon_source *src)
{
    return src->drv->snapshot(src->impl);
}

int
vmon_source_next_event(struct vmon_source *src, struct vmon_event *ev)
{
    return src->oneshot ? 0 : src->drv->next_event(src->impl, ev);
}

int
vmon_source_event_fd(struct vmon_source *src)
{
    return src->oneshot ? -1 : src->drv->event_fd(src->impl);
}

uint64_t
vmon_source_events_dropped(struct vmon_source *src)
{
    return src->oneshot ? 0 : src->drv->events_dropped(src->impl);
}

int
vmon_source_action(struct vmon_source *src, const char *domain, enum vmon_action action,
                   struct vmon_action_result *res)
{
    return src->drv->action(src->impl, domain, action, res);
}

int
vmon_source_last_action(struct vmon_source *src, const unsigned char uuid[16],
                        struct vmon_action_result *res)
{
    return src->drv->last_action(src->impl, uuid, res);
}
