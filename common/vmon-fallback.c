/*
 * The classic per-domain calls, for drivers whose bulk stats leave groups
 * out (the test driver returns only "state").  Each call that the driver
 * does not support is remembered in caps and not tried again on this
 * connection.
 */
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "vmon-collect.h"
#include "vmon-conn.h"
#include "vmon-util.h"

/* Shared by worker threads: a flag only ever goes from false to true. */
static void
mark(bool *flag)
{
    __atomic_store_n(flag, true, __ATOMIC_RELAXED);
}

static bool
marked(const bool *flag)
{
    return __atomic_load_n(flag, __ATOMIC_RELAXED);
}

static void
set_if(struct vmon_value *v, long long value)
{
    /* libvirt reports -1 for "this driver does not know" */
    if (value >= 0)
        vmon_value_set(v, (uint64_t) value);
}

/*
 * The domain metric each virDomainMemoryStatTags value carries (the table's
 * memtag column).  Looked up, never indexed by tag: a tag newer than this
 * build is skipped.
 */
#define VMON_DOMAIN_METRIC(ID, key, kind, unit, flags, group, total, memtag, ...) \
    { memtag, VMON_DOM_##ID },
static const struct { int tag; int metric; } memory_tags[] = {
#include "vmon-metrics.def"
};

static int
memory_tag_metric(int tag)
{
    for (size_t i = 0; i < VMON_ARRAY_SIZE(memory_tags); i++)
        if (memory_tags[i].tag >= 0 && memory_tags[i].tag == tag)
            return memory_tags[i].metric;
    return -1;
}

static void
fallback_info(virDomainPtr dom, unsigned missing, struct vmon_domain *out)
{
    virDomainInfo info;

    if (virDomainGetInfo(dom, &info) < 0)
        return;
    if (missing & VIR_DOMAIN_STATS_STATE) {
        out->state = info.state;
        int state, reason;
        if (virDomainGetState(dom, &state, &reason, 0) == 0)
            out->reason = reason;
    }
    if (missing & VIR_DOMAIN_STATS_CPU_TOTAL && out->id >= 0)
        vmon_value_set(&out->m[VMON_DOM_CPU_TIME], info.cpuTime);
    if (missing & VIR_DOMAIN_STATS_BALLOON) {
        vmon_value_set(&out->m[VMON_DOM_MEM_CURRENT], info.memory);
        vmon_value_set(&out->m[VMON_DOM_MEM_MAXIMUM], info.maxMem);
    }
    if (missing & VIR_DOMAIN_STATS_VCPU && out->id >= 0)
        vmon_value_set(&out->m[VMON_DOM_VCPU_CURRENT], info.nrVirtCpu);
}

static void
fallback_cpu(struct vmon_caps *caps, virDomainPtr dom, struct vmon_domain *out)
{
    virTypedParameter params[8];

    if (marked(&caps->no_cpu_stats))
        return;
    int n = virDomainGetCPUStats(dom, params, VMON_ARRAY_SIZE(params), -1, 1, 0);
    if (n < 0) {
        if (vmon_virt_unsupported())
            mark(&caps->no_cpu_stats);
        return;
    }
    for (int i = 0; i < n; i++) {
        uint64_t v;
        if (!vmon_typed_param_u64(&params[i], &v))
            continue;
        /* cpu_time here may differ from GetInfo's; keep GetInfo's as cpu.time */
        if (strcmp(params[i].field, VIR_DOMAIN_CPU_STATS_USERTIME) == 0)
            vmon_value_set(&out->m[VMON_DOM_CPU_USER], v);
        else if (strcmp(params[i].field, VIR_DOMAIN_CPU_STATS_SYSTEMTIME) == 0)
            vmon_value_set(&out->m[VMON_DOM_CPU_SYSTEM], v);
    }
    virTypedParamsClear(params, n);
}

static void
fallback_memory(struct vmon_caps *caps, virDomainPtr dom, struct vmon_domain *out)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];

    if (marked(&caps->no_memory_stats))
        return;
    int n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        if (vmon_virt_unsupported())
            mark(&caps->no_memory_stats);
        return;
    }
    for (int i = 0; i < n; i++) {
        int metric = memory_tag_metric(stats[i].tag);
        if (metric >= 0)
            vmon_value_set(&out->m[metric], stats[i].val);
    }
}

static void
fallback_vcpus(struct vmon_caps *caps, virDomainPtr dom, const struct vmon_domxml *xml,
               struct vmon_domain *out)
{
    if (xml)
        vmon_value_set(&out->m[VMON_DOM_VCPU_MAXIMUM], xml->vcpu_max);
    if (marked(&caps->no_vcpus) || !vmon_value_has(&out->m[VMON_DOM_VCPU_CURRENT]))
        return;
    int nvcpus = (int) out->m[VMON_DOM_VCPU_CURRENT].u;
    if (nvcpus <= 0 || nvcpus > 4096)
        return;
    virVcpuInfoPtr info = vmon_realloc_array(NULL, (size_t) nvcpus, sizeof(*info));
    int n = virDomainGetVcpus(dom, info, nvcpus, NULL, 0);
    if (n < 0 && vmon_virt_unsupported())
        mark(&caps->no_vcpus);
    for (int i = 0; i < n; i++) {
        struct vmon_vcpu *v = vmon_domain_get_vcpu(out, info[i].number);
        vmon_value_set(&v->m[VMON_VCPU_STATE], (uint64_t) info[i].state);
        vmon_value_set(&v->m[VMON_VCPU_TIME], info[i].cpuTime);
    }
    free(info);
}

