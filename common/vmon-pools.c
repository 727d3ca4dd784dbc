/*
 * The storage pools, once per poll, on a thread of their own so that a
 * pool whose backend hangs (an unreachable NFS or iSCSI server holds the
 * pool's lock in libvirtd) costs that pool's figures, never the poll.
 *
 * Each poll: virConnectListAllStoragePools, then per pool GetInfo,
 * GetAutostart and IsPersistent.  The pool's XML (type, target path) and its
 * number of volumes are fetched only when the pool is new, its state
 * changed, a storage-pool event said it changed (vmon_pools_invalidate), or
 * every REFRESH_POLLS polls: libvirt has no event for a volume created or
 * deleted, and a one-shot check has no events at all.
 *
 * A call that does not return by the poll's deadline is left behind: the
 * pool it is out on is skipped (its last figures carried, marked stale) for
 * as long as that call stays out, and while the list call itself is out no
 * new one is made.  A host without a storage driver is noticed once per
 * connection and reports no pools, not an error.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vmon-collect-priv.h"
#include "vmon-conn.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

#define REFRESH_POLLS 30

/* What the XML and the volume list said of a pool, kept across polls. */
struct pool_details {
    unsigned char uuid[16];
    int state;               /* the state they were read in */
    unsigned age;            /* polls since they were read */
    char *type, *path;
    bool have_volumes;
    uint64_t volumes;
};

/*
 * One poll's pool collection.  Shared by the poll and the thread (h):
 * once the poll stops waiting it keeps the job only to know which pool the
 * thread is stuck on.
 */
struct pool_job {
    struct vmon_handoff h;
    virConnectPtr conn;
    /* inputs, read-only once started */
    struct pool_details *known;
    size_t nknown;
    unsigned char (*skip)[16];
    size_t nskip;
    /* pools libvirt lists as autostarted and as persistent; n < 0: ask each pool */
    struct uuid_list { unsigned char (*uuid)[16]; int n; } autostart, persistent;
    /* progress and results, under lock */
    bool listing;            /* a list call is out */
    bool in_pool;            /* a call on out[ndone] is out */
    struct vmon_pool *out;   /* identity of all nout, figures of the first ndone */
    bool *fetched;           /* out[i]'s details read this poll */
    size_t nout, ndone;
    bool unsupported, failed;
    char error[256];
};

struct vmon_pools {
    int generation;          /* atomic: bumped by storage-pool events */
    int seen_generation;
    bool no_driver;          /* this connection has no storage driver */
    struct pool_details *known;
    size_t nknown;
    struct vmon_pool *last;  /* the last poll's pools, carried for stale ones */
    size_t nlast;
    struct pool_job **stuck; /* jobs left behind, while their call is out */
    size_t nstuck;
    struct pool_job *job;    /* this poll's */
};

VMON_STRINGS(details_strings, struct pool_details, type, path);

/* *d's *n details freed, and the list left empty */
static void
details_clear(struct pool_details **d, size_t *n)
{
    vmon_strings_array_free(*d, *n, sizeof(**d), &details_strings);
    *d = NULL;
    *n = 0;
}

static void
job_unref(struct pool_job *j)
{
    if (!vmon_handoff_put(&j->h))
        return;
    virConnectClose(j->conn);
    details_clear(&j->known, &j->nknown);
    free(j->skip);
    vmon_pool_array_free(j->out, j->nout);
    free(j->fetched);
    free(j->autostart.uuid);
    free(j->persistent.uuid);
    vmon_handoff_destroy(&j->h);
    free(j);
}

struct vmon_pools *
vmon_pools_new(void)
{
    return vmon_alloc(sizeof(struct vmon_pools));
}

void
vmon_pools_forget(struct vmon_pools *p)
{
    p->no_driver = false;
    details_clear(&p->known, &p->nknown);
}

void
vmon_pools_free(struct vmon_pools *p)
{
    if (!p)
        return;
    vmon_pools_forget(p);
    vmon_pool_array_free(p->last, p->nlast);
    for (size_t i = 0; i < p->nstuck; i++)
        job_unref(p->stuck[i]);
    free(p->stuck);
    if (p->job)
        job_unref(p->job);
    free(p);
}

void
vmon_pools_invalidate(struct vmon_pools *p)
{
    __atomic_add_fetch(&p->generation, 1, __ATOMIC_RELEASE);
}

