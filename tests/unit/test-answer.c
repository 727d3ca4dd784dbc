/*
 * vmon-answer: busy or hung over polls, the last good figures carried with
 * their age, and a reconnect that starts every guest's clock again; then
 * the state through the wire, including from an older writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vmon-answer.h"
#include "vmon-rates.h"
#include "vmon-util.h"
#include "vmon-wire.h"

#define LIMIT 30.0
#define ALL_GROUPS (VMON_GROUP_CPU | VMON_GROUP_BALLOON | VMON_GROUP_VCPU | VMON_GROUP_BLOCK | \
                    VMON_GROUP_NET)

/* A running guest (id 7) as one poll at wall time t saw it: with figures unless skipped. */
static struct vmon_snapshot *
poll_at(time_t t, bool skipped, int id)
{
    struct vmon_snapshot *s = vmon_snapshot_new();
    struct vmon_domain *d = vmon_snapshot_add_domain(s);

    s->taken = (double) t;
    s->taken_wall = t;
    d->name = vmon_strdup("web1");
    memset(d->uuid, 0x11, 16);
    strcpy(d->uuid_str, "11111111-1111-1111-1111-111111111111");
    d->id = id;
    d->state = VMON_STATE_RUNNING;
    if (skipped) {
        d->partial_groups = ALL_GROUPS;
        d->partial = true;
        return s;
    }
    vmon_value_set(&d->m[VMON_DOM_CPU_TIME], (uint64_t) t * 1000000000u);
    vmon_value_set(&d->m[VMON_DOM_MEM_CURRENT], 32768);
    vmon_value_set(&vmon_domain_add_disk(d, "vda")->m[VMON_DISK_RD_BYTES], (uint64_t) t * 512);
    return s;
}

/* The poller's order: rates against the previous snapshot, then the verdict against the last good. */
static struct vmon_snapshot *
next(struct vmon_snapshot *prev, time_t t, bool skipped, int id, time_t counting_from, double limit)
{
    struct vmon_snapshot *s = poll_at(t, skipped, id);

    vmon_rates_compute(s, prev);
    vmon_answer_snapshot(s, prev, counting_from, limit);
    vmon_snapshot_unref(prev);
    return s;
}

DEF_TEST(busy_then_not_answering)
{
    struct vmon_snapshot *s = next(NULL, 80, false, 7, 80, LIMIT);
    s = next(s, 90, false, 7, 80, LIMIT);
    const struct vmon_domain *d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWERING, d->answering);
    EXPECT_EQ_U64(90, (uint64_t) d->figures_time);
    EXPECT_EQ_U64(0, (uint64_t) d->unanswered_since);
    EXPECT_EQ_U64(0, d->m[VMON_DOM_FIGURES_AGE].u);
    EXPECT(vmon_value_has_rate(&d->m[VMON_DOM_CPU_TIME]));
    EXPECT_EQ_DBL(1e9, d->m[VMON_DOM_CPU_TIME].d, 1);

    /* skipped: busy, judged on the figures of t=90, which say their age */
    s = next(s, 100, true, 7, 80, LIMIT);
    d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, d->answering);
    EXPECT_EQ_U64(90, (uint64_t) d->figures_time);
    EXPECT_EQ_U64(90, (uint64_t) d->unanswered_since);
    EXPECT_EQ_U64(VMON_ANSWER_BUSY, d->m[VMON_DOM_ANSWERING].u);
    EXPECT_EQ_U64(10, d->m[VMON_DOM_FIGURES_AGE].u);
    EXPECT_EQ_U64(90000000000u, d->m[VMON_DOM_CPU_TIME].u);
    EXPECT(d->m[VMON_DOM_CPU_TIME].have & VMON_HAVE_STALE);
    EXPECT(vmon_value_has_rate(&d->m[VMON_DOM_CPU_TIME]));   /* its own time's rate */
    EXPECT_EQ_DBL(1e9, d->m[VMON_DOM_CPU_TIME].d, 1);
    EXPECT_EQ_U64(1, d->ndisks);
    EXPECT(d->ndisks == 1 && d->disks[0].m[VMON_DISK_RD_BYTES].u == 90 * 512 &&
           (d->disks[0].m[VMON_DISK_RD_BYTES].have & VMON_HAVE_STALE));
    char text[160];
    EXPECT_STR("busy, figures 10 s old", vmon_answer_describe(d, 100, text, sizeof(text)));

    /* 29 s without figures: still busy; 30 s: not answering since t=90 */
    s = next(s, 119, true, 7, 80, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, s->domains[0].answering);
    s = next(s, 120, true, 7, 80, LIMIT);
    d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWER_NOT, d->answering);
    EXPECT_EQ_U64(90, (uint64_t) d->unanswered_since);
    EXPECT_EQ_U64(90000000000u, d->m[VMON_DOM_CPU_TIME].u);
    EXPECT_STR("not answering since 1970-01-01 00:01:30 UTC (30 s)",
               vmon_answer_describe(d, 120, text, sizeof(text)));

    /* figures again: answering, and no rate against the carried value */
    s = next(s, 130, false, 7, 80, LIMIT);
    d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWERING, d->answering);
    EXPECT_EQ_U64(130, (uint64_t) d->figures_time);
    EXPECT(!(d->m[VMON_DOM_CPU_TIME].have & VMON_HAVE_STALE));
    EXPECT(!vmon_value_has_rate(&d->m[VMON_DOM_CPU_TIME]));
    vmon_snapshot_unref(s);
}

