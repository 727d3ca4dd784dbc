/* vmon-complain: a trouble said once with a count and once at its end; a
 * burst of events summed up.  The clock is the test's. */
#include "vmon-complain.h"

#include <syslog.h>

#include "tap.h"
#include "vmon-complain-priv.h"

static double now = 1000;
static double test_clock(void) { return now; }

static char lines[64][1200];
static int nlines;

static void
collect(int priority, const char *line)
{
    (void) priority;
    if (nlines < 64)
        snprintf(lines[nlines], sizeof(lines[0]), "%s", line);
    nlines++;
}

static void
reset(void)
{
    nlines = 0;
    now += 1000;
}

/* libvirt lost for that many seconds, a failed poll each second, then back */
static void
outage(int seconds)
{
    struct vmon_complaint c = VMON_COMPLAINT_INIT;

    reset();
    for (int i = 0; i < seconds; i++, now += 1)
        vmon_complain(&c, collect, LOG_ERR, "libvirt lost: %s", "refused");
    vmon_complain_release(&c, collect, LOG_NOTICE, "libvirt back");
    vmon_complain_release(&c, collect, LOG_NOTICE, "libvirt back");     /* no second line */
}

DEF_TEST(an_outage_is_two_lines)
{
    outage(30);
    EXPECT_EQ_INT(2, nlines);
    EXPECT_STR("libvirt lost: refused", lines[0]);
    EXPECT_STR("libvirt back (after 30 s)", lines[1]);
}

DEF_TEST(a_long_outage_is_reminded_with_a_count)
{
    outage(150);
    /* at 0, at 60 (60 more since), at 120, then the end */
    EXPECT_EQ_INT(4, nlines);
    EXPECT_STR("libvirt lost: refused (still, 60 times in 60 s)", lines[1]);
    EXPECT_STR("libvirt back (after 150 s)", lines[3]);
}

DEF_TEST(flapping_is_summed_up)
{
    struct vmon_complaint c = VMON_COMPLAINT_INIT;

    reset();
    /* lost and back every 3 s for a minute and a half */
    for (int i = 0; i < 15; i++) {
        vmon_complain(&c, collect, LOG_ERR, "lost");
        now += 3;
        vmon_complain_release(&c, collect, LOG_NOTICE, "back");
        now += 3;
        vmon_complaint_tick(&c, collect, LOG_NOTICE);
    }
    /* two flaps in full, then nothing until a minute after the first:
     * the next loss says how often it came meanwhile; 4 lines a minute */
    static const char *const want[] = {
        "lost", "back (after 3 s)", "lost", "back (after 3 s)",
        "lost (9 times in the last 51 s)", "back (after 3 s)", "lost", "back (after 3 s)",
    };
    EXPECT_EQ_INT(8, nlines);
    for (int i = 0; i < 8; i++)
        EXPECT_STR(want[i], lines[i]);
    /* quiet from here: the end of the last flaps comes once, a minute on */
    for (int i = 0; i < 70; i++, now += 1)
        vmon_complaint_tick(&c, collect, LOG_NOTICE);
    EXPECT_EQ_INT(9, nlines);
    EXPECT_STR("back (that trouble came and went 3 times in the last 60 s)", lines[8]);
    /* that line closed the account: a new trouble is said at once */
    vmon_complain(&c, collect, LOG_ERR, "lost");
    EXPECT_EQ_INT(10, nlines);
    EXPECT_STR("lost", lines[9]);
}

DEF_TEST(a_burst_is_one_summary)
{
    struct vmon_burst b = VMON_BURST_INIT("lifecycle events");
    int shown = 0;

    reset();
    for (int i = 0; i < 1000; i++) {
        if (vmon_burst_add(&b, collect, LOG_INFO, i % 2 ? "undefined" : "defined"))
            shown++;
        now += 0.005;
    }
    EXPECT_EQ_INT(VMON_BURST_SHOWN, shown);
    EXPECT_EQ_INT(0, nlines);           /* the window is still open */
    now += 10;
    vmon_burst_tick(&b, collect, LOG_INFO);
    EXPECT_EQ_INT(1, nlines);
    EXPECT_STR("1000 lifecycle events in 5 s (5 logged one by one): 500 defined, 500 undefined",
               lines[0]);
    /* a quiet window later, single events are logged one by one again */
    now += 11;
    EXPECT(vmon_burst_add(&b, collect, LOG_INFO, "started"));
    now += 11;
    vmon_burst_tick(&b, collect, LOG_INFO);
    EXPECT_EQ_INT(1, nlines);
}

DEF_TEST(a_steady_stream_is_bounded)
{
    struct vmon_burst b = VMON_BURST_INIT("actions");
    int shown = 0;

    reset();
    /* 100 events a second for 10 minutes */
    for (int i = 0; i < 60000; i++) {
        if (vmon_burst_add(&b, collect, LOG_INFO, "suspend ok"))
            shown++;
        now += 0.01;
        vmon_burst_tick(&b, collect, LOG_INFO);
    }
    EXPECT_EQ_INT(VMON_BURST_SHOWN, shown);
    /* one summary per window */
    EXPECT_MSG(nlines >= 59 && nlines <= 61, "%d summaries in 10 minutes", nlines);
    EXPECT_STR("1000 actions in 10 s (0 logged one by one): 1000 suspend ok", lines[10]);
}

int
main(void)
{
    vmon_complain_clock = test_clock;
    RUN_TEST(an_outage_is_two_lines);
    RUN_TEST(a_long_outage_is_reminded_with_a_count);
    RUN_TEST(flapping_is_summed_up);
    RUN_TEST(a_burst_is_one_summary);
    RUN_TEST(a_steady_stream_is_bounded);
    return TAP_END();
}
