#include "vmon-outbox.h"

#include <string.h>

#define EVENT_QUEUE_CAPACITY 1024

void
vmon_outbox_init(struct vmon_outbox *o, bool events)
{
    memset(o, 0, sizeof(*o));
    pthread_mutex_init(&o->lock, NULL);
    if (events)
        o->events = vmon_event_queue_new(EVENT_QUEUE_CAPACITY);
}

void
vmon_outbox_destroy(struct vmon_outbox *o)
{
    vmon_snapshot_unref(o->latest);
    vmon_event_queue_free(o->events);
    vmon_told_free(&o->told);
    pthread_mutex_destroy(&o->lock);
    memset(o, 0, sizeof(*o));
}

struct vmon_snapshot *
vmon_outbox_latest(struct vmon_outbox *o)
{
    pthread_mutex_lock(&o->lock);
    struct vmon_snapshot *snap = vmon_snapshot_ref(o->latest);
    pthread_mutex_unlock(&o->lock);
    return snap;
}
