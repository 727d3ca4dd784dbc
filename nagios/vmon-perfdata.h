/*
 * Performance data in the Monitoring Plugins format:
 *
 *   'label'=value[UOM];[warn];[crit];[min];[max]
 *
 * Labels are always single-quoted with embedded quotes doubled, so any
 * domain name (spaces, '=', quotes, UTF-8) survives; control characters,
 * which would end the line or the field in Nagios' perfdata files, become
 * '_'.  Numbers are written in the C locale without exponents.  UOMs are
 * limited to the guidelines' list: a unit such as "B/s" breaks Icinga 2's
 * parser, so rates are plain numbers with a per-second label.
 */
#ifndef VMON_PERFDATA_H
#define VMON_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmon-range.h"

enum vmon_uom {
    VMON_UOM_NONE,        /* a plain number */
    VMON_UOM_S,
    VMON_UOM_MS,
    VMON_UOM_US,
    VMON_UOM_PERCENT,
    VMON_UOM_B,
    VMON_UOM_KB,
    VMON_UOM_MB,
    VMON_UOM_TB,
    VMON_UOM_COUNTER,     /* "c": a continuous counter */
    VMON_UOM__N
};

const char *vmon_uom_name(enum vmon_uom uom);
/* Only the guidelines' list, case as written there.  0 or -1. */
int vmon_uom_parse(const char *text, enum vmon_uom *uom);

struct vmon_perf {
    const char *prefix;             /* NULL, or e.g. a domain name: "prefix::label" */
    const char *label;
    double value;
    bool exact;                     /* print exact_value instead (large counters) */
    uint64_t exact_value;
    enum vmon_uom uom;
    const struct vmon_thresholds *th;   /* NULL: empty warn and crit */
    bool have_min, have_max;
    double min, max;
};

/* A growing space-separated list of perfdata items. */
struct vmon_perfdata {
    char *buf;
    size_t len, cap;
    size_t count;
};

void vmon_perfdata_init(struct vmon_perfdata *pd);
void vmon_perfdata_clear(struct vmon_perfdata *pd);
/* "" when nothing was added. */
const char *vmon_perfdata_text(const struct vmon_perfdata *pd);

/*
 * Append one item.  -1 (and nothing appended) when the value is not finite
 * or the label is empty: a missing graph point is better than one that
 * makes the whole line unparsable.
 */
int vmon_perfdata_add(struct vmon_perfdata *pd, const struct vmon_perf *p);

/* Write label quoted as perfdata wants it into buf; returns the length needed. */
size_t vmon_perfdata_quote_label(char *buf, size_t size, const char *prefix, const char *label);

#endif
