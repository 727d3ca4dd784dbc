#include "vmon-window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-util.h"

struct bucket {
    long epoch;          /* which bucket_len slice of time this holds; -1 empty */
    double min, max, sum;
    unsigned count;
};

struct series_set {
    unsigned char uuid[16];
    double last_seen;
    struct bucket *buckets;   /* [metric slot][bucket] */
};

struct vmon_window {
    double bucket_len;
    unsigned nbuckets;
    unsigned nslots;
    int slot_metric[VMON_DOM__N];  /* slot -> domain metric id */
    struct series_set *sets;       /* sorted by uuid */
    size_t nsets;
};

struct vmon_window *
vmon_window_new(double seconds, unsigned buckets)
{
    struct vmon_window *w = vmon_alloc(sizeof(*w));
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(VMON_SCOPE_DOMAIN, &n);

    w->nbuckets = buckets ? buckets : 1;
    w->bucket_len = seconds / w->nbuckets;
    for (size_t i = 0; i < n; i++)
        if (desc[i].flags & VMON_MF_WINDOW)
            w->slot_metric[w->nslots++] = desc[i].id;
    return w;
}

/* The sets last seen before `before` freed; the others kept, in order. */
static void
forget_sets(struct vmon_window *w, double before)
{
    size_t kept = 0;

    for (size_t i = 0; i < w->nsets; i++) {
        if (w->sets[i].last_seen < before)
            free(w->sets[i].buckets);
        else
            w->sets[kept++] = w->sets[i];
    }
    w->nsets = kept;
}

void
vmon_window_free(struct vmon_window *w)
{
    if (!w)
        return;
    forget_sets(w, INFINITY);
    free(w->sets);
    free(w);
}

static int
compare_sets(const void *a, const void *b)
{
    return memcmp(((const struct series_set *) a)->uuid, ((const struct series_set *) b)->uuid, 16);
}

static struct series_set *
find_or_add(struct vmon_window *w, const unsigned char uuid[16], bool *added)
{
    struct series_set key;

    memcpy(key.uuid, uuid, 16);
    struct series_set *s = bsearch(&key, w->sets, w->nsets, sizeof(*w->sets), compare_sets);
    if (s)
        return s;
    w->sets = vmon_realloc_array(w->sets, w->nsets + 1, sizeof(*w->sets));
    s = &w->sets[w->nsets++];
    memset(s, 0, sizeof(*s));
    memcpy(s->uuid, uuid, 16);
    s->buckets = vmon_realloc_array(NULL, (size_t) w->nslots * w->nbuckets, sizeof(struct bucket));
    for (size_t i = 0; i < (size_t) w->nslots * w->nbuckets; i++)
        s->buckets[i].epoch = -1;
    *added = true;
    return s;
}

static bool
sample_of(const struct vmon_domain *dom, int metric, double *value)
{
    const struct vmon_value *v = &dom->m[metric];
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(VMON_SCOPE_DOMAIN, &n);

    if (desc[metric].kind == VMON_KIND_COUNTER) {
        if (!vmon_value_has_rate(v))
            return false;
    } else if (!vmon_value_has(v)) {
        return false;
    }
    *value = v->d;
    return true;
}

static void
add_sample(struct bucket *b, long epoch, double value)
{
    if (b->epoch != epoch) {
        b->epoch = epoch;
        b->min = b->max = value;
        b->sum = 0;
        b->count = 0;
    }
    if (value < b->min)
        b->min = value;
    if (value > b->max)
        b->max = value;
    b->sum += value;
    b->count++;
}

static void
summarize(const struct bucket *row, unsigned nbuckets, long epoch, struct vmon_window_stat *st)
{
    double sum = 0;
    unsigned count = 0;

    memset(st, 0, sizeof(*st));
    for (unsigned i = 0; i < nbuckets; i++) {
        const struct bucket *b = &row[i];
        if (b->epoch < 0 || b->epoch <= epoch - (long) nbuckets || !b->count)
            continue;
        if (!count || b->min < st->min)
            st->min = b->min;
        if (!count || b->max > st->max)
            st->max = b->max;
        sum += b->sum;
        count += b->count;
    }
    if (count) {
        st->avg = sum / count;
        st->have = true;
    }
}

void
vmon_window_update(struct vmon_window *w, struct vmon_snapshot *snap)
{
    long epoch = (long) floor(snap->taken / w->bucket_len);
    bool added = false;

    /* add first, sort once: pointers into w->sets are not kept across adds */
    for (size_t i = 0; i < snap->ndomains; i++)
        find_or_add(w, snap->domains[i].uuid, &added);
    if (added)
        qsort(w->sets, w->nsets, sizeof(*w->sets), compare_sets);

    for (size_t i = 0; i < snap->ndomains; i++) {
        struct vmon_domain *dom = &snap->domains[i];
        struct series_set *s = find_or_add(w, dom->uuid, &added);
        s->last_seen = snap->taken;
        for (unsigned slot = 0; slot < w->nslots; slot++) {
            int metric = w->slot_metric[slot];
            struct bucket *row = &s->buckets[(size_t) slot * w->nbuckets];
            double value;
            if (sample_of(dom, metric, &value))
                add_sample(&row[epoch % w->nbuckets], epoch, value);
            summarize(row, w->nbuckets, epoch, &dom->win[metric]);
        }
    }

    /*
     * A domain the poll did not list is gone (undefined, or transient and
     * stopped; a shut-off domain is listed and keeps its history): its
     * history goes with it.  Held for a window instead, a host that
     * defines short-lived guests, each with a new UUID, kept ~6 KB of
     * buckets for each of them for an hour (bench/soak.sh).
     */
    forget_sets(w, snap->taken);
}

size_t
vmon_window_domains(const struct vmon_window *w)
{
    return w->nsets;
}
