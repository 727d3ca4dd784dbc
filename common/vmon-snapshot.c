#include "vmon-snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "vmon-util.h"
#include "vmon-uuid.h"

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
    static const char *const names[] = { "cpu", "balloon", "vcpu", "block", "net", "job" };
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

/*
 * libvirt's virDomain*Reason enums, one row per state: each reason's token
 * (the enum's suffix, lower case, as a policy names it: "paused:ioerror")
 * and its name as virsh prints it.
 */
struct reason_name {
    const char *token, *text;
};
#define NREASONS 16
static const struct reason_name reasons[VMON_STATE__N][NREASONS] = {
    [VMON_STATE_NOSTATE] = { { "unknown", "unknown" } },
    [VMON_STATE_RUNNING] = {
        { "unknown", "unknown" }, { "booted", "booted" }, { "migrated", "migrated" },
        { "restored", "restored" }, { "from_snapshot", "from snapshot" },
        { "unpaused", "unpaused" }, { "migration_canceled", "migration canceled" },
        { "save_canceled", "save canceled" }, { "wakeup", "event wakeup" },
        { "crashed", "crashed" }, { "postcopy", "post-copy" },
        { "postcopy_failed", "post-copy failed" },
    },
    [VMON_STATE_BLOCKED] = { { "unknown", "unknown" } },
    [VMON_STATE_PAUSED] = {
        { "unknown", "unknown" }, { "user", "user" }, { "migration", "migrating" },
        { "save", "saving" }, { "dump", "dumping" }, { "ioerror", "I/O error" },
        { "watchdog", "watchdog" }, { "from_snapshot", "from snapshot" },
        { "shutting_down", "shutting down" }, { "snapshot", "creating snapshot" },
        { "crashed", "crashed" }, { "starting_up", "starting up" }, { "postcopy", "post-copy" },
        { "postcopy_failed", "post-copy failed" }, { "api_error", "api error" },
    },
    [VMON_STATE_SHUTDOWN] = { { "unknown", "unknown" }, { "user", "user" } },
    [VMON_STATE_SHUTOFF] = {
        { "unknown", "unknown" }, { "shutdown", "shutdown" }, { "destroyed", "destroyed" },
        { "crashed", "crashed" }, { "migrated", "migrated" }, { "saved", "saved" },
        { "failed", "failed" }, { "from_snapshot", "from snapshot" }, { "daemon", "daemon" },
    },
    [VMON_STATE_CRASHED] = { { "unknown", "unknown" }, { "panicked", "panicked" } },
    [VMON_STATE_PMSUSPENDED] = { { "unknown", "unknown" } },
};

static const struct reason_name *
reason_of(int state, int reason)
{
    if (state < 0 || state >= VMON_STATE__N || reason < 0 || reason >= NREASONS ||
        !reasons[state][reason].token)
        return NULL;
    return &reasons[state][reason];
}

const char *
vmon_domain_reason_name(int state, int reason)
{
    const struct reason_name *r = reason_of(state, reason);
    return r ? r->text : "unknown";
}

const char *
vmon_domain_reason_token(int state, int reason)
{
    const struct reason_name *r = reason_of(state, reason);
    return r ? r->token : NULL;
}

struct vmon_snapshot *
vmon_snapshot_new(void)
{
    struct vmon_snapshot *snap = vmon_alloc(sizeof(*snap));

    snap->refs = 1;
    return snap;
}

VMON_STRINGS(domain_strings, struct vmon_domain, name, os_type, title, description);
VMON_STRINGS(disk_strings, struct vmon_disk, name, path, bus, serial);
VMON_STRINGS(nic_strings, struct vmon_nic, name, alias, source, model);
VMON_STRINGS(label_strings, struct vmon_label, name, value);

void
vmon_domain_clear(struct vmon_domain *dom)
{
    vmon_strings_free(dom, &domain_strings);
    vmon_labels_free(dom->labels, dom->nlabels);
    free(dom->vcpus);
    vmon_strings_array_free(dom->disks, dom->ndisks, sizeof(*dom->disks), &disk_strings);
    vmon_strings_array_free(dom->nics, dom->nnics, sizeof(*dom->nics), &nic_strings);
    vmon_fss_free(dom->fss, dom->nfss);
    free(dom->fs_error);
    memset(dom, 0, sizeof(*dom));
}

void
vmon_domain_array_free(struct vmon_domain *doms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vmon_domain_clear(&doms[i]);
    free(doms);
}

const struct vmon_label *
vmon_label_find(const struct vmon_label *labels, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i].name, name) == 0)
            return &labels[i];
    return NULL;
}

void
vmon_labels_free(struct vmon_label *labels, size_t n)
{
    vmon_strings_array_free(labels, n, sizeof(*labels), &label_strings);
}

const char *
vmon_domain_label(const struct vmon_domain *dom, const char *name)
{
    const struct vmon_label *l = vmon_label_find(dom->labels, dom->nlabels, name);
    return l ? l->value : NULL;
}

void
vmon_domain_add_label(struct vmon_domain *dom, const char *name, const char *value)
{
    dom->labels = vmon_realloc_array(dom->labels, dom->nlabels + 1, sizeof(*dom->labels));
    dom->labels[dom->nlabels++] = (struct vmon_label) { vmon_strdup(name), vmon_strdup(value) };
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
    vmon_domain_array_free(snap->domains, snap->ndomains);
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

struct vmon_fs *
vmon_domain_find_fs(const struct vmon_domain *dom, const char *mountpoint)
{
    return find_named(dom->fss, dom->nfss, sizeof(*dom->fss), mountpoint);
}

struct vmon_fs *
vmon_domain_add_fs(struct vmon_domain *dom, const char *mountpoint)
{
    dom->fss = append_named(dom->fss, &dom->nfss, sizeof(*dom->fss), mountpoint);
    return &dom->fss[dom->nfss - 1];
}

void
vmon_fss_free(struct vmon_fs *fss, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(fss[i].mountpoint);
        free(fss[i].name);
        free(fss[i].fstype);
        free(fss[i].disks);
    }
    free(fss);
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
    return vmon_uuid_find(snap->domains, snap->ndomains, sizeof(*snap->domains),
                          offsetof(struct vmon_domain, uuid), uuid);
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
