/*
 * virtmon.conf, read by net-snmp's own config machinery so that the file
 * also takes net-snmp's agent lines (agentXSocket, agentXPingInterval...)
 * and errors come out as "virtmon.conf: line N: ...".
 *
 *   uri URI                    libvirt connection (default: libvirt's)
 *   interval DURATION          seconds between polls (30, 30s, 5m)
 *   window DURATION            length of the min/avg/max window
 *   include PATTERN[,...]      only these domains (globs or UUIDs)
 *   exclude PATTERN[,...]      never these domains
 *   allowActions LIST|all|none actions SET may run (default none)
 *   shutdownTimeout DURATION   when an ignored shutdown is called so
 *   compat yes|no              serve libvirt-snmp's LIBVIRT-MIB (default yes)
 *   checkSocket PATH           also serve the latest poll there (mode 0660)
 *                              for check_virt_domain --agent-socket=PATH
 *   checkSocketGroup GROUP     that socket's group (default: the agent's)
 *
 * Values go through the core's vmon_options_set(), so they are checked
 * exactly as the other faces check them.  A bad line makes the agent
 * refuse to start rather than run with half a configuration.
 */
#include "vmon-snmp.h"

#include <string.h>

#include "vmon-util.h"

struct key_map {
    const char *token;        /* as written in virtmon.conf */
    const char *core_key;     /* vmon_options_set()'s name; NULL = ours */
    const char *help;
};

static const struct key_map keys[] = {
    { "uri", "uri", "URI" },
    { "interval", "interval", "DURATION" },
    { "window", "window", "DURATION" },
    { "domainInclude", "include", "PATTERN[,PATTERN...]" },
    { "domainExclude", "exclude", "PATTERN[,PATTERN...]" },
    { "allowActions", "allow-actions", "start,shutdown,reboot,reset,destroy,suspend,resume|all|none" },
    { "shutdownTimeout", "shutdown-timeout", "DURATION" },
    { "workers", "workers", "N" },
    { "compat", NULL, "yes|no" },
    { "checkSocket", NULL, "PATH" },
    { "checkSocketGroup", NULL, "GROUP" },
};

static void
fail(const char *token, const char *why)
{
    char msg[1024];

    snprintf(msg, sizeof(msg), "%s: %s", token, why);
    config_perror(msg);     /* prefixes file and line number */
    vmon_snmp.config_failed = true;
}

static void
parse_line(const char *token, char *line)
{
    const struct key_map *k = NULL;

    for (size_t i = 0; i < VMON_ARRAY_SIZE(keys); i++)
        if (strcmp(token, keys[i].token) == 0)
            k = &keys[i];
    if (!k)
        return;     /* cannot happen: net-snmp only calls us for our tokens */

    /* net-snmp hands over the rest of the line; surrounding blanks are noise */
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\n'))
        line[--n] = '\0';
    if (!*line && strcmp(token, "uri") != 0) {
        fail(token, "needs a value");
        return;
    }

    if (strcmp(token, "checkSocket") == 0) {
        free(vmon_snmp.check_socket);
        vmon_snmp.check_socket = vmon_strdup(line);
        return;
    }
    if (strcmp(token, "checkSocketGroup") == 0) {
        if (vmon_parse_group(line, &vmon_snmp.check_socket_gid) < 0)
            fail(token, vmon_error_last());
        return;
    }
    if (!k->core_key) {
        bool b;
        if (vmon_parse_bool(line, &b) < 0)
            fail(token, vmon_error_last());
        else
            vmon_snmp.compat = b;
        return;
    }
    if (vmon_options_set(&vmon_snmp.opts, k->core_key, line) < 0) {
        /* the core names its own key ("allow-actions: ..."); name ours instead */
        const char *why = vmon_error_last();
        size_t kl = strlen(k->core_key);
        if (strncmp(why, k->core_key, kl) == 0 && why[kl] == ':' && why[kl + 1] == ' ')
            why += kl + 2;
        fail(token, why);
    }
}

void
vmon_snmp_config_register(void)
{
    for (size_t i = 0; i < VMON_ARRAY_SIZE(keys); i++)
        register_config_handler(VMON_SNMP_APP, keys[i].token, parse_line, NULL, keys[i].help);
}
