/* libvirt's typed parameters as the unsigned counters and gauges the core keeps. */
#include "vmon-collect.h"

bool
vmon_typed_param_u64(const virTypedParameter *p, uint64_t *out)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        if (p->value.i < 0) return false;
        *out = (uint64_t) p->value.i;
        return true;
    case VIR_TYPED_PARAM_UINT:
        *out = p->value.ui;
        return true;
    case VIR_TYPED_PARAM_LLONG:
        if (p->value.l < 0) return false;
        *out = (uint64_t) p->value.l;
        return true;
    case VIR_TYPED_PARAM_ULLONG:
        *out = p->value.ul;
        return true;
    case VIR_TYPED_PARAM_DOUBLE:
        if (p->value.d < 0) return false;
        *out = (uint64_t) p->value.d;
        return true;
    case VIR_TYPED_PARAM_BOOLEAN:
        *out = p->value.b != 0;
        return true;
    default:
        return false;
    }
}
