#include "chk-policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-range.h"

void
chk_policy_init(struct chk_policy *p, bool named)
{
    p->level[VMON_STATE_NOSTATE] = CHK_UNKNOWN;
    p->level[VMON_STATE_RUNNING] = CHK_OK;
    p->level[VMON_STATE_BLOCKED] = CHK_WARNING;
    p->level[VMON_STATE_PAUSED] = CHK_WARNING;
    p->level[VMON_STATE_SHUTDOWN] = CHK_WARNING;
    p->level[VMON_STATE_SHUTOFF] = CHK_CRITICAL;
    p->level[VMON_STATE_CRASHED] = CHK_CRITICAL;
    p->level[VMON_STATE_PMSUSPENDED] = CHK_WARNING;
    p->shutoff_autostart = CHK_CRITICAL;
    p->shutoff_manual = named ? CHK_CRITICAL : CHK_OK;
}

static int
apply(struct chk_policy *p, const char *name, int level)
{
    if (strcasecmp(name, "shutoff") == 0 || strcasecmp(name, "shut-off") == 0) {
        p->shutoff_autostart = p->shutoff_manual = level;
        return 0;
    }
    if (strcasecmp(name, "shutoff-autostart") == 0) {
        p->shutoff_autostart = level;
        return 0;
    }
    if (strcasecmp(name, "shutoff-manual") == 0) {
        p->shutoff_manual = level;
        return 0;
    }
    for (int s = 0; s < VMON_STATE__N; s++) {
        if (strcasecmp(name, vmon_domain_state_name(s)) == 0) {
            p->level[s] = level;
            return 0;
        }
    }
    return -1;
}

int
chk_policy_parse(struct chk_policy *p, const char *text, char *err, size_t errlen)
{
    struct chk_policy tmp = *p;
    char *copy = strdup(text), *save = NULL;
    int rc = 0;

    if (!copy)
        return -1;
    if (!*text) {
        snprintf(err, errlen, "empty --state (example: --state paused=critical,shutoff=ok)");
        rc = -1;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, errlen, "--state '%s': expected STATE=LEVEL (e.g. paused=critical)", tok);
            rc = -1;
            break;
        }
        *eq = '\0';
        int level = chk_state_from_name(eq + 1);
        if (level < 0) {
            snprintf(err, errlen, "--state '%s=%s': level must be ok, warning, critical or unknown",
                     tok, eq + 1);
            rc = -1;
        } else if (apply(&tmp, tok, level) < 0) {
            snprintf(err, errlen, "--state '%s': unknown domain state (known: running, blocked, "
                     "paused, shutdown, shutoff, shutoff-autostart, shutoff-manual, crashed, "
                     "pmsuspended, nostate)", tok);
            rc = -1;
        }
    }
    free(copy);
    if (rc == 0)
        *p = tmp;
    return rc;
}

int
chk_policy_state(const struct chk_policy *p, const struct vmon_domain *dom)
{
    if (dom->state == VMON_STATE_SHUTOFF)
        return dom->autostart ? p->shutoff_autostart : p->shutoff_manual;
    if (dom->state < 0 || dom->state >= VMON_STATE__N)
        return CHK_UNKNOWN;
    return p->level[dom->state];
}

const char *
chk_policy_state_text(int state)
{
    switch (state) {
    case VMON_STATE_SHUTOFF: return "shut off";
    case VMON_STATE_SHUTDOWN: return "shutting down";
    case VMON_STATE_NOSTATE: return "in no state";
    default: return vmon_domain_state_name(state);
    }
}
