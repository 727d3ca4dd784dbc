/*
 * The checks' shared parts without libvirt: the state policy for every
 * state (autostart included, which the test driver cannot express), the
 * walk of the core's metric table, and the state file round trip.
 */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chk-job.h"
#include "chk-guestfs.h"
#include "chk-metric.h"
#include "chk-policy.h"
#include "chk-pool-policy.h"
#include "chk-statefile.h"
#include "tap.h"
#include "vmon-util.h"

static int
policy_of(const struct chk_policy *p, int state, bool autostart)
{
    struct vmon_domain d = { .state = state, .autostart = autostart, .id = -1 };

    return chk_policy_state(p, &d);
}

DEF_TEST(policy_defaults)
{
    struct chk_policy named, many;
    static const struct { int state, level; } common[] = {
        { VMON_STATE_RUNNING, CHK_OK }, { VMON_STATE_BLOCKED, CHK_WARNING },
        { VMON_STATE_PAUSED, CHK_WARNING }, { VMON_STATE_SHUTDOWN, CHK_WARNING },
        { VMON_STATE_CRASHED, CHK_CRITICAL }, { VMON_STATE_PMSUSPENDED, CHK_WARNING },
        { VMON_STATE_NOSTATE, CHK_UNKNOWN },
    };

    chk_policy_init(&named, true);
    chk_policy_init(&many, false);
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
        for (int as = 0; as < 2; as++) {
            EXPECT_EQ_INT(common[i].level, policy_of(&named, common[i].state, as));
            EXPECT_EQ_INT(common[i].level, policy_of(&many, common[i].state, as));
        }
    }
    /* shut off: always critical when named, only with autostart otherwise */
    EXPECT_EQ_INT(CHK_CRITICAL, policy_of(&named, VMON_STATE_SHUTOFF, false));
    EXPECT_EQ_INT(CHK_CRITICAL, policy_of(&named, VMON_STATE_SHUTOFF, true));
    EXPECT_EQ_INT(CHK_OK, policy_of(&many, VMON_STATE_SHUTOFF, false));
    EXPECT_EQ_INT(CHK_CRITICAL, policy_of(&many, VMON_STATE_SHUTOFF, true));
    /* a state number the policy does not know */
    EXPECT_EQ_INT(CHK_UNKNOWN, policy_of(&many, 42, false));
}

DEF_TEST(policy_parse)
{
    struct chk_policy p;
    char err[256] = "";

    chk_policy_init(&p, false);
    EXPECT_EQ_INT(0, chk_policy_parse(&p, "paused=critical,running=warning,shutoff-autostart=ok",
                                      err, sizeof(err)));
    EXPECT_EQ_INT(CHK_CRITICAL, policy_of(&p, VMON_STATE_PAUSED, false));
    EXPECT_EQ_INT(CHK_WARNING, policy_of(&p, VMON_STATE_RUNNING, false));
    EXPECT_EQ_INT(CHK_OK, policy_of(&p, VMON_STATE_SHUTOFF, true));
    EXPECT_EQ_INT(0, chk_policy_parse(&p, "shutoff=warning", err, sizeof(err)));
    EXPECT_EQ_INT(CHK_WARNING, policy_of(&p, VMON_STATE_SHUTOFF, true));
    EXPECT_EQ_INT(CHK_WARNING, policy_of(&p, VMON_STATE_SHUTOFF, false));
    EXPECT_EQ_INT(0, chk_policy_parse(&p, "shutoff-manual=unknown,CRASHED=3", err, sizeof(err)));
    EXPECT_EQ_INT(CHK_UNKNOWN, policy_of(&p, VMON_STATE_SHUTOFF, false));
    EXPECT_EQ_INT(CHK_UNKNOWN, policy_of(&p, VMON_STATE_CRASHED, false));

    /* a bad part changes nothing, and is quoted */
    struct chk_policy before = p;
    EXPECT_EQ_INT(-1, chk_policy_parse(&p, "running=ok,paused=meh", err, sizeof(err)));
    EXPECT(strstr(err, "paused=meh") != NULL);
    EXPECT(memcmp(&before, &p, sizeof(p)) == 0);
    EXPECT_EQ_INT(-1, chk_policy_parse(&p, "hibernating=ok", err, sizeof(err)));
    EXPECT(strstr(err, "'hibernating'") != NULL);
    EXPECT_EQ_INT(-1, chk_policy_parse(&p, "paused", err, sizeof(err)));
    EXPECT_EQ_INT(-1, chk_policy_parse(&p, "", err, sizeof(err)));
}

