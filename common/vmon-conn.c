#include "vmon-conn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "vmon-snapshot.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

_Static_assert((int) VMON_POOL_EVENT_DELETED == (int) VIR_STORAGE_POOL_EVENT_DELETED &&
               (int) VMON_POOL_EVENT_STOPPED == (int) VIR_STORAGE_POOL_EVENT_STOPPED,
               "pool event numbers follow libvirt");

/* The events a connection registers for: the domains', then the storage pools'. */
enum { CB_LIFECYCLE, CB_REBOOT, CB_METADATA, CB_JOB_DONE, CB_MIGRATION_ITER, CB_POOL,
       CB_POOL_REFRESH, CB__N };

struct vmon_conn {
    char *uri;
    unsigned flags;             /* VMON_CONN_* */
    pthread_mutex_t lock;       /* conn, for vmon_conn_ref_open() from other threads */
    virConnectPtr conn;
    int cb[CB__N];              /* libvirt's callback ids, -1 when not registered */
    volatile int closed;        /* set by the close callback on libvirt's thread */
    double backoff, backoff_max, next_attempt;
    uint64_t reconnects;
    bool ever_opened;
    bool announced_lost;
    bool recycled;              /* closed on purpose: the next open is no reconnect */
    vmon_event_hook *hook;
    vmon_reboot_hook *reboot_hook;
    vmon_reboot_hook *metadata_hook;
    vmon_reboot_hook *job_hook;
    vmon_pool_hook *pool_hook;
    void *opaque;
};

/* libvirt prints every error to stderr by default; the faces log ours instead. */
static void
silence_libvirt(void *opaque, virErrorPtr err)
{
    (void) opaque;
    (void) err;
}

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static int loop_status = -1;

static void
keep_loop_awake(int timer, void *opaque)
{
    (void) timer;
    (void) opaque;
}

static void *
run_event_loop(void *arg)
{
    (void) arg;
    for (;;)
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

void
vmon_libvirt_quiet(void)
{
    virSetErrorFunc(NULL, silence_libvirt);
}

static void
start_event_loop(void)
{
    pthread_t thread;
    pthread_attr_t attr;

    vmon_libvirt_quiet();
    if (virEventRegisterDefaultImpl() < 0)
        return;
    /* with nothing registered virEventRunDefaultImpl() would block forever */
    virEventAddTimeout(1000, keep_loop_awake, NULL, NULL);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, run_event_loop, NULL) == 0)
        loop_status = 0;
    pthread_attr_destroy(&attr);
}

int
vmon_event_loop_ensure(void)
{
    pthread_once(&loop_once, start_event_loop);
    if (loop_status < 0)
        vmon_error_set("cannot start libvirt's event loop");
    return loop_status;
}

const char *
vmon_virt_error(void)
{
    virErrorPtr err = virGetLastError();

    return err && err->message ? err->message : "unknown libvirt error";
}

bool
vmon_virt_unsupported(void)
{
    virErrorPtr err = virGetLastError();

    return err && (err->code == VIR_ERR_NO_SUPPORT || err->code == VIR_ERR_ARGUMENT_UNSUPPORTED);
}

/* An event of now: libvirt's event and detail numbers, or -1 for one of ours. */
static struct vmon_event
new_event(enum vmon_event_type type, int event, int detail)
{
    return (struct vmon_event) { .type = type, .when = time(NULL), .event = event, .detail = detail };
}

static void
announce(struct vmon_conn *c, enum vmon_event_type type, const char *why)
{
    struct vmon_event ev = new_event(type, -1, -1);

    if (!c->hook)
        return;
    snprintf(ev.message, sizeof(ev.message), "%s", why ? why : "");
    c->hook(c->opaque, &ev);
}

/* The object a domain or pool event is about: its name, and its UUID (ev->uuid, set) as text. */
static void
event_names(struct vmon_event *ev, const char *name)
{
    snprintf(ev->name, sizeof(ev->name), "%s", name);
    vmon_uuid_format(ev->uuid, ev->uuid_str);
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    struct vmon_conn *c = opaque;
    struct vmon_event ev = new_event(VMON_EVENT_LIFECYCLE, event, detail);

    (void) conn;
    virDomainGetUUID(dom, ev.uuid);
    event_names(&ev, virDomainGetName(dom));
    ev.state = vmon_lifecycle_state(event, detail);
    if (c->hook)
        c->hook(c->opaque, &ev);
    return 0;
}

static void
on_reboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    struct vmon_conn *c = opaque;
    unsigned char uuid[16];

    (void) conn;
    if (virDomainGetUUID(dom, uuid) == 0)
        c->reboot_hook(c->opaque, uuid);
}

static void
on_metadata(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
    struct vmon_conn *c = opaque;
    unsigned char uuid[16];

    (void) conn;
    (void) type;
    (void) nsuri;
    if (virDomainGetUUID(dom, uuid) == 0)
        c->metadata_hook(c->opaque, uuid);
}

/* A pool's lifecycle: its XML is read again (pool_hook), and the faces are told (hook). */
static void
tell_job(struct vmon_conn *c, virDomainPtr dom)
{
    unsigned char uuid[16];

    if (virDomainGetUUID(dom, uuid) == 0)
        c->job_hook(c->opaque, uuid);
}

