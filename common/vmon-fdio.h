/* Socket I/O against a deadline (seconds on vmon_now_mono()'s clock). */
#ifndef VMON_FDIO_H
#define VMON_FDIO_H

#include <poll.h>
#include <stddef.h>

/* Wait for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
int vmon_fd_wait(int fd, short events, double deadline);

/* All of buf, or -1 with errno (ETIMEDOUT at the deadline, EPIPE when the peer left). */
int vmon_fd_send_all(int fd, const char *buf, size_t len, double deadline);

#endif
