#include "chk-timeout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chk-output.h"
#include "vmon-range.h"

volatile sig_atomic_t chk_timed_out;

/*
 * The line the handler writes, prepared outside it.  Two buffers so that
 * chk_timeout_doing() never rewrites the one the handler may be reading:
 * it fills the spare one and then flips the index (a sig_atomic_t store).
 */
static char lines[2][600];
static volatile sig_atomic_t line_len[2];
static volatile sig_atomic_t current;
static int exit_state = CHK_UNKNOWN;
static unsigned armed_seconds;

static void
on_alarm(int sig)
{
    (void) sig;
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
    int n = snprintf(lines[spare], sizeof(lines[spare]), "VIRT %s - timed out after %u s %s\n",
                     chk_state_name(exit_state), armed_seconds, safe);
    if (n < 0)
        n = 0;
    if ((size_t) n >= sizeof(lines[spare]))
        n = (int) sizeof(lines[spare]) - 1;
    line_len[spare] = n;
    current = spare;
}

int
chk_timeout_arm(double seconds, int state, const char *what)
{
    struct sigaction sa;

    if (!(seconds > 0) || seconds > 86400)
        return -1;
    armed_seconds = (unsigned) ceil(seconds);
    exit_state = state;
    chk_timeout_doing(what);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(armed_seconds);
    return 0;
}

void
chk_timeout_disarm(void)
{
    alarm(0);
}