static void
on_job_completed(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params, int nparams,
                 void *opaque)
{
    (void) conn;
    (void) params;
    (void) nparams;
    tell_job(opaque, dom);
}

static void
on_migration_iteration(virConnectPtr conn, virDomainPtr dom, int iteration, void *opaque)
{
    (void) conn;
    (void) iteration;
    tell_job(opaque, dom);
}

static void
on_pool(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail, void *opaque)
{
    struct vmon_conn *c = opaque;
    struct vmon_event ev = new_event(VMON_EVENT_POOL, event, detail);

    (void) conn;
    c->pool_hook(c->opaque, virStoragePoolGetName(pool), event, detail);
    if (!c->hook)
        return;
    virStoragePoolGetUUID(pool, ev.uuid);
    event_names(&ev, virStoragePoolGetName(pool));
    c->hook(c->opaque, &ev);
}

/* A refresh (virsh pool-refresh, a volume created through libvirt) changes the volumes. */
static void
on_pool_refresh(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    struct vmon_conn *c = opaque;

    (void) conn;
    c->pool_hook(c->opaque, virStoragePoolGetName(pool), -1, 0);
}

static void
forget_callbacks(int cb[CB__N])
{
    for (int i = 0; i < CB__N; i++)
        cb[i] = -1;
}

static void
on_close(virConnectPtr conn, int reason, void *opaque)
{
    struct vmon_conn *c = opaque;

    (void) conn;
    (void) reason;
    __atomic_store_n(&c->closed, 1, __ATOMIC_RELEASE);
}

struct vmon_conn *
vmon_conn_new(const char *uri, unsigned flags, double backoff_max, vmon_event_hook *hook,
              void *opaque)
{
    struct vmon_conn *c = vmon_alloc(sizeof(*c));

    c->uri = vmon_strdup(uri);
    c->flags = flags;
    pthread_mutex_init(&c->lock, NULL);
    forget_callbacks(c->cb);
    c->backoff_max = backoff_max > 1 ? backoff_max : 1;
    c->hook = hook;
    c->opaque = opaque;
    return c;
}

void
vmon_conn_on_events(struct vmon_conn *c, const struct vmon_conn_hooks *hooks)
{
    c->reboot_hook = hooks->reboot;
    c->metadata_hook = hooks->metadata;
    c->job_hook = hooks->job;
    c->pool_hook = hooks->pool;
}

static void
deregister_events(virConnectPtr conn, const int cb[CB__N])
{
    for (int i = 0; i < CB__N; i++) {
        if (cb[i] < 0)
            continue;
        if (i >= CB_POOL)
            virConnectStoragePoolEventDeregisterAny(conn, cb[i]);
        else
            virConnectDomainEventDeregisterAny(conn, cb[i]);
    }
}

/* Storage-pool events, where the host has a storage driver (none: no pools to watch). */
static void
register_pool_events(struct vmon_conn *c)
{
    if (!c->pool_hook)
        return;
    c->cb[CB_POOL] = virConnectStoragePoolEventRegisterAny(
        c->conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
        VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool), c, NULL);
    c->cb[CB_POOL_REFRESH] = virConnectStoragePoolEventRegisterAny(
        c->conn, NULL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
        VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh), c, NULL);
    virResetLastError();
}

static void
close_conn(struct vmon_conn *c)
{
    if (!c->conn)
        return;
    deregister_events(c->conn, c->cb);
    if (c->flags & VMON_CONN_EVENTS)
        virConnectUnregisterCloseCallback(c->conn, on_close);
    pthread_mutex_lock(&c->lock);
    virConnectPtr old = c->conn;
    c->conn = NULL;
    pthread_mutex_unlock(&c->lock);
    virConnectClose(old);
    forget_callbacks(c->cb);
}

virConnectPtr
vmon_conn_ref_open(struct vmon_conn *c)
{
    pthread_mutex_lock(&c->lock);
    virConnectPtr conn = c->conn;
    if (conn)
        virConnectRef(conn);
    pthread_mutex_unlock(&c->lock);
    return conn;
}

bool
vmon_conn_is_readwrite(const struct vmon_conn *c)
{
    return c->flags & VMON_CONN_READWRITE;
}

void
vmon_conn_free(struct vmon_conn *c)
{
    if (!c)
        return;
    close_conn(c);
    pthread_mutex_destroy(&c->lock);
    free(c->uri);
    free(c);
}

