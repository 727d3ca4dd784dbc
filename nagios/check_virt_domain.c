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

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chk-args.h"
#include "chk-job.h"
#include "chk-guestfs.h"
#include "chk-metric.h"
#include "chk-output.h"
#include "chk-policy.h"
#include "chk-run.h"
#include "chk-sample.h"
#include "chk-timeout.h"
#include "vmon-answer.h"
#include "vmon-cnum.h"
#include "vmon-labels.h"
#include "vmon-rates.h"

enum {
    OPT_ALL = CHK_OPT_OWN,
    OPT_EXCLUDE,
    OPT_STATE,
    OPT_STALE_STATE,
    OPT_STALE_AGE,
    OPT_NOT_ANSWERING,
    OPT_LABEL,
    OPT_LABEL_DEF,
    OPT_JOB_WARN,
    OPT_JOB_CRIT,
    OPT_FS,
    OPT_FS_WARNING,
    OPT_FS_CRITICAL,
};

static const struct option own_options[] = {
    { "domain", required_argument, NULL, 'd' },
    { "all", no_argument, NULL, OPT_ALL },
    { "exclude", required_argument, NULL, OPT_EXCLUDE },
    { "state", required_argument, NULL, OPT_STATE },
    { "stale-state", required_argument, NULL, OPT_STALE_STATE },
    { "balloon-stale-age", required_argument, NULL, OPT_STALE_AGE },
    { "not-answering-after", required_argument, NULL, OPT_NOT_ANSWERING },
    { "label", required_argument, NULL, OPT_LABEL },
    { "label-def", required_argument, NULL, OPT_LABEL_DEF },
    { "job-time-warning", required_argument, NULL, OPT_JOB_WARN },
    { "job-time-critical", required_argument, NULL, OPT_JOB_CRIT },
    { "fs", required_argument, NULL, OPT_FS },
    { "fs-warning", required_argument, NULL, OPT_FS_WARNING },
    { "fs-critical", required_argument, NULL, OPT_FS_CRITICAL },
    { NULL, 0, NULL, 0 },
};

#define MAX_LABELS 16

struct label_match {
    char name[VMON_LABEL_NAME_MAX + 1];
    const char *glob;             /* after the '=' of the argument */
};

struct config {
    struct chk_args a;
    const char *domain;
    bool all;
    const char *exclude;
    const char *state_text;
    const char *stale_age;
    const char *not_answering_after;
    int stale_state;              /* for guest-memory thresholds on stale figures */
    bool named;                   /* one domain by exact name or UUID */
    const char *label_defs[MAX_LABELS];   /* --label-def: the core's label declarations */
    size_t nlabel_defs;
    struct label_match labels[MAX_LABELS];   /* --label NAME=GLOB, all must match */
    size_t nlabels;
    struct chk_guestfs fs;        /* --fs, --fs-warning, --fs-critical */
    struct chk_policy policy;
    const char *job_warn, *job_crit;      /* --job-time-warning/critical, seconds */
    struct vmon_thresholds job_time;
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
           " --state=STATE[:REASON]=LEVEL[,...]\n"
           "    Map domain states to plugin states, e.g. paused=critical,shutoff=ok.\n"
           "    States: running, blocked, paused, shutdown, shutoff, crashed, pmsuspended,\n"
           "    nostate; shutoff-autostart and shutoff-manual set the two shut-off cases.\n"
           "    Defaults: running ok; blocked, paused, pmsuspended, shutdown warning;\n"
           "    crashed critical; shutoff critical for a named domain, and for several\n"
           "    domains only when autostart is set. Thresholds apply to running domains.\n"
           "    STATE:REASON (libvirt's reason, lower case; a glob) wins over STATE.\n"
           "    Default reasons: paused by migration, save, dump, snapshot, starting_up\n"
           "    or postcopy ok; paused by ioerror, watchdog, crashed, postcopy_failed or\n"
           "    api_error critical; shutoff by crashed or failed critical.\n"
           " --balloon-stale-age=DURATION\n"
           "    The guest's memory figures (mem-used and the balloon statistics) are stale\n"
           "    when its balloon driver last sent them longer ago than this (default 30s:\n"
           "    three of the core's 10 s intervals), or never: no balloon driver, or no\n"
           "    stats period (<memballoon><stats period='N'/>, virsh dommemstat --period).\n"
           " --not-answering-after=DURATION\n"
           "    Polling libvirt itself, a guest whose statistics libvirt skipped (another\n"
           "    client held its monitor) is busy, judged on its last figures, until it has\n"
           "    given none for this long over successive runs (default 30s; its state file\n"
           "    keeps since when), then not answering, in the --timeout-state. With\n"
           "    --no-state-file, at once. With --source virtmond, virtmond's own setting.\n"
           " --label=NAME=GLOB\n"
           "    Only domains whose label NAME matches the shell glob (repeatable: all\n"
           "    must match; a domain without the label does not). Alone, among all\n"
           "    domains; else among those -d's pattern or --all select.\n"
           " --label-def='NAME NAMESPACE-URI ELEMENT-PATH' | --label-def=nova\n"
           "    Declare a label read from the domains' <metadata> when the check polls\n"
           "    libvirt itself (virtmond's own declarations apply with --source virtmond).\n"
           " --stale-state=STATE\n"
           "    State for a threshold on stale guest memory figures, instead of checking\n"
           "    them: ok, warning, critical or unknown (default unknown).\n"
           " --job-time-warning=RANGE, --job-time-critical=RANGE\n"
           "    Seconds a job (save, dump, migration, backup...) may run, whatever the\n"
           "    domain's state: e.g. --job-time-warning 600 --job-time-critical 3600.\n"
           "    A running job is always shown: \"saving 45%%, 3 min left, running 40 s\".\n"
           " --fs-warning=RANGE, --fs-critical=RANGE\n"
           "    Used %% of each guest file system, as the guest's agent reports it\n"
           "    (qemu-guest-agent in the guest; polling libvirt, the check asks it; with\n"
           "    --source virtmond, virtmond's guest-fs must be on). Perfdata per mount point.\n"
           " --fs=MOUNTPOINT|PATTERN[,...]\n"
           "    Only these mount points (shell globs, e.g. '/,/var*'; default all).\n",
           c->a.progname, PACKAGE_VERSION, c->a.progname);
    chk_args_help(stdout, &c->a);
}

