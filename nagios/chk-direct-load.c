#include "chk-direct.h"

#include <stdio.h>

#include "vmon-module.h"

const struct chk_direct_ops *
chk_direct_load(char *err, size_t errlen)
{
    char why[1200];
    const struct chk_direct_ops *ops =
        vmon_module_symbol(CHK_DIRECT_MODULE, CHK_DIRECT_SYMBOL, why, sizeof(why));

    if (!ops) {
        snprintf(err, errlen, "%s (it polls libvirt for the checks)", why);
        return NULL;
    }
    if (ops->abi != CHK_DIRECT_ABI) {
        snprintf(err, errlen, "%s is not from this build of virtmon (layouts differ)",
                 CHK_DIRECT_MODULE);
        return NULL;
    }
    return ops;
}
