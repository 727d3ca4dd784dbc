/*
 * What one poll costs: the core's steady-state poll of every domain next to
 * a bare `virsh domstats --state --cpu-total --balloon --vcpu --interface
 * --block` of the same domains, each RUNS times, interleaved:
 *
 *   bench-poll [-c URI] [-n RUNS] [-w WORKERS] [-p LIBVIRTD_PID]
 *
 * For each: wall seconds, the client's own CPU seconds (getrusage for the
 * poll, wait4's rusage for virsh) and libvirtd's CPU seconds from
 * /proc/PID/stat (omitted without -p: the test driver runs in-process).
 * Medians, because the machine is shared, and the polls' means (libvirtd's
 * CPU is counted in 10 ms ticks).  Not a test: it prints figures.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-sort.h"
#include "vmon-poller.h"
#include "vmon-util.h"

struct cost {
    double wall, own, daemon;
};

static double
rusage_seconds(const struct rusage *ru)
{
    return (double) ru->ru_utime.tv_sec + (double) ru->ru_utime.tv_usec / 1e6 +
           (double) ru->ru_stime.tv_sec + (double) ru->ru_stime.tv_usec / 1e6;
}

static double
self_cpu(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return rusage_seconds(&ru);
}

/* utime + stime of a process; 0 when pid is 0 or gone */
static double
process_cpu(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long utime = 0, stime = 0;

    if (!pid)
        return 0;
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long) pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may hold blanks and parentheses: fields follow the last ')' */
    char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                     &utime, &stime) != 2)
        return 0;
    return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

static struct cost
measure_poll(struct vmon_poller *p, pid_t daemon)
{
    double d0 = process_cpu(daemon), c0 = self_cpu(), t0 = vmon_now_mono();

    if (vmon_poller_poll(p) < 0)
        fprintf(stderr, "bench-poll: poll failed: %s\n", vmon_error_last());
    return (struct cost) { .wall = vmon_now_mono() - t0, .own = self_cpu() - c0,
                           .daemon = process_cpu(daemon) - d0 };
}

static struct cost
measure_virsh(const char *uri, pid_t daemon)
{
    double d0 = process_cpu(daemon), t0 = vmon_now_mono();
    struct rusage ru;
    int status = 0;

    pid_t child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        const char *argv[] = { "virsh", "-q", "-c", uri ? uri : "", "domstats", "--state",
                               "--cpu-total", "--balloon", "--vcpu", "--interface", "--block",
                               NULL };
        if (!uri)
            argv[2] = argv[3] = "-q";    /* libvirt's default URI */
        execvp("virsh", (char **) argv);
        _exit(127);
    }
    if (child < 0 || wait4(child, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench-poll: virsh domstats failed\n");
        memset(&ru, 0, sizeof(ru));
    }
    return (struct cost) { .wall = vmon_now_mono() - t0, .own = rusage_seconds(&ru),
                           .daemon = process_cpu(daemon) - d0 };
}

static double
median_of(double *v, int n)
{
    bench_sort(v, n);
    return v[n / 2];
}

static struct cost
median(const struct cost *runs, int n)
{
    double *wall = vmon_alloc((size_t) n * sizeof(double));
    double *own = vmon_alloc((size_t) n * sizeof(double));
    double *daemon = vmon_alloc((size_t) n * sizeof(double));

    for (int i = 0; i < n; i++) {
        wall[i] = runs[i].wall;
        own[i] = runs[i].own;
        daemon[i] = runs[i].daemon;
    }
    struct cost m = { median_of(wall, n), median_of(own, n), median_of(daemon, n) };
    free(wall);
    free(own);
    free(daemon);
    return m;
}

/* libvirtd's CPU comes in clock ticks (10 ms): a median of ticks hides a few ms a
 * poll, which the mean over the runs shows */
static struct cost
mean(const struct cost *runs, int n)
{
    struct cost m = { 0, 0, 0 };

    for (int i = 0; i < n; i++) {
        m.wall += runs[i].wall / n;
        m.own += runs[i].own / n;
        m.daemon += runs[i].daemon / n;
    }
    return m;
}

static void
print_row(const char *what, struct cost c, bool daemon)
{
    printf("%-34s %8.3f %10.3f", what, c.wall, c.own);
    if (daemon)
        printf(" %14.3f", c.daemon);
    putchar('\n');
}

int
main(int argc, char **argv)
{
    struct vmon_options opts;
    int runs = 10, c;
    pid_t daemon = 0;

    vmon_options_init(&opts);
    while ((c = getopt(argc, argv, "c:n:w:p:")) != -1) {
        const char *key = NULL;
        switch (c) {
        case 'c': key = "uri"; break;
        case 'w': key = "workers"; break;
        case 'n': runs = atoi(optarg); break;
        case 'p': daemon = (pid_t) atol(optarg); break;
        default:
            fprintf(stderr, "usage: bench-poll [-c URI] [-n RUNS] [-w WORKERS] [-p LIBVIRTD_PID]\n");
            return 2;
        }
        if (key && vmon_options_set(&opts, key, optarg) < 0) {
            fprintf(stderr, "bench-poll: %s\n", vmon_error_last());
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;

    struct vmon_poller *p = vmon_poller_new(&opts);
    /* the first poll learns the driver and fetches every domain's XML: not steady state */
    struct cost first = measure_poll(p, daemon);
    struct vmon_snapshot *snap = vmon_poller_snapshot(p);
    size_t ndomains = snap ? snap->ndomains : 0;
    vmon_snapshot_unref(snap);

    struct cost *polls = vmon_alloc((size_t) runs * sizeof(*polls));
    struct cost *virsh = vmon_alloc((size_t) runs * sizeof(*virsh));
    for (int i = 0; i < runs; i++) {
        polls[i] = measure_poll(p, daemon);
        virsh[i] = measure_virsh(opts.uri, daemon);
    }
    struct cost mp = median(polls, runs), mv = median(virsh, runs);

    printf("# %s, %zu domains, %d runs each (medians, seconds)\n",
           opts.uri ? opts.uri : "(default URI)", ndomains, runs);
    printf("%-34s %8s %10s%s\n", "", "wall", "own CPU", daemon ? "   libvirtd CPU" : "");
    print_row("virtmon first poll (+ XML)", first, daemon);
    print_row("virtmon poll", mp, daemon);
    print_row("virtmon poll (mean)", mean(polls, runs), daemon);
    print_row("virsh domstats (bare)", mv, daemon);
    printf("%-34s %8.2f %10.2f", "virtmon / virsh", mv.wall > 0 ? mp.wall / mv.wall : 0,
           mv.own > 0 ? mp.own / mv.own : 0);
    if (daemon)
        printf(" %14.2f", mv.daemon > 0 ? mp.daemon / mv.daemon : 0);
    putchar('\n');

    free(polls);
    free(virsh);
    vmon_poller_free(p);
    vmon_options_clear(&opts);
    return 0;
}
