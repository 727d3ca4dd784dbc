#include "chk-sample.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chk-statefile.h"
#include "chk-timeout.h"
#include "vmon-answer.h"
#include "vmon-rates.h"
#include "vmon-source.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

/*
 * The core's settings for a one-shot run: never a password prompt (Nagios
 * has no terminal; a hand-run check would sit at it until -t), and a slice
 * deadline well inside -t, so a guest frozen in its monitor comes back as
 * "partial" with whatever libvirt did answer instead of as a bare timeout.
 * The same deadline bounds the wait for virtmond.
 */
static int
core_options(const struct chk_sample_opts *o, struct vmon_options *opts)
{
    char timeout[32];

    opts->readwrite = false;
    opts->interactive_auth = false;
    /* a one-shot poll of the pools is ~3 libvirt calls a pool: only for a check that shows them */
    opts->skip_pools = !o->pools;
    if (o->source && vmon_options_set(opts, "source", o->source) < 0)
        return -1;
    if (o->budget > 0) {
        /* the core may wait twice (a stuck slice is retried once with NOWAIT),
         * within what is left of -t after start-up */
        double left = chk_timeout_remaining();
        double t = (left < o->budget ? left : o->budget) / 3;
        snprintf(timeout, sizeof(timeout), "%.3f", t < 0.5 ? 0.5 : t > 5 ? 5 : t);
        if (vmon_options_set(opts, "timeout", timeout) < 0)
            return -1;
    }
    if (o->uri && vmon_options_set(opts, "uri", o->uri) < 0)
        return -1;
    /* polling libvirt here: ask the agents, within the same share of -t
     * (virtmond asks them on its own if its guest-fs is on) */
    if (o->guest_fs && opts->source == VMON_SOURCE_LIBVIRT
        && (vmon_options_set(opts, "guest-fs", "yes") < 0
            || (o->budget > 0 && vmon_options_set(opts, "guest-fs-timeout", timeout) < 0)))
        return -1;
    if (o->name) {
        /* Exactly this name (commas, globs, blanks and all), or this UUID:
         * the source then collects (or asks virtmond for) this one only. */
        opts->filter = vmon_filter_new();
        if (vmon_filter_add_literal(opts->filter, true, o->name) < 0)
            return -1;
        if (vmon_uuid_is_text(o->name) && vmon_filter_add(opts->filter, true, o->name) < 0)
            return -1;
    }
    if ((o->include && vmon_options_set(opts, "include", o->include) < 0) ||
        (o->exclude && vmon_options_set(opts, "exclude", o->exclude) < 0))
        return -1;
    if (o->balloon_stale_age && vmon_options_set(opts, "balloon-stale-age", o->balloon_stale_age) < 0) {
        vmon_error_rename("balloon-stale-age", "--balloon-stale-age");
        return -1;
    }
    if (o->not_answering_after
        && vmon_options_set(opts, "not-answering-after", o->not_answering_after) < 0) {
        vmon_error_rename("not-answering-after", "--not-answering-after");
        return -1;
    }
    for (size_t i = 0; i < o->nlabel_defs; i++)
        if (vmon_options_set(opts, "label", o->label_defs[i]) < 0) {
            vmon_error_rename("label", "--label-def");
            return -1;
        }
    return 0;
}

/*
 * A snapshot a collector should long have replaced: its poll thread is
 * stuck (a libvirtd that stopped answering) even though it last saw
 * libvirt up.  Three of its poll intervals, and never less than a minute.
 */
static double
stale_after(const struct vmon_snapshot *snap)
{
    return snap->elapsed * 3 > 60 ? snap->elapsed * 3 : 60;
}

static bool
is_active(const struct vmon_domain *d)
{
    return d->id >= 0;
}

/*
 * Rates of one domain against its own previous sample.  Samples of
 * different domains were taken at different times (another service may
 * have checked one of them since), so each gets its own interval.
 */
static void
rates_one_domain(const struct vmon_snapshot *cur, struct vmon_domain *dom,
                 const struct vmon_snapshot *prev)
{
    vmon_rates_compute_domain(dom, prev->ndomains == 1 ? &prev->domains[0] : NULL,
                              cur->taken - prev->taken, cur->node.m[VMON_NODE_CPUS].u);
}

