#include "chk-metric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-cnum.h"

static struct chk_metric *
grow(struct chk_metric_set *set)
{
    struct chk_metric *m = realloc(set->m, (set->n + 1) * sizeof(*set->m));

    if (!m) {
        fputs("VIRT UNKNOWN - out of memory\n", stdout);
        exit(3);
    }
    set->m = m;
    m = &set->m[set->n++];
    memset(m, 0, sizeof(*m));
    m->scale = 1;
    return m;
}

/* "disk_read_bytes_per_s" -> "disk-read-bytes-per-s": options read better with dashes. */
static void
option_name(char *dst, size_t size, const char *label)
{
    snprintf(dst, size, "%s", label);
    for (char *p = dst; *p; p++)
        if (*p == '_')
            *p = '-';
}

struct chk_metric *
chk_metrics_add(struct chk_metric_set *set, const char *label, enum vmon_uom uom, const char *help)
{
    struct chk_metric *m = grow(set);

    snprintf(m->label, sizeof(m->label), "%s", label);
    option_name(m->option, sizeof(m->option), label);
    m->uom = uom;
    m->help = help;
    return m;
}

void
chk_metrics_from_table(struct chk_metric_set *set, enum vmon_scope scope)
{
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        if (!d[i].perf_label)
            continue;
        if (d[i].kind == VMON_KIND_COUNTER) {
            struct chk_metric *raw = chk_metrics_add(set, d[i].perf_label, VMON_UOM_COUNTER,
                                                     d[i].description);
            raw->desc = &d[i];
            raw->raw_counter = true;

            char label[64];
            snprintf(label, sizeof(label), "%s_per_s", d[i].perf_label);
            struct chk_metric *rate = chk_metrics_add(set, label, VMON_UOM_NONE, d[i].description);
            rate->desc = &d[i];
            rate->rate = true;
            rate->have_min = true;
            /* KiB counters (swap in/out) as bytes per second, like the gauges */
            if (d[i].unit == VMON_UNIT_KIB)
                rate->scale = 1024;
            continue;
        }
        struct chk_metric *m = chk_metrics_add(set, d[i].perf_label, VMON_UOM_NONE,
                                               d[i].description);
        m->desc = &d[i];
        switch (d[i].unit) {
        case VMON_UNIT_PERCENT:
            m->uom = VMON_UOM_PERCENT;
            m->have_min = true;
            break;
        case VMON_UNIT_KIB:
            m->uom = VMON_UOM_B;
            m->scale = 1024;
            m->have_min = true;
            break;
        case VMON_UNIT_BYTES:
            m->uom = VMON_UOM_B;
            m->have_min = true;
            break;
        case VMON_UNIT_SECONDS:
            m->uom = VMON_UOM_S;
            break;
        case VMON_UNIT_MS:
            m->uom = VMON_UOM_MS;
            m->have_min = true;
            break;
        default:
            m->have_min = true;
            break;
        }
    }
}

struct chk_metric *
chk_metrics_find(const struct chk_metric_set *set, const char *label)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->m[i].label, label) == 0)
            return &set->m[i];
    return NULL;
}

void
chk_metrics_free(struct chk_metric_set *set)
{
    free(set->m);
    set->m = NULL;
    set->n = 0;
}

bool
chk_metric_has_options(const struct chk_metric *cm)
{
    return !cm->raw_counter;
}

bool
chk_metric_needs_rate(const struct chk_metric *cm)
{
    return cm->rate || (cm->desc && (cm->desc->flags & VMON_MF_FROM_RATES));
}

bool
chk_metric_value(const struct chk_metric *cm, const struct vmon_value *values,
                 double *v, bool *exact, uint64_t *u)
{
    *exact = false;
    if (!cm->desc)
        return false;
    const struct vmon_value *val = &values[cm->desc->id];
    if (cm->rate) {
        if (!vmon_value_has_rate(val))
            return false;
        *v = val->d * cm->scale;
        return true;
    }
    if (!vmon_value_has(val))
        return false;
    if (cm->desc->kind == VMON_KIND_DERIVED) {
        *v = val->d * cm->scale;
        return true;
    }
    *v = (double) val->u * cm->scale;
    /* integers beyond 2^53 lose digits in a double: print those exactly */
    if (cm->scale == 1 || val->u <= UINT64_MAX / (uint64_t) cm->scale) {
        *exact = true;
        *u = val->u * (uint64_t) cm->scale;
    }
    return true;
}

void
chk_metric_perfdata(const struct chk_metric *cm, struct vmon_perfdata *pd, const char *prefix,
                    double v, bool exact, uint64_t u)
{
    struct vmon_perf p = {
        .prefix = prefix, .label = cm->label, .value = v, .exact = exact, .exact_value = u,
        .uom = cm->uom, .th = vmon_thresholds_any(&cm->th) ? &cm->th : NULL,
        .have_min = cm->have_min, .min = cm->min, .have_max = cm->have_max, .max = cm->max,
    };

    vmon_perfdata_add(pd, &p);
}

void
chk_metric_format(const struct chk_metric *cm, double v, char *buf, size_t size)
{
    char num[400];

    /* two decimals are plenty to read; perfdata keeps the full value */
    if (v > -1e15 && v < 1e15)
        v = round(v * 100) / 100;
    if (vmon_cnum_format(num, sizeof(num), v) < 0)
        snprintf(num, sizeof(num), "?");
    snprintf(buf, size, "%s%s", num, cm->uom == VMON_UOM_COUNTER ? "" : vmon_uom_name(cm->uom));
}
