/*
 * One poll, step by step: the node, the domain list through the filter,
 * each domain's XML, then the stats in slices on worker threads (bulk
 * first, the per-domain calls for what bulk leaves out), waited for only
 * so long.  The parts live in vmon-bulk.c, vmon-slice.c, vmon-gaps.c and
 * vmon-xmlcache.c.
 */
#include "vmon-collect.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmon-collect-priv.h"
#include "vmon-conn.h"
#include "vmon-util.h"

struct vmon_collector {
    unsigned workers;
    double timeout;               /* seconds a slice may take before it is retried */
    double slowest_slice;         /* seconds, in the last poll where every slice finished */
    bool left_calls_behind;       /* a slice was abandoned with its call still out */
    struct vmon_caps caps;
    bool have_node;
    struct vmon_node node;        /* static facts of this connection's host */
    struct vmon_xmlcache *xml;
    struct vmon_pools *pools;
    struct vmon_jobwatch *jobs;
};

struct vmon_collector *
vmon_collector_new(unsigned workers, double timeout, bool pools,
                   const struct vmon_label_defs *labels)
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
    c->xml = vmon_xmlcache_new(labels);
    c->pools = pools ? vmon_pools_new() : NULL;
    c->jobs = vmon_jobwatch_new();
    return c;
}

void
vmon_collector_forget(struct vmon_collector *c)
{
    memset(&c->caps, 0, sizeof(c->caps));
    vmon_node_clear(&c->node);
    c->have_node = false;
    vmon_xmlcache_forget(c->xml);
    if (c->pools)
        vmon_pools_forget(c->pools);
    vmon_jobwatch_forget(c->jobs);
}

void
vmon_collector_free(struct vmon_collector *c)
{
    if (!c)
        return;
    vmon_collector_forget(c);
    vmon_xmlcache_free(c->xml);
    vmon_pools_free(c->pools);
    vmon_jobwatch_free(c->jobs);
    free(c);
}

bool
vmon_collector_left_calls_behind(struct vmon_collector *c)
{
    bool left = c->left_calls_behind;

    c->left_calls_behind = false;
    return left;
}

uint64_t
vmon_collector_xml_fetches(const struct vmon_collector *c)
{
    return vmon_xmlcache_fetches(c->xml);
}

void
vmon_collector_invalidate(struct vmon_collector *c, const unsigned char uuid[16])
{
    vmon_xmlcache_invalidate(c->xml, uuid);
}

void
vmon_collector_pools_changed(struct vmon_collector *c)
{
    if (c->pools)
        vmon_pools_invalidate(c->pools);
}

void
vmon_collector_job_seen(struct vmon_collector *c, const unsigned char uuid[16])
{
    vmon_jobwatch_told(c->jobs, uuid);
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

/* The node's static facts (once per connection) and its load now. */
static int
collect_node(struct vmon_collector *c, virConnectPtr conn, struct vmon_snapshot *snap)
{
    if (!c->caps.probed)
        vmon_bulk_probe(conn, &c->caps);
    if (!c->have_node) {
        if (vmon_node_collect_static(conn, &c->node) < 0)
            return -1;
        c->have_node = true;
    }
    vmon_node_copy_static(&snap->node, &c->node);
    vmon_node_collect_load(conn, &c->caps, &snap->node);
    return 0;
}

/* false when the filter leaves d out; otherwise dom holds what the list tells of d. */
static bool
identify(virDomainPtr d, const struct vmon_filter *filter, struct vmon_domain *dom)
{
    char uuid_str[VIR_UUID_STRING_BUFLEN];
    const char *name = virDomainGetName(d);

    virDomainGetUUIDString(d, uuid_str);
    if (!vmon_filter_match(filter, name, uuid_str))
        return false;
    memset(dom, 0, sizeof(*dom));
    dom->name = vmon_strdup(name);
    virDomainGetUUID(d, dom->uuid);
    memcpy(dom->uuid_str, uuid_str, sizeof(dom->uuid_str));
    unsigned int id = virDomainGetID(d);
    dom->id = id == (unsigned int) -1 ? -1 : (int) id;
    dom->state = dom->id >= 0 ? VMON_STATE_RUNNING : VMON_STATE_SHUTOFF;
    return true;
}

/*
 * The domains the filter keeps, in snap->domains, and their handles in
 * *doms (same order, one reference each).  0, or -1 with vmon_error_last().
 */
static int
list_domains(virConnectPtr conn, const struct vmon_filter *filter, struct vmon_snapshot *snap,
             virDomainPtr **doms_out)
{
    virDomainPtr *all = NULL;
    unsigned char (*autostart)[16] = NULL, (*transient)[16] = NULL;
    int nall = virConnectListAllDomains(conn, &all, 0);

    if (nall < 0) {
        vmon_error_set("cannot list domains: %s", vmon_virt_error());
        return -1;
    }
    int nauto = list_uuids(conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, &autostart);
    int ntrans = list_uuids(conn, VIR_CONNECT_LIST_DOMAINS_TRANSIENT, &transient);
    virDomainPtr *doms = vmon_realloc_array(NULL, (size_t) nall + 1, sizeof(*doms));
    size_t count = 0;

    snap->domains = vmon_realloc_array(NULL, (size_t) nall + 1, sizeof(*snap->domains));
    for (int i = 0; i < nall; i++) {
        struct vmon_domain *dom = &snap->domains[count];
        if (!identify(all[i], filter, dom)) {
            virDomainFree(all[i]);
            continue;
        }
        dom->autostart = in_uuids(autostart, nauto, dom->uuid);
        dom->persistent = !in_uuids(transient, ntrans, dom->uuid);
        doms[count++] = all[i];
    }
    snap->ndomains = count;
    free(all);
    free(autostart);
    free(transient);
    *doms_out = doms;
    return 0;
}

/*
 * Wait for a stuck slice only a few times as long as slices took last
 * time: a frozen guest then costs a second or so, not the whole timeout.
 */
static double
slice_patience(const struct vmon_collector *c)
{
    double patience = c->timeout;

    if (c->slowest_slice > 0 && 4 * c->slowest_slice + 0.5 < patience)
        patience = 4 * c->slowest_slice + 0.5;
    if (patience < 1 && c->timeout >= 1)
        patience = 1;
    return patience;
}

/* A slice that never answered: every group of its active domains is missing. */
static void
mark_all_partial(struct vmon_domain *domains, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (domains[i].id >= 0) {
            domains[i].partial_groups = VMON_GROUP_CPU | VMON_GROUP_BALLOON | VMON_GROUP_VCPU |
                                        VMON_GROUP_BLOCK | VMON_GROUP_NET;
            domains[i].partial = true;
        }
    }
}

