/*
 * Which plugin state each storage pool state maps to, as chk-policy.h does
 * for domains.  Defaults: running OK; building and degraded WARNING;
 * inaccessible CRITICAL; inactive CRITICAL for a pool named on the command
 * line, and for several pools only when marked autostart (a pool someone
 * stopped on purpose is no fault, one that should have started is).
 *
 * Text form (--state): "degraded=critical,inactive=ok" with libvirt's pool
 * state names, plus "inactive-autostart" and "inactive-manual" to set the
 * two inactive cases apart ("inactive" sets both).
 */
#ifndef CHK_POOL_POLICY_H
#define CHK_POOL_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "vmon-snapshot.h"

struct chk_pool_policy {
    int level[VMON_POOL_STATE__N];   /* enum chk_state per enum vmon_pool_state */
    int inactive_autostart;          /* inactive and marked autostart */
    int inactive_manual;             /* inactive, not autostart */
};

/* Defaults; named: one pool asked for by name or UUID. */
void chk_pool_policy_init(struct chk_pool_policy *p, bool named);
/* Apply "state=level[,...]". 0, or -1 with err naming the bad part. */
int chk_pool_policy_parse(struct chk_pool_policy *p, const char *text, char *err, size_t errlen);
int chk_pool_policy_state(const struct chk_pool_policy *p, const struct vmon_pool *pool);

#endif
