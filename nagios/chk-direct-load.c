#include "chk-direct.h"

#include <stddef.h>

#include "vmon-module.h"

_Static_assert(offsetof(struct chk_direct_ops, abi) == 0, "vmon_module_ops checks the abi first");

const struct chk_direct_ops *
chk_direct_load(char *err, size_t errlen)
{
    return vmon_module_ops(CHK_DIRECT_MODULE, CHK_DIRECT_SYMBOL, CHK_DIRECT_ABI,
                           "polls libvirt for the checks", err, errlen);
}