static char *
xpath_string(xmlXPathContextPtr ctx, const char *expr)
{
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *) expr, ctx);
    char *out = NULL;

    if (obj && obj->type == XPATH_STRING && obj->stringval && *obj->stringval)
        out = vmon_strdup((const char *) obj->stringval);
    xmlXPathFreeObject(obj);
    return out;
}

/* The pool's type and target path, from its XML. */
static void
read_pool_xml(virStoragePoolPtr pool, struct pool_details *d)
{
    char *xml = virStoragePoolGetXMLDesc(pool, 0);

    if (!xml)
        return;
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), "pool.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(xml);
    if (!doc)
        return;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (ctx) {
        d->type = xpath_string(ctx, "string(/pool/@type)");
        d->path = xpath_string(ctx, "string(/pool/target/path)");
        xmlXPathFreeContext(ctx);
    }
    xmlFreeDoc(doc);
}

static const struct pool_details *
find_known(const struct pool_job *j, const unsigned char uuid[16])
{
    return vmon_uuid_find(j->known, j->nknown, sizeof(*j->known),
                          offsetof(struct pool_details, uuid), uuid);
}

/*
 * The UUIDs of the pools libvirt lists with flags: one call for every pool's
 * autostart (or persistence) instead of one per pool each poll.  l->n < 0
 * when the call failed.
 */
static void
list_flagged(virConnectPtr conn, unsigned flags, struct uuid_list *l)
{
    virStoragePoolPtr *list = NULL;

    l->n = virConnectListAllStoragePools(conn, &list, flags);
    if (l->n < 0) {
        virResetLastError();
        return;
    }
    l->uuid = vmon_realloc_array(NULL, (size_t) l->n + 1, 16);
    for (int i = 0; i < l->n; i++) {
        virStoragePoolGetUUID(list[i], l->uuid[i]);
        virStoragePoolFree(list[i]);
    }
    free(list);
}

/* 1 or 0 when l says, -1 when it cannot (its call failed) */
static int
listed(const struct uuid_list *l, const unsigned char uuid[16])
{
    if (l->n < 0)
        return -1;
    for (int i = 0; i < l->n; i++)
        if (memcmp(l->uuid[i], uuid, 16) == 0)
            return 1;
    return 0;
}

/* rec's figures and details from libvirt; *fetched when the details were read anew. */
static void
read_pool(struct pool_job *j, virStoragePoolPtr pool, struct vmon_pool *rec, bool *fetched)
{
    virStoragePoolInfo info;
    int flag;
    int autostart = listed(&j->autostart, rec->uuid), persistent = listed(&j->persistent, rec->uuid);

    if (virStoragePoolGetInfo(pool, &info) == 0) {
        rec->state = info.state;
        vmon_value_set(&rec->m[VMON_POOL_CAPACITY], info.capacity);
        vmon_value_set(&rec->m[VMON_POOL_ALLOCATION], info.allocation);
        vmon_value_set(&rec->m[VMON_POOL_AVAILABLE], info.available);
    } else {
        rec->state = VMON_POOL_INACCESSIBLE;
        rec->stale = true;
    }
    if (autostart < 0)
        autostart = virStoragePoolGetAutostart(pool, &flag) == 0 && flag > 0;
    if (persistent < 0)
        persistent = virStoragePoolIsPersistent(pool) == 1;
    rec->autostart = autostart;
    rec->persistent = persistent;

    const struct pool_details *k = find_known(j, rec->uuid);
    struct pool_details d = { .state = rec->state };
    if (k && k->state == rec->state && k->age < REFRESH_POLLS) {
        d = *k;
        *fetched = false;
    } else {
        read_pool_xml(pool, &d);
        int n = rec->state == VMON_POOL_RUNNING ? virStoragePoolNumOfVolumes(pool) : -1;
        d.have_volumes = n >= 0;
        d.volumes = n >= 0 ? (uint64_t) n : 0;
        *fetched = true;
    }
    rec->type = d.type ? vmon_strdup(d.type) : NULL;
    rec->path = d.path ? vmon_strdup(d.path) : NULL;
    if (d.have_volumes)
        vmon_value_set(&rec->m[VMON_POOL_VOLUMES], d.volumes);
    if (*fetched) {
        free(d.type);
        free(d.path);
    }
}

