/* Rates, totals and percentages: what the core derives from raw counters. */
#ifndef VMON_RATES_H
#define VMON_RATES_H

#include "vmon-snapshot.h"

/* Domain-wide totals of the per-vCPU, -disk and -NIC metrics (the table's total column). */
void vmon_domain_sum_devices(struct vmon_domain *dom);

/*
 * Per-second rates of every counter in cur against prev (NULL on the first
 * poll), over the measured elapsed time, and the derived percentages.  A
 * counter that went backwards, or a domain that restarted in between, gets
 * no rate this poll rather than a spike.
 */
void vmon_rates_compute(struct vmon_snapshot *cur, const struct vmon_snapshot *prev);

/*
 * The same for one domain against an earlier sample of it taken elapsed
 * seconds before (prev may be NULL): for a face that keeps samples of its
 * own, such as a check's state file.  host_cpus: the node's CPU count, for
 * the share of the host.
 */
void vmon_rates_compute_domain(struct vmon_domain *dom, const struct vmon_domain *prev,
                               double elapsed, uint64_t host_cpus);

/*
 * balloon.stale of every running domain: 1 when the guest's balloon
 * statistics were last updated more than max_age seconds before the
 * snapshot was taken, or never; 0 when fresh.  Absent for a domain that is
 * not running or whose balloon group did not answer.  Run it before
 * vmon_rates_compute(): a stale domain gets no balloon.used_percent and no
 * rates of the guest's memory counters, which would be computed from
 * figures frozen since the guest last sent them.
 */
void vmon_mem_stale_mark(struct vmon_snapshot *snap, double max_age);

/*
 * Whether a domain metric is one of the figures the guest's balloon driver
 * reports (unused, usable, swap, faults ... and used_percent), which
 * balloon.stale covers; not the host's own view (balloon.current, maximum,
 * rss) nor balloon.stale itself.
 */
bool vmon_metric_guest_memory(const struct vmon_metric_desc *d);

#endif
