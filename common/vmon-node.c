/* The host: facts fetched once per connection, load fetched every poll. */
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "vmon-collect.h"
#include "vmon-conn.h"
#include "vmon-util.h"

/* What virNodeGetInfo says, in its order; kept across polls of one connection. */
static const int static_metrics[] = {
    VMON_NODE_CPUS, VMON_NODE_MHZ, VMON_NODE_SOCKETS, VMON_NODE_CORES,
    VMON_NODE_THREADS, VMON_NODE_NUMA_CELLS, VMON_NODE_MEM_TOTAL,
};

int
vmon_node_collect_static(virConnectPtr conn, struct vmon_node *node)
{
    virNodeInfo info;

    if (virNodeGetInfo(conn, &info) < 0) {
        vmon_error_set("cannot read node info: %s", vmon_virt_error());
        return -1;
    }
    node->hostname = virConnectGetHostname(conn);
    node->hv_type = vmon_strdup(virConnectGetType(conn));
    virConnectGetVersion(conn, &node->hv_version);
    virConnectGetLibVersion(conn, &node->lib_version);
    node->cpu_model = vmon_strdup(info.model);
    const uint64_t values[] = {
        info.cpus, info.mhz, info.sockets, info.cores, info.threads, info.nodes, info.memory,
    };
    _Static_assert(VMON_ARRAY_SIZE(values) == VMON_ARRAY_SIZE(static_metrics), "one value a metric");
    for (size_t i = 0; i < VMON_ARRAY_SIZE(values); i++)
        vmon_value_set(&node->m[static_metrics[i]], values[i]);
    return 0;
}

void
vmon_node_copy_static(struct vmon_node *dst, const struct vmon_node *src)
{
    dst->hostname = vmon_strdup(src->hostname);
    dst->hv_type = vmon_strdup(src->hv_type);
    dst->cpu_model = vmon_strdup(src->cpu_model);
    dst->hv_version = src->hv_version;
    dst->lib_version = src->lib_version;
    for (size_t i = 0; i < VMON_ARRAY_SIZE(static_metrics); i++)
        dst->m[static_metrics[i]] = src->m[static_metrics[i]];
}

/* The fields of virNodeGetCPUStats and virNodeGetMemoryStats we keep. */
struct field_metric {
    const char *field;
    int metric;
};
static const struct field_metric cpu_fields[] = {
    { VIR_NODE_CPU_STATS_KERNEL, VMON_NODE_CPU_KERNEL },
    { VIR_NODE_CPU_STATS_USER, VMON_NODE_CPU_USER },
    { VIR_NODE_CPU_STATS_IDLE, VMON_NODE_CPU_IDLE },
    { VIR_NODE_CPU_STATS_IOWAIT, VMON_NODE_CPU_IOWAIT },
};
static const struct field_metric mem_fields[] = {
    { VIR_NODE_MEMORY_STATS_TOTAL, VMON_NODE_MEM_TOTAL },
    { VIR_NODE_MEMORY_STATS_FREE, VMON_NODE_MEM_FREE },
    { VIR_NODE_MEMORY_STATS_BUFFERS, VMON_NODE_MEM_BUFFERS },
    { VIR_NODE_MEMORY_STATS_CACHED, VMON_NODE_MEM_CACHED },
};

/* One field/value pair of either call, kept when map names it. */
static void
set_field(struct vmon_node *node, const struct field_metric *map, size_t nmap, const char *field,
          unsigned long long value)
{
    for (size_t f = 0; f < nmap; f++)
        if (strcmp(field, map[f].field) == 0)
            vmon_value_set(&node->m[map[f].metric], value);
}

static void
node_cpu_stats(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node)
{
    int n = 0;

    if (caps->no_node_cpu_stats)
        return;
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0 || n <= 0) {
        caps->no_node_cpu_stats = vmon_virt_unsupported();
        return;
    }
    virNodeCPUStatsPtr stats = vmon_realloc_array(NULL, (size_t) n, sizeof(*stats));
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, stats, &n, 0) == 0) {
        for (int i = 0; i < n; i++)
            set_field(node, cpu_fields, VMON_ARRAY_SIZE(cpu_fields), stats[i].field, stats[i].value);
    }
    free(stats);
}

static void
node_mem_stats(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node)
{
    int n = 0;

    if (!caps->no_node_mem_stats) {
        if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 && n > 0) {
            virNodeMemoryStatsPtr stats = vmon_realloc_array(NULL, (size_t) n, sizeof(*stats));
            if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, stats, &n, 0) == 0) {
                for (int i = 0; i < n; i++)
                    set_field(node, mem_fields, VMON_ARRAY_SIZE(mem_fields), stats[i].field,
                              stats[i].value);
            }
            free(stats);
            return;
        }
        caps->no_node_mem_stats = true;
    }
    /* the test driver has only these; total already came with the node info */
    unsigned long long free_bytes = virNodeGetFreeMemory(conn);
    if (free_bytes)
        vmon_value_set(&node->m[VMON_NODE_MEM_FREE], free_bytes / 1024);
}

void
vmon_node_collect_load(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node)
{
    node_cpu_stats(conn, caps, node);
    node_mem_stats(conn, caps, node);
    vmon_hugepages_collect(conn, caps, node);
}
