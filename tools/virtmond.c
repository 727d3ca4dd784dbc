/*
 * virtmond: poll libvirt like every other face and serve the latest
 * snapshot on a local socket (vmon-serve.h), so that a Nagios check run
 * every minute for every guest reads it in a few milliseconds instead of
 * loading libvirt and polling on its own.
 *
 * It always runs in the foreground, as a systemd Type=simple service or
 * under any supervisor; there is no fork-and-detach mode to get wrong.
 * Signals: SIGTERM and SIGINT stop it cleanly (socket and pidfile
 * removed); SIGHUP is ignored (nothing to reload: options are arguments).
 * All signals are blocked in every thread and taken by sigtimedwait() in
 * main(), so no handler runs at all.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "vmon-serve.h"
#include "vmon-source.h"
#include "vmon-util.h"

static void __attribute__((format(printf, 1, 2)))
log_msg(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("virtmond: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void
log_line(const char *line)
{
    log_msg("%s", line);
}

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: virtmond [OPTION]...\n"
            "Poll libvirt and serve the latest snapshot on a local socket, for checks\n"
            "that should not load libvirt themselves.  Runs in the foreground.\n\n"
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
            "  -s, --socket PATH         where to listen (default %s)\n"
            "      --socket-mode OCTAL   permissions of the socket (default 0660)\n"
            "      --socket-group GROUP  group of the socket (default: the daemon's)\n"
            "  -p, --pidfile PATH        write the process id there while running\n"
            "  -f, --foreground          accepted for init scripts; always the case\n"
            "  -n, --check               check the options, print \"configuration OK\", exit\n"
            "  -h, --help                this help\n"
            "  -V, --version             version\n",
            VIRTMOND_SOCKET);
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

static int
write_pidfile(const char *path)
{
    FILE *f = fopen(path, "we");

    if (!f || fprintf(f, "%ld\n", (long) getpid()) < 0 || fclose(f) == EOF) {
        log_msg("cannot write the pidfile %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * Log what changed since the last look: connection events as they come,
 * a failing poll once per distinct error, and the recovery.  The library
 * does not log; this is the face's boundary.
 */
static void
log_progress(struct vmon_source *src, struct vmon_server *server, char **last_error)
{
    struct vmon_event ev;

    while (vmon_source_next_event(src, &ev) > 0) {
        vmon_server_publish(server, &ev);   /* to "events" subscribers */
        if (ev.type != VMON_EVENT_LIFECYCLE)
            log_msg("%s%s%s", vmon_event_type_name(ev.type), ev.message[0] ? ": " : "", ev.message);
    }
    struct vmon_snapshot *snap = vmon_source_snapshot(src);
    if (!snap)
        return;
    const char *err = snap->health.last_error;
    if (err && (!*last_error || strcmp(err, *last_error) != 0)) {
        log_msg("poll failed: %s", err);
        free(*last_error);
        *last_error = vmon_strdup(err);
    } else if (!err && *last_error) {
        log_msg("polls succeed again");
        free(*last_error);
        *last_error = NULL;
    }
    vmon_snapshot_unref(snap);
}

