/*
 * Range syntax and evaluation against the Monitoring Plugins guidelines'
 * table, with every endpoint probed at, just below and just above itself
 * (nextafter), because the guidelines make endpoints inclusive and an
 * off-by-one there is the classic threshold bug.
 */
#include <locale.h>
#include <math.h>

#include "tap.h"
#include "vmon-range.h"

/* Alert expected at value? for the range text */
static void
expect_alert(const char *text, double value, bool alert)
{
    struct vmon_range r;
    char err[256] = "";

    if (vmon_range_parse(text, &r, err, sizeof(err)) < 0) {
        EXPECT_MSG(0, "'%s' should parse: %s", text, err);
        return;
    }
    EXPECT_MSG(vmon_range_alert(&r, value) == alert, "'%s' at %.17g -> %s", text, value,
               alert ? "alert" : "no alert");
}

/* The three probes around an edge: just below, at, just above. */
static void
expect_edge(const char *text, double edge, bool below, bool at, bool above)
{
    expect_alert(text, nextafter(edge, -INFINITY), below);
    expect_alert(text, edge, at);
    expect_alert(text, nextafter(edge, INFINITY), above);
}

static void
expect_bad(const char *text, const char *fragment)
{
    struct vmon_range r;
    char err[256] = "";
    int rc = vmon_range_parse(text, &r, err, sizeof(err));

    EXPECT_MSG(rc == -1, "'%s' is refused (rc %d)", text, rc);
    /* The message must quote the text the user gave, whole. */
    char quoted[300];
    snprintf(quoted, sizeof(quoted), "'%s'", text);
    EXPECT_MSG(strstr(err, quoted) != NULL, "message quotes the text: %s", err);
    if (fragment)
        EXPECT_MSG(strstr(err, fragment) != NULL, "message says '%s': %s", fragment, err);
}

DEF_TEST(plain_number)
{
    /* "10": outside 0..10 */
    expect_edge("10", 0, true, false, false);
    expect_edge("10", 10, false, false, true);
    expect_alert("10", 5, false);
    expect_alert("10", -1, true);
    expect_alert("10", 11, true);
    expect_alert("10", 1e300, true);
    /* "0": only exactly 0 is fine */
    expect_edge("0", 0, true, false, true);
}

DEF_TEST(start_only)
{
    /* "10:": outside 10..inf */
    expect_edge("10:", 10, true, false, false);
    expect_alert("10:", 1e300, false);
    expect_alert("10:", -1e300, true);
    expect_edge("-5:", -5, true, false, false);
}

DEF_TEST(tilde)
{
    /* "~:10": outside -inf..10 */
    expect_edge("~:10", 10, false, false, true);
    expect_alert("~:10", -1e300, false);
    expect_edge("~:-2.5", -2.5, false, false, true);
    /* "~:": everything is inside: never alerts */
    expect_alert("~:", -1e300, false);
    expect_alert("~:", 1e300, false);
}

DEF_TEST(start_end)
{
    /* "10:20": outside 10..20 */
    expect_edge("10:20", 10, true, false, false);
    expect_edge("10:20", 20, false, false, true);
    expect_alert("10:20", 15, false);
    /* A single point */
    expect_edge("5:5", 5, true, false, true);
    /* Doubles and negative starts */
    expect_edge("0.5:1.25", 0.5, true, false, false);
    expect_edge("0.5:1.25", 1.25, false, false, true);
    expect_edge("-10:-5", -10, true, false, false);
    expect_edge("-10:-5", -5, false, false, true);
    /* ":10" is 0:10 as in the reference library */
    expect_edge(":10", 0, true, false, false);
    expect_edge(":10", 10, false, false, true);
    /* exponents are numbers too */
    expect_edge("1e3", 1000, false, false, true);
}

DEF_TEST(inside)
{
    /* "@10:20": alert inside 10..20, endpoints included */
    expect_edge("@10:20", 10, false, true, true);
    expect_edge("@10:20", 20, true, true, false);
    expect_alert("@10:20", 0, false);
    expect_alert("@10:20", 30, false);
    /* "@10": inside 0..10 */
    expect_edge("@10", 0, false, true, true);
    expect_edge("@10", 10, true, true, false);
    /* "@~:5": alert at 5 and below */
    expect_edge("@~:5", 5, true, true, false);
    /* "@5:": alert at 5 and above */
    expect_edge("@5:", 5, false, true, true);
    /* "@0:0": alert at exactly 0 (e.g. "no domain running") */
    expect_edge("@0:0", 0, false, true, false);
}

DEF_TEST(bad_syntax)
{
    expect_bad("", "empty");
    expect_bad("abc", "not a number");
    expect_bad("10:5", "start is greater than the end");
    expect_bad("@20:10", "start is greater than the end");
    expect_bad("1,5", "not a number");
    expect_bad("10:20:30", "more than one ':'");
    expect_bad("~", NULL);
    expect_bad("~10", NULL);
    expect_bad("x:10", "start");
    expect_bad("10:x", "end");
    expect_bad("10 ", NULL);
    expect_bad(" 10", NULL);
    expect_bad("@", NULL);
    expect_bad("@@10", NULL);
    expect_bad("0x10", NULL);
    expect_bad("inf", NULL);
    expect_bad("nan", NULL);
    expect_bad("1e", NULL);
    expect_bad("-5", "negative");
    expect_bad(".", NULL);
    expect_bad("10%", NULL);
}

