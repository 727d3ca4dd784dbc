/*
 * Guest file systems (option guest-fs): each running guest's mounted file
 * systems and their usage, from its guest agent through
 * virDomainGetGuestInfo(VIR_DOMAIN_GUEST_INFO_FILESYSTEM).
 *
 * Every guest-fs-interval a running guest is asked again, on a detached
 * thread of its own, with at most guest-fs-calls such calls out at once.
 * The poll never waits for them (a one-shot user waits up to
 * guest-fs-timeout): each poll takes the answers that came in and starts
 * the calls that are due.  A call out longer than guest-fs-timeout costs
 * that guest its figures (fs_error says so) and no new call is made for it
 * until it returns; libvirt gives up on an agent after ~5 s itself.
 *
 * The calls use a read-write connection of their own (libvirt refuses
 * agent calls on a read-only one), so one stuck on a guest's agent is never
 * ahead of the poll's calls on the polled connection.
 */
#include "vmon-guestfs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vmon-collect.h"
#include "vmon-conn.h"
#include "vmon-util.h"

/* One agent call, shared by its thread and the poll (h). */
struct fs_call {
    struct vmon_handoff h;
    virConnectPtr conn;
    unsigned char uuid[16];
    double started;              /* monotonic */
    /* the answer, written before done and read after it */
    struct vmon_fs *fss;
    size_t nfss;
    time_t when;
    bool unsupported;
    char error[256];
};

/* What is known of one guest across polls. */
struct fs_guest {
    unsigned char uuid[16];
    double last_start;           /* monotonic, its last call's start; 0 never */
    struct fs_call *call;        /* out, or NULL */
    struct vmon_fs *fss;         /* the last answer */
    size_t nfss;
    time_t when;                 /* wall clock of that answer; 0: none */
    char *error;                 /* why the last call gave none */
    bool seen;                   /* running in this poll */
};

struct vmon_guestfs {
    double interval, timeout;
    unsigned max_calls, out;
    bool unsupported;            /* the driver has no virDomainGetGuestInfo */
    struct vmon_conn *conn;
    struct fs_guest *guests;
    size_t nguests;
};

static void
call_unref(struct fs_call *c)
{
    if (!vmon_handoff_put(&c->h))
        return;
    virConnectClose(c->conn);
    vmon_fss_free(c->fss, c->nfss);
    vmon_handoff_destroy(&c->h);
    free(c);
}

static const char *
param_string(virTypedParameterPtr params, int n, const char *name)
{
    const char *s = NULL;

    return virTypedParamsGetString(params, n, name, &s) == 1 ? s : NULL;
}

static bool
param_u64(virTypedParameterPtr params, int n, const char *name, uint64_t *out)
{
    for (int i = 0; i < n; i++)
        if (strcmp(params[i].field, name) == 0)
            return vmon_typed_param_u64(&params[i], out);
    return false;
}

/* "vda,vdb": the disks under file system i (libvirt's "alias" is the target); NULL when none is known. */
static char *
fs_disks(virTypedParameterPtr params, int n, unsigned i)
{
    char key[VIR_TYPED_PARAM_FIELD_LENGTH];
    uint64_t count = 0;
    char *list = NULL;
    size_t len = 0;

    snprintf(key, sizeof(key), "fs.%u.disk.count", i);
    param_u64(params, n, key, &count);
    for (uint64_t k = 0; k < count && k < 64; k++) {
        snprintf(key, sizeof(key), "fs.%u.disk.%u.alias", i, (unsigned) k);
        const char *alias = param_string(params, n, key);
        if (!alias)
            continue;
        size_t add = strlen(alias) + 1;
        list = vmon_realloc_array(list, len + add + 1, 1);
        snprintf(list + len, add + 1, "%s%s", len ? "," : "", alias);
        len += add - (len ? 0 : 1);
    }
    return list;
}

