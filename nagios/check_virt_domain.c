/*
 * check_virt_domain: is a VM (or a set of VMs) in the state it should be,
 * and within its thresholds?
 *
 *   check_virt_domain -d web01 -w 80 -c 95
 *   check_virt_domain --all --state paused=critical
 *
 * main() follows the Monitoring Plugins shape: parse, validate, collect,
 * evaluate, one exit with the worst state.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chk-args.h"
#include "chk-metric.h"
#include "chk-output.h"
#include "chk-policy.h"
#include "chk-run.h"
#include "chk-sample.h"
#include "chk-select.h"
#include "chk-timeout.h"
#include "vmon-answer.h"
#include "vmon-cnum.h"
#include "vmon-rates.h"

enum {
    OPT_STALE_STATE = CHK_OPT_SELECT__END,
    OPT_STALE_AGE,
};

static const struct option own_options[] = {
    { "domain", required_argument, NULL, 'd' },
    CHK_SELECT_LONG_OPTIONS,
    { "stale-state", required_argument, NULL, OPT_STALE_STATE },
    { "balloon-stale-age", required_argument, NULL, OPT_STALE_AGE },
    { NULL, 0, NULL, 0 },
};

struct config {
    struct chk_args a;
    struct chk_select sel;
    const char *domain;           /* sel.which */
    const char *stale_age;
    int stale_state;              /* for guest-memory thresholds on stale figures */
    bool named;                   /* one domain by exact name or UUID */
    struct chk_policy policy;
};

static void
print_help(const struct config *c)
{
    printf("%s (virtmon %s): state, CPU, memory, disk and network of libvirt domains\n\n"
           "Usage: %s -d NAME|UUID|PATTERN | --all [options]\n\n"
           " -d, --domain=NAME|UUID|PATTERN\n"
           "    One domain by name or UUID, or several by shell glob or comma list\n"
           "    (anything with * ? [ or ,).\n"
           " --all\n"
           "    Every domain, active or not.\n"
           " --exclude=PATTERN\n"
           "    Leave out matching domains (with --all or a pattern).\n"
           " --state=STATE=LEVEL[,...]\n"
           "    Map domain states to plugin states, e.g. paused=critical,shutoff=ok.\n"
           "    States: running, blocked, paused, shutdown, shutoff, crashed, pmsuspended,\n"
           "    nostate; shutoff-autostart and shutoff-manual set the two shut-off cases.\n"
           "    Defaults: running ok; blocked, paused, pmsuspended, shutdown warning;\n"
           "    crashed critical; shutoff critical for a named domain, and for several\n"
           "    domains only when autostart is set. Thresholds apply to running domains.\n"
           " --balloon-stale-age=DURATION\n"
           "    The guest's memory figures (mem-used and the balloon statistics) are stale\n"
           "    when its balloon driver last sent them longer ago than this (default 30s:\n"
           "    three of the core's 10 s intervals), or never: no balloon driver, or no\n"
           "    stats period (<memballoon><stats period='N'/>, virsh dommemstat --period).\n"
           " --stale-state=STATE\n"
           "    State for a threshold on stale guest memory figures, instead of checking\n"
           "    them: ok, warning, critical or unknown (default unknown).\n",
           c->a.progname, PACKAGE_VERSION, c->a.progname);
    chk_args_help(stdout, &c->a);
}

/* The options only this check has; see chk_args_parse(). */
static int
own_option(void *ctx, int opt, const char *arg, char *err, size_t errlen)
{
    struct config *c = ctx;
    int rc = chk_select_option(&c->sel, opt, arg, err, errlen);

    if (rc != 0)
        return rc;
    switch (opt) {
    case OPT_STALE_STATE:
        if ((c->stale_state = chk_state_from_name(arg)) < 0) {
            snprintf(err, errlen, "--stale-state '%s': must be ok, warning, critical or unknown", arg);
            return -1;
        }
        return 1;
    case OPT_STALE_AGE:
        c->stale_age = arg;
        return 1;
    default:
        return 0;
    }
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
    c->domain = c->sel.which;
    c->named = c->sel.named;
    chk_policy_init(&c->policy, c->named);
    if (c->sel.state_text && chk_policy_parse(&c->policy, c->sel.state_text, err, errlen) < 0)
        return -1;
    return 0;
}

/* Whether this run shows or checks anything that needs two samples. */
static bool
needs_rates(const struct config *c)
{
    if (c->a.perf == CHK_PERF_ALL || (c->a.perf == CHK_PERF_AUTO && c->named))
        return true;
    for (size_t i = 0; i < c->a.metrics.n; i++)
        if (vmon_thresholds_any(&c->a.metrics.m[i].th) && chk_metric_needs_rate(&c->a.metrics.m[i]))
            return true;
    return false;
}

