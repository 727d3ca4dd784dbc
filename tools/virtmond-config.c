/*
 * virtmond.conf: one key and its value per line, as in the SNMP agent's
 * virtmon.conf and with the same key where it means the same thing (the
 * shared vmon_conf_keys: uri, interval, domainInclude...), plus virtmond's
 * own (timeout, socket, socketMode, socketGroup, pidfile).  Each key is the
 * file's spelling of one command-line option, and its value goes through
 * what the option's goes through (vmon_options_set() or own_option()), so
 * both accept and refuse the same values in the same words.
 *
 * The command line wins, key by key.  The file's value for a key the
 * command line also gives is still checked (virtmond -n must find every
 * error) but lands in a scratch configuration: "--include 'db*'" replaces
 * the file's domainInclude lines instead of adding to them.
 *
 * Keys are case-sensitive.  An unknown key, one in another case, a key
 * given twice (but domainInclude, domainExclude and label, which add up as
 * repeated --include options do) or a bad value is an error naming file
 * and line, and virtmond does not start: a daemon running on part of its
 * file is not the one the file describes.
 */
#include "virtmond-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "vmon-action.h"
#include "vmon-conf-keys.h"
#include "vmon-util.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: virtmond [OPTION]...\n"
            "Poll libvirt and serve the latest snapshot, events and actions on a local\n"
            "socket, for every face given 'source virtmond' (the SNMP agent, collectd's\n"
            "plugin, the checks' and virtmon-dump's --source virtmond:PATH).  Runs in\n"
            "the foreground.  Options override the configuration file's keys.\n\n"
            "      --config FILE         read FILE instead of %s\n"
            "                            (which is read when it exists)\n"
            "  -c, --connect URI         libvirt URI (default: libvirt's default)\n"
            "  -i, --interval DURATION   time between polls (default 10s)\n"
            "      --window DURATION     length of the min/avg/max window (default 1h)\n"
            "      --include LIST        only domains matching these globs or UUIDs\n"
            "      --exclude LIST        leave out domains matching these globs or UUIDs\n"
            "      --workers N           concurrent bulk-stats calls (default: sized to host)\n"
            "      --timeout DURATION    time a per-domain fallback call may take (default 5s)\n"
            "      --allow-actions LIST  actions root may ask for on the socket: start,shutdown,\n"
            "                            reboot,reset,destroy,suspend,resume, all or none\n"
            "                            (default none)\n"
            "      --shutdown-timeout DURATION\n"
            "                            when an unanswered shutdown is called ignored (default 2m)\n"
            "      --balloon-stale-age DURATION\n"
            "                            guest memory figures older than this are stale\n"
            "                            (balloon.stale; default three intervals)\n"
            "      --not-answering-after DURATION\n"
            "                            how long a guest gives no figures before it is called\n"
            "                            not answering instead of busy (default 30s)\n"
            "      --label-def 'NAME NAMESPACE-URI ELEMENT-PATH' | --label-def nova\n"
            "                            a domain label read from <metadata> (repeatable)\n"
            "      --guest-fs yes|no     each running guest's file systems from its guest agent\n"
            "                            (default no)\n"
            "      --guest-fs-interval DURATION\n"
            "                            time between two asks of one guest's agent (default 1m)\n"
            "      --guest-fs-timeout DURATION\n"
            "                            how long a guest's agent may take before its file\n"
            "                            systems are dropped (default 10s)\n"
            "      --guest-fs-calls N    agent calls out at once (default 4)\n"
            "  -s, --socket PATH         where to listen (default %s)\n"
            "      --socket-mode OCTAL   permissions of the socket (default 0660)\n"
            "      --socket-group GROUP  group of the socket (default: the daemon's)\n"
            "  -p, --pidfile PATH        write the process id there while running\n"
            "  -f, --foreground          accepted for init scripts; always the case\n"
            "  -n, --check               check the file and options, print \"configuration OK\",\n"
            "                            exit\n"
            "  -h, --help                this help\n"
            "  -V, --version             version\n",
            VIRTMOND_CONF, VIRTMOND_SOCKET);
}

