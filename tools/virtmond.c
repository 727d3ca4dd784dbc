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
 * removed); SIGHUP is ignored (a changed configuration file needs a restart).
 * They are blocked in every thread and taken by sigtimedwait() in
 * daemon_serve(), so no handler runs at all.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <syslog.h>

#include "config.h"
#include "virtmond-config.h"
#include "vmon-complain.h"
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

/* vmon_log_fn: every line goes to stderr, whatever its priority */
static void
log_prio(int priority, const char *line)
{
    (void) priority;
    log_msg("%s", line);
}

/*
 * Actions come from the server's client threads: each is logged with who
 * asked, unless it is part of a burst (an NMS shutting 500 guests down),
 * which is summed up per kind instead.
 */
static pthread_mutex_t actions_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vmon_burst actions = VMON_BURST_INIT("actions");

static void
log_action(const char *kind, const char *line)
{
    pthread_mutex_lock(&actions_lock);
    if (vmon_burst_add(&actions, log_prio, LOG_INFO, kind))
        log_msg("%s", line);
    pthread_mutex_unlock(&actions_lock);
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
 * What virtmond says of its own health: the loss of libvirt once until it
 * is back, failing polls once (and again with a count at most every
 * minute) until one succeeds.  The library does not log; this is the
 * face's boundary.
 */
struct health_log {
    struct vmon_complaint lost, failing;
    uint64_t polls, errors;     /* the counters at the last look */
};

static void
log_progress(struct vmon_source *src, struct vmon_server *server, struct health_log *hl)
{
    struct vmon_event ev;

    while (vmon_source_next_event(src, &ev) > 0) {
        vmon_server_publish(server, &ev);   /* to "events" subscribers */
        if (ev.type == VMON_EVENT_CONNECTION_LOST)
            vmon_complain(&hl->lost, log_prio, LOG_WARNING, "connection-lost: %s", ev.message);
        else if (ev.type == VMON_EVENT_CONNECTION_BACK)
            vmon_complain_release(&hl->lost, log_prio, LOG_NOTICE, "connection-back: %s",
                                  ev.message);
    }
    vmon_complaint_tick(&hl->lost, log_prio, LOG_NOTICE);
    vmon_complaint_tick(&hl->failing, log_prio, LOG_NOTICE);
    pthread_mutex_lock(&actions_lock);
    vmon_burst_tick(&actions, log_prio, LOG_INFO);
    pthread_mutex_unlock(&actions_lock);

    struct vmon_snapshot *snap = vmon_source_snapshot(src);
    if (!snap)
        return;
    const struct vmon_health *h = &snap->health;
    if (h->poll_errors != hl->errors && h->last_error)
        vmon_complain(&hl->failing, log_prio, LOG_WARNING, "poll failed: %s", h->last_error);
    else if (h->polls != hl->polls && !h->last_error)
        vmon_complain_release(&hl->failing, log_prio, LOG_NOTICE, "polls succeed again");
    hl->polls = h->polls;
    hl->errors = h->poll_errors;
    vmon_snapshot_unref(snap);
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
daemon_start(struct daemon *d, struct virtmond_config *a)
{
    /* acting needs a read-write connection; polling alone does not */
    a->opts.readwrite = a->opts.allowed_actions != 0;
    d->src = vmon_source_open(&a->opts, 0);
    if (!d->src) {
        log_msg("%s", vmon_error_last());
        return 2;
    }
    if (a->file)
        log_msg("configuration read from %s", a->file);
    else
        log_msg("no %s: defaults and options only", VIRTMOND_CONF);
    char *what = virtmond_config_describe(a);
    log_msg("%s", what);
    free(what);
    d->server = vmon_server_start(d->src, a->socket_path, a->mode, a->gid);
    if (!d->server) {
        log_msg("%s", vmon_error_last());
        return 1;
    }
    /* every socket user may ask; the server checks who, the source what */
    vmon_server_take_actions(d->server, log_action);
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
    struct health_log hl = { VMON_COMPLAINT_INIT, VMON_COMPLAINT_INIT, 0, 0 };

    for (;;) {
        siginfo_t info;
        /* 0.2 s: the longest an event waits before it reaches the subscribers */
        int sig = sigtimedwait(sigs, &info, &(struct timespec) { .tv_nsec = 200 * 1000 * 1000 });
        if (sig == SIGTERM || sig == SIGINT) {
            log_msg("%s: stopping", strsignal(sig));
            break;
        }
        if (sig == SIGHUP)
            log_msg("SIGHUP ignored: restart virtmond to apply a changed configuration");
        log_progress(d->src, d->server, &hl);
    }
    /* what is still being counted is said before virtmond goes */
    vmon_complaint_flush(&hl.lost, log_prio, LOG_NOTICE);
    vmon_complaint_flush(&hl.failing, log_prio, LOG_NOTICE);
    pthread_mutex_lock(&actions_lock);
    vmon_burst_flush(&actions, log_prio, LOG_INFO);
    pthread_mutex_unlock(&actions_lock);
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
    struct virtmond_config args;
    struct daemon d = { 0 };
    sigset_t sigs;

    vmon_malloc_for_daemon();
    int status = virtmond_config_parse(&args, argc, argv);
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
    virtmond_config_clear(&args);
    return status;
}
