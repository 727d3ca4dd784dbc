#include "vmon-event.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

static const char *const type_names[] = {
    "lifecycle", "connection-lost", "connection-back", "pool-lifecycle",
};
_Static_assert(VMON_ARRAY_SIZE(type_names) == VMON_EVENT__N, "event type names");

static const char *const lifecycle_names[] = {
    "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown",
    "pmsuspended", "crashed",
};
_Static_assert(VMON_ARRAY_SIZE(lifecycle_names) == VMON_LIFECYCLE__N, "lifecycle names");

static const char *const pool_event_names[] = {
    "defined", "undefined", "started", "stopped", "created", "deleted",
};
_Static_assert(VMON_ARRAY_SIZE(pool_event_names) == VMON_POOL_EVENT__N, "pool event names");

/* libvirt's virDomainEvent*DetailType, one row per event */
static const char *const detail_names[VMON_LIFECYCLE__N][12] = {
    [VMON_LIFECYCLE_DEFINED] = { "added", "updated", "renamed", "from snapshot" },
    [VMON_LIFECYCLE_UNDEFINED] = { "removed", "renamed" },
    [VMON_LIFECYCLE_STARTED] = { "booted", "migrated", "restored", "from snapshot", "wakeup" },
    [VMON_LIFECYCLE_SUSPENDED] = {
        "paused", "migrated", "I/O error", "watchdog", "restored", "from snapshot", "api error",
        "post-copy", "post-copy failed",
    },
    [VMON_LIFECYCLE_RESUMED] = { "unpaused", "migrated", "from snapshot", "post-copy", "post-copy failed" },
    [VMON_LIFECYCLE_STOPPED] = {
        "shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot",
    },
    [VMON_LIFECYCLE_SHUTDOWN] = { "finished", "guest", "host" },
    [VMON_LIFECYCLE_PMSUSPENDED] = { "memory", "disk" },
    [VMON_LIFECYCLE_CRASHED] = { "panicked", "crashloaded" },
};

const char *
vmon_event_type_name(enum vmon_event_type t)
{
    return vmon_name_at(type_names, VMON_EVENT__N, t);
}

const char *
vmon_lifecycle_name(int event)
{
    return vmon_name_at(lifecycle_names, VMON_LIFECYCLE__N, event);
}

const char *
vmon_pool_event_name(int event)
{
    return vmon_name_at(pool_event_names, VMON_POOL_EVENT__N, event);
}

const char *
vmon_lifecycle_detail_name(int event, int detail)
{
    if (event < 0 || event >= VMON_LIFECYCLE__N)
        return "unknown";
    return vmon_name_at(detail_names[event], VMON_ARRAY_SIZE(detail_names[event]), detail);
}

int
vmon_lifecycle_state(int event, int detail)
{
    (void) detail;
    switch (event) {
    case VMON_LIFECYCLE_STARTED:
    case VMON_LIFECYCLE_RESUMED:
        return VMON_STATE_RUNNING;
    case VMON_LIFECYCLE_SUSPENDED:
        return VMON_STATE_PAUSED;
    case VMON_LIFECYCLE_STOPPED:
    case VMON_LIFECYCLE_DEFINED:
    case VMON_LIFECYCLE_UNDEFINED:
        return VMON_STATE_SHUTOFF;
    case VMON_LIFECYCLE_SHUTDOWN:
        return VMON_STATE_SHUTDOWN;
    case VMON_LIFECYCLE_PMSUSPENDED:
        return VMON_STATE_PMSUSPENDED;
    case VMON_LIFECYCLE_CRASHED:
        return VMON_STATE_CRASHED;
    default:
        return VMON_STATE_NOSTATE;
    }
}

bool
vmon_lifecycle_failed(int event, int detail)
{
    return event == VMON_LIFECYCLE_CRASHED ||
           (event == VMON_LIFECYCLE_STOPPED &&
            (detail == VMON_STOPPED_CRASHED || detail == VMON_STOPPED_FAILED));
}

/*
 * A ring buffer under a mutex, plus a pipe that holds one byte while the
 * ring is not empty: the writer is libvirt's event thread, the reader a
 * face's main loop, which may select() on the pipe.
 */
struct vmon_event_queue {
    pthread_mutex_t lock;
    struct vmon_event *ring;
    size_t capacity, head, count;
    unsigned long dropped;
    int pipe_fd[2];
    bool signalled;
};

struct vmon_event_queue *
vmon_event_queue_new(size_t capacity)
{
    struct vmon_event_queue *q = vmon_alloc(sizeof(*q));

    q->capacity = capacity ? capacity : 1;
    q->ring = vmon_realloc_array(NULL, q->capacity, sizeof(*q->ring));
    pthread_mutex_init(&q->lock, NULL);
    if (pipe(q->pipe_fd) < 0) {
        q->pipe_fd[0] = q->pipe_fd[1] = -1;
    } else {
        for (int i = 0; i < 2; i++) {
            fcntl(q->pipe_fd[i], F_SETFL, fcntl(q->pipe_fd[i], F_GETFL) | O_NONBLOCK);
            fcntl(q->pipe_fd[i], F_SETFD, FD_CLOEXEC);
        }
    }
    return q;
}

void
vmon_event_queue_free(struct vmon_event_queue *q)
{
    if (!q)
        return;
    for (int i = 0; i < 2; i++)
        if (q->pipe_fd[i] >= 0)
            close(q->pipe_fd[i]);
    pthread_mutex_destroy(&q->lock);
    free(q->ring);
    free(q);
}

void
vmon_event_queue_push(struct vmon_event_queue *q, const struct vmon_event *ev)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->capacity) {
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        q->dropped++;
    }
    q->ring[(q->head + q->count) % q->capacity] = *ev;
    q->count++;
    if (!q->signalled && q->pipe_fd[1] >= 0) {
        if (write(q->pipe_fd[1], "e", 1) == 1)
            q->signalled = true;
    }
    pthread_mutex_unlock(&q->lock);
}

int
vmon_event_queue_pop(struct vmon_event_queue *q, struct vmon_event *ev)
{
    int got = 0;

    pthread_mutex_lock(&q->lock);
    if (q->count) {
        *ev = q->ring[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        got = 1;
    }
    if (!q->count && q->signalled) {
        char buf[16];
        while (read(q->pipe_fd[0], buf, sizeof(buf)) > 0)
            ;
        q->signalled = false;
    }
    pthread_mutex_unlock(&q->lock);
    return got;
}

int
vmon_event_queue_fd(struct vmon_event_queue *q)
{
    return q->pipe_fd[0];
}

unsigned long
vmon_event_queue_dropped(struct vmon_event_queue *q)
{
    pthread_mutex_lock(&q->lock);
    unsigned long n = q->dropped;
    pthread_mutex_unlock(&q->lock);
    return n;
}
