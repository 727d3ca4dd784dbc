/*
 * check_virt_domain's guest file systems (--fs, --fs-warning,
 * --fs-critical): used % of each mount point the guest agent reports,
 * against standard ranges, with perfdata per mount point.
 */
#ifndef CHK_GUESTFS_H
#define CHK_GUESTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "chk-buf.h"
#include "vmon-perfdata.h"
#include "vmon-snapshot.h"

struct chk_guestfs {
    const char *mounts;          /* --fs: mount points, globs, comma list; NULL: all */
    const char *warn, *crit;     /* --fs-warning, --fs-critical as given */
    struct vmon_thresholds th;   /* parsed by chk_guestfs_validate() */
};

/* Whether any --fs option was given (so the file systems are collected). */
bool chk_guestfs_wanted(const struct chk_guestfs *g);
/* Parse the ranges.  0, or -1 with err naming the option and what is wrong. */
int chk_guestfs_validate(struct chk_guestfs *g, char *err, size_t errlen);
/*
 * One running domain's file systems: ", /mnt 20.1% used" (or "(warning 80)")
 * to why, one perfdata item per mount point chosen (label the mount point,
 * after "prefix::" when prefix is set) when perf, and the worst state.
 * No figures (the agent failed, or guest-fs is off where they come from) or
 * no mount point chosen is UNKNOWN, saying why.
 */
int chk_guestfs_eval(const struct chk_guestfs *g, const struct vmon_domain *d, const char *prefix,
                     bool perf, struct chk_buf *why, struct vmon_perfdata *pd);

#endif
