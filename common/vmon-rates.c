#include "vmon-rates.h"

#include <string.h>

#include "vmon-util.h"

static void
sum_into(struct vmon_value *total, const struct vmon_value *part)
{
    if (!vmon_value_has(part))
        return;
    vmon_value_set(total, total->u + part->u);
}

/* Zero every total of the parent the scope's metrics sum into (the total column). */
static void
clear_totals(enum vmon_scope scope, struct vmon_value *parent)
{
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++)
        if (d[i].total >= 0)
            memset(&parent[d[i].total], 0, sizeof(*parent));
}

static void
add_totals(enum vmon_scope scope, struct vmon_value *parent, const struct vmon_value *m)
{
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++)
        if (d[i].total >= 0)
            sum_into(&parent[d[i].total], &m[i]);
}

void
vmon_domain_sum_devices(struct vmon_domain *dom)
{
    clear_totals(VMON_SCOPE_VCPU, dom->m);
    clear_totals(VMON_SCOPE_DISK, dom->m);
    clear_totals(VMON_SCOPE_NIC, dom->m);
    for (size_t i = 0; i < dom->nvcpus; i++)
        add_totals(VMON_SCOPE_VCPU, dom->m, dom->vcpus[i].m);
    for (size_t i = 0; i < dom->ndisks; i++)
        add_totals(VMON_SCOPE_DISK, dom->m, dom->disks[i].m);
    for (size_t i = 0; i < dom->nnics; i++)
        add_totals(VMON_SCOPE_NIC, dom->m, dom->nics[i].m);
}

/* Rates for every COUNTER of one scope's value array. */
static void
rate_values(enum vmon_scope scope, struct vmon_value *cur, const struct vmon_value *prev,
            double elapsed)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        /* a carried value keeps the rate of its own time (vmon-answer.h) */
        if (cur[i].have & VMON_HAVE_STALE)
            continue;
        cur[i].have &= (uint8_t) ~VMON_HAVE_RATE;
        if (desc[i].kind != VMON_KIND_COUNTER || !prev)
            continue;
        /* a carried previous value is older than the previous snapshot */
        if (!vmon_value_has(&cur[i]) || !vmon_value_has(&prev[i]) || cur[i].u < prev[i].u
            || (prev[i].have & VMON_HAVE_STALE))
            continue;
        cur[i].d = (double) (cur[i].u - prev[i].u) / elapsed;
        cur[i].have |= VMON_HAVE_RATE;
    }
}

static void
set_percent(struct vmon_value *v, double percent)
{
    if (percent < 0)
        percent = 0;
    vmon_value_set_double(v, percent);
}

/*
 * Mean latency of the requests completed over the interval, in ms: the
 * rate of time spent over the rate of requests, summed over the (time,
 * requests) pairs that have rates; absent when no request completed.
 */
struct latency_def {
    int out;
    int parts[3][2];        /* (time spent, requests) metric pairs; -1 ends */
};

static void
set_latency(struct vmon_value *m, const struct latency_def *def)
{
    double spent = 0, reqs = 0;

    for (size_t i = 0; i < VMON_ARRAY_SIZE(def->parts) && def->parts[i][0] >= 0; i++) {
        const struct vmon_value *t = &m[def->parts[i][0]], *r = &m[def->parts[i][1]];
        if (vmon_value_has_rate(t) && vmon_value_has_rate(r)) {
            spent += t->d;
            reqs += r->d;
        }
    }
    if (reqs > 0)
        vmon_value_set_double(&m[def->out], spent / reqs / 1e6);
}

static const struct latency_def disk_latency[] = {
    { VMON_DISK_RD_LATENCY, { { VMON_DISK_RD_TIMES, VMON_DISK_RD_REQS }, { -1, -1 } } },
    { VMON_DISK_WR_LATENCY, { { VMON_DISK_WR_TIMES, VMON_DISK_WR_REQS }, { -1, -1 } } },
    { VMON_DISK_FL_LATENCY, { { VMON_DISK_FL_TIMES, VMON_DISK_FL_REQS }, { -1, -1 } } },
};

static const struct latency_def domain_latency[] = {
    { VMON_DOM_DISK_RD_LATENCY, { { VMON_DOM_DISK_RD_TIMES, VMON_DOM_DISK_RD_REQS }, { -1, -1 } } },
    { VMON_DOM_DISK_WR_LATENCY, { { VMON_DOM_DISK_WR_TIMES, VMON_DOM_DISK_WR_REQS }, { -1, -1 } } },
    { VMON_DOM_DISK_FL_LATENCY, { { VMON_DOM_DISK_FL_TIMES, VMON_DOM_DISK_FL_REQS }, { -1, -1 } } },
    { VMON_DOM_DISK_LATENCY, { { VMON_DOM_DISK_RD_TIMES, VMON_DOM_DISK_RD_REQS },
                               { VMON_DOM_DISK_WR_TIMES, VMON_DOM_DISK_WR_REQS },
                               { VMON_DOM_DISK_FL_TIMES, VMON_DOM_DISK_FL_REQS } } },
};

