/*
 * What a source driver hands its faces, the same for the libvirt poller and
 * virtmond's feed: the latest snapshot, the events waiting to be read, and
 * the domains events were told for since the snapshot that catch-up
 * compares against (so catch-up does not tell them twice).  The lock guards
 * these and whatever else of its own the driver keeps beside them.
 */
#ifndef VMON_OUTBOX_H
#define VMON_OUTBOX_H

#include <pthread.h>
#include <stdbool.h>

#include "vmon-catchup.h"
#include "vmon-event.h"
#include "vmon-snapshot.h"

struct vmon_outbox {
    pthread_mutex_t lock;
    struct vmon_snapshot *latest;
    struct vmon_event_queue *events;   /* NULL: a one-shot source has none */
    struct vmon_told told;
};

void vmon_outbox_init(struct vmon_outbox *o, bool events);
void vmon_outbox_destroy(struct vmon_outbox *o);
/* The latest snapshot with a reference for the caller, or NULL. */
struct vmon_snapshot *vmon_outbox_latest(struct vmon_outbox *o);

#endif
