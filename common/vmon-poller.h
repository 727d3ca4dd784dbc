/*
 * The core's front door.  A poller owns the libvirt connection, polls it
 * into snapshots (in a background thread, or on demand), computes rates and
 * window statistics, queues lifecycle events and runs actions.
 *
 *   p = vmon_poller_new(&opts);
 *   vmon_poller_poll(p);                 or vmon_poller_start(p)
 *   snap = vmon_poller_snapshot(p);  ...  vmon_snapshot_unref(snap);
 *   while (vmon_poller_next_event(p, &ev) > 0) ...
 *   vmon_poller_free(p);
 */
#ifndef VMON_POLLER_H
#define VMON_POLLER_H

#include "vmon-action.h"
#include "vmon-event.h"
#include "vmon-options.h"
#include "vmon-snapshot.h"

struct vmon_poller;

/* Copies opts. Does not connect yet; NULL only on bad options. */
struct vmon_poller *vmon_poller_new(const struct vmon_options *opts);
void vmon_poller_free(struct vmon_poller *p);

/*
 * Poll once, now, on the caller's thread (connecting first if needed).
 * 0 on success; -1 with vmon_error_last() when libvirt could not be reached
 * (a snapshot with health.connected == false is still published).
 */
int vmon_poller_poll(struct vmon_poller *p);

/* Poll every opts.interval seconds on a thread of the poller's own. */
int vmon_poller_start(struct vmon_poller *p);
/*
 * Stop the poll thread.  Waits at most opts.timeout + 1 s: a poll stuck in
 * a frozen libvirtd is left to finish on its own, and vmon_poller_free()
 * then leaves the poller allocated for it (meant for process exit).
 */
void vmon_poller_stop(struct vmon_poller *p);

/* The latest snapshot with a reference the caller drops, or NULL before the first poll. */
struct vmon_snapshot *vmon_poller_snapshot(struct vmon_poller *p);

/* Lifecycle and connection events; 1 when *ev was filled. */
int vmon_poller_next_event(struct vmon_poller *p, struct vmon_event *ev);
int vmon_poller_event_fd(struct vmon_poller *p);
/* Events lost because the face did not drain the queue in time. */
uint64_t vmon_poller_events_dropped(struct vmon_poller *p);

/*
 * Run an action on a domain named by UUID or name.  Checks the allowed set
 * and the domain's state first, so a refused action touches nothing.
 * Returns 0 when the action was carried out (or, for shutdown/reboot, asked
 * of the guest: *res says PENDING and a later vmon_poller_last_action()
 * says OK or IGNORED), -1 otherwise with *res saying why.
 */
int vmon_poller_action(struct vmon_poller *p, const char *domain,
                       enum vmon_action action, struct vmon_action_result *res);
/* The last action run on the domain with that UUID; 0, or -1 when none. */
int vmon_poller_last_action(struct vmon_poller *p, const unsigned char uuid[16],
                            struct vmon_action_result *res);

#endif
