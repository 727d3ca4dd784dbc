/*
 * One worker's share of the domains, collected on a thread of its own:
 * bulk stats, the per-domain calls for what bulk leaves out, the gaps
 * filled or named.  A poll waits for a slice only so long; a slice stuck
 * on a frozen guest is abandoned and finishes, or not, on its own time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmon-collect-priv.h"
#include "vmon-rates.h"
#include "vmon-util.h"

/*
 * A slice owns everything it touches (its own domain records, references
 * on the domains and their XML, a copy of the driver's capabilities),
 * because once abandoned nobody else frees or reads them.  Its thread and
 * the poll share it through h: the last of the two to let go frees it.
 */
struct vmon_slice {
    struct vmon_handoff h;
    double finished;             /* monotonic, when done */
    double deadline;             /* monotonic: the poll waits no longer for this slice */
    struct vmon_caps caps;
    virDomainPtr *doms;          /* NULL-terminated, for virDomainListGetStats */
    struct vmon_domain *out;
    struct vmon_domxml **xml;
    bool *jobs;                  /* ask these for their job too; NULL: ask none */
    size_t count;
    int failed;
    char error[512];
};

static void
slice_free(struct vmon_slice *s)
{
    for (size_t i = 0; i < s->count; i++) {
        virDomainFree(s->doms[i]);
        vmon_domxml_free(s->xml[i]);
    }
    free(s->doms);
    free(s->xml);
    free(s->jobs);
    vmon_domain_array_free(s->out, s->count);
    vmon_handoff_destroy(&s->h);
    free(s);
}

struct vmon_slice *
vmon_slice_new(const struct vmon_caps *caps, virDomainPtr *doms, struct vmon_domxml **xml,
               const struct vmon_domain *identity, const bool *jobs, size_t count,
               double deadline)
{
    struct vmon_slice *s = vmon_alloc(sizeof(*s));

    s->deadline = deadline;

    vmon_handoff_init(&s->h);
    s->caps = *caps;
    s->count = count;
    s->doms = vmon_alloc((count + 1) * sizeof(*s->doms));
    s->xml = vmon_alloc((count + 1) * sizeof(*s->xml));
    s->out = vmon_alloc((count + 1) * sizeof(*s->out));
    if (jobs) {
        s->jobs = vmon_alloc((count + 1) * sizeof(*s->jobs));
        memcpy(s->jobs, jobs, count * sizeof(*jobs));
    }
    for (size_t i = 0; i < count; i++) {
        virDomainRef(doms[i]);
        s->doms[i] = doms[i];
        s->xml[i] = vmon_domxml_ref(xml[i]);
        s->out[i] = identity[i];
        s->out[i].name = vmon_strdup(identity[i].name);
    }
    return s;
}

/* The groups of ours that VIR_DOMAIN_STATS_* bits give. */
static unsigned
groups_of(unsigned stats)
{
    return (stats & VIR_DOMAIN_STATS_CPU_TOTAL ? VMON_GROUP_CPU : 0) |
           (stats & VIR_DOMAIN_STATS_BALLOON ? VMON_GROUP_BALLOON : 0) |
           (stats & VIR_DOMAIN_STATS_VCPU ? VMON_GROUP_VCPU : 0) |
           (stats & VIR_DOMAIN_STATS_BLOCK ? VMON_GROUP_BLOCK : 0) |
           (stats & VIR_DOMAIN_STATS_INTERFACE ? VMON_GROUP_NET : 0);
}

/* Fill what the stats left out, name what is still missing, sum the devices. */
static void
finish_domain(struct vmon_slice *s, size_t i, unsigned have)
{
    struct vmon_domain *dom = &s->out[i];

    if (s->xml[i])
        vmon_gaps_fill_from_xml(dom, s->xml[i]);
    if (dom->id >= 0) {
        dom->partial_groups = 0;
        vmon_gaps_mark_partial(&s->caps, have, s->xml[i], dom);
    }
    vmon_domain_sum_devices(dom);
}

/*
 * NOWAIT skips a guest whose job another libvirt client (virsh domstats,
 * collectd's virt plugin, an exporter) holds at that instant, exactly as
 * it skips a hung guest.  Such a job lasts milliseconds: ask once more for
 * the guests skipped, a moment later and again with NOWAIT, so a guest
 * hung in its monitor still costs no wait.  Only bulk groups are asked
 * again (a per-domain call would wait on the monitor), and only when the
 * retry still ends before the poll stops waiting for this slice.
 */
#define RETRY_DELAY 0.2

