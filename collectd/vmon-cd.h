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
#include "vmon-labels.h"
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
    VMON_CD_FIELD_TITLE,           /* the domain's <title> */
    VMON_CD_FIELD_LABEL,           /* "metadata:LABEL": a declared label's value */
    VMON_CD_FIELD__N
};

/* virt.so allows four host fields and three plugin-instance fields; so do we. */
#define VMON_CD_MAX_FIELDS 4

struct vmon_cd_format {
    enum vmon_cd_field field[VMON_CD_MAX_FIELDS];
    char label[VMON_CD_MAX_FIELDS][VMON_LABEL_NAME_MAX + 1];   /* of each LABEL field */
    size_t n;                      /* 0: the identifier part is left empty */
};

/*
 * Parse words ("name", "uuid", "hostname", "title", "metadata:LABEL", and
 * "none" when allow_none) into fmt.  "none" must stand alone.  0, or -1
 * with a message in err.
 */
int vmon_cd_format_parse(struct vmon_cd_format *fmt, const char *const *words, size_t nwords,
                         size_t max_fields, bool allow_none, char *err, size_t errsize);
/*
 * Fields joined by ':' as virt.so joins them; truncated to size.  dom gives
 * the title and labels (NULL, or a domain without them: those fields are
 * empty, as virt.so leaves a metadata field it does not find).
 */
void vmon_cd_format_apply(const struct vmon_cd_format *fmt, const char *name, const char *uuid,
                          const char *hostname, const struct vmon_domain *dom, char *buf,
                          size_t size);
/* Whether the format names the domain (name or uuid), i.e. tells domains apart. */
bool vmon_cd_format_identifies(const struct vmon_cd_format *fmt);

/* The meta-data key of a domain's label in values and notifications: "label:NAME". */
#define VMON_CD_LABEL_KEY_MAX (VMON_LABEL_NAME_MAX + 7)
const char *vmon_cd_label_key(const struct vmon_label *label, char buf[VMON_CD_LABEL_KEY_MAX]);

/* ---- InterfaceFormat / BlockDeviceFormat ---------------------------------- */

/*
 * What names a device in its values' type instance.  A NIC's host-side name
 * ("vnet3") changes when its guest restarts or migrates; its MAC, its place
 * in the domain's XML ("interface-2", numbered from 1 as virt.so does) and
 * its alias do not.  A disk: its target ("vda") or its source, with '/' as
 * '_' (a type instance becomes a file name in collectd's csv and rrdtool
 * writers), or the source's last component with BlockDeviceFormatBasename.
 */
enum vmon_cd_nic_format { VMON_CD_NIC_NAME, VMON_CD_NIC_ADDRESS, VMON_CD_NIC_NUMBER, VMON_CD_NIC_ALIAS };
enum vmon_cd_disk_format { VMON_CD_DISK_TARGET, VMON_CD_DISK_SOURCE };

/* The format named text ("address"); -1 for none. */
int vmon_cd_nic_format_parse(const char *text);
int vmon_cd_disk_format_parse(const char *text);
/*
 * The device's name under the format into buf; returns buf.  A NIC whose
 * chosen name is not known (yet: its domain's XML is read again after a
 * restart) gets NULL, and its values are not sent that time rather than
 * start a series under another name; a disk without a source is named by
 * its target.
 */
const char *vmon_cd_nic_name(enum vmon_cd_nic_format f, const struct vmon_nic *nic, char *buf,
                             size_t size);
/* A guest mount point as collectd's df plugin names it: "/" root, "/var/log" var-log. */
const char *vmon_cd_fs_name(const char *mountpoint, char *buf, size_t size);
const char *vmon_cd_disk_name(enum vmon_cd_disk_format f, bool basename,
                              const struct vmon_disk *disk, char *buf, size_t size);

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
