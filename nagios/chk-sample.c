#include "chk-sample.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chk-agent.h"
#include "chk-direct.h"
#include "chk-statefile.h"
#include "chk-timeout.h"
#include "vmon-rates.h"
#include "vmon-util.h"

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

static int
poll_once(struct chk_sample *s, char *err, size_t errlen)
{
    struct vmon_snapshot *snap = s->direct->poll(s->poller, err, errlen);

    if (!snap) {
        s->libvirt_down = true;
        return -1;
    }
    vmon_snapshot_unref(s->snap);
    s->snap = snap;
    return 0;
}

/* Whether a second poll --interval from now still fits in -t's budget. */
static bool
second_sample_fits(const struct chk_sample_opts *o, double started, double poll_took)
{
    if (o->budget <= 0)
        return true;
    /* keep a margin for evaluating, printing and writing the state files */
    return vmon_now_mono() - started + o->interval + poll_took < o->budget - 0.2;
}

int
chk_sample_collect(const struct chk_sample_opts *o, struct chk_sample *s, char *err, size_t errlen)
{
    double started = vmon_now_mono();

    memset(s, 0, sizeof(*s));
    snprintf(s->rates_from, sizeof(s->rates_from), "none");
    if (o->agent)
        return chk_agent_collect(o, s, err, errlen);
    s->direct = chk_direct_load(err, errlen);
    if (!s->direct)
        return -1;
    s->poller = s->direct->open(o, err, errlen);
    if (!s->poller)
        return -1;
    if (poll_once(s, err, errlen) < 0)
        return -1;
    double poll_took = vmon_now_mono() - started;
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
        for (int tries = 0; got == 2 && tries < 3 && wait < o->budget; tries++) {
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
    if (o->interval > 0 && !second_sample_fits(o, started, poll_took)) {
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

void
chk_sample_save(const struct chk_sample_opts *o, struct chk_sample *s)
{
    char why[400] = "";

    /* virtmond's rates need no state of ours */
    if (!o->use_state || o->agent || !s->snap || !s->snap->health.connected)
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
    if (s->poller)
        s->direct->close(s->poller);
    s->snap = NULL;
    s->poller = NULL;
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
