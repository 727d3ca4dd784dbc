/*
 * Benchmark helper: run a command RUNS times (sleeping GAP seconds between
 * runs, outside the measurement, so a check finds its state file as in
 * real use) and print the median and minimum wall time and CPU time
 * (user + system, from wait4's rusage) per run, in milliseconds:
 *
 *   nagios-cpu-bench RUNS GAP CMD [ARGS...]
 *   -> wall_med wall_min cpu_med cpu_min
 *
 * Medians, because the machine these run on is shared with other builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "bench-sort.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: nagios-cpu-bench RUNS GAP CMD [ARGS...]\n");
        return 99;
    }
    int runs = atoi(argv[1]);
    double gap = atof(argv[2]);
    if (runs < 1)
        return 99;
    double *wall = calloc((size_t) runs, sizeof(double));
    double *cpu = calloc((size_t) runs, sizeof(double));
    if (!wall || !cpu)
        return 99;

    for (int i = 0; i < runs; i++) {
        if (gap > 0) {
            struct timespec ts = { (time_t) gap, (long) ((gap - (double) (time_t) gap) * 1e9) };
            nanosleep(&ts, NULL);
        }
        double t0 = now();
        pid_t pid = fork();
        if (pid < 0)
            return 99;
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) {
                dup2(devnull, 1);
                dup2(devnull, 2);
            }
            execvp(argv[3], argv + 3);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0)
            return 99;
        wall[i] = (now() - t0) * 1000;
        cpu[i] = ((double) ru.ru_utime.tv_sec + (double) ru.ru_stime.tv_sec) * 1000 +
                 ((double) ru.ru_utime.tv_usec + (double) ru.ru_stime.tv_usec) / 1000;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
            fprintf(stderr, "nagios-cpu-bench: cannot run %s\n", argv[3]);
            return 99;
        }
    }
    bench_sort(wall, runs);
    bench_sort(cpu, runs);
    printf("%.1f %.1f %.1f %.1f\n", wall[runs / 2], wall[0], cpu[runs / 2], cpu[0]);
    free(wall);
    free(cpu);
    return 0;
}
