/*
 * What a source implementation fills in (vmon-source.h dispatches to it):
 * the libvirt poller in virtmon-poller.so, virtmond's feed in the core.
 * Only the core includes this.
 */
#ifndef VMON_SOURCE_DRIVER_H
#define VMON_SOURCE_DRIVER_H

#include <stdint.h>

#include "vmon-source.h"

/* Changes whenever the module and its loader could disagree on a layout. */
#define VMON_SOURCE_ABI (0x766d5302u ^ (unsigned) sizeof(struct vmon_snapshot) \
                         ^ (unsigned) sizeof(struct vmon_domain) << 8 \
                         ^ (unsigned) sizeof(struct vmon_options) << 16 \
                         ^ (unsigned) sizeof(struct vmon_event) << 20)

/*
 * Each driver names its own state: a driver's file defines
 * vmon_source_impl as its struct's tag before including this header (the
 * poller: "#define vmon_source_impl vmon_poller"), so its functions fill
 * the table as they are, without casts or forwarders.  The dispatcher
 * sees an incomplete struct and only passes the pointer back.
 */
struct vmon_source_impl;

struct vmon_source_driver {
    unsigned abi;           /* first: vmon_module_ops() checks it */
    /* Each as its vmon_source_* namesake; a failure leaves its message
     * where error_last() finds it. */
    struct vmon_source_impl *(*open)(const struct vmon_options *opts, unsigned flags);
    void (*close)(struct vmon_source_impl *impl);
    struct vmon_snapshot *(*poll_now)(struct vmon_source_impl *impl);
    struct vmon_snapshot *(*snapshot)(struct vmon_source_impl *impl);
    int (*next_event)(struct vmon_source_impl *impl, struct vmon_event *ev);
    int (*event_fd)(struct vmon_source_impl *impl);
    uint64_t (*events_dropped)(struct vmon_source_impl *impl);
    int (*action)(struct vmon_source_impl *impl, const char *domain, enum vmon_action action,
                  struct vmon_action_result *res);
    int (*last_action)(struct vmon_source_impl *impl, const unsigned char uuid[16], struct vmon_action_result *res);
    /* The implementation's error slot: the module carries a copy of the
     * core of its own, so its vmon_error_last() is not the caller's. */
    const char *(*error_last)(void);
};

/*
 * A driver's table from its functions, in the order of the struct above.
 * Written once so that two drivers do not spell the same table twice; the
 * compiler still checks each function against its member's type.
 */
#define VMON_SOURCE_DRIVER(open_, close_, poll_now_, snapshot_, next_event_, event_fd_, \
                           events_dropped_, action_, last_action_) { \
        .abi = VMON_SOURCE_ABI, .open = open_, .close = close_, .poll_now = poll_now_, \
        .snapshot = snapshot_, .next_event = next_event_, .event_fd = event_fd_, \
        .events_dropped = events_dropped_, .action = action_, .last_action = last_action_, \
        .error_last = vmon_error_last, \
    }

#define VMON_SOURCE_MODULE "virtmon-poller.so"
#define VMON_SOURCE_SYMBOL "vmon_source_libvirt_driver"

extern const struct vmon_source_driver vmon_source_virtmond_driver;

#endif