static void
list_failed(struct pool_job *j)
{
    virErrorPtr err = virGetLastError();

    pthread_mutex_lock(&j->h.lock);
    /* no storage driver: libvirtd built without it, or modular daemons without virtstoraged */
    if (vmon_virt_unsupported() || (err && err->code == VIR_ERR_NO_CONNECT))
        j->unsupported = true;
    else
        j->failed = true;
    snprintf(j->error, sizeof(j->error), "cannot list storage pools: %s", vmon_virt_error());
    j->listing = false;
    pthread_mutex_unlock(&j->h.lock);
}

static void
collect_job(struct pool_job *j)
{
    virStoragePoolPtr *list = NULL;

    int n = virConnectListAllStoragePools(j->conn, &list, 0);

    if (n < 0) {
        list_failed(j);
        return;
    }
    /* still listing: a call stuck here is stuck on the whole storage driver, no one pool */
    list_flagged(j->conn, VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART, &j->autostart);
    list_flagged(j->conn, VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT, &j->persistent);
    pthread_mutex_lock(&j->h.lock);
    j->listing = false;
    j->out = vmon_alloc(((size_t) n + 1) * sizeof(*j->out));
    j->fetched = vmon_alloc(((size_t) n + 1) * sizeof(*j->fetched));
    for (int i = 0; i < n; i++) {
        struct vmon_pool *rec = &j->out[i];
        /* name and UUID come with the list: no call */
        rec->name = vmon_strdup(virStoragePoolGetName(list[i]));
        virStoragePoolGetUUID(list[i], rec->uuid);
        virStoragePoolGetUUIDString(list[i], rec->uuid_str);
        rec->state = VMON_POOL_INACCESSIBLE;
        rec->stale = true;
    }
    j->nout = (size_t) n;
    pthread_mutex_unlock(&j->h.lock);

    for (int i = 0; i < n; i++) {
        struct vmon_pool rec = { 0 };
        bool fetched = false;
        pthread_mutex_lock(&j->h.lock);
        memcpy(rec.uuid, j->out[i].uuid, 16);
        bool skip = vmon_uuid_find(j->skip, j->nskip, sizeof(*j->skip), 0, rec.uuid) != NULL;
        j->in_pool = !skip;
        pthread_mutex_unlock(&j->h.lock);
        if (!skip)
            read_pool(j, list[i], &rec, &fetched);
        pthread_mutex_lock(&j->h.lock);
        if (!skip) {
            struct vmon_pool *out = &j->out[i];
            rec.name = out->name;
            memcpy(rec.uuid_str, out->uuid_str, sizeof(rec.uuid_str));
            *out = rec;
            j->fetched[i] = fetched;
        }
        j->in_pool = false;
        j->ndone = (size_t) i + 1;
        pthread_mutex_unlock(&j->h.lock);
        virStoragePoolFree(list[i]);
    }
    free(list);
}

static void *
run_job(void *arg)
{
    struct pool_job *j = arg;

    collect_job(j);
    vmon_handoff_finish(&j->h);
    job_unref(j);
    return NULL;
}

/* Forget the jobs left behind whose call came back; false when one is still listing. */
static bool
prune_stuck(struct vmon_pools *p, unsigned char (**skip)[16], size_t *nskip)
{
    bool listing = false;
    size_t keep = 0;

    *skip = vmon_realloc_array(NULL, p->nstuck + 1, 16);
    *nskip = 0;
    for (size_t i = 0; i < p->nstuck; i++) {
        struct pool_job *j = p->stuck[i];
        pthread_mutex_lock(&j->h.lock);
        bool done = j->h.done;
        if (!done && j->listing)
            listing = true;
        else if (!done && j->in_pool && j->ndone < j->nout)
            memcpy((*skip)[(*nskip)++], j->out[j->ndone].uuid, 16);
        pthread_mutex_unlock(&j->h.lock);
        if (done)
            job_unref(j);
        else
            p->stuck[keep++] = j;
    }
    p->nstuck = keep;
    return !listing;
}

