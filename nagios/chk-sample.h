/*
 * Collect: one poll through the core's source, plus rates.  Polling
 * libvirt here, rates come from the previous run's sample in a state file
 * when there is a fresh one, else from a short second poll in this process
 * (--interval), so a check neither sleeps on every run nor reports nothing
 * on its first.  Reading virtmond (--source virtmond), its latest poll
 * comes with its rates: no state files and no libvirt in this process.
 */
#ifndef CHK_SAMPLE_H
#define CHK_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "chk-output.h"
#include "vmon-snapshot.h"

struct chk_sample_opts {
    const char *source;         /* libvirt[:URI] or virtmond[:PATH]; NULL: libvirt */
    const char *uri;            /* NULL: libvirt's default */
    const char *name;           /* one domain by exact name or UUID; NULL: include */
    const char *include;        /* the core's filter syntax; NULL: every domain */
    const char *exclude;
    const char *balloon_stale_age;  /* the core's balloon-stale-age; NULL: its default */
    const char *not_answering_after; /* the core's not-answering-after; NULL: its default */
    const char *const *label_defs;  /* the core's label declarations (--label-def) */
    size_t nlabel_defs;
    bool guest_fs;              /* the guests' file systems (the core's guest-fs) */
    bool need_rates;            /* some output or threshold uses a rate */
    bool node_rates;            /* ... of the node (host check) rather than domains */
    bool pools;                 /* the check shows storage pools: have them read */
    double interval;            /* seconds between two in-process polls; 0: never */
    bool use_state;             /* read and write state files */
    const char *state_dir;      /* NULL: chk_state_dir()'s default */
    double state_min_age, state_max_age;
    double budget;              /* seconds -t allows the whole run; 0: no limit */
};

struct vmon_source;

struct chk_sample {
    struct vmon_source *src;
    bool from_virtmond;             /* its messages name virtmond as well as libvirt */
    bool rates_included;            /* the source computed them (virtmond) */
    bool libvirt_down;              /* the failure was libvirt not answering */
    double not_answering_after;     /* seconds without figures before a guest is hung */
    struct vmon_snapshot *snap;     /* the one to evaluate */
    char rates_from[512];           /* how rates were obtained, for -v */
    char state_note[1024];           /* why state files were not used, if so */
};

/*
 * Poll and compute rates.  0, or -1 with err saying what failed (libvirt
 * or virtmond unreachable, bad filter, the source's data stale): the caller
 * turns that into UNKNOWN, or its unreachable state when libvirt_down.
 */
int chk_sample_collect(const struct chk_sample_opts *o, struct chk_sample *s,
                       char *err, size_t errlen);
/* Write this run's counters for the next run (best effort; notes failures in state_note). */
void chk_sample_save(const struct chk_sample_opts *o, struct chk_sample *s);
void chk_sample_free(struct chk_sample *s);
/* With -vv: where the rates came from and why a state file was not used. */
void chk_sample_notes(const struct chk_sample *s, int verbose, struct chk_output *out);

#endif
