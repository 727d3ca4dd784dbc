/*
 * Guest file systems through each guest's agent (option guest-fs), on
 * their own interval and threads, never waited for by a poll
 * (vmon-guestfs.c).  Used from the poll thread only.
 */
#ifndef VMON_GUESTFS_H
#define VMON_GUESTFS_H

#include <stdbool.h>

#include "vmon-options.h"
#include "vmon-snapshot.h"

struct vmon_guestfs;

/* NULL when the options leave guest-fs off. */
struct vmon_guestfs *vmon_guestfs_new(const struct vmon_options *o);
/* Calls still out free themselves when they return. */
void vmon_guestfs_free(struct vmon_guestfs *g);
/*
 * Take the answers that came in, start the calls that are due for the
 * running domains of snap, and give those domains their file systems (or
 * fs_error).  wait: a one-shot user, which waits for the calls up to
 * guest-fs-timeout.  g NULL: nothing.
 */
void vmon_guestfs_poll(struct vmon_guestfs *g, struct vmon_snapshot *snap, bool wait);

#endif
