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
 * because once abandoned nobody else frees or reads them.
 */
struct vmon_slice {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done, abandoned;
    double finished;             /* monotonic, when done */
    struct vmon_caps caps;
    virDomainPtr *doms;          /* NULL-terminated, for virDomainListGetStats */
    struct vmon_domain *out;
    struct vmon_domxml **xml;
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
        vmon_domain_clear(&s->out[i]);
    }
    free(s->doms);
    free(s->xml);
    free(s->out);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->done_cond);
    free(s);
}

struct vmon_slice *
vmon_slice_new(const struct vmon_caps *caps, virDomainPtr *doms, struct vmon_domxml **xml,
               const struct vmon_domain *identity, size_t count)
{
    struct vmon_slice *s = vmon_alloc(sizeof(*s));

    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->done_cond, NULL);
    s->caps = *caps;
    s->count = count;
    s->doms = vmon_alloc((count + 1) * sizeof(*s->doms));
    s->xml = vmon_alloc((count + 1) * sizeof(*s->xml));
    s->out = vmon_alloc((count + 1) * sizeof(*s->out));
    for (size_t i = 0; i < count; i++) {
        virDomainRef(doms[i]);
        s->doms[i] = doms[i];
        s->xml[i] = vmon_domxml_ref(xml[i]);
        s->out[i] = identity[i];
        s->out[i].name = vmon_strdup(identity[i].name);
    }
    return s;
}

static void
collect_slice_stats(struct vmon_slice *s)
{
    struct vmon_caps *caps = &s->caps;
    unsigned have = caps->no_bulk ? 0 : caps->bulk_groups;
    unsigned missing = VMON_WANTED_GROUPS & ~have;

    if (have && vmon_bulk_collect(caps, have, s->doms, s->out, s->count, s->error,
                                  sizeof(s->error)) < 0) {
        s->failed = 1;
        return;
    }
    for (size_t i = 0; i < s->count; i++) {
        struct vmon_domain *dom = &s->out[i];
        if (missing)
            vmon_fallback_domain(caps, s->doms[i], s->xml[i], missing, dom);
        if (s->xml[i])
            vmon_gaps_fill_from_xml(dom, s->xml[i]);
        if (dom->id >= 0)
            vmon_gaps_mark_partial(caps, have, s->xml[i], dom);
        vmon_domain_sum_devices(dom);
    }
}

static void *
run_slice(void *arg)
{
    struct vmon_slice *s = arg;

    collect_slice_stats(s);
    pthread_mutex_lock(&s->lock);
    s->finished = vmon_now_mono();
    s->done = true;
    bool abandoned = s->abandoned;
    pthread_cond_signal(&s->done_cond);
    pthread_mutex_unlock(&s->lock);
    if (abandoned)
        slice_free(s);
    return NULL;
}

void
vmon_slice_start(struct vmon_slice *s)
{
    pthread_t thread;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    bool ok = pthread_create(&thread, &attr, run_slice, s) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) {
        collect_slice_stats(s);
        s->finished = vmon_now_mono();
        s->done = true;
    }
}

bool
vmon_slice_wait(struct vmon_slice *s, double deadline, double *finished)
{
    struct timespec until;
    double left = deadline - vmon_now_mono();

    clock_gettime(CLOCK_REALTIME, &until);
    double t = vmon_timespec_seconds(&until) + (left > 0 ? left : 0);
    until.tv_sec = (time_t) t;
    until.tv_nsec = (long) ((t - (double) until.tv_sec) * 1e9);

    pthread_mutex_lock(&s->lock);
    while (!s->done)
        if (pthread_cond_timedwait(&s->done_cond, &s->lock, &until) != 0)
            break;
    bool done = s->done;
    if (done)
        *finished = s->finished;
    else
        s->abandoned = true;
    pthread_mutex_unlock(&s->lock);
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
    slice_free(s);
}
