/*
 * The client half of vmon-serve.h: ask virtmond for a snapshot.  It lives
 * in the libvirt-free core so that a check asking the daemon starts in a
 * couple of milliseconds instead of paying for libvirt's dynamic loading.
 */
#include "vmon-serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmon-fdio.h"
#include "vmon-util.h"
#include "vmon-wire.h"

/* More than any host's snapshot (1000 domains are ~3 MB): a runaway peer. */
#define MAX_REPLY (256u << 20)

/* Milliseconds left before deadline, for poll(); 0 once it has passed. */
static int
ms_left(double deadline)
{
    double left = deadline - vmon_now_mono();
    return left <= 0 ? 0 : (int) (left * 1000) + 1;
}

static int
connect_until(int fd, const struct sockaddr_un *addr, double deadline)
{
    for (;;) {
        if (connect(fd, (const struct sockaddr *) addr, sizeof(*addr)) == 0)
            return 0;
        /* a non-blocking AF_UNIX connect says EAGAIN while the backlog is full */
        if (errno != EAGAIN && errno != EINTR)
            return -1;
        if (ms_left(deadline) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
}

static const char *
connect_hint(int err)
{
    switch (err) {
    case ENOENT:
    case ECONNREFUSED: return " (is virtmond running?)";
    case EACCES:
    case EPERM: return " (is this user in the socket's group?)";
    default: return "";
    }
}

/*
 * The reply is parsed as it arrives, through a stdio stream over the
 * socket: a whole snapshot held as text besides the snapshot parsed from
 * it would double a long-running reader's peak memory (1000 domains:
 * 2.7 MB of text).  The stream's reads honour the caller's deadline.
 */
struct reply_reader {
    int fd;
    double deadline;
    size_t total;
    int error;      /* errno of the first failed read, ETIMEDOUT, EMSGSIZE */
};

static ssize_t
reply_read(void *cookie, char *buf, size_t size)
{
    struct reply_reader *r = cookie;

    for (;;) {
        ssize_t n = read(r->fd, buf, size);
        if (n >= 0) {
            r->total += (size_t) n;
            if (r->total > MAX_REPLY) {
                r->error = EMSGSIZE;
                return -1;
            }
            return n;
        }
        int w = errno == EAGAIN || errno == EINTR ? vmon_fd_wait(r->fd, POLLIN, r->deadline) : -1;
        if (w <= 0) {
            r->error = w == 0 ? ETIMEDOUT : errno;
            return -1;
        }
    }
}

static void
read_failed(const struct reply_reader *r, const char *path, double timeout, char *err,
            size_t errlen)
{
    if (r->error == ETIMEDOUT)
        snprintf(err, errlen, "virtmond at %s did not answer within %g s", path, timeout);
    else
        snprintf(err, errlen, "cannot read the reply of virtmond at %s: %s", path,
                 strerror(r->error));
}

/* "snapshot\n" or "domain \"NAME\"\n", malloc'd. */
static char *
request_line(const char *only, size_t *len)
{
    char *req = NULL;
    FILE *f = vmon_memstream(&req, len);

    if (only) {
        fputs("domain ", f);
        vmon_wire_write_string(f, only);
        fputc('\n', f);
    } else {
        fputs("snapshot\n", f);
    }
    fclose(f);
    return req;
}

/* Connect to path and send req: the socket (non-blocking), or -1 with err. */
static int
send_request(const char *path, const char *req, size_t reqlen, double deadline, double timeout,
             char *err, size_t errlen)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof(addr.sun_path)) {
        snprintf(err, errlen, "virtmond socket path '%s' is too long (at most %zu bytes)",
                 path, sizeof(addr.sun_path) - 1);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
        return -1;
    }
    if (connect_until(fd, &addr, deadline) < 0) {
        int e = errno;
        if (e == ETIMEDOUT)
            snprintf(err, errlen, "virtmond at %s did not accept the connection within %g s",
                     path, timeout);
        else
            snprintf(err, errlen, "cannot connect to virtmond at %s: %s%s", path, strerror(e),
                     connect_hint(e));
        close(fd);
        return -1;
    }
    if (vmon_fd_send_all(fd, req, reqlen, deadline) < 0) {
        snprintf(err, errlen, "cannot send the request to virtmond at %s: %s", path,
                 errno == ETIMEDOUT ? "timed out" : strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

struct vmon_snapshot *
vmon_serve_fetch(const char *path, const char *only, double timeout, char *err, size_t errlen)
{
    double deadline = vmon_now_mono() + timeout;
    struct vmon_snapshot *snap = NULL;
    char why[256];
    size_t reqlen;
    FILE *f;
    char *req = request_line(only, &reqlen);
    int fd = send_request(path, req, reqlen, deadline, timeout, err, errlen);

    free(req);
    if (fd < 0)
        return NULL;
    shutdown(fd, SHUT_WR);
    struct reply_reader r = { .fd = fd, .deadline = deadline };
    f = fopencookie(&r, "r", (cookie_io_functions_t) { .read = reply_read });
    if (!f)
        abort();   /* no memory: vmon_alloc's policy */
    setvbuf(f, NULL, _IOFBF, 64 * 1024);   /* stdio's default 4 KiB: many more reads */
    int c = getc(f);
    if (c == EOF) {
        if (r.error)
            read_failed(&r, path, timeout, err, errlen);
        else
            snprintf(err, errlen, "virtmond at %s closed the connection without a reply", path);
    } else if (c == 'e') {   /* "error: why", the server's one-line refusal */
        char line[512] = "e";
        if (fgets(line + 1, sizeof(line) - 1, f) && strncmp(line, "error: ", 7) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(err, errlen, "virtmond at %s: %s", path, line + 7);
        } else {
            snprintf(err, errlen, "bad reply from virtmond at %s: it starts '%.40s'", path, line);
        }
    } else {
        ungetc(c, f);
        snap = vmon_wire_read(f, why, sizeof(why));
        if (!snap && r.error)
            read_failed(&r, path, timeout, err, errlen);
        else if (!snap)
            snprintf(err, errlen, "bad reply from virtmond at %s: %s", path, why);
    }
    fclose(f);

    close(fd);
    return snap;
}

int
vmon_serve_subscribe(const char *path, double timeout, char *err, size_t errlen)
{
    static const char req[] = "events\n", header[] = "virtmon-events 1";
    double deadline = vmon_now_mono() + timeout;
    char line[512];
    size_t len = 0;
    int fd = send_request(path, req, sizeof(req) - 1, deadline, timeout, err, errlen);

    if (fd < 0)
        return -1;
    /* the header, a byte at a time: what follows it is the caller's */
    while (len < sizeof(line) - 1) {
        ssize_t n = read(fd, line + len, 1);
        if (n == 1 && line[len] == '\n')
            break;
        if (n == 1) {
            len++;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && vmon_fd_wait(fd, POLLIN, deadline) > 0)
            continue;
        snprintf(err, errlen, "virtmond at %s: no events header%s", path,
                 n == 0 ? " (closed)" : " within the timeout");
        close(fd);
        return -1;
    }
    line[len] = '\0';
    if (strcmp(line, header) != 0) {
        snprintf(err, errlen, "virtmond at %s: %s", path,
                 strncmp(line, "error: ", 7) == 0 ? line + 7 : "not an events stream");
        close(fd);
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        snprintf(err, errlen, "cannot make the events socket blocking: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Send req and read the one line that answers it (without its newline)
 * into line.  0, or -1 with err: out of reach, timeout, or the server's
 * own "error: ..." line.
 */
static int
one_line_exchange(const char *path, const char *req, size_t reqlen, double timeout, char *line,
                  size_t size, char *err, size_t errlen)
{
    double deadline = vmon_now_mono() + timeout;
    size_t len = 0;
    int fd = send_request(path, req, reqlen, deadline, timeout, err, errlen);

    if (fd < 0)
        return -1;
    shutdown(fd, SHUT_WR);
    for (;;) {
        ssize_t n = read(fd, line + len, size - 1 - len);
        if (n > 0) {
            len += (size_t) n;
            line[len] = '\0';
            if (memchr(line, '\n', len) || len == size - 1)
                break;
            continue;
        }
        if (n == 0)
            break;
        int w = errno == EAGAIN || errno == EINTR ? vmon_fd_wait(fd, POLLIN, deadline) : -1;
        if (w <= 0) {
            struct reply_reader r = { .error = w == 0 ? ETIMEDOUT : errno };
            read_failed(&r, path, timeout, err, errlen);
            close(fd);
            return -1;
        }
    }
    close(fd);
    line[len] = '\0';
    char *nl = strchr(line, '\n');
    if (!nl) {
        snprintf(err, errlen, "virtmond at %s %s", path,
                 len ? "sent a reply line without its end" : "closed the connection without a reply");
        return -1;
    }
    *nl = '\0';
    if (strncmp(line, "error: ", 7) == 0) {
        snprintf(err, errlen, "virtmond at %s: %s", path, line + 7);
        return -1;
    }
    return 0;
}

int
vmon_serve_act(const char *path, const char *domain, enum vmon_action action, double timeout,
               struct vmon_action_result *res)
{
    char *req = NULL, line[1024], err[1024], why[512];
    size_t reqlen;
    FILE *f = vmon_memstream(&req, &reqlen);

    fprintf(f, "action %s ", vmon_action_name(action));
    vmon_wire_write_string(f, domain);
    fputc('\n', f);
    fclose(f);
    int rc = one_line_exchange(path, req, reqlen, timeout, line, sizeof(line), err, sizeof(err));
    free(req);
    if (rc == 0 && vmon_wire_parse_action_result(line, res, why, sizeof(why)) < 0) {
        snprintf(err, sizeof(err), "bad reply from virtmond at %.200s: %s", path, why);
        rc = -1;
    }
    if (rc < 0) {
        memset(res, 0, sizeof(*res));
        res->action = action;
        res->status = VMON_ACTION_FAILED;
        res->when = time(NULL);
        /* the message column is this long: the server's words come last */
        snprintf(res->message, sizeof(res->message), "%.*s", (int) sizeof(res->message) - 1, err);
        return -1;
    }
    return res->status == VMON_ACTION_OK || res->status == VMON_ACTION_PENDING ? 0 : -1;
}

int
vmon_serve_last_action(const char *path, const char *uuid, double timeout,
                       struct vmon_action_result *res, char *err, size_t errlen)
{
    char req[64], line[1024];
    int reqlen = snprintf(req, sizeof(req), "last-action %.36s\n", uuid);

    if (one_line_exchange(path, req, (size_t) reqlen, timeout, line, sizeof(line), err, errlen) < 0)
        return -1;
    if (strcmp(line, "no-action") == 0)
        return 1;
    return vmon_wire_parse_action_result(line, res, err, errlen) < 0 ? -1 : 0;
}