static void
derive_node(struct vmon_snapshot *cur, const struct vmon_snapshot *prev, double elapsed)
{
    struct vmon_node *node = &cur->node;
    struct vmon_value *m = node->m;

    rate_values(VMON_SCOPE_NODE, m, prev ? prev->node.m : NULL, elapsed);

    static const int cpu_parts[] = { VMON_NODE_CPU_KERNEL, VMON_NODE_CPU_USER,
                                     VMON_NODE_CPU_IDLE, VMON_NODE_CPU_IOWAIT };
    double total = 0;
    bool all = true;
    for (size_t i = 0; i < VMON_ARRAY_SIZE(cpu_parts); i++) {
        if (!vmon_value_has_rate(&m[cpu_parts[i]]))
            all = false;
        else
            total += m[cpu_parts[i]].d;
    }
    if (all && total > 0)
        set_percent(&m[VMON_NODE_CPU_PERCENT], 100.0 * (1.0 - m[VMON_NODE_CPU_IDLE].d / total));

    if (vmon_value_has(&m[VMON_NODE_MEM_TOTAL]) && vmon_value_has(&m[VMON_NODE_MEM_FREE])
        && m[VMON_NODE_MEM_TOTAL].u > 0) {
        uint64_t total_kib = m[VMON_NODE_MEM_TOTAL].u, free_kib = m[VMON_NODE_MEM_FREE].u;
        /* reserved huge pages are neither free nor in use by the host: guests
         * are given them whole, so a pool set aside is not a full host */
        if (vmon_value_has(&m[VMON_NODE_HUGE_TOTAL]) && m[VMON_NODE_HUGE_TOTAL].u < total_kib)
            total_kib -= m[VMON_NODE_HUGE_TOTAL].u;
        /* buffers and page cache are reclaimable: a busy page cache is not a full host */
        if (vmon_value_has(&m[VMON_NODE_MEM_BUFFERS]))
            free_kib += m[VMON_NODE_MEM_BUFFERS].u;
        if (vmon_value_has(&m[VMON_NODE_MEM_CACHED]))
            free_kib += m[VMON_NODE_MEM_CACHED].u;
        if (free_kib > total_kib)
            free_kib = total_kib;
        set_percent(&m[VMON_NODE_MEM_PERCENT], 100.0 * (double) (total_kib - free_kib) / (double) total_kib);
    }

    const struct vmon_value *huge = &m[VMON_NODE_HUGE_TOTAL], *huge_free = &m[VMON_NODE_HUGE_FREE];
    if (vmon_value_has(huge) && huge->u > 0 && vmon_value_has(huge_free) && huge_free->u <= huge->u)
        set_percent(&m[VMON_NODE_HUGE_PERCENT], 100.0 * (double) (huge->u - huge_free->u) / (double) huge->u);

    /* the node's totals are of running domains, and 0 (not absent) without any */
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(VMON_SCOPE_DOMAIN, &n);
    for (size_t k = 0; k < n; k++) {
        if (d[k].total < 0)
            continue;
        uint64_t sum = 0;
        for (size_t i = 0; i < cur->ndomains; i++)
            if (cur->domains[i].id >= 0)
                sum += cur->domains[i].m[k].u;
        vmon_value_set(&m[d[k].total], sum);
    }
}

/* Figures frozen since the guest last sent them give no rate nor percentage. */
static void
forget_stale_memory(struct vmon_domain *dom)
{
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(VMON_SCOPE_DOMAIN, &n);

    for (size_t k = 0; k < n; k++)
        if (vmon_metric_guest_memory(&d[k]))
            dom->m[k].have &= (uint8_t) ~VMON_HAVE_RATE;
    memset(&dom->m[VMON_DOM_MEM_USED_PERCENT], 0, sizeof(dom->m[VMON_DOM_MEM_USED_PERCENT]));
}

