/*
 * What handing a snapshot over virtmond's socket costs, without the socket:
 * one poll of URI through the core, then RUNS times writing it as virtmond
 * does (vmon_wire_write into a memory stream) and reading it back as a
 * feed or a check does (vmon_wire_read), best and median of each.
 *
 *   wire-bench [-c URI] [-n RUNS]
 *
 * A benchmark, not a test: `make wire-bench` (test-driver domains from
 * gen-test-xml.sh) or by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench-sort.h"
#include "vmon-options.h"
#include "vmon-poller.h"
#include "vmon-util.h"
#include "vmon-wire.h"

static void
report(const char *what, double *ms, int n)
{
    bench_sort(ms, n);
    printf("%-6s best %7.2f ms, median %7.2f ms\n", what, ms[0], ms[n / 2]);
}

int
main(int argc, char **argv)
{
    struct vmon_options opts;
    int runs = 30, c;

    vmon_options_init(&opts);
    while ((c = getopt(argc, argv, "c:n:")) != -1) {
        if (c == 'c' && vmon_options_set(&opts, "uri", optarg) == 0)
            continue;
        if (c == 'n' && (runs = atoi(optarg)) > 0)
            continue;
        fprintf(stderr, "usage: wire-bench [-c URI] [-n RUNS]\n");
        return 2;
    }
    struct vmon_poller *p = vmon_poller_new(&opts);
    if (vmon_poller_poll(p) < 0 || vmon_poller_poll(p) < 0) {   /* two: rates too */
        fprintf(stderr, "wire-bench: poll failed: %s\n", vmon_error_last());
        return 1;
    }
    struct vmon_snapshot *snap = vmon_poller_snapshot(p);
    double *write_ms = vmon_alloc((size_t) runs * sizeof(double));
    double *read_ms = vmon_alloc((size_t) runs * sizeof(double));
    size_t bytes = 0;

    for (int i = 0; i < runs; i++) {
        char *text, err[256];
        double t0 = vmon_now_mono();
        FILE *f = vmon_memstream(&text, &bytes);
        if (vmon_wire_write(f, snap, NULL) < 0)
            abort();
        fclose(f);
        double t1 = vmon_now_mono();
        f = fmemopen(text, bytes, "r");
        struct vmon_snapshot *back = vmon_wire_read(f, err, sizeof(err));
        fclose(f);
        if (!back) {
            fprintf(stderr, "wire-bench: %s\n", err);
            return 1;
        }
        vmon_snapshot_unref(back);
        read_ms[i] = (vmon_now_mono() - t1) * 1e3;
        write_ms[i] = (t1 - t0) * 1e3;
        free(text);
    }
    printf("# %s: %zu domains, %zu bytes of text, %d runs\n", opts.uri ? opts.uri : "(default URI)",
           snap->ndomains, bytes, runs);
    report("write", write_ms, runs);
    report("read", read_ms, runs);
    free(write_ms);
    free(read_ms);
    vmon_snapshot_unref(snap);
    vmon_poller_free(p);
    vmon_options_clear(&opts);
    return 0;
}
