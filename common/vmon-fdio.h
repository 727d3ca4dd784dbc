/* Socket I/O against a deadline (seconds on vmon_now_mono()'s clock). */
#ifndef VMON_FDIO_H
#define VMON_FDIO_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Wait for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
int vmon_fd_wait(int fd, short events, double deadline);

/* All of buf, or -1 with errno (ETIMEDOUT at the deadline, EPIPE when the peer left). */
int vmon_fd_send_all(int fd, const char *buf, size_t len, double deadline);

/*
 * A stream writing to fd with vmon_fd_send_all() against w->deadline, so
 * that text goes out as it is formatted, 64 KiB at a time, instead of
 * being built whole in memory first (a snapshot is megabytes).  w is the
 * caller's and outlives fclose(): sent counts the bytes that went out,
 * failed says a send did not (timeout, peer gone).
 */
struct vmon_fd_writer {
    int fd;
    double deadline;
    size_t sent;
    bool failed;
};
FILE *vmon_fd_writer_open(struct vmon_fd_writer *w);

#endif
