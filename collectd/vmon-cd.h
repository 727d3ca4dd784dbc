/*
 * The collectd face's own model: how values are named and which metrics
 * become which collectd identifiers.  Nothing here includes collectd's
 * headers, so tests/collectd/test-naming.c can check it without a daemon;
 * vmon-cd-plugin.h adds what needs the daemon.
 */
#ifndef VMON_CD_H
#define VMON_CD_H

#include <stdbool.h>
#include <stddef.h>

#include "vmon-event.h"
#include "vmon-metrics.h"
#include "vmon-snapshot.h"

/* Plugin names: ours, and the one CompatVirtPlugin borrows from collectd's virt.so. */
#define VMON_CD_PLUGIN "virtmon"
#define VMON_CD_PLUGIN_COMPAT "virt"

/* ---- HostnameFormat / PluginInstanceFormat -------------------------------- */

enum vmon_cd_field {
    VMON_CD_FIELD_NONE,
    VMON_CD_FIELD_NAME,
    VMON_CD_FIELD_UUID,
    VMON_CD_FIELD_HOSTNAME,
    VMON_CD_FIELD__N
};

/* virt.so allows four host fields and three plugin-instance fields; so do we. */
#define VMON_CD_MAX_FIELDS 4

struct vmon_cd_format {
    enum vmon_cd_field field[VMON_CD_MAX_FIELDS];
    size_t n;                      /* 0: the identifier part is left empty */
};

/*
 * Parse words ("name", "uuid", "hostname", and "none" when allow_none) into
 * fmt.  "none" must stand alone.  0, or -1 with a message in err.
 */
int vmon_cd_format_parse(struct vmon_cd_format *fmt, const char *const *words, size_t nwords,
                         size_t max_fields, bool allow_none, char *err, size_t errsize);
/* Fields joined by ':' as virt.so joins them; truncated to size. */
void vmon_cd_format_apply(const struct vmon_cd_format *fmt, const char *name, const char *uuid,
                          const char *hostname, char *buf, size_t size);
/* Whether the format names the domain (name or uuid), i.e. tells domains apart. */
bool vmon_cd_format_identifies(const struct vmon_cd_format *fmt);

/* type_instance of a per-device value: "vda", or "flush-vda" when inst is "flush". */
void vmon_cd_type_instance(char *buf, size_t size, const char *inst, const char *device);

/* ---- which metrics become which identifiers ------------------------------ */

/* Report* switches; a series is sent when every group it belongs to is on. */
enum vmon_cd_group {
    VMON_CD_GROUP_NODE = 1u << 0,
    VMON_CD_GROUP_VCPU = 1u << 1,
    VMON_CD_GROUP_DISK = 1u << 2,
    VMON_CD_GROUP_NIC = 1u << 3,
    VMON_CD_GROUP_MEMORY = 1u << 4,
    VMON_CD_GROUP_PERCENT = 1u << 5,
    VMON_CD_GROUP_POOL = 1u << 6,
};
#define VMON_CD_GROUP_ALL 0x7fu

/*
 * One collectd series: a type with one or two data sources, each fed by a
 * metric of the same scope named by its table key.  Per-device scopes (vCPU,
 * disk, NIC) add the device to the type_instance.
 */
struct vmon_cd_spec {
    enum vmon_scope scope;
    const char *plugin;
    const char *type;
    const char *inst;
    const char *key[2];            /* key[1] NULL for one-DS types */
};

/* The group bits a metric belongs to. */
unsigned vmon_cd_metric_groups(const struct vmon_metric_desc *d);

/*
 * Fill out with the native series from the metric table: one per entry with
 * a cd_type, pairing data sources 0 and 1 of the same scope, type and
 * instance.  With skip_compat, leaves out metrics the compat list reports.
 * Returns how many specs there are (may exceed max; only max are written).
 * Table entries that cannot be paired are reported through bad (may be NULL).
 */
size_t vmon_cd_specs_native(struct vmon_cd_spec *out, size_t max, bool skip_compat,
                            void (*bad)(const struct vmon_metric_desc *d, const char *why));

/* The series collectd's virt.so reports, named as it names them. */
const struct vmon_cd_spec *vmon_cd_specs_compat(size_t *count);

/* Whether the compat list reports the metric (scope, key). */
bool vmon_cd_compat_covers(enum vmon_scope scope, const char *key);

/*
 * How a raw metric value is scaled into the unit collectd's conventions
 * expect for type: KiB become bytes (collectd's memory types are bytes),
 * ns become ms for total_time_in_ms and jiffies (USER_HZ) for the cpu type.
 * Scales below 1 are applied to counters as integer division (*div) so that
 * a counter stays monotonic; *mul is the multiplier otherwise.
 */
void vmon_cd_unit_scale(enum vmon_unit unit, const char *type, double *mul, unsigned long long *div);

/* ---- notifications -------------------------------------------------------- */

/* collectd's NOTIF_* numbers (checked where plugin.h is in scope). */
enum vmon_cd_severity {
    VMON_CD_SEVERITY_FAILURE = 1,
    VMON_CD_SEVERITY_WARNING = 2,
    VMON_CD_SEVERITY_OKAY = 4,
};

/*
 * Severity of a lifecycle event (enum vmon_lifecycle, libvirt's detail for
 * it) that leaves the domain in state (enum vmon_domain_state): crashed is
 * a failure, paused, blocked and PM-suspended are warnings, running and
 * shut down are okay.
 */
enum vmon_cd_severity vmon_cd_lifecycle_severity(int event, int detail, int state);

#endif