static bool
is_pattern(const char *s)
{
    return strpbrk(s, "*?[,") != NULL;
}

/* --label NAME=GLOB: 1, or -1 with err saying what is wrong with it. */
static int
add_label_match(struct config *c, const char *arg, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t) (eq - arg) : 0;

    if (c->nlabels == MAX_LABELS) {
        snprintf(err, errlen, "--label: at most %d", MAX_LABELS);
        return -1;
    }
    struct label_match *m = &c->labels[c->nlabels];
    if (eq && n <= VMON_LABEL_NAME_MAX) {
        memcpy(m->name, arg, n);
        m->name[n] = '\0';
    }
    if (!eq || n > VMON_LABEL_NAME_MAX || !vmon_label_name_ok(m->name)) {
        snprintf(err, errlen, "--label '%s': expected NAME=GLOB, NAME a label name "
                 "(letters, digits, '_', '.', '-')", arg);
        return -1;
    }
    m->glob = eq + 1;
    c->nlabels++;
    return 1;
}

/* Whether d has every label --label asks for, each matching its glob. */
static bool
labels_match(const struct config *c, const struct vmon_domain *d)
{
    for (size_t i = 0; i < c->nlabels; i++) {
        const char *v = vmon_domain_label(d, c->labels[i].name);
        if (!v || fnmatch(c->labels[i].glob, v, 0) != 0)
            return false;
    }
    return true;
}