static void
fallback_disk(struct vmon_caps *caps, virDomainPtr dom, const struct vmon_domxml_disk *xd,
              struct vmon_domain *out)
{
    struct vmon_disk *disk = vmon_domain_add_disk(out, xd->target);

    if (!disk->path)
        disk->path = vmon_strdup(xd->source);
    if (!marked(&caps->no_block_stats_flags)) {
        virTypedParameter params[16];
        int n = VMON_ARRAY_SIZE(params);
        static const struct { const char *field; int metric; } fields[] = {
            { VIR_DOMAIN_BLOCK_STATS_READ_REQ, VMON_DISK_RD_REQS },
            { VIR_DOMAIN_BLOCK_STATS_READ_BYTES, VMON_DISK_RD_BYTES },
            { VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, VMON_DISK_RD_TIMES },
            { VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, VMON_DISK_WR_REQS },
            { VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, VMON_DISK_WR_BYTES },
            { VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, VMON_DISK_WR_TIMES },
            { VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, VMON_DISK_FL_REQS },
            { VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, VMON_DISK_FL_TIMES },
            { VIR_DOMAIN_BLOCK_STATS_ERRS, VMON_DISK_ERRS },
        };
        if (virDomainBlockStatsFlags(dom, xd->target, params, &n, 0) == 0) {
            for (int i = 0; i < n; i++) {
                uint64_t v;
                if (!vmon_typed_param_u64(&params[i], &v))
                    continue;
                for (size_t f = 0; f < VMON_ARRAY_SIZE(fields); f++)
                    if (strcmp(params[i].field, fields[f].field) == 0)
                        vmon_value_set(&disk->m[fields[f].metric], v);
            }
            goto info;
        }
        if (vmon_virt_unsupported())
            mark(&caps->no_block_stats_flags);
    }
    if (!marked(&caps->no_block_stats)) {
        virDomainBlockStatsStruct st;
        if (virDomainBlockStats(dom, xd->target, &st, sizeof(st)) == 0) {
            set_if(&disk->m[VMON_DISK_RD_REQS], st.rd_req);
            set_if(&disk->m[VMON_DISK_RD_BYTES], st.rd_bytes);
            set_if(&disk->m[VMON_DISK_WR_REQS], st.wr_req);
            set_if(&disk->m[VMON_DISK_WR_BYTES], st.wr_bytes);
            set_if(&disk->m[VMON_DISK_ERRS], st.errs);
        } else if (vmon_virt_unsupported()) {
            mark(&caps->no_block_stats);
        }
    }
info:
    if (!marked(&caps->no_block_info)) {
        virDomainBlockInfo bi;
        if (virDomainGetBlockInfo(dom, xd->target, &bi, 0) == 0) {
            vmon_value_set(&disk->m[VMON_DISK_CAPACITY], bi.capacity);
            vmon_value_set(&disk->m[VMON_DISK_ALLOCATION], bi.allocation);
            vmon_value_set(&disk->m[VMON_DISK_PHYSICAL], bi.physical);
        } else if (vmon_virt_unsupported()) {
            mark(&caps->no_block_info);
        }
    }
}

static void
fallback_nic(struct vmon_caps *caps, virDomainPtr dom, const struct vmon_domxml_nic *xn,
             struct vmon_domain *out)
{
    virDomainInterfaceStatsStruct st;

    if (!xn->target)
        return;
    struct vmon_nic *nic = vmon_domain_add_nic(out, xn->target);
    if (marked(&caps->no_iface_stats))
        return;
    if (virDomainInterfaceStats(dom, xn->target, &st, sizeof(st)) < 0) {
        if (vmon_virt_unsupported())
            mark(&caps->no_iface_stats);
        return;
    }
    set_if(&nic->m[VMON_NIC_RX_BYTES], st.rx_bytes);
    set_if(&nic->m[VMON_NIC_RX_PKTS], st.rx_packets);
    set_if(&nic->m[VMON_NIC_RX_ERRS], st.rx_errs);
    set_if(&nic->m[VMON_NIC_RX_DROP], st.rx_drop);
    set_if(&nic->m[VMON_NIC_TX_BYTES], st.tx_bytes);
    set_if(&nic->m[VMON_NIC_TX_PKTS], st.tx_packets);
    set_if(&nic->m[VMON_NIC_TX_ERRS], st.tx_errs);
    set_if(&nic->m[VMON_NIC_TX_DROP], st.tx_drop);
}

void
vmon_fallback_domain(struct vmon_caps *caps, virDomainPtr dom, const struct vmon_domxml *xml,
                     unsigned missing, struct vmon_domain *out)
{
    bool active = out->id >= 0;

    if (missing & (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
                   VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU))
        fallback_info(dom, missing, out);
    if (!active)
        return;
    if (missing & VIR_DOMAIN_STATS_CPU_TOTAL)
        fallback_cpu(caps, dom, out);
    if (missing & VIR_DOMAIN_STATS_BALLOON)
        fallback_memory(caps, dom, out);
    if (missing & VIR_DOMAIN_STATS_VCPU)
        fallback_vcpus(caps, dom, xml, out);
    for (size_t i = 0; xml && (missing & VIR_DOMAIN_STATS_BLOCK) && i < xml->ndisks; i++)
        fallback_disk(caps, dom, &xml->disks[i], out);
    for (size_t i = 0; xml && (missing & VIR_DOMAIN_STATS_INTERFACE) && i < xml->nnics; i++)
        fallback_nic(caps, dom, &xml->nics[i], out);
}
