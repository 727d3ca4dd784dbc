/*
 * check_virt_pool: is a storage pool (or a set of them) running, and is
 * there room left in it?  A full pool pauses every guest on it with an
 * I/O error.
 *
 *   check_virt_pool -p default -w 80 -c 90 --available-critical 10737418240:
 *   check_virt_pool --all --state degraded=critical
 *
 * main() follows the Monitoring Plugins shape: parse, validate, collect,
 * evaluate, one exit with the worst state.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chk-args.h"
#include "chk-metric.h"
#include "chk-output.h"
#include "chk-pool-policy.h"
#include "chk-run.h"
#include "chk-sample.h"
#include "chk-select.h"
#include "vmon-filter.h"
#include "vmon-range.h"
#include "vmon-util.h"

enum {
    OPT_STALE_STATE = CHK_OPT_SELECT__END,
};

static const struct option own_options[] = {
    { "pool", required_argument, NULL, 'p' },
    CHK_SELECT_LONG_OPTIONS,
    { "stale-state", required_argument, NULL, OPT_STALE_STATE },
    { NULL, 0, NULL, 0 },
};

struct config {
    struct chk_args a;
    struct chk_select sel;
    const char *pool;             /* sel.which */
    int stale_state;              /* -1: -t's state */
    bool named;                   /* one pool by exact name or UUID */
    struct vmon_filter *filter;   /* the pools a pattern, --all and --exclude select */
    struct chk_pool_policy policy;
};

static void
print_help(const struct config *c)
{
    printf("%s (virtmon %s): state and free space of libvirt storage pools\n\n"
           "Usage: %s -p NAME|UUID|PATTERN | --all [options]\n\n"
           " -p, --pool=NAME|UUID|PATTERN\n"
           "    One pool by name or UUID, or several by shell glob or comma list\n"
           "    (anything with * ? [ or ,).\n"
           " --all\n"
           "    Every pool, active or not.\n"
           " --exclude=PATTERN\n"
           "    Leave out matching pools (with --all or a pattern).\n"
           " --state=STATE=LEVEL[,...]\n"
           "    Map pool states to plugin states, e.g. degraded=critical,inactive=ok.\n"
           "    States: running, building, degraded, inaccessible, inactive;\n"
           "    inactive-autostart and inactive-manual set the two inactive cases.\n"
           "    Defaults: running ok; building, degraded warning; inaccessible critical;\n"
           "    inactive critical for a named pool, and for several pools only when\n"
           "    autostart is set. Thresholds apply to running and degraded pools.\n"
           " --stale-state=STATE\n"
           "    State for a pool whose storage backend did not answer in time (an\n"
           "    unreachable NFS or iSCSI server): ok, warning, critical or unknown\n"
           "    (default: --timeout-state's, unknown unless set).\n"
           " -w/-c apply to used_percent (allocation as a percentage of capacity);\n"
           " --available-warning/--available-critical take a range in bytes, e.g.\n"
           " --available-critical 10737418240: for CRITICAL below 10 GiB free.\n",
           c->a.progname, PACKAGE_VERSION, c->a.progname);
    chk_args_help(stdout, &c->a);
}

/* The options only this check has; see chk_args_parse(). */
static int
own_option(void *ctx, int opt, const char *arg, char *err, size_t errlen)
{
    struct config *c = ctx;
    int rc = chk_select_option(&c->sel, opt, arg, err, errlen);

    if (rc != 0 || opt != OPT_STALE_STATE)
        return rc;
    if ((c->stale_state = chk_state_from_name(arg)) < 0) {
        snprintf(err, errlen, "--stale-state '%s': must be ok, warning, critical or unknown", arg);
        return -1;
    }
    return 1;
}

static void
help(const void *ctx)
{
    print_help(ctx);
}

static int
validate(struct config *c, char *err, size_t errlen)
{
    if (chk_select_validate(&c->sel, err, errlen) < 0)
        return -1;
    c->pool = c->sel.which;
    c->named = c->sel.named;
    if (!c->named) {
        c->filter = vmon_filter_new();
        if ((c->pool && vmon_filter_add(c->filter, true, c->pool) < 0) ||
            (c->sel.exclude && vmon_filter_add(c->filter, false, c->sel.exclude) < 0)) {
            snprintf(err, errlen, "%s", vmon_error_last());
            return -1;
        }
    }
    chk_pool_policy_init(&c->policy, c->named);
    if (c->sel.state_text && chk_pool_policy_parse(&c->policy, c->sel.state_text, err, errlen) < 0)
        return -1;
    if (c->stale_state < 0)
        c->stale_state = c->a.timeout_state;
    return 0;
}

/* Whether a pool's figures say anything about room (an inactive pool has none). */
static bool
evaluates_thresholds(const struct vmon_pool *p)
{
    return p->state == VMON_POOL_RUNNING || p->state == VMON_POOL_DEGRADED;
}

/*
 * One pool: its state by policy, then every threshold set on it.
 * why gets "running, used_percent 91.2% (critical 90)"; returns the pool's state.
 */
static int
eval_pool(const struct config *c, const struct vmon_pool *p, struct chk_buf *why,
          struct chk_output *out)
{
    int st = chk_pool_policy_state(&c->policy, p);
    const char *prefix = c->named ? NULL : p->name;

