/*
 * The options both checks share, in the Monitoring Plugins conventions:
 * -h, -V, -v, -t/--timeout, -w/-c for the primary metric, and long
 * options only for the rest (--uri has no short form because -c, -H and
 * -u already mean something to every Nagios admin).  The per-metric
 * --LABEL-warning/--LABEL-critical options are generated from the metric
 * set, so they exist for exactly the metrics the check reports.
 */
#ifndef CHK_ARGS_H
#define CHK_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "chk-metric.h"
#include "chk-sample.h"

enum chk_perf_mode { CHK_PERF_AUTO, CHK_PERF_ALL, CHK_PERF_NONE };

enum {
    CHK_OPT_URI = 1000,
    CHK_OPT_TIMEOUT_STATE,
    CHK_OPT_INTERVAL,
    CHK_OPT_STATE_DIR,
    CHK_OPT_NO_STATE,
    CHK_OPT_STATE_MAX_AGE,
    CHK_OPT_PERFDATA,
    CHK_OPT_SOURCE,
    CHK_OPT_OWN = 1100,           /* a check's own long-only options start here */
    CHK_OPT_METRIC = 10000,       /* + 2 * metric index (+1 for critical) */
};

/* The short options every check takes; a check appends its own. */
#define CHK_SHORT_OPTIONS "hVvt:w:c:"

struct chk_args {
    const char *progname;
    const char *source;           /* libvirt[:URI] or virtmond[:PATH]; NULL: libvirt */
    char waiting_for[300];        /* what -t waits on, for its message */
    const char *uri;
    double timeout;
    int timeout_state;
    double interval;
    bool use_state;
    const char *state_dir;
    double state_max_age;
    enum chk_perf_mode perf;
    int verbose;
    struct chk_metric_set metrics;
    const char *primary;          /* label -w/-c apply to */
    char (*optnames)[80];         /* generated option names; getopt keeps pointers */
};

void chk_args_init(struct chk_args *a, const char *progname, const char *primary);
void chk_args_free(struct chk_args *a);

/* own + the common options + two per metric; malloc'd, free() it. */
struct option *chk_args_options(struct chk_args *a, const struct option *own);

/* A common or metric option: 1 when handled, 0 when not ours, -1 with err on a bad value. */
int chk_args_common(struct chk_args *a, int opt, const char *arg, char *err, size_t errlen);

/* Help for the common and per-metric options. */
void chk_args_help(FILE *f, const struct chk_args *a);

/*
 * The whole command line: -h (help(ctx)), -V, the common and metric options,
 * and the check's own through own_option(ctx, opt, optarg, err, errlen),
 * which returns 1 handled, -1 bad value, 0 not its option.
 * 0 to go on, 1 when -h or -V was answered, -1 with err.
 */
int chk_args_parse(struct chk_args *a, int argc, char **argv, const char *own_short,
                   const struct option *own, void *ctx,
                   int (*own_option)(void *ctx, int opt, const char *arg, char *err, size_t errlen),
                   void (*help)(const void *ctx), char *err, size_t errlen);

/* The sampling settings the common options chose (uri, interval, state files). */
void chk_args_sample_opts(const struct chk_args *a, struct chk_sample_opts *so);
/* Arm -t: "timed out after N s waiting for libvirt at URI" (or virtmond). */
void chk_args_arm_timeout(const struct chk_args *a);

/* Print "VIRT UNKNOWN - <msg>" and a usage hint; returns CHK_UNKNOWN for exit(). */
int chk_args_fail(const struct chk_args *a, const char *msg);

#endif