/* The file systems the typed parameters list, with used % and free. */
static void
fs_parse(virTypedParameterPtr params, int n, struct vmon_fs **fss, size_t *nfss)
{
    uint64_t count = 0;

    param_u64(params, n, "fs.count", &count);
    for (unsigned i = 0; i < count && i < 4096; i++) {
        char key[VIR_TYPED_PARAM_FIELD_LENGTH];
        snprintf(key, sizeof(key), "fs.%u.mountpoint", i);
        const char *mnt = param_string(params, n, key);
        if (!mnt)
            continue;
        struct vmon_domain holder = { .fss = *fss, .nfss = *nfss };
        struct vmon_fs *fs = vmon_domain_add_fs(&holder, mnt);
        *fss = holder.fss;
        *nfss = holder.nfss;
        snprintf(key, sizeof(key), "fs.%u.name", i);
        fs->name = vmon_strdup(param_string(params, n, key));
        snprintf(key, sizeof(key), "fs.%u.fstype", i);
        fs->fstype = vmon_strdup(param_string(params, n, key));
        fs->disks = fs_disks(params, n, i);
        uint64_t total, used;
        snprintf(key, sizeof(key), "fs.%u.total-bytes", i);
        bool have_total = param_u64(params, n, key, &total);
        snprintf(key, sizeof(key), "fs.%u.used-bytes", i);
        bool have_used = param_u64(params, n, key, &used);
        if (have_total)
            vmon_value_set(&fs->m[VMON_FS_TOTAL], total);
        if (have_used)
            vmon_value_set(&fs->m[VMON_FS_USED], used);
        if (have_total && have_used && used <= total) {
            vmon_value_set(&fs->m[VMON_FS_FREE], total - used);
            if (total > 0)
                vmon_value_set_double(&fs->m[VMON_FS_USED_PERCENT], 100.0 * (double) used / (double) total);
        }
    }
}

static void *
call_run(void *arg)
{
    struct fs_call *c = arg;
    virTypedParameterPtr params = NULL;
    int n = 0;
    struct vmon_fs *fss = NULL;
    size_t nfss = 0;
    char error[256] = "";
    bool unsupported = false;

    virDomainPtr dom = virDomainLookupByUUID(c->conn, c->uuid);
    if (!dom) {
        snprintf(error, sizeof(error), "%s", vmon_virt_error());
    } else if (virDomainGetGuestInfo(dom, VIR_DOMAIN_GUEST_INFO_FILESYSTEM, &params, &n, 0) < 0) {
        unsupported = vmon_virt_unsupported();
        snprintf(error, sizeof(error), "%s", vmon_virt_error());
    } else {
        fs_parse(params, n, &fss, &nfss);
        virTypedParamsFree(params, n);
    }
    if (dom)
        virDomainFree(dom);

    /* read only once done is seen, which the handoff's lock orders after this */
    c->fss = fss;
    c->nfss = nfss;
    c->when = time(NULL);
    c->unsupported = unsupported;
    snprintf(c->error, sizeof(c->error), "%s", error);
    vmon_handoff_finish(&c->h);
    call_unref(c);
    return NULL;
}

struct vmon_guestfs *
vmon_guestfs_new(const struct vmon_options *o)
{
    if (!o->guest_fs)
        return NULL;
    struct vmon_guestfs *g = vmon_alloc(sizeof(*g));
    g->interval = o->guest_fs_interval;
    g->timeout = o->guest_fs_timeout;
    g->max_calls = o->guest_fs_calls ? o->guest_fs_calls : 1;
    g->conn = vmon_conn_new(o->uri, VMON_CONN_READWRITE |
                                    (o->interactive_auth ? VMON_CONN_INTERACTIVE_AUTH : 0),
                            o->interval, NULL, NULL);
    return g;
}

/* Let go of a guest's call: its thread frees it when it returns. */
static void
guest_drop_call(struct vmon_guestfs *g, struct fs_guest *gu)
{
    if (!gu->call)
        return;
    call_unref(gu->call);
    gu->call = NULL;
    g->out--;
}

