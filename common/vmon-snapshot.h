/*
 * One poll's worth of everything virtmon knows: the node and every domain.
 * A snapshot is immutable once published and reference counted, so a face
 * can keep serving one while the poller builds the next.
 */
#ifndef VMON_SNAPSHOT_H
#define VMON_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vmon-metrics.h"

/* Same numbers as libvirt's virDomainState (checked at compile time). */
enum vmon_domain_state {
    VMON_STATE_NOSTATE = 0,
    VMON_STATE_RUNNING = 1,
    VMON_STATE_BLOCKED = 2,
    VMON_STATE_PAUSED = 3,
    VMON_STATE_SHUTDOWN = 4,
    VMON_STATE_SHUTOFF = 5,
    VMON_STATE_CRASHED = 6,
    VMON_STATE_PMSUSPENDED = 7,
    VMON_STATE__N
};
const char *vmon_domain_state_name(int state);     /* "running", ... */
/* libvirt's reason name for (state, reason), e.g. "booted", "I/O error". */
const char *vmon_domain_reason_name(int state, int reason);
/* Its token, libvirt's enum suffix in lower case ("ioerror"); NULL past the
 * reasons this build knows, which number from 0 without gaps. */
const char *vmon_domain_reason_token(int state, int reason);

/*
 * Groups of a domain's statistics.  A guest that does not answer its monitor
 * (paused by SIGSTOP, wedged) is skipped by libvirt for the groups that need
 * the monitor; the domain says which ones, so a face can tell "no data" from
 * "zero".
 */
enum vmon_group {
    VMON_GROUP_NONE = 0,        /* not a domain's: the node's metrics */
    VMON_GROUP_CPU = 0x1,
    VMON_GROUP_BALLOON = 0x2,
    VMON_GROUP_VCPU = 0x4,
    VMON_GROUP_BLOCK = 0x8,
    VMON_GROUP_NET = 0x10,
    VMON_GROUP_JOB = 0x20,      /* virDomainGetJobStats, for domains with a job */
};
/* "cpu,block" for the groups in mask, into buf; returns buf. */
const char *vmon_group_names(unsigned mask, char *buf, size_t size);

/* Same numbers as libvirt's virDomainJobType and virDomainJobOperation. */
enum { VMON_JOB_NONE = 0, VMON_JOB_BOUNDED = 1, VMON_JOB_UNBOUNDED = 2 };
/* What a job of operation op is doing, as a check says it: "saving", "migrating"... */
const char *vmon_job_operation_doing(int op);
/* Whether a domain in state with reason is held by a job (paused for a save,
 * a dump, a migration...): its job is worth asking for without an event. */
bool vmon_job_reason_has_job(int state, int reason);

#define VMON_HAVE_VALUE 0x1u
#define VMON_HAVE_RATE  0x2u
/* carried from an earlier poll (the guest gave none this time): not a new sample */
#define VMON_HAVE_STALE 0x4u

/*
 * One metric's reading.  COUNTER: u is the raw counter, d its per-second
 * rate when VMON_HAVE_RATE.  GAUGE: u.  DERIVED: d, with VMON_HAVE_VALUE.
 */
struct vmon_value {
    uint64_t u;
    double d;
    uint8_t have;
};

struct vmon_window_stat {
    double min, avg, max;
    bool have;
};

/*
 * Whether a guest gives figures (vmon-answer.h).  libvirt skips a guest
 * whose monitor job another client holds (NOWAIT) as it skips a hung one:
 * a guest is "busy" while that has lasted less than not-answering-after,
 * "not answering" from then on.
 */
enum vmon_answering {
    VMON_ANSWERING = 0,          /* figures from this poll (or inactive) */
    VMON_ANSWER_BUSY = 1,        /* none this poll; last good ones carried */
    VMON_ANSWER_NOT = 2,         /* none for not-answering-after or longer */
    VMON_ANSWER__N
};
/* "answering", "busy", "not-answering" */
const char *vmon_answering_name(int answering);

struct vmon_vcpu {
    unsigned number;
    struct vmon_value m[VMON_VCPU__N];
};

struct vmon_disk {
    char *name;              /* target dev, "vda" */
    char *path;              /* source file or device, may be NULL */
    char *bus;               /* "virtio", "sata"; may be NULL (and the two below) */
    char *serial;
    struct vmon_value m[VMON_DISK__N];
};

/*
 * A NIC's host-side name changes when the guest restarts or migrates; its
 * MAC, its alias and its place in the domain's XML do not.
 */
struct vmon_nic {
    char *name;              /* host-side device, "vnet0" */
    char mac[18];            /* "52:54:00:..", "" when unknown */
    unsigned number;         /* its place among the domain's interfaces, from 1; 0 unknown */
    char *alias;             /* "ua-web" (the user's) or libvirt's "net0"; may be NULL */
    char *source;            /* the bridge, network or host device; may be NULL */
    char *model;             /* "virtio"; may be NULL */
    struct vmon_value m[VMON_NIC__N];
};

