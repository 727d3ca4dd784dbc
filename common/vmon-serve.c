/*
 * The server half of vmon-serve.h.
 *
 * One listening thread polls the socket, a self-pipe (written by
 * vmon_server_stop and when the subscribers change) and every "events"
 * subscriber's socket (so that one that went away is closed at once, not
 * at the next event), and hands every accepted client to a short-lived
 * detached thread.  Why threads and not the listener itself: a client that
 * connects and then stalls (a check SIGSTOPped by its NMS, a `socat` left
 * open) would otherwise hold every other check for its whole timeout.  Each
 * client thread is bounded anyway: 1 s to send its request line, 10 s to
 * take the reply, at most MAX_CLIENTS of them at once (beyond that a client
 * gets "error: busy" at once), and vmon_server_stop() waits for them.
 * Readers never call libvirt: they take the source's latest snapshot.  An
 * "action" request does, for as long as libvirt takes, on its own thread.
 */
#include "vmon-serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmon-fdio.h"
#include "vmon-source.h"
#include "vmon-util.h"
#include "vmon-uuid.h"
#include "vmon-wire.h"

#define MAX_CLIENTS 32
#define MAX_SUBSCRIBERS 16
#define MAX_REQUEST 4096
#define REQUEST_TIMEOUT 1.0
#define REPLY_TIMEOUT 10.0

struct vmon_server {
    struct vmon_source *source;
    char *path;
    dev_t dev;              /* of our socket file: stop unlinks only ours */
    ino_t ino;
    int listen_fd;
    int wake[2];            /* self-pipe: readable means look again */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned clients;       /* client threads running */
    int subscribers[MAX_SUBSCRIBERS];   /* "events" clients' sockets, -1 free */
    bool sub_eof[MAX_SUBSCRIBERS];      /* that one shut down its writing half */
    bool stopping;          /* vmon_server_stop() called; the pipe says when */
    vmon_server_log_fn *act_log;        /* NULL: no actions on this socket */
};

struct client {
    struct vmon_server *server;
    int fd;
};

static void
send_error(int fd, const char *msg, double deadline)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "error: %s\n", msg);

    /* a client gone or too slow: nobody left to tell */
    (void) vmon_fd_send_all(fd, line, n < (int) sizeof(line) ? (size_t) n : sizeof(line) - 1, deadline);
}

/*
 * The request line into buf (without its newline; EOF also ends it, for
 * `printf snapshot | socat`).  0, or -1 with *why set.
 */
static int
read_request(int fd, char *buf, size_t size, const char **why)
{
    double deadline = vmon_now_mono() + REQUEST_TIMEOUT;
    size_t len = 0;

    for (;;) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n > 0) {
            len += (size_t) n;
            buf[len] = '\0';
            char *nl = memchr(buf, '\n', len);
            if (nl) {
                *nl = '\0';
                break;
            }
            if (len == size - 1) {
                *why = "request line too long";
                return -1;
            }
            continue;
        }
        if (n == 0)
            break;
        if ((errno == EAGAIN || errno == EINTR) && vmon_fd_wait(fd, POLLIN, deadline) > 0)
            continue;
        *why = errno == EAGAIN ? "no request line within 1 s" : "cannot read the request";
        return -1;
    }
    buf[len] = '\0';
    len = strlen(buf);
    if (len && buf[len - 1] == '\r')   /* telnet, or a line typed into socat with CRLF */
        buf[len - 1] = '\0';
    return 0;
}

enum request_kind { REQ_SNAPSHOT, REQ_DOMAIN, REQ_EVENTS, REQ_ACTION, REQ_LAST_ACTION };

struct request {
    enum request_kind kind;
    enum vmon_action action;    /* REQ_ACTION */
    char *domain;               /* REQ_DOMAIN, REQ_ACTION, REQ_LAST_ACTION; to free */
};

/* A domain as a request names it: bare, or quoted as the wire quotes strings. */
static char *
parse_domain(const char *arg, char *why, size_t whylen)
{
    const char *end;
    char *name;

    if (!*arg) {
        snprintf(why, whylen, "no domain in the request");
        return NULL;
    }
    if (arg[0] != '"')
        return vmon_strdup(arg);
    name = vmon_wire_parse_string(arg, &end);
    if (name && *end == '\0')
        return name;
    free(name);
    snprintf(why, whylen, "bad quoted domain name in the request");
    return NULL;
}

