/*
 * Busy or hung.  libvirt's NOWAIT skips a guest whose monitor job another
 * client holds at that instant exactly as it skips a hung guest, so one
 * poll cannot tell them apart; time can.  A domain without figures keeps
 * its last good ones (flagged VMON_HAVE_STALE, with their time) and is
 * "busy" until it has given none for not-answering-after, "not answering"
 * from then on.  Time while libvirt was out of reach does not count: a
 * reconnect starts every guest's clock again, so no guest is called hung
 * by the first poll after a libvirtd restart.
 *
 * Knows nothing of libvirt: the poller calls it on each snapshot, and a
 * unit test drives it with made-up ones.
 */
#ifndef VMON_ANSWER_H
#define VMON_ANSWER_H

#include <time.h>

#include "vmon-snapshot.h"

/* The default of not-answering-after: three default poll intervals. */
#define VMON_NOT_ANSWERING_AFTER 30.0

/*
 * Judge cur's domain from whether it has figures now (dom->partial_groups
 * names what it lacks) and prev, the same domain in the previous snapshot
 * that libvirt answered (NULL: none).  now: cur's wall clock time;
 * counting_from: when the connection that polled cur first answered;
 * limit: not-answering-after, seconds.  Carries prev's values for the
 * missing groups when prev is the same run of the guest (same id).
 */
void vmon_answer_domain(struct vmon_domain *dom, const struct vmon_domain *prev, time_t now,
                        time_t counting_from, double limit);

/* Each domain of cur against its record in prev (NULL: none). */
void vmon_answer_snapshot(struct vmon_snapshot *cur, const struct vmon_snapshot *prev,
                          time_t counting_from, double limit);

/* "busy, figures 12 s old" or "not answering since 2026-12-06 18:42:23 UTC (40 s)" into buf. */
const char *vmon_answer_describe(const struct vmon_domain *dom, time_t now, char *buf, size_t size);

#endif
