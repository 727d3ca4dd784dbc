/* Socket I/O against a deadline, for both halves of vmon-serve. */
#include "vmon-fdio.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "vmon-util.h"

/* Milliseconds left before deadline, for poll(); 0 once it has passed. */
static int
ms_left(double deadline)
{
    double left = deadline - vmon_now_mono();
    return left <= 0 ? 0 : (int) (left * 1000) + 1;
}

int
vmon_fd_wait(int fd, short events, double deadline)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    for (;;) {
        int ms = ms_left(deadline);
        if (ms == 0)
            return 0;
        int n = poll(&pfd, 1, ms);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

/* MSG_NOSIGNAL: a peer gone mid-write is EPIPE, not SIGPIPE for the process. */
int
vmon_fd_send_all(int fd, const char *buf, size_t len, double deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t) n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
        int w = vmon_fd_wait(fd, POLLOUT, deadline);
        if (w <= 0) {
            if (w == 0)
                errno = ETIMEDOUT;
            return -1;
        }
    }
    return 0;
}

static ssize_t
writer_write(void *cookie, const char *buf, size_t size)
{
    struct vmon_fd_writer *w = cookie;

    if (w->failed || vmon_fd_send_all(w->fd, buf, size, w->deadline) < 0) {
        w->failed = true;
        return -1;
    }
    w->sent += size;
    return (ssize_t) size;
}

FILE *
vmon_fd_writer_open(struct vmon_fd_writer *w)
{
    FILE *f = fopencookie(w, "w", (cookie_io_functions_t) { .write = writer_write });

    if (!f)
        abort();   /* no memory: vmon_alloc's policy */
    setvbuf(f, NULL, _IOFBF, 64 * 1024);
    return f;
}