/* Labels are RRD-safe, unique in their first 19 characters (the guidelines'
 * advice, for RRD data source names), option names unique, UOMs right. */
static void
check_set(const struct chk_metric_set *set, enum vmon_scope scope)
{
    size_t n;
    const struct vmon_metric_desc *d = vmon_metrics(scope, &n);
    size_t labelled = 0, counters = 0;

    for (size_t i = 0; i < n; i++)
        if (d[i].perf_label) {
            labelled++;
            counters += d[i].kind == VMON_KIND_COUNTER;
        }
    EXPECT_EQ_INT(labelled + counters, set->n);

    for (size_t i = 0; i < set->n; i++) {
        const struct chk_metric *a = &set->m[i];
        bool safe = a->label[0] != '\0';
        for (const char *p = a->label; *p; p++)
            safe &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
        EXPECT_MSG(safe, "label '%s' is [a-z0-9_]+", a->label);
        for (size_t j = i + 1; j < set->n; j++) {
            EXPECT_MSG(strncmp(a->label, set->m[j].label, 19) != 0,
                       "'%s' and '%s' differ in 19 characters", a->label, set->m[j].label);
            EXPECT_MSG(strcmp(a->option, set->m[j].option) != 0, "option --%s is unique", a->option);
        }
        if (a->raw_counter)
            EXPECT_MSG(a->uom == VMON_UOM_COUNTER && !chk_metric_has_options(a),
                       "raw counter '%s': UOM c, no threshold options", a->label);
        else if (a->rate)
            EXPECT_MSG(a->uom == VMON_UOM_NONE && strstr(a->label, "_per_s") &&
                       chk_metric_needs_rate(a), "rate '%s': no UOM, _per_s, needs two samples",
                       a->label);
        else if (a->desc->unit == VMON_UNIT_KIB)
            EXPECT_MSG(a->uom == VMON_UOM_B && a->scale == 1024, "KiB gauge '%s' in bytes",
                       a->label);
        else if (a->desc->unit == VMON_UNIT_PERCENT)
            EXPECT_MSG(a->uom == VMON_UOM_PERCENT, "percentage '%s' in %%", a->label);
    }
}

static int
pool_policy_of(const struct chk_pool_policy *p, int state, bool autostart)
{
    struct vmon_pool pool = { .state = state, .autostart = autostart };
    return chk_pool_policy_state(p, &pool);
}

