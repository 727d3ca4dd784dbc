/*
 * virtmon-dump: what does the agent see?  One snapshot (and, with -i, the
 * rates over that many seconds) as a table or JSON.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dump.h"
#include "vmon-source.h"
#include "vmon-util.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: virtmon-dump [OPTION]...\n"
            "Print what virtmon sees on a libvirt host: the node and every domain.\n\n"
            "      --source SOURCE   libvirt[:URI] (the default) polls libvirt here;\n"
            "                        virtmond[:PATH] shows what virtmond serves\n"
            "  -c, --connect URI     libvirt URI (default: libvirt's default)\n"
            "  -j, --json            JSON instead of a table\n"
            "  -i, --interval SECS   poll twice, SECS apart, and show rates too\n"
            "  -n, --polls N         with -i: poll N times (default 2), show the last\n"
            "      --include LIST    only domains matching these globs or UUIDs\n"
            "      --exclude LIST    leave out domains matching these globs or UUIDs\n"
            "      --workers N       concurrent bulk-stats calls (default: sized to host)\n"
            "      --balloon-stale-age DURATION\n"
            "                        guest memory figures older than this are stale\n"
            "                        (balloon.stale; default 30s)\n"
            "      --label-def 'NAME NAMESPACE-URI ELEMENT-PATH' | --label-def nova\n"
            "                        a domain label read from <metadata> (repeatable)\n"
            "      --guest-fs yes|no each running guest's file systems from its guest\n"
            "                        agent (default no)\n"
            "      --guest-fs-timeout DURATION\n"
            "                        how long a guest's agent may take (default 10s)\n"
            "      --guest-fs-calls N  agent calls out at once (default 4)\n"
            "  -h, --help            this help\n"
            "  -V, --version         version\n");
}

static void
dump(const struct vmon_snapshot *snap, bool json)
{
    if (json)
        dump_json(stdout, snap);
    else
        dump_table(stdout, snap);
}

/* Options that set the core's keys as they are, and the dump's own (key NULL). */
static const struct vmon_cli_option cli_options[] = {
    { "source", required_argument, 'S', "source" },
    { "connect", required_argument, 'c', "uri" },
    { "include", required_argument, 'I', "include" },
    { "exclude", required_argument, 'E', "exclude" },
    { "workers", required_argument, 'W', "workers" },
    { "balloon-stale-age", required_argument, 'B', "balloon-stale-age" },
    { "label-def", required_argument, 'L', "label" },
    { "guest-fs", required_argument, 256, "guest-fs" },
    { "guest-fs-timeout", required_argument, 257, "guest-fs-timeout" },
    { "guest-fs-calls", required_argument, 258, "guest-fs-calls" },
    { "json", no_argument, 'j', NULL },
    { "interval", required_argument, 'i', NULL },
    { "polls", required_argument, 'n', NULL },
    { "help", no_argument, 'h', NULL },
    { "version", no_argument, 'V', NULL },
};

/* What the command line asks for. */
struct dump_args {
    struct vmon_options opts;      /* the source's */
    bool json;
    double interval;               /* 0: poll once */
    unsigned polls;
};

/* One of the dump's own options: VMON_CLI_GO_ON or VMON_CLI_BAD. */
static int
own_option(void *ctx, int c, const char *arg)
{
    struct dump_args *a = ctx;
    int rc = 0;

    if (c == 'j')
        a->json = true;
    else if (c == 'i')
        rc = vmon_parse_duration(arg, &a->interval);
    else if (c == 'n')
        rc = vmon_parse_uint(arg, 1, 1000000, &a->polls);
    return rc < 0 ? VMON_CLI_BAD : VMON_CLI_GO_ON;
}

/* The command line into a: VMON_CLI_GO_ON, or the status to exit with. */
static int
parse_args(int argc, char **argv, struct dump_args *a)
{
    static const struct vmon_cli cli = {
        "virtmon-dump", "c:ji:n:hV", cli_options, VMON_ARRAY_SIZE(cli_options), usage, own_option,
    };

    *a = (struct dump_args) { .polls = 2 };
    vmon_options_init(&a->opts);
    /* one or two polls and out: no event thread; a person may be there to type a password */
    a->opts.events = false;
    a->opts.interactive_auth = true;
    return vmon_cli_parse(&cli, argc, argv, &a->opts, a);
}

/* One snapshot, or with -i the last of several polls: its rates span the one before. */
static int
dump_polls(struct vmon_source *src, const struct dump_args *a)
{
    struct vmon_snapshot *snap = src ? vmon_source_poll_now(src) : NULL;

    for (unsigned i = 1; snap && a->interval > 0 && i < a->polls; i++) {
        usleep((useconds_t) (a->interval * 1e6));
        vmon_snapshot_unref(snap);
        snap = vmon_source_poll_now(src);
    }
    if (snap && snap->health.connected)
        dump(snap, a->json);
    else if (snap && snap->health.last_poll_time > 0)   /* a collector's: it has older data */
        fprintf(stderr, "virtmon-dump: data %.0f s old: %s\n",
                difftime(time(NULL), snap->health.last_poll_time),
                snap->health.last_error ? snap->health.last_error : "not connected to libvirt");
    else if (snap)
        fprintf(stderr, "virtmon-dump: %s\n",
                snap->health.last_error ? snap->health.last_error : "not connected to libvirt");
    else
        fprintf(stderr, "virtmon-dump: %s\n", vmon_error_last());
    int status = snap && snap->health.connected ? 0 : 1;
    vmon_snapshot_unref(snap);
    return status;
}

int
main(int argc, char **argv)
{
    struct dump_args args;

    /* a libvirtd dying under a write must give an error, not kill us */
    signal(SIGPIPE, SIG_IGN);
    int status = parse_args(argc, argv, &args);
    if (status == VMON_CLI_GO_ON) {
        struct vmon_source *src = vmon_source_open(&args.opts, VMON_SOURCE_ONESHOT);
        status = dump_polls(src, &args);
        vmon_source_close(src);
    }
    vmon_options_clear(&args.opts);
    return status;
}
