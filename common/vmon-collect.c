#include "vmon-collect.h"

#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "vmon-conn.h"
#include "vmon-rates.h"
#include "vmon-util.h"

/* At most this many devices of one kind per domain are read from bulk stats. */
#define MAX_DEVICES 4096

struct xml_entry {
    unsigned char uuid[16];
    int id;                       /* XML of a running domain names its tap devices */
    struct vmon_domxml *xml;
};

struct vmon_collector {
    unsigned workers;
    struct vmon_caps caps;
    bool have_node;
    struct vmon_node node;        /* static facts of this connection's host */
    struct xml_entry *xml;        /* sorted by uuid */
    size_t nxml;

    pthread_mutex_t dirty_lock;   /* the event thread marks, the poll drains */
    unsigned char (*dirty)[16];
    size_t ndirty;
};

struct vmon_collector *
vmon_collector_new(unsigned workers)
{
    struct vmon_collector *c = vmon_alloc(sizeof(*c));

    if (!workers) {
        /* libvirtd answers for one guest at a time per call: a few calls in
         * parallel overlap the waits on guests' monitors */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cpus < 2 ? 2 : cpus > 4 ? 4 : (unsigned) cpus;
    }
    c->workers = workers;
    pthread_mutex_init(&c->dirty_lock, NULL);
    return c;
}

static void
clear_node(struct vmon_node *node)
{
    free(node->hostname);
    free(node->hv_type);
    free(node->cpu_model);
    memset(node, 0, sizeof(*node));
}

static void
forget_xml(struct vmon_collector *c)
{
    for (size_t i = 0; i < c->nxml; i++)
        vmon_domxml_free(c->xml[i].xml);
    free(c->xml);
    c->xml = NULL;
    c->nxml = 0;
}

void
vmon_collector_forget(struct vmon_collector *c)
{
    memset(&c->caps, 0, sizeof(c->caps));
    clear_node(&c->node);
    c->have_node = false;
    forget_xml(c);
}

void
vmon_collector_free(struct vmon_collector *c)
{
    if (!c)
        return;
    vmon_collector_forget(c);
    free(c->dirty);
    pthread_mutex_destroy(&c->dirty_lock);
    free(c);
}

const struct vmon_caps *
vmon_collector_caps(const struct vmon_collector *c)
{
    return &c->caps;
}

void
vmon_collector_invalidate(struct vmon_collector *c, const unsigned char uuid[16])
{
    pthread_mutex_lock(&c->dirty_lock);
    if (c->ndirty < 65536) {
        c->dirty = vmon_realloc_array(c->dirty, c->ndirty + 1, sizeof(*c->dirty));
        memcpy(c->dirty[c->ndirty++], uuid, 16);
    }
    pthread_mutex_unlock(&c->dirty_lock);
}

static int
compare_xml(const void *a, const void *b)
{
    return memcmp(((const struct xml_entry *) a)->uuid, ((const struct xml_entry *) b)->uuid, 16);
}

static struct xml_entry *
find_xml(struct vmon_collector *c, const unsigned char uuid[16])
{
    struct xml_entry key;

    memcpy(key.uuid, uuid, 16);
    return bsearch(&key, c->xml, c->nxml, sizeof(*c->xml), compare_xml);
}

static void
drain_dirty(struct vmon_collector *c)
{
    pthread_mutex_lock(&c->dirty_lock);
    for (size_t i = 0; i < c->ndirty; i++) {
        struct xml_entry *e = find_xml(c, c->dirty[i]);
        if (e) {
            vmon_domxml_free(e->xml);
            e->xml = NULL;
        }
    }
    c->ndirty = 0;
    pthread_mutex_unlock(&c->dirty_lock);
}

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

/*
 * Learn which groups the driver fills.  With ACTIVE and SHUTOFF together the
 * filter selects no domain at all, so the probe costs nothing, and ENFORCE
 * makes an unsupported group an error instead of silently missing data.
 */
static void
probe_groups(virConnectPtr conn, struct vmon_caps *caps)
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

/* One worker's share of the domains: bulk call, then fallback, then XML facts. */
struct slice {
    struct vmon_collector *c;
    virDomainPtr *doms;          /* NULL-terminated copy for virDomainListGetStats */
    struct vmon_domain *out;
    struct xml_entry **xml;
    size_t count;
    int failed;
    char error[512];
};

static struct vmon_domain *
slice_domain_for(struct slice *s, virDomainPtr dom)
{
    unsigned char uuid[16];

    virDomainGetUUID(dom, uuid);
    for (size_t i = 0; i < s->count; i++)
        if (memcmp(s->out[i].uuid, uuid, 16) == 0)
            return &s->out[i];
    return NULL;
}

