#include "vmon-source.h"

#include <stddef.h>

#include "vmon-module.h"

_Static_assert(offsetof(struct vmon_source_ops, abi) == 0, "vmon_module_ops checks the abi first");

const struct vmon_source_ops *
vmon_source_libvirt(char *err, size_t errlen)
{
    return vmon_module_ops(VMON_SOURCE_MODULE, VMON_SOURCE_SYMBOL, VMON_SOURCE_ABI,
                           "polls libvirt", err, errlen);
}
