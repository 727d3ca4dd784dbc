/*
 * virtmond: the host's one poller.  It polls libvirt and serves the latest
 * snapshot, lifecycle events and actions on a local socket (vmon-serve.h);
 * every face told "source virtmond" reads it there, so the host has one
 * libvirt client however many faces run, and a Nagios check run every
 * minute for every guest answers in milliseconds without loading libvirt.
 *
 * It always runs in the foreground, as a systemd Type=simple service or
 * under any supervisor; there is no fork-and-detach mode to get wrong.
 * Signals: SIGTERM and SIGINT stop it cleanly (socket and pidfile
 * removed); SIGHUP is ignored (nothing to reload: options are arguments).
 * They are blocked in every thread and taken by sigtimedwait() in
 * daemon_serve(), so no handler runs at all.
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
            "Poll libvirt and serve the latest snapshot, events and actions on a local\n"
            "socket, for every face given 'source virtmond' (the SNMP agent, collectd's\n"
            "plugin, the checks' and virtmon-dump's --source virtmond:PATH).  Runs in\n"
            "the foreground.\n\n"
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

/* Options that set the core's keys as they are, and virtmond's own (key NULL). */
enum {
    OPT_WINDOW = 256, OPT_INCLUDE, OPT_EXCLUDE, OPT_WORKERS, OPT_TIMEOUT, OPT_MODE, OPT_GROUP,
    OPT_ACTIONS, OPT_SHUTDOWN_TIMEOUT,
};
static const struct vmon_cli_option cli_options[] = {
    { "connect", required_argument, 'c', "uri" },
    { "interval", required_argument, 'i', "interval" },
    { "window", required_argument, OPT_WINDOW, "window" },
    { "include", required_argument, OPT_INCLUDE, "include" },
    { "exclude", required_argument, OPT_EXCLUDE, "exclude" },
    { "workers", required_argument, OPT_WORKERS, "workers" },
    { "timeout", required_argument, OPT_TIMEOUT, "timeout" },
    { "allow-actions", required_argument, OPT_ACTIONS, "allow-actions" },
    { "shutdown-timeout", required_argument, OPT_SHUTDOWN_TIMEOUT, "shutdown-timeout" },
    { "socket", required_argument, 's', NULL },
    { "socket-mode", required_argument, OPT_MODE, NULL },
    { "socket-group", required_argument, OPT_GROUP, NULL },
    { "pidfile", required_argument, 'p', NULL },
    { "foreground", no_argument, 'f', NULL },
    { "check", no_argument, 'n', NULL },
    { "help", no_argument, 'h', NULL },
    { "version", no_argument, 'V', NULL },
};

/* What the command line asks for. */
struct daemon_args {
    struct vmon_options opts;      /* the source's */
    const char *socket_path;
    const char *pidfile;
    mode_t mode;
    gid_t gid;
    bool check_only;
};

/* One of virtmond's own options: VMON_CLI_GO_ON or VMON_CLI_BAD. */
static int
own_option(void *ctx, int c, const char *arg)
{
    struct daemon_args *a = ctx;

    switch (c) {
    case 's': a->socket_path = arg; break;
    case 'p': a->pidfile = arg; break;
    case 'n': a->check_only = true; break;
    case OPT_MODE:
        if (parse_mode(arg, &a->mode) < 0) {
            vmon_error_set("'%s' is not an octal mode (0000..0777)", arg);
            return VMON_CLI_BAD;
        }
        break;
    case OPT_GROUP:
        return vmon_parse_group(arg, &a->gid) == 0 ? VMON_CLI_GO_ON : VMON_CLI_BAD;
    }
    return VMON_CLI_GO_ON;   /* -f: always in the foreground anyway */
}

/* The command line into a: VMON_CLI_GO_ON, or the status to exit with. */
static int
parse_args(int argc, char **argv, struct daemon_args *a)
{
    static const struct vmon_cli cli = {
        "virtmond", "c:i:s:p:fnhV", cli_options, VMON_ARRAY_SIZE(cli_options), usage, own_option,
    };

    *a = (struct daemon_args) { .socket_path = VIRTMOND_SOCKET, .mode = 0660, .gid = (gid_t) -1 };
    vmon_options_init(&a->opts);
    /* a daemon: nobody is there to type a password (core default, said again) */
    a->opts.interactive_auth = false;
    int status = vmon_cli_parse(&cli, argc, argv, &a->opts, a);
    if (status == VMON_CLI_GO_ON && !*a->socket_path) {
        fprintf(stderr, "virtmond: --socket: empty path\n");
        status = 2;
    }
    return status;
}

/*
 * Blocked before any thread exists, so every thread inherits the mask and
 * only daemon_serve()'s sigtimedwait() takes them.
 */
static void
block_signals(sigset_t *sigs)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGTERM);
    sigaddset(sigs, SIGINT);
    sigaddset(sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
    /* a client or libvirtd gone mid-write must give an error, not kill us */
    signal(SIGPIPE, SIG_IGN);
}

/* What runs, for daemon_stop() to undo. */
struct daemon {
    struct vmon_source *src;
    struct vmon_server *server;
    const char *pidfile;           /* written by us */
};

/* The source, the server on its socket, the pidfile: 0, or the status to exit with. */
static int
daemon_start(struct daemon *d, struct daemon_args *a)
{
    /* acting needs a read-write connection; polling alone does not */
    a->opts.readwrite = a->opts.allowed_actions != 0;
    d->src = vmon_source_open(&a->opts, 0);
    if (!d->src) {
        log_msg("%s", vmon_error_last());
        return 2;
    }
    d->server = vmon_server_start(d->src, a->socket_path, a->mode, a->gid);
    if (!d->server) {
        log_msg("%s", vmon_error_last());
        return 1;
    }
    /* every socket user may ask; the server checks who, the source what */
    vmon_server_take_actions(d->server, log_line);
    if (a->pidfile && write_pidfile(a->pidfile) < 0)
        return 1;
    d->pidfile = a->pidfile;
    log_msg("serving on %s", a->socket_path);
    return 0;
}

/* Until SIGTERM or SIGINT: events to subscribers and to the log. */
static void
daemon_serve(struct daemon *d, const sigset_t *sigs)
{
    char *last_error = NULL;

    for (;;) {
        siginfo_t info;
        /* 0.2 s: the longest an event waits before it reaches the subscribers */
        int sig = sigtimedwait(sigs, &info, &(struct timespec) { .tv_nsec = 200 * 1000 * 1000 });
        if (sig == SIGTERM || sig == SIGINT) {
            log_msg("%s: stopping", strsignal(sig));
            break;
        }
        if (sig == SIGHUP)
            log_msg("SIGHUP ignored: nothing to reload (options are command-line arguments)");
        log_progress(d->src, d->server, &last_error);
    }
    free(last_error);
}

static void
daemon_stop(struct daemon *d)
{
    vmon_server_stop(d->server);
    vmon_source_close(d->src);
    if (d->pidfile)
        unlink(d->pidfile);
}

int
main(int argc, char **argv)
{
    struct daemon_args args;
    struct daemon d = { 0 };
    sigset_t sigs;

    vmon_malloc_for_daemon();
    int status = parse_args(argc, argv, &args);
    if (status == VMON_CLI_GO_ON && args.check_only) {
        printf("configuration OK\n");
        status = 0;
    }
    if (status == VMON_CLI_GO_ON) {
        block_signals(&sigs);
        status = daemon_start(&d, &args);
        if (status == 0)
            daemon_serve(&d, &sigs);
        daemon_stop(&d);
    }
    vmon_options_clear(&args.opts);
    return status;
}
