/*
 * virtmon.conf, read by net-snmp's own config machinery so that the file
 * also takes net-snmp's agent lines (agentXSocket, agentXPingInterval...)
 * and errors come out as "virtmon.conf: line N: ...".
 *
 *   uri URI                    libvirt connection (default: libvirt's)
 *   interval DURATION          seconds between polls (30, 30s, 5m)
 *   window DURATION            length of the min/avg/max window
 *   domainInclude PATTERN[,...] only these domains (globs or UUIDs)
 *   domainExclude PATTERN[,...] never these domains
 *   allowActions LIST|all|none actions SET may run (default none)
 *   shutdownTimeout DURATION   when an ignored shutdown is called so
 *   compat yes|no              serve libvirt-snmp's LIBVIRT-MIB (default yes)
 *   agentXDirect yes|no        answer reads on the AgentX session itself,
 *                              not through net-snmp's internal transport
 *                              (default yes; vmon-snmp-direct.c)
 *   source libvirt[:URI]|virtmond[:PATH]
 *                              poll libvirt (the default), or read the
 *                              polls of virtmond at PATH (no libvirt
 *                              loaded; SETs are virtmond's to run, when
 *                              both its --allow-actions and allowActions
 *                              list them); virtmond excludes the keys that
 *                              only polling uses (window, workers,
 *                              shutdownTimeout), which are virtmond's own
 *   answerCpus LIST            run the thread answering snmpd on these CPUs
 *                              only (snmpd's own); the poll thread keeps
 *                              the process's (vmon-snmp-cpus.c)
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
    { "source", "source", "libvirt[:URI]|virtmond[:PATH]" },
    { "uri", "uri", "URI" },
    { "interval", "interval", "DURATION" },
    { "window", "window", "DURATION" },
    { "domainInclude", "include", "PATTERN[,PATTERN...]" },
    { "domainExclude", "exclude", "PATTERN[,PATTERN...]" },
    { "allowActions", "allow-actions", "start,shutdown,reboot,reset,destroy,suspend,resume|all|none" },
    { "shutdownTimeout", "shutdown-timeout", "DURATION" },
    { "workers", "workers", "N" },
    { "compat", NULL, "yes|no" },
    { "agentXDirect", NULL, "yes|no" },
    { "answerCpus", NULL, "CPU[-CPU][,...]" },
};

/*
 * Keys an earlier, never released agent took.  Ignoring them would start an
 * agent that polls libvirt itself, or serves no checks, while the file says
 * otherwise: refuse them, saying what replaces them.  virtmond is the one
 * collector and socket server; the agent reads it and no longer serves checks.
 */
static const struct removed_key {
    const char *token;
    const char *instead;
} removed[] = {
    { "agentSocket", "removed: write 'source virtmond:PATH' to read virtmond's socket at PATH" },
    { "checkSocket", "removed: the agent no longer serves the checks; run virtmond and "
                     "point the checks at it with --source virtmond[:PATH]" },
    { "checkSocketGroup", "removed: the agent no longer serves the checks; virtmond's "
                          "--socket-group sets its socket's group" },
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
parse_removed(const char *token, char *line)
{
    for (size_t i = 0; i < VMON_ARRAY_SIZE(removed); i++)
        if (strcmp(token, removed[i].token) == 0)
            fail(token, removed[i].instead);
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
    if (strcmp(token, "answerCpus") == 0) {
        char why[256];
        if (vmon_snmp_cpus_parse(line, why, sizeof(why)) < 0)
            fail(token, why);
        return;
    }
    if (!k->core_key) {
        bool b;
        if (vmon_parse_bool(line, &b) < 0)
            fail(token, vmon_error_last());
        else if (strcmp(token, "compat") == 0)
            vmon_snmp.compat = b;
        else
            vmon_snmp.agentx_direct = b;
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
    for (size_t i = 0; i < VMON_ARRAY_SIZE(removed); i++)
        register_config_handler(VMON_SNMP_APP, removed[i].token, parse_removed, NULL, NULL);
}
