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
 *   notAnsweringAfter DURATION when a guest without statistics is called
 *                              not answering rather than busy (30 s)
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
 *                              shutdownTimeout, notAnsweringAfter), which
 *                              are virtmond's own
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

#include "vmon-conf-keys.h"
#include "vmon-util.h"

/* The agent's own keys; the ones virtmond.conf takes too are vmon_conf_keys. */
static const struct vmon_conf_key keys[] = {
    { "source", "source", "libvirt[:URI]|virtmond[:PATH]" },
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

/*
 * net-snmp matches tokens without regard to case and hands over the token as
 * written: one that is not exactly a key ("Interval") is refused here, or it
 * would be silently ignored.
 */
static void
fail_unknown(const char *token)
{
    vmon_conf_key_unknown(token, keys, VMON_ARRAY_SIZE(keys));
    config_perror(vmon_error_last());
    vmon_snmp.config_failed = true;
}

static void
parse_removed(const char *token, char *line)
{
    for (size_t i = 0; i < VMON_ARRAY_SIZE(removed); i++)
        if (strcmp(token, removed[i].token) == 0) {
            fail(token, removed[i].instead);
            return;
        }
    fail_unknown(token);
}

static void
parse_line(const char *token, char *line)
{
    const struct vmon_conf_key *k = vmon_conf_key_find(keys, VMON_ARRAY_SIZE(keys), token);

    if (!k)
        k = vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, token);
    if (!k) {
        fail_unknown(token);
        return;
    }

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
    if (vmon_conf_key_set(&vmon_snmp.opts, k, line) < 0)
        fail(token, vmon_error_last());
}

/*
 * A token no handler takes ("intervall 5s", an snmpd.conf line) is only a
 * warning to net-snmp's reader, which then goes on: the agent would run
 * without the setting the file asks for, after -n said "configuration OK".
 * net-snmp offers no hook for unknown tokens but its log, so its warning is
 * recognised there and makes the file's errors count one more.
 */
static int
on_log(int major, int minor, void *server_arg, void *client_arg)
{
    const struct snmp_log_message *m = server_arg;

    if (m && m->msg && m->priority <= LOG_WARNING && strstr(m->msg, ": Warning: Unknown token: "))
        vmon_snmp.config_failed = vmon_snmp.config_unknown = true;
    return SNMPERR_SUCCESS;
}

void
vmon_snmp_config_register(void)
{
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL);
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_WARNING);
    for (size_t i = 0; i < VMON_ARRAY_SIZE(keys); i++)
        register_config_handler(VMON_SNMP_APP, keys[i].token, parse_line, NULL, keys[i].help);
    for (size_t i = 0; i < vmon_conf_nkeys; i++)
        register_config_handler(VMON_SNMP_APP, vmon_conf_keys[i].token, parse_line, NULL,
                                vmon_conf_keys[i].help);
    for (size_t i = 0; i < VMON_ARRAY_SIZE(removed); i++)
        register_config_handler(VMON_SNMP_APP, removed[i].token, parse_removed, NULL, NULL);
}