/*
 * A file system mounted in the guest, as its guest agent reports it
 * (virDomainGetGuestInfo, option guest-fs).  Its index is its place in the
 * agent's answer, from 1.
 */
struct vmon_fs {
    char *mountpoint;        /* "/mnt" */
    char *name;              /* the device in the guest, "vda"; may be NULL */
    char *fstype;            /* "ext4"; may be NULL */
    char *disks;             /* the domain's disks under it, "vda,vdb"; may be NULL */
    struct vmon_value m[VMON_FS__N];
};

/* A label the admin declared (vmon-labels.h), as this domain's XML gives it. */
struct vmon_label {
    char *name;              /* "nova.project" */
    char *value;
};
/* In a list of n labels: the one named name, or NULL; the list freed. */
const struct vmon_label *vmon_label_find(const struct vmon_label *labels, size_t n, const char *name);
void vmon_labels_free(struct vmon_label *labels, size_t n);

struct vmon_domain {
    char *name;
    unsigned char uuid[16];
    char uuid_str[37];
    int id;                  /* -1 when inactive */
    int state;               /* enum vmon_domain_state */
    int reason;              /* libvirt's per-state reason */
    bool persistent;
    bool autostart;
    bool partial;            /* partial_groups != 0 */
    unsigned partial_groups; /* VMON_GROUP_* bits an active domain should have had */
    char *os_type;           /* "hvm", from the domain XML */
    char *title;             /* <title>, <description>: NULL when absent */
    char *description;
    struct vmon_label *labels;  /* declared labels it has, in declaration order */
    size_t nlabels;
    int answering;           /* enum vmon_answering */
    time_t figures_time;     /* wall clock of its newest figures (carried ones'); 0 none */
    time_t unanswered_since; /* wall clock it stopped answering from; 0 while answering */
    struct vmon_value m[VMON_DOM__N];
    struct vmon_window_stat win[VMON_DOM__N]; /* for VMON_MF_WINDOW metrics */
    struct vmon_vcpu *vcpus;
    size_t nvcpus;
    struct vmon_disk *disks;
    size_t ndisks;
    struct vmon_nic *nics;
    size_t nnics;
    /*
     * Guest file systems (option guest-fs), read on their own interval: as
     * of fs_time (wall clock; 0: none yet), or none with fs_error saying
     * why (the agent failed or did not answer in time).
     */
    struct vmon_fs *fss;
    size_t nfss;
    time_t fs_time;
    char *fs_error;
};

/* Same numbers as libvirt's virStoragePoolState (checked at compile time). */
enum vmon_pool_state {
    VMON_POOL_INACTIVE = 0,
    VMON_POOL_BUILDING = 1,
    VMON_POOL_RUNNING = 2,
    VMON_POOL_DEGRADED = 3,
    VMON_POOL_INACCESSIBLE = 4,
    VMON_POOL_STATE__N
};
/* "inactive", "building", "running", "degraded", "inaccessible" */
const char *vmon_pool_state_name(int state);
/* The state named name, or -1. */
int vmon_pool_state_parse(const char *name);

/* A storage pool (vmon-pool.c): a sibling of the domains, under the node. */
struct vmon_pool {
    char *name;
    unsigned char uuid[16];
    char uuid_str[37];
    char *type;              /* "dir", "logical", ... from the pool XML; NULL unknown */
    char *path;              /* the target path, NULL when it has none */
    int state;               /* enum vmon_pool_state */
    bool autostart;
    bool persistent;
    /* its backend did not answer in time: the figures are an earlier poll's
     * (figures_time says which), or none */
    bool stale;
    time_t figures_time;     /* wall clock of its figures; 0 none */
    struct vmon_value m[VMON_POOL__N];
};

struct vmon_node {
    char *hostname;
    char *hv_type;           /* "QEMU", "TEST" */
    unsigned long hv_version;   /* major * 1000000 + minor * 1000 + release */
    unsigned long lib_version;
    char *cpu_model;
    unsigned domains_by_state[VMON_STATE__N];
    unsigned domains_active;
    unsigned domains_inactive;
    struct vmon_value m[VMON_NODE__N];
};

/* The agent's own health, for the faces that report it. */
struct vmon_health {
    bool connected;
    /* a face reading virtmond lost virtmond itself: nothing is known of
     * libvirt meanwhile (connected is false, last_error says why); never
     * on the wire, the reader sets it */
    bool collector_lost;
    uint64_t polls;
    uint64_t poll_errors;
    uint64_t reconnects;
    double last_poll_seconds;     /* how long the last poll took */
    /* wall clock of the last poll that collected (libvirt connected, the
     * poll completed): the age of the data; 0 = never */
    time_t last_poll_time;
    time_t last_attempt_time;     /* wall clock of the last poll, failed or not; 0 = never */
    char *last_error;             /* NULL when the last poll succeeded */
    /* domain XML documents fetched from libvirt since the start: once per
     * domain that appears, restarts or an event says changed, not per poll */
    uint64_t xml_fetches;
};