static void
sleep_seconds(double s)
{
    struct timespec ts = { .tv_sec = (time_t) s, .tv_nsec = (long) ((s - (double) (time_t) s) * 1e9) };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * Rates from the state files: 1 when every active domain (or the node) got
 * them; 2 when the only ones missing had a sample that is merely younger
 * than min_age (*wait says for how much longer); 0 otherwise.
 */
static int
rates_from_state(const struct chk_sample_opts *o, struct chk_sample *s, const char *dir,
                 double min_age, double *wait)
{
    struct vmon_snapshot *cur = s->snap;
    char why[400];
    size_t missing = 0, young = 0, loaded = 0;
    double taken, age;
    size_t n = o->node_rates ? 1 : cur->ndomains;

    *wait = 0;
    s->state_note[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct vmon_domain *dom = o->node_rates ? NULL : &cur->domains[i];
        if (dom && !is_active(dom))
            continue;
        struct vmon_snapshot *prev = vmon_snapshot_new();
        char *path = chk_state_path(dir, cur->uri, dom ? dom->uuid_str : "node");
        int rc = chk_state_load(path, cur->uri, cur->taken, min_age, o->state_max_age, prev,
                                &taken, &age, why, sizeof(why));
        free(path);
        if (rc == 1) {
            prev->taken = taken;
            if (dom)
                rates_one_domain(cur, dom, prev);
            else
                vmon_rates_compute(cur, prev);
            loaded++;
        } else if (rc == 0 && !isnan(age) && age < min_age) {
            /* a check run again at once: wait out the rest, not a whole --interval */
            young++;
            if (min_age - age > *wait)
                *wait = min_age - age;
        } else {
            missing++;
            if (!s->state_note[0])
                snprintf(s->state_note, sizeof(s->state_note), "%s: %s", dom ? dom->name : "node", why);
        }
        vmon_snapshot_unref(prev);
    }
    if (loaded)
        snprintf(s->rates_from, sizeof(s->rates_from), o->node_rates ? "state file (node)"
                 : "state files (%zu domain%s)", loaded, loaded == 1 ? "" : "s");
    return missing ? 0 : young ? 2 : 1;
}

/*
 * A snapshot fit to evaluate, from the source: 0, or -1 with err (libvirt
 * not answering sets libvirt_down, for the check's unreachable state).
 */
static int
poll_once(struct chk_sample *s, char *err, size_t errlen)
{
    struct vmon_snapshot *snap = vmon_source_poll_now(s->src);

    if (!snap) {
        snprintf(err, errlen, "%s", vmon_error_last());
        return -1;
    }
    vmon_snapshot_unref(s->snap);
    s->snap = snap;
    if (!snap->health.connected) {
        s->libvirt_down = true;
        const char *why = snap->health.last_error ? snap->health.last_error : "not connected";
        /* how old the newest figures anyone has are: a collector's last good poll */
        char age[64] = "";
        if (snap->health.last_poll_time > 0)
            snprintf(age, sizeof(age), "data %.0f s old: ",
                     difftime(time(NULL), snap->health.last_poll_time));
        if (s->from_virtmond)
            snprintf(err, errlen, "%s%s cannot reach libvirt at %s: %s", age,
                     vmon_source_describe(s->src), snap->uri ? snap->uri : "its URI", why);
        else
            snprintf(err, errlen, "%s%s", age, why);
        return -1;
    }
    double age = vmon_now_mono() - snap->taken;
    if (age > stale_after(snap)) {
        snprintf(err, errlen, "%s last finished a poll %.0f s ago; its polls are stuck "
                 "(libvirt at %s not answering?)", vmon_source_describe(s->src), age,
                 snap->uri ? snap->uri : "its URI");
        return -1;
    }
    return 0;
}

/* Whether a second poll --interval from now still fits in what is left of -t. */
static bool
second_sample_fits(const struct chk_sample_opts *o, double poll_took)
{
    if (o->budget <= 0)
        return true;
    /* keep a margin for evaluating, printing and writing the state files */
    return o->interval + poll_took < chk_timeout_remaining() - 0.2;
}

/*
 * Busy or hung across runs (vmon-answer.h).  One poll cannot tell a guest
 * whose job another client held at that instant from a hung one, and the
 * core, polling once, calls every guest it could not read not answering.
 * The domain's state file remembers since when it has given no figures
 * (chk_sample_save): it is busy, judged on the file's last figures, until
 * that is older than not-answering-after, then not answering.  Without
 * state files there is no history and the core's verdict stands.
 */
static void
judge_answering(const struct chk_sample_opts *o, struct chk_sample *s)
{
    struct vmon_snapshot *cur = s->snap;
    char why[400];
    char *dir = NULL;

    if (o->node_rates)
        return;     /* the host check judges no guest */
    for (size_t i = 0; i < cur->ndomains; i++) {
        struct vmon_domain *dom = &cur->domains[i];
        if (!is_active(dom) || !dom->partial_groups)
            continue;
        if (!dir && (!o->use_state || !(dir = chk_state_dir(o->state_dir, why, sizeof(why)))))
            return;
        struct vmon_snapshot *prev = vmon_snapshot_new();
        char *path = chk_state_path(dir, cur->uri, dom->uuid_str);
        struct vmon_domain *rec;
        if (chk_state_answering(path, cur->uri, cur->taken, o->state_max_age, prev, why,
                                sizeof(why)) == 1) {
            rec = &prev->domains[0];
        } else {
            rec = vmon_snapshot_add_domain(prev);
            rec->id = dom->id;
        }
        /* the first run without figures starts the clock */
        if (!rec->unanswered_since)
            rec->unanswered_since = cur->taken_wall;
        vmon_answer_domain(dom, rec, cur->taken_wall, 0, s->not_answering_after);
        free(path);
        vmon_snapshot_unref(prev);
    }
    free(dir);
}

/* chk_sample_collect but for judging who answered */
static int
collect(const struct chk_sample_opts *o, struct chk_sample *s, char *err, size_t errlen)
{
    double started = vmon_now_mono();

    memset(s, 0, sizeof(*s));
    snprintf(s->rates_from, sizeof(s->rates_from), "none");
    struct vmon_options opts;
    vmon_options_init(&opts);
    vmon_error_clear();
    if (core_options(o, &opts) == 0)
        s->src = vmon_source_open(&opts, VMON_SOURCE_ONESHOT);
    s->from_virtmond = opts.source == VMON_SOURCE_VIRTMOND;
    s->not_answering_after = opts.not_answering_after;
    vmon_options_clear(&opts);
    if (!s->src) {
        snprintf(err, errlen, "%s", vmon_error_last());
        return -1;
    }
    if (poll_once(s, err, errlen) < 0)
        return -1;
    double poll_took = vmon_now_mono() - started;
    /* A collector that polls on its own (virtmond) sends its rates along:
     * no state files, no second sample. */
    s->rates_included = s->snap->elapsed > 0;
    if (s->rates_included) {
        snprintf(s->rates_from, sizeof(s->rates_from),
                 "%s (its last two polls, %.3g s apart; the latest %.1f s ago)",
                 vmon_source_describe(s->src), s->snap->elapsed,
                 vmon_now_mono() - s->snap->taken);
        return 0;
    }
    if (!o->need_rates)
        return 0;

    if (o->use_state) {
        char why[400] = "";
        char *dir = chk_state_dir(o->state_dir, why, sizeof(why));
        double wait;
        int got = 0;
        if (!dir)
            snprintf(s->state_note, sizeof(s->state_note), "%s", why);
        else
            got = rates_from_state(o, s, dir, o->state_min_age, &wait);
        /* Another check of the same domain may save a sample while we wait
         * out ours: a rate over a few milliseconds is noise, so wait again. */
        for (int tries = 0; got == 2 && tries < 3 && wait < chk_timeout_remaining() - 0.2; tries++) {
            sleep_seconds(wait);
            if (poll_once(s, err, errlen) < 0) {
                free(dir);
                return -1;
            }
            got = rates_from_state(o, s, dir, o->state_min_age, &wait);
        }
        free(dir);
        if (got == 1)
            return 0;
    }
    if (o->interval > 0 && !second_sample_fits(o, poll_took)) {
        snprintf(s->rates_from, sizeof(s->rates_from), "none: a second sample %g s later "
                 "would not fit in -t %g s (the first took %.2f s)", o->interval, o->budget,
                 poll_took);
    } else if (o->interval > 0) {
        /* Some domain (or the node) had no usable sample: take one now. */
        char doing[300];
        snprintf(doing, sizeof(doing), "during the second sample (--interval) from %s",
                 s->snap->uri ? s->snap->uri : "libvirt");
        chk_timeout_doing(doing);
        sleep_seconds(o->interval);
        if (poll_once(s, err, errlen) < 0)
            return -1;
        snprintf(s->rates_from, sizeof(s->rates_from), "a second sample %.3g s later",
                 s->snap->elapsed);
    }
    return 0;
}

int
chk_sample_collect(const struct chk_sample_opts *o, struct chk_sample *s, char *err, size_t errlen)
{
    int rc = collect(o, s, err, errlen);

    if (rc == 0 && !s->rates_included)
        judge_answering(o, s);
    return rc;
}

void
chk_sample_save(const struct chk_sample_opts *o, struct chk_sample *s)
{
    char why[400] = "";

    /* rates that came with the snapshot need no state of ours */
    if (!o->use_state || s->rates_included || !s->snap || !s->snap->health.connected)
        return;
    char *dir = chk_state_dir(o->state_dir, why, sizeof(why));
    if (!dir) {
        snprintf(s->state_note, sizeof(s->state_note), "%s", why);
        return;
    }
    if (o->node_rates) {
        char *path = chk_state_path(dir, s->snap->uri, "node");
        if (chk_state_save(path, s->snap, NULL, why, sizeof(why)) < 0)
            snprintf(s->state_note, sizeof(s->state_note), "%s", why);
        free(path);
    } else {
        for (size_t i = 0; i < s->snap->ndomains; i++) {
            const struct vmon_domain *dom = &s->snap->domains[i];
            if (!is_active(dom))
                continue;
            char *path = chk_state_path(dir, s->snap->uri, dom->uuid_str);
            if (chk_state_save(path, s->snap, dom, why, sizeof(why)) < 0)
                snprintf(s->state_note, sizeof(s->state_note), "%s", why);
            free(path);
        }
    }
    free(dir);
}

void
chk_sample_free(struct chk_sample *s)
{
    vmon_snapshot_unref(s->snap);
    vmon_source_close(s->src);
    s->snap = NULL;
    s->src = NULL;
}

void
chk_sample_notes(const struct chk_sample *s, int verbose, struct chk_output *out)
{
    if (verbose < 2)
        return;
    chk_output_line(out, "rates from: %s", s->rates_from[0] ? s->rates_from : "none");
    if (s->state_note[0])
        chk_output_line(out, "state file: %s", s->state_note);
}