static void
retry_skipped(struct vmon_slice *s, unsigned have, double first_call)
{
    unsigned bulk = groups_of(have);
    virDomainPtr *doms = vmon_alloc((s->count + 1) * sizeof(*doms));
    size_t *at = vmon_alloc((s->count + 1) * sizeof(*at));
    size_t n = 0;

    for (size_t i = 0; i < s->count; i++)
        if (s->out[i].id >= 0 && (s->out[i].partial_groups & bulk)) {
            at[n] = i;
            doms[n++] = s->doms[i];
        }
    if (n && vmon_now_mono() + RETRY_DELAY + first_call < s->deadline) {
        struct timespec pause = { 0, (long) (RETRY_DELAY * 1e9) };
        nanosleep(&pause, NULL);
        char error[sizeof(s->error)];
        /* the records are matched by UUID: the whole slice's, filled in place */
        if (vmon_bulk_collect(&s->caps, have, doms, s->out, s->count, error, sizeof(error)) == 0)
            for (size_t k = 0; k < n; k++)
                finish_domain(s, at[k], have);
    }
    free(doms);
    free(at);
}

/*
 * Last, after every figure the bulk call gave: a job call waits on the
 * guest's monitor, so a hung one must cost the slice nothing else.  The
 * state reason comes from the bulk call; a domain not asked has no job
 * (job.type 0), which keeps a finished job's end visible.
 */
static void
collect_jobs(struct vmon_slice *s)
{
    if (!s->jobs)
        return;
    for (size_t i = 0; i < s->count && !s->caps.no_job_stats; i++) {
        struct vmon_domain *dom = &s->out[i];
        if (dom->id >= 0 && (s->jobs[i] || vmon_job_reason_has_job(dom->state, dom->reason)))
            vmon_job_collect(&s->caps, s->doms[i], dom);
    }
    if (s->caps.no_job_stats)
        return;
    for (size_t i = 0; i < s->count; i++)
        if (!vmon_value_has(&s->out[i].m[VMON_DOM_JOB_TYPE]))
            vmon_value_set(&s->out[i].m[VMON_DOM_JOB_TYPE], VMON_JOB_NONE);
}

static void
collect_slice_stats(struct vmon_slice *s)
{
    struct vmon_caps *caps = &s->caps;
    unsigned have = caps->no_bulk ? 0 : caps->bulk_groups;
    unsigned missing = VMON_WANTED_GROUPS & ~have;
    double started = vmon_now_mono();

    if (have && vmon_bulk_collect(caps, have, s->doms, s->out, s->count, s->error,
                                  sizeof(s->error)) < 0) {
        s->failed = 1;
        return;
    }
    double first_call = vmon_now_mono() - started;
    for (size_t i = 0; i < s->count; i++) {
        if (missing)
            vmon_fallback_domain(caps, s->doms[i], s->xml[i], missing, &s->out[i]);
        finish_domain(s, i, have);
    }
    if (have && caps->bulk_nowait)
        retry_skipped(s, have, first_call);
    collect_jobs(s);
}

static void *
run_slice(void *arg)
{
    struct vmon_slice *s = arg;

    collect_slice_stats(s);
    /* read only by a waiter that sees done, which the lock orders after it */
    s->finished = vmon_now_mono();
    vmon_handoff_finish(&s->h);
    if (vmon_handoff_put(&s->h))
        slice_free(s);
    return NULL;
}

void
vmon_slice_start(struct vmon_slice *s)
{
    /* no thread to be had: the work here, and the thread's reference dropped */
    if (!vmon_thread_detached(run_slice, s))
        run_slice(s);
}

bool
vmon_slice_wait(struct vmon_slice *s, double deadline, double *finished)
{
    pthread_mutex_lock(&s->h.lock);
    bool done = vmon_handoff_wait(&s->h, deadline);
    if (done)
        *finished = s->finished;
    pthread_mutex_unlock(&s->h.lock);
    /* given up on: the thread frees it when its call comes back (or we do,
     * if it came back just now) */
    if (!done && vmon_handoff_put(&s->h))
        slice_free(s);
    return done;
}

static void
merge_caps(struct vmon_caps *into, const struct vmon_caps *from)
{
    into->bulk_nowait = into->bulk_nowait && from->bulk_nowait;
    into->no_block_stats_flags |= from->no_block_stats_flags;
    into->no_block_stats |= from->no_block_stats;
    into->no_block_info |= from->no_block_info;
    into->no_iface_stats |= from->no_iface_stats;
    into->no_memory_stats |= from->no_memory_stats;
    into->no_cpu_stats |= from->no_cpu_stats;
    into->no_vcpus |= from->no_vcpus;
    into->no_job_stats |= from->no_job_stats;
}

const char *
vmon_slice_error(const struct vmon_slice *s)
{
    return s->failed ? s->error : NULL;
}

void
vmon_slice_take(struct vmon_slice *s, struct vmon_caps *caps, struct vmon_domain *dst)
{
    merge_caps(caps, &s->caps);
    for (size_t i = 0; i < s->count; i++) {
        vmon_domain_clear(&dst[i]);
        dst[i] = s->out[i];
        memset(&s->out[i], 0, sizeof(s->out[i]));
    }
    if (vmon_handoff_put(&s->h))
        slice_free(s);
}
