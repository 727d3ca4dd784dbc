#include "vmon-metrics.h"

#include <string.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

/* PARENT: the enum prefix of the scope the total column names (vmon_scope_parent). */
#define DESC(SCOPE, PFX, PARENT, ID, key, kind, unit, flags, group, total, memtag, col, ratecol, \
             wmin, wavg, wmax, cdtype, cdds, cdinst, perf, descr) \
    { VMON_SCOPE_##SCOPE, PFX##ID, key, VMON_KIND_##kind, VMON_UNIT_##unit, flags, \
      VMON_GROUP_##group, PARENT##total, col, ratecol, { wmin, wavg, wmax }, \
      cdtype, cdds, cdinst, perf, descr },

#define VMON_NODE_METRIC(ID, ...) DESC(NODE, VMON_NODE_, VMON_NODE_, ID, __VA_ARGS__)
static const struct vmon_metric_desc node_metrics[] = {
#include "vmon-metrics.def"
};
#define VMON_DOMAIN_METRIC(ID, ...) DESC(DOMAIN, VMON_DOM_, VMON_NODE_, ID, __VA_ARGS__)
static const struct vmon_metric_desc domain_metrics[] = {
#include "vmon-metrics.def"
};
#define VMON_VCPU_METRIC(ID, ...) DESC(VCPU, VMON_VCPU_, VMON_DOM_, ID, __VA_ARGS__)
static const struct vmon_metric_desc vcpu_metrics[] = {
#include "vmon-metrics.def"
};
#define VMON_DISK_METRIC(ID, ...) DESC(DISK, VMON_DISK_, VMON_DOM_, ID, __VA_ARGS__)
static const struct vmon_metric_desc disk_metrics[] = {
#include "vmon-metrics.def"
};
#define VMON_NIC_METRIC(ID, ...) DESC(NIC, VMON_NIC_, VMON_DOM_, ID, __VA_ARGS__)
static const struct vmon_metric_desc nic_metrics[] = {
#include "vmon-metrics.def"
};

#define VMON_POOL_METRIC(ID, ...) DESC(POOL, VMON_POOL_, VMON_NODE_, ID, __VA_ARGS__)
static const struct vmon_metric_desc pool_metrics[] = {
#include "vmon-metrics.def"
};

#define VMON_FS_METRIC(ID, ...) DESC(FS, VMON_FS_, VMON_DOM_, ID, __VA_ARGS__)
static const struct vmon_metric_desc fs_metrics[] = {
#include "vmon-metrics.def"
};

static const struct {
    const struct vmon_metric_desc *list;
    size_t count;
} tables[VMON_SCOPE__N] = {
    [VMON_SCOPE_NODE] = { node_metrics, VMON_ARRAY_SIZE(node_metrics) },
    [VMON_SCOPE_DOMAIN] = { domain_metrics, VMON_ARRAY_SIZE(domain_metrics) },
    [VMON_SCOPE_VCPU] = { vcpu_metrics, VMON_ARRAY_SIZE(vcpu_metrics) },
    [VMON_SCOPE_DISK] = { disk_metrics, VMON_ARRAY_SIZE(disk_metrics) },
    [VMON_SCOPE_NIC] = { nic_metrics, VMON_ARRAY_SIZE(nic_metrics) },
    [VMON_SCOPE_POOL] = { pool_metrics, VMON_ARRAY_SIZE(pool_metrics) },
    [VMON_SCOPE_FS] = { fs_metrics, VMON_ARRAY_SIZE(fs_metrics) },
};

const struct vmon_metric_desc *
vmon_metrics(enum vmon_scope scope, size_t *count)
{
    if ((unsigned) scope >= VMON_SCOPE__N) {
        *count = 0;
        return NULL;
    }
    *count = tables[scope].count;
    return tables[scope].list;
}

const struct vmon_metric_desc *
vmon_metric_find(enum vmon_scope scope, const char *key)
{
    size_t n;
    const struct vmon_metric_desc *list = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].key, key) == 0)
            return &list[i];
    return NULL;
}

enum vmon_scope
vmon_scope_parent(enum vmon_scope scope)
{
    switch (scope) {
    case VMON_SCOPE_DOMAIN:
    case VMON_SCOPE_POOL: return VMON_SCOPE_NODE;
    case VMON_SCOPE_VCPU:
    case VMON_SCOPE_DISK:
    case VMON_SCOPE_NIC:
    case VMON_SCOPE_FS: return VMON_SCOPE_DOMAIN;
    default: return VMON_SCOPE__N;
    }
}

enum vmon_scope
vmon_metric_total_of(const struct vmon_metric_desc *d)
{
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n;
        const struct vmon_metric_desc *list = vmon_metrics((enum vmon_scope) s, &n);

        if (vmon_scope_parent((enum vmon_scope) s) != d->scope)
            continue;
        for (size_t i = 0; i < n; i++)
            if (list[i].total == d->id)
                return (enum vmon_scope) s;
    }
    return VMON_SCOPE__N;
}

static const char *const scope_names[] = { "node", "domain", "vcpu", "disk", "nic", "pool", "fs" };
static const char *const kind_names[] = { "counter", "gauge", "derived" };
static const char *const unit_names[] = { "count", "ns", "KiB", "bytes", "MHz", "percent", "seconds", "ms" };
_Static_assert(VMON_ARRAY_SIZE(scope_names) == VMON_SCOPE__N, "scope names");
_Static_assert(VMON_ARRAY_SIZE(kind_names) == VMON_KIND__N, "kind names");
_Static_assert(VMON_ARRAY_SIZE(unit_names) == VMON_UNIT__N, "unit names");

const char *vmon_scope_name(enum vmon_scope s) { return (unsigned) s < VMON_SCOPE__N ? scope_names[s] : "?"; }
const char *vmon_kind_name(enum vmon_kind k) { return (unsigned) k < VMON_KIND__N ? kind_names[k] : "?"; }
const char *vmon_unit_name(enum vmon_unit u) { return (unsigned) u < VMON_UNIT__N ? unit_names[u] : "?"; }
