/*
 * The one way every face gets snapshots, events and action results.
 *
 * A source is either libvirt itself (a poller of the face's own) or a
 * running virtmond whose polls it reads from a socket; opts->source says
 * which (vmon_options_set(opts, "source", "libvirt:URI" or "virtmond:PATH")).
 * Callers cannot tell them apart, as libvirt's callers cannot tell its
 * drivers apart.
 *
 *   src = vmon_source_open(&opts, 0);          polls on a thread of its own
 *   snap = vmon_source_snapshot(src);  ...  vmon_snapshot_unref(snap);
 *   while (vmon_source_next_event(src, &ev) > 0) ...
 *   vmon_source_close(src);
 *
 * One-shot users (a check, virtmon-dump) open with VMON_SOURCE_ONESHOT and
 * ask for each snapshot with vmon_source_poll_now().
 *
 * The libvirt implementation lives in one loadable module,
 * virtmon-poller.so, so that no face maps libvirt and its ~60 libraries
 * unless it polls libvirt itself; the virtmond one is in the core.  Every
 * failure is reported through vmon_error_last(), whichever answered.
 */
#ifndef VMON_SOURCE_H
#define VMON_SOURCE_H

#include <stdint.h>

#include "vmon-action.h"
#include "vmon-event.h"
#include "vmon-options.h"
#include "vmon-snapshot.h"

struct vmon_source;

/* No thread and no events: snapshots come only from vmon_source_poll_now(). */
#define VMON_SOURCE_ONESHOT 1u

/*
 * Open the source opts names.  A libvirt source does not connect yet (it
 * retries in its polls); a virtmond source need not be reachable yet.
 * NULL with vmon_error_last() on bad options or a module that will not load.
 */
struct vmon_source *vmon_source_open(const struct vmon_options *opts, unsigned flags);
/* Stop polling and free.  NULL is fine. */
void vmon_source_close(struct vmon_source *src);

/* "libvirt" or "virtmond at PATH", for messages. */
const char *vmon_source_describe(const struct vmon_source *src);

/*
 * Poll libvirt (or fetch virtmond's latest poll) now, on the caller's
 * thread: the new snapshot (caller unrefs), or NULL with vmon_error_last()
 * when nothing could be had at all.  A snapshot whose health says
 * disconnected is still a snapshot.
 */
struct vmon_snapshot *vmon_source_poll_now(struct vmon_source *src);

/* The latest snapshot (caller unrefs), or NULL before the first. */
struct vmon_snapshot *vmon_source_snapshot(struct vmon_source *src);

/* Lifecycle and connection events; 1 when *ev was filled. */
int vmon_source_next_event(struct vmon_source *src, struct vmon_event *ev);
/* Readable while events are queued; -1 for a one-shot source. */
int vmon_source_event_fd(struct vmon_source *src);
/* Events lost because the face did not drain the queue in time. */
uint64_t vmon_source_events_dropped(struct vmon_source *src);

/*
 * Run an action on a domain named by UUID or name, within the allowed set.
 * 0 when carried out (or, for shutdown/reboot, asked of the guest: *res
 * says PENDING and vmon_source_last_action() later says how it ended), -1
 * otherwise with *res saying why.  A refused action touches nothing.
 */
int vmon_source_action(struct vmon_source *src, const char *domain, enum vmon_action action,
                       struct vmon_action_result *res);
/* The last action run on the domain with that UUID: 0, or -1 when none. */
int vmon_source_last_action(struct vmon_source *src, const unsigned char uuid[16],
                            struct vmon_action_result *res);

#endif
