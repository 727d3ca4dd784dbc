#include "chk-job.h"

#include <stdio.h>

#include "vmon-range.h"

bool
chk_job_running(const struct vmon_domain *d)
{
    const struct vmon_value *type = &d->m[VMON_DOM_JOB_TYPE];

    return vmon_value_has(type) &&
           (type->u == VMON_JOB_BOUNDED || type->u == VMON_JOB_UNBOUNDED);
}

/* "40 s", "3 min", "2.5 h": as precise as a glance at a job needs. */
static void
format_duration(double s, char *buf, size_t size)
{
    if (s < 90)
        snprintf(buf, size, "%.0f s", s);
    else if (s < 90 * 60)
        snprintf(buf, size, "%.0f min", s / 60);
    else
        snprintf(buf, size, "%.1f h", s / 3600);
}

/*
 * Seconds left: libvirt's own figure where it gives one (bounded jobs),
 * else what the progress so far suggests.  *estimated says which.
 */
static bool
seconds_left(const struct vmon_domain *d, double elapsed, double *left, bool *estimated)
{
    const struct vmon_value *rem = &d->m[VMON_DOM_JOB_REMAINING];
    const struct vmon_value *pct = &d->m[VMON_DOM_JOB_PERCENT];

    *estimated = false;
    if (vmon_value_has(rem) && rem->u > 0) {
        *left = (double) rem->u / 1000;
        return true;
    }
    if (!vmon_value_has(pct) || pct->d <= 0 || pct->d >= 100 || elapsed <= 0)
        return false;
    *left = elapsed * (100 - pct->d) / pct->d;
    *estimated = true;
    return true;
}

int
chk_job_eval(const struct vmon_domain *d, const struct vmon_thresholds *th,
             struct chk_buf *why, struct vmon_perfdata *perf, const char *prefix)
{
    if (!chk_job_running(d))
        return CHK_OK;

    const struct vmon_value *op = &d->m[VMON_DOM_JOB_OPERATION];
    const struct vmon_value *pct = &d->m[VMON_DOM_JOB_PERCENT];
    const struct vmon_value *el = &d->m[VMON_DOM_JOB_ELAPSED];
    bool have_elapsed = vmon_value_has(el), estimated;
    double elapsed = have_elapsed ? (double) el->u / 1000 : 0, left;
    char text[32];

    chk_buf_printf(why, ", %s", vmon_job_operation_doing(vmon_value_has(op) ? (int) op->u : 0));
    if (vmon_value_has(pct))
        chk_buf_printf(why, " %.0f%%", pct->d);
    if (seconds_left(d, elapsed, &left, &estimated)) {
        format_duration(left, text, sizeof(text));
        chk_buf_printf(why, ", %s%s left", estimated ? "~" : "", text);
    }
    if (!have_elapsed)
        return CHK_OK;
    format_duration(elapsed, text, sizeof(text));
    chk_buf_printf(why, ", running %s", text);

    bool judged = th && vmon_thresholds_any(th);
    int st = judged ? vmon_thresholds_state(th, elapsed) : CHK_OK;
    if (st != CHK_OK) {
        char range[64];
        vmon_range_format(st == CHK_CRITICAL ? &th->crit : &th->warn, range, sizeof(range));
        chk_buf_printf(why, " (%s %s s)", st == CHK_CRITICAL ? "critical" : "warning", range);
    }
    if (perf) {
        struct vmon_perf p = { .prefix = prefix, .label = "job_time", .value = elapsed,
                               .uom = VMON_UOM_S, .th = judged ? th : NULL,
                               .have_min = true };
        vmon_perfdata_add(perf, &p);
    }
    return st;
}
