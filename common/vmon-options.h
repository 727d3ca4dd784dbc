/*
 * The settings the core understands, set by key and value so that every
 * face (net-snmp config lines, collectd's block, command-line options)
 * validates them the same way and reports the same message.
 */
#ifndef VMON_OPTIONS_H
#define VMON_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include "vmon-action.h"
#include "vmon-filter.h"

/* Where snapshots come from (vmon-source.h). */
enum vmon_source_kind {
    VMON_SOURCE_LIBVIRT,       /* poll libvirt at uri */
    VMON_SOURCE_VIRTMOND,      /* read virtmond's polls at socket */
};

struct vmon_options {
    enum vmon_source_kind source;
    char *socket;              /* virtmond's; NULL: VIRTMOND_SOCKET */
    char *uri;                 /* NULL: libvirt's default */
    double interval;           /* seconds between polls (background poller) */
    double window;             /* seconds of min/avg/max history */
    unsigned window_buckets;
    unsigned workers;          /* concurrent bulk-stats calls; 0 = sized to host */
    double timeout;            /* seconds a per-domain fallback call may take */
    double shutdown_timeout;   /* seconds before an ignored shutdown is called so */
    unsigned allowed_actions;  /* bit (1 << enum vmon_action); default none */
    bool readwrite;            /* open the connection read-write from the start */
    bool events;               /* lifecycle events, keepalive, libvirt's event loop */
    bool interactive_auth;     /* let libvirt prompt on the terminal for credentials */
    struct vmon_filter *filter;
};

void vmon_options_init(struct vmon_options *o);
void vmon_options_clear(struct vmon_options *o);
void vmon_options_copy(struct vmon_options *dst, const struct vmon_options *src);

/*
 * Keys: source ("libvirt", "libvirt:URI", "virtmond" or "virtmond:PATH",
 * virtmond's socket path), uri, interval, window, window-buckets, workers, timeout,
 * shutdown-timeout, include, exclude, allow-actions (comma list of action
 * names, "all" or "none"), events (yes: a long-running agent; no: a one-shot
 * client such as a check, which needs no event thread, callbacks or
 * keepalive), interactive-auth (yes lets libvirt prompt on the terminal;
 * no, the default, fails with a clear error instead of hanging a daemon).
 * Durations take s/m/h suffixes.
 * Returns 0, or -1 with vmon_error_last() saying what was wrong with which key.
 */
int vmon_options_set(struct vmon_options *o, const char *key, const char *value);

/* Parsers shared with the faces' own options. 0 or -1 (+ vmon_error_last()). */
int vmon_parse_duration(const char *text, double *seconds);
int vmon_parse_bool(const char *text, bool *value);
int vmon_parse_uint(const char *text, unsigned min, unsigned max, unsigned *value);
/* A group by name or number (a socket's group). */
int vmon_parse_group(const char *text, gid_t *gid);

#endif
