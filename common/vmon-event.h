/*
 * Events from libvirt's event thread to a face, through a queue the face
 * drains on its own thread.  The queue's fd becomes readable while events
 * are waiting, for faces with a select() loop.
 */
#ifndef VMON_EVENT_H
#define VMON_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum vmon_event_type {
    VMON_EVENT_LIFECYCLE,
    VMON_EVENT_CONNECTION_LOST,
    VMON_EVENT_CONNECTION_BACK,
    VMON_EVENT_POOL,            /* a storage pool's lifecycle: name, uuid, event, detail */
    VMON_EVENT__N
};

/* libvirt's virDomainEventType, in its order from 0 (checked where libvirt is included) */
enum vmon_lifecycle {
    VMON_LIFECYCLE_DEFINED,
    VMON_LIFECYCLE_UNDEFINED,
    VMON_LIFECYCLE_STARTED,
    VMON_LIFECYCLE_SUSPENDED,
    VMON_LIFECYCLE_RESUMED,
    VMON_LIFECYCLE_STOPPED,
    VMON_LIFECYCLE_SHUTDOWN,
    VMON_LIFECYCLE_PMSUSPENDED,
    VMON_LIFECYCLE_CRASHED,
    VMON_LIFECYCLE__N
};

/* libvirt's virStoragePoolEventLifecycleType, in its order from 0 (checked where libvirt is
 * included); libvirt sends detail 0 with each */
enum vmon_pool_event {
    VMON_POOL_EVENT_DEFINED,
    VMON_POOL_EVENT_UNDEFINED,
    VMON_POOL_EVENT_STARTED,
    VMON_POOL_EVENT_STOPPED,
    VMON_POOL_EVENT_CREATED,    /* built (virsh pool-build) */
    VMON_POOL_EVENT_DELETED,    /* its storage deleted (virsh pool-delete) */
    VMON_POOL_EVENT__N
};

struct vmon_event {
    enum vmon_event_type type;
    time_t when;
    char name[256];
    unsigned char uuid[16];
    char uuid_str[37];
    int event;       /* enum vmon_lifecycle; VMON_EVENT_POOL: enum vmon_pool_event */
    int detail;      /* libvirt's detail for that event */
    int state;       /* enum vmon_domain_state the event leads to; 0 for a pool */
    char message[256];   /* connection events: why */
};

const char *vmon_event_type_name(enum vmon_event_type t);
const char *vmon_lifecycle_name(int event);            /* "started" */
const char *vmon_lifecycle_detail_name(int event, int detail);  /* "booted" */
const char *vmon_pool_event_name(int event);            /* "stopped" */
/* The state a lifecycle event leaves the domain in. */
int vmon_lifecycle_state(int event, int detail);

/* libvirt's virDomainEventStoppedDetailType numbers that mean a failure */
enum {
    VMON_STOPPED_CRASHED = 2,
    VMON_STOPPED_FAILED = 5,
};
/*
 * Whether the event says the guest failed: it crashed (a panic device), or
 * it stopped because its QEMU died (FAILED: killed or aborted, left shut off
 * with reason "crashed") or because it crashed (on_crash destroy).
 */
bool vmon_lifecycle_failed(int event, int detail);

struct vmon_event_queue;
struct vmon_event_queue *vmon_event_queue_new(size_t capacity);
void vmon_event_queue_free(struct vmon_event_queue *q);
/* Drops the oldest event when full (and counts it). Thread-safe. */
void vmon_event_queue_push(struct vmon_event_queue *q, const struct vmon_event *ev);
/* 1 and *ev filled, or 0 when empty. Thread-safe. */
int vmon_event_queue_pop(struct vmon_event_queue *q, struct vmon_event *ev);
int vmon_event_queue_fd(struct vmon_event_queue *q);
unsigned long vmon_event_queue_dropped(struct vmon_event_queue *q);

#endif
