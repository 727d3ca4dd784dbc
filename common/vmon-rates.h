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

#endif