/* Inactive pools as shut-off domains: a named one is critical, several only with autostart. */
DEF_TEST(pool_policy)
{
    struct chk_pool_policy named, many;
    char err[256] = "";

    chk_pool_policy_init(&named, true);
    chk_pool_policy_init(&many, false);
    for (int as = 0; as < 2; as++) {
        EXPECT_EQ_INT(CHK_OK, pool_policy_of(&many, VMON_POOL_RUNNING, as));
        EXPECT_EQ_INT(CHK_WARNING, pool_policy_of(&many, VMON_POOL_DEGRADED, as));
        EXPECT_EQ_INT(CHK_WARNING, pool_policy_of(&named, VMON_POOL_BUILDING, as));
        EXPECT_EQ_INT(CHK_CRITICAL, pool_policy_of(&named, VMON_POOL_INACCESSIBLE, as));
        EXPECT_EQ_INT(CHK_CRITICAL, pool_policy_of(&named, VMON_POOL_INACTIVE, as));
    }
    EXPECT_EQ_INT(CHK_OK, pool_policy_of(&many, VMON_POOL_INACTIVE, false));
    EXPECT_EQ_INT(CHK_CRITICAL, pool_policy_of(&many, VMON_POOL_INACTIVE, true));
    EXPECT_EQ_INT(CHK_UNKNOWN, pool_policy_of(&many, 42, false));

    EXPECT_EQ_INT(0, chk_pool_policy_parse(&many, "degraded=critical,inactive-autostart=warning",
                                           err, sizeof(err)));
    EXPECT_EQ_INT(CHK_CRITICAL, pool_policy_of(&many, VMON_POOL_DEGRADED, false));
    EXPECT_EQ_INT(CHK_WARNING, pool_policy_of(&many, VMON_POOL_INACTIVE, true));
    EXPECT_EQ_INT(0, chk_pool_policy_parse(&many, "INACTIVE=unknown", err, sizeof(err)));
    EXPECT_EQ_INT(CHK_UNKNOWN, pool_policy_of(&many, VMON_POOL_INACTIVE, false));
    EXPECT_EQ_INT(CHK_UNKNOWN, pool_policy_of(&many, VMON_POOL_INACTIVE, true));
    /* a bad part leaves the policy as it was */
    EXPECT_EQ_INT(-1, chk_pool_policy_parse(&many, "running=warning,full=critical", err, sizeof(err)));
    EXPECT(strstr(err, "'full': unknown pool state") != NULL);
    EXPECT_EQ_INT(CHK_OK, pool_policy_of(&many, VMON_POOL_RUNNING, false));
    EXPECT_EQ_INT(-1, chk_pool_policy_parse(&many, "running", err, sizeof(err)));
    EXPECT(strstr(err, "expected STATE=LEVEL") != NULL);
    EXPECT_EQ_INT(-1, chk_pool_policy_parse(&many, "running=bad", err, sizeof(err)));
    EXPECT(strstr(err, "level must be") != NULL);
    EXPECT_EQ_INT(-1, chk_pool_policy_parse(&many, "", err, sizeof(err)));
}

DEF_TEST(metric_table)
{
    struct chk_metric_set dom = { 0 }, node = { 0 };

    chk_metrics_from_table(&dom, VMON_SCOPE_DOMAIN);
    chk_metrics_from_table(&node, VMON_SCOPE_NODE);
    check_set(&dom, VMON_SCOPE_DOMAIN);
    check_set(&node, VMON_SCOPE_NODE);
    /* the ones the issue names are there */
    static const char *const wanted[] = {
        "cpu", "mem_used", "rss", "disk_read_bytes_per_s", "disk_write_bytes_per_s",
        "disk_read_ops_per_s", "disk_write_ops_per_s", "net_rx_bytes_per_s", "net_tx_bytes_per_s",
        "net_rx_packets_per_s", "net_tx_packets_per_s", "disk_errors_per_s", "net_rx_errors_per_s",
        "net_tx_errors_per_s", "net_rx_drops_per_s", "net_tx_drops_per_s",
    };
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
        EXPECT_MSG(chk_metrics_find(&dom, wanted[i]) != NULL, "domain metric '%s' exists", wanted[i]);
    EXPECT(chk_metrics_find(&node, "cpu") != NULL && chk_metrics_find(&node, "mem") != NULL);

    /* values: a rate only with a rate, KiB scaled, exact integers kept */
    struct vmon_value v[VMON_DOM__N];
    double x;
    bool exact;
    uint64_t u;
    memset(v, 0, sizeof(v));
    const struct chk_metric *rate = chk_metrics_find(&dom, "disk_read_bytes_per_s");
    const struct chk_metric *raw = chk_metrics_find(&dom, "disk_read_bytes");
    const struct chk_metric *mem = chk_metrics_find(&dom, "mem");
    vmon_value_set(&v[VMON_DOM_DISK_RD_BYTES], 9007199254740993ull);
    EXPECT(!chk_metric_value(rate, v, &x, &exact, &u));
    EXPECT(chk_metric_value(raw, v, &x, &exact, &u) && exact && u == 9007199254740993ull);
    v[VMON_DOM_DISK_RD_BYTES].d = 4096.5;
    v[VMON_DOM_DISK_RD_BYTES].have |= VMON_HAVE_RATE;
    EXPECT(chk_metric_value(rate, v, &x, &exact, &u) && x == 4096.5 && !exact);
    EXPECT(!chk_metric_value(mem, v, &x, &exact, &u));
    vmon_value_set(&v[VMON_DOM_MEM_CURRENT], 2097152);
    EXPECT(chk_metric_value(mem, v, &x, &exact, &u) && exact && u == 2147483648ull);

    chk_metrics_free(&dom);
    chk_metrics_free(&node);
}