/* Options that set the core's keys as they are, and virtmond's own (key NULL). */
enum {
    OPT_WINDOW = 256, OPT_INCLUDE, OPT_EXCLUDE, OPT_WORKERS, OPT_TIMEOUT, OPT_MODE, OPT_GROUP,
    OPT_ACTIONS, OPT_SHUTDOWN_TIMEOUT, OPT_CONFIG, OPT_STALE_AGE, OPT_NOT_ANSWERING,
    OPT_LABEL_DEF, OPT_GUEST_FS, OPT_GUEST_FS_INTERVAL, OPT_GUEST_FS_TIMEOUT, OPT_GUEST_FS_CALLS,
};
static const char shortopts[] = "c:i:s:p:fnhV";
static const struct vmon_cli_option cli_options[] = {
    { "config", required_argument, OPT_CONFIG, NULL },
    { "connect", required_argument, 'c', "uri" },
    { "interval", required_argument, 'i', "interval" },
    { "window", required_argument, OPT_WINDOW, "window" },
    { "include", required_argument, OPT_INCLUDE, "include" },
    { "exclude", required_argument, OPT_EXCLUDE, "exclude" },
    { "workers", required_argument, OPT_WORKERS, "workers" },
    { "timeout", required_argument, OPT_TIMEOUT, "timeout" },
    { "allow-actions", required_argument, OPT_ACTIONS, "allow-actions" },
    { "shutdown-timeout", required_argument, OPT_SHUTDOWN_TIMEOUT, "shutdown-timeout" },
    { "balloon-stale-age", required_argument, OPT_STALE_AGE, "balloon-stale-age" },
    { "not-answering-after", required_argument, OPT_NOT_ANSWERING, "not-answering-after" },
    { "label-def", required_argument, OPT_LABEL_DEF, "label" },
    { "guest-fs", required_argument, OPT_GUEST_FS, "guest-fs" },
    { "guest-fs-interval", required_argument, OPT_GUEST_FS_INTERVAL, "guest-fs-interval" },
    { "guest-fs-timeout", required_argument, OPT_GUEST_FS_TIMEOUT, "guest-fs-timeout" },
    { "guest-fs-calls", required_argument, OPT_GUEST_FS_CALLS, "guest-fs-calls" },
    { "socket", required_argument, 's', NULL },
    { "socket-mode", required_argument, OPT_MODE, NULL },
    { "socket-group", required_argument, OPT_GROUP, NULL },
    { "pidfile", required_argument, 'p', NULL },
    { "foreground", no_argument, 'f', NULL },
    { "check", no_argument, 'n', NULL },
    { "help", no_argument, 'h', NULL },
    { "version", no_argument, 'V', NULL },
};
#define NOPTIONS VMON_ARRAY_SIZE(cli_options)

/*
 * virtmond's own keys (those virtmon.conf takes too are vmon_conf_keys,
 * each found here by its core key), and the option each one spells.
 */
static const struct vmon_conf_key own_keys[] = {
    { "timeout", "timeout", "DURATION" },
    { "socket", NULL, "PATH" },
    { "socketMode", NULL, "OCTAL" },
    { "socketGroup", NULL, "GROUP" },
    { "pidfile", NULL, "PATH" },
};
static const int own_key_options[] = { OPT_TIMEOUT, 's', OPT_MODE, OPT_GROUP, 'p' };
_Static_assert(VMON_ARRAY_SIZE(own_keys) == VMON_ARRAY_SIZE(own_key_options),
               "an option for every own key");

static void
config_init(struct virtmond_config *c)
{
    *c = (struct virtmond_config) { .socket_path = vmon_strdup(VIRTMOND_SOCKET), .mode = 0660,
                                    .gid = (gid_t) -1 };
    vmon_options_init(&c->opts);
    /* a daemon: nobody is there to type a password (core default, said again) */
    c->opts.interactive_auth = false;
}

