#include "vmon-action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"

static const char *const action_names[] = {
    "none", "start", "shutdown", "reboot", "reset", "destroy", "suspend", "resume", "start-paused",
};
_Static_assert(VMON_ARRAY_SIZE(action_names) == VMON_ACTION__N, "action names");

static const char *const status_names[] = {
    "ok", "pending", "ignored", "refused", "invalid", "not-found", "failed",
};
_Static_assert(VMON_ARRAY_SIZE(status_names) == VMON_ACTION_STATUS__N, "status names");

const char *
vmon_action_name(enum vmon_action a)
{
    return vmon_name_at(action_names, VMON_ACTION__N, a);
}

const char *
vmon_action_status_name(enum vmon_action_status s)
{
    return vmon_name_at(status_names, VMON_ACTION_STATUS__N, s);
}

/* The index of name among n names (compared by cmp), or -1. */
static int
index_of(const char *const *names, size_t n, const char *name,
         int (*cmp)(const char *, const char *))
{
    for (size_t i = 0; i < n; i++)
        if (cmp(name, names[i]) == 0)
            return (int) i;
    return -1;
}

/* As a user types it: any case. */
int
vmon_action_from_name(const char *name)
{
    return index_of(action_names, VMON_ARRAY_SIZE(action_names), name, strcasecmp);
}

/* As the wire writes it. */
int
vmon_action_status_from_name(const char *name)
{
    return index_of(status_names, VMON_ARRAY_SIZE(status_names), name, strcmp);
}

int
vmon_actions_parse(const char *text, unsigned *mask)
{
    unsigned m = 0;
    char *copy = vmon_strdup(text), *save = NULL;

    if (strcasecmp(text, "none") == 0) {
        free(copy);
        *mask = 0;
        return 0;
    }
    for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        if (strcasecmp(tok, "all") == 0) {
            for (int a = VMON_ACTION_NONE + 1; a < VMON_ACTION__N; a++)
                if (a != VMON_ACTION_START_PAUSED)
                    m |= 1u << a;
            continue;
        }
        int a = vmon_action_from_name(tok);
        /* start-paused comes with start (vmon_action_allowed) */
        if (a <= VMON_ACTION_NONE || a == VMON_ACTION_START_PAUSED) {
            vmon_error_set("unknown action '%s' (known: start, shutdown, reboot, reset, "
                           "destroy, suspend, resume, all, none)", tok);
            free(copy);
            return -1;
        }
        m |= 1u << a;
    }
    free(copy);
    *mask = m;
    return 0;
}

const char *
vmon_actions_format(unsigned mask, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int a = VMON_ACTION_NONE + 1; a < VMON_ACTION__N; a++) {
        if (!(mask & (1u << a)) || a == VMON_ACTION_START_PAUSED)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                         vmon_action_name((enum vmon_action) a));
        if (n < 0 || (size_t) n >= size - used)
            break;
        used += (size_t) n;
    }
    if (!used)
        snprintf(buf, size, "none");
    return buf;
}

bool
vmon_action_allowed(unsigned allowed, enum vmon_action action)
{
    /* a paused start is a start: one permission for both */
    enum vmon_action permission = action == VMON_ACTION_START_PAUSED ? VMON_ACTION_START : action;

    return action > VMON_ACTION_NONE && action < VMON_ACTION__N && (allowed & (1u << permission));
}

/*
 * Decide before touching libvirt, so a refused or senseless request leaves
 * the domain exactly as it was (an SNMP SET must fail in its check phase).
 */
enum vmon_action_status
vmon_action_check(unsigned allowed, enum vmon_action action, int state)
{
    if (action <= VMON_ACTION_NONE || action >= VMON_ACTION__N)
        return VMON_ACTION_INVALID;
    if (!vmon_action_allowed(allowed, action))
        return VMON_ACTION_REFUSED;

    /* a crashed domain that libvirt preserved (on_crash=preserve) is still active */
    bool active = state != VMON_STATE_SHUTOFF && state != VMON_STATE_NOSTATE;
    switch (action) {
    case VMON_ACTION_START:
    case VMON_ACTION_START_PAUSED:
        return active ? VMON_ACTION_INVALID : VMON_ACTION_OK;
    case VMON_ACTION_SUSPEND:
        return state == VMON_STATE_RUNNING || state == VMON_STATE_BLOCKED
               ? VMON_ACTION_OK : VMON_ACTION_INVALID;
    case VMON_ACTION_RESUME:
        return state == VMON_STATE_PAUSED ? VMON_ACTION_OK : VMON_ACTION_INVALID;
    case VMON_ACTION_SHUTDOWN:
    case VMON_ACTION_REBOOT:
        return state == VMON_STATE_RUNNING || state == VMON_STATE_BLOCKED
               ? VMON_ACTION_OK : VMON_ACTION_INVALID;
    case VMON_ACTION_RESET:
    case VMON_ACTION_DESTROY:
        return active ? VMON_ACTION_OK : VMON_ACTION_INVALID;
    default:
        return VMON_ACTION_INVALID;
    }
}