static void
guest_clear(struct vmon_guestfs *g, struct fs_guest *gu)
{
    guest_drop_call(g, gu);
    vmon_fss_free(gu->fss, gu->nfss);
    free(gu->error);
    memset(gu, 0, sizeof(*gu));
}

void
vmon_guestfs_free(struct vmon_guestfs *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nguests; i++)
        guest_clear(g, &g->guests[i]);
    free(g->guests);
    vmon_conn_free(g->conn);
    free(g);
}

static struct fs_guest *
guest_find(struct vmon_guestfs *g, const unsigned char uuid[16], bool add)
{
    for (size_t i = 0; i < g->nguests; i++)
        if (memcmp(g->guests[i].uuid, uuid, 16) == 0)
            return &g->guests[i];
    if (!add)
        return NULL;
    g->guests = vmon_realloc_array(g->guests, g->nguests + 1, sizeof(*g->guests));
    struct fs_guest *gu = &g->guests[g->nguests++];
    memset(gu, 0, sizeof(*gu));
    memcpy(gu->uuid, uuid, 16);
    return gu;
}

static void
guest_set_error(struct fs_guest *gu, const char *error)
{
    free(gu->error);
    gu->error = vmon_strdup(error);
}

/* A finished call's answer into its guest. */
static void
guest_take(struct vmon_guestfs *g, struct fs_guest *gu)
{
    struct fs_call *c = gu->call;

    pthread_mutex_lock(&c->h.lock);
    bool done = c->h.done;
    if (done) {
        if (c->error[0]) {
            guest_set_error(gu, c->error);
            vmon_fss_free(gu->fss, gu->nfss);
            gu->fss = NULL;
            gu->nfss = 0;
            gu->when = 0;
            if (c->unsupported)
                g->unsupported = true;
        } else {
            vmon_fss_free(gu->fss, gu->nfss);
            gu->fss = c->fss;
            gu->nfss = c->nfss;
            gu->when = c->when;
            c->fss = NULL;
            c->nfss = 0;
            guest_set_error(gu, NULL);
        }
    }
    pthread_mutex_unlock(&c->h.lock);
    if (done)
        guest_drop_call(g, gu);
}

static void
guest_start(struct vmon_guestfs *g, struct fs_guest *gu, virConnectPtr conn, double now)
{
    struct fs_call *c = vmon_alloc(sizeof(*c));

    vmon_handoff_init(&c->h);
    c->conn = conn;
    virConnectRef(conn);
    memcpy(c->uuid, gu->uuid, 16);
    c->started = now;
    gu->call = c;
    gu->last_start = now;
    g->out++;
    if (!vmon_thread_detached(call_run, c))
        call_run(c);
}

static int
compare_start(const void *a, const void *b)
{
    double x = (*(struct fs_guest *const *) a)->last_start;
    double y = (*(struct fs_guest *const *) b)->last_start;

    return x < y ? -1 : x > y;
}

/* The guests due, longest waiting first, while calls are free. */
static void
start_due(struct vmon_guestfs *g, double now)
{
    struct fs_guest **due = vmon_alloc((g->nguests + 1) * sizeof(*due));
    size_t ndue = 0;

    for (size_t i = 0; i < g->nguests; i++) {
        struct fs_guest *gu = &g->guests[i];
        if (gu->seen && !gu->call && (gu->last_start == 0 || now - gu->last_start >= g->interval))
            due[ndue++] = gu;
    }
    if (ndue && g->out < g->max_calls) {
        bool fresh;
        virConnectPtr conn = vmon_conn_get(g->conn, &fresh);
        if (conn && virConnectIsAlive(conn) == 0) {
            vmon_conn_recycle(g->conn);
            conn = vmon_conn_get(g->conn, &fresh);
        }
        if (!conn) {
            for (size_t i = 0; i < ndue; i++)
                guest_set_error(due[i], vmon_error_last());
            ndue = 0;
        }
        qsort(due, ndue, sizeof(*due), compare_start);
        for (size_t i = 0; i < ndue && g->out < g->max_calls; i++)
            guest_start(g, due[i], conn, now);
    }
    free(due);
}

