/*
 * One poll: libvirt -> raw values in a snapshot.  Bulk stats first
 * (virDomainListGetStats over a few concurrent slices of the domain list,
 * NOWAIT so a guest stuck in its monitor cannot stall the poll), then the
 * classic per-domain calls for whatever groups the driver leaves out.
 * What the driver lacks is learned once per connection.
 */
#ifndef VMON_COLLECT_H
#define VMON_COLLECT_H

#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "vmon-domxml.h"
#include "vmon-filter.h"
#include "vmon-snapshot.h"

/* What this connection's driver can do; flags are set as calls fail. */
/* The host's huge page pool as last read from the capabilities (vmon-hugepages.c). */
struct vmon_hugepool {
    double read_at;              /* monotonic; 0: read it at the next poll */
    size_t nsizes;
    unsigned kib[4];             /* the huge page sizes, KiB */
    unsigned long long total[4]; /* pages reserved of each, all NUMA cells */
};

struct vmon_caps {
    bool probed;
    unsigned bulk_groups;        /* VIR_DOMAIN_STATS_* the driver fills */
    bool bulk_nowait;
    bool no_bulk;                /* no virDomainListGetStats at all */
    bool no_block_stats_flags;
    bool no_block_stats;
    bool no_block_info;
    bool no_iface_stats;
    bool no_memory_stats;
    bool no_cpu_stats;
    bool no_vcpus;
    bool no_node_cpu_stats;
    bool no_node_mem_stats;
    bool no_job_stats;           /* no virDomainGetJobStats (the test driver) */
    bool no_hugepages;           /* no topology in the capabilities, or no virNodeGetFreePages */
    struct vmon_hugepool hugepool;
};

#define VMON_WANTED_GROUPS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
                            VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
                            VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

struct vmon_collector;

/* pools: read the storage pools too; labels: the declared domain labels
 * (vmon-labels.h; copied, may be NULL). */
struct vmon_collector *vmon_collector_new(unsigned workers, double timeout, bool pools,
                                          const struct vmon_label_defs *labels);
/* Domain XML documents fetched so far (vmon_health.xml_fetches). */
uint64_t vmon_collector_xml_fetches(const struct vmon_collector *c);
void vmon_collector_free(struct vmon_collector *c);
/* A new connection: forget the driver's capabilities, node facts and XML. */
void vmon_collector_forget(struct vmon_collector *c);
/* The domain changed (event thread): refetch its XML next poll. */
void vmon_collector_invalidate(struct vmon_collector *c, const unsigned char uuid[16]);
/* A storage pool changed (event thread): reread the pools' XML and volumes next poll. */
void vmon_collector_pools_changed(struct vmon_collector *c);
/* A job event named this domain (event thread): ask it for its job next poll. */
void vmon_collector_job_seen(struct vmon_collector *c, const unsigned char uuid[16]);
/* Fill snap (node + domains + storage pools). 0, or -1 with vmon_error_last(). */
int vmon_collect(struct vmon_collector *c, virConnectPtr conn, const struct vmon_filter *filter,
                 struct vmon_snapshot *snap);
/*
 * Whether the last vmon_collect() abandoned a call stuck on a frozen guest
 * (clears the flag).  The caller should move to a fresh connection: libvirt's
 * client delays every later reply on a connection whose oldest call never
 * returns (measured: polls of 5, 10, 15, 20 s, keepalive's rhythm).
 */
bool vmon_collector_left_calls_behind(struct vmon_collector *c);

/* vmon-fallback.c: the classic per-domain calls for the groups in missing. */
void vmon_fallback_domain(struct vmon_caps *caps, virDomainPtr dom, const struct vmon_domxml *xml,
                          unsigned missing, struct vmon_domain *out);
/* vmon-jobs.c: the job of one domain that has or may have one (virDomainGetJobStats). */
void vmon_job_collect(struct vmon_caps *caps, virDomainPtr d, struct vmon_domain *dom);
/* vmon-node.c */
int vmon_node_collect_static(virConnectPtr conn, struct vmon_node *node);
void vmon_node_collect_load(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node);
void vmon_node_copy_static(struct vmon_node *dst, const struct vmon_node *src);
/* vmon-hugepages.c */
void vmon_hugepages_collect(virConnectPtr conn, struct vmon_caps *caps, struct vmon_node *node);

/* vmon-typed-param.c: a typed parameter as uint64 (negative and non-numeric: false). */
bool vmon_typed_param_u64(const virTypedParameter *p, uint64_t *out);

#endif
