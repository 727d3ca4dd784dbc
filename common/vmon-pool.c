/* A snapshot's storage pools: names, lookups, building. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

static const char *const pool_state_names[] = {
    "inactive", "building", "running", "degraded", "inaccessible",
};
_Static_assert(VMON_ARRAY_SIZE(pool_state_names) == VMON_POOL_STATE__N, "pool state names");

const char *
vmon_pool_state_name(int state)
{
    return state >= 0 && state < VMON_POOL_STATE__N ? pool_state_names[state] : "unknown";
}

int
vmon_pool_state_parse(const char *name)
{
    for (int i = 0; i < VMON_POOL_STATE__N; i++)
        if (strcmp(name, pool_state_names[i]) == 0)
            return i;
    return -1;
}

const struct vmon_pool *
vmon_snapshot_find_pool(const struct vmon_snapshot *snap, const char *uuid_or_name)
{
    for (size_t i = 0; i < snap->npools; i++)
        if (strcmp(snap->pools[i].name, uuid_or_name) == 0 ||
            strcasecmp(snap->pools[i].uuid_str, uuid_or_name) == 0)
            return &snap->pools[i];
    return NULL;
}

struct vmon_pool *
vmon_snapshot_add_pool(struct vmon_snapshot *snap)
{
    snap->pools = vmon_realloc_array(snap->pools, snap->npools + 1, sizeof(*snap->pools));
    struct vmon_pool *pool = &snap->pools[snap->npools++];
    memset(pool, 0, sizeof(*pool));
    return pool;
}

VMON_STRINGS(pool_strings, struct vmon_pool, name, type, path);

void
vmon_pool_copy(struct vmon_pool *dst, const struct vmon_pool *src)
{
    *dst = *src;
    vmon_strings_dup(dst, &pool_strings);
}

void
vmon_pool_array_free(struct vmon_pool *pools, size_t n)
{
    vmon_strings_array_free(pools, n, sizeof(*pools), &pool_strings);
}

void
vmon_snapshot_clear_pools(struct vmon_snapshot *snap)
{
    vmon_pool_array_free(snap->pools, snap->npools);
    snap->pools = NULL;
    snap->npools = 0;
}

static int
compare_pools(const void *a, const void *b)
{
    return strcmp(((const struct vmon_pool *) a)->name, ((const struct vmon_pool *) b)->name);
}

void
vmon_snapshot_finish_pools(struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->npools; i++) {
        struct vmon_value *m = snap->pools[i].m;
        if (vmon_value_has(&m[VMON_POOL_CAPACITY]) && vmon_value_has(&m[VMON_POOL_ALLOCATION]) &&
            m[VMON_POOL_CAPACITY].u > 0)
            vmon_value_set_double(&m[VMON_POOL_USED_PERCENT],
                                  100.0 * (double) m[VMON_POOL_ALLOCATION].u /
                                  (double) m[VMON_POOL_CAPACITY].u);
    }
    if (snap->npools > 1)
        qsort(snap->pools, snap->npools, sizeof(*snap->pools), compare_pools);
}
