/*
 * Perfdata formatting: exact strings for the common cases, and a round
 * trip through a parser written from the guidelines' grammar for the odd
 * labels (quotes, '=', spaces, UTF-8, control characters), so that
 * "valid" means "a reader gets back what we meant", not "we printed what
 * we printed".
 */
#include <float.h>
#include <locale.h>
#include <stdint.h>

#include "tap.h"
#include "vmon-cnum.h"
#include "vmon-perfdata.h"

/*
 * One item of perfdata, parsed as the guidelines describe it:
 * label (optionally in single quotes, '' for a quote) '=' value [UOM]
 * then up to four ';'-separated fields.  Returns the position after the
 * item, or NULL when it does not parse.
 */
struct parsed {
    char label[512];
    char value[128];
    char uom[8];
    char field[4][128];
    int nfields;
};

static const char *
parse_item(const char *p, struct parsed *out)
{
    size_t n = 0;

    memset(out, 0, sizeof(*out));
    if (*p == '\'') {
        p++;
        for (;;) {
            if (!*p)
                return NULL;
            if (*p == '\'') {
                if (p[1] == '\'') {
                    out->label[n++] = '\'';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            out->label[n++] = *p++;
        }
    } else {
        while (*p && *p != '=' && *p != ' ')
            out->label[n++] = *p++;
    }
    if (*p++ != '=' || n == 0)
        return NULL;
    n = 0;
    while (*p && (strchr("-0123456789.", *p)))
        out->value[n++] = *p++;
    if (n == 0)
        return NULL;
    n = 0;
    while (*p && *p != ';' && *p != ' ')
        out->uom[n++] = *p++;
    while (*p == ';' && out->nfields < 4) {
        p++;
        n = 0;
        while (*p && *p != ';' && *p != ' ')
            out->field[out->nfields][n++] = *p++;
        out->nfields++;
    }
    if (*p && *p != ' ')
        return NULL;
    return *p ? p + 1 : p;
}

static struct vmon_perfdata one_pd;

/* The text of p alone; valid until the next call. */
static const char *
one(const struct vmon_perf *p)
{
    vmon_perfdata_clear(&one_pd);
    if (vmon_perfdata_add(&one_pd, p) < 0)
        return "(refused)";
    return vmon_perfdata_text(&one_pd);
}

DEF_TEST(basic)
{
    struct vmon_thresholds th = { 0 };

    EXPECT_STR("'cpu'=12.5%", one(&(struct vmon_perf) { .label = "cpu", .value = 12.5,
                                                          .uom = VMON_UOM_PERCENT }));
    vmon_thresholds_set(&th, "80", "90", NULL, 0);
    EXPECT_STR("'cpu'=12.5%;80;90;0;100",
                  one(&(struct vmon_perf) { .label = "cpu", .value = 12.5, .uom = VMON_UOM_PERCENT,
                                            .th = &th, .have_min = true, .min = 0,
                                            .have_max = true, .max = 100 }));
    /* Only a critical range: the warning field stays, empty. */
    vmon_thresholds_set(&th, "", "@10:20", NULL, 0);
    EXPECT_STR("'x'=3;;@10:20", one(&(struct vmon_perf) { .label = "x", .value = 3, .th = &th }));
    /* min without max; no thresholds */
    EXPECT_STR("'mem'=1048576B;;;0",
                  one(&(struct vmon_perf) { .label = "mem", .value = 1048576, .uom = VMON_UOM_B,
                                            .have_min = true }));
    /* Every range form survives into perfdata canonically. */
    vmon_thresholds_set(&th, "~:10", "10:", NULL, 0);
    EXPECT_STR("'r'=1;~:10;10:", one(&(struct vmon_perf) { .label = "r", .value = 1, .th = &th }));
}

DEF_TEST(numbers)
{
    EXPECT_STR("'a'=0", one(&(struct vmon_perf) { .label = "a", .value = -0.0 }));
    EXPECT_STR("'a'=0", one(&(struct vmon_perf) { .label = "a", .value = -1e-9 }));
    EXPECT_STR("'a'=-2.25", one(&(struct vmon_perf) { .label = "a", .value = -2.25 }));
    EXPECT_STR("'a'=0.000001", one(&(struct vmon_perf) { .label = "a", .value = 1e-6 }));
    /* no exponent even for large values, and no more than 19 digits: beyond
     * VMON_CNUM_MAX (1e18) a number is written as 1e18 */
    EXPECT_STR("'a'=999999999999999872",
                  one(&(struct vmon_perf) { .label = "a", .value = 999999999999999872.0 }));
    EXPECT_STR("'a'=1000000000000000000",
                  one(&(struct vmon_perf) { .label = "a", .value = 1e21 }));
    EXPECT_STR("'a'=-1000000000000000000;;;-1000000000000000000;1000000000000000000",
                  one(&(struct vmon_perf) { .label = "a", .value = -1.79e308, .have_min = true,
                                            .min = -DBL_MAX, .have_max = true, .max = DBL_MAX }));
    /* a threshold of 1.79e308 (-c 1.79e308): its end is no end for any
     * printable value, and is written so, not as a 309-digit number */
    struct vmon_thresholds th = { 0 };
    EXPECT(vmon_thresholds_set(&th, "1.79e308", "-1e300:1.79e308", NULL, 0) == 0);
    EXPECT_STR("'a'=5;0:;~:", one(&(struct vmon_perf) { .label = "a", .value = 5, .th = &th }));
    EXPECT(vmon_thresholds_set(&th, "@2e18:", "~:-5e300", NULL, 0) == 0);
    EXPECT_STR("'a'=5;@1000000000000000000:;~:-1000000000000000000",
               one(&(struct vmon_perf) { .label = "a", .value = 5, .th = &th }));
    /* counters past 2^53 are printed exactly */
    EXPECT_STR("'t'=18446744073709551615c",
                  one(&(struct vmon_perf) { .label = "t", .exact = true,
                                            .exact_value = UINT64_MAX, .uom = VMON_UOM_COUNTER }));
    EXPECT_STR("'t'=9007199254740993c",
                  one(&(struct vmon_perf) { .label = "t", .exact = true,
                                            .exact_value = 9007199254740993ull,
                                            .uom = VMON_UOM_COUNTER }));
    /* Not finite or no label: refused, nothing appended */
    EXPECT_STR("(refused)", one(&(struct vmon_perf) { .label = "a", .value = NAN }));
    EXPECT_STR("(refused)", one(&(struct vmon_perf) { .label = "a", .value = INFINITY }));
    EXPECT_STR("(refused)", one(&(struct vmon_perf) { .label = "", .value = 1 }));
    EXPECT_STR("(refused)", one(&(struct vmon_perf) { .label = "a", .value = 1,
                                                         .have_max = true, .max = NAN }));

    char buf[64];
    vmon_cnum_format(buf, sizeof(buf), 1234.5);
    EXPECT_STR("1234.5", buf);
    double d = 0;
    EXPECT_EQ_INT(0, vmon_cnum_parse("-1.5e2", 6, &d));
    EXPECT_EQ_DBL(-150, d, 0);
    EXPECT_EQ_INT(-1, vmon_cnum_parse("1,5", 3, &d));
    EXPECT_EQ_INT(-1, vmon_cnum_parse("1e999", 5, &d));
}

DEF_TEST(uoms)
{
    static const char *const ok[] = { "", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c" };
    static const char *const bad[] = { "B/s", "GB", "kb", "b", "bps", "MiB", "ns", "%s" };
    enum vmon_uom u;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        EXPECT_MSG(vmon_uom_parse(ok[i], &u) == 0, "'%s' is a guidelines UOM", ok[i]);
        EXPECT_STR(ok[i], vmon_uom_name(u));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_MSG(vmon_uom_parse(bad[i], &u) == -1, "'%s' is refused", bad[i]);
}

/* Odd domain names: what a parser reads back must be what we meant. */
DEF_TEST(odd_labels)
{
    static const struct { const char *prefix, *label, *expect_text, *expect_label; } cases[] = {
        { NULL, "cpu", "'cpu'=1", "cpu" },
        { "web 01", "cpu", "'web 01::cpu'=1", "web 01::cpu" },
        { "it's", "cpu", "'it''s::cpu'=1", "it's::cpu" },
        { "''", "cpu", "'''''::cpu'=1", "''::cpu" },
        { "a=b", "cpu", "'a=b::cpu'=1", "a=b::cpu" },
        { "x;y|z", "cpu", "'x;y|z::cpu'=1", "x;y|z::cpu" },
        { "dom\xc3\xa4ne-\xe6\x97\xa5\xe6\x9c\xac", "cpu",
          "'dom\xc3\xa4ne-\xe6\x97\xa5\xe6\x9c\xac::cpu'=1", "dom\xc3\xa4ne-\xe6\x97\xa5\xe6\x9c\xac::cpu" },
        { "new\nline\ttab", "cpu", "'new_line_tab::cpu'=1", "new_line_tab::cpu" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = one(&(struct vmon_perf) { .prefix = cases[i].prefix,
                                                     .label = cases[i].label, .value = 1 });
        EXPECT_STR(cases[i].expect_text, text);
        struct parsed p;
        const char *rest = parse_item(text, &p);
        EXPECT_MSG(rest && *rest == '\0', "'%s' parses as one item", text);
        EXPECT_STR(cases[i].expect_label, p.label);
        EXPECT_STR("1", p.value);
    }
}

/* Several items: space separated, each parses, count kept. */
DEF_TEST(list)
{
    struct vmon_perfdata pd;
    struct vmon_thresholds th = { 0 };
    struct parsed p;

    vmon_perfdata_init(&pd);
    EXPECT_STR("", vmon_perfdata_text(&pd));
    vmon_thresholds_set(&th, "1.5:", "@0:1", NULL, 0);
    vmon_perfdata_add(&pd, &(struct vmon_perf) { .prefix = "my vm", .label = "cpu", .value = 0.5,
                                                 .uom = VMON_UOM_PERCENT, .th = &th });
    vmon_perfdata_add(&pd, &(struct vmon_perf) { .prefix = "my vm", .label = "disk_read_bytes_per_s",
                                                 .value = 4096 });
    vmon_perfdata_add(&pd, &(struct vmon_perf) { .label = "bad", .value = NAN });
    vmon_perfdata_add(&pd, &(struct vmon_perf) { .label = "cpu_time", .exact = true,
                                                 .exact_value = 42, .uom = VMON_UOM_COUNTER });
    EXPECT_EQ_INT(3, pd.count);
    const char *s = vmon_perfdata_text(&pd);
    EXPECT_STR("'my vm::cpu'=0.5%;1.5:;@1 'my vm::disk_read_bytes_per_s'=4096 'cpu_time'=42c", s);
    s = parse_item(s, &p);
    EXPECT(s != NULL);
    EXPECT_STR("my vm::cpu", p.label);
    EXPECT_STR("%", p.uom);
    EXPECT_EQ_INT(2, p.nfields);
    EXPECT_STR("1.5:", p.field[0]);
    s = s ? parse_item(s, &p) : NULL;
    EXPECT(s != NULL);
    EXPECT_STR("my vm::disk_read_bytes_per_s", p.label);
    s = s ? parse_item(s, &p) : NULL;
    EXPECT(s != NULL && *s == '\0');
    EXPECT_STR("c", p.uom);
    vmon_perfdata_clear(&pd);
    EXPECT_STR("", vmon_perfdata_text(&pd));
}

/* Truncation never overruns and still reports the full length. */
DEF_TEST(quote_truncation)
{
    char small[6];
    size_t need = vmon_perfdata_quote_label(small, sizeof(small), "it's", "cpu");

    EXPECT_EQ_INT(strlen("'it''s::cpu'"), need);
    EXPECT_STR("'it''", small);
    EXPECT_EQ_INT(need, vmon_perfdata_quote_label(NULL, 0, "it's", "cpu"));
}

DEF_TEST(locale)
{
    /* main() switched to de_DE where available; the dot must stay. */
    EXPECT_STR("'a'=1.5;0.5:;~:2.5", one(&(struct vmon_perf) {
        .label = "a", .value = 1.5,
        .th = &(struct vmon_thresholds) { .have_warn = true, .have_crit = true,
                                          .warn = { .start = 0.5, .end_inf = true },
                                          .crit = { .start_inf = true, .end = 2.5 } } }));
}

int
main(void)
{
    if (tap_comma_locale() < 0)
        return TAP_EXIT_HARD;
    RUN_TEST(basic);
    RUN_TEST(numbers);
    RUN_TEST(uoms);
    RUN_TEST(odd_labels);
    RUN_TEST(list);
    RUN_TEST(quote_truncation);
    RUN_TEST(locale);
    vmon_perfdata_clear(&one_pd);
    return TAP_END();
}