static void
apply_xml(struct vmon_domain *dom, const struct vmon_domxml *xml)
{
    dom->os_type = vmon_strdup(xml->os_type);
    for (size_t i = 0; i < xml->ndisks; i++) {
        struct vmon_disk *disk = vmon_domain_find_disk(dom, xml->disks[i].target);
        if (disk && !disk->path)
            disk->path = vmon_strdup(xml->disks[i].source);
    }
    for (size_t i = 0; i < xml->nnics; i++) {
        struct vmon_nic *nic = xml->nics[i].target
                               ? vmon_domain_find_nic(dom, xml->nics[i].target) : NULL;
        if (nic)
            memcpy(nic->mac, xml->nics[i].mac, sizeof(nic->mac));
    }
    if (!vmon_value_has(&dom->m[VMON_DOM_VCPU_MAXIMUM]) && xml->vcpu_max)
        vmon_value_set(&dom->m[VMON_DOM_VCPU_MAXIMUM], xml->vcpu_max);
}

static void *
collect_slice(void *arg)
{
    struct slice *s = arg;
    struct vmon_caps *caps = &s->c->caps;
    unsigned have = caps->no_bulk ? 0 : caps->bulk_groups;
    unsigned missing = VMON_WANTED_GROUPS & ~have;

    /* XML first: the fallback needs its device list */
    for (size_t i = 0; i < s->count; i++) {
        struct xml_entry *e = s->xml[i];
        if (e->xml)
            continue;
        char *text = virDomainGetXMLDesc(s->doms[i], 0);
        if (text) {
            e->xml = vmon_domxml_parse(text);
            free(text);
        }
    }

    if (have) {
        virDomainStatsRecordPtr *recs = NULL;
        unsigned flags = caps->bulk_nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0;
        int n = virDomainListGetStats(s->doms, have, &recs, flags);
        if (n < 0 && flags) {
            virErrorPtr err = virGetLastError();
            if (err && (err->code == VIR_ERR_INVALID_ARG || err->code == VIR_ERR_NO_SUPPORT ||
                        err->code == VIR_ERR_ARGUMENT_UNSUPPORTED)) {
                __atomic_store_n(&caps->bulk_nowait, false, __ATOMIC_RELAXED);
                n = virDomainListGetStats(s->doms, have, &recs, 0);
            }
        }
        if (n < 0) {
            s->failed = 1;
            snprintf(s->error, sizeof(s->error), "bulk domain stats failed: %s", vmon_virt_error());
            return NULL;
        }
        for (int r = 0; r < n; r++) {
            struct vmon_domain *dom = slice_domain_for(s, recs[r]->dom);
            if (dom)
                apply_record(recs[r], dom);
        }
        virDomainStatsRecordListFree(recs);
    }

    for (size_t i = 0; i < s->count; i++) {
        struct vmon_domain *dom = &s->out[i];
        const struct vmon_domxml *xml = s->xml[i]->xml;
        if (missing)
            vmon_fallback_domain(caps, s->doms[i], xml, missing, dom);
        if (xml)
            apply_xml(dom, xml);
        /* NOWAIT skips the monitor of a busy guest: say so rather than report zeros */
        if (dom->id >= 0 && (have & VIR_DOMAIN_STATS_BALLOON) &&
            !vmon_value_has(&dom->m[VMON_DOM_MEM_CURRENT]))
            dom->partial = true;
        vmon_domain_sum_devices(dom);
    }
    return NULL;
}

static struct xml_entry *
xml_slot(struct vmon_collector *c, virDomainPtr dom, const unsigned char uuid[16], bool *added)
{
    struct xml_entry *e = find_xml(c, uuid);
    int id = (int) virDomainGetID(dom);

    if (e) {
        if (e->id != id) {
            vmon_domxml_free(e->xml);
            e->xml = NULL;
            e->id = id;
        }
        return e;
    }
    c->xml = vmon_realloc_array(c->xml, c->nxml + 1, sizeof(*c->xml));
    e = &c->xml[c->nxml++];
    memcpy(e->uuid, uuid, 16);
    e->id = id;
    e->xml = NULL;
    *added = true;
    return e;
}

static int
compare_uuid(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/* Domains listed with a flag, as a sorted uuid set: one call instead of one per domain. */
static int
list_uuids(virConnectPtr conn, unsigned flags, unsigned char (**uuids)[16])
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);

    if (n < 0)
        return -1;
    *uuids = vmon_realloc_array(NULL, (size_t) n, 16);
    for (int i = 0; i < n; i++) {
        virDomainGetUUID(doms[i], (*uuids)[i]);
        virDomainFree(doms[i]);
    }
    free(doms);
    qsort(*uuids, (size_t) n, 16, compare_uuid);
    return n;
}

static bool
in_uuids(unsigned char (*uuids)[16], int n, const unsigned char uuid[16])
{
    return n > 0 && bsearch(uuid, uuids, (size_t) n, 16, compare_uuid) != NULL;
}

int
vmon_collect(struct vmon_collector *c, virConnectPtr conn, const struct vmon_filter *filter,
             struct vmon_snapshot *snap)
{
    virDomainPtr *all = NULL;
    unsigned char (*autostart)[16] = NULL, (*transient)[16] = NULL;
    int rc = -1;