/*
 * "snapshot", "domain NAME", "events", "action ACTION NAME",
 * "last-action UUID" into req.  0, or -1 with why filled.
 */
static int
parse_request(const char *line, struct request *req, char *why, size_t whylen)
{
    memset(req, 0, sizeof(*req));
    if (strcmp(line, "snapshot") == 0)
        return 0;
    if (strcmp(line, "events") == 0) {
        req->kind = REQ_EVENTS;
        return 0;
    }
    if (strncmp(line, "domain ", 7) == 0) {
        req->kind = REQ_DOMAIN;
        req->domain = parse_domain(line + 7, why, whylen);
        return req->domain ? 0 : -1;
    }
    if (strncmp(line, "action ", 7) == 0) {
        const char *name = line + 7;
        size_t len = strcspn(name, " ");
        char word[16];
        snprintf(word, sizeof(word), "%.*s", (int) (len < sizeof(word) ? len : sizeof(word) - 1), name);
        int a = len < sizeof(word) ? vmon_action_from_name(word) : -1;
        if (a <= VMON_ACTION_NONE) {
            snprintf(why, whylen, "unknown action '%s' (known: start, shutdown, reboot, reset, "
                                  "destroy, suspend, resume, start-paused)", word);
            return -1;
        }
        req->kind = REQ_ACTION;
        req->action = (enum vmon_action) a;
        req->domain = parse_domain(name[len] ? name + len + 1 : "", why, whylen);
        return req->domain ? 0 : -1;
    }
    if (strncmp(line, "last-action ", 12) == 0) {
        req->kind = REQ_LAST_ACTION;
        req->domain = vmon_strdup(line + 12);
        if (vmon_uuid_is_text(req->domain))
            return 0;
        snprintf(why, whylen, "last-action wants a domain UUID");
        free(req->domain);
        req->domain = NULL;
        return -1;
    }
    /* echo the start of it, without control bytes, for whoever typed it */
    char shown[64];
    size_t i;
    for (i = 0; line[i] && i < sizeof(shown) - 1; i++)
        shown[i] = (unsigned char) line[i] < 0x20 ? '?' : line[i];
    shown[i] = '\0';
    snprintf(why, whylen,
             "unknown request '%s' (expected \"snapshot\", \"domain NAME\", \"events\", "
             "\"action ACTION NAME\" or \"last-action UUID\")", shown);
    return -1;
}

static void
send_action_result(int fd, const struct vmon_action_result *res)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = vmon_memstream(&text, &len);

    vmon_wire_write_action_result(f, res);
    fclose(f);
    (void) vmon_fd_send_all(fd, text, len, vmon_now_mono() + REPLY_TIMEOUT);
    free(text);
}

/*
 * Run an action for a client.  Anyone who may read the socket may read
 * the snapshots (a check in the socket's group); acting takes root or
 * virtmond's own user, checked on the peer's credentials, and an action
 * virtmond's --allow-actions lists (the poller refuses the rest).
 */
static void
serve_action(struct vmon_server *s, int fd, const struct request *req)
{
    struct ucred peer;
    socklen_t len = sizeof(peer);
    struct vmon_action_result res;
    char msg[512], kind[96];

    pthread_mutex_lock(&s->lock);
    vmon_server_log_fn *act_log = s->act_log;
    pthread_mutex_unlock(&s->lock);
    if (!act_log) {
        send_error(fd, "this socket takes no actions", vmon_now_mono() + REPLY_TIMEOUT);
        return;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0) {
        send_error(fd, "cannot tell who is asking (SO_PEERCRED)", vmon_now_mono() + REPLY_TIMEOUT);
        return;
    }
    if (peer.uid != 0 && peer.uid != geteuid()) {
        snprintf(msg, sizeof(msg), "%s of '%s' refused: uid %u (pid %d) is neither root nor "
                 "virtmond's own user (uid %u)", vmon_action_name(req->action), req->domain,
                 (unsigned) peer.uid, (int) peer.pid, (unsigned) geteuid());
        snprintf(kind, sizeof(kind), "%s refused for uid %u", vmon_action_name(req->action),
                 (unsigned) peer.uid);
        act_log(kind, msg);
        send_error(fd, msg, vmon_now_mono() + REPLY_TIMEOUT);
        return;
    }
    vmon_source_action(s->source, req->domain, req->action, &res);
    snprintf(msg, sizeof(msg), "%s of '%s' for pid %d (uid %u): %s: %s",
             vmon_action_name(req->action), req->domain, (int) peer.pid, (unsigned) peer.uid,
             vmon_action_status_name(res.status), res.message);
    snprintf(kind, sizeof(kind), "%s %s by uid %u", vmon_action_name(req->action),
             vmon_action_status_name(res.status), (unsigned) peer.uid);
    act_log(kind, msg);
    send_action_result(fd, &res);
}