void
virtmond_config_clear(struct virtmond_config *c)
{
    vmon_options_clear(&c->opts);
    free(c->socket_path);
    free(c->pidfile);
    free(c->file);
    memset(c, 0, sizeof(*c));
}

static int
parse_mode(const char *text, mode_t *mode)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 8);

    if (!*text || *end || errno || v > 0777 || text[0] == '-')
        return -1;
    *mode = (mode_t) v;
    return 0;
}

static void
replace(char **slot, const char *value)
{
    free(*slot);
    *slot = vmon_strdup(value);
}

/* One of virtmond's own options or keys: VMON_CLI_GO_ON or VMON_CLI_BAD. */
static int
own_option(void *ctx, int opt, const char *arg)
{
    struct virtmond_config *c = ctx;

    switch (opt) {
    case 's':
        if (!*arg) {
            vmon_error_set("empty path");
            return VMON_CLI_BAD;
        }
        replace(&c->socket_path, arg);
        break;
    case 'p': replace(&c->pidfile, arg); break;
    case 'n': c->check_only = true; break;
    case OPT_MODE:
        if (parse_mode(arg, &c->mode) < 0) {
            vmon_error_set("'%s' is not an octal mode (0000..0777)", arg);
            return VMON_CLI_BAD;
        }
        break;
    case OPT_GROUP:
        return vmon_parse_group(arg, &c->gid) == 0 ? VMON_CLI_GO_ON : VMON_CLI_BAD;
    }
    return VMON_CLI_GO_ON;   /* -f: always in the foreground anyway; --config: read already */
}

/* What the first look at the command line finds: the file, and the options given. */
struct given {
    const char *config;
    bool option[NOPTIONS];
};

static int
note_option(void *ctx, int opt, const char *arg)
{
    struct given *g = ctx;

    for (size_t i = 0; i < NOPTIONS; i++)
        if (cli_options[i].val == opt)
            g->option[i] = true;
    if (opt == OPT_CONFIG)
        g->config = arg;
    return VMON_CLI_GO_ON;
}

/*
 * The command line without taking any value: which file, which options.
 * --help, --version, an unknown option or a stray argument end it here,
 * before any file is read.
 */
static int
scan_args(int argc, char **argv, struct given *g, struct vmon_options *unused)
{
    struct vmon_cli_option options[NOPTIONS];

    memcpy(options, cli_options, sizeof(options));
    for (size_t i = 0; i < NOPTIONS; i++)
        options[i].key = NULL;   /* every option to note_option() */
    const struct vmon_cli cli = { "virtmond", shortopts, options, NOPTIONS, usage, note_option };
    return vmon_cli_parse(&cli, argc, argv, unused, g);
}

/* The option token spells in the file (its index in cli_options), or -1. */
static int
option_of(const char *token)
{
    const struct vmon_conf_key *k = vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, token);
    int val = -1;

    if (!k && (k = vmon_conf_key_find(own_keys, VMON_ARRAY_SIZE(own_keys), token)))
        val = own_key_options[k - own_keys];
    for (size_t i = 0; k && i < NOPTIONS; i++)
        if (val >= 0 ? cli_options[i].val == val
                     : cli_options[i].key && strcmp(cli_options[i].key, k->core_key) == 0)
            return (int) i;
    return -1;
}

static bool
repeatable(const char *token)
{
    return strcmp(token, "domainInclude") == 0 || strcmp(token, "domainExclude") == 0 ||
           strcmp(token, "label") == 0;
}

/* Where one file read stands. */
struct reader {
    struct virtmond_config *c;
    struct virtmond_config scratch;    /* keys the command line gives */
    const struct given *given;
    unsigned line_of[NOPTIONS];        /* where each key was, for "given twice" */
};

