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

void
vmon_domain_sum_devices(struct vmon_domain *dom)
{
    static const struct { int dom, dev; } disk_totals[] = {
        { VMON_DOM_DISK_RD_REQS, VMON_DISK_RD_REQS },
        { VMON_DOM_DISK_RD_BYTES, VMON_DISK_RD_BYTES },
        { VMON_DOM_DISK_WR_REQS, VMON_DISK_WR_REQS },
        { VMON_DOM_DISK_WR_BYTES, VMON_DISK_WR_BYTES },
        { VMON_DOM_DISK_ERRS, VMON_DISK_ERRS },
    }, nic_totals[] = {
        { VMON_DOM_NET_RX_BYTES, VMON_NIC_RX_BYTES },
        { VMON_DOM_NET_RX_PKTS, VMON_NIC_RX_PKTS },
        { VMON_DOM_NET_RX_ERRS, VMON_NIC_RX_ERRS },
        { VMON_DOM_NET_RX_DROP, VMON_NIC_RX_DROP },
        { VMON_DOM_NET_TX_BYTES, VMON_NIC_TX_BYTES },
        { VMON_DOM_NET_TX_PKTS, VMON_NIC_TX_PKTS },
        { VMON_DOM_NET_TX_ERRS, VMON_NIC_TX_ERRS },
        { VMON_DOM_NET_TX_DROP, VMON_NIC_TX_DROP },
    };

    for (size_t t = 0; t < VMON_ARRAY_SIZE(disk_totals); t++) {
        memset(&dom->m[disk_totals[t].dom], 0, sizeof(struct vmon_value));
        for (size_t i = 0; i < dom->ndisks; i++)
            sum_into(&dom->m[disk_totals[t].dom], &dom->disks[i].m[disk_totals[t].dev]);
    }
    for (size_t t = 0; t < VMON_ARRAY_SIZE(nic_totals); t++) {
        memset(&dom->m[nic_totals[t].dom], 0, sizeof(struct vmon_value));
        for (size_t i = 0; i < dom->nnics; i++)
            sum_into(&dom->m[nic_totals[t].dom], &dom->nics[i].m[nic_totals[t].dev]);
    }
}

/* Rates for every COUNTER of one scope's value array. */
static void
rate_values(enum vmon_scope scope, struct vmon_value *cur, const struct vmon_value *prev,
            double elapsed)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        cur[i].have &= (uint8_t) ~VMON_HAVE_RATE;
        if (desc[i].kind != VMON_KIND_COUNTER || !prev)
            continue;
        if (!vmon_value_has(&cur[i]) || !vmon_value_has(&prev[i]) || cur[i].u < prev[i].u)
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
        /* buffers and page cache are reclaimable: a busy page cache is not a full host */
        if (vmon_value_has(&m[VMON_NODE_MEM_BUFFERS]))
            free_kib += m[VMON_NODE_MEM_BUFFERS].u;
        if (vmon_value_has(&m[VMON_NODE_MEM_CACHED]))
            free_kib += m[VMON_NODE_MEM_CACHED].u;
        if (free_kib > total_kib)
            free_kib = total_kib;
        set_percent(&m[VMON_NODE_MEM_PERCENT], 100.0 * (double) (total_kib - free_kib) / (double) total_kib);
    }

    uint64_t vcpus = 0, mem_max = 0;
    for (size_t i = 0; i < cur->ndomains; i++) {
        const struct vmon_domain *dom = &cur->domains[i];
        if (dom->id < 0)
            continue;
        vcpus += dom->m[VMON_DOM_VCPU_CURRENT].u;
        mem_max += dom->m[VMON_DOM_MEM_MAXIMUM].u;
    }
    vmon_value_set(&m[VMON_NODE_VCPUS], vcpus);
    vmon_value_set(&m[VMON_NODE_DOM_MEM_MAX], mem_max);
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
    }
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

    const struct vmon_value *avail = &dom->m[VMON_DOM_MEM_AVAILABLE];
    const struct vmon_value *usable = &dom->m[VMON_DOM_MEM_USABLE];
    const struct vmon_value *unused = &dom->m[VMON_DOM_MEM_UNUSED];
    /* "usable" (the guest's MemAvailable) counts reclaimable cache as free; "unused" does not */
    const struct vmon_value *free_v = vmon_value_has(usable) ? usable : unused;
    if (vmon_value_has(avail) && avail->u > 0 && vmon_value_has(free_v) && free_v->u <= avail->u)
        set_percent(&dom->m[VMON_DOM_MEM_USED_PERCENT],
                    100.0 * (double) (avail->u - free_v->u) / (double) avail->u);
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
