#include "chk-select.h"

#include <stdio.h>
#include <string.h>

static bool
is_pattern(const char *s)
{
    return strpbrk(s, "*?[,") != NULL;
}

int
chk_select_option(struct chk_select *s, int opt, const char *arg, char *err, size_t errlen)
{
    if (opt == s->short_opt) {
        if (s->which) {
            snprintf(err, errlen, "%s given twice; name several %ss as a pattern list instead: %s",
                     s->option, s->noun, s->example);
            return -1;
        }
        s->which = arg;
        return 1;
    }
    switch (opt) {
    case CHK_OPT_SELECT_ALL:
        s->all = true;
        return 1;
    case CHK_OPT_SELECT_EXCLUDE:
        s->exclude = arg;
        return 1;
    case CHK_OPT_SELECT_STATE:
        s->state_text = arg;
        return 1;
    default:
        return 0;
    }
}

int
chk_select_validate(struct chk_select *s, char *err, size_t errlen)
{
    if (!s->which && !s->all) {
        snprintf(err, errlen, "which %s? give -%c with a name, UUID or pattern, or --all", s->noun,
                 s->short_opt);
        return -1;
    }
    if (s->which && s->all) {
        snprintf(err, errlen, "%s and --all exclude each other", s->option);
        return -1;
    }
    if (s->which && !*s->which) {
        snprintf(err, errlen, "%s needs a name, UUID or pattern", s->option);
        return -1;
    }
    s->named = s->which && !is_pattern(s->which);
    if (s->exclude && s->named) {
        snprintf(err, errlen, "--exclude needs --all or a pattern in -%c", s->short_opt);
        return -1;
    }
    return 0;
}

bool
chk_select_wants_perf(const struct chk_args *a, bool named, const struct chk_metric *cm)
{
    switch (a->perf) {
    case CHK_PERF_NONE: return false;
    case CHK_PERF_ALL: return true;
    default: return named || vmon_thresholds_any(&cm->th);
    }
}

int
chk_select_judge(const struct chk_metric *cm, double v, struct chk_buf *why)
{
    char text[128], range[128];
    int st = vmon_thresholds_state(&cm->th, v);

    chk_metric_format(cm, v, text, sizeof(text));
    if (st == CHK_OK) {
        chk_buf_printf(why, ", %s %s", cm->label, text);
        return st;
    }
    vmon_range_format(st == CHK_CRITICAL ? &cm->th.crit : &cm->th.warn, range, sizeof(range));
    chk_buf_printf(why, ", %s %s (%s %s)", cm->label, text,
                   st == CHK_CRITICAL ? "critical" : "warning", range);
    return st;
}

void
chk_tally_add(struct chk_tally *t, int state, const char *name)
{
    t->by_level[state]++;
    if (state != CHK_OK)
        chk_buf_printf(&t->names[state], "%s%s", t->names[state].len ? ", " : "", name);
}

void
chk_tally_summary(const struct chk_tally *t, struct chk_buf *s)
{
    static const int order[] = { CHK_CRITICAL, CHK_WARNING, CHK_UNKNOWN };

    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        if (t->by_level[order[k]])
            chk_buf_printf(s, "; %s: %s", chk_state_name(order[k]), chk_buf_str(&t->names[order[k]]));
}

void
chk_tally_clear(struct chk_tally *t)
{
    for (int st = 0; st < CHK_STATE__N; st++)
        chk_buf_clear(&t->names[st]);
}
