#include "tap.h"
#include "vmon-util.h"
#include "vmon-window.h"

static struct vmon_snapshot *
snap_at(double taken, double cpu_percent, unsigned char uuid_byte)
{
    struct vmon_snapshot *s = vmon_snapshot_new();
    struct vmon_domain *d = vmon_snapshot_add_domain(s);

    s->taken = taken;
    d->name = vmon_strdup("db");
    memset(d->uuid, uuid_byte, 16);
    vmon_value_set_double(&d->m[VMON_DOM_CPU_PERCENT], cpu_percent);
    return s;
}

/* A second domain in s. */
static void
add_other(struct vmon_snapshot *s, const char *name, double cpu_percent, unsigned char uuid_byte)
{
    struct vmon_domain *other = vmon_snapshot_add_domain(s);

    other->name = vmon_strdup(name);
    memset(other->uuid, uuid_byte, 16);
    vmon_value_set_double(&other->m[VMON_DOM_CPU_PERCENT], cpu_percent);
}

DEF_TEST(min_avg_max_within_window)
{
    struct vmon_window *w = vmon_window_new(3600, 12);   /* 300 s buckets */
    static const double samples[] = { 10, 30, 20, 80, 60 };
    struct vmon_snapshot *s = NULL;

    for (size_t i = 0; i < 5; i++) {
        vmon_snapshot_unref(s);
        s = snap_at(10000 + 60.0 * i, samples[i], 1);
        vmon_window_update(w, s);
    }
    const struct vmon_window_stat *st = &s->domains[0].win[VMON_DOM_CPU_PERCENT];
    EXPECT(st->have);
    EXPECT_EQ_DBL(10, st->min, 1e-9);
    EXPECT_EQ_DBL(80, st->max, 1e-9);
    EXPECT_EQ_DBL(40, st->avg, 1e-9);
    vmon_snapshot_unref(s);
    vmon_window_free(w);
}

DEF_TEST(old_samples_leave_the_window)
{
    struct vmon_window *w = vmon_window_new(600, 2);     /* 300 s buckets */
    struct vmon_snapshot *s = snap_at(3000, 90, 2);
    vmon_window_update(w, s);
    vmon_snapshot_unref(s);
    s = snap_at(3000 + 900, 10, 2);                      /* three buckets later */
    vmon_window_update(w, s);
    const struct vmon_window_stat *st = &s->domains[0].win[VMON_DOM_CPU_PERCENT];
    EXPECT_EQ_DBL(10, st->max, 1e-9);
    EXPECT_EQ_DBL(10, st->min, 1e-9);
    vmon_snapshot_unref(s);
    vmon_window_free(w);
}

DEF_TEST(domains_do_not_share_history)
{
    struct vmon_window *w = vmon_window_new(3600, 12);
    struct vmon_snapshot *s = snap_at(100, 5, 3);
    add_other(s, "other", 95, 4);
    vmon_window_update(w, s);
    EXPECT_EQ_DBL(5, s->domains[0].win[VMON_DOM_CPU_PERCENT].max, 1e-9);
    EXPECT_EQ_DBL(95, s->domains[1].win[VMON_DOM_CPU_PERCENT].min, 1e-9);
    EXPECT(!s->domains[0].win[VMON_DOM_DISK_RD_BYTES].have);  /* no rate, no stat */
    vmon_snapshot_unref(s);
    vmon_window_free(w);
}

DEF_TEST(gone_domains_take_their_history)
{
    struct vmon_window *w = vmon_window_new(3600, 12);
    struct vmon_snapshot *s = snap_at(100, 5, 5);
    add_other(s, "short-lived", 95, 6);
    vmon_window_update(w, s);
    EXPECT_EQ_INT(2, (int) vmon_window_domains(w));
    vmon_snapshot_unref(s);
    /* the next poll lists only the first: the other's buckets are freed */
    s = snap_at(110, 7, 5);
    vmon_window_update(w, s);
    EXPECT_EQ_INT(1, (int) vmon_window_domains(w));
    EXPECT_EQ_DBL(5, s->domains[0].win[VMON_DOM_CPU_PERCENT].min, 1e-9);
    vmon_snapshot_unref(s);
    /* defined again with the same UUID: a history of its own from now */
    s = snap_at(120, 40, 6);
    vmon_window_update(w, s);
    EXPECT_EQ_DBL(40, s->domains[0].win[VMON_DOM_CPU_PERCENT].max, 1e-9);
    EXPECT_EQ_INT(1, (int) vmon_window_domains(w));
    vmon_snapshot_unref(s);
    vmon_window_free(w);
}

int
main(void)
{
    RUN_TEST(min_avg_max_within_window);
    RUN_TEST(old_samples_leave_the_window);
    RUN_TEST(domains_do_not_share_history);
    RUN_TEST(gone_domains_take_their_history);
    return TAP_END();
}
