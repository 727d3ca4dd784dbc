/*
 * The part of sampling that talks to libvirt, in a module of its own
 * (virtmon-direct.so) that a check loads only when it polls libvirt itself.
 * A check that asks virtmond instead never maps libvirt and its ~60
 * libraries, whose loading alone costs more CPU than the rest of the run.
 */
#ifndef CHK_DIRECT_H
#define CHK_DIRECT_H

#include <stddef.h>

#include "chk-sample.h"
#include "vmon-snapshot.h"

/* Changes whenever the module and the checks could disagree on a layout. */
#define CHK_DIRECT_ABI (0x766d0001u ^ (unsigned) sizeof(struct vmon_snapshot) \
                        ^ (unsigned) sizeof(struct vmon_domain) << 8 \
                        ^ (unsigned) sizeof(struct chk_sample_opts) << 16)

struct chk_direct_ops {
    unsigned abi;
    /* A one-shot poller for o's URI and domains; NULL with err. */
    void *(*open)(const struct chk_sample_opts *o, char *err, size_t errlen);
    /* Poll now: the new snapshot (caller unrefs), or NULL with err. */
    struct vmon_snapshot *(*poll)(void *poller, char *err, size_t errlen);
    void (*close)(void *poller);
};

#define CHK_DIRECT_MODULE "virtmon-direct.so"
#define CHK_DIRECT_SYMBOL "chk_direct_ops"

/*
 * Load the module from $VIRTMON_MODULE_DIR, else from where it was
 * installed.  NULL with err naming the file and dlerror()'s reason.
 */
const struct chk_direct_ops *chk_direct_load(char *err, size_t errlen);

#endif
