#include "vmon-snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "vmon-util.h"

static const char *const state_names[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended",
};
_Static_assert(VMON_ARRAY_SIZE(state_names) == VMON_STATE__N, "state names");

const char *
vmon_domain_state_name(int state)
{
    return vmon_name_at(state_names, VMON_STATE__N, state);
}

static const char *const answering_names[] = { "answering", "busy", "not-answering" };
_Static_assert(VMON_ARRAY_SIZE(answering_names) == VMON_ANSWER__N, "answering names");

const char *
vmon_answering_name(int answering)
{
    return answering >= 0 && answering < VMON_ANSWER__N ? answering_names[answering] : "unknown";
}

const char *
vmon_group_names(unsigned mask, char *buf, size_t size)
{
    static const char *const names[] = { "cpu", "balloon", "vcpu", "block", "net" };
    size_t used = 0;

    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < VMON_ARRAY_SIZE(names) && size; i++) {
        if (!(mask & (1u << i)))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i]);
        if (n < 0 || (size_t) n >= size - used)
            break;
        used += (size_t) n;
    }
    return buf;
}

/* libvirt's virDomain*Reason enums, as virsh names them, one row per state */
static const char *const reason_names[VMON_STATE__N][16] = {
    [VMON_STATE_RUNNING] = {
        "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
        "migration canceled", "save canceled", "event wakeup", "crashed", "post-copy",
        "post-copy failed",
    },
    [VMON_STATE_BLOCKED] = { "unknown" },
    [VMON_STATE_PAUSED] = {
        "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog",
        "from snapshot", "shutting down", "creating snapshot", "crashed", "starting up",
        "post-copy", "post-copy failed", "api error",
    },
    [VMON_STATE_SHUTDOWN] = { "unknown", "user" },
    [VMON_STATE_SHUTOFF] = {
        "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
        "from snapshot", "daemon",
    },
    [VMON_STATE_CRASHED] = { "unknown", "panicked" },
    [VMON_STATE_PMSUSPENDED] = { "unknown" },
};

const char *
vmon_domain_reason_name(int state, int reason)
{
    if (state < 0 || state >= VMON_STATE__N)
        return "unknown";
    return vmon_name_at(reason_names[state], VMON_ARRAY_SIZE(reason_names[state]), reason);
}

struct vmon_snapshot *
vmon_snapshot_new(void)
{
    struct vmon_snapshot *snap = vmon_alloc(sizeof(*snap));

    snap->refs = 1;
    return snap;
}

void
vmon_domain_clear(struct vmon_domain *dom)
{
    free(dom->name);
    free(dom->os_type);
    free(dom->vcpus);
    for (size_t i = 0; i < dom->ndisks; i++) {
        free(dom->disks[i].name);
        free(dom->disks[i].path);
    }
    free(dom->disks);
    for (size_t i = 0; i < dom->nnics; i++)
        free(dom->nics[i].name);
    free(dom->nics);
    memset(dom, 0, sizeof(*dom));
}

void
vmon_snapshot_unref(struct vmon_snapshot *snap)
{
    if (!snap || !vmon_ref_put(&snap->refs))
        return;
    vmon_snapshot_clear_data(snap);
    free(snap->health.last_error);
    free(snap->uri);
    free(snap);
}

struct vmon_snapshot *
vmon_snapshot_ref(struct vmon_snapshot *snap)
{
    return snap ? (vmon_ref_get(&snap->refs), snap) : NULL;
}

void
vmon_snapshot_clear_data(struct vmon_snapshot *snap)
{
    for (size_t i = 0; i < snap->ndomains; i++)
        vmon_domain_clear(&snap->domains[i]);
    free(snap->domains);
    snap->domains = NULL;
    snap->ndomains = 0;
    vmon_snapshot_clear_pools(snap);
    vmon_node_clear(&snap->node);
}

void
vmon_node_clear(struct vmon_node *node)
{
    free(node->hostname);
    free(node->hv_type);
    free(node->cpu_model);
    *node = (struct vmon_node) { 0 };
}

struct vmon_domain *
vmon_snapshot_add_domain(struct vmon_snapshot *snap)
{
    /* doubling: one realloc per domain copied the whole array each time,
     * O(n^2) bytes and a memory spike for a snapshot read from the wire */
    if (snap->ndomains >= snap->domains_cap) {
        snap->domains_cap = snap->ndomains < 8 ? 16 : snap->ndomains * 2;
        snap->domains = vmon_realloc_array(snap->domains, snap->domains_cap, sizeof(*snap->domains));
    }
    struct vmon_domain *dom = &snap->domains[snap->ndomains++];
    memset(dom, 0, sizeof(*dom));
    dom->id = -1;
    return dom;
}