struct vmon_snapshot {
    int refs;                     /* atomic */
    uint64_t seq;                 /* 1, 2, ... per poller */
    double taken;                 /* monotonic seconds, when collected */
    time_t taken_wall;
    double elapsed;               /* seconds since the previous snapshot, 0 first */
    char *uri;                    /* the connection's canonical URI */
    struct vmon_health health;
    /* what the source will do when a face asks (bits 1u << enum
     * vmon_action): its allow-actions, carried so that a face reading
     * virtmond can refuse up front what virtmond would refuse */
    unsigned actions_allowed;
    struct vmon_node node;
    struct vmon_domain *domains;  /* sorted by name */
    size_t ndomains;
    size_t domains_cap;           /* slots vmon_snapshot_add_domain() may fill */
    struct vmon_pool *pools;      /* sorted by name */
    size_t npools;
    /* the host has no storage driver (no virtstoraged): no pools, and no error */
    bool no_pool_driver;
};

struct vmon_snapshot *vmon_snapshot_new(void);
struct vmon_snapshot *vmon_snapshot_ref(struct vmon_snapshot *snap);
void vmon_snapshot_unref(struct vmon_snapshot *snap);      /* NULL is fine */

/* Lookups; NULL when absent. uuid_or_name accepts either form. */
const struct vmon_domain *vmon_snapshot_find_domain(const struct vmon_snapshot *snap,
                                                    const char *uuid_or_name);
const struct vmon_domain *vmon_snapshot_find_uuid(const struct vmon_snapshot *snap,
                                                  const unsigned char uuid[16]);

/* The pool named or with that UUID string; NULL when absent. */
const struct vmon_pool *vmon_snapshot_find_pool(const struct vmon_snapshot *snap,
                                                const char *uuid_or_name);

/* Building (core only). */
/* A zeroed pool appended to snap->pools. */
struct vmon_pool *vmon_snapshot_add_pool(struct vmon_snapshot *snap);
void vmon_pool_array_free(struct vmon_pool *pools, size_t n);   /* each cleared, then the array */
/* dst becomes a deep copy of src. */
void vmon_pool_copy(struct vmon_pool *dst, const struct vmon_pool *src);
/* Drop every pool. */
void vmon_snapshot_clear_pools(struct vmon_snapshot *snap);
/* Sort by name; used % from capacity and allocation. */
void vmon_snapshot_finish_pools(struct vmon_snapshot *snap);
struct vmon_domain *vmon_snapshot_add_domain(struct vmon_snapshot *snap);
/* Room for n domains in all, when their number is known up front (more still fit). */
void vmon_snapshot_reserve_domains(struct vmon_snapshot *snap, size_t n);
/* Give back the slots add_domain reserved beyond the last domain. */
void vmon_snapshot_trim(struct vmon_snapshot *snap);
struct vmon_disk *vmon_domain_add_disk(struct vmon_domain *dom, const char *name);
struct vmon_nic *vmon_domain_add_nic(struct vmon_domain *dom, const char *name);
/* A zeroed file system appended to dom->fss; its mount point copied. */
struct vmon_fs *vmon_domain_add_fs(struct vmon_domain *dom, const char *mountpoint);
/* The file system mounted at mountpoint, or NULL. */
struct vmon_fs *vmon_domain_find_fs(const struct vmon_domain *dom, const char *mountpoint);
/* Free n file systems (fss itself too). */
void vmon_fss_free(struct vmon_fs *fss, size_t n);
struct vmon_vcpu *vmon_domain_get_vcpu(struct vmon_domain *dom, unsigned number);
struct vmon_disk *vmon_domain_find_disk(const struct vmon_domain *dom, const char *name);
struct vmon_nic *vmon_domain_find_nic(const struct vmon_domain *dom, const char *name);
/* The value of the domain's label name, or NULL when it has none. */
const char *vmon_domain_label(const struct vmon_domain *dom, const char *name);
void vmon_domain_add_label(struct vmon_domain *dom, const char *name, const char *value);
void vmon_snapshot_sort(struct vmon_snapshot *snap);
/* Drop the node and domains (a poll that starts over). */
void vmon_snapshot_clear_data(struct vmon_snapshot *snap);
void vmon_domain_clear(struct vmon_domain *dom);
void vmon_domain_array_free(struct vmon_domain *doms, size_t n);   /* each cleared, then the array */
void vmon_node_clear(struct vmon_node *node);

static inline void
vmon_value_set(struct vmon_value *v, uint64_t u)
{
    v->u = u;
    v->have |= VMON_HAVE_VALUE;
}

static inline void
vmon_value_set_double(struct vmon_value *v, double d)
{
    v->d = d;
    v->have |= VMON_HAVE_VALUE;
}

static inline bool
vmon_value_has(const struct vmon_value *v)
{
    return v->have & VMON_HAVE_VALUE;
}

static inline bool
vmon_value_has_rate(const struct vmon_value *v)
{
    return v->have & VMON_HAVE_RATE;
}

#endif
