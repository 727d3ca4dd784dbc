/*
 * The parts of the collectd face that need the daemon: configuration,
 * the dispatch plan resolved against types.db, value and notification
 * dispatch.  virtmon.c ties them to collectd's callbacks.
 */
#ifndef VMON_CD_PLUGIN_H
#define VMON_CD_PLUGIN_H

#include "vmon-cd-collectd.h"

#include "vmon-cd.h"
#include "vmon-options.h"
#include "vmon-snapshot.h"

struct vmon_source;

struct vmon_cd_config {
    struct vmon_options opts;      /* Source, Connection, Include/Exclude, Workers, Timeout */
    cdtime_t interval;             /* 0: collectd's interval for this plugin */
    struct vmon_cd_format host_format;
    struct vmon_cd_format instance_format;
    bool host_format_set;
    bool instance_format_set;
    unsigned groups;               /* enum vmon_cd_group bits switched on */
    bool compat;
    enum vmon_cd_nic_format nic_format;    /* InterfaceFormat */
    enum vmon_cd_disk_format disk_format;  /* BlockDeviceFormat */
    bool disk_basename;                    /* BlockDeviceFormatBasename */
    bool source_uri;               /* Source "libvirt:URI" named one */
    bool connection_set;           /* Connection did */
    bool timeout_set;              /* Timeout: how we would poll libvirt */
    bool seen;                     /* a <Plugin virtmon> block was read */
    bool failed;                   /* ...and something in it was wrong */
};

void vmon_cd_config_init(struct vmon_cd_config *cfg);
void vmon_cd_config_clear(struct vmon_cd_config *cfg);
/* Reads one <Plugin virtmon> block; logs each error naming its key. 0 or -1. */
int vmon_cd_config_read(struct vmon_cd_config *cfg, oconfig_item_t *ci);
/* Defaults that depend on other keys (formats in compat mode); 0 or -1. */
int vmon_cd_config_finish(struct vmon_cd_config *cfg);

/* One series resolved against the metric table and types.db. */
struct vmon_cd_series {
    struct vmon_cd_spec spec;
    size_t nds;
    int id[2];                     /* metric index in its scope's table */
    enum vmon_kind kind[2];
    int ds_type[2];                /* DS_TYPE_* from types.db */
    double mul[2];
    unsigned long long div[2];
    unsigned groups;
};

struct vmon_cd_plan {
    struct vmon_cd_series *series;
    size_t nseries;
};

/* Builds the plan for cfg; logs (once) every series it has to leave out and why. */
int vmon_cd_plan_build(struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg);
void vmon_cd_plan_free(struct vmon_cd_plan *plan);

/* Dispatches everything in snap the plan and cfg ask for; returns values dispatched. */
size_t vmon_cd_dispatch_snapshot(const struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg,
                                 const struct vmon_snapshot *snap, cdtime_t interval);

/* Turns every queued core event into a collectd notification; returns how many. */
size_t vmon_cd_notify_drain(struct vmon_source *src, const struct vmon_cd_config *cfg);
/* A FAILURE for each domain that became not answering since prev, an OKAY
 * for each that answers again; how many were sent. */
size_t vmon_cd_notify_answering(const struct vmon_snapshot *prev, const struct vmon_snapshot *cur,
                                const struct vmon_cd_config *cfg);

/*
 * A notification for each domain whose guest memory figures turned stale
 * (WARNING) or fresh again (OKAY) since prev (NULL: the first snapshot, where
 * every stale one is news); returns how many.
 */
size_t vmon_cd_notify_stale(const struct vmon_cd_config *cfg, const struct vmon_snapshot *snap,
                            const struct vmon_snapshot *prev);

/* host and plugin_instance of a domain's values and notifications; dom
 * (may be NULL) gives the title and labels. */
void vmon_cd_domain_ident(const struct vmon_cd_config *cfg, const char *name, const char *uuid,
                          const struct vmon_domain *dom, char *host, size_t host_size,
                          char *inst, size_t inst_size);

/* plugin_instance of a storage pool's values and notifications ("pool-NAME", under hostname_g) */
void vmon_cd_pool_ident(const char *name, char *inst, size_t inst_size);

#endif
