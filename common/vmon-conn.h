/*
 * The libvirt connection: opened read-only unless asked otherwise, watched
 * by keepalive and the close callback, reopened with back-off when it dies,
 * and the source of lifecycle events.  Used from one thread (the poller's);
 * the event callbacks run on libvirt's event-loop thread and only call the
 * hook they were given.
 */
#ifndef VMON_CONN_H
#define VMON_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "vmon-event.h"

typedef void vmon_event_hook(void *opaque, const struct vmon_event *ev);
/* The guest reset (libvirt's VIR_DOMAIN_EVENT_ID_REBOOT), on libvirt's event thread. */
typedef void vmon_reboot_hook(void *opaque, const unsigned char uuid[16]);

/* A storage pool's lifecycle event (libvirt's virStoragePoolEventLifecycleType), or -1 for
 * a refresh, on libvirt's event thread. */
typedef void vmon_pool_hook(void *opaque, const char *name, int event, int detail);

struct vmon_conn;

enum {
    VMON_CONN_READWRITE = 0x1,
    VMON_CONN_EVENTS = 0x2,            /* event loop, keepalive, close and lifecycle callbacks */
    VMON_CONN_INTERACTIVE_AUTH = 0x4,  /* libvirt may prompt on the terminal */
};
struct vmon_conn *vmon_conn_new(const char *uri, unsigned flags, double backoff_max,
                                vmon_event_hook *hook, void *opaque);
void vmon_conn_free(struct vmon_conn *c);
/*
 * With VMON_CONN_EVENTS: who else is told (with new()'s opaque), from the
 * next (re)open on.  Before the first vmon_conn_get().
 */
struct vmon_conn_hooks {
    vmon_reboot_hook *reboot;     /* a guest reset */
    /* a domain's <title>, <description> or <metadata> changed
     * (VIR_DOMAIN_EVENT_ID_METADATA_CHANGE) */
    vmon_reboot_hook *metadata;
    vmon_reboot_hook *job;        /* a domain's job events (a job completed, a migration iteration) */
    vmon_pool_hook *pool;         /* storage-pool events */
};
void vmon_conn_on_events(struct vmon_conn *c, const struct vmon_conn_hooks *hooks);

/*
 * The live connection, opening or reopening it if allowed by the back-off;
 * NULL with vmon_error_last() when libvirt cannot be reached.  *fresh is set
 * when this call (re)opened it, so the caller can forget what it learned
 * about the previous one.
 */
virConnectPtr vmon_conn_get(struct vmon_conn *c, bool *fresh);
/* Close on purpose (a call is stuck on it); the next get opens a new one, not counted
 * as a reconnect, and does not report it as fresh. */
void vmon_conn_recycle(struct vmon_conn *c);
/* Call after a libvirt error: true when the connection died (the next get reopens it). */
bool vmon_conn_check(struct vmon_conn *c);
bool vmon_conn_is_readwrite(const struct vmon_conn *c);
/* The open connection with a reference for the caller (any thread), or NULL. */
virConnectPtr vmon_conn_ref_open(struct vmon_conn *c);
uint64_t vmon_conn_reconnects(const struct vmon_conn *c);

/* libvirt's last error on this thread as one line, for vmon_error_set(). */
const char *vmon_virt_error(void);
/* Whether libvirt's last error says the driver lacks the call (not a failure). */
bool vmon_virt_unsupported(void);

/* libvirt prints every error on stderr unless told not to; the faces report ours. */
void vmon_libvirt_quiet(void);
/* Starts libvirt's event loop thread once per process. */
int vmon_event_loop_ensure(void);

#endif
