/*
 * Lifecycle events missed while libvirt was out of reach.
 *
 * libvirt delivers an event only to clients connected when it happens.
 * A guest that crashed, or was stopped by hand, while libvirtd restarted
 * (or while the network to a remote libvirtd was down) changes state with
 * nobody told: no trap, no collectd notification.  After reconnecting, the
 * poller compares the last snapshot taken before the outage with the
 * first one after it and queues the event each difference implies, so the
 * faces announce it like any other.  Such events carry a message saying
 * they were inferred; the detail is the one the new state's reason implies.
 * A face fed by virtmond's snapshots (vmon-feed.c) learns of every change
 * this way.
 */
#ifndef VMON_CATCHUP_H
#define VMON_CATCHUP_H

#include <stdbool.h>

#include "vmon-event.h"
#include "vmon-snapshot.h"

/* Return true to skip a domain: it has had a real event since the reconnect. */
typedef bool (*vmon_catchup_skip_fn)(void *opaque, const unsigned char uuid[16]);
typedef void (*vmon_catchup_emit_fn)(void *opaque, const struct vmon_event *ev);

/* Emits, for each domain whose state differs between before and after (or
 * that appeared, vanished, or was started again with a new id), the
 * lifecycle events that would have told of it, in domain order, with the
 * message "CONTEXT: what differed".  Returns how many it emitted. */
unsigned vmon_catchup_events(const struct vmon_snapshot *before, const struct vmon_snapshot *after,
                             const char *context, vmon_catchup_skip_fn skip,
                             vmon_catchup_emit_fn emit, void *opaque);

#endif