void
vmon_snapshot_reserve_domains(struct vmon_snapshot *snap, size_t n)
{
    if (n <= snap->domains_cap)
        return;
    snap->domains = vmon_realloc_array(snap->domains, n, sizeof(*snap->domains));
    snap->domains_cap = n;
}

void
vmon_snapshot_trim(struct vmon_snapshot *snap)
{
    if (snap->ndomains == 0 || snap->domains_cap <= snap->ndomains)
        return;
    snap->domains = vmon_realloc_array(snap->domains, snap->ndomains, sizeof(*snap->domains));
    snap->domains_cap = snap->ndomains;
}

/*
 * Disks and NICs are arrays of structs that start with their name: one
 * lookup and one append serve both.
 */
_Static_assert(offsetof(struct vmon_disk, name) == 0, "a disk starts with its name");
_Static_assert(offsetof(struct vmon_nic, name) == 0, "a NIC starts with its name");

static void *
find_named(void *items, size_t n, size_t size, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        char *item = (char *) items + i * size;
        if (strcmp(*(char **) item, name) == 0)
            return item;
    }
    return NULL;
}

/* items grown by one zeroed element named name, at index (*n)++ */
static void *
append_named(void *items, size_t *n, size_t size, const char *name)
{
    items = vmon_realloc_array(items, *n + 1, size);
    char *item = (char *) items + (*n)++ * size;
    memset(item, 0, size);
    *(char **) item = vmon_strdup(name);
    return items;
}

struct vmon_disk *
vmon_domain_find_disk(const struct vmon_domain *dom, const char *name)
{
    return find_named(dom->disks, dom->ndisks, sizeof(*dom->disks), name);
}

struct vmon_nic *
vmon_domain_find_nic(const struct vmon_domain *dom, const char *name)
{
    return find_named(dom->nics, dom->nnics, sizeof(*dom->nics), name);
}

struct vmon_disk *
vmon_domain_add_disk(struct vmon_domain *dom, const char *name)
{
    struct vmon_disk *disk = vmon_domain_find_disk(dom, name);

    return disk ? disk : (dom->disks = append_named(dom->disks, &dom->ndisks, sizeof(*dom->disks), name),
                          &dom->disks[dom->ndisks - 1]);
}

struct vmon_nic *
vmon_domain_add_nic(struct vmon_domain *dom, const char *name)
{
    struct vmon_nic *nic = vmon_domain_find_nic(dom, name);

    return nic ? nic : (dom->nics = append_named(dom->nics, &dom->nnics, sizeof(*dom->nics), name),
                          &dom->nics[dom->nnics - 1]);
}

struct vmon_vcpu *
vmon_domain_get_vcpu(struct vmon_domain *dom, unsigned number)
{
    for (size_t i = 0; i < dom->nvcpus; i++)
        if (dom->vcpus[i].number == number)
            return &dom->vcpus[i];
    dom->vcpus = vmon_realloc_array(dom->vcpus, dom->nvcpus + 1, sizeof(*dom->vcpus));
    struct vmon_vcpu *vcpu = &dom->vcpus[dom->nvcpus++];
    memset(vcpu, 0, sizeof(*vcpu));
    vcpu->number = number;
    return vcpu;
}

static int
compare_domains(const void *a, const void *b)
{
    const struct vmon_domain *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : memcmp(x->uuid, y->uuid, sizeof(x->uuid));
}

static int
compare_vcpus(const void *a, const void *b)
{
    const struct vmon_vcpu *x = a, *y = b;

    return (x->number > y->number) - (x->number < y->number);
}

void
vmon_snapshot_sort(struct vmon_snapshot *snap)
{
    /* qsort's array may not be NULL, even for no elements (C11 7.22.5) */
    if (snap->ndomains > 1)
        qsort(snap->domains, snap->ndomains, sizeof(*snap->domains), compare_domains);
    for (size_t i = 0; i < snap->ndomains; i++)
        if (snap->domains[i].nvcpus > 1)
            qsort(snap->domains[i].vcpus, snap->domains[i].nvcpus, sizeof(struct vmon_vcpu),
                  compare_vcpus);
}

const struct vmon_domain *
vmon_snapshot_find_uuid(const struct vmon_snapshot *snap, const unsigned char uuid[16])
{
    for (size_t i = 0; i < snap->ndomains; i++)
        if (memcmp(snap->domains[i].uuid, uuid, 16) == 0)
            return &snap->domains[i];
    return NULL;
}

const struct vmon_domain *
vmon_snapshot_find_domain(const struct vmon_snapshot *snap, const char *uuid_or_name)
{
    for (size_t i = 0; i < snap->ndomains; i++)
        if (strcasecmp(snap->domains[i].uuid_str, uuid_or_name) == 0)
            return &snap->domains[i];
    for (size_t i = 0; i < snap->ndomains; i++)
        if (strcmp(snap->domains[i].name, uuid_or_name) == 0)
            return &snap->domains[i];
    return NULL;
}
