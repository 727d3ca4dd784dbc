/*
 * The latest snapshot on a local (AF_UNIX stream) socket, for clients on
 * the same host that should neither link libvirt nor hold libvirt rights.
 * A client connects, sends one request line and reads the reply up to EOF:
 *
 *   "snapshot\n"          every domain
 *   "domain NAME|UUID\n"  that one domain (plus node, health and pools); NAME may
 *                         also be quoted as the wire quotes strings
 *                         ("domain \"a b\"\n"), which any name survives
 *   "events\n"            "virtmon-events 1", then one line per lifecycle, pool or
 *                         connection event as it happens (vmon_wire_write_event),
 *                         until either side closes; a subscriber that falls
 *                         behind is dropped; beyond 16 subscribers the
 *                         answer is "error: too many event subscribers"
 *   "action ACTION NAME|UUID\n"
 *                         run it (vmon_poller_action), once the server takes
 *                         actions (vmon_server_take_actions) and the peer is
 *                         root or the server's own user; one line
 *                         vmon_wire_write_action_result() as the reply
 *   "last-action UUID\n"  that line for the newest action on the domain
 *                         (a pending shutdown settles later), or "no-action"
 *
 * The reply is vmon_wire_write()'s text, or one line "error: ..." when the
 * request was not understood, was refused or no poll has finished yet.  The server runs
 * on a thread of its own and never calls libvirt: it serves whatever the
 * poller last published, so a hung guest or libvirtd cannot stall it.
 */
#ifndef VMON_SERVE_H
#define VMON_SERVE_H

#include <stddef.h>
#include <sys/types.h>

#include "vmon-action.h"

/*
 * Where virtmond listens unless told otherwise, and where a check looks.
 * The build passes $(runstatedir)/virtmon/virtmond.sock (top Makefile.am).
 */
#ifndef VIRTMOND_SOCKET
#define VIRTMOND_SOCKET "/run/virtmon/virtmond.sock"
#endif

struct vmon_event;
struct vmon_source;
struct vmon_server;

/*
 * Listen on path (its directory is created when missing; an existing
 * socket file there is replaced, anything else is refused) with the given
 * permission bits and group (gid (gid_t) -1: leave it), and serve src's
 * snapshots, and its actions once allowed, until vmon_server_stop().
 * NULL with vmon_error_last() saying what failed.
 */
struct vmon_server *vmon_server_start(struct vmon_source *src, const char *path, mode_t mode,
                                      gid_t gid);
/*
 * Take "action" requests from now on, and tell log (one line, any thread)
 * each one asked, with who asked and how it ended; kind sums it up for a
 * log that counts a burst ("suspend ok by uid 0").
 */
typedef void vmon_server_log_fn(const char *kind, const char *line);
void vmon_server_take_actions(struct vmon_server *s, vmon_server_log_fn *log);
/* Stop serving and remove the socket file.  NULL is fine. */
void vmon_server_stop(struct vmon_server *s);
/* Send ev to every "events" subscriber (any thread; never blocks on one). */
void vmon_server_publish(struct vmon_server *s, const struct vmon_event *ev);
/*
 * The client half of "events": a connected socket (blocking) past the
 * header line, or -1 with err (an older virtmond answers "unknown request").
 */
int vmon_serve_subscribe(const char *path, double timeout, char *err, size_t errlen);

/*
 * The client half, without libvirt: ask the server at path for every
 * domain (only == NULL) or one, within timeout seconds.  A snapshot with
 * one reference, or NULL with err saying what failed (no such socket,
 * permission, timeout, the server's own error line).
 */
struct vmon_snapshot *vmon_serve_fetch(const char *path, const char *only, double timeout,
                                       char *err, size_t errlen);

/*
 * The client half of "action": ask the server at path to act, waiting up
 * to timeout seconds for libvirt's answer.  As vmon_poller_action(): 0 when
 * done or pending, -1 otherwise, res saying what happened either way (a
 * server out of reach or refusing the asker is VMON_ACTION_FAILED).
 */
int vmon_serve_act(const char *path, const char *domain, enum vmon_action action, double timeout,
                   struct vmon_action_result *res);
/* The client half of "last-action": 0 with res, 1 when none, -1 with err. */
int vmon_serve_last_action(const char *path, const char *uuid, double timeout,
                           struct vmon_action_result *res, char *err, size_t errlen);

#endif
