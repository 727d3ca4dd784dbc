/* vmon-catchup: the lifecycle events two snapshots around an outage imply. */
#include "tap.h"
#include "vmon-catchup.h"
#include "vmon-util.h"

#define MAX_SEEN 16
static struct vmon_event seen[MAX_SEEN];
static size_t nseen;
static void
record(void *opaque, const struct vmon_event *ev)
{
    (void) opaque;
    if (nseen < MAX_SEEN)
        seen[nseen++] = *ev;
}

/* One domain per call; tag makes name "dTAG" and the UUID all TAG. */
static void
add(struct vmon_snapshot *s, int tag, int state, int reason, int id, bool persistent)
{
    struct vmon_domain *d = vmon_snapshot_add_domain(s);
    char name[16];

    snprintf(name, sizeof(name), "d%d", tag);
    d->name = vmon_strdup(name);
    memset(d->uuid, tag, 16);
    snprintf(d->uuid_str, sizeof(d->uuid_str), "uuid-%d", tag);
    d->state = state;
    d->reason = reason;
    d->id = id;
    d->persistent = persistent;
}

static unsigned
run(const struct vmon_snapshot *a, const struct vmon_snapshot *b, const struct vmon_told *told)
{
    nseen = 0;
    return vmon_catchup_events(a, b, "inferred after reconnecting", told, record, NULL);
}

DEF_TEST(nothing_changed_nothing_emitted)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new();
    add(a, 1, VMON_STATE_RUNNING, 1, 3, true);
    add(b, 1, VMON_STATE_RUNNING, 1, 3, true);
    add(a, 2, VMON_STATE_SHUTOFF, 1, -1, true);
    add(b, 2, VMON_STATE_SHUTOFF, 2, -1, true);   /* a new reason alone is no event */
    EXPECT_EQ_U64(0, run(a, b, NULL));
    EXPECT_EQ_U64(0, run(NULL, b, NULL));
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(each_state_change_gives_its_event_and_detail)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new();
    add(a, 1, VMON_STATE_RUNNING, 1, 3, true);
    add(b, 1, VMON_STATE_SHUTOFF, 3, -1, true);     /* crashed -> stopped (crashed) */
    add(a, 2, VMON_STATE_RUNNING, 1, 4, true);
    add(b, 2, VMON_STATE_SHUTOFF, 8, -1, true);     /* daemon -> stopped (failed) */
    add(a, 3, VMON_STATE_SHUTOFF, 1, -1, true);
    add(b, 3, VMON_STATE_RUNNING, 1, 9, true);      /* booted -> started (booted) */
    add(a, 4, VMON_STATE_RUNNING, 1, 5, true);
    add(b, 4, VMON_STATE_PAUSED, 5, 5, true);       /* I/O error -> suspended (I/O error) */
    add(a, 5, VMON_STATE_PAUSED, 1, 6, true);
    add(b, 5, VMON_STATE_RUNNING, 5, 6, true);      /* -> resumed (unpaused) */
    add(a, 6, VMON_STATE_RUNNING, 1, 7, true);
    add(b, 6, VMON_STATE_CRASHED, 1, 7, true);      /* -> crashed (panicked) */
    EXPECT_EQ_U64(6, run(a, b, NULL));
    EXPECT_EQ_U64(6, nseen);
    static const struct { int event; const char *detail; int state; } want[] = {
        { VMON_LIFECYCLE_STOPPED, "crashed", VMON_STATE_SHUTOFF },
        { VMON_LIFECYCLE_STOPPED, "failed", VMON_STATE_SHUTOFF },
        { VMON_LIFECYCLE_STARTED, "booted", VMON_STATE_RUNNING },
        { VMON_LIFECYCLE_SUSPENDED, "I/O error", VMON_STATE_PAUSED },
        { VMON_LIFECYCLE_RESUMED, "unpaused", VMON_STATE_RUNNING },
        { VMON_LIFECYCLE_CRASHED, "panicked", VMON_STATE_CRASHED },
    };
    for (size_t i = 0; i < nseen && i < 6; i++) {
        EXPECT_EQ_U64(VMON_EVENT_LIFECYCLE, seen[i].type);
        EXPECT_EQ_U64(want[i].event, seen[i].event);
        EXPECT_STR(want[i].detail, vmon_lifecycle_detail_name(seen[i].event, seen[i].detail));
        EXPECT_EQ_U64(want[i].state, seen[i].state);
        EXPECT_EQ_U64(i + 1, seen[i].uuid[0]);
        EXPECT(strstr(seen[i].message, "inferred after reconnecting") != NULL);
    }
    EXPECT_STR("d1", seen[0].name);
    EXPECT_STR("uuid-1", seen[0].uuid_str);
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(appeared_vanished_and_restarted_domains)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new();
    add(b, 1, VMON_STATE_RUNNING, 1, 3, true);      /* new, persistent, running */
    add(b, 2, VMON_STATE_RUNNING, 1, 4, false);     /* new transient */
    add(a, 3, VMON_STATE_SHUTOFF, 1, -1, true);     /* undefined */
    add(a, 4, VMON_STATE_RUNNING, 1, 8, false);     /* transient, gone */
    add(a, 5, VMON_STATE_RUNNING, 1, 10, true);
    add(b, 5, VMON_STATE_RUNNING, 1, 11, true);     /* new id: ran again */
    EXPECT_EQ_U64(6, run(a, b, NULL));
    EXPECT_EQ_U64(VMON_LIFECYCLE_DEFINED, seen[0].event);
    EXPECT_EQ_U64(1, seen[0].uuid[0]);
    EXPECT_EQ_U64(VMON_LIFECYCLE_STARTED, seen[1].event);
    EXPECT_EQ_U64(1, seen[1].uuid[0]);
    EXPECT_EQ_U64(VMON_LIFECYCLE_STARTED, seen[2].event);
    EXPECT_EQ_U64(2, seen[2].uuid[0]);
    EXPECT_EQ_U64(VMON_LIFECYCLE_STARTED, seen[3].event);
    EXPECT_EQ_U64(5, seen[3].uuid[0]);
    EXPECT_EQ_U64(VMON_LIFECYCLE_UNDEFINED, seen[4].event);
    EXPECT_EQ_U64(3, seen[4].uuid[0]);
    EXPECT_STR("d3", seen[4].name);
    EXPECT_EQ_U64(VMON_LIFECYCLE_STOPPED, seen[5].event);
    EXPECT_EQ_U64(4, seen[5].uuid[0]);
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(paused_on_the_way_up_or_down_is_no_event)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new(),
                         *c = vmon_snapshot_new();
    add(a, 1, VMON_STATE_SHUTOFF, 1, -1, true);
    add(b, 1, VMON_STATE_PAUSED, 11, 5, true);      /* QEMU starting up */
    add(c, 1, VMON_STATE_RUNNING, 1, 5, true);
    add(a, 2, VMON_STATE_RUNNING, 1, 6, true);
    add(b, 2, VMON_STATE_PAUSED, 8, 6, true);       /* shutting down */
    add(c, 2, VMON_STATE_SHUTOFF, 1, -1, true);
    EXPECT_EQ_U64(0, run(a, b, NULL));
    EXPECT_EQ_U64(2, run(b, c, NULL));
    EXPECT_EQ_U64(VMON_LIFECYCLE_STARTED, seen[0].event);
    EXPECT_EQ_U64(VMON_LIFECYCLE_STOPPED, seen[1].event);
    EXPECT_STR("shutdown", vmon_lifecycle_detail_name(seen[1].event, seen[1].detail));
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
    vmon_snapshot_unref(c);
}

