/*
 * Benchmark helper for make snmp-bench: what one round trip between two
 * processes costs on this machine before either does any work, the unit
 * every AgentX request pays.
 *
 *   wakeup-pingpong [ROUNDS]
 *
 * A parent and a child bounce 40 bytes (an AgentX header and a little)
 * over a unix stream socket, first wherever the scheduler puts them, then
 * both pinned to CPU 0.  On a virtual machine the first is dominated by
 * waking an idle vCPU; the second is two system calls and a switch.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
round_trip_us(int rounds, int pin)
{
    int sv[2];
    char buf[64] = { 0 };
    struct timespec a, b;
    cpu_set_t one;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -1;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    pid_t child = fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        if (pin)
            sched_setaffinity(0, sizeof(one), &one);
        close(sv[0]);
        while (read(sv[1], buf, sizeof(buf)) > 0)
            if (write(sv[1], buf, 40) != 40)
                break;
        _exit(0);
    }
    close(sv[1]);
    cpu_set_t saved;
    sched_getaffinity(0, sizeof(saved), &saved);
    if (pin)
        sched_setaffinity(0, sizeof(one), &one);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < rounds; i++)
        if (write(sv[0], buf, 40) != 40 || read(sv[0], buf, sizeof(buf)) <= 0)
            break;
    clock_gettime(CLOCK_MONOTONIC, &b);
    sched_setaffinity(0, sizeof(saved), &saved);
    close(sv[0]);
    waitpid(child, NULL, 0);
    return ((double) (b.tv_sec - a.tv_sec) * 1e9 + (double) (b.tv_nsec - a.tv_nsec)) / rounds / 1e3;
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20000;

    if (rounds <= 0) {
        fprintf(stderr, "usage: wakeup-pingpong [ROUNDS]\n");
        return 2;
    }
    printf("round trip between two processes: %.1f us where the scheduler puts them, "
           "%.1f us both on CPU 0 (%d rounds)\n",
           round_trip_us(rounds, 0), round_trip_us(rounds, 1), rounds);
    return 0;
}
