/*
 * Min/avg/max over a sliding window (default one hour) for the metrics the
 * table flags VMON_MF_WINDOW: CPU % and the domain-wide I/O rates.
 *
 * History is kept in buckets (window / buckets seconds each) holding
 * min/max/sum/count rather than every sample, so an hour of 1000 domains
 * costs a few MiB whatever the poll interval; the window therefore slides
 * one bucket at a time.
 */
#ifndef VMON_WINDOW_H
#define VMON_WINDOW_H

#include <stddef.h>

#include "vmon-snapshot.h"

struct vmon_window;

struct vmon_window *vmon_window_new(double seconds, unsigned buckets);
void vmon_window_free(struct vmon_window *w);
/*
 * Add snap's values and fill every snap->domains[].win[].  snap is a whole
 * poll: the history of a domain it does not list is dropped.
 */
void vmon_window_update(struct vmon_window *w, struct vmon_snapshot *snap);
/* How many domains it keeps history for. */
size_t vmon_window_domains(const struct vmon_window *w);

#endif
