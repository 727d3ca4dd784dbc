/*
 * check_virt_host: is libvirt answering, and is the hypervisor host
 * healthy — CPU and memory in use, domains per state, overcommit?
 *
 *   check_virt_host -w 80 -c 95 --mem-warning 90 --vcpu-ratio-warning 4
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
#include "chk-policy.h"
#include "chk-run.h"
#include "chk-sample.h"
#include "chk-timeout.h"

enum {
    OPT_UNREACHABLE_STATE = CHK_OPT_OWN,
};

static const struct option own_options[] = {
    { "unreachable-state", required_argument, NULL, OPT_UNREACHABLE_STATE },
    { NULL, 0, NULL, 0 },
};

struct config {
    struct chk_args a;
    int unreachable_state;
};

/* The check's own metrics, after the node rows of the table. */
static void
add_own_metrics(struct chk_metric_set *set)
{
    struct chk_metric *m;

    m = chk_metrics_add(set, "domains", VMON_UOM_NONE, "domains defined");
    m->have_min = true;
    for (int st = 0; st < VMON_STATE__N; st++) {
        char label[64];
        snprintf(label, sizeof(label), "domains_%s", vmon_domain_state_name(st));
        /* the help text must outlive this loop: point into a static table */
        static const char *const help[VMON_STATE__N] = {
            "domains in no state", "domains running", "domains blocked", "domains paused",
            "domains shutting down", "domains shut off", "domains crashed",
            "domains suspended by guest power management",
        };
        m = chk_metrics_add(set, label, VMON_UOM_NONE, help[st]);
        m->have_min = true;
    }
    /* any crashed domain is an emergency unless told otherwise */
    vmon_thresholds_set(&chk_metrics_find(set, "domains_crashed")->th, NULL, "0", NULL, 0);

    m = chk_metrics_add(set, "vcpu_ratio", VMON_UOM_NONE,
                        "vCPUs of running domains per host CPU (overcommit)");
    m->have_min = true;
    m = chk_metrics_add(set, "mem_ratio", VMON_UOM_NONE,
                        "max memory of running domains per host memory (overcommit)");
    m->have_min = true;
}

static void
print_help(const struct config *c)
{
    printf("%s (virtmon %s): libvirt reachable, host CPU and memory, domains per state,\n"
           "overcommit\n\n"
           "Usage: %s [options]\n\n"
           " --unreachable-state=STATE\n"
           "    State when libvirt cannot be reached (default critical).\n"
           " Defaults: --domains-crashed-critical 0 (any crashed domain is CRITICAL);\n"
           " pass --domains-crashed-critical '' to drop it.\n",
           c->a.progname, PACKAGE_VERSION, c->a.progname);
    chk_args_help(stdout, &c->a);
}

/* The options only this check has; see chk_args_parse(). */
static int
own_option(void *ctx, int opt, const char *arg, char *err, size_t errlen)
{
    struct config *c = ctx;

    if (opt != OPT_UNREACHABLE_STATE)
        return 0;
    c->unreachable_state = chk_state_from_name(arg);
    if (c->unreachable_state < 0) {
        snprintf(err, errlen, "--unreachable-state '%s': must be ok, warning, critical or unknown",
                 arg);
        return -1;
    }
    return 1;
}

static void
help(const void *ctx)
{
    print_help(ctx);
}

