/*
 * Where a long-running face gets its snapshots, events and actions: either
 * a poller of its own on libvirt (loaded from virtmon-poller.so, so that a
 * face that does not poll never maps libvirt), or a running virtmond whose
 * snapshots it reads from a socket (vmon-feed.c, no libvirt at all).
 *
 *   const struct vmon_source_ops *ops = vmon_source_libvirt(err, len);
 *   void *src = ops->open(&opts, NULL, err, len);    ... ops->close(src);
 */
#ifndef VMON_SOURCE_H
#define VMON_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmon-action.h"
#include "vmon-event.h"
#include "vmon-options.h"
#include "vmon-snapshot.h"

/* Changes whenever the module and its loader could disagree on a layout. */
#define VMON_SOURCE_ABI (0x766d5301u ^ (unsigned) sizeof(struct vmon_snapshot) \
                         ^ (unsigned) sizeof(struct vmon_domain) << 8 \
                         ^ (unsigned) sizeof(struct vmon_options) << 16 \
                         ^ (unsigned) sizeof(struct vmon_event) << 20)

struct vmon_source_ops {
    unsigned abi;
    const char *what;    /* "libvirt" or "virtmond", for messages */
    /* Start serving: polls begin on a thread of the source's own.  socket is
     * virtmond's (the feed only).  NULL with err. */
    void *(*open)(const struct vmon_options *opts, const char *socket, char *err, size_t errlen);
    void (*close)(void *src);
    /* The latest snapshot (caller unrefs), or NULL before the first. */
    struct vmon_snapshot *(*snapshot)(void *src);
    /* Lifecycle and connection events, as vmon_poller_next_event(). */
    int (*next_event)(void *src, struct vmon_event *ev);
    int (*event_fd)(void *src);
    uint64_t (*events_dropped)(void *src);
    /* As vmon_poller_action() and vmon_poller_last_action(). */
    int (*action)(void *src, const char *domain, enum vmon_action action,
                  struct vmon_action_result *res);
    int (*last_action)(void *src, const unsigned char uuid[16], struct vmon_action_result *res);
    /* Serve the snapshots on a socket (vmon-serve.h); NULL with err. */
    void *(*serve)(void *src, const char *path, mode_t mode, gid_t gid, char *err, size_t errlen);
    void (*serve_stop)(void *server);
};

#define VMON_SOURCE_MODULE "virtmon-poller.so"
#define VMON_SOURCE_SYMBOL "vmon_source_libvirt_ops"

/* The libvirt poller, loaded from VMON_SOURCE_MODULE (vmon-module.h); NULL with err. */
const struct vmon_source_ops *vmon_source_libvirt(char *err, size_t errlen);

/* virtmond's snapshots, read from its socket every opts->interval. */
extern const struct vmon_source_ops vmon_source_virtmond_ops;

#endif