static void
sample_opts(const struct config *c, struct chk_sample_opts *so)
{
    chk_args_sample_opts(&c->a, so);
    /* a named domain is the whole filter: only that domain is collected */
    if (c->named)
        so->name = c->domain;
    else
        so->include = c->domain;
    so->exclude = c->sel.exclude;
    so->balloon_stale_age = c->stale_age;
    so->need_rates = needs_rates(c);
}

/* said once per domain with a threshold on its stale guest-memory figures */
#define STALE_TEXT ", memory stats stale: balloon driver missing or no stats period"

static bool
evaluates_thresholds(const struct vmon_domain *d)
{
    return d->id >= 0 && (d->state == VMON_STATE_RUNNING || d->state == VMON_STATE_BLOCKED);
}

/*
 * A domain without disks (NICs, vCPU rows) has no totals over them (the
 * table's total column): that is "does not apply", not "could not read", so
 * --all with a disk threshold does not turn UNKNOWN over a diskless VM.
 */
static bool
not_applicable(const struct chk_metric *cm, const struct vmon_domain *d)
{
    if (!cm->desc)
        return false;
    switch (vmon_metric_total_of(cm->desc)) {
    case VMON_SCOPE_VCPU: return d->nvcpus == 0;
    case VMON_SCOPE_DISK: return d->ndisks == 0;
    case VMON_SCOPE_NIC: return d->nnics == 0;
    default: return false;
    }
}

/*
 * One domain: its state by policy, then every threshold set on it.
 * why gets "running, cpu 97.2% (critical 95)"; returns the domain's state.
 */
static int
eval_domain(const struct config *c, const struct vmon_domain *d, struct chk_buf *why,
            struct chk_output *out)
{
    int st = chk_policy_state(&c->policy, d);
    const char *reason = vmon_domain_reason_name(d->state, d->reason);
    const char *prefix = c->named ? NULL : d->name;

    chk_buf_add(why, chk_policy_state_text(d->state));
    if (strcmp(reason, "unknown") != 0)
        chk_buf_printf(why, " (%s)", reason);
    if (d->state == VMON_STATE_SHUTOFF && d->autostart)
        chk_buf_add(why, ", autostart");
    /*
     * libvirt answered for the domain but not its QEMU monitor (NOWAIT
     * skipped it).  For a moment that is another client holding the guest's
     * job ("busy": judged on its last good figures, which say their age);
     * for not-answering-after it is a hung guest, which is what -t's state
     * is for, whether we notice by timing out or by this.
     */
    if (d->answering != VMON_ANSWERING && d->id >= 0) {
        char groups[128], text[160];
        vmon_group_names(d->partial_groups, groups, sizeof(groups));
        vmon_answer_describe(d, time(NULL), text, sizeof(text));
        if (d->answering == VMON_ANSWER_NOT) {
            chk_buf_printf(why, ", guest %s: no %s statistics", text, groups);
            st = chk_state_worst(st, c->a.timeout_state);
        } else {
            chk_buf_printf(why, ", guest %s%s", text,
                           d->figures_time ? "" : " (no statistics to judge)");
        }
    }
    bool mem_stale = vmon_value_has(&d->m[VMON_DOM_MEM_STALE]) && d->m[VMON_DOM_MEM_STALE].u;

    for (size_t i = 0; i < c->a.metrics.n; i++) {
        const struct chk_metric *cm = &c->a.metrics.m[i];
        bool exact, have, checked = vmon_thresholds_any(&cm->th) && evaluates_thresholds(d);
        uint64_t u = 0;
        double v = 0;

        have = chk_metric_value(cm, d->m, &v, &exact, &u);
        if (have && chk_select_wants_perf(&c->a, c->named, cm))
            chk_metric_perfdata(cm, &out->perf, prefix, v, exact, u);
        /* a metric of a group the guest did not answer for is covered above */
        bool unanswered = cm->desc && (d->partial_groups & cm->desc->group);
        if (!checked || (!have && (not_applicable(cm, d) || unanswered)))
            continue;
        /* figures the guest stopped sending are not checked against anything */
        if (mem_stale && cm->desc && vmon_metric_guest_memory(cm->desc)) {
            if (!strstr(chk_buf_str(why), STALE_TEXT))
                chk_buf_add(why, STALE_TEXT);
            st = chk_state_worst(st, c->stale_state);
            continue;
        }
        if (!have) {
            st = chk_state_worst(st, CHK_UNKNOWN);
            chk_buf_printf(why, ", no %s to check (%s)", cm->label,
                           cm->rate || chk_metric_needs_rate(cm) ? "no rate yet" : "not reported");
            continue;
        }
        st = chk_state_worst(st, chk_select_judge(cm, v, why));
    }
    /* no threshold set on a running domain: still say how busy it is */
    if (c->named && evaluates_thresholds(d) && !strstr(chk_buf_str(why), ", cpu ")) {
        const struct chk_metric *cpu = chk_metrics_find(&c->a.metrics, "cpu");
        double v;
        bool exact;
        uint64_t u;
        char text[128];
        if (cpu && chk_metric_value(cpu, d->m, &v, &exact, &u)) {
            chk_metric_format(cpu, v, text, sizeof(text));
            chk_buf_printf(why, ", cpu %s", text);
        }
    }
    return st;
}

