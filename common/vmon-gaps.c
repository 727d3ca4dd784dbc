/*
 * What the stats leave out of a domain record: filled from the domain's
 * XML where it says (disk paths, MACs, vCPU counts), otherwise named as
 * missing groups so no face reads a gap as zeros.
 */
#include <string.h>

#include "vmon-collect-priv.h"
#include "vmon-util.h"

void
vmon_gaps_fill_from_xml(struct vmon_domain *dom, const struct vmon_domxml *xml)
{
    if (!dom->os_type)    /* filled twice when a skipped guest is asked again */
        dom->os_type = vmon_strdup(xml->os_type);
    if (!dom->title)
        dom->title = vmon_strdup(xml->title);
    if (!dom->description)
        dom->description = vmon_strdup(xml->description);
    for (size_t i = 0; i < xml->nlabels; i++)
        if (!vmon_domain_label(dom, xml->labels[i].name))
            vmon_domain_add_label(dom, xml->labels[i].name, xml->labels[i].value);
    for (size_t i = 0; i < xml->ndisks; i++) {
        const struct vmon_domxml_disk *x = &xml->disks[i];
        struct vmon_disk *disk = vmon_domain_find_disk(dom, x->target);
        if (!disk)
            continue;
        if (!disk->path)
            disk->path = vmon_strdup(x->source);
        vmon_strset(&disk->bus, x->bus);
        vmon_strset(&disk->serial, x->serial);
    }
    for (size_t i = 0; i < xml->nnics; i++) {
        const struct vmon_domxml_nic *x = &xml->nics[i];
        struct vmon_nic *nic = x->target ? vmon_domain_find_nic(dom, x->target) : NULL;
        if (!nic)
            continue;
        memcpy(nic->mac, x->mac, sizeof(nic->mac));
        nic->number = (unsigned) i + 1;
        vmon_strset(&nic->alias, x->alias);
        vmon_strset(&nic->source, x->source);
        vmon_strset(&nic->model, x->model);
    }
    if (!vmon_value_has(&dom->m[VMON_DOM_VCPU_MAXIMUM]) && xml->vcpu_max)
        vmon_value_set(&dom->m[VMON_DOM_VCPU_MAXIMUM], xml->vcpu_max);
    /* what a shut-off domain will boot with, as virsh dominfo shows it */
    if (dom->id < 0 && !vmon_value_has(&dom->m[VMON_DOM_VCPU_CURRENT]) && xml->vcpu_current)
        vmon_value_set(&dom->m[VMON_DOM_VCPU_CURRENT], xml->vcpu_current);
}

/* Whether any of n devices has the value: the first's at *first, the next stride bytes on. */
static bool
any_device_has(const struct vmon_value *first, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i++)
        if (vmon_value_has((const struct vmon_value *) ((const char *) first + i * stride)))
            return true;
    return false;
}

/*
 * NOWAIT makes libvirt skip what needs the monitor of a guest whose job is
 * held (a frozen or busy guest), and a fallback call can fail for the same
 * reason.  Name the groups an active domain should have had but lacks,
 * rather than let a face read the gap as zeros or as "all is well".
 * Groups the driver cannot give at all are not missing.
 */
void
vmon_gaps_mark_partial(const struct vmon_caps *caps, unsigned bulk, const struct vmon_domxml *xml,
                       struct vmon_domain *dom)
{
    unsigned lacking = 0;
    bool disks = xml && xml->ndisks > 0, nics = false;

    bool disk_stats = dom->ndisks && any_device_has(&dom->disks[0].m[VMON_DISK_RD_REQS],
                                                    dom->ndisks, sizeof(*dom->disks));
    bool nic_stats = dom->nnics && any_device_has(&dom->nics[0].m[VMON_NIC_RX_BYTES],
                                                  dom->nnics, sizeof(*dom->nics));

    for (size_t i = 0; xml && i < xml->nnics; i++)
        nics = nics || xml->nics[i].target;
    if (!vmon_value_has(&dom->m[VMON_DOM_CPU_TIME]))
        lacking |= VMON_GROUP_CPU;
    if (!vmon_value_has(&dom->m[VMON_DOM_MEM_CURRENT]))
        lacking |= VMON_GROUP_BALLOON;
    if (!vmon_value_has(&dom->m[VMON_DOM_VCPU_CURRENT]) &&
        ((bulk & VIR_DOMAIN_STATS_VCPU) || !caps->no_vcpus))
        lacking |= VMON_GROUP_VCPU;
    if (disks && !disk_stats &&
        ((bulk & VIR_DOMAIN_STATS_BLOCK) || !caps->no_block_stats || !caps->no_block_stats_flags))
        lacking |= VMON_GROUP_BLOCK;
    if (nics && !nic_stats &&
        ((bulk & VIR_DOMAIN_STATS_INTERFACE) || !caps->no_iface_stats))
        lacking |= VMON_GROUP_NET;
    dom->partial_groups |= lacking;
    dom->partial = dom->partial_groups != 0;
}