static void
version_text(unsigned long v, char *buf, size_t size)
{
    snprintf(buf, size, "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

/* One metric: perfdata, and its thresholds folded into the result. */
static void
report(const struct config *c, const struct chk_metric *cm, bool have, double v, bool exact,
       uint64_t u, struct chk_output *out)
{
    char text[128], range[128];

    if (have && c->a.perf != CHK_PERF_NONE)
        chk_metric_perfdata(cm, &out->perf, NULL, v, exact, u);
    if (!vmon_thresholds_any(&cm->th))
        return;
    if (!have) {
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no %s to check", cm->label);
        return;
    }
    int st = vmon_thresholds_state(&cm->th, v);
    if (st == CHK_OK)
        return;
    chk_metric_format(cm, v, text, sizeof(text));
    vmon_range_format(st == CHK_CRITICAL ? &cm->th.crit : &cm->th.warn, range, sizeof(range));
    chk_output_state(out, st);
    chk_output_summary(out, "%s %s (%s %s)", cm->label, text,
                       st == CHK_CRITICAL ? "critical" : "warning", range);
    chk_output_line(out, "[%s] %s is %s, threshold %s", chk_state_name(st), cm->label, text, range);
}

static void
evaluate(const void *ctx, const struct vmon_snapshot *snap, struct chk_output *out)
{
    const struct config *c = ctx;
    const struct vmon_node *node = &snap->node;
    const struct vmon_value *m = node->m;
    unsigned by_state[VMON_STATE__N] = { 0 };
    char hv[32], lib[32];

    for (size_t i = 0; i < snap->ndomains; i++)
        if (snap->domains[i].state >= 0 && snap->domains[i].state < VMON_STATE__N)
            by_state[snap->domains[i].state]++;

    version_text(node->hv_version, hv, sizeof(hv));
    version_text(node->lib_version, lib, sizeof(lib));
    chk_output_summary(out, "libvirt %s, %s %s at %s", lib, node->hv_type ? node->hv_type : "?",
                       hv, snap->uri ? snap->uri : "?");

    /* the summary names CPU and memory always, the rest when they alarm */
    for (size_t i = 0; i < c->a.metrics.n; i++) {
        const struct chk_metric *cm = &c->a.metrics.m[i];
        double v = 0;
        bool exact = false, have;
        uint64_t u = 0;

        if (cm->desc) {
            have = chk_metric_value(cm, m, &v, &exact, &u);
        } else if (strcmp(cm->label, "domains") == 0) {
            have = true;
            v = (double) snap->ndomains;
        } else if (strncmp(cm->label, "domains_", 8) == 0) {
            have = false;
            for (int st = 0; st < VMON_STATE__N; st++)
                if (strcmp(cm->label + 8, vmon_domain_state_name(st)) == 0) {
                    have = true;
                    v = by_state[st];
                }
        } else if (strcmp(cm->label, "vcpu_ratio") == 0) {
            have = vmon_value_has(&m[VMON_NODE_VCPUS]) && m[VMON_NODE_CPUS].u > 0;
            if (have)
                v = (double) m[VMON_NODE_VCPUS].u / (double) m[VMON_NODE_CPUS].u;
        } else if (strcmp(cm->label, "mem_ratio") == 0) {
            have = vmon_value_has(&m[VMON_NODE_DOM_MEM_MAX]) && m[VMON_NODE_MEM_TOTAL].u > 0;
            if (have)
                v = (double) m[VMON_NODE_DOM_MEM_MAX].u / (double) m[VMON_NODE_MEM_TOTAL].u;
        } else {
            continue;
        }
        /* the headline figures; a threshold's state names its own */
        if (have && (strcmp(cm->label, "cpu") == 0 || strcmp(cm->label, "mem") == 0 ||
                     strcmp(cm->label, "hugepages") == 0) &&
            vmon_thresholds_state(&cm->th, v) == CHK_OK) {
            char text[128];
            chk_metric_format(cm, v, text, sizeof(text));
            chk_output_summary(out, "%s %s", cm->label, text);
        }
        report(c, cm, have, v, exact, u, out);
    }

    struct chk_buf s = { 0 };
    chk_buf_printf(&s, "%zu domain%s", snap->ndomains, snap->ndomains == 1 ? "" : "s");
    const char *sep = " (";
    for (int st = 0; st < VMON_STATE__N; st++) {
        if (!by_state[st])
            continue;
        chk_buf_printf(&s, "%s%u %s", sep, by_state[st], chk_policy_state_text(st));
        sep = ", ";
    }
    if (*sep == ',')
        chk_buf_add(&s, ")");
    chk_output_summary(out, "%s", chk_buf_str(&s));
    chk_buf_clear(&s);
}

int
main(int argc, char **argv)
{
    struct config c = { 0 };
    struct chk_output out;
    struct chk_sample_opts so = { 0 };
    char err[1024] = "";
    int rc;

    const char *slash = strrchr(argv[0], '/');
    chk_args_init(&c.a, slash ? slash + 1 : argv[0], "cpu");
    chk_metrics_from_table(&c.a.metrics, VMON_SCOPE_NODE);
    add_own_metrics(&c.a.metrics);
    c.unreachable_state = CHK_CRITICAL;
    chk_output_init(&out);

    /* parse (nothing to cross-check: every option stands alone) */
    rc = chk_args_parse(&c.a, argc, argv, NULL, own_options, &c, own_option, help, err, sizeof(err));
    if (rc != 0) {
        rc = rc > 0 ? CHK_UNKNOWN : chk_args_fail(&c.a, err);
        goto done;
    }

    chk_args_sample_opts(&c.a, &so);
    so.need_rates = c.a.perf != CHK_PERF_NONE ||
                    vmon_thresholds_any(&chk_metrics_find(&c.a.metrics, "cpu")->th);
    so.node_rates = true;
    /* reaching libvirt is what this check is about */
    rc = chk_run(&c.a, &so, c.unreachable_state, evaluate, &c, &out);

done:
    chk_output_clear(&out);
    chk_args_free(&c.a);
    return rc;
}
