#include "vmon-conf-keys.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vmon-util.h"

const struct vmon_conf_key vmon_conf_keys[] = {
    { "uri", "uri", "URI" },
    { "interval", "interval", "DURATION" },
    { "window", "window", "DURATION" },
    { "domainInclude", "include", "PATTERN[,PATTERN...]" },
    { "domainExclude", "exclude", "PATTERN[,PATTERN...]" },
    { "allowActions", "allow-actions", "start,shutdown,reboot,reset,destroy,suspend,resume|all|none" },
    { "shutdownTimeout", "shutdown-timeout", "DURATION" },
    { "balloonStaleAge", "balloon-stale-age", "DURATION" },
    { "workers", "workers", "N" },
    { "notAnsweringAfter", "not-answering-after", "DURATION" },
    { "label", "label", "NAME NAMESPACE-URI ELEMENT-PATH|nova" },
    { "guestFs", "guest-fs", "yes|no" },
    { "guestFsInterval", "guest-fs-interval", "DURATION" },
    { "guestFsTimeout", "guest-fs-timeout", "DURATION" },
    { "guestFsCalls", "guest-fs-calls", "N" },
};
const size_t vmon_conf_nkeys = VMON_ARRAY_SIZE(vmon_conf_keys);

const struct vmon_conf_key *
vmon_conf_key_find(const struct vmon_conf_key *keys, size_t n, const char *token)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(token, keys[i].token) == 0)
            return &keys[i];
    return NULL;
}

int
vmon_conf_key_set(struct vmon_options *o, const struct vmon_conf_key *k, const char *value)
{
    if (vmon_options_set(o, k->core_key, value) == 0)
        return 0;
    /* the core names its own key ("allow-actions: ..."); the caller names the token */
    vmon_error_rename(k->core_key, NULL);
    return -1;
}

static const char *
find_nocase(const struct vmon_conf_key *keys, size_t n, const char *token)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(token, keys[i].token) == 0)
            return keys[i].token;
    return NULL;
}

void
vmon_conf_key_unknown(const char *token, const struct vmon_conf_key *own, size_t n)
{
    const char *like = find_nocase(own, n, token);

    if (!like)
        like = find_nocase(vmon_conf_keys, vmon_conf_nkeys, token);
    if (like)
        vmon_error_set("unknown key '%s' (keys are case-sensitive: did you mean '%s'?)", token, like);
    else
        vmon_error_set("unknown key '%s'", token);
}
