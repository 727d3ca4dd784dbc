#include "chk-pool-policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chk-policy.h"
#include "vmon-range.h"

void
chk_pool_policy_init(struct chk_pool_policy *p, bool named)
{
    p->level[VMON_POOL_INACTIVE] = CHK_CRITICAL;
    p->level[VMON_POOL_BUILDING] = CHK_WARNING;
    p->level[VMON_POOL_RUNNING] = CHK_OK;
    p->level[VMON_POOL_DEGRADED] = CHK_WARNING;
    p->level[VMON_POOL_INACCESSIBLE] = CHK_CRITICAL;
    p->inactive_autostart = CHK_CRITICAL;
    p->inactive_manual = named ? CHK_CRITICAL : CHK_OK;
}

static int
apply(struct chk_pool_policy *p, const char *name, int level)
{
    if (strcasecmp(name, "inactive") == 0) {
        p->inactive_autostart = p->inactive_manual = level;
        return 0;
    }
    if (strcasecmp(name, "inactive-autostart") == 0) {
        p->inactive_autostart = level;
        return 0;
    }
    if (strcasecmp(name, "inactive-manual") == 0) {
        p->inactive_manual = level;
        return 0;
    }
    int s = vmon_pool_state_parse(name);
    if (s < 0)
        return -1;
    p->level[s] = level;
    return 0;
}

static int
apply_pair(void *ctx, char *name, int level, char *err, size_t errlen)
{
    (void) err;
    (void) errlen;
    return apply(ctx, name, level) < 0 ? -2 : 0;
}

int
chk_pool_policy_parse(struct chk_pool_policy *p, const char *text, char *err, size_t errlen)
{
    return chk_state_list_parse(text, apply_pair, p, sizeof(*p), "degraded=critical,inactive=ok",
                                "pool state (known: running, building, degraded, inaccessible, "
                                "inactive, inactive-autostart, inactive-manual)", err, errlen);
}

int
chk_pool_policy_state(const struct chk_pool_policy *p, const struct vmon_pool *pool)
{
    if (pool->state == VMON_POOL_INACTIVE)
        return pool->autostart ? p->inactive_autostart : p->inactive_manual;
    if (pool->state < 0 || pool->state >= VMON_POOL_STATE__N)
        return CHK_UNKNOWN;
    return p->level[pool->state];
}