void
vmon_rates_compute_domain(struct vmon_domain *dom, const struct vmon_domain *prev, double elapsed,
                          uint64_t host_cpus)
{
    if (elapsed <= 0)
        prev = NULL;
    /* a restart in between resets the counters even when they happen to grow */
    if (prev && (prev->id != dom->id || dom->id < 0))
        prev = NULL;

    rate_values(VMON_SCOPE_DOMAIN, dom->m, prev ? prev->m : NULL, elapsed);
    for (size_t i = 0; i < dom->nvcpus; i++) {
        const struct vmon_vcpu *pv = NULL;
        for (size_t j = 0; prev && j < prev->nvcpus; j++)
            if (prev->vcpus[j].number == dom->vcpus[i].number)
                pv = &prev->vcpus[j];
        rate_values(VMON_SCOPE_VCPU, dom->vcpus[i].m, pv ? pv->m : NULL, elapsed);
    }
    for (size_t i = 0; i < dom->ndisks; i++) {
        const struct vmon_disk *pd = prev ? vmon_domain_find_disk(prev, dom->disks[i].name) : NULL;
        rate_values(VMON_SCOPE_DISK, dom->disks[i].m, pd ? pd->m : NULL, elapsed);
        for (size_t k = 0; k < VMON_ARRAY_SIZE(disk_latency); k++)
            set_latency(dom->disks[i].m, &disk_latency[k]);
    }
    for (size_t k = 0; k < VMON_ARRAY_SIZE(domain_latency); k++)
        set_latency(dom->m, &domain_latency[k]);
    for (size_t i = 0; i < dom->nnics; i++) {
        const struct vmon_nic *pn = prev ? vmon_domain_find_nic(prev, dom->nics[i].name) : NULL;
        rate_values(VMON_SCOPE_NIC, dom->nics[i].m, pn ? pn->m : NULL, elapsed);
    }

    const struct vmon_value *cpu = &dom->m[VMON_DOM_CPU_TIME];
    if (vmon_value_has_rate(cpu)) {
        double cores_busy = cpu->d / 1e9;
        uint64_t vcpus = dom->m[VMON_DOM_VCPU_CURRENT].u;
        if (vcpus)
            set_percent(&dom->m[VMON_DOM_CPU_PERCENT], 100.0 * cores_busy / (double) vcpus);
        if (host_cpus)
            set_percent(&dom->m[VMON_DOM_CPU_HOST_PERCENT], 100.0 * cores_busy / (double) host_cpus);
    }
    /* steal: run-queue wait per second of each vCPU's wall time */
    const struct vmon_value *delay = &dom->m[VMON_DOM_VCPU_DELAY];
    uint64_t vcpus = dom->m[VMON_DOM_VCPU_CURRENT].u;
    if (vmon_value_has_rate(delay) && vcpus)
        set_percent(&dom->m[VMON_DOM_VCPU_STEAL_PERCENT], 100.0 * delay->d / 1e9 / (double) vcpus);

    const struct vmon_value *avail = &dom->m[VMON_DOM_MEM_AVAILABLE];
    const struct vmon_value *usable = &dom->m[VMON_DOM_MEM_USABLE];
    const struct vmon_value *unused = &dom->m[VMON_DOM_MEM_UNUSED];
    /* "usable" (the guest's MemAvailable) counts reclaimable cache as free; "unused" does not */
    const struct vmon_value *free_v = vmon_value_has(usable) ? usable : unused;
    if (vmon_value_has(avail) && avail->u > 0 && vmon_value_has(free_v) && free_v->u <= avail->u)
        set_percent(&dom->m[VMON_DOM_MEM_USED_PERCENT],
                    100.0 * (double) (avail->u - free_v->u) / (double) avail->u);
    if (vmon_value_has(&dom->m[VMON_DOM_MEM_STALE]) && dom->m[VMON_DOM_MEM_STALE].u)
        forget_stale_memory(dom);
}

bool
vmon_metric_guest_memory(const struct vmon_metric_desc *d)
{
    if (d->scope != VMON_SCOPE_DOMAIN || d->group != VMON_GROUP_BALLOON)
        return false;
    switch (d->id) {
    case VMON_DOM_MEM_CURRENT:
    case VMON_DOM_MEM_MAXIMUM:
    case VMON_DOM_MEM_RSS:
    case VMON_DOM_MEM_STALE:
        return false;
    default:
        return true;
    }
}

/*
 * The balloon driver sends its statistics every stats period (the domain
 * XML's <memballoon><stats period='N'/>, or virsh dommemstat --period N);
 * without a period, or without the driver, last-update stays at boot or is
 * never set.  last-update is QEMU's wall clock: this compares it with the
 * poller's, the same host's for a local URI.  libvirt's test driver gives
 * fixed statistics with a last-update in 1989: its figures are fixtures,
 * not a guest that stopped reporting, and are never called stale.
 */
void
vmon_mem_stale_mark(struct vmon_snapshot *snap, double max_age)
{
    if (snap->node.hv_type && strcmp(snap->node.hv_type, "TEST") == 0)
        return;
    for (size_t i = 0; i < snap->ndomains; i++) {
        struct vmon_domain *d = &snap->domains[i];
        const struct vmon_value *last = &d->m[VMON_DOM_MEM_LAST_UPDATE];
        if (d->id < 0 || d->state != VMON_STATE_RUNNING || (d->partial_groups & VMON_GROUP_BALLOON))
            continue;
        bool stale = !vmon_value_has(last) || (double) snap->taken_wall - (double) last->u > max_age;
        vmon_value_set(&d->m[VMON_DOM_MEM_STALE], stale);
    }
}

void
vmon_rates_compute(struct vmon_snapshot *cur, const struct vmon_snapshot *prev)
{
    double elapsed = prev ? cur->taken - prev->taken : 0;

    if (elapsed <= 0)
        prev = NULL;
    cur->elapsed = prev ? elapsed : 0;

    derive_node(cur, prev, elapsed);
    uint64_t host_cpus = cur->node.m[VMON_NODE_CPUS].u;
    for (size_t i = 0; i < cur->ndomains; i++) {
        struct vmon_domain *dom = &cur->domains[i];
        vmon_rates_compute_domain(dom, prev ? vmon_snapshot_find_uuid(prev, dom->uuid) : NULL, elapsed,
                      host_cpus);
    }
}
