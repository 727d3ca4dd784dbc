#include "vmon-range.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vmon-cnum.h"

static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == CHK_STATE__N, "state names");

const char *
chk_state_name(int state)
{
    return state >= 0 && state < CHK_STATE__N ? state_names[state] : "UNKNOWN";
}

int
chk_state_from_name(const char *name)
{
    for (int s = 0; s < CHK_STATE__N; s++) {
        char digit[2] = { (char) ('0' + s), '\0' };

        if (strcasecmp(name, state_names[s]) == 0 || strcmp(name, digit) == 0)
            return s;
    }
    /* The short forms admins write in configs. */
    if (strcasecmp(name, "warn") == 0)
        return CHK_WARNING;
    if (strcasecmp(name, "crit") == 0)
        return CHK_CRITICAL;
    return -1;
}

static int
state_rank(int s)
{
    switch (s) {
    case CHK_OK: return 0;
    case CHK_UNKNOWN: return 1;
    case CHK_WARNING: return 2;
    case CHK_CRITICAL: return 3;
    default: return 1;
    }
}

int
chk_state_worst(int a, int b)
{
    return state_rank(a) >= state_rank(b) ? a : b;
}

static int
fail(char *err, size_t errlen, const char *text, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "invalid range '%s': %s", text, why);
    return -1;
}

int
vmon_range_parse(const char *text, struct vmon_range *r, char *err, size_t errlen)
{
    struct vmon_range tmp = { .start = 0, .end = 0 };
    const char *p = text;

    if (!text || !*text)
        return fail(err, errlen, text ? text : "", "empty (examples: 10, 10:, ~:10, 10:20, @10:20)");
    if (*p == '@') {
        tmp.inside = true;
        p++;
    }
    const char *colon = strchr(p, ':');
    if (colon && strchr(colon + 1, ':'))
        return fail(err, errlen, text, "more than one ':'");
    if (colon) {
        size_t slen = (size_t) (colon - p);

        if (slen == 1 && *p == '~')
            tmp.start_inf = true;
        else if (slen > 0 && vmon_cnum_parse(p, slen, &tmp.start) < 0)
            return fail(err, errlen, text, "the start is not a number or '~'");
        /* slen == 0: ":10" means "0:10", start stays 0 */
        const char *e = colon + 1;
        if (*e == '\0')
            tmp.end_inf = true;
        else if (vmon_cnum_parse(e, strlen(e), &tmp.end) < 0)
            return fail(err, errlen, text, "the end is not a number");
    } else {
        if (vmon_cnum_parse(p, strlen(p), &tmp.end) < 0)
            return fail(err, errlen, text, "not a number (examples: 10, 10:, ~:10, 10:20, @10:20)");
        /* "10" is 0..10; "-5" would be 0..-5, an empty range. */
        if (tmp.end < 0)
            return fail(err, errlen, text, "a bare number means 0..N and N is negative; "
                        "write the range as START:END");
    }
    if (!tmp.start_inf && !tmp.end_inf && tmp.start > tmp.end)
        return fail(err, errlen, text, "the start is greater than the end");
    *r = tmp;
    return 0;
}

bool
vmon_range_alert(const struct vmon_range *r, double value)
{
    bool within = (r->start_inf || value >= r->start) && (r->end_inf || value <= r->end);

    return r->inside ? within : !within;
}

int
vmon_range_format(const struct vmon_range *r, char *buf, size_t size)
{
    char s[400] = "", e[400] = "";
    /*
     * Numbers are written within +-VMON_CNUM_MAX: an end beyond it is
     * written as no end ("0:1e308" as "0:"), which is what it means for
     * every value a plugin can print.
     */
    bool end_inf = r->end_inf || r->end >= VMON_CNUM_MAX;
    bool start_inf = r->start_inf || r->start <= -VMON_CNUM_MAX;

    if (!end_inf && vmon_cnum_format(e, sizeof(e), r->end) < 0)
        return -1;
    if (start_inf)
        strcpy(s, "~");
    else if (vmon_cnum_format(s, sizeof(s), r->start) < 0)
        return -1;
    /* "0:N" is written "N", the form everybody reads; so is a start that
     * prints as 0 (-1e-17), or the text would not read back the same */
    if (strcmp(s, "0") == 0 && !end_inf)
        return snprintf(buf, size, "%s%s", r->inside ? "@" : "", e);
    return snprintf(buf, size, "%s%s:%s", r->inside ? "@" : "", s, e);
}

static int
set_one(bool *have, struct vmon_range *r, const char *text, const char *what,
        char *err, size_t errlen)
{
    char why[256];

    if (!text)
        return 0;
    if (!*text) {
        *have = false;
        return 0;
    }
    if (vmon_range_parse(text, r, why, sizeof(why)) < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s threshold: %s", what, why);
        return -1;
    }
    *have = true;
    return 0;
}

int
vmon_thresholds_set(struct vmon_thresholds *t, const char *warn, const char *crit,
                    char *err, size_t errlen)
{
    struct vmon_thresholds tmp = *t;

    if (set_one(&tmp.have_warn, &tmp.warn, warn, "warning", err, errlen) < 0 ||
        set_one(&tmp.have_crit, &tmp.crit, crit, "critical", err, errlen) < 0)
        return -1;
    *t = tmp;
    return 0;
}

bool
vmon_thresholds_any(const struct vmon_thresholds *t)
{
    return t->have_warn || t->have_crit;
}

int
vmon_thresholds_state(const struct vmon_thresholds *t, double value)
{
    if (t->have_crit && vmon_range_alert(&t->crit, value))
        return CHK_CRITICAL;
    if (t->have_warn && vmon_range_alert(&t->warn, value))
        return CHK_WARNING;
    return CHK_OK;
}
