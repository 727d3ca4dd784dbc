/* Rates, totals and percentages: what the core derives from raw counters. */
#ifndef VMON_RATES_H
#define VMON_RATES_H

#include "vmon-snapshot.h"

/* Domain-wide disk and NIC totals from the per-device counters. */
void vmon_domain_sum_devices(struct vmon_domain *dom);

/*
 * Per-second rates of every counter in cur against prev (NULL on the first
 * poll), over the measured elapsed time, and the derived percentages.  A
 * counter that went backwards, or a domain that restarted in between, gets
 * no rate this poll rather than a spike.
 */
void vmon_rates_compute(struct vmon_snapshot *cur, const struct vmon_snapshot *prev);

#endif
