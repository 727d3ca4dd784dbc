#include "chk-timeout.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "chk-output.h"
#include "vmon-range.h"
#include "vmon-util.h"

/* glibc before 2.35 names the SIGEV_THREAD_ID target only in its union */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

volatile sig_atomic_t chk_timed_out;

enum { PHASE_WORKING, PHASE_PRINTING, PHASE_DONE };

/*
 * The line the handler writes, prepared outside it.  Two buffers so that
 * chk_timeout_doing() never rewrites the one the handler may be reading:
 * it fills the spare one and then flips the index (a sig_atomic_t store).
 */
static char lines[2][600];
static volatile sig_atomic_t line_len[2];
static volatile sig_atomic_t current;
static volatile sig_atomic_t phase;
static volatile sig_atomic_t expired;       /* while printing */
static volatile sig_atomic_t done_rc;
static int exit_state = CHK_UNKNOWN;
static double armed_seconds;
static double deadline = HUGE_VAL;          /* on vmon_now_mono()'s clock */

static void
on_alarm(int sig)
{
    (void) sig;
    if (phase == PHASE_PRINTING) {
        expired = 1;
        return;
    }
    if (phase == PHASE_DONE)
        _exit(done_rc);
    chk_timed_out = 1;
    int i = current;
    ssize_t off = 0;
    while (off < line_len[i]) {
        ssize_t n = write(STDOUT_FILENO, lines[i] + off, (size_t) (line_len[i] - off));
        if (n <= 0)
            break;
        off += n;
    }
    _exit(exit_state);
}

void
chk_timeout_doing(const char *what)
{
    int spare = !current;
    char safe[400];

    chk_output_sanitize(safe, sizeof(safe), what);
    int n = snprintf(lines[spare], sizeof(lines[spare]), "VIRT %s - timed out after %g s %s\n",
                     chk_state_name(exit_state), armed_seconds, safe);
    if (n < 0)
        n = 0;
    if ((size_t) n >= sizeof(lines[spare]))
        n = (int) sizeof(lines[spare]) - 1;
    line_len[spare] = n;
    current = spare;
}

/*
 * How long ago this process was exec'd: /proc/self/stat's starttime (clock
 * ticks since boot) against CLOCK_BOOTTIME, the clock it is counted on.
 * Dynamic linking and a loaded host's scheduling delay before main() are
 * part of the run the NMS times.  0 when it cannot be told.
 */
static double
since_exec(void)
{
    char buf[1024];
    struct timespec now;
    unsigned long long start;
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* the name in parentheses may hold anything: fields count from its end */
    const char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
                            "%*d %*d %*d %*d %llu", &start) != 1)
        return 0;
    long tick = sysconf(_SC_CLK_TCK);
    if (tick <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) < 0)
        return 0;
    double ago = vmon_timespec_seconds(&now) - (double) start / (double) tick;
    /* a clock that disagrees by more than this is not telling the start */
    return ago > 0 && ago < 10 ? ago : 0;
}

int
chk_timeout_arm(double seconds, int state, const char *what)
{
    struct sigaction sa;
    struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
    timer_t timer;

    if (!(seconds > 0) || seconds > 86400)
        return -1;
    armed_seconds = seconds;
    exit_state = state;
    phase = PHASE_WORKING;
    chk_timeout_doing(what);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    /* the handler returns only while the result is written: let that
     * write carry on rather than fail with EINTR and cut the output */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    /* the main thread, whichever thread libvirt or the core start later */
    sev.sigev_notify_thread_id = (pid_t) syscall(SYS_gettid);
    deadline = vmon_now_mono() - since_exec() + seconds;
    double left = deadline - vmon_now_mono();
    if (left < 0.001)
        left = 0.001;   /* 0 would disarm: fire now instead */
    struct itimerspec its = { .it_value = { .tv_sec = (time_t) left,
                                            .tv_nsec = (long) ((left - floor(left)) * 1e9) } };
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0) {
        if (timer_settime(timer, 0, &its, NULL) == 0)
            return 0;
        timer_delete(timer);
    }
    /* no per-thread timer: whole seconds, to whichever thread takes it */
    alarm((unsigned) ceil(left));
    return 0;
}

double
chk_timeout_remaining(void)
{
    return deadline - vmon_now_mono();
}

void
chk_timeout_printing(void)
{
    phase = PHASE_PRINTING;
}

void
chk_timeout_printed(int rc)
{
    done_rc = rc;
    phase = PHASE_DONE;
    if (expired)
        _exit(rc);
}
