#include "tap.h"
#include "vmon-rates.h"
#include "vmon-util.h"

static struct vmon_snapshot *
snap_with(double taken, int id, uint64_t cpu_ns, uint64_t rd_bytes, unsigned vcpus)
{
    struct vmon_snapshot *s = vmon_snapshot_new();
    struct vmon_domain *d = vmon_snapshot_add_domain(s);

    s->taken = taken;
    vmon_value_set(&s->node.m[VMON_NODE_CPUS], 8);
    d->name = vmon_strdup("web1");
    memset(d->uuid, 7, 16);
    d->id = id;
    d->state = VMON_STATE_RUNNING;
    vmon_value_set(&d->m[VMON_DOM_CPU_TIME], cpu_ns);
    vmon_value_set(&d->m[VMON_DOM_VCPU_CURRENT], vcpus);
    struct vmon_disk *disk = vmon_domain_add_disk(d, "vda");
    vmon_value_set(&disk->m[VMON_DISK_RD_BYTES], rd_bytes);
    vmon_domain_sum_devices(d);
    return s;
}

DEF_TEST(first_poll_has_no_rates)
{
    struct vmon_snapshot *s = snap_with(100, 1, 5e9, 1000, 2);
    vmon_rates_compute(s, NULL);
    EXPECT(!vmon_value_has_rate(&s->domains[0].m[VMON_DOM_CPU_TIME]));
    EXPECT(!vmon_value_has(&s->domains[0].m[VMON_DOM_CPU_PERCENT]));
    EXPECT_EQ_DBL(0, s->elapsed, 0);
    vmon_snapshot_unref(s);
}

