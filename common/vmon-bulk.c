/*
 * Bulk stats: one virDomainListGetStats call for a list of domains, NOWAIT
 * where the driver takes it so a guest stuck in its monitor cannot stall
 * the call, and its records read into the snapshot's domain records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "vmon-collect-priv.h"
#include "vmon-conn.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

/* At most this many devices of one kind per domain are read from bulk stats. */
#define MAX_DEVICES 4096

/*
 * Learn which groups the driver fills.  With ACTIVE and SHUTOFF together the
 * filter selects no domain at all, so the probe costs nothing, and ENFORCE
 * makes an unsupported group an error instead of silently missing data.
 */
void
vmon_bulk_probe(virConnectPtr conn, struct vmon_caps *caps)
{
    static const unsigned groups[] = {
        VIR_DOMAIN_STATS_STATE, VIR_DOMAIN_STATS_CPU_TOTAL, VIR_DOMAIN_STATS_BALLOON,
        VIR_DOMAIN_STATS_VCPU, VIR_DOMAIN_STATS_INTERFACE, VIR_DOMAIN_STATS_BLOCK,
    };
    const unsigned none = VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
                          VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF;
    virDomainStatsRecordPtr *recs = NULL;
    int n;

    caps->probed = true;
    caps->bulk_nowait = true;
    n = virConnectGetAllDomainStats(conn, VMON_WANTED_GROUPS, &recs,
                                    none | VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS |
                                    VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    if (n >= 0) {
        virDomainStatsRecordListFree(recs);
        caps->bulk_groups = VMON_WANTED_GROUPS;
        return;
    }
    virErrorPtr err = virGetLastError();
    if (err && err->code == VIR_ERR_NO_SUPPORT) {
        caps->no_bulk = true;
        return;
    }
    for (size_t i = 0; i < VMON_ARRAY_SIZE(groups); i++) {
        recs = NULL;
        n = virConnectGetAllDomainStats(conn, groups[i], &recs,
                                        none | VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS);
        if (n >= 0) {
            caps->bulk_groups |= groups[i];
            virDomainStatsRecordListFree(recs);
        }
    }
    if (!caps->bulk_groups)
        caps->no_bulk = true;
}

struct device_names {
    char *disk[MAX_DEVICES];
    char *nic[MAX_DEVICES];
};

/* "block.3.rd.reqs" -> index 3, rest "rd.reqs"; false if not that shape. */
static bool
split_indexed(const char *field, const char *prefix, unsigned *index, const char **rest)
{
    size_t len = strlen(prefix);
    char *end;

    if (strncmp(field, prefix, len) != 0)
        return false;
    unsigned long i = strtoul(field + len, &end, 10);
    if (end == field + len || *end != '.' || i >= MAX_DEVICES)
        return false;
    *index = (unsigned) i;
    *rest = end + 1;
    return true;
}

static void
apply_record(const virDomainStatsRecord *rec, struct vmon_domain *dom)
{
    struct device_names *names = vmon_alloc(sizeof(*names));
    unsigned idx;
    const char *rest;

    /* names first: libvirt orders fields by device, but nothing promises it */
    for (int i = 0; i < rec->nparams; i++) {
        const virTypedParameter *p = &rec->params[i];
        if (p->type != VIR_TYPED_PARAM_STRING)
            continue;
        if (split_indexed(p->field, "block.", &idx, &rest)) {
            if (strcmp(rest, "name") == 0)
                names->disk[idx] = p->value.s;
        } else if (split_indexed(p->field, "net.", &idx, &rest)) {
            if (strcmp(rest, "name") == 0)
                names->nic[idx] = p->value.s;
        }
    }
    for (int i = 0; i < rec->nparams; i++) {
        const virTypedParameter *p = &rec->params[i];
        const struct vmon_metric_desc *d;
        uint64_t v;

        if (p->type == VIR_TYPED_PARAM_STRING) {
            if (split_indexed(p->field, "block.", &idx, &rest) && strcmp(rest, "path") == 0
                && names->disk[idx]) {
                struct vmon_disk *disk = vmon_domain_add_disk(dom, names->disk[idx]);
                if (!disk->path)
                    disk->path = vmon_strdup(p->value.s);
            }
            continue;
        }
        if (!vmon_typed_param_u64(p, &v))
            continue;
        if (strcmp(p->field, "state.state") == 0) {
            dom->state = (int) v;
        } else if (strcmp(p->field, "state.reason") == 0) {
            dom->reason = (int) v;
        } else if (split_indexed(p->field, "block.", &idx, &rest)) {
            if (names->disk[idx] && (d = vmon_metric_find(VMON_SCOPE_DISK, rest)))
                vmon_value_set(&vmon_domain_add_disk(dom, names->disk[idx])->m[d->id], v);
        } else if (split_indexed(p->field, "net.", &idx, &rest)) {
            if (names->nic[idx] && (d = vmon_metric_find(VMON_SCOPE_NIC, rest)))
                vmon_value_set(&vmon_domain_add_nic(dom, names->nic[idx])->m[d->id], v);
        } else if (split_indexed(p->field, "vcpu.", &idx, &rest)) {
            if ((d = vmon_metric_find(VMON_SCOPE_VCPU, rest)))
                vmon_value_set(&vmon_domain_get_vcpu(dom, idx)->m[d->id], v);
        } else if ((d = vmon_metric_find(VMON_SCOPE_DOMAIN, p->field))
                   && d->kind != VMON_KIND_DERIVED) {
            vmon_value_set(&dom->m[d->id], v);
        }
    }
    free(names);
}

static struct vmon_domain *
domain_for(struct vmon_domain *out, size_t count, virDomainPtr dom)
{
    unsigned char uuid[16];

    virDomainGetUUID(dom, uuid);
    return vmon_uuid_find(out, count, sizeof(*out), offsetof(struct vmon_domain, uuid), uuid);
}

int
vmon_bulk_collect(struct vmon_caps *caps, unsigned groups, virDomainPtr *doms,
                  struct vmon_domain *out, size_t count, char *err, size_t errlen)
{
    virDomainStatsRecordPtr *recs = NULL;
    unsigned flags = caps->bulk_nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0;
    int n = virDomainListGetStats(doms, groups, &recs, flags);

    if (n < 0 && flags) {
        virErrorPtr e = virGetLastError();
        if (e && (e->code == VIR_ERR_INVALID_ARG || e->code == VIR_ERR_NO_SUPPORT ||
                  e->code == VIR_ERR_ARGUMENT_UNSUPPORTED)) {
            caps->bulk_nowait = false;
            n = virDomainListGetStats(doms, groups, &recs, 0);
        }
    }
    if (n < 0) {
        snprintf(err, errlen, "bulk domain stats failed: %s", vmon_virt_error());
        return -1;
    }
    for (int r = 0; r < n; r++) {
        struct vmon_domain *dom = domain_for(out, count, recs[r]->dom);
        if (dom)
            apply_record(recs[r], dom);
    }
    virDomainStatsRecordListFree(recs);
    return 0;
}