    chk_buf_add(why, vmon_pool_state_name(p->state));
    if (p->state == VMON_POOL_INACTIVE && p->autostart)
        chk_buf_add(why, ", autostart");
    if (p->stale) {
        chk_buf_add(why, ", storage backend not answering");
        return chk_state_worst(st, c->stale_state);
    }
    for (size_t i = 0; i < c->a.metrics.n; i++) {
        const struct chk_metric *cm = &c->a.metrics.m[i];
        bool exact, have;
        uint64_t u = 0;
        double v = 0;

        have = chk_metric_value(cm, p->m, &v, &exact, &u);
        if (have && chk_select_wants_perf(&c->a, c->named, cm))
            chk_metric_perfdata(cm, &out->perf, prefix, v, exact, u);
        bool headline = strcmp(cm->label, "used_percent") == 0 ||
                        strcmp(cm->label, "available") == 0;
        if (!evaluates_thresholds(p) || (!headline && !vmon_thresholds_any(&cm->th)))
            continue;
        if (!have) {
            if (vmon_thresholds_any(&cm->th)) {
                st = chk_state_worst(st, CHK_UNKNOWN);
                chk_buf_printf(why, ", no %s to check", cm->label);
            }
            continue;
        }
        st = chk_state_worst(st, chk_select_judge(cm, v, why));
    }
    return st;
}

static const char *
where(const struct vmon_snapshot *snap)
{
    return snap->uri ? snap->uri : "libvirt";
}

static void
evaluate_named(const struct config *c, const struct vmon_snapshot *snap, struct chk_output *out)
{
    const struct vmon_pool *p = vmon_snapshot_find_pool(snap, c->pool);
    struct chk_buf why = { 0 };

    if (!p) {
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no pool '%s' at %s%s", c->pool, where(snap),
                           snap->no_pool_driver ? " (the host has no storage driver)" : "");
        return;
    }
    chk_output_state(out, eval_pool(c, p, &why, out));
    chk_output_summary(out, "pool %s %s", p->name, chk_buf_str(&why));
    chk_buf_clear(&why);
}

static void
evaluate_many(const struct config *c, const struct vmon_snapshot *snap, struct chk_output *out)
{
    unsigned by_state[VMON_POOL_STATE__N] = { 0 };
    struct chk_tally tally;

    memset(&tally, 0, sizeof(tally));
    size_t n = 0;

    for (size_t i = 0; i < snap->npools; i++) {
        const struct vmon_pool *p = &snap->pools[i];
        if (!vmon_filter_match(c->filter, p->name, p->uuid_str))
            continue;
        struct chk_buf why = { 0 };
        int st = eval_pool(c, p, &why, out);
        n++;
        if (p->state >= 0 && p->state < VMON_POOL_STATE__N)
            by_state[p->state]++;
        chk_tally_add(&tally, st, p->name);
        chk_output_state(out, st);
        if (st != CHK_OK || c->a.verbose)
            chk_output_line(out, "[%s] %s: %s", chk_state_name(st), p->name, chk_buf_str(&why));
        chk_buf_clear(&why);
    }
    if (n == 0)
        chk_tally_clear(&tally);
    if (n == 0 && snap->no_pool_driver) {
        chk_output_summary(out, "no storage pools at %s: the host has no storage driver", where(snap));
        return;
    }
    if (n == 0 && c->pool) {
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no pool matches '%s' at %s", c->pool, where(snap));
        return;
    }

    struct chk_buf s = { 0 };
    chk_buf_printf(&s, "%zu pool%s", n, n == 1 ? "" : "s");
    const char *sep = ": ";
    for (int st = 0; st < VMON_POOL_STATE__N; st++) {
        if (!by_state[st])
            continue;
        chk_buf_printf(&s, "%s%u %s", sep, by_state[st], vmon_pool_state_name(st));
        sep = ", ";
    }
    chk_tally_summary(&tally, &s);
    chk_output_summary(out, "%s", chk_buf_str(&s));
    chk_buf_clear(&s);
    chk_tally_clear(&tally);

    if (c->a.perf != CHK_PERF_NONE) {
        struct vmon_perf p = { .label = "pools", .value = (double) n, .have_min = true };
        vmon_perfdata_add(&out->perf, &p);
    }
}

static void
evaluate(const void *ctx, const struct vmon_snapshot *snap, struct chk_output *out)
{
    const struct config *c = ctx;

    (c->named ? evaluate_named : evaluate_many)(c, snap, out);
}

int
main(int argc, char **argv)
{
    struct config c = { .stale_state = -1,
                        .sel = { .noun = "pool", .short_opt = 'p', .option = "-p/--pool",
                                 .example = "-p 'nfs*,default'" } };
    struct chk_output out;
    struct chk_sample_opts so;
    char err[1024] = "";
    int rc;

    const char *slash = strrchr(argv[0], '/');
    chk_args_init(&c.a, slash ? slash + 1 : argv[0], "used_percent");
    chk_metrics_from_table(&c.a.metrics, VMON_SCOPE_POOL);
    chk_output_init(&out);

    /* parse, validate */
    rc = chk_args_parse(&c.a, argc, argv, "p:", own_options, &c, own_option, help, err, sizeof(err));
    if (rc == 0 && validate(&c, err, sizeof(err)) < 0)
        rc = -1;
    if (rc != 0) {
        /* -h and -V exit UNKNOWN as the reference plugins do: they are not checks */
        rc = rc > 0 ? CHK_UNKNOWN : chk_args_fail(&c.a, err);
        goto done;
    }

    chk_args_sample_opts(&c.a, &so);
    /* pools only: every domain filtered out, so none is asked for its statistics */
    so.exclude = "*";
    so.pools = true;
    so.need_rates = false;
    so.use_state = false;
    rc = chk_run(&c.a, &so, CHK_UNKNOWN, evaluate, &c, &out);

done:
    vmon_filter_free(c.filter);
    chk_output_clear(&out);
    chk_args_free(&c.a);
    return rc;
}