DEF_TEST(domains_with_a_real_event_are_skipped)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new();
    add(a, 1, VMON_STATE_RUNNING, 1, 3, true);
    add(b, 1, VMON_STATE_PAUSED, 1, 3, true);
    add(a, 2, VMON_STATE_RUNNING, 1, 4, true);
    add(b, 2, VMON_STATE_PAUSED, 1, 4, true);
    add(a, 3, VMON_STATE_SHUTOFF, 1, -1, true);     /* vanished, but libvirt told us */
    struct vmon_told told = { 0 };
    unsigned char uuid[16];
    memset(uuid, 1, 16);
    vmon_told_add(&told, uuid);
    EXPECT_EQ_U64(2, run(a, b, &told));
    EXPECT_EQ_U64(2, seen[0].uuid[0]);
    EXPECT_EQ_U64(3, seen[1].uuid[0]);
    vmon_told_clear(&told);
    memset(uuid, 3, 16);
    vmon_told_add(&told, uuid);
    EXPECT_EQ_U64(2, run(a, b, &told));
    EXPECT_EQ_U64(1, seen[0].uuid[0]);
    EXPECT_EQ_U64(2, seen[1].uuid[0]);
    vmon_told_free(&told);
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

/* A snapshot taken at 100 keeps the events told at 100 and later. */
DEF_TEST(told_forgets_only_what_a_snapshot_includes)
{
    struct vmon_told told = { 0 };
    unsigned char uuid[16];
    for (int i = 1; i <= 3; i++) {
        memset(uuid, i, 16);
        vmon_told_add_at(&told, uuid, 98 + i);
    }
    vmon_told_forget_before(&told, 100);
    EXPECT_EQ_U64(2, told.n);
    EXPECT_EQ_U64(2, told.uuid[0][0]);
    EXPECT_EQ_U64(3, told.uuid[1][0]);
    EXPECT_EQ_U64(101, (uint64_t) told.when[1]);
    vmon_told_forget_before(&told, 102);
    EXPECT_EQ_U64(0, told.n);
    vmon_told_free(&told);
}

int
main(void)
{
    RUN_TEST(nothing_changed_nothing_emitted);
    RUN_TEST(each_state_change_gives_its_event_and_detail);
    RUN_TEST(appeared_vanished_and_restarted_domains);
    RUN_TEST(paused_on_the_way_up_or_down_is_no_event);
    RUN_TEST(domains_with_a_real_event_are_skipped);
    RUN_TEST(told_forgets_only_what_a_snapshot_includes);
    return TAP_END();
}