DEF_TEST(reconnect_restarts_the_clock)
{
    struct vmon_snapshot *s = next(NULL, 90, false, 7, 90, LIMIT);
    s = next(s, 100, true, 7, 90, LIMIT);
    s = next(s, 130, true, 7, 90, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWER_NOT, s->domains[0].answering);
    /* libvirt out of reach until 500: the first poll after it is not a verdict */
    s = next(s, 500, true, 7, 500, LIMIT);
    const struct vmon_domain *d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, d->answering);
    EXPECT_EQ_U64(500, (uint64_t) d->unanswered_since);
    EXPECT_EQ_U64(90, (uint64_t) d->figures_time);
    s = next(s, 529, true, 7, 500, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, s->domains[0].answering);
    s = next(s, 530, true, 7, 500, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWER_NOT, s->domains[0].answering);
    vmon_snapshot_unref(s);
}

DEF_TEST(other_run_first_poll_inactive_one_shot)
{
    /* restarted in between (new id): the old run's figures are not carried */
    struct vmon_snapshot *s = next(NULL, 90, false, 7, 90, LIMIT);
    s = next(s, 100, true, 8, 90, LIMIT);
    const struct vmon_domain *d = &s->domains[0];
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, d->answering);
    EXPECT_EQ_U64(0, (uint64_t) d->figures_time);
    EXPECT(!vmon_value_has(&d->m[VMON_DOM_CPU_TIME]));
    EXPECT(!vmon_value_has(&d->m[VMON_DOM_FIGURES_AGE]));
    char text[160];
    EXPECT_STR("busy, no figures yet", vmon_answer_describe(d, 100, text, sizeof(text)));
    vmon_snapshot_unref(s);

    /* a shut-off domain answers (its state is all there is), with no metrics */
    s = next(NULL, 90, false, -1, 90, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWERING, s->domains[0].answering);
    EXPECT(!vmon_value_has(&s->domains[0].m[VMON_DOM_ANSWERING]));
    vmon_snapshot_unref(s);

    /* one poll and no history (a one-shot check): limit 0 calls it at once */
    s = next(NULL, 90, true, 7, 90, 0);
    EXPECT_EQ_INT(VMON_ANSWER_NOT, s->domains[0].answering);
    vmon_snapshot_unref(s);
    /* with history, the first poll without figures is not a verdict */
    s = next(NULL, 90, true, 7, 90, LIMIT);
    EXPECT_EQ_INT(VMON_ANSWER_BUSY, s->domains[0].answering);
    vmon_snapshot_unref(s);
}

/* snap through the wire and back */
static struct vmon_snapshot *
round_trip(const struct vmon_snapshot *snap)
{
    char *buf = NULL, err[256] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f || vmon_wire_write(f, snap, NULL) < 0 || fclose(f) != 0)
        return NULL;
    f = fmemopen(buf, len, "r");
    struct vmon_snapshot *back = f ? vmon_wire_read(f, err, sizeof(err)) : NULL;
    if (!back)
        printf("# wire: %s\n", err);
    if (f)
        fclose(f);
    free(buf);
    return back;
}

DEF_TEST(wire)
{
    struct vmon_snapshot *s = next(NULL, 90, false, 7, 90, LIMIT);
    s = next(s, 100, true, 7, 90, LIMIT);
    s->health.last_poll_time = 90;
    s->health.last_attempt_time = 100;
    struct vmon_snapshot *back = round_trip(s);
    EXPECT(back != NULL);
    if (back) {
        const struct vmon_domain *d = &back->domains[0];
        EXPECT_EQ_INT(VMON_ANSWER_BUSY, d->answering);
        EXPECT_EQ_U64(90, (uint64_t) d->figures_time);
        EXPECT_EQ_U64(90, (uint64_t) d->unanswered_since);
        EXPECT(d->m[VMON_DOM_CPU_TIME].have & VMON_HAVE_STALE);
        EXPECT_EQ_U64(10, d->m[VMON_DOM_FIGURES_AGE].u);
        EXPECT_EQ_U64(90, (uint64_t) back->health.last_poll_time);
        EXPECT_EQ_U64(100, (uint64_t) back->health.last_attempt_time);
    }
    vmon_snapshot_unref(back);
    vmon_snapshot_unref(s);

    /* an older writer: no answering fields, a partial domain was called hung */
    static const char old[] =
        "virtmon-snapshot 1\n"
        "snapshot 3 0 1000 1 \"test:///default\"\n"
        "health 1 3 0 0 0.1 1000 -\n"
        "node \"h\" \"TEST\" 1 1 \"c\" 2 0\n"
        "domain \"a\" 11111111-1111-1111-1111-111111111111 1 1 1 1 0 1 31 \"hvm\"\n"
        "domain \"b\" 22222222-2222-2222-2222-222222222222 2 1 1 1 0 0 0 \"hvm\"\n"
        "end\n";
    char err[256] = "";
    FILE *f = fmemopen((void *) old, sizeof(old) - 1, "r");
    struct vmon_snapshot *o = f ? vmon_wire_read(f, err, sizeof(err)) : NULL;
    if (f)
        fclose(f);
    EXPECT_MSG(o != NULL, "older writer read: %s", err);
    if (o) {
        const struct vmon_domain *a = vmon_snapshot_find_domain(o, "a");
        const struct vmon_domain *b = vmon_snapshot_find_domain(o, "b");
        EXPECT(a && a->answering == VMON_ANSWER_NOT && a->unanswered_since == 1000);
        EXPECT(b && b->answering == VMON_ANSWERING && b->figures_time == 1000);
        EXPECT_EQ_U64(1000, (uint64_t) o->health.last_attempt_time);
    }
    vmon_snapshot_unref(o);
}

int
main(void)
{
    setenv("TZ", "UTC", 1);
    RUN_TEST(busy_then_not_answering);
    RUN_TEST(reconnect_restarts_the_clock);
    RUN_TEST(other_run_first_poll_inactive_one_shot);
    RUN_TEST(wire);
    return TAP_END();
}
