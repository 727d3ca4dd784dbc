/*
 * Threshold ranges in the Monitoring Plugins syntax, and warn/crit pairs.
 *
 *   10      alert when < 0 or > 10        (outside 0..10)
 *   10:     alert when < 10               (outside 10..+inf)
 *   ~:10    alert when > 10               (outside -inf..10)
 *   10:20   alert when < 10 or > 20       (outside 10..20)
 *   @10:20  alert when >= 10 and <= 20    (inside 10..20)
 *
 * Endpoints are inclusive: a value equal to an endpoint is inside the range.
 * ":10" is read as "0:10", as the reference C and Perl libraries do.
 * Anything else (empty text, "10:5", "abc", "1,5", "10:20:30") is refused
 * with a message that quotes the text.
 */
#ifndef VMON_RANGE_H
#define VMON_RANGE_H

#include <stdbool.h>
#include <stddef.h>

/* The plugin states and exit codes, in the guidelines' numbering. */
enum chk_state {
    CHK_OK = 0,
    CHK_WARNING = 1,
    CHK_CRITICAL = 2,
    CHK_UNKNOWN = 3,
    CHK_STATE__N
};

const char *chk_state_name(int state);       /* "OK", "WARNING", ... */
/* -1 when name is no state; accepts any case and 0..3. */
int chk_state_from_name(const char *name);
/*
 * The worse of two states for one summary: CRITICAL > WARNING > UNKNOWN
 * > OK (the guidelines' max_state_alt order), so that one domain we could
 * not read never hides another that is down.
 */
int chk_state_worst(int a, int b);

struct vmon_range {
    bool inside;          /* '@': alert inside instead of outside */
    bool start_inf;       /* '~' */
    bool end_inf;         /* nothing after ':' */
    double start;
    double end;
};

/* 0, or -1 with a message in err saying what is wrong with text. */
int vmon_range_parse(const char *text, struct vmon_range *r, char *err, size_t errlen);
/* Whether value raises an alert against r. */
bool vmon_range_alert(const struct vmon_range *r, double value);
/* The range in canonical form and the C locale ("10", "~:10", "@1.5:2"). */
int vmon_range_format(const struct vmon_range *r, char *buf, size_t size);

struct vmon_thresholds {
    bool have_warn, have_crit;
    struct vmon_range warn, crit;
};

/*
 * Set the warning and/or critical range from text: NULL leaves that one as
 * it is, "" clears it.  0, or -1 with err saying which one and what is wrong
 * (nothing is changed then).
 */
int vmon_thresholds_set(struct vmon_thresholds *t, const char *warn, const char *crit,
                        char *err, size_t errlen);
bool vmon_thresholds_any(const struct vmon_thresholds *t);
/* CHK_CRITICAL, CHK_WARNING or CHK_OK: critical is checked first. */
int vmon_thresholds_state(const struct vmon_thresholds *t, double value);

#endif