static void
serve_last_action(struct vmon_server *s, int fd, const struct request *req)
{
    unsigned char uuid[16];
    struct vmon_action_result res;

    vmon_uuid_parse(req->domain, uuid);    /* parse_request checked it */
    if (vmon_source_last_action(s->source, uuid, &res) == 0)
        send_action_result(fd, &res);
    else
        (void) vmon_fd_send_all(fd, "no-action\n", 10, vmon_now_mono() + REPLY_TIMEOUT);
}

/* Make the listener look again: a subscriber came or went, or stop. */
static void
wake_listener(struct vmon_server *s)
{
    /* a full pipe already holds a wake-up: nothing lost */
    while (write(s->wake[1], "w", 1) < 0 && errno == EINTR)
        ;
}

/* Forget subscriber i and close its socket; s->lock held. */
static void
drop_subscriber(struct vmon_server *s, size_t i)
{
    close(s->subscribers[i]);
    s->subscribers[i] = -1;
    s->sub_eof[i] = false;
}

/*
 * Keep fd as an events subscriber; false (fd to close) when full.  The
 * slot is taken before the header goes out, so a client past the limit
 * reads the error line first, never a header followed by silence; the
 * header is sent with the lock held so that no event can overtake it
 * (a fresh socket's buffer always has room for it).
 */
static bool
subscribe(struct vmon_server *s, int fd, double deadline)
{
    static const char header[] = "virtmon-events 1\n";
    bool kept = false, full = true;

    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < MAX_SUBSCRIBERS && full; i++)
        if (s->subscribers[i] < 0) {
            full = false;
            if (send(fd, header, sizeof(header) - 1, MSG_DONTWAIT | MSG_NOSIGNAL)
                == (ssize_t) sizeof(header) - 1) {
                s->subscribers[i] = fd;
                s->sub_eof[i] = false;
                kept = true;
            }
        }
    pthread_mutex_unlock(&s->lock);
    if (full) {
        char msg[80];
        snprintf(msg, sizeof(msg), "too many event subscribers (at most %d)", MAX_SUBSCRIBERS);
        send_error(fd, msg, deadline);
    }
    if (kept)
        wake_listener(s);
    return kept;
}

/*
 * What poll() said of a subscriber's socket (s->lock held).  A subscriber
 * has nothing more to say after "events": bytes it sends are read and
 * dropped.  A peer that only shut down its writing half (`echo events |
 * socat ...`) still reads, so EOF alone keeps it (and stops asking for
 * POLLIN); POLLHUP (both halves gone: the process closed the socket or
 * died) or an error closes it at once.
 */
static void
subscriber_ready(struct vmon_server *s, size_t i, short revents)
{
    char junk[256];

    if (revents & (POLLHUP | POLLERR)) {
        drop_subscriber(s, i);
        return;
    }
    if (!(revents & POLLIN))
        return;
    ssize_t n = recv(s->subscribers[i], junk, sizeof(junk), MSG_DONTWAIT);
    if (n == 0)
        s->sub_eof[i] = true;
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
        drop_subscriber(s, i);
}

