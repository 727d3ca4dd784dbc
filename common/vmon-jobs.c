/*
 * Domain jobs: virDomainGetJobStats, asked only of the domains that have
 * a job or may have one, never of every domain every poll.  Which ones:
 * those whose state reason says a job holds them (paused for a save, a
 * dump, a migration...), those a job event named (a live migration's
 * iterations, a job that completed), and those that had a job last poll,
 * until they report none.  The call itself runs in a slice
 * (vmon-slice.c), so a guest whose monitor hangs costs only its slice's
 * patience, as any per-domain call does.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "vmon-collect-priv.h"
#include "vmon-conn.h"
#include "vmon-util.h"

_Static_assert(VIR_DOMAIN_JOB_OPERATION_DUMP == 8 && VIR_DOMAIN_JOB_OPERATION_BACKUP == 9,
               "vmon_job_operation_doing() follows libvirt's numbers");
_Static_assert(VIR_DOMAIN_PAUSED_SAVE == 3 && VIR_DOMAIN_PAUSED_POSTCOPY == 12 &&
               VIR_DOMAIN_RUNNING_POSTCOPY == 10,
               "vmon_job_reason_has_job() follows libvirt's numbers");
_Static_assert((int) VIR_DOMAIN_JOB_BOUNDED == (int) VMON_JOB_BOUNDED &&
               (int) VIR_DOMAIN_JOB_UNBOUNDED == (int) VMON_JOB_UNBOUNDED, "job types follow libvirt");

struct uuid_set {
    unsigned char (*uuid)[16];
    size_t n, cap;
};

struct vmon_jobwatch {
    pthread_mutex_t lock;
    struct uuid_set told;        /* named by an event since the last poll began (lock) */
    struct uuid_set had;         /* had a job, or gave no answer, last poll (poller only) */
};

static bool
set_has(const struct uuid_set *s, const unsigned char uuid[16])
{
    for (size_t i = 0; i < s->n; i++)
        if (memcmp(s->uuid[i], uuid, 16) == 0)
            return true;
    return false;
}

static void
set_add(struct uuid_set *s, const unsigned char uuid[16])
{
    if (set_has(s, uuid))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->uuid = vmon_realloc_array(s->uuid, s->cap, 16);
    }
    memcpy(s->uuid[s->n++], uuid, 16);
}

struct vmon_jobwatch *
vmon_jobwatch_new(void)
{
    struct vmon_jobwatch *w = vmon_alloc(sizeof(*w));

    pthread_mutex_init(&w->lock, NULL);
    return w;
}

void
vmon_jobwatch_free(struct vmon_jobwatch *w)
{
    if (!w)
        return;
    free(w->told.uuid);
    free(w->had.uuid);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void
vmon_jobwatch_told(struct vmon_jobwatch *w, const unsigned char uuid[16])
{
    pthread_mutex_lock(&w->lock);
    set_add(&w->told, uuid);
    pthread_mutex_unlock(&w->lock);
}

bool *
vmon_jobwatch_begin(struct vmon_jobwatch *w, const struct vmon_domain *doms, size_t count)
{
    bool *watch = vmon_alloc((count + 1) * sizeof(*watch));
    struct uuid_set told;

    pthread_mutex_lock(&w->lock);
    told = w->told;
    memset(&w->told, 0, sizeof(w->told));
    pthread_mutex_unlock(&w->lock);
    for (size_t i = 0; i < count; i++)
        watch[i] = set_has(&told, doms[i].uuid) || set_has(&w->had, doms[i].uuid);
    free(told.uuid);
    return watch;
}

void
vmon_jobwatch_end(struct vmon_jobwatch *w, const struct vmon_domain *doms, size_t count,
                  const bool *watch)
{
    w->had.n = 0;
    for (size_t i = 0; i < count; i++) {
        const struct vmon_value *type = &doms[i].m[VMON_DOM_JOB_TYPE];
        bool running = vmon_value_has(type) && type->u != VMON_JOB_NONE;
        /* asked and not answered (its slice gave up): ask again next poll */
        bool unanswered = watch[i] && doms[i].id >= 0 && !vmon_value_has(type);
        if (running || unanswered)
            set_add(&w->had, doms[i].uuid);
    }
}

void
vmon_jobwatch_forget(struct vmon_jobwatch *w)
{
    w->had.n = 0;
}

/* The typed parameters libvirt names "time_elapsed"... into the metrics keyed "job.time_elapsed". */
static void
apply_params(const virTypedParameter *params, int n, struct vmon_domain *dom)
{
    for (int i = 0; i < n; i++) {
        char key[VIR_TYPED_PARAM_FIELD_LENGTH + 8];
        const struct vmon_metric_desc *d;
        uint64_t v;

        snprintf(key, sizeof(key), "job.%s", params[i].field);
        if ((d = vmon_metric_find(VMON_SCOPE_DOMAIN, key)) && d->kind != VMON_KIND_DERIVED &&
            d->id != VMON_DOM_JOB_TYPE && vmon_typed_param_u64(&params[i], &v))
            vmon_value_set(&dom->m[d->id], v);
    }
    /*
     * virsh's progress (migrate --verbose): the share of the data no longer
     * remaining.  Processed over total would say 2 % at the end of a save
     * of a mostly empty guest: zero pages are skipped, not sent.
     */
    int base = vmon_value_has(&dom->m[VMON_DOM_JOB_DATA_TOTAL]) ? VMON_DOM_JOB_DATA_TOTAL
                                                                : VMON_DOM_JOB_MEM_TOTAL;
    _Static_assert(VMON_DOM_JOB_DATA_PROCESSED == VMON_DOM_JOB_DATA_TOTAL + 1 &&
                   VMON_DOM_JOB_DATA_REMAINING == VMON_DOM_JOB_DATA_TOTAL + 2 &&
                   VMON_DOM_JOB_MEM_PROCESSED == VMON_DOM_JOB_MEM_TOTAL + 1 &&
                   VMON_DOM_JOB_MEM_REMAINING == VMON_DOM_JOB_MEM_TOTAL + 2,
                   "total, processed, remaining in a row");
    const struct vmon_value *total = &dom->m[base], *done = &dom->m[base + 1];
    const struct vmon_value *left = &dom->m[base + 2];
    double part = -1;
    if (vmon_value_has(total) && total->u > 0) {
        if (vmon_value_has(left))
            part = (double) (total->u - (left->u < total->u ? left->u : total->u));
        else if (vmon_value_has(done))
            part = (double) (done->u < total->u ? done->u : total->u);
    }
    if (part >= 0)
        vmon_value_set_double(&dom->m[VMON_DOM_JOB_PERCENT], 100.0 * part / (double) total->u);
}

void
vmon_job_collect(struct vmon_caps *caps, virDomainPtr d, struct vmon_domain *dom)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0, type = VIR_DOMAIN_JOB_NONE;

    if (caps->no_job_stats)
        return;
    if (virDomainGetJobStats(d, &type, &params, &nparams, 0) < 0) {
        if (vmon_virt_unsupported())
            caps->no_job_stats = true;
        return;
    }
    vmon_value_set(&dom->m[VMON_DOM_JOB_TYPE], (uint64_t) type);
    if (type != VIR_DOMAIN_JOB_NONE)
        apply_params(params, nparams, dom);
    virTypedParamsFree(params, nparams);
}
