#include "chk-pool-policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int
chk_pool_policy_parse(struct chk_pool_policy *p, const char *text, char *err, size_t errlen)
{
    struct chk_pool_policy tmp = *p;
    char *copy = strdup(text), *save = NULL;
    int rc = 0;

    if (!copy)
        return -1;
    if (!*text) {
        snprintf(err, errlen, "empty --state (example: --state degraded=critical,inactive=ok)");
        rc = -1;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int level = eq ? chk_state_from_name(eq + 1) : -1;
        if (eq)
            *eq = '\0';
        if (!eq)
            snprintf(err, errlen, "--state '%s': expected STATE=LEVEL (e.g. degraded=critical)", tok);
        else if (level < 0)
            snprintf(err, errlen, "--state '%s=%s': level must be ok, warning, critical or unknown",
                     tok, eq + 1);
        else if (apply(&tmp, tok, level) < 0)
            snprintf(err, errlen, "--state '%s': unknown pool state (known: running, building, "
                     "degraded, inaccessible, inactive, inactive-autostart, inactive-manual)", tok);
        else
            continue;
        rc = -1;
    }
    free(copy);
    if (rc == 0)
        *p = tmp;
    return rc;
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
