/*
 * Lifecycle events missed while libvirt was out of reach.
 *
 * libvirt delivers an event only to clients connected when it happens.
 * A guest that crashed, or was stopped by hand, while libvirtd restarted
 * (or while the network to a remote libvirtd was down) changes state with
 * nobody told: no trap, no collectd notification.  After reconnecting, the
 * poller compares the last snapshot taken before the outage with the
 * first one after it and queues the event each difference implies, so the
 * faces announce it like any other.  Such events carry a message saying
 * they were inferred; the detail is the one the new state's reason implies.
 * A face fed by virtmond's snapshots (vmon-feed.c) learns of every change
 * this way.
 */
#ifndef VMON_CATCHUP_H
#define VMON_CATCHUP_H

#include <stdbool.h>

#include "vmon-event.h"
#include "vmon-snapshot.h"

#include <stddef.h>
#include <time.h>

/*
 * The domains a real event told of since `before` was taken: inferring
 * skips them.  Past VMON_TOLD_MAX of them (an event storm) the set only
 * says it overflowed, and nothing is inferred: it could not tell which.
 */
#define VMON_TOLD_MAX 4096
struct vmon_told {
    unsigned char (*uuid)[16];
    time_t *when;                  /* the event's wall-clock time, 0 unknown */
    size_t n;
    bool overflow;
    time_t overflow_when;          /* the latest event left out */
};
void vmon_told_add(struct vmon_told *t, const unsigned char uuid[16]);
void vmon_told_add_at(struct vmon_told *t, const unsigned char uuid[16], time_t when);
void vmon_told_clear(struct vmon_told *t);   /* empty again, for the next snapshot */
/*
 * Keep only what was told at or after `since` (wall-clock seconds): for a
 * snapshot taken at `since` by someone else (virtmond), an event that
 * arrived before the snapshot did may still be newer than its contents.
 */
void vmon_told_forget_before(struct vmon_told *t, time_t since);
void vmon_told_free(struct vmon_told *t);

typedef void (*vmon_catchup_emit_fn)(void *opaque, const struct vmon_event *ev);

/* Emits, for each domain whose state differs between before and after (or
 * that appeared, vanished, or was started again with a new id) and that is
 * not in told (NULL: none), the lifecycle events that would have told of
 * it, in domain order, with the message "CONTEXT: what differed".
 * Returns how many it emitted. */
unsigned vmon_catchup_events(const struct vmon_snapshot *before, const struct vmon_snapshot *after,
                             const char *context, const struct vmon_told *told,
                             vmon_catchup_emit_fn emit, void *opaque);

#endif