DEF_TEST(state_file)
{
    char dirt[] = "/tmp/vmon-parts.XXXXXX", err[512] = "", why[512] = "";
    char *tmp = mkdtemp(dirt);
    double taken = 0, age = 0;

    EXPECT(tmp != NULL);
    if (!tmp)
        return;
    char *sub = vmon_asprintf("%s/state", tmp);
    char *dir = chk_state_dir(sub, err, sizeof(err));
    EXPECT(dir != NULL);
    struct stat st;
    EXPECT(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);

    struct vmon_snapshot *snap = vmon_snapshot_new();
    snap->uri = vmon_strdup("test:///x");
    double now = vmon_now_mono();
    snap->taken = now - 10;
    struct vmon_domain *d = vmon_snapshot_add_domain(snap);
    d->name = vmon_strdup("vm");
    d->id = 7;
    strcpy(d->uuid_str, "01234567-89ab-cdef-0123-456789abcdef");
    vmon_value_set(&d->m[VMON_DOM_CPU_TIME], UINT64_MAX - 1);
    vmon_value_set(&d->m[VMON_DOM_NET_TX_BYTES], 42);
    vmon_value_set(&d->m[VMON_DOM_VCPU_CURRENT], 4);     /* a gauge: not stored */

    char *path = chk_state_path(dir, snap->uri, d->uuid_str);
    EXPECT_EQ_INT(0, chk_state_save(path, snap, d, err, sizeof(err)));

    struct vmon_snapshot *prev = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_load(path, "test:///x", now, 1, 60, prev, &taken, &age, why, sizeof(why)));
    EXPECT_EQ_INT(1, prev->ndomains);
    if (prev->ndomains == 1) {
        const struct vmon_domain *p = &prev->domains[0];
        EXPECT_EQ_INT(7, p->id);
        EXPECT_STR("01234567-89ab-cdef-0123-456789abcdef", p->uuid_str);
        EXPECT(p->uuid[0] == 0x01 && p->uuid[15] == 0xef);
        EXPECT(vmon_value_has(&p->m[VMON_DOM_CPU_TIME]) && p->m[VMON_DOM_CPU_TIME].u == UINT64_MAX - 1);
        EXPECT(p->m[VMON_DOM_NET_TX_BYTES].u == 42);
        EXPECT(!vmon_value_has(&p->m[VMON_DOM_VCPU_CURRENT]));
        EXPECT(!vmon_value_has(&p->m[VMON_DOM_DISK_RD_BYTES]));
    }
    EXPECT_EQ_DBL(snap->taken, taken, 1e-5);

    /* too young, too old, other URI, missing: absent (0), never an error */
    EXPECT_EQ_INT(0, chk_state_load(path, "test:///x", now, 20, 60, prev, &taken, &age, why, sizeof(why)));
    EXPECT(strstr(why, "only") != NULL);
    EXPECT_EQ_DBL(10, age, 1);        /* the caller may wait out the rest */
    /* saved by another check after the sample the rates are for: absent too */
    EXPECT_EQ_INT(0, chk_state_load(path, "test:///x", now - 10.05, 0.2, 60, prev, &taken, &age,
                                    why, sizeof(why)));
    EXPECT_EQ_DBL(-0.05, age, 1e-4);
    EXPECT_EQ_INT(0, chk_state_load(path, "test:///x", now, 0, 5, prev, &taken, &age, why, sizeof(why)));
    EXPECT(strstr(why, "more than 5") != NULL);
    EXPECT_EQ_INT(0, chk_state_load(path, "qemu:///system", now, 0, 60, prev, &taken, &age, why, sizeof(why)));
    EXPECT(strstr(why, "another URI") != NULL);
    char *other = chk_state_path(dir, "qemu:///system", d->uuid_str);
    EXPECT(strcmp(other, path) != 0);
    EXPECT_EQ_INT(0, chk_state_load(other, "qemu:///system", now, 0, 60, prev, &taken, &age, why, sizeof(why)));
    EXPECT(strstr(why, "no previous sample") != NULL);
    EXPECT(isnan(age));
    EXPECT_EQ_INT(1, prev->ndomains);    /* nothing was added by the failed loads */

    /* A run without the domain's figures keeps the sample that had them
     * (the next run rates against it) and records since when: the next
     * run's busy-or-hung. */
    snap->taken_wall = 1765000000;
    EXPECT_EQ_INT(0, chk_state_save(path, snap, d, err, sizeof(err)));
    struct vmon_snapshot *later = vmon_snapshot_new();
    later->uri = vmon_strdup("test:///x");
    later->taken = now;
    later->taken_wall = 1765000010;
    struct vmon_domain *b = vmon_snapshot_add_domain(later);
    b->id = 7;
    strcpy(b->uuid_str, d->uuid_str);
    b->partial_groups = VMON_GROUP_CPU | VMON_GROUP_NET;
    b->unanswered_since = 1765000010;
    vmon_value_set(&b->m[VMON_DOM_NET_TX_BYTES], 50);
    EXPECT_EQ_INT(0, chk_state_save(path, later, b, err, sizeof(err)));
    struct vmon_snapshot *ans = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_answering(path, "test:///x", now, 60, ans, why, sizeof(why)));
    if (ans->ndomains == 1) {
        const struct vmon_domain *a = &ans->domains[0];
        EXPECT_EQ_INT(7, a->id);
        EXPECT(a->figures_time == 1765000000 && a->unanswered_since == 1765000010);
        EXPECT(a->m[VMON_DOM_CPU_TIME].u == UINT64_MAX - 1 && a->m[VMON_DOM_NET_TX_BYTES].u == 42);
    }
    EXPECT_EQ_INT(1, chk_state_load(path, "test:///x", now, 1, 60, prev, &taken, &age, why, sizeof(why)));
    EXPECT_EQ_DBL(snap->taken, taken, 1e-5);
    /* figures too old to rate against are not judged on; the record stays */
    vmon_snapshot_unref(ans);
    ans = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_answering(path, "test:///x", now + 100, 60, ans, why, sizeof(why)));
    EXPECT(ans->ndomains == 1 && ans->domains[0].figures_time == 0
           && ans->domains[0].unanswered_since == 1765000010
           && !vmon_value_has(&ans->domains[0].m[VMON_DOM_CPU_TIME]));
    /* another run of the guest: its own sample, without figures */
    b->id = 8;
    EXPECT_EQ_INT(0, chk_state_save(path, later, b, err, sizeof(err)));
    vmon_snapshot_unref(ans);
    ans = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_answering(path, "test:///x", now, 60, ans, why, sizeof(why)));
    EXPECT(ans->ndomains == 1 && ans->domains[0].id == 8 && ans->domains[0].figures_time == 0
           && ans->domains[0].m[VMON_DOM_NET_TX_BYTES].u == 50
           && !vmon_value_has(&ans->domains[0].m[VMON_DOM_CPU_TIME]));
    /* answering again: the mark is gone */
    b->partial_groups = 0;
    b->unanswered_since = 0;
    EXPECT_EQ_INT(0, chk_state_save(path, later, b, err, sizeof(err)));
    vmon_snapshot_unref(ans);
    ans = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_answering(path, "test:///x", now, 60, ans, why, sizeof(why)));
    EXPECT(ans->ndomains == 1 && ans->domains[0].unanswered_since == 0
           && ans->domains[0].figures_time == 1765000010);
    vmon_snapshot_unref(ans);
    vmon_snapshot_unref(later);

    /* corrupt: -1 with where */
    static const char *const corrupt[] = {
        "version 2\n", "boot x\n", "version 1\nm cpu.time 5\n", "version 1\nnonsense here\n",
        "version 1\ntaken 1,5\n", "version 1\nuuid 1234\n", "version 1\nunanswered -5\n",
        "version 1\nfigures 99999999999999\n",
    };
    for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
        FILE *f = fopen(path, "w");
        fputs(corrupt[i], f);
        fclose(f);
        int rc = chk_state_load(path, "test:///x", now, 0, 60, prev, &taken, &age, why, sizeof(why));
        EXPECT_MSG(rc == -1 && strstr(why, path), "corrupt file %zu refused: %s", i, why);
    }

    /* the node's file */
    vmon_value_set(&snap->node.m[VMON_NODE_CPU_IDLE], 1234);
    char *npath = chk_state_path(dir, snap->uri, "node");
    EXPECT_EQ_INT(0, chk_state_save(npath, snap, NULL, err, sizeof(err)));
    struct vmon_snapshot *nprev = vmon_snapshot_new();
    EXPECT_EQ_INT(1, chk_state_load(npath, "test:///x", now, 1, 60, nprev, &taken, &age, why, sizeof(why)));
    EXPECT(nprev->node.m[VMON_NODE_CPU_IDLE].u == 1234 && nprev->ndomains == 0);

    /* an unsafe directory is refused */
    char *open_dir = vmon_asprintf("%s/open", tmp);
    mkdir(open_dir, 0700);
    chmod(open_dir, 0777);
    char *refused = chk_state_dir(open_dir, err, sizeof(err));
    EXPECT(refused == NULL && strstr(err, "writable by others"));

    unlink(path);
    unlink(npath);
    rmdir(open_dir);
    rmdir(sub);
    rmdir(tmp);
    free(refused);
    free(open_dir);
    free(npath);
    free(other);
    free(path);
    free(dir);
    free(sub);
    vmon_snapshot_unref(nprev);
    vmon_snapshot_unref(prev);
    vmon_snapshot_unref(snap);
}

