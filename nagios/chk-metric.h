/*
 * The metrics a check reports and thresholds, built by walking the core's
 * metric table (its perf column) instead of listing them here, so a metric
 * added to vmon-metrics.def shows up in perfdata, in --help and as
 * --LABEL-warning/--LABEL-critical without touching this face.
 *
 * Each table row with a perf label gives one entry; a COUNTER gives two:
 * the raw counter ("disk_read_bytes", UOM "c", no thresholds) and its
 * per-second rate ("disk_read_bytes_per_s", no UOM: "B/s" is not a
 * guidelines unit), on which thresholds apply.  KiB gauges are reported
 * in bytes ("B").  A check may add entries of its own (domain counts).
 */
#ifndef CHK_METRIC_H
#define CHK_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmon-metrics.h"
#include "vmon-perfdata.h"
#include "vmon-range.h"
#include "vmon-snapshot.h"

struct chk_metric {
    char label[64];               /* perfdata label, threshold name */
    char option[64];              /* --OPTION-warning, --OPTION-critical */
    const struct vmon_metric_desc *desc;   /* NULL: the check's own */
    bool raw_counter;             /* the counter itself: perfdata only */
    bool rate;                    /* the counter's per-second rate */
    enum vmon_uom uom;
    double scale;                 /* multiplies the value (KiB -> bytes) */
    bool have_min, have_max;
    double min, max;
    const char *help;
    struct vmon_thresholds th;
};

struct chk_metric_set {
    struct chk_metric *m;
    size_t n;
};

/* Every perf-labelled metric of scope, in table order. */
void chk_metrics_from_table(struct chk_metric_set *set, enum vmon_scope scope);
/* A metric of the check's own; returns it for the caller to adjust. */
struct chk_metric *chk_metrics_add(struct chk_metric_set *set, const char *label,
                                   enum vmon_uom uom, const char *help);
struct chk_metric *chk_metrics_find(const struct chk_metric_set *set, const char *label);
void chk_metrics_free(struct chk_metric_set *set);

/* Whether thresholds can be set on it (everything but raw counters). */
bool chk_metric_has_options(const struct chk_metric *cm);
/* Whether its value needs two samples (a rate, or a percentage derived from rates). */
bool chk_metric_needs_rate(const struct chk_metric *cm);

/*
 * The value of a table metric from a scope's value array.  false when the
 * core has none (not reported, no rate yet).  exact and u carry raw
 * counters, which a double cannot hold exactly.
 */
bool chk_metric_value(const struct chk_metric *cm, const struct vmon_value *values,
                      double *v, bool *exact, uint64_t *u);

/* Append cm = v as perfdata (with its thresholds, min and max); prefix as vmon_perf's. */
void chk_metric_perfdata(const struct chk_metric *cm, struct vmon_perfdata *pd,
                         const char *prefix, double v, bool exact, uint64_t u);

/* v in the metric's unit for text: "12.5%", "1048576B", "3.5". */
void chk_metric_format(const struct chk_metric *cm, double v, char *buf, size_t size);

#endif
