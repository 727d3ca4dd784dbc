#include "chk-guestfs.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vmon-cnum.h"

bool
chk_guestfs_wanted(const struct chk_guestfs *g)
{
    return g->mounts || g->warn || g->crit;
}

int
chk_guestfs_validate(struct chk_guestfs *g, char *err, size_t errlen)
{
    char why[512];

    if (g->mounts && !*g->mounts) {
        snprintf(err, errlen, "--fs needs a mount point or pattern, e.g. --fs '/,/var*'");
        return -1;
    }
    if (vmon_thresholds_set(&g->th, g->warn, g->crit, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "--fs-warning/--fs-critical: %s", why);
        return -1;
    }
    return 0;
}

/* Whether mountpoint is one of the comma-separated globs in list (NULL: all). */
static bool
chosen(const char *list, const char *mountpoint)
{
    if (!list)
        return true;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char glob[1024];
        snprintf(glob, sizeof(glob), "%.*s", (int) len, p);
        if (fnmatch(glob, mountpoint, 0) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

static void
format_percent(double v, char *buf, size_t size)
{
    if (vmon_cnum_format(buf, size, round(v * 100) / 100) < 0)
        snprintf(buf, size, "?");
}

int
chk_guestfs_eval(const struct chk_guestfs *g, const struct vmon_domain *d, const char *prefix,
                 bool perf, struct chk_buf *why, struct vmon_perfdata *pd)
{
    if (d->fs_error) {
        chk_buf_printf(why, ", no file systems: %s", d->fs_error);
        return CHK_UNKNOWN;
    }
    if (!d->fs_time) {
        chk_buf_add(why, ", no file systems from the guest agent (yet; or guest-fs is off "
                         "where the figures come from)");
        return CHK_UNKNOWN;
    }
    int st = CHK_OK;
    size_t n = 0;
    for (size_t i = 0; i < d->nfss; i++) {
        const struct vmon_fs *fs = &d->fss[i];
        const struct vmon_value *v = &fs->m[VMON_FS_USED_PERCENT];
        if (!chosen(g->mounts, fs->mountpoint))
            continue;
        n++;
        if (!vmon_value_has(v)) {
            chk_buf_printf(why, ", %s: no usage reported", fs->mountpoint);
            st = chk_state_worst(st, CHK_UNKNOWN);
            continue;
        }
        char text[64], range[128];
        format_percent(v->d, text, sizeof(text));
        int ms = vmon_thresholds_state(&g->th, v->d);
        if (ms == CHK_OK) {
            chk_buf_printf(why, ", %s %s%% used", fs->mountpoint, text);
        } else {
            vmon_range_format(ms == CHK_CRITICAL ? &g->th.crit : &g->th.warn, range, sizeof(range));
            chk_buf_printf(why, ", %s %s%% used (%s %s)", fs->mountpoint, text,
                           ms == CHK_CRITICAL ? "critical" : "warning", range);
        }
        st = chk_state_worst(st, ms);
        if (perf) {
            struct vmon_perf p = {
                .prefix = prefix, .label = fs->mountpoint, .value = v->d,
                .uom = VMON_UOM_PERCENT, .th = vmon_thresholds_any(&g->th) ? &g->th : NULL,
                .have_min = true, .min = 0, .have_max = true, .max = 100,
            };
            vmon_perfdata_add(pd, &p);
        }
    }
    if (n == 0) {
        struct chk_buf all = { 0 };
        for (size_t i = 0; i < d->nfss; i++)
            chk_buf_printf(&all, "%s%s", i ? ", " : "", d->fss[i].mountpoint);
        chk_buf_printf(why, ", no file system matches --fs '%s' (mounted: %s)", g->mounts,
                       d->nfss ? chk_buf_str(&all) : "none");
        chk_buf_clear(&all);
        return CHK_UNKNOWN;
    }
    return st;
}
