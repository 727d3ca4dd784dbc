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
    bool listed;                  /* in this poll's domain list */
    struct vmon_domxml *xml;
};

struct vmon_collector {
    unsigned workers;
    double timeout;               /* seconds a slice may take before it is retried */
    double slowest_slice;         /* seconds, in the last poll where every slice finished */
    bool left_calls_behind;       /* a slice was abandoned with its call still out */
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
vmon_collector_new(unsigned workers, double timeout)
{
    struct vmon_collector *c = vmon_alloc(sizeof(*c));

    c->timeout = timeout > 0 ? timeout : 5;

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

bool
vmon_collector_left_calls_behind(struct vmon_collector *c)
{
    bool left = c->left_calls_behind;

    c->left_calls_behind = false;
    return left;
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

/*
 * One worker's share of the domains.  A slice owns everything it touches
 * (its own domain records, references on the domains and their XML, a copy
 * of the driver's capabilities), because a slice stuck on a frozen guest is
 * abandoned by the poll and finishes, or not, on its own time.
 */
struct slice {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    bool done, abandoned;
    double finished;             /* monotonic, when done */
    struct vmon_caps caps;
    virDomainPtr *doms;          /* NULL-terminated, for virDomainListGetStats */
    struct vmon_domain *out;
    struct vmon_domxml **xml;
    size_t count;
    int failed;
    char error[512];
};

static void
slice_free(struct slice *s)
{
    for (size_t i = 0; i < s->count; i++) {
        virDomainFree(s->doms[i]);
        vmon_domxml_free(s->xml[i]);
        vmon_domain_clear(&s->out[i]);
    }
    free(s->doms);
    free(s->xml);
    free(s->out);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->done_cond);
    free(s);
}

static struct slice *
slice_new(const struct vmon_caps *caps, virDomainPtr *doms, struct vmon_domxml **xml,
          const struct vmon_domain *identity, size_t count)
{
    struct slice *s = vmon_alloc(sizeof(*s));

    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->done_cond, NULL);
    s->caps = *caps;
    s->count = count;
    s->doms = vmon_alloc((count + 1) * sizeof(*s->doms));
    s->xml = vmon_alloc((count + 1) * sizeof(*s->xml));
    s->out = vmon_alloc((count + 1) * sizeof(*s->out));
    for (size_t i = 0; i < count; i++) {
        virDomainRef(doms[i]);
        s->doms[i] = doms[i];
        s->xml[i] = vmon_domxml_ref(xml[i]);
        s->out[i] = identity[i];
        s->out[i].name = vmon_strdup(identity[i].name);
    }
    return s;
}

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
    /* what a shut-off domain will boot with, as virsh dominfo shows it */
    if (dom->id < 0 && !vmon_value_has(&dom->m[VMON_DOM_VCPU_CURRENT]) && xml->vcpu_current)
        vmon_value_set(&dom->m[VMON_DOM_VCPU_CURRENT], xml->vcpu_current);
}

static bool
any_disk_has(const struct vmon_domain *dom, enum vmon_disk_metric id)
{
    for (size_t i = 0; i < dom->ndisks; i++)
        if (vmon_value_has(&dom->disks[i].m[id]))
            return true;
    return false;
}