static int
open_conn(struct vmon_conn *c)
{
    unsigned flags = (c->flags & VMON_CONN_READWRITE) ? 0 : VIR_CONNECT_RO;
    /* without an auth callback a URI that wants a password fails instead of prompting */
    virConnectAuthPtr auth = (c->flags & VMON_CONN_INTERACTIVE_AUTH) ? virConnectAuthPtrDefault
                                                                      : NULL;

    if (c->flags & VMON_CONN_EVENTS) {
        if (vmon_event_loop_ensure() < 0)
            return -1;
    } else {
        vmon_libvirt_quiet();
    }
    virConnectPtr conn = virConnectOpenAuth(c->uri, auth, flags);
    if (!conn) {
        vmon_error_set("cannot connect to libvirt at '%s': %s",
                       c->uri ? c->uri : "(default)", vmon_virt_error());
        return -1;
    }
    pthread_mutex_lock(&c->lock);
    c->conn = conn;
    pthread_mutex_unlock(&c->lock);
    c->closed = 0;
    if (!(c->flags & VMON_CONN_EVENTS))
        return 0;
    /* drivers without keepalive (test, local embedded) rely on the close callback */
    virConnectSetKeepAlive(conn, 5, 3);
    virConnectRegisterCloseCallback(conn, on_close, c, NULL);
    c->cb[CB_LIFECYCLE] = virConnectDomainEventRegisterAny(conn, NULL,
                                                       VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                       VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                                       c, NULL);
    if (c->reboot_hook)
        c->cb[CB_REBOOT] = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                                        VIR_DOMAIN_EVENT_CALLBACK(on_reboot),
                                                        c, NULL);
    /* <title>, <description> and <metadata> change without a lifecycle event */
    if (c->metadata_hook)
        c->cb[CB_METADATA] = virConnectDomainEventRegisterAny(
            conn, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
            VIR_DOMAIN_EVENT_CALLBACK(on_metadata), c, NULL);
    /* a live migration runs with no state change; its iterations say it does */
    if (c->job_hook) {
        c->cb[CB_JOB_DONE] = virConnectDomainEventRegisterAny(
            conn, NULL, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
            VIR_DOMAIN_EVENT_CALLBACK(on_job_completed), c, NULL);
        c->cb[CB_MIGRATION_ITER] = virConnectDomainEventRegisterAny(
            conn, NULL, VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
            VIR_DOMAIN_EVENT_CALLBACK(on_migration_iteration), c, NULL);
        virResetLastError();
    }
    register_pool_events(c);
    return 0;
}

virConnectPtr
vmon_conn_get(struct vmon_conn *c, bool *fresh)
{
    *fresh = false;
    if (c->conn && (__atomic_load_n(&c->closed, __ATOMIC_ACQUIRE) || virConnectIsAlive(c->conn) != 1)) {
        close_conn(c);
        announce(c, VMON_EVENT_CONNECTION_LOST, "connection to libvirt closed");
        c->announced_lost = true;
    }
    if (c->conn)
        return c->conn;

    double now = vmon_now_mono();
    if (now < c->next_attempt) {
        vmon_error_set("not connected to libvirt at '%s' (next attempt in %.0f s)",
                       c->uri ? c->uri : "(default)", c->next_attempt - now);
        return NULL;
    }
    if (open_conn(c) < 0) {
        c->backoff = c->backoff ? c->backoff * 2 : 1;
        if (c->backoff > c->backoff_max)
            c->backoff = c->backoff_max;
        c->next_attempt = now + c->backoff;
        if (!c->announced_lost && c->ever_opened) {
            announce(c, VMON_EVENT_CONNECTION_LOST, vmon_error_last());
            c->announced_lost = true;
        }
        return NULL;
    }
    c->backoff = 0;
    c->next_attempt = 0;
    if (c->ever_opened && !c->recycled) {
        c->reconnects++;
        announce(c, VMON_EVENT_CONNECTION_BACK, "connection to libvirt restored");
    }
    /* a recycled connection reaches the same daemon: what was learnt still holds */
    *fresh = !c->recycled;
    c->recycled = false;
    c->ever_opened = true;
    c->announced_lost = false;
    return c->conn;
}

struct retired_conn {
    virConnectPtr conn;
    int cb[CB__N];
};

/* A connection with a stuck call answers slowly: let it go off the poll's path. */
static void *
close_retired(void *arg)
{
    struct retired_conn *r = arg;

    deregister_events(r->conn, r->cb);
    virConnectClose(r->conn);
    free(r);
    return NULL;
}

void
vmon_conn_recycle(struct vmon_conn *c)
{
    if (!c->conn)
        return;
    struct retired_conn *r = vmon_alloc(sizeof(*r));
    /* local, no round trip: the old connection's end must not mark the new one closed */
    if (c->flags & VMON_CONN_EVENTS)
        virConnectUnregisterCloseCallback(c->conn, on_close);
    pthread_mutex_lock(&c->lock);
    r->conn = c->conn;
    memcpy(r->cb, c->cb, sizeof(r->cb));
    c->conn = NULL;
    pthread_mutex_unlock(&c->lock);
    forget_callbacks(c->cb);

    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, close_retired, r) != 0)
        close_retired(r);
    pthread_attr_destroy(&attr);
    c->recycled = true;
    c->next_attempt = 0;
}

bool
vmon_conn_check(struct vmon_conn *c)
{
    if (c->conn && virConnectIsAlive(c->conn) != 1)
        __atomic_store_n(&c->closed, 1, __ATOMIC_RELEASE);
    return c->conn && __atomic_load_n(&c->closed, __ATOMIC_ACQUIRE);
}

uint64_t
vmon_conn_reconnects(const struct vmon_conn *c)
{
    return c->reconnects;
}