void
vmon_server_publish(struct vmon_server *s, const struct vmon_event *ev)
{
    char *line = NULL;
    size_t len = 0;
    FILE *f = vmon_memstream(&line, &len);
    bool dropped = false;

    vmon_wire_write_event(f, ev);
    fclose(f);
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < MAX_SUBSCRIBERS; i++) {
        int fd = s->subscribers[i];
        if (fd < 0)
            continue;
        /* never wait for a subscriber: one that is gone or too slow to
         * keep a socket buffer free is dropped, and infers what it missed */
        ssize_t n = send(fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n != (ssize_t) len) {
            drop_subscriber(s, i);
            dropped = true;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (dropped)
        wake_listener(s);
    free(line);
}

/* Serve one client; true when fd stays open as an events subscriber. */
static bool
serve_client(struct vmon_server *s, int fd)
{
    char line[MAX_REQUEST], why[256];
    const char *read_why = NULL;
    double deadline = vmon_now_mono() + REPLY_TIMEOUT;
    struct request req;

    if (read_request(fd, line, sizeof(line), &read_why) < 0) {
        send_error(fd, read_why, deadline);
        return false;
    }
    if (parse_request(line, &req, why, sizeof(why)) < 0) {
        send_error(fd, why, deadline);
        return false;
    }
    switch (req.kind) {
    case REQ_EVENTS:
        return subscribe(s, fd, deadline);
    case REQ_ACTION:
        serve_action(s, fd, &req);
        free(req.domain);
        return false;
    case REQ_LAST_ACTION:
        serve_last_action(s, fd, &req);
        free(req.domain);
        return false;
    case REQ_SNAPSHOT:
    case REQ_DOMAIN:
        break;
    }
    struct vmon_snapshot *snap = vmon_source_snapshot(s->source);
    if (!snap) {
        send_error(fd, "no poll has finished yet; try again in a moment", deadline);
        free(req.domain);
        return false;
    }
    /* straight onto the socket: a client that stops reading only times out */
    struct vmon_fd_writer w = { .fd = fd, .deadline = deadline };
    FILE *f = vmon_fd_writer_open(&w);
    int rc = vmon_wire_write(f, snap, req.domain);
    fclose(f);
    vmon_snapshot_unref(snap);
    if (rc < 0 && w.sent == 0 && !w.failed)   /* before any output: say so */
        send_error(fd, "cannot format the snapshot", deadline);
    free(req.domain);
    return false;
}

static void *
client_thread(void *arg)
{
    struct client *c = arg;
    struct vmon_server *s = c->server;

    if (!serve_client(s, c->fd))
        close(c->fd);
    free(c);
    pthread_mutex_lock(&s->lock);
    if (--s->clients == 0)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void
spawn_client(struct vmon_server *s, int fd, const pthread_attr_t *attr)
{
    pthread_t t;
    struct client *c = vmon_alloc(sizeof(*c));

    c->server = s;
    c->fd = fd;
    pthread_mutex_lock(&s->lock);
    bool room = s->clients < MAX_CLIENTS;
    if (room)
        s->clients++;
    pthread_mutex_unlock(&s->lock);
    if (room && pthread_create(&t, attr, client_thread, c) == 0)
        return;
    if (room) {
        pthread_mutex_lock(&s->lock);
        s->clients--;
        pthread_mutex_unlock(&s->lock);
    }
    /* the listener must not wait here: whatever fits in the buffer, then close */
    send(fd, "error: busy\n", 12, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
    free(c);
}

/*
 * The poll set: the listening socket, the self-pipe, then every subscriber
 * (their slots in slot[]).  Returns how many entries.
 */
static nfds_t
build_poll_set(struct vmon_server *s, struct pollfd *pfd, size_t *slot)
{
    nfds_t n = 2;

    pfd[0] = (struct pollfd) { .fd = s->listen_fd, .events = POLLIN };
    pfd[1] = (struct pollfd) { .fd = s->wake[0], .events = POLLIN };
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < MAX_SUBSCRIBERS; i++)
        if (s->subscribers[i] >= 0) {
            /* POLLHUP and POLLERR come whatever events asks for */
            pfd[n] = (struct pollfd) { .fd = s->subscribers[i],
                                       .events = s->sub_eof[i] ? 0 : POLLIN };
            slot[n++] = i;
        }
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Drain the self-pipe; true when it asked us to stop. */
static bool
read_wake(struct vmon_server *s)
{
    char buf[64];

    while (read(s->wake[0], buf, sizeof(buf)) > 0)
        ;
    pthread_mutex_lock(&s->lock);
    bool stop = s->stopping;
    pthread_mutex_unlock(&s->lock);
    return stop;
}

static void *
listen_thread(void *arg)
{
    struct vmon_server *s = arg;
    struct pollfd pfd[2 + MAX_SUBSCRIBERS];
    size_t slot[2 + MAX_SUBSCRIBERS];
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* a client needs little stack: request buffer, one memstream */
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        nfds_t n = build_poll_set(s, pfd, slot);
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if ((pfd[1].revents & POLLIN) && read_wake(s))
            break;
        pthread_mutex_lock(&s->lock);
        for (nfds_t k = 2; k < n; k++)
            /* publish() may have dropped it meanwhile, and the number
             * been reused by another thread: only the one we polled */
            if (pfd[k].revents && s->subscribers[slot[k]] == pfd[k].fd)
                subscriber_ready(s, slot[k], pfd[k].revents);
        pthread_mutex_unlock(&s->lock);
        if (!(pfd[0].revents & POLLIN))
            continue;
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            spawn_client(s, fd, &attr);
        else if (errno == EMFILE || errno == ENFILE)
            /* out of descriptors: let clients finish rather than spin on poll() */
            nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
    }
    pthread_attr_destroy(&attr);
    return NULL;
}

/* Make room at path: a stale socket goes, a live one or anything else stays. */
static int
clear_path(const char *path, const struct sockaddr_un *addr)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        vmon_error_set("cannot check %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        vmon_error_set("%s exists and is not a socket; refusing to replace it", path);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (const struct sockaddr *) addr, sizeof(*addr)) == 0) {
        close(fd);
        vmon_error_set("%s is in use by a running server (another virtmond?)", path);
        return -1;
    }
    if (fd >= 0)
        close(fd);
    if (unlink(path) < 0 && errno != ENOENT) {
        vmon_error_set("cannot remove the stale socket %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The socket's directory (/run/virtmon) when missing; its parent must exist. */
static void
make_parent_dir(const char *path)
{
    char *dir = vmon_strdup(path);
    char *slash = strrchr(dir, '/');

    if (slash && slash != dir) {
        *slash = '\0';
        (void) mkdir(dir, 0755);   /* bind() says it if this did not help */
    }
    free(dir);
}

struct vmon_server *
vmon_server_start(struct vmon_source *src, const char *path, mode_t mode, gid_t gid)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct vmon_server *s;
    struct stat st;
    bool bound = false;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vmon_error_set("socket path '%s' is too long (at most %zu bytes)", path,
                 sizeof(addr.sun_path) - 1);
        return NULL;
    }
    strcpy(addr.sun_path, path);
    make_parent_dir(path);
    if (clear_path(path, &addr) < 0)
        return NULL;

    s = vmon_alloc(sizeof(*s));
    s->source = src;
    s->path = vmon_strdup(path);
    s->wake[0] = s->wake[1] = -1;
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0) {
        vmon_error_set("cannot create a socket: %s", strerror(errno));
        goto error;
    }
    if (bind(s->listen_fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        vmon_error_set("cannot bind to %s: %s", path, strerror(errno));
        goto error;
    }
    bound = true;
    /* before listen(): nobody can connect while the mode is still umask's */
    if (chmod(path, mode) < 0) {
        vmon_error_set("cannot set mode %04o on %s: %s", (unsigned) mode, path, strerror(errno));
        goto error;
    }
    if (gid != (gid_t) -1 && chown(path, (uid_t) -1, gid) < 0) {
        vmon_error_set("cannot give %s to group %u: %s", path, (unsigned) gid, strerror(errno));
        goto error;
    }
    if (stat(path, &st) < 0 || listen(s->listen_fd, 64) < 0) {
        vmon_error_set("cannot listen on %s: %s", path, strerror(errno));
        goto error;
    }
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        vmon_error_set("cannot create a pipe: %s", strerror(errno));
        goto error;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    for (size_t i = 0; i < MAX_SUBSCRIBERS; i++)
        s->subscribers[i] = -1;
    int rc = pthread_create(&s->thread, NULL, listen_thread, s);
    if (rc != 0) {
        vmon_error_set("cannot start the server thread: %s", strerror(rc));
        pthread_cond_destroy(&s->idle);
        pthread_mutex_destroy(&s->lock);
        goto error;
    }
    return s;

error:
    if (bound)
        unlink(path);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    free(s->path);
    free(s);
    return NULL;
}

void
vmon_server_take_actions(struct vmon_server *s, vmon_server_log_fn *log)
{
    pthread_mutex_lock(&s->lock);
    s->act_log = log;
    pthread_mutex_unlock(&s->lock);
}

void
vmon_server_stop(struct vmon_server *s)
{
    struct stat st;

    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_mutex_unlock(&s->lock);
    wake_listener(s);
    pthread_join(s->thread, NULL);
    /* no new clients now; the running ones end within their timeouts */
    pthread_mutex_lock(&s->lock);
    while (s->clients > 0)
        pthread_cond_wait(&s->idle, &s->lock);
    for (size_t i = 0; i < MAX_SUBSCRIBERS; i++)
        if (s->subscribers[i] >= 0)
            close(s->subscribers[i]);
    pthread_mutex_unlock(&s->lock);
    /* only our own socket: another server may have taken the path since */
    if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
        unlink(s->path);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}
