/*
 * Which objects a check looks at, the same way in every check that takes
 * several (domains, storage pools): one by exact name or UUID (-d NAME),
 * several by shell glob or comma list (-d 'web*,db1'), or --all, less
 * --exclude; and --state, the policy text the check parses itself.
 */
#ifndef CHK_SELECT_H
#define CHK_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "chk-args.h"
#include "chk-buf.h"

enum {
    CHK_OPT_SELECT_ALL = CHK_OPT_OWN,
    CHK_OPT_SELECT_EXCLUDE,
    CHK_OPT_SELECT_STATE,
    CHK_OPT_SELECT__END,          /* a check's other own options start here */
};

#define CHK_SELECT_LONG_OPTIONS \
    { "all", no_argument, NULL, CHK_OPT_SELECT_ALL }, \
    { "exclude", required_argument, NULL, CHK_OPT_SELECT_EXCLUDE }, \
    { "state", required_argument, NULL, CHK_OPT_SELECT_STATE }

struct chk_select {
    const char *noun;             /* "domain" */
    int short_opt;                /* 'd' */
    const char *option;           /* "-d/--domain" */
    const char *example;          /* "-d 'web*,db1'" */
    const char *which;            /* the short option's argument */
    bool all;
    const char *exclude;
    const char *state_text;
    bool named;                   /* one object by exact name or UUID (after validate) */
};

/* A selection option: 1 handled, -1 with err on a bad use, 0 not one of them. */
int chk_select_option(struct chk_select *s, int opt, const char *arg, char *err, size_t errlen);
/* After parsing: what was asked makes sense; sets named.  0, or -1 with err. */
int chk_select_validate(struct chk_select *s, char *err, size_t errlen);
/* Whether cm goes into the perfdata: --perfdata, else a named object's all, else thresholds'. */
bool chk_select_wants_perf(const struct chk_args *a, bool named, const struct chk_metric *cm);

/*
 * v of cm against its thresholds: ", LABEL TEXT" into why, with
 * " (critical RANGE)" or " (warning RANGE)" when it alarms; its state.
 */
int chk_select_judge(const struct chk_metric *cm, double v, struct chk_buf *why);

/* Several objects' verdicts, for the summary's "; CRITICAL: a, b; WARNING: c". */
struct chk_tally {
    unsigned by_level[CHK_STATE__N];
    struct chk_buf names[CHK_STATE__N];
};
void chk_tally_add(struct chk_tally *t, int state, const char *name);
/* Append "; CRITICAL: ..., ; WARNING: ..., ; UNKNOWN: ..." for the states seen to s. */
void chk_tally_summary(const struct chk_tally *t, struct chk_buf *s);
void chk_tally_clear(struct chk_tally *t);

#endif