/* One line (without its newline) into r: 0, or -1 with vmon_error_last(). */
static int
take_line(struct reader *r, char *line, unsigned lineno)
{
    char *token = line + strspn(line, " \t");

    if (!*token || *token == '#')
        return 0;
    char *value = token + strcspn(token, " \t");
    if (*value)
        *value++ = '\0';
    value += strspn(value, " \t");
    for (size_t n = strlen(value); n && (value[n - 1] == ' ' || value[n - 1] == '\t');)
        value[--n] = '\0';

    int i = option_of(token);
    if (i < 0) {
        vmon_conf_key_unknown(token, own_keys, VMON_ARRAY_SIZE(own_keys));
        return -1;
    }
    const struct vmon_cli_option *opt = &cli_options[i];
    struct virtmond_config *into = r->given->option[i] ? &r->scratch : r->c;
    struct vmon_conf_key k = { token, opt->key, NULL };
    int rc;
    if (!*value && strcmp(token, "uri") != 0) {   /* an empty uri: libvirt's default, as in virtmon.conf */
        vmon_error_set("needs a value");
        rc = -1;
    } else if (opt->key) {
        rc = vmon_conf_key_set(&into->opts, &k, value);
    } else {
        rc = own_option(into, opt->val, value) == VMON_CLI_GO_ON ? 0 : -1;
    }
    if (rc == 0 && r->line_of[i] && !repeatable(token)) {
        vmon_error_set("given again (first on line %u)", r->line_of[i]);
        rc = -1;
    }
    if (!r->line_of[i])
        r->line_of[i] = lineno;
    if (rc < 0) {
        char why[768];
        snprintf(why, sizeof(why), "%s", vmon_error_last());   /* vmon_error_set() overwrites it */
        vmon_error_set("%s: %s", token, why);
    }
    return rc;
}

/*
 * The file into c, every bad line said on stderr: VMON_CLI_GO_ON or 2.
 * A default file that is not there is no file; a named one is an error.
 */
static int
read_file(struct virtmond_config *c, const char *path, bool named, const struct given *g)
{
    FILE *f = fopen(path, "re");

    if (!f && errno == ENOENT && !named)
        return VMON_CLI_GO_ON;
    if (!f) {
        fprintf(stderr, "virtmond: %scannot read %s: %s\n", named ? "--config: " : "", path,
                strerror(errno));
        return 2;
    }
    struct reader r = { .c = c, .given = g };
    config_init(&r.scratch);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0, bad = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (take_line(&r, line, lineno) < 0) {
            fprintf(stderr, "virtmond: %s: line %u: %s\n", path, lineno, vmon_error_last());
            bad++;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "virtmond: cannot read %s: %s\n", path, strerror(errno));
        bad++;
    }
    free(line);
    fclose(f);
    virtmond_config_clear(&r.scratch);
    c->file = vmon_strdup(path);
    return bad ? 2 : VMON_CLI_GO_ON;
}

int
virtmond_config_parse(struct virtmond_config *c, int argc, char **argv)
{
    static const struct vmon_cli cli = {
        "virtmond", shortopts, cli_options, NOPTIONS, usage, own_option,
    };
    struct given g = { 0 };

    config_init(c);
    int status = scan_args(argc, argv, &g, &c->opts);
    if (status == VMON_CLI_GO_ON)
        status = read_file(c, g.config ? g.config : VIRTMOND_CONF, g.config != NULL, &g);
    if (status == VMON_CLI_GO_ON) {
        optind = 0;   /* getopt starts over (glibc: 0 also resets its state) */
        status = vmon_cli_parse(&cli, argc, argv, &c->opts, c);
    }
    return status;
}

char *
virtmond_config_describe(const struct virtmond_config *c)
{
    const struct vmon_options *o = &c->opts;
    char actions[128], workers[16] = "sized to host";

    if (o->workers)
        snprintf(workers, sizeof(workers), "%u", o->workers);
    return vmon_asprintf("polling %s every %gs (window %gs, timeout %gs, shutdown timeout %gs, "
                         "not answering after %gs, workers %s, actions %s, domains %s)",
                         o->uri ? o->uri : "libvirt's default URI", o->interval, o->window,
                         o->timeout, o->shutdown_timeout, o->not_answering_after, workers,
                         vmon_actions_format(o->allowed_actions, actions, sizeof(actions)),
                         o->filter ? "filtered" : "all");
}