static void
evaluate_named(const struct config *c, const struct vmon_snapshot *snap, struct chk_output *out)
{
    const struct vmon_domain *d = vmon_snapshot_find_domain(snap, c->domain);
    struct chk_buf why = { 0 };

    if (!d) {
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no domain '%s' at %s", c->domain, snap->uri ? snap->uri : "libvirt");
        return;
    }
    int st = eval_domain(c, d, &why, out);
    chk_output_state(out, st);
    chk_output_summary(out, "%s %s", d->name, chk_buf_str(&why));
    chk_buf_clear(&why);
}

static void
evaluate_many(const struct config *c, const struct vmon_snapshot *snap, struct chk_output *out)
{
    unsigned by_state[VMON_STATE__N] = { 0 };
    struct chk_tally tally;

    memset(&tally, 0, sizeof(tally));
    struct chk_buf busy = { 0 };

    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        struct chk_buf why = { 0 };
        int st = eval_domain(c, d, &why, out);

        if (d->state >= 0 && d->state < VMON_STATE__N)
            by_state[d->state]++;
        chk_tally_add(&tally, st, d->name);
        chk_output_state(out, st);
        if (st != CHK_OK || c->a.verbose)
            chk_output_line(out, "[%s] %s: %s", chk_state_name(st), d->name, chk_buf_str(&why));
        if (d->answering == VMON_ANSWER_BUSY && d->id >= 0)
            chk_buf_printf(&busy, "%s%s", busy.len ? ", " : "", d->name);
        chk_buf_clear(&why);
    }
    if (snap->ndomains == 0 && c->domain) {
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no domain matches '%s' at %s", c->domain,
                           snap->uri ? snap->uri : "libvirt");
        return;
    }

    struct chk_buf s = { 0 };
    chk_buf_printf(&s, "%zu domain%s", snap->ndomains, snap->ndomains == 1 ? "" : "s");
    const char *sep = ": ";
    for (int st = 0; st < VMON_STATE__N; st++) {
        if (!by_state[st])
            continue;
        chk_buf_printf(&s, "%s%u %s", sep, by_state[st], chk_policy_state_text(st));
        sep = ", ";
    }
    chk_tally_summary(&tally, &s);
    /* busy guests are judged on figures a little older: say which */
    if (busy.len)
        chk_buf_printf(&s, "; busy (last good figures): %s", chk_buf_str(&busy));
    chk_buf_clear(&busy);
    chk_output_summary(out, "%s", chk_buf_str(&s));
    chk_buf_clear(&s);
    chk_tally_clear(&tally);

    if (c->a.perf != CHK_PERF_NONE) {
        struct vmon_perf p = { .label = "domains", .value = (double) snap->ndomains,
                               .have_min = true };
        vmon_perfdata_add(&out->perf, &p);
        for (int st = 0; st < VMON_STATE__N; st++) {
            char label[64];
            snprintf(label, sizeof(label), "domains_%s", vmon_domain_state_name(st));
            p.label = label;
            p.value = by_state[st];
            vmon_perfdata_add(&out->perf, &p);
        }
    }
}

static void
evaluate(const void *ctx, const struct vmon_snapshot *snap, struct chk_output *out)
{
    const struct config *c = ctx;

    if (c->named)
        evaluate_named(c, snap, out);
    else
        evaluate_many(c, snap, out);
}

int
main(int argc, char **argv)
{
    struct config c = { .sel = { .noun = "domain", .short_opt = 'd', .option = "-d/--domain",
                                 .example = "-d 'web*,db1'" } };
    struct chk_output out;
    struct chk_sample_opts so;
    char err[1024] = "";
    int rc;

    const char *slash = strrchr(argv[0], '/');
    chk_args_init(&c.a, slash ? slash + 1 : argv[0], "cpu");
    c.stale_state = CHK_UNKNOWN;
    chk_metrics_from_table(&c.a.metrics, VMON_SCOPE_DOMAIN);
    chk_output_init(&out);

    /* parse, validate */
    rc = chk_args_parse(&c.a, argc, argv, "d:", own_options, &c, own_option, help, err, sizeof(err));
    if (rc == 0 && validate(&c, err, sizeof(err)) < 0)
        rc = -1;
    if (rc != 0) {
        /* -h and -V exit UNKNOWN as the reference plugins do: they are not checks */
        rc = rc > 0 ? CHK_UNKNOWN : chk_args_fail(&c.a, err);
        goto done;
    }

    sample_opts(&c, &so);
    rc = chk_run(&c.a, &so, CHK_UNKNOWN, evaluate, &c, &out);

done:
    chk_output_clear(&out);
    chk_args_free(&c.a);
    return rc;
}
