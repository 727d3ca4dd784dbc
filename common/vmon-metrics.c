#include "vmon-metrics.h"

#include <string.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

/*
 * One descriptor at all.member[its enum value].  PARENT: the enum prefix of
 * the scope the total column names (vmon_scope_parent).
 */
#define DESC(SCOPE, member, PFX, PARENT, ID, key, kind, unit, flags, group, total, memtag, col, \
             ratecol, wmin, wavg, wmax, cdtype, cdds, cdinst, perf, descr) \
    .member[PFX##ID] = { VMON_SCOPE_##SCOPE, PFX##ID, #ID, key, VMON_KIND_##kind, VMON_UNIT_##unit, \
                         flags, VMON_GROUP_##group, PARENT##total, col, ratecol, { wmin, wavg, wmax }, \
                         cdtype, cdds, cdinst, perf, descr },

/* Every scope's descriptors from one pass over the table. */
static const struct {
    struct vmon_metric_desc node[VMON_NODE__N], domain[VMON_DOM__N], vcpu[VMON_VCPU__N],
        disk[VMON_DISK__N], nic[VMON_NIC__N], pool[VMON_POOL__N], fs[VMON_FS__N];
} all = {
#define VMON_NODE_METRIC(ID, ...) DESC(NODE, node, VMON_NODE_, VMON_NODE_, ID, __VA_ARGS__)
#define VMON_DOMAIN_METRIC(ID, ...) DESC(DOMAIN, domain, VMON_DOM_, VMON_NODE_, ID, __VA_ARGS__)
#define VMON_VCPU_METRIC(ID, ...) DESC(VCPU, vcpu, VMON_VCPU_, VMON_DOM_, ID, __VA_ARGS__)
#define VMON_DISK_METRIC(ID, ...) DESC(DISK, disk, VMON_DISK_, VMON_DOM_, ID, __VA_ARGS__)
#define VMON_NIC_METRIC(ID, ...) DESC(NIC, nic, VMON_NIC_, VMON_DOM_, ID, __VA_ARGS__)
#define VMON_POOL_METRIC(ID, ...) DESC(POOL, pool, VMON_POOL_, VMON_NODE_, ID, __VA_ARGS__)
#define VMON_FS_METRIC(ID, ...) DESC(FS, fs, VMON_FS_, VMON_DOM_, ID, __VA_ARGS__)
#include "vmon-metrics.def"
};

static const struct {
    const struct vmon_metric_desc *list;
    size_t count;
} tables[VMON_SCOPE__N] = {
    [VMON_SCOPE_NODE] = { all.node, VMON_ARRAY_SIZE(all.node) },
    [VMON_SCOPE_DOMAIN] = { all.domain, VMON_ARRAY_SIZE(all.domain) },
    [VMON_SCOPE_VCPU] = { all.vcpu, VMON_ARRAY_SIZE(all.vcpu) },
    [VMON_SCOPE_DISK] = { all.disk, VMON_ARRAY_SIZE(all.disk) },
    [VMON_SCOPE_NIC] = { all.nic, VMON_ARRAY_SIZE(all.nic) },
    [VMON_SCOPE_POOL] = { all.pool, VMON_ARRAY_SIZE(all.pool) },
    [VMON_SCOPE_FS] = { all.fs, VMON_ARRAY_SIZE(all.fs) },
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
