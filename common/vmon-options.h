/*
 * The settings the core understands, set by key and value so that every
 * face (net-snmp config lines, collectd's block, command-line options)
 * validates them the same way and reports the same message.
 */
#ifndef VMON_OPTIONS_H
#define VMON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "vmon-action.h"
#include "vmon-filter.h"
#include "vmon-labels.h"

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
    double balloon_stale_age;  /* seconds; 0: 3 intervals (vmon_mem_stale_mark) */
    double not_answering_after; /* seconds without figures before a guest is called hung */
    unsigned allowed_actions;  /* bit (1 << enum vmon_action); default none */
    bool guest_fs;             /* ask guest agents for their file systems (vmon-guestfs.h) */
    double guest_fs_interval;  /* seconds between two asks of one guest */
    double guest_fs_timeout;   /* seconds a guest's agent may take before its figures go */
    unsigned guest_fs_calls;   /* agent calls out at once, at most */
    bool readwrite;            /* open the connection read-write from the start */
    bool events;               /* lifecycle events, keepalive, libvirt's event loop */
    bool interactive_auth;     /* let libvirt prompt on the terminal for credentials */
    bool skip_pools;           /* no storage pools: a one-shot user that shows none (not a key) */
    struct vmon_filter *filter;
    struct vmon_label_defs *labels; /* NULL: title and description only */
    const char *polling_key;   /* the first key set that only polling uses */
    bool window_given;         /* window set by a key, not the default */
};

void vmon_options_init(struct vmon_options *o);
void vmon_options_clear(struct vmon_options *o);
void vmon_options_copy(struct vmon_options *dst, const struct vmon_options *src);

/*
 * Keys: source ("libvirt", "libvirt:URI", "virtmond" or "virtmond:PATH",
 * virtmond's socket path), uri, interval, window, window-buckets, workers, timeout,
 * shutdown-timeout, balloon-stale-age, include, exclude, allow-actions (comma list of action
 * names, "all" or "none"), label (a label declaration, vmon-labels.h; each
 * one adds a label), events (yes: a long-running agent; no: a one-shot
 * client such as a check, which needs no event thread, callbacks or
 * keepalive), interactive-auth (yes lets libvirt prompt on the terminal;
 * no, the default, fails with a clear error instead of hanging a daemon),
 * guest-fs (yes: read each running guest's file systems from its guest
 * agent; default no), guest-fs-interval (1 s..1 d, default 60 s),
 * guest-fs-timeout (0.1 s..10 min, default 10 s), guest-fs-calls (1..64,
 * default 4).
 * Durations take ms/s/m/h/d suffixes and are bounded: interval 0.5 s..1 d,
 * window interval..7 d, timeout 0.1 s..1 h, shutdown-timeout 1 s..1 d,
 * balloon-stale-age 1 s..1 d (default three intervals);
 * not-answering-after 1 s..1 d (default 30 s: vmon-answer.h);
 * workers 0..64, window-buckets 1..1440.  A value with a control
 * character is refused.  window, window-buckets, workers, shutdown-timeout,
 * balloon-stale-age, not-answering-after, label and the guest-fs keys decide how libvirt is polled: with source virtmond,
 * virtmond polls, so they are refused, whichever comes first.
 * Returns 0, or -1 with vmon_error_last() saying what was wrong with which key.
 */
int vmon_options_set(struct vmon_options *o, const char *key, const char *value);

/*
 * vmon_options_set()'s error names the core's key ("allow-actions: ...");
 * a face names the setting as its user wrote it: this replaces a leading
 * "KEY: " of vmon_error_last() with "AS: " (AS NULL: with nothing).
 */
void vmon_error_rename(const char *key, const char *as);

/*
 * A program's command line: each option either a core key set as it is
 * (--interval 5s is "interval" "5s") or the program's own (key NULL), in
 * one table that also gives getopt_long its options.
 */
struct vmon_cli_option {
    const char *name;          /* the long option, without "--" */
    int has_arg;               /* getopt's no_argument or required_argument */
    int val;                   /* what getopt_long returns: the short letter, or >= 256 */
    const char *key;           /* vmon_options_set()'s key; NULL: the program's own */
};

/* What vmon_cli_parse() and a program's own options return besides an exit status. */
enum {
    VMON_CLI_GO_ON = -1,       /* taken; carry on */
    VMON_CLI_BAD = -2,         /* a bad value; vmon_error_last() says why */
};

struct vmon_cli {
    const char *program;       /* as it prefixes its messages and --version */
    const char *shortopts;     /* getopt's; 'h' and 'V' are --help and --version */
    const struct vmon_cli_option *options;
    size_t noptions;
    void (*usage)(FILE *out);
    /* The program's own option c: VMON_CLI_GO_ON, VMON_CLI_BAD or a status to exit with. */
    int (*own)(void *ctx, int c, const char *arg);
};

/*
 * Parses argv for the program: core keys into o, its own options to
 * cli->own(ctx, ...).  Returns VMON_CLI_GO_ON when all is taken and no
 * argument is left over; else, having printed what the program would
 * (--help or --version: 0; a bad value, named as typed, "--interval:
 * 'soon' is not a duration ...", a stray argument or an unknown option:
 * 2), the status to exit with.
 */
int vmon_cli_parse(const struct vmon_cli *cli, int argc, char **argv, struct vmon_options *o,
                   void *ctx);

/* Parsers shared with the faces' own options. 0 or -1 (+ vmon_error_last()). */
int vmon_parse_duration(const char *text, double *seconds);
/* ... and within min..max seconds, else "'TEXT' is out of range 0.5 s..1 d". */
int vmon_parse_duration_in(const char *text, double min, double max, double *seconds);
int vmon_parse_bool(const char *text, bool *value);
int vmon_parse_uint(const char *text, unsigned min, unsigned max, unsigned *value);
/* A group by name or number (a socket's group). */
int vmon_parse_group(const char *text, gid_t *gid);

#endif