/* The options only this check has; see chk_args_parse(). */
static int
own_option(void *ctx, int opt, const char *arg, char *err, size_t errlen)
{
    struct config *c = ctx;

    switch (opt) {
    case 'd':
        if (c->domain) {
            snprintf(err, errlen, "-d/--domain given twice; name several domains as a "
                     "pattern list instead: -d 'web*,db1'");
            return -1;
        }
        c->domain = arg;
        return 1;
    case OPT_ALL:
        c->all = true;
        return 1;
    case OPT_EXCLUDE:
        c->exclude = arg;
        return 1;
    case OPT_STATE:
        c->state_text = arg;
        return 1;
    case OPT_STALE_STATE:
        if ((c->stale_state = chk_state_from_name(arg)) < 0) {
            snprintf(err, errlen, "--stale-state '%s': must be ok, warning, critical or unknown", arg);
            return -1;
        }
        return 1;
    case OPT_STALE_AGE:
        c->stale_age = arg;
        return 1;
    case OPT_NOT_ANSWERING:
        c->not_answering_after = arg;
        return 1;
    case OPT_LABEL:
        return add_label_match(c, arg, err, errlen);
    case OPT_JOB_WARN:
        c->job_warn = arg;
        return 1;
    case OPT_JOB_CRIT:
        c->job_crit = arg;
        return 1;
    case OPT_FS:
        c->fs.mounts = arg;
        return 1;
    case OPT_FS_WARNING:
        c->fs.warn = arg;
        return 1;
    case OPT_FS_CRITICAL:
        c->fs.crit = arg;
        return 1;
    case OPT_LABEL_DEF:
        if (c->nlabel_defs == MAX_LABELS) {
            snprintf(err, errlen, "--label-def: at most %d", MAX_LABELS);
            return -1;
        }
        c->label_defs[c->nlabel_defs++] = arg;
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
    if (!c->domain && !c->all && c->nlabels)
        c->all = true;   /* --label alone chooses among every domain */
    if (!c->domain && !c->all) {
        snprintf(err, errlen, "which domain? give -d with a name, UUID or pattern, --all, "
                 "or --label");
        return -1;
    }
    if (c->domain && c->all) {
        snprintf(err, errlen, "-d/--domain and --all exclude each other");
        return -1;
    }
    if (c->domain && !*c->domain) {
        snprintf(err, errlen, "-d/--domain needs a name, UUID or pattern");
        return -1;
    }
    c->named = c->domain && !is_pattern(c->domain);
    if (c->nlabels && c->named) {
        snprintf(err, errlen, "--label chooses among several domains: with --all, a pattern "
                 "in -d, or alone");
        return -1;
    }
    if (c->exclude && c->named) {
        snprintf(err, errlen, "--exclude needs --all or a pattern in -d");
        return -1;
    }
    char why[512];
    if (vmon_thresholds_set(&c->job_time, c->job_warn, NULL, why, sizeof(why)) < 0 ||
        vmon_thresholds_set(&c->job_time, NULL, c->job_crit, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "--job-time-%s", why);
        return -1;
    }
    if (chk_guestfs_validate(&c->fs, err, errlen) < 0)
        return -1;
    chk_policy_init(&c->policy, c->named);
    if (c->state_text && chk_policy_parse(&c->policy, c->state_text, err, errlen) < 0)
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
    so->exclude = c->exclude;
    so->balloon_stale_age = c->stale_age;
    so->not_answering_after = c->not_answering_after;
    so->label_defs = c->label_defs;
    so->nlabel_defs = c->nlabel_defs;
    so->need_rates = needs_rates(c);
    so->guest_fs = chk_guestfs_wanted(&c->fs);
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

static bool
wants_perf(const struct config *c, const struct chk_metric *cm)
{
    switch (c->a.perf) {
    case CHK_PERF_NONE: return false;
    case CHK_PERF_ALL: return true;
    default: return c->named || vmon_thresholds_any(&cm->th);
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
    bool job_perf = c->a.perf == CHK_PERF_ALL ||
                    (c->a.perf == CHK_PERF_AUTO && (c->named || vmon_thresholds_any(&c->job_time)));
    st = chk_state_worst(st, chk_job_eval(d, &c->job_time, why, job_perf ? &out->perf : NULL,
                                          prefix));
    bool mem_stale = vmon_value_has(&d->m[VMON_DOM_MEM_STALE]) && d->m[VMON_DOM_MEM_STALE].u;

    for (size_t i = 0; i < c->a.metrics.n; i++) {
        const struct chk_metric *cm = &c->a.metrics.m[i];
        bool exact, have, checked = vmon_thresholds_any(&cm->th) && evaluates_thresholds(d);
        uint64_t u = 0;
        double v = 0;
        char text[128];

        have = chk_metric_value(cm, d->m, &v, &exact, &u);
        if (have && wants_perf(c, cm))
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
        int ms = vmon_thresholds_state(&cm->th, v);
        chk_metric_format(cm, v, text, sizeof(text));
        if (ms == CHK_OK) {
            chk_buf_printf(why, ", %s %s", cm->label, text);
            continue;
        }
        char range[128];
        vmon_range_format(ms == CHK_CRITICAL ? &cm->th.crit : &cm->th.warn, range, sizeof(range));
        chk_buf_printf(why, ", %s %s (%s %s)", cm->label, text,
                       ms == CHK_CRITICAL ? "critical" : "warning", range);
        st = chk_state_worst(st, ms);
    }
    if (chk_guestfs_wanted(&c->fs) && evaluates_thresholds(d))
        st = chk_state_worst(st, chk_guestfs_eval(&c->fs, d, prefix,
                                                  c->a.perf != CHK_PERF_NONE
                                                  && (c->named || c->a.perf == CHK_PERF_ALL
                                                      || vmon_thresholds_any(&c->fs.th)),
                                                  why, &out->perf));
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

/* " (Web frontend)" for a domain with a <title>, else "": a title is one line */
static const char *
title_of(const struct vmon_domain *d, char *buf, size_t size)
{
    if (!d->title)
        return "";
    snprintf(buf, size, " (%.*s)", (int) strcspn(d->title, "\r\n"), d->title);
    return buf;
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
    char title[VMON_LABEL_VALUE_MAX + 8];
    chk_output_state(out, st);
    chk_output_summary(out, "%s%s %s", d->name, title_of(d, title, sizeof(title)),
                       chk_buf_str(&why));
    chk_buf_clear(&why);
}

static void
evaluate_many(const struct config *c, const struct vmon_snapshot *snap, struct chk_output *out)
{
    unsigned by_state[VMON_STATE__N] = { 0 }, by_level[CHK_STATE__N] = { 0 };
    struct chk_buf names[CHK_STATE__N] = { { 0 } }, busy = { 0 };
    size_t chosen = 0;

    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        if (!labels_match(c, d))
            continue;
        struct chk_buf why = { 0 };
        char title[VMON_LABEL_VALUE_MAX + 8];
        int st = eval_domain(c, d, &why, out);
        chosen++;

        if (d->state >= 0 && d->state < VMON_STATE__N)
            by_state[d->state]++;
        by_level[st]++;
        chk_output_state(out, st);
        if (st != CHK_OK || c->a.verbose)
            chk_output_line(out, "[%s] %s%s: %s", chk_state_name(st), d->name,
                            title_of(d, title, sizeof(title)), chk_buf_str(&why));
        if (st != CHK_OK)
            chk_buf_printf(&names[st], "%s%s", names[st].len ? ", " : "", d->name);
        if (d->answering == VMON_ANSWER_BUSY && d->id >= 0)
            chk_buf_printf(&busy, "%s%s", busy.len ? ", " : "", d->name);
        chk_buf_clear(&why);
    }
    if (chosen == 0 && (c->domain || c->nlabels)) {
        struct chk_buf what = { 0 };
        chk_buf_printf(&what, "%s%s%s", c->domain ? "'" : "", c->domain ? c->domain : "",
                       c->domain ? "'" : "");
        for (size_t i = 0; i < c->nlabels; i++)
            chk_buf_printf(&what, "%slabel %s=%s", what.len ? " and " : "", c->labels[i].name,
                           c->labels[i].glob);
        chk_output_state(out, CHK_UNKNOWN);
        chk_output_summary(out, "no domain matches %s at %s", chk_buf_str(&what),
                           snap->uri ? snap->uri : "libvirt");
        chk_buf_clear(&what);
        return;
    }

    struct chk_buf s = { 0 };
    chk_buf_printf(&s, "%zu domain%s", chosen, chosen == 1 ? "" : "s");
    const char *sep = ": ";
    for (int st = 0; st < VMON_STATE__N; st++) {
        if (!by_state[st])
            continue;
        chk_buf_printf(&s, "%s%u %s", sep, by_state[st], chk_policy_state_text(st));
        sep = ", ";
    }
    static const int order[] = { CHK_CRITICAL, CHK_WARNING, CHK_UNKNOWN };
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        if (by_level[order[k]])
            chk_buf_printf(&s, "; %s: %s", chk_state_name(order[k]), chk_buf_str(&names[order[k]]));
    /* busy guests are judged on figures a little older: say which */
    if (busy.len)
        chk_buf_printf(&s, "; busy (last good figures): %s", chk_buf_str(&busy));
    chk_buf_clear(&busy);
    chk_output_summary(out, "%s", chk_buf_str(&s));
    chk_buf_clear(&s);
    for (int st = 0; st < CHK_STATE__N; st++)
        chk_buf_clear(&names[st]);

    if (c->a.perf != CHK_PERF_NONE) {
        struct vmon_perf p = { .label = "domains", .value = (double) chosen,
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
    struct config c = { 0 };
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
