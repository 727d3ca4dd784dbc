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

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "source", required_argument, NULL, 'S' },
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
    int c, status = 0;

    vmon_options_init(&opts);
    /* one or two polls and out: no event thread; a person may be there to type a password */
    opts.events = false;
    opts.interactive_auth = true;
    /* a libvirtd dying under a write must give an error, not kill us */
    signal(SIGPIPE, SIG_IGN);
    while ((c = getopt_long(argc, argv, "c:ji:n:hV", longopts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'S': key = "source"; break;
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

    struct vmon_source *src = vmon_source_open(&opts, VMON_SOURCE_ONESHOT);
    vmon_options_clear(&opts);
    struct vmon_snapshot *snap = src ? vmon_source_poll_now(src) : NULL;
    /* with -i, the last of several polls: its rates span the one before */
    for (unsigned i = 1; snap && interval > 0 && i < polls; i++) {
        usleep((useconds_t) (interval * 1e6));
        vmon_snapshot_unref(snap);
        snap = vmon_source_poll_now(src);
    }
    if (snap && snap->health.connected)
        dump(snap, json);
    else if (snap)
        fprintf(stderr, "virtmon-dump: %s\n",
                snap->health.last_error ? snap->health.last_error : "not connected to libvirt");
    else
        fprintf(stderr, "virtmon-dump: %s\n", vmon_error_last());
    status = snap && snap->health.connected ? 0 : 1;
    vmon_snapshot_unref(snap);
    vmon_source_close(src);
    return status;
}
