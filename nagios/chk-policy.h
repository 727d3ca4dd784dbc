/*
 * Which plugin state each domain state maps to.  Defaults follow what
 * admins expect: running OK; paused, blocked, pmsuspended and shutting
 * down WARNING; crashed CRITICAL; shut off CRITICAL for a domain named on
 * the command line, and for several domains only when marked autostart,
 * since not every stopped VM is a fault.
 *
 * The reason refines it: a guest paused by a migration, a save, a dump or
 * a snapshot is doing what it was asked to (OK), one paused by an I/O error
 * (a full storage pool), a watchdog or a crash is not (CRITICAL), nor is a
 * guest that stopped because it crashed or its QEMU died, autostart or not.
 *
 * Text form (--state): "paused=critical,shutoff=ok" with libvirt's state
 * names, plus "shutoff-autostart" and "shutoff-manual" to set the two
 * shut-off cases apart ("shutoff" sets both), and "STATE:REASON=LEVEL"
 * with libvirt's reason in lower case ("paused:ioerror"; a glob:
 * "paused:*").  A reason rule wins over its state's level; of two rules for
 * one reason the later wins, so the user's come after the defaults.
 */
#ifndef CHK_POLICY_H
#define CHK_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "vmon-snapshot.h"

struct chk_reason_rule {
    int state;                   /* enum vmon_domain_state */
    char reason[32];             /* fnmatch() glob over vmon_domain_reason_token() */
    int level;                   /* enum chk_state */
};

#define CHK_POLICY_MAX_RULES 48

struct chk_policy {
    int level[VMON_STATE__N];    /* enum chk_state per enum vmon_domain_state */
    int shutoff_autostart;       /* shut off and marked autostart */
    int shutoff_manual;          /* shut off, not autostart */
    struct chk_reason_rule rules[CHK_POLICY_MAX_RULES];
    size_t nrules;
};

/* Defaults; named: one domain asked for by name or UUID. */
void chk_policy_init(struct chk_policy *p, bool named);
/*
 * A --state list, "NAME=LEVEL[,...]", for any policy (size bytes at
 * policy): each pair goes to apply(copy, NAME, LEVEL, err, errlen) on a
 * copy, which returns 0, -1 having written its own error, or -2 for a NAME
 * it does not know (the error then lists known); the copy replaces the
 * policy only when every pair applied.  example shows a good list.  0, or
 * -1 with err naming the bad part.
 */
typedef int (*chk_state_apply_fn)(void *policy, char *name, int level, char *err, size_t errlen);
int chk_state_list_parse(const char *text, chk_state_apply_fn apply_fn, void *policy, size_t size,
                         const char *example, const char *known, char *err, size_t errlen);

/* Apply "state=level[,...]". 0, or -1 with err naming the bad part. */
int chk_policy_parse(struct chk_policy *p, const char *text, char *err, size_t errlen);
int chk_policy_state(const struct chk_policy *p, const struct vmon_domain *dom);
/* "shut off" reads better than libvirt's "shutoff" in output. */
const char *chk_policy_state_text(int state);

#endif