/* A job in the check's words, and --job-time on its running time. */
DEF_TEST(job_text)
{
    struct vmon_domain d = { .state = VMON_STATE_PAUSED, .id = 1 };
    struct vmon_thresholds th = { 0 };
    struct vmon_perfdata pd;
    struct chk_buf why = { 0 };
    char err[256];

    vmon_perfdata_init(&pd);
    EXPECT_EQ_INT(CHK_OK, chk_job_eval(&d, &th, &why, &pd, NULL));
    EXPECT_STR("", chk_buf_str(&why));        /* no job.type: nothing said */
    vmon_value_set(&d.m[VMON_DOM_JOB_TYPE], VMON_JOB_NONE);
    EXPECT(!chk_job_running(&d));

    /* a dump (unbounded: no time remaining) at 25 % after 40 s: ~2 min left */
    vmon_value_set(&d.m[VMON_DOM_JOB_TYPE], VMON_JOB_UNBOUNDED);
    vmon_value_set(&d.m[VMON_DOM_JOB_OPERATION], 8);
    vmon_value_set(&d.m[VMON_DOM_JOB_ELAPSED], 40000);
    vmon_value_set_double(&d.m[VMON_DOM_JOB_PERCENT], 25);
    EXPECT(chk_job_running(&d));
    EXPECT_EQ_INT(0, vmon_thresholds_set(&th, "30", "3600", err, sizeof(err)));
    EXPECT_EQ_INT(CHK_WARNING, chk_job_eval(&d, &th, &why, &pd, "vm1"));
    EXPECT_STR(", dumping 25%, ~2 min left, running 40 s (warning 30 s)", chk_buf_str(&why));
    EXPECT_STR("'vm1::job_time'=40s;30;3600;0", vmon_perfdata_text(&pd));
    chk_buf_clear(&why);

    /* a migration gives its own time remaining; the critical range wins */
    vmon_value_set(&d.m[VMON_DOM_JOB_TYPE], VMON_JOB_BOUNDED);
    vmon_value_set(&d.m[VMON_DOM_JOB_OPERATION], 5);
    vmon_value_set(&d.m[VMON_DOM_JOB_ELAPSED], 7200000);
    vmon_value_set(&d.m[VMON_DOM_JOB_REMAINING], 180000);
    vmon_value_set_double(&d.m[VMON_DOM_JOB_PERCENT], 45.4);
    EXPECT_EQ_INT(CHK_CRITICAL, chk_job_eval(&d, &th, &why, NULL, NULL));
    EXPECT_STR(", migrating 45%, 3 min left, running 2.0 h (critical 3600 s)", chk_buf_str(&why));
    chk_buf_clear(&why);
    vmon_perfdata_clear(&pd);

    EXPECT(vmon_job_reason_has_job(VMON_STATE_PAUSED, 3));    /* saving */
    EXPECT(vmon_job_reason_has_job(VMON_STATE_RUNNING, 10));  /* post-copy */
    EXPECT(!vmon_job_reason_has_job(VMON_STATE_PAUSED, 1));   /* the user's */
    EXPECT(!vmon_job_reason_has_job(VMON_STATE_RUNNING, 1));  /* booted */
    EXPECT_STR("backing up", vmon_job_operation_doing(9));
    EXPECT_STR("in a job", vmon_job_operation_doing(99));
}