/* Wait (a one-shot user) until every call is back or the timeout passed. */
static void
wait_calls(struct vmon_guestfs *g, double deadline)
{
    for (size_t i = 0; i < g->nguests; i++) {
        struct fs_call *c = g->guests[i].call;
        if (!c)
            continue;
        pthread_mutex_lock(&c->h.lock);
        vmon_handoff_wait(&c->h, deadline);
        pthread_mutex_unlock(&c->h.lock);
    }
}

/* A guest's figures into its domain: the last answer, or why there is none. */
static void
guest_publish(const struct vmon_guestfs *g, const struct fs_guest *gu, struct vmon_domain *dom,
              double now)
{
    if (gu->call && now - gu->call->started > g->timeout) {
        char why[128];
        snprintf(why, sizeof(why), "guest agent did not answer within %g s", g->timeout);
        dom->fs_error = vmon_strdup(why);
        return;
    }
    if (gu->error) {
        dom->fs_error = vmon_strdup(gu->error);
        return;
    }
    if (!gu->when)
        return;
    dom->fs_time = gu->when;
    dom->nfss = gu->nfss;
    dom->fss = vmon_alloc((gu->nfss + 1) * sizeof(*dom->fss));
    for (size_t i = 0; i < gu->nfss; i++) {
        const struct vmon_fs *src = &gu->fss[i];
        struct vmon_fs *dst = &dom->fss[i];
        *dst = *src;
        dst->mountpoint = vmon_strdup(src->mountpoint);
        dst->name = vmon_strdup(src->name);
        dst->fstype = vmon_strdup(src->fstype);
        dst->disks = vmon_strdup(src->disks);
    }
}

/* Every running domain: the driver has no agent call (libvirt's test driver). */
static void
publish_unsupported(struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++)
        if (snap->domains[i].state == VMON_STATE_RUNNING)
            snap->domains[i].fs_error = vmon_strdup("this libvirt driver does not ask guest agents "
                                                    "(no virDomainGetGuestInfo)");
}

void
vmon_guestfs_poll(struct vmon_guestfs *g, struct vmon_snapshot *snap, bool wait)
{
    if (!g)
        return;
    if (g->unsupported) {
        publish_unsupported(snap);
        return;
    }
    double now = vmon_now_mono();

    for (size_t i = 0; i < g->nguests; i++)
        g->guests[i].seen = false;
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *dom = &snap->domains[i];
        if (dom->state == VMON_STATE_RUNNING)
            guest_find(g, dom->uuid, true)->seen = true;
    }
    /* guests no longer running: their figures and calls go */
    for (size_t i = 0; i < g->nguests;) {
        if (g->guests[i].seen) {
            i++;
            continue;
        }
        guest_clear(g, &g->guests[i]);
        g->guests[i] = g->guests[--g->nguests];
    }
    for (size_t i = 0; i < g->nguests; i++)
        if (g->guests[i].call)
            guest_take(g, &g->guests[i]);
    start_due(g, now);
    if (wait) {
        wait_calls(g, now + g->timeout);
        for (size_t i = 0; i < g->nguests; i++)
            if (g->guests[i].call)
                guest_take(g, &g->guests[i]);
        now = vmon_now_mono();
    }
    if (g->unsupported) {
        publish_unsupported(snap);
        return;
    }
    for (size_t i = 0; i < snap->ndomains; i++) {
        struct vmon_domain *dom = &snap->domains[i];
        const struct fs_guest *gu = dom->state == VMON_STATE_RUNNING
                                    ? guest_find(g, dom->uuid, false) : NULL;
        if (gu)
            guest_publish(g, gu, dom, now);
    }
}
