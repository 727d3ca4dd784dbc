#include "chk-policy.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-range.h"

/* The reasons that change what a state means: see chk-policy.h. */
static const struct chk_reason_rule default_rules[] = {
    { VMON_STATE_PAUSED, "migration", CHK_OK },
    { VMON_STATE_PAUSED, "save", CHK_OK },
    { VMON_STATE_PAUSED, "dump", CHK_OK },
    { VMON_STATE_PAUSED, "snapshot", CHK_OK },
    { VMON_STATE_PAUSED, "starting_up", CHK_OK },
    { VMON_STATE_PAUSED, "postcopy", CHK_OK },
    { VMON_STATE_PAUSED, "ioerror", CHK_CRITICAL },
    { VMON_STATE_PAUSED, "watchdog", CHK_CRITICAL },
    { VMON_STATE_PAUSED, "crashed", CHK_CRITICAL },
    { VMON_STATE_PAUSED, "postcopy_failed", CHK_CRITICAL },
    { VMON_STATE_PAUSED, "api_error", CHK_CRITICAL },
    { VMON_STATE_SHUTOFF, "crashed", CHK_CRITICAL },
    { VMON_STATE_SHUTOFF, "failed", CHK_CRITICAL },
};

void
chk_policy_init(struct chk_policy *p, bool named)
{
    memset(p, 0, sizeof(*p));
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
    memcpy(p->rules, default_rules, sizeof(default_rules));
    p->nrules = sizeof(default_rules) / sizeof(default_rules[0]);
}

static int
state_by_name(const char *name)
{
    for (int s = 0; s < VMON_STATE__N; s++)
        if (strcasecmp(name, vmon_domain_state_name(s)) == 0)
            return s;
    return -1;
}

/* The reasons of state as one string, for an error: "unknown, user, ..." */
static void
reason_list(int state, char *buf, size_t size)
{
    size_t used = 0;
    const char *t;

    buf[0] = '\0';
    for (int r = 0; (t = vmon_domain_reason_token(state, r)) && used < size; r++) {
        int n = snprintf(buf + used, size - used, "%s%s", r ? ", " : "", t);
        if (n < 0)
            break;
        used += (size_t) n;
    }
}

/* "STATE:REASON" = level; 0, or -1 with err saying what is wrong. */
static int
add_reason_rule(struct chk_policy *p, const char *state_name, const char *glob, int level,
                char *err, size_t errlen)
{
    int state = state_by_name(state_name);
    char known[256];

    if (state < 0) {
        snprintf(err, errlen, "--state '%s:%s': unknown domain state '%s' (known: running, "
                 "blocked, paused, shutdown, shutoff, crashed, pmsuspended, nostate)",
                 state_name, glob, state_name);
        return -1;
    }
    bool matches = false;
    const char *t;
    for (int r = 0; (t = vmon_domain_reason_token(state, r)); r++)
        matches = matches || fnmatch(glob, t, 0) == 0;
    reason_list(state, known, sizeof(known));
    if (!*glob || strlen(glob) >= sizeof(p->rules[0].reason) || !matches) {
        snprintf(err, errlen, "--state '%s:%s': no %s reason matches '%s' (known: %s)",
                 state_name, glob, vmon_domain_state_name(state), glob, known);
        return -1;
    }
    if (p->nrules >= CHK_POLICY_MAX_RULES) {
        snprintf(err, errlen, "--state: more than %d reason rules", CHK_POLICY_MAX_RULES);
        return -1;
    }
    struct chk_reason_rule *rule = &p->rules[p->nrules++];
    rule->state = state;
    snprintf(rule->reason, sizeof(rule->reason), "%s", glob);
    rule->level = level;
    return 0;
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
    int s = state_by_name(name);
    if (s < 0)
        return -1;
    p->level[s] = level;
    return 0;
}

int
chk_state_list_parse(const char *text, chk_state_apply_fn apply_fn, void *policy, size_t size,
                     const char *example, const char *known, char *err, size_t errlen)
{
    char *copy = strdup(text), *save = NULL;
    void *ctx = malloc(size);
    int rc = 0;

    if (!copy || !ctx) {
        free(copy);
        free(ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(ctx, policy, size);
    if (!*text) {
        snprintf(err, errlen, "empty --state (example: --state %s)", example);
        rc = -1;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int level = eq ? chk_state_from_name(eq + 1) : -1;
        if (eq)
            *eq = '\0';
        if (!eq)
            snprintf(err, errlen, "--state '%s': expected STATE=LEVEL (e.g. %.*s)", tok,
                     (int) strcspn(example, ","), example);
        else if (level < 0)
            snprintf(err, errlen, "--state '%s=%s': level must be ok, warning, critical or unknown",
                     tok, eq + 1);
        else if ((rc = apply_fn(ctx, tok, level, err, errlen)) == -2)
            snprintf(err, errlen, "--state '%s': unknown %s", tok, known);
        else if (rc == 0)
            continue;
        rc = -1;
    }
    if (rc == 0)
        memcpy(policy, ctx, size);
    free(copy);
    free(ctx);
    return rc;
}

/* One NAME=LEVEL of a domain policy: a state, or STATE:REASON. */
static int
apply_pair(void *ctx, char *name, int level, char *err, size_t errlen)
{
    struct chk_policy *p = ctx;
    char *colon = strchr(name, ':');

    if (colon) {
        *colon = '\0';
        return add_reason_rule(p, name, colon + 1, level, err, errlen);
    }
    return apply(p, name, level) < 0 ? -2 : 0;
}

int
chk_policy_parse(struct chk_policy *p, const char *text, char *err, size_t errlen)
{
    return chk_state_list_parse(text, apply_pair, p, sizeof(*p), "paused=critical,shutoff=ok",
                                "domain state (known: running, blocked, paused, shutdown, "
                                "shutoff, shutoff-autostart, shutoff-manual, crashed, "
                                "pmsuspended, nostate)", err, errlen);
}

int
chk_policy_state(const struct chk_policy *p, const struct vmon_domain *dom)
{
    const char *token = vmon_domain_reason_token(dom->state, dom->reason);

    for (size_t i = p->nrules; token && i-- > 0;)
        if (p->rules[i].state == dom->state && fnmatch(p->rules[i].reason, token, 0) == 0)
            return p->rules[i].level;
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