DEF_TEST(rates_over_measured_elapsed_time)
{
    struct vmon_snapshot *a = snap_with(100, 1, 5e9, 1000, 2);
    struct vmon_snapshot *b = snap_with(102.5, 1, 5e9 + 2.5e9, 1000 + 5000, 2);
    vmon_rates_compute(a, NULL);
    vmon_rates_compute(b, a);
    const struct vmon_domain *d = &b->domains[0];
    EXPECT_EQ_DBL(2.5, b->elapsed, 1e-9);
    EXPECT_EQ_DBL(1e9, d->m[VMON_DOM_CPU_TIME].d, 1e-3);          /* one core busy */
    EXPECT_EQ_DBL(50.0, d->m[VMON_DOM_CPU_PERCENT].d, 1e-9);      /* of 2 vCPUs */
    EXPECT_EQ_DBL(12.5, d->m[VMON_DOM_CPU_HOST_PERCENT].d, 1e-9); /* of 8 host CPUs */
    EXPECT_EQ_DBL(2000.0, d->disks[0].m[VMON_DISK_RD_BYTES].d, 1e-9);
    EXPECT_EQ_DBL(2000.0, d->m[VMON_DOM_DISK_RD_BYTES].d, 1e-9);  /* domain total */
    EXPECT_EQ_U64(6000, d->m[VMON_DOM_DISK_RD_BYTES].u);
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(counter_going_backwards_gives_no_rate)
{
    struct vmon_snapshot *a = snap_with(100, 1, 9e9, 90000, 2);
    struct vmon_snapshot *b = snap_with(110, 1, 1e9, 100, 2);
    vmon_rates_compute(b, a);
    EXPECT(!vmon_value_has_rate(&b->domains[0].m[VMON_DOM_CPU_TIME]));
    EXPECT(!vmon_value_has_rate(&b->domains[0].disks[0].m[VMON_DISK_RD_BYTES]));
    EXPECT(!vmon_value_has(&b->domains[0].m[VMON_DOM_CPU_PERCENT]));
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(restart_between_polls_gives_no_rate_even_if_counters_grew)
{
    struct vmon_snapshot *a = snap_with(100, 1, 1e9, 100, 2);
    struct vmon_snapshot *b = snap_with(110, 2, 9e9, 90000, 2);   /* new id: restarted */
    vmon_rates_compute(b, a);
    EXPECT(!vmon_value_has_rate(&b->domains[0].m[VMON_DOM_CPU_TIME]));
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(node_cpu_percent_from_idle_share)
{
    struct vmon_snapshot *a = vmon_snapshot_new(), *b = vmon_snapshot_new();
    a->taken = 1;
    b->taken = 2;
    vmon_value_set(&a->node.m[VMON_NODE_CPU_KERNEL], 0);
    vmon_value_set(&a->node.m[VMON_NODE_CPU_USER], 0);
    vmon_value_set(&a->node.m[VMON_NODE_CPU_IDLE], 0);
    vmon_value_set(&a->node.m[VMON_NODE_CPU_IOWAIT], 0);
    vmon_value_set(&b->node.m[VMON_NODE_CPU_KERNEL], 100);
    vmon_value_set(&b->node.m[VMON_NODE_CPU_USER], 200);
    vmon_value_set(&b->node.m[VMON_NODE_CPU_IDLE], 700);
    vmon_value_set(&b->node.m[VMON_NODE_CPU_IOWAIT], 0);
    vmon_value_set(&b->node.m[VMON_NODE_MEM_TOTAL], 1000);
    vmon_value_set(&b->node.m[VMON_NODE_MEM_FREE], 250);
    vmon_rates_compute(b, a);
    EXPECT_EQ_DBL(30.0, b->node.m[VMON_NODE_CPU_PERCENT].d, 1e-9);
    EXPECT_EQ_DBL(75.0, b->node.m[VMON_NODE_MEM_PERCENT].d, 1e-9);
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(balloon_used_percent)
{
    struct vmon_snapshot *s = snap_with(1, 1, 0, 0, 1);
    struct vmon_domain *d = &s->domains[0];
    vmon_value_set(&d->m[VMON_DOM_MEM_AVAILABLE], 2000);
    vmon_value_set(&d->m[VMON_DOM_MEM_USABLE], 500);
    vmon_rates_compute(s, NULL);
    EXPECT_EQ_DBL(75.0, d->m[VMON_DOM_MEM_USED_PERCENT].d, 1e-9);
    vmon_snapshot_unref(s);
}

/* Two disks, two polls 2 s apart: vda read 10 requests in 30 ms and wrote
 * 4 in 8 ms; vdb read 10 in 10 ms and flushed twice in 6 ms. */
static struct vmon_snapshot *
snap_io(double taken, uint64_t scale)
{
    struct vmon_snapshot *s = snap_with(taken, 1, 0, 0, 2);
    struct vmon_domain *d = &s->domains[0];
    vmon_domain_add_disk(d, "vdb");          /* before taking pointers: it grows the array */
    struct vmon_disk *vda = &d->disks[0], *vdb = &d->disks[1];
    vmon_value_set(&vda->m[VMON_DISK_RD_REQS], 100 + 10 * scale);
    vmon_value_set(&vda->m[VMON_DISK_RD_TIMES], 1000000 + 30000000 * scale);
    vmon_value_set(&vda->m[VMON_DISK_WR_REQS], 50 + 4 * scale);
    vmon_value_set(&vda->m[VMON_DISK_WR_TIMES], 2000000 + 8000000 * scale);
    vmon_value_set(&vdb->m[VMON_DISK_RD_REQS], 7 + 10 * scale);
    vmon_value_set(&vdb->m[VMON_DISK_RD_TIMES], 5000 + 10000000 * scale);
    vmon_value_set(&vdb->m[VMON_DISK_FL_REQS], 3 + 2 * scale);
    vmon_value_set(&vdb->m[VMON_DISK_FL_TIMES], 9000 + 6000000 * scale);
    vmon_domain_sum_devices(d);
    return s;
}

DEF_TEST(disk_latency_is_time_over_requests_of_the_interval)
{
    struct vmon_snapshot *a = snap_io(10, 0), *b = snap_io(12, 1);
    vmon_rates_compute(b, a);
    const struct vmon_domain *d = &b->domains[0];
    EXPECT_EQ_DBL(3.0, d->disks[0].m[VMON_DISK_RD_LATENCY].d, 1e-9);
    EXPECT_EQ_DBL(2.0, d->disks[0].m[VMON_DISK_WR_LATENCY].d, 1e-9);
    EXPECT(!vmon_value_has(&d->disks[0].m[VMON_DISK_FL_LATENCY]));    /* no flush counters */
    EXPECT_EQ_DBL(1.0, d->disks[1].m[VMON_DISK_RD_LATENCY].d, 1e-9);
    EXPECT_EQ_DBL(3.0, d->disks[1].m[VMON_DISK_FL_LATENCY].d, 1e-9);
    EXPECT_EQ_DBL(2.0, d->m[VMON_DOM_DISK_RD_LATENCY].d, 1e-9);       /* 40 ms / 20 reads */
    EXPECT_EQ_DBL(2.0, d->m[VMON_DOM_DISK_WR_LATENCY].d, 1e-9);
    EXPECT_EQ_DBL(3.0, d->m[VMON_DOM_DISK_FL_LATENCY].d, 1e-9);
    EXPECT_EQ_DBL(54.0 / 26.0, d->m[VMON_DOM_DISK_LATENCY].d, 1e-9);  /* all 26 requests */
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(no_request_in_the_interval_means_no_latency)
{
    struct vmon_snapshot *a = snap_io(10, 1), *b = snap_io(12, 1);
    vmon_rates_compute(b, a);
    EXPECT(!vmon_value_has(&b->domains[0].disks[0].m[VMON_DISK_RD_LATENCY]));
    EXPECT(!vmon_value_has(&b->domains[0].m[VMON_DOM_DISK_LATENCY]));
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(steal_percent_is_delay_per_vcpu_second)
{
    struct vmon_snapshot *a = snap_with(10, 1, 0, 0, 4), *b = snap_with(12, 1, 0, 0, 4);
    vmon_value_set(&a->domains[0].m[VMON_DOM_VCPU_DELAY], 1000);
    vmon_value_set(&b->domains[0].m[VMON_DOM_VCPU_DELAY], 1000 + 800000000);   /* 0.8 s in 2 s */
    vmon_rates_compute(b, a);
    EXPECT_EQ_DBL(10.0, b->domains[0].m[VMON_DOM_VCPU_STEAL_PERCENT].d, 1e-9);  /* of 4 vCPUs */
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

/* a running web1 whose guest last sent balloon stats at last_update (0: never) */
static struct vmon_snapshot *
snap_balloon(double taken, time_t wall, uint64_t last_update, uint64_t swap_in)
{
    struct vmon_snapshot *s = snap_with(taken, 1, 5e9, 1000, 2);
    struct vmon_domain *d = &s->domains[0];

    s->taken_wall = wall;
    vmon_value_set(&d->m[VMON_DOM_MEM_CURRENT], 1048576);
    vmon_value_set(&d->m[VMON_DOM_MEM_AVAILABLE], 1000000);
    vmon_value_set(&d->m[VMON_DOM_MEM_USABLE], 250000);
    vmon_value_set(&d->m[VMON_DOM_MEM_SWAP_IN], swap_in);
    if (last_update)
        vmon_value_set(&d->m[VMON_DOM_MEM_LAST_UPDATE], last_update);
    return s;
}

DEF_TEST(balloon_stats_older_than_the_age_are_stale)
{
    /* last sent 30 s before the poll: fresh with a 30 s age, stale with 29 s */
    struct vmon_snapshot *a = snap_balloon(100, 1000000, 999970, 10);
    struct vmon_snapshot *b = snap_balloon(110, 1000010, 999970, 20);
    vmon_mem_stale_mark(a, 30);
    vmon_rates_compute(a, NULL);
    EXPECT_EQ_U64(0, a->domains[0].m[VMON_DOM_MEM_STALE].u);
    EXPECT(vmon_value_has(&a->domains[0].m[VMON_DOM_MEM_STALE]));
    EXPECT_EQ_DBL(75.0, a->domains[0].m[VMON_DOM_MEM_USED_PERCENT].d, 1e-9);
    vmon_mem_stale_mark(b, 39);
    vmon_rates_compute(b, a);
    const struct vmon_domain *d = &b->domains[0];
    EXPECT_EQ_U64(1, d->m[VMON_DOM_MEM_STALE].u);
    EXPECT(!vmon_value_has(&d->m[VMON_DOM_MEM_USED_PERCENT]));
    EXPECT(!vmon_value_has_rate(&d->m[VMON_DOM_MEM_SWAP_IN]));
    EXPECT_EQ_U64(250000, d->m[VMON_DOM_MEM_USABLE].u);   /* the figure itself stays */
    EXPECT(vmon_value_has_rate(&d->m[VMON_DOM_CPU_TIME]));  /* the rest is untouched */
    vmon_snapshot_unref(a);
    vmon_snapshot_unref(b);
}

DEF_TEST(no_balloon_stats_while_running_is_stale_shut_off_is_not_judged)
{
    struct vmon_snapshot *s = snap_balloon(100, 1000000, 0, 0);
    vmon_mem_stale_mark(s, 30);
    EXPECT_EQ_U64(1, s->domains[0].m[VMON_DOM_MEM_STALE].u);
    vmon_snapshot_unref(s);

    s = snap_balloon(100, 1000000, 0, 0);
    s->domains[0].id = -1;
    s->domains[0].state = VMON_STATE_SHUTOFF;
    vmon_mem_stale_mark(s, 30);
    EXPECT(!vmon_value_has(&s->domains[0].m[VMON_DOM_MEM_STALE]));
    vmon_snapshot_unref(s);

    /* libvirt's test driver: fixtures, never stale */
    s = snap_balloon(100, 1000000, 627319920, 0);
    s->node.hv_type = vmon_strdup("TEST");
    vmon_mem_stale_mark(s, 30);
    EXPECT(!vmon_value_has(&s->domains[0].m[VMON_DOM_MEM_STALE]));
    vmon_snapshot_unref(s);
}

int
main(void)
{
    RUN_TEST(first_poll_has_no_rates);
    RUN_TEST(rates_over_measured_elapsed_time);
    RUN_TEST(counter_going_backwards_gives_no_rate);
    RUN_TEST(restart_between_polls_gives_no_rate_even_if_counters_grew);
    RUN_TEST(node_cpu_percent_from_idle_share);
    RUN_TEST(balloon_used_percent);
    RUN_TEST(disk_latency_is_time_over_requests_of_the_interval);
    RUN_TEST(no_request_in_the_interval_means_no_latency);
    RUN_TEST(steal_percent_is_delay_per_vcpu_second);
    RUN_TEST(balloon_stats_older_than_the_age_are_stale);
    RUN_TEST(no_balloon_stats_while_running_is_stale_shut_off_is_not_judged);
    return TAP_END();
}