void
vmon_pools_start(struct vmon_pools *p, virConnectPtr conn)
{
    unsigned char (*skip)[16];
    size_t nskip;

    int gen = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE);
    if (gen != p->seen_generation) {
        details_clear(&p->known, &p->nknown);
        p->seen_generation = gen;
    }
    if (!prune_stuck(p, &skip, &nskip) || p->no_driver) {
        free(skip);
        return;
    }
    struct pool_job *j = vmon_alloc(sizeof(*j));
    vmon_handoff_init(&j->h);
    j->listing = true;
    virConnectRef(conn);
    j->conn = conn;
    j->skip = skip;
    j->nskip = nskip;
    j->known = vmon_realloc_array(NULL, p->nknown + 1, sizeof(*j->known));
    j->nknown = p->nknown;
    for (size_t i = 0; i < p->nknown; i++) {
        j->known[i] = p->known[i];
        vmon_strings_dup(&j->known[i], &details_strings);
    }
    p->job = j;

    if (!vmon_thread_detached(run_job, j))
        run_job(j);
}

/* A pool with no figures this poll: its last ones, if any, marked stale. */
static void
add_stale(struct vmon_pools *p, struct vmon_snapshot *snap, const struct vmon_pool *identity)
{
    const struct vmon_pool *last = vmon_uuid_find(p->last, p->nlast, sizeof(*p->last),
                                                  offsetof(struct vmon_pool, uuid), identity->uuid);
    struct vmon_pool *pool = vmon_snapshot_add_pool(snap);

    vmon_pool_copy(pool, last ? last : identity);
    pool->stale = true;
    if (!last)
        pool->figures_time = 0;
}

/* The details read this poll or still valid, for the next. */
static void
remember_details(struct vmon_pools *p, const struct pool_job *j)
{
    struct pool_details *known = vmon_realloc_array(NULL, j->ndone + 1, sizeof(*known));
    size_t n = 0;

    for (size_t i = 0; i < j->ndone; i++) {
        const struct vmon_pool *rec = &j->out[i];
        if (rec->stale)
            continue;
        const struct pool_details *k = find_known(j, rec->uuid);
        struct pool_details *d = &known[n++];
        memset(d, 0, sizeof(*d));
        memcpy(d->uuid, rec->uuid, 16);
        d->state = rec->state;
        d->age = j->fetched[i] || !k ? 0 : k->age + 1;
        d->type = vmon_strdup(rec->type);
        d->path = vmon_strdup(rec->path);
        d->have_volumes = vmon_value_has(&rec->m[VMON_POOL_VOLUMES]);
        d->volumes = rec->m[VMON_POOL_VOLUMES].u;
    }
    details_clear(&p->known, &p->nknown);
    p->known = known;
    p->nknown = n;
}

/* This poll's pools from what the job gave (all of it, or what it had when abandoned). */
static void
take_job(struct vmon_pools *p, struct pool_job *j, struct vmon_snapshot *snap)
{
    if (j->unsupported) {
        p->no_driver = true;
        return;
    }
    if (j->failed || j->listing) {
        for (size_t i = 0; i < p->nlast; i++)
            add_stale(p, snap, &p->last[i]);
        return;
    }
    for (size_t i = 0; i < j->nout; i++) {
        if (i >= j->ndone || j->out[i].stale) {
            add_stale(p, snap, &j->out[i]);
            continue;
        }
        struct vmon_pool *pool = vmon_snapshot_add_pool(snap);
        vmon_pool_copy(pool, &j->out[i]);
        pool->figures_time = snap->taken_wall;
    }
    remember_details(p, j);
}

bool
vmon_pools_finish(struct vmon_pools *p, double deadline, struct vmon_snapshot *snap)
{
    struct pool_job *j = p->job;
    bool left_behind = false;

    p->job = NULL;
    if (j) {
        pthread_mutex_lock(&j->h.lock);
        left_behind = !vmon_handoff_wait(&j->h, deadline);
        take_job(p, j, snap);
        pthread_mutex_unlock(&j->h.lock);
        if (left_behind) {
            p->stuck = vmon_realloc_array(p->stuck, p->nstuck + 1, sizeof(*p->stuck));
            p->stuck[p->nstuck++] = j;
        } else {
            job_unref(j);
        }
    } else if (!p->no_driver) {
        /* a list call is still out from an earlier poll */
        for (size_t i = 0; i < p->nlast; i++)
            add_stale(p, snap, &p->last[i]);
    }
    snap->no_pool_driver = p->no_driver;
    vmon_snapshot_finish_pools(snap);
    vmon_pool_array_free(p->last, p->nlast);
    p->last = vmon_realloc_array(NULL, snap->npools + 1, sizeof(*p->last));
    p->nlast = snap->npools;
    for (size_t i = 0; i < snap->npools; i++)
        vmon_pool_copy(&p->last[i], &snap->pools[i]);
    return left_behind;
}