    if (!c->caps.probed)
        probe_groups(conn, &c->caps);
    if (!c->have_node) {
        if (vmon_node_collect_static(conn, &c->node) < 0)
            return -1;
        c->have_node = true;
    }
    vmon_node_copy_static(&snap->node, &c->node);
    vmon_node_collect_load(conn, &c->caps, &snap->node);

    int nall = virConnectListAllDomains(conn, &all, 0);
    if (nall < 0) {
        vmon_error_set("cannot list domains: %s", vmon_virt_error());
        return -1;
    }
    int nauto = list_uuids(conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, &autostart);
    int ntrans = list_uuids(conn, VIR_CONNECT_LIST_DOMAINS_TRANSIENT, &transient);

    drain_dirty(c);

    /* keep the filtered domains; everything below indexes this array */
    virDomainPtr *doms = vmon_realloc_array(NULL, (size_t) nall + 1, sizeof(*doms));
    size_t count = 0;
    snap->domains = vmon_realloc_array(NULL, (size_t) nall + 1, sizeof(*snap->domains));
    for (int i = 0; i < nall; i++) {
        char uuid_str[VIR_UUID_STRING_BUFLEN];
        const char *name = virDomainGetName(all[i]);
        virDomainGetUUIDString(all[i], uuid_str);
        if (!vmon_filter_match(filter, name, uuid_str)) {
            virDomainFree(all[i]);
            continue;
        }
        struct vmon_domain *dom = &snap->domains[count];
        memset(dom, 0, sizeof(*dom));
        dom->name = vmon_strdup(name);
        virDomainGetUUID(all[i], dom->uuid);
        memcpy(dom->uuid_str, uuid_str, sizeof(dom->uuid_str));
        unsigned int id = virDomainGetID(all[i]);
        dom->id = id == (unsigned int) -1 ? -1 : (int) id;
        dom->state = dom->id >= 0 ? VMON_STATE_RUNNING : VMON_STATE_SHUTOFF;
        dom->autostart = in_uuids(autostart, nauto, dom->uuid);
        dom->persistent = !in_uuids(transient, ntrans, dom->uuid);
        doms[count++] = all[i];
    }
    snap->ndomains = count;
    free(all);
    free(autostart);
    free(transient);

    /* XML cache slots, created here so the workers only fill their own */
    struct xml_entry **xml = vmon_realloc_array(NULL, count + 1, sizeof(*xml));
    bool added = false;
    for (size_t i = 0; i < count; i++)
        xml_slot(c, doms[i], snap->domains[i].uuid, &added);
    if (added)
        qsort(c->xml, c->nxml, sizeof(*c->xml), compare_xml);
    for (size_t i = 0; i < count; i++)
        xml[i] = find_xml(c, snap->domains[i].uuid);

    /* slices of at least 16 domains: below that a thread costs more than it saves */
    size_t nslices = c->workers;
    if (nslices > (count + 15) / 16)
        nslices = (count + 15) / 16;
    if (nslices < 1)
        nslices = 1;
    struct slice *slices = vmon_alloc(nslices * sizeof(*slices));
    pthread_t *threads = vmon_alloc(nslices * sizeof(*threads));
    size_t start = 0;
    for (size_t s = 0; s < nslices; s++) {
        size_t len = count / nslices + (s < count % nslices);
        slices[s].c = c;
        slices[s].out = &snap->domains[start];
        slices[s].xml = &xml[start];
        slices[s].count = len;
        slices[s].doms = vmon_alloc((len + 1) * sizeof(virDomainPtr));
        memcpy(slices[s].doms, &doms[start], len * sizeof(virDomainPtr));
        start += len;
    }
    for (size_t s = 1; s < nslices; s++)
        if (pthread_create(&threads[s], NULL, collect_slice, &slices[s]) != 0)
            collect_slice(&slices[s]), threads[s] = 0;
    if (count)
        collect_slice(&slices[0]);
    for (size_t s = 1; s < nslices; s++)
        if (threads[s])
            pthread_join(threads[s], NULL);

    rc = 0;
    for (size_t s = 0; s < nslices; s++) {
        if (slices[s].failed && rc == 0) {
            vmon_error_set("%s", slices[s].error);
            rc = -1;
        }
        free(slices[s].doms);
    }
    free(slices);
    free(threads);
    free(xml);
    for (size_t i = 0; i < count; i++)
        virDomainFree(doms[i]);
    free(doms);

    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *dom = &snap->domains[i];
        if (dom->state >= 0 && dom->state < VMON_STATE__N)
            snap->node.domains_by_state[dom->state]++;
        if (dom->id >= 0)
            snap->node.domains_active++;
        else
            snap->node.domains_inactive++;
    }
    vmon_snapshot_sort(snap);
    return rc;
}