int
main(int argc, char **argv)
{
    enum {
        OPT_WINDOW = 256, OPT_INCLUDE, OPT_EXCLUDE, OPT_WORKERS, OPT_TIMEOUT, OPT_MODE, OPT_GROUP,
        OPT_ACTIONS, OPT_SHUTDOWN_TIMEOUT,
    };
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "interval", required_argument, NULL, 'i' },
        { "window", required_argument, NULL, OPT_WINDOW },
        { "include", required_argument, NULL, OPT_INCLUDE },
        { "exclude", required_argument, NULL, OPT_EXCLUDE },
        { "workers", required_argument, NULL, OPT_WORKERS },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "allow-actions", required_argument, NULL, OPT_ACTIONS },
        { "shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT },
        { "socket", required_argument, NULL, 's' },
        { "socket-mode", required_argument, NULL, OPT_MODE },
        { "socket-group", required_argument, NULL, OPT_GROUP },
        { "pidfile", required_argument, NULL, 'p' },
        { "foreground", no_argument, NULL, 'f' },
        { "check", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct vmon_options opts;
    const char *socket_path = VIRTMOND_SOCKET, *pidfile = NULL;
    mode_t mode = 0660;
    gid_t gid = (gid_t) -1;
    bool check_only = false;
    int c, status = 0;

    vmon_malloc_for_daemon();
    vmon_options_init(&opts);
    /* a daemon: nobody is there to type a password (core default, said again) */
    opts.interactive_auth = false;
    while ((c = getopt_long(argc, argv, "c:i:s:p:fnhV", longopts, NULL)) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'c': key = "uri"; break;
        case 'i': key = "interval"; break;
        case OPT_WINDOW: key = "window"; break;
        case OPT_INCLUDE: key = "include"; break;
        case OPT_EXCLUDE: key = "exclude"; break;
        case OPT_WORKERS: key = "workers"; break;
        case OPT_TIMEOUT: key = "timeout"; break;
        case OPT_ACTIONS: key = "allow-actions"; break;
        case OPT_SHUTDOWN_TIMEOUT: key = "shutdown-timeout"; break;
        case 's': socket_path = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'f': break;
        case 'n': check_only = true; break;
        case OPT_MODE:
            if (parse_mode(optarg, &mode) < 0) {
                fprintf(stderr, "virtmond: --socket-mode: '%s' is not an octal mode (0000..0777)\n", optarg);
                vmon_options_clear(&opts);
                return 2;
            }
            break;
        case OPT_GROUP:
            if (vmon_parse_group(optarg, &gid) < 0) {
                fprintf(stderr, "virtmond: --socket-group: no group '%s'\n", optarg);
                vmon_options_clear(&opts);
                return 2;
            }
            break;
        case 'h': usage(stdout); vmon_options_clear(&opts); return 0;
        case 'V': printf("virtmond %s\n", PACKAGE_VERSION); vmon_options_clear(&opts); return 0;
        default: usage(stderr); vmon_options_clear(&opts); return 2;
        }
        if (key && vmon_options_set(&opts, key, optarg) < 0) {
            fprintf(stderr, "virtmond: %s\n", vmon_error_last());
            vmon_options_clear(&opts);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "virtmond: unexpected argument '%s'\n", argv[optind]);
        vmon_options_clear(&opts);
        return 2;
    }
    if (!*socket_path) {
        fprintf(stderr, "virtmond: --socket: empty path\n");
        vmon_options_clear(&opts);
        return 2;
    }
    if (check_only) {
        printf("configuration OK\n");
        vmon_options_clear(&opts);
        return 0;
    }

    /* blocked before any thread exists, so every thread inherits it */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    /* a client or libvirtd gone mid-write must give an error, not kill us */
    signal(SIGPIPE, SIG_IGN);

    /* acting needs a read-write connection; polling alone does not */
    opts.readwrite = opts.allowed_actions != 0;
    struct vmon_source *src = vmon_source_open(&opts, 0);
    vmon_options_clear(&opts);
    if (!src) {
        log_msg("%s", vmon_error_last());
        return 2;
    }
    struct vmon_server *server = vmon_server_start(src, socket_path, mode, gid);
    if (!server) {
        log_msg("%s", vmon_error_last());
        vmon_source_close(src);
        return 1;
    }
    /* every socket user may ask; the server checks who, the source what */
    vmon_server_take_actions(server, log_line);
    if (pidfile && write_pidfile(pidfile) < 0) {
        status = 1;
        pidfile = NULL;
    }
    if (status == 0)
        log_msg("serving on %s", socket_path);

    char *last_error = NULL;
    while (status == 0) {
        siginfo_t info;
        /* 0.2 s: the longest an event waits before it reaches the subscribers */
        int sig = sigtimedwait(&sigs, &info, &(struct timespec) { .tv_nsec = 200 * 1000 * 1000 });
        if (sig == SIGTERM || sig == SIGINT) {
            log_msg("%s: stopping", strsignal(sig));
            break;
        }
        if (sig == SIGHUP)
            log_msg("SIGHUP ignored: nothing to reload (options are command-line arguments)");
        log_progress(src, server, &last_error);
    }
    free(last_error);
    vmon_server_stop(server);
    vmon_source_close(src);
    if (pidfile)
        unlink(pidfile);
    return status;
}
