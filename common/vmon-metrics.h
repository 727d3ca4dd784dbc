/* The metric table (vmon-metrics.def) as enums and descriptors. */
#ifndef VMON_METRICS_H
#define VMON_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum vmon_scope {
    VMON_SCOPE_NODE,
    VMON_SCOPE_DOMAIN,
    VMON_SCOPE_VCPU,
    VMON_SCOPE_DISK,
    VMON_SCOPE_NIC,
    VMON_SCOPE_POOL,         /* a storage pool: a sibling of the domains, under the node */
    VMON_SCOPE_FS,           /* a guest's mounted file system (guest agent), under its domain */
    VMON_SCOPE__N
};

enum vmon_kind {
    VMON_KIND_COUNTER,  /* monotonic uint64; the core derives a rate */
    VMON_KIND_GAUGE,    /* uint64 level */
    VMON_KIND_DERIVED,  /* double the core computes */
    VMON_KIND__N
};

enum vmon_unit {
    VMON_UNIT_COUNT,
    VMON_UNIT_NS,
    VMON_UNIT_KIB,
    VMON_UNIT_BYTES,
    VMON_UNIT_MHZ,
    VMON_UNIT_PERCENT,
    VMON_UNIT_SECONDS,
    VMON_UNIT_MS,
    VMON_UNIT__N
};

#define VMON_MF_WINDOW     0x1u
#define VMON_MF_FROM_RATES 0x2u

/* The memtag column: a libvirt name, resolved only where libvirt's header is in. */
#define VMON_MEMTAG(tag) VIR_DOMAIN_MEMORY_STAT_##tag

#define VMON_NODE_METRIC(ID, ...) VMON_NODE_##ID,
enum vmon_node_metric {
    VMON_NODE_NONE = -1,     /* the total column's "not summed" */
#include "vmon-metrics.def"
    VMON_NODE__N
};
#define VMON_DOMAIN_METRIC(ID, ...) VMON_DOM_##ID,
enum vmon_domain_metric {
    VMON_DOM_NONE = -1,
#include "vmon-metrics.def"
    VMON_DOM__N
};
#define VMON_VCPU_METRIC(ID, ...) VMON_VCPU_##ID,
enum vmon_vcpu_metric {
#include "vmon-metrics.def"
    VMON_VCPU__N
};
#define VMON_DISK_METRIC(ID, ...) VMON_DISK_##ID,
enum vmon_disk_metric {
#include "vmon-metrics.def"
    VMON_DISK__N
};
#define VMON_NIC_METRIC(ID, ...) VMON_NIC_##ID,
enum vmon_nic_metric {
#include "vmon-metrics.def"
    VMON_NIC__N
};
#define VMON_POOL_METRIC(ID, ...) VMON_POOL_##ID,
enum vmon_pool_metric {
#include "vmon-metrics.def"
    VMON_POOL__N
};
#define VMON_FS_METRIC(ID, ...) VMON_FS_##ID,
enum vmon_fs_metric {
#include "vmon-metrics.def"
    VMON_FS__N
};

struct vmon_metric_desc {
    enum vmon_scope scope;
    int id;                  /* index in its scope's enum */
    const char *id_name;     /* the ID as the .def writes it ("CPU_TIME"), for the MIB's names */
    const char *key;
    enum vmon_kind kind;
    enum vmon_unit unit;
    unsigned flags;          /* VMON_MF_* */
    unsigned group;          /* VMON_GROUP_* (vmon-snapshot.h), 0 for the node */
    int total;               /* id of the metric one scope up summing it, or -1 */
    int snmp_col;
    int snmp_rate_col;
    int snmp_win_col[3];     /* min, avg, max; 0 = none */
    const char *cd_type;
    int cd_ds;
    const char *cd_instance;
    const char *perf_label;
    const char *description;
};

/* All descriptors of one scope, in enum order. */
const struct vmon_metric_desc *vmon_metrics(enum vmon_scope scope, size_t *count);
/* The descriptor named key within scope, or NULL. */
const struct vmon_metric_desc *vmon_metric_find(enum vmon_scope scope, const char *key);
/* The scope one up that a metric's total column sums into; VMON_SCOPE__N for the node. */
enum vmon_scope vmon_scope_parent(enum vmon_scope scope);
/*
 * The scope whose metrics sum into d (a domain's disk totals: DISK), or
 * VMON_SCOPE__N when d is no total.
 */
enum vmon_scope vmon_metric_total_of(const struct vmon_metric_desc *d);

const char *vmon_scope_name(enum vmon_scope scope);
const char *vmon_kind_name(enum vmon_kind kind);
const char *vmon_unit_name(enum vmon_unit unit);

#endif
