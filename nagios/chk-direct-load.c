#include "config.h"

#include "chk-direct.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const struct chk_direct_ops *
chk_direct_load(char *err, size_t errlen)
{
    /* the build tree's tests point here; never trusted in a set-id process */
    const char *dir = getuid() == geteuid() ? getenv("VIRTMON_MODULE_DIR") : NULL;
    char path[4096];
    void *h;
    const struct chk_direct_ops *ops;

    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : VIRTMON_PKGLIBDIR,
             CHK_DIRECT_MODULE);
    /* never closed: a poll abandoned on a frozen guest may still run in it */
    h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errlen, "cannot load %s, which polls libvirt for the checks: %s", path,
                 dlerror());
        return NULL;
    }
    ops = (const struct chk_direct_ops *) dlsym(h, CHK_DIRECT_SYMBOL);
    if (!ops || ops->abi != CHK_DIRECT_ABI) {
        snprintf(err, errlen, "%s is not from this build of virtmon (%s)", path,
                 ops ? "layouts differ" : "no " CHK_DIRECT_SYMBOL);
        return NULL;
    }
    return ops;
}