/* --fs: mount points chosen by glob, used % against the ranges, perfdata per mount point */
DEF_TEST(guest_fs)
{
    struct vmon_domain d = { .state = VMON_STATE_RUNNING, .id = 1, .fs_time = 1 };
    static const struct { const char *mnt; double pct; } fss[] = {
        { "/", 50 }, { "/var", 85 }, { "/var/log", 95 },
    };
    for (size_t i = 0; i < VMON_ARRAY_SIZE(fss); i++)
        vmon_value_set_double(&vmon_domain_add_fs(&d, fss[i].mnt)->m[VMON_FS_USED_PERCENT], fss[i].pct);
    static const struct {
        const char *mounts, *warn, *crit;
        int want;
        const char *text;
        size_t nperf;
    } cases[] = {
        { NULL, "80", "90", CHK_CRITICAL, ", / 50% used, /var 85% used (warning 80), /var/log 95% used (critical 90)", 3 },
        { "/", "80", "90", CHK_OK, ", / 50% used", 1 },
        { "/var", "80", "90", CHK_WARNING, ", /var 85% used (warning 80)", 1 },
        { "/var*", NULL, "99", CHK_OK, ", /var 85% used, /var/log 95% used", 2 },
        { "/home,/srv", "80", NULL, CHK_UNKNOWN, ", no file system matches --fs '/home,/srv' (mounted: /, /var, /var/log)", 0 },
    };
    for (size_t i = 0; i < VMON_ARRAY_SIZE(cases); i++) {
        struct chk_guestfs g = { .mounts = cases[i].mounts, .warn = cases[i].warn, .crit = cases[i].crit };
        struct chk_buf why = { 0 };
        struct vmon_perfdata pd;
        char err[256];
        vmon_perfdata_init(&pd);
        EXPECT(chk_guestfs_validate(&g, err, sizeof(err)) == 0);
        EXPECT_EQ_INT(cases[i].want, chk_guestfs_eval(&g, &d, NULL, true, &why, &pd));
        EXPECT_STR(cases[i].text, chk_buf_str(&why));
        EXPECT_EQ_U64(cases[i].nperf, pd.count);
        chk_buf_clear(&why);
        vmon_perfdata_clear(&pd);
    }

    /* no figures: the agent's error, or none at all */
    struct chk_guestfs g = { .warn = "80" };
    struct chk_buf why = { 0 };
    char err[256];
    EXPECT(chk_guestfs_validate(&g, err, sizeof(err)) == 0);
    d.fs_error = vmon_strdup("Guest agent is not responding");
    EXPECT_EQ_INT(CHK_UNKNOWN, chk_guestfs_eval(&g, &d, NULL, false, &why, NULL));
    EXPECT_STR(", no file systems: Guest agent is not responding", chk_buf_str(&why));
    chk_buf_clear(&why);
    struct chk_guestfs bad = { .warn = "80:x" };
    EXPECT(chk_guestfs_validate(&bad, err, sizeof(err)) < 0);
    EXPECT_STR("--fs-warning/--fs-critical: warning threshold: invalid range '80:x': the end is not a number", err);
    vmon_domain_clear(&d);
}

int
main(void)
{
    RUN_TEST(policy_defaults);
    RUN_TEST(policy_parse);
    RUN_TEST(pool_policy);
    RUN_TEST(metric_table);
    RUN_TEST(state_file);
    RUN_TEST(job_text);
    RUN_TEST(guest_fs);
    return TAP_END();
}