DEF_TEST(format_canonical)
{
    static const struct { const char *in, *out; } cases[] = {
        { "10", "10" }, { "0:10", "10" }, { ":10", "10" }, { "10:", "10:" },
        { "~:10", "~:10" }, { "10:20", "10:20" }, { "@10:20", "@10:20" },
        { "@10", "@10" }, { "1.50:2.25", "1.5:2.25" }, { "1e3:", "1000:" },
        { "~:", "~:" }, { "-1:1", "-1:1" }, { "+5", "5" },
        /* numbers are written within +-1e18 (VMON_CNUM_MAX): an end beyond is no end */
        { "1.79e308", "0:" }, { "-1.79e308:5", "~:5" }, { "@-1e300:1e300", "@~:" },
        { "1e18", "0:" }, { "999999999999999872", "999999999999999872" },
        /* a start that prints as 0 is the bare form (found by fuzz/range) */
        { "-1e-17:8", "8" }, { "0.0000001:8", "8" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vmon_range r;
        char buf[64] = "";

        EXPECT(vmon_range_parse(cases[i].in, &r, NULL, 0) == 0);
        vmon_range_format(&r, buf, sizeof(buf));
        EXPECT_STR(cases[i].out, buf);
    }
}

DEF_TEST(thresholds)
{
    struct vmon_thresholds t = { 0 };
    char err[256] = "";

    EXPECT_EQ_INT(CHK_OK, vmon_thresholds_state(&t, 1e9));
    EXPECT(!vmon_thresholds_any(&t));
    EXPECT_EQ_INT(0, vmon_thresholds_set(&t, "80", "90", err, sizeof(err)));
    EXPECT(vmon_thresholds_any(&t));
    EXPECT_EQ_INT(CHK_OK, vmon_thresholds_state(&t, 80));
    EXPECT_EQ_INT(CHK_WARNING, vmon_thresholds_state(&t, nextafter(80, 100)));
    EXPECT_EQ_INT(CHK_WARNING, vmon_thresholds_state(&t, 90));
    EXPECT_EQ_INT(CHK_CRITICAL, vmon_thresholds_state(&t, nextafter(90, 100)));
    /* below 0 is outside both: critical wins */
    EXPECT_EQ_INT(CHK_CRITICAL, vmon_thresholds_state(&t, -1));

    /* Set only the critical range; the warning one stays. */
    EXPECT_EQ_INT(0, vmon_thresholds_set(&t, NULL, "@95:", err, sizeof(err)));
    EXPECT_EQ_INT(CHK_WARNING, vmon_thresholds_state(&t, 94));
    EXPECT_EQ_INT(CHK_CRITICAL, vmon_thresholds_state(&t, 95));
    /* "" clears one */
    EXPECT_EQ_INT(0, vmon_thresholds_set(&t, "", NULL, err, sizeof(err)));
    EXPECT_EQ_INT(CHK_OK, vmon_thresholds_state(&t, 94));

    /* A bad one changes nothing and names which threshold. */
    struct vmon_thresholds before = t;
    EXPECT_EQ_INT(-1, vmon_thresholds_set(&t, "5", "bad", err, sizeof(err)));
    EXPECT(strstr(err, "critical") != NULL && strstr(err, "'bad'") != NULL);
    EXPECT(memcmp(&before, &t, sizeof(t)) == 0);
}

DEF_TEST(states)
{
    EXPECT_STR("OK", chk_state_name(0));
    EXPECT_STR("CRITICAL", chk_state_name(2));
    EXPECT_STR("UNKNOWN", chk_state_name(42));
    EXPECT_EQ_INT(CHK_WARNING, chk_state_from_name("warning"));
    EXPECT_EQ_INT(CHK_CRITICAL, chk_state_from_name("CRIT"));
    EXPECT_EQ_INT(CHK_UNKNOWN, chk_state_from_name("3"));
    EXPECT_EQ_INT(-1, chk_state_from_name("bad"));
    EXPECT_EQ_INT(CHK_CRITICAL, chk_state_worst(CHK_WARNING, CHK_CRITICAL));
    EXPECT_EQ_INT(CHK_WARNING, chk_state_worst(CHK_UNKNOWN, CHK_WARNING));
    EXPECT_EQ_INT(CHK_UNKNOWN, chk_state_worst(CHK_OK, CHK_UNKNOWN));
    EXPECT_EQ_INT(CHK_OK, chk_state_worst(CHK_OK, CHK_OK));
}

/* A German admin's LC_NUMERIC must not change what "1.5" means (see main). */
DEF_TEST(locale_independent)
{
    expect_edge("1.5:2.5", 1.5, true, false, false);
    expect_bad("1,5", NULL);
    struct vmon_range r;
    char buf[64];
    vmon_range_parse("@0.25:", &r, NULL, 0);
    vmon_range_format(&r, buf, sizeof(buf));
    EXPECT_STR("@0.25:", buf);
}

int
main(void)
{
    /* Everything below runs under de_DE when this machine can. */
    if (tap_comma_locale() < 0)
        return TAP_EXIT_HARD;
    RUN_TEST(plain_number);
    RUN_TEST(start_only);
    RUN_TEST(tilde);
    RUN_TEST(start_end);
    RUN_TEST(inside);
    RUN_TEST(bad_syntax);
    RUN_TEST(format_canonical);
    RUN_TEST(thresholds);
    RUN_TEST(states);
    RUN_TEST(locale_independent);
    return TAP_END();
}
