#include "vmon-source.h"

#include <stdio.h>

#include "vmon-module.h"

const struct vmon_source_ops *
vmon_source_libvirt(char *err, size_t errlen)
{
    char why[1200];
    const struct vmon_source_ops *ops =
        vmon_module_symbol(VMON_SOURCE_MODULE, VMON_SOURCE_SYMBOL, why, sizeof(why));

    if (!ops) {
        snprintf(err, errlen, "%s (it polls libvirt)", why);
        return NULL;
    }
    if (ops->abi != VMON_SOURCE_ABI) {
        snprintf(err, errlen, "%s is not from this build of virtmon (layouts differ)",
                 VMON_SOURCE_MODULE);
        return NULL;
    }
    return ops;
}
