/*
 * virtmon-dump: what does the agent see?  One snapshot (and, with -i, the
 * rates over that many seconds) as a table or JSON.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dump.h"
#include "vmon-poller.h"
#include "vmon-serve.h"
#include "vmon-util.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: virtmon-dump [OPTION]...\n"
            "Print what virtmon sees on a libvirt host: the node and every domain.\n\n"
            "  -c, --connect URI     libvirt URI (default: libvirt's default)\n"
            "  -s, --agent-socket PATH\n"
            "                        show what virtmond (or virtmon-agentx's checkSocket)\n"
            "                        serves at PATH instead of polling libvirt\n"
            "  -j, --json            JSON instead of a table\n"
            "  -i, --interval SECS   poll twice, SECS apart, and show rates too\n"
            "  -n, --polls N         with -i: poll N times (default 2), show the last\n"
            "      --include LIST    only domains matching these globs or UUIDs\n"
            "      --exclude LIST    leave out domains matching these globs or UUIDs\n"
            "      --workers N       concurrent bulk-stats calls (default: sized to host)\n"
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

/* What a running virtmond serves: the checks' --agent view, for a person asking why. */
static int
dump_from_agent(const char *path, bool json)
{
    char err[1024];
    struct vmon_snapshot *snap = vmon_serve_fetch(path, NULL, 10, err, sizeof(err));

    if (!snap) {
        fprintf(stderr, "virtmon-dump: %s\n", err);
        return 1;
    }
    dump(snap, json);
    vmon_snapshot_unref(snap);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "agent-socket", required_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },
        { "interval", required_argument, NULL, 'i' },
        { "polls", required_argument, NULL, 'n' },
        { "include", required_argument, NULL, 'I' },
        { "exclude", required_argument, NULL, 'E' },
        { "workers", required_argument, NULL, 'W' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct vmon_options opts;
    bool json = false;
    double interval = 0;
    unsigned polls = 2;
    const char *agent = NULL;
    const char *poll_option = NULL;     /* one that only polling libvirt uses */
    int c, status = 0;

    vmon_options_init(&opts);
    /* one or two polls and out: no event thread; a person may be there to type a password */
    opts.events = false;
    opts.interactive_auth = true;
    /* a libvirtd dying under a write must give an error, not kill us */
    signal(SIGPIPE, SIG_IGN);
    while ((c = getopt_long(argc, argv, "c:s:ji:n:hV", longopts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'c': poll_option = "-c/--connect"; break;
        case 'i': poll_option = "-i/--interval"; break;
        case 'n': poll_option = "-n/--polls"; break;
        case 'I': poll_option = "--include"; break;
        case 'E': poll_option = "--exclude"; break;
        case 'W': poll_option = "--workers"; break;
        }
        switch (c) {
        case 's': agent = optarg; break;
        case 'c': key = "uri"; break;
        case 'j': json = true; break;
        case 'i':
            if (vmon_parse_duration(optarg, &interval) < 0) {
                fprintf(stderr, "virtmon-dump: --interval: %s\n", vmon_error_last());
                return 2;
            }
            break;
        case 'n':
            if (vmon_parse_uint(optarg, 1, 1000000, &polls) < 0) {
                fprintf(stderr, "virtmon-dump: --polls: %s\n", vmon_error_last());
                return 2;
            }
            break;
        case 'I': key = "include"; break;
        case 'E': key = "exclude"; break;
        case 'W': key = "workers"; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("virtmon-dump %s\n", PACKAGE_VERSION); return 0;
        default: usage(stderr); return 2;
        }
        if (key && vmon_options_set(&opts, key, optarg) < 0) {
            fprintf(stderr, "virtmon-dump: %s\n", vmon_error_last());
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "virtmon-dump: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }

    if (agent) {
        vmon_options_clear(&opts);
        if (poll_option) {
            fprintf(stderr, "virtmon-dump: %s polls libvirt; --agent-socket shows virtmond's "
                    "poll as it is\n", poll_option);
            return 2;
        }
        return dump_from_agent(agent, json);
    }
    struct vmon_poller *p = vmon_poller_new(&opts);
    vmon_options_clear(&opts);
    if (vmon_poller_poll(p) < 0) {
        fprintf(stderr, "virtmon-dump: %s\n", vmon_error_last());
        status = 1;
    } else if (interval > 0) {
        for (unsigned i = 1; i < polls && status == 0; i++) {
            usleep((useconds_t) (interval * 1e6));
            if (vmon_poller_poll(p) < 0) {
                fprintf(stderr, "virtmon-dump: %s\n", vmon_error_last());
                status = 1;
            }
        }
    }
    struct vmon_snapshot *snap = vmon_poller_snapshot(p);
    if (snap && status == 0)
        dump(snap, json);
    vmon_snapshot_unref(snap);
    vmon_poller_free(p);
    return status;
}