static bool
any_nic_has(const struct vmon_domain *dom, enum vmon_nic_metric id)
{
    for (size_t i = 0; i < dom->nnics; i++)
        if (vmon_value_has(&dom->nics[i].m[id]))
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
static void
mark_partial(const struct vmon_caps *caps, unsigned bulk, const struct vmon_domxml *xml,
             struct vmon_domain *dom)
{
    unsigned lacking = 0;
    bool disks = xml && xml->ndisks > 0, nics = false;

    for (size_t i = 0; xml && i < xml->nnics; i++)
        nics = nics || xml->nics[i].target;
    if (!vmon_value_has(&dom->m[VMON_DOM_CPU_TIME]))
        lacking |= VMON_GROUP_CPU;
    if (!vmon_value_has(&dom->m[VMON_DOM_MEM_CURRENT]))
        lacking |= VMON_GROUP_BALLOON;
    if (!vmon_value_has(&dom->m[VMON_DOM_VCPU_CURRENT]) &&
        ((bulk & VIR_DOMAIN_STATS_VCPU) || !caps->no_vcpus))
        lacking |= VMON_GROUP_VCPU;
    if (disks && !any_disk_has(dom, VMON_DISK_RD_REQS) &&
        ((bulk & VIR_DOMAIN_STATS_BLOCK) || !caps->no_block_stats || !caps->no_block_stats_flags))
        lacking |= VMON_GROUP_BLOCK;
    if (nics && !any_nic_has(dom, VMON_NIC_RX_BYTES) &&
        ((bulk & VIR_DOMAIN_STATS_INTERFACE) || !caps->no_iface_stats))
        lacking |= VMON_GROUP_NET;
    dom->partial_groups |= lacking;
    dom->partial = dom->partial_groups != 0;
}

static void
collect_slice_stats(struct slice *s)
{
    struct vmon_caps *caps = &s->caps;
    unsigned have = caps->no_bulk ? 0 : caps->bulk_groups;
    unsigned missing = VMON_WANTED_GROUPS & ~have;

    if (have) {
        virDomainStatsRecordPtr *recs = NULL;
        unsigned flags = caps->bulk_nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0;
        int n = virDomainListGetStats(s->doms, have, &recs, flags);
        if (n < 0 && flags) {
            virErrorPtr err = virGetLastError();
            if (err && (err->code == VIR_ERR_INVALID_ARG || err->code == VIR_ERR_NO_SUPPORT ||
                        err->code == VIR_ERR_ARGUMENT_UNSUPPORTED)) {
                caps->bulk_nowait = false;
                n = virDomainListGetStats(s->doms, have, &recs, 0);
            }
        }
        if (n < 0) {
            s->failed = 1;
            snprintf(s->error, sizeof(s->error), "bulk domain stats failed: %s", vmon_virt_error());
            return;
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
        if (missing)
            vmon_fallback_domain(caps, s->doms[i], s->xml[i], missing, dom);
        if (s->xml[i])
            apply_xml(dom, s->xml[i]);
        if (dom->id >= 0)
            mark_partial(caps, have, s->xml[i], dom);
        vmon_domain_sum_devices(dom);
    }
}

static void *
run_slice(void *arg)
{
    struct slice *s = arg;

    collect_slice_stats(s);
    pthread_mutex_lock(&s->lock);
    s->finished = vmon_now_mono();
    s->done = true;
    bool abandoned = s->abandoned;
    pthread_cond_signal(&s->done_cond);
    pthread_mutex_unlock(&s->lock);
    if (abandoned)
        slice_free(s);
    return NULL;
}

/* true when the slice finished by the deadline; otherwise it is abandoned
 * (and frees itself whenever its stuck call returns) */
static bool
slice_wait(struct slice *s, double deadline)
{
    struct timespec until;
    double left = deadline - vmon_now_mono();

    clock_gettime(CLOCK_REALTIME, &until);
    double t = vmon_timespec_seconds(&until) + (left > 0 ? left : 0);
    until.tv_sec = (time_t) t;
    until.tv_nsec = (long) ((t - (double) until.tv_sec) * 1e9);

    pthread_mutex_lock(&s->lock);
    while (!s->done)
        if (pthread_cond_timedwait(&s->done_cond, &s->lock, &until) != 0)
            break;
    bool done = s->done;
    if (!done)
        s->abandoned = true;
    pthread_mutex_unlock(&s->lock);
    return done;
}

static bool
slice_start(struct slice *s)
{
    pthread_t thread;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    bool ok = pthread_create(&thread, &attr, run_slice, s) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) {
        collect_slice_stats(s);
        s->finished = vmon_now_mono();
        s->done = true;
    }
    return ok;
}

static void
merge_caps(struct vmon_caps *into, const struct vmon_caps *from)
{
    into->bulk_nowait = into->bulk_nowait && from->bulk_nowait;
    into->no_block_stats_flags |= from->no_block_stats_flags;
    into->no_block_stats |= from->no_block_stats;
    into->no_block_info |= from->no_block_info;
    into->no_iface_stats |= from->no_iface_stats;
    into->no_memory_stats |= from->no_memory_stats;
    into->no_cpu_stats |= from->no_cpu_stats;
    into->no_vcpus |= from->no_vcpus;
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

/* Forget the XML of domains that are gone (transient ones come and go for good). */
static void
prune_xml(struct vmon_collector *c, const struct vmon_domain *doms, size_t count)
{
    if (c->nxml <= count)
        return;
    for (size_t i = 0; i < c->nxml; i++)
        c->xml[i].listed = false;
    for (size_t j = 0; j < count; j++) {
        struct xml_entry *e = find_xml(c, doms[j].uuid);
        if (e)
            e->listed = true;
    }
    size_t kept = 0;    /* compacting keeps the order, so the array stays sorted */
    for (size_t i = 0; i < c->nxml; i++) {
        if (c->xml[i].listed)
            c->xml[kept++] = c->xml[i];
        else
            vmon_domxml_free(c->xml[i].xml);
    }
    c->nxml = kept;
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

    /* XML: fetched here, on the poll's thread (it never waits on a guest) */
    struct vmon_domxml **xml = vmon_alloc((count + 1) * sizeof(*xml));
    bool added = false;
    for (size_t i = 0; i < count; i++)
        xml_slot(c, doms[i], snap->domains[i].uuid, &added);
    if (added)
        qsort(c->xml, c->nxml, sizeof(*c->xml), compare_xml);
    prune_xml(c, snap->domains, count);
    for (size_t i = 0; i < count; i++) {
        struct xml_entry *e = find_xml(c, snap->domains[i].uuid);
        if (!e->xml) {
            char *text = virDomainGetXMLDesc(doms[i], 0);
            if (text) {
                e->xml = vmon_domxml_parse(text);
                free(text);
            }
        }
        xml[i] = e->xml;
    }

    /* slices of at least 16 domains: below that a thread costs more than it saves */
    size_t nslices = c->workers;
    if (nslices > (count + 15) / 16)
        nslices = (count + 15) / 16;
    struct slice **slices = vmon_alloc((nslices + 1) * sizeof(*slices));
    size_t *first = vmon_alloc((nslices + 1) * sizeof(*first));
    size_t start = 0;
    for (size_t k = 0; k < nslices; k++) {
        size_t len = count / nslices + (k < count % nslices);
        first[k] = start;
        slices[k] = slice_new(&c->caps, &doms[start], &xml[start], &snap->domains[start], len);
        slice_start(slices[k]);
        start += len;
    }

    /*
     * A guest frozen in its monitor holds its slice's call.  Retry that
     * slice once with NOWAIT: the stuck call still holds the frozen guest's
     * job, so the retry skips that guest and returns the others.
     */
    /*
     * Wait for a stuck slice only a few times as long as slices took last
     * time: a frozen guest then costs a second or so, not the whole timeout.
     */
    double patience = c->timeout;
    if (c->slowest_slice > 0 && 4 * c->slowest_slice + 0.5 < patience)
        patience = 4 * c->slowest_slice + 0.5;
    if (patience < 1 && c->timeout >= 1)
        patience = 1;
    double started = vmon_now_mono(), deadline = started + patience, slowest = 0;
    bool all_finished = true;
    rc = 0;
    for (size_t k = 0; k < nslices; k++) {
        struct slice *sl = slices[k];
        size_t len = sl->count;
        if (slice_wait(sl, deadline)) {
            if (sl->finished - started > slowest)
                slowest = sl->finished - started;
        } else {
            all_finished = false;
            sl = slice_new(&c->caps, &doms[first[k]], &xml[first[k]], &snap->domains[first[k]], len);
            sl->caps.bulk_nowait = true;
            slice_start(sl);
            if (!slice_wait(sl, vmon_now_mono() + patience)) {
                for (size_t i = 0; i < len; i++) {
                    struct vmon_domain *dom = &snap->domains[first[k] + i];
                    if (dom->id >= 0) {
                        dom->partial_groups = VMON_GROUP_CPU | VMON_GROUP_BALLOON |
                                              VMON_GROUP_VCPU | VMON_GROUP_BLOCK | VMON_GROUP_NET;
                        dom->partial = true;
                    }
                }
                continue;
            }
        }
        if (sl->failed && rc == 0) {
            vmon_error_set("%s", sl->error);
            rc = -1;
        }
        merge_caps(&c->caps, &sl->caps);
        for (size_t i = 0; i < len; i++) {
            vmon_domain_clear(&snap->domains[first[k] + i]);
            snap->domains[first[k] + i] = sl->out[i];
            memset(&sl->out[i], 0, sizeof(sl->out[i]));
        }
        slice_free(sl);
    }
    if (all_finished)
        c->slowest_slice = slowest;
    else
        c->left_calls_behind = true;
    free(slices);
    free(first);
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