/*
 * A guest frozen in its monitor holds its slice's call.  Retry that slice
 * once with NOWAIT: the stuck call still holds the frozen guest's job, so
 * the retry skips that guest and returns the others.  NULL when the retry
 * is stuck too (its domains then marked partial).
 */
static struct vmon_slice *
retry_slice(struct vmon_collector *c, virDomainPtr *doms, struct vmon_domxml **xml,
            struct vmon_domain *domains, size_t count, double patience)
{
    struct vmon_caps caps = c->caps;
    double finished;

    caps.bulk_nowait = true;
    double deadline = vmon_now_mono() + patience;
    /* no job calls: one of them may be what is stuck */
    struct vmon_slice *sl = vmon_slice_new(&caps, doms, xml, domains, NULL, count, deadline);
    vmon_slice_start(sl);
    if (vmon_slice_wait(sl, deadline, &finished))
        return sl;
    mark_all_partial(domains, count);
    return NULL;
}

/*
 * The stats of count domains, in slices on worker threads, into domains.
 * 0, or -1 with vmon_error_last() naming the first slice that failed.
 */
static int
collect_slices(struct vmon_collector *c, virDomainPtr *doms, struct vmon_domxml **xml,
               const bool *jobs, struct vmon_domain *domains, size_t count)
{
    /* slices of at least 16 domains: below that a thread costs more than it saves */
    size_t nslices = c->workers;
    if (nslices > (count + 15) / 16)
        nslices = (count + 15) / 16;
    struct vmon_slice **slices = vmon_alloc((nslices + 1) * sizeof(*slices));
    size_t *first = vmon_alloc((nslices + 1) * sizeof(*first));
    double patience = slice_patience(c);
    double started = vmon_now_mono(), deadline = started + patience, slowest = 0;
    for (size_t k = 0, start = 0; k < nslices; k++) {
        size_t len = count / nslices + (k < count % nslices);
        first[k] = start;
        slices[k] = vmon_slice_new(&c->caps, &doms[start], &xml[start], &domains[start],
                                   &jobs[start], len, deadline);
        vmon_slice_start(slices[k]);
        start += len;
    }
    first[nslices] = count;

    bool all_finished = true;
    int rc = 0;
    for (size_t k = 0; k < nslices; k++) {
        struct vmon_slice *sl = slices[k];
        size_t at = first[k], len = first[k + 1] - at;
        double finished;
        if (vmon_slice_wait(sl, deadline, &finished)) {
            if (finished - started > slowest)
                slowest = finished - started;
        } else {
            all_finished = false;
            sl = retry_slice(c, &doms[at], &xml[at], &domains[at], len, patience);
            if (!sl)
                continue;
        }
        const char *error = vmon_slice_error(sl);
        if (error && rc == 0) {
            vmon_error_set("%s", error);
            rc = -1;
        }
        vmon_slice_take(sl, &c->caps, &domains[at]);
    }
    if (all_finished)
        c->slowest_slice = slowest;
    else
        c->left_calls_behind = true;
    free(slices);
    free(first);
    return rc;
}

static void
count_states(struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *dom = &snap->domains[i];
        if (dom->state >= 0 && dom->state < VMON_STATE__N)
            snap->node.domains_by_state[dom->state]++;
        if (dom->id >= 0)
            snap->node.domains_active++;
        else
            snap->node.domains_inactive++;
    }
}

int
vmon_collect(struct vmon_collector *c, virConnectPtr conn, const struct vmon_filter *filter,
             struct vmon_snapshot *snap)
{
    virDomainPtr *doms = NULL;

    if (collect_node(c, conn, snap) < 0 || list_domains(conn, filter, snap, &doms) < 0)
        return -1;

    size_t count = snap->ndomains;
    struct vmon_domxml **xml = vmon_alloc((count + 1) * sizeof(*xml));
    vmon_xmlcache_fetch(c->xml, doms, snap->domains, count, xml);
    bool *jobs = vmon_jobwatch_begin(c->jobs, snap->domains, count);
    int rc = collect_slices(c, doms, xml, jobs, snap->domains, count);
    vmon_jobwatch_end(c->jobs, snap->domains, count, jobs);
    free(jobs);
    free(xml);
    for (size_t i = 0; i < count; i++)
        virDomainFree(doms[i]);
    free(doms);
    /*
     * The pools after the domains, not beside them: a call stuck on a hung
     * storage backend would delay the replies of every later call on this
     * connection, so it must not be out while the domains' are.
     */
    if (c->pools) {
        vmon_pools_start(c->pools, conn);
        if (vmon_pools_finish(c->pools, vmon_now_mono() + slice_patience(c), snap))
            c->left_calls_behind = true;
    }

    count_states(snap);
    vmon_snapshot_sort(snap);
    return rc;
}
