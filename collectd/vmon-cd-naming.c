/*
 * Naming: which collectd identifier each metric of the core's table gets,
 * natively and in CompatVirtPlugin mode.  Pure functions over the metric
 * table, so they are unit tested without a daemon.
 */
#include "vmon-cd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vmon-util.h"

static const char *const field_names[] = { "none", "name", "uuid", "hostname", "title",
                                           "metadata:" };
_Static_assert(sizeof(field_names) / sizeof(field_names[0]) == VMON_CD_FIELD__N, "field names");

int
vmon_cd_format_parse(struct vmon_cd_format *fmt, const char *const *words, size_t nwords,
                     size_t max_fields, bool allow_none, char *err, size_t errsize)
{
    struct vmon_cd_format f = { .n = 0 };

    if (max_fields > VMON_CD_MAX_FIELDS)
        max_fields = VMON_CD_MAX_FIELDS;
    if (nwords == 0) {
        snprintf(err, errsize, "needs at least one of %s",
                 allow_none ? "none, name, uuid, hostname, title, metadata:LABEL"
                            : "name, uuid, hostname, title, metadata:LABEL");
        return -1;
    }
    if (nwords > max_fields) {
        snprintf(err, errsize, "takes at most %zu fields, got %zu", max_fields, nwords);
        return -1;
    }
    for (size_t i = 0; i < nwords; i++) {
        enum vmon_cd_field got = VMON_CD_FIELD__N;

        for (int k = 0; k < VMON_CD_FIELD_LABEL; k++)
            if (strcasecmp(words[i], field_names[k]) == 0)
                got = (enum vmon_cd_field) k;
        if (strncasecmp(words[i], "metadata:", 9) == 0) {
            /* virt.so's bare "metadata" reads one XPath; ours names a declared Label */
            if (!vmon_label_name_ok(words[i] + 9)) {
                snprintf(err, errsize, "'%s': metadata: needs a label name (a Label the block "
                         "declares, e.g. metadata:nova.project)", words[i]);
                return -1;
            }
            got = VMON_CD_FIELD_LABEL;
            snprintf(f.label[f.n], sizeof(f.label[f.n]), "%s", words[i] + 9);
        }
        if (got == VMON_CD_FIELD__N || (got == VMON_CD_FIELD_NONE && !allow_none)) {
            snprintf(err, errsize, "unknown field '%s' (use %s)", words[i],
                     allow_none ? "none, name, uuid, hostname, title or metadata:LABEL"
                                : "name, uuid, hostname, title or metadata:LABEL");
            return -1;
        }
        /* "none name" would silently mean "name" in virt.so; say it instead. */
        if (got == VMON_CD_FIELD_NONE) {
            if (nwords != 1) {
                snprintf(err, errsize, "'none' cannot be combined with other fields");
                return -1;
            }
            break;
        }
        f.field[f.n++] = got;
    }
    *fmt = f;
    return 0;
}

/* Append src to buf[size] keeping the terminator; truncates like sstrncpy. */
static void
append(char *buf, size_t size, const char *src)
{
    size_t len = strlen(buf);

    if (len + 1 >= size || !src)
        return;
    snprintf(buf + len, size - len, "%s", src);
}

void
vmon_cd_format_apply(const struct vmon_cd_format *fmt, const char *name, const char *uuid,
                     const char *hostname, const struct vmon_domain *dom, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < fmt->n; i++) {
        if (i > 0)
            append(buf, size, ":");
        switch (fmt->field[i]) {
        case VMON_CD_FIELD_NAME:
            append(buf, size, name);
            break;
        case VMON_CD_FIELD_UUID:
            append(buf, size, uuid);
            break;
        case VMON_CD_FIELD_HOSTNAME:
            append(buf, size, hostname);
            break;
        case VMON_CD_FIELD_TITLE:
            append(buf, size, dom ? dom->title : NULL);
            break;
        case VMON_CD_FIELD_LABEL:
            append(buf, size, dom ? vmon_domain_label(dom, fmt->label[i]) : NULL);
            break;
        case VMON_CD_FIELD_NONE:
        case VMON_CD_FIELD__N:
            break;
        }
    }
}

const char *
vmon_cd_label_key(const struct vmon_label *label, char buf[VMON_CD_LABEL_KEY_MAX])
{
    snprintf(buf, VMON_CD_LABEL_KEY_MAX, "label:%s", label->name);
    return buf;
}

bool
vmon_cd_format_identifies(const struct vmon_cd_format *fmt)
{
    for (size_t i = 0; i < fmt->n; i++)
        if (fmt->field[i] == VMON_CD_FIELD_NAME || fmt->field[i] == VMON_CD_FIELD_UUID)
            return true;
    return false;
}

static int
word_index(const char *text, const char *const *words, size_t n)
{
    for (size_t i = 0; text && i < n; i++)
        if (strcasecmp(text, words[i]) == 0)
            return (int) i;
    return -1;
}

static const char *const nic_formats[] = { "name", "address", "number", "alias" };
static const char *const disk_formats[] = { "target", "source" };

int
vmon_cd_nic_format_parse(const char *text)
{
    return word_index(text, nic_formats, VMON_ARRAY_SIZE(nic_formats));
}

int
vmon_cd_disk_format_parse(const char *text)
{
    return word_index(text, disk_formats, VMON_ARRAY_SIZE(disk_formats));
}

const char *
vmon_cd_nic_name(enum vmon_cd_nic_format f, const struct vmon_nic *nic, char *buf, size_t size)
{
    const char *name = f == VMON_CD_NIC_NAME ? nic->name
                       : f == VMON_CD_NIC_ADDRESS ? (nic->mac[0] ? nic->mac : NULL)
                       : f == VMON_CD_NIC_ALIAS ? nic->alias : NULL;

    if (f == VMON_CD_NIC_NUMBER && nic->number) {
        snprintf(buf, size, "interface-%u", nic->number);
        return buf;
    }
    if (!name)
        return NULL;
    snprintf(buf, size, "%s", name);
    return buf;
}

const char *
vmon_cd_disk_name(enum vmon_cd_disk_format f, bool basename, const struct vmon_disk *disk,
                  char *buf, size_t size)
{
    const char *name = disk->name;

    if (f == VMON_CD_DISK_SOURCE && disk->path && *disk->path) {
        const char *slash = strrchr(disk->path, '/');
        name = basename && slash && slash[1] ? slash + 1 : disk->path;
    }
    snprintf(buf, size, "%s", name ? name : "");
    for (char *p = buf; *p; p++)
        if (*p == '/')
            *p = '_';
    return buf;
}

const char *
vmon_cd_fs_name(const char *mountpoint, char *buf, size_t size)
{
    const char *m = mountpoint ? mountpoint : "";

    while (*m == '/')
        m++;
    snprintf(buf, size, "%s", *m ? m : "root");
    for (char *p = buf; *p; p++)
        if (*p == '/')
            *p = '-';
    return buf;
}

void
vmon_cd_type_instance(char *buf, size_t size, const char *inst, const char *device)
{
    if (inst && *inst && device && *device)
        snprintf(buf, size, "%s-%s", inst, device);
    else if (device && *device)
        snprintf(buf, size, "%s", device);
    else
        snprintf(buf, size, "%s", inst ? inst : "");
}

unsigned
vmon_cd_metric_groups(const struct vmon_metric_desc *d)
{
    unsigned g = 0;

    switch (d->scope) {
    case VMON_SCOPE_NODE:
        g |= VMON_CD_GROUP_NODE;
        break;
    case VMON_SCOPE_VCPU:
        g |= VMON_CD_GROUP_VCPU;
        break;
    case VMON_SCOPE_DISK:
        g |= VMON_CD_GROUP_DISK;
        break;
    case VMON_SCOPE_NIC:
        g |= VMON_CD_GROUP_NIC;
        break;
    case VMON_SCOPE_DOMAIN:
        if (d->group == VMON_GROUP_BALLOON)
            g |= VMON_CD_GROUP_MEMORY;
        break;
    case VMON_SCOPE_POOL:
        g |= VMON_CD_GROUP_POOL;
        break;
    case VMON_SCOPE_FS:     /* sent whenever guest-fs gives figures */
    case VMON_SCOPE__N:
        break;
    }
    if (d->kind == VMON_KIND_DERIVED)
        g |= VMON_CD_GROUP_PERCENT;
    return g;
}

/*
 * What collectd's virt.so (Debian 5.12, every ExtraStats selector the issue
 * lists) dispatches, read off a run of it against the test driver and a
 * QEMU guest.  Where virt.so sends a counter as a gauge (swap_io,
 * ps_pagefaults) we keep its identifier but send the DS type types.db says.
 */
#define C(SCOPE, type, inst, k0, k1) \
    { VMON_SCOPE_##SCOPE, VMON_CD_PLUGIN_COMPAT, type, inst, { k0, k1 } }
static const struct vmon_cd_spec compat_specs[] = {
    C(DOMAIN, "virt_cpu_total", "", "cpu.time", NULL),
    /* virt.so's cpu_util is a share of all host CPUs, not of the guest's vCPUs. */
    C(DOMAIN, "percent", "virt_cpu_total", "cpu.host_percent", NULL),
    C(DOMAIN, "ps_cputime", "", "cpu.user", "cpu.system"),
    C(DOMAIN, "memory", "total", "balloon.current", NULL),
    C(DOMAIN, "memory", "actual_balloon", "balloon.current", NULL),
    C(DOMAIN, "memory", "unused", "balloon.unused", NULL),
    C(DOMAIN, "memory", "available", "balloon.available", NULL),
    C(DOMAIN, "memory", "usable", "balloon.usable", NULL),
    C(DOMAIN, "memory", "rss", "balloon.rss", NULL),
    C(DOMAIN, "memory", "disk_caches", "balloon.disk_caches", NULL),
    C(DOMAIN, "swap_io", "in", "balloon.swap_in", NULL),
    C(DOMAIN, "swap_io", "out", "balloon.swap_out", NULL),
    C(DOMAIN, "ps_pagefaults", "", "balloon.minor_fault", "balloon.major_fault"),
    C(VCPU, "virt_vcpu", "", "time", NULL),
    C(DISK, "disk_ops", "", "rd.reqs", "wr.reqs"),
    C(DISK, "disk_octets", "", "rd.bytes", "wr.bytes"),
    C(DISK, "disk_time", "", "rd.times", "wr.times"),
    C(DISK, "total_requests", "flush", "fl.reqs", NULL),
    C(DISK, "total_time_in_ms", "flush", "fl.times", NULL),
    C(DISK, "disk_allocation", "", "allocation", NULL),
    C(DISK, "disk_capacity", "", "capacity", NULL),
    C(DISK, "disk_physical", "", "physical", NULL),
    /* virt.so's disk_error is libvirt's disk error code; ours is the error count. */
    C(DISK, "disk_error", "", "errs", NULL),
    C(NIC, "if_octets", "", "rx.bytes", "tx.bytes"),
    C(NIC, "if_packets", "", "rx.pkts", "tx.pkts"),
    C(NIC, "if_errors", "", "rx.errs", "tx.errs"),
    C(NIC, "if_dropped", "", "rx.drop", "tx.drop"),
};
#undef C

const struct vmon_cd_spec *
vmon_cd_specs_compat(size_t *count)
{
    *count = sizeof(compat_specs) / sizeof(compat_specs[0]);
    return compat_specs;
}

bool
vmon_cd_compat_covers(enum vmon_scope scope, const char *key)
{
    size_t n;
    const struct vmon_cd_spec *s = vmon_cd_specs_compat(&n);

    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
            if (s[i].scope == scope && s[i].key[k] && strcmp(s[i].key[k], key) == 0)
                return true;
    return false;
}

static bool
same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

size_t
vmon_cd_specs_native(struct vmon_cd_spec *out, size_t max, bool skip_compat,
                     void (*bad)(const struct vmon_metric_desc *d, const char *why))
{
    size_t count = 0;

    for (int scope = 0; scope < VMON_SCOPE__N; scope++) {
        size_t n;
        const struct vmon_metric_desc *t = vmon_metrics((enum vmon_scope) scope, &n);

        for (size_t i = 0; i < n; i++) {
            const struct vmon_metric_desc *d = &t[i], *partner = NULL;
            bool paired_type = false;

            if (!d->cd_type)
                continue;
            /* A type with a second data source anywhere in the table is a pair type. */
            for (size_t j = 0; j < n; j++)
                if (t[j].cd_type && strcmp(t[j].cd_type, d->cd_type) == 0 && t[j].cd_ds == 1)
                    paired_type = true;
            if (d->cd_ds == 1)
                continue;            /* reached through its data source 0 */
            if (d->cd_ds != 0) {
                if (bad)
                    bad(d, "data-source index is neither 0 nor 1");
                continue;
            }
            if (paired_type) {
                for (size_t j = 0; j < n; j++)
                    if (t[j].cd_type && t[j].cd_ds == 1 && strcmp(t[j].cd_type, d->cd_type) == 0
                        && same_str(t[j].cd_instance, d->cd_instance))
                        partner = &t[j];
                if (!partner) {
                    if (bad)
                        bad(d, "its type has two data sources but the table has no data source 1 "
                               "with the same type_instance");
                    continue;
                }
            }
            if (skip_compat && (vmon_cd_compat_covers(d->scope, d->key)
                                || (partner && vmon_cd_compat_covers(d->scope, partner->key))))
                continue;
            if (count < max)
                out[count] = (struct vmon_cd_spec) {
                    .scope = d->scope,
                    .plugin = VMON_CD_PLUGIN,
                    .type = d->cd_type,
                    .inst = d->cd_instance ? d->cd_instance : "",
                    .key = { d->key, partner ? partner->key : NULL },
                };
            count++;
        }
        /* A data source 1 with no data source 0 would otherwise vanish silently. */
        for (size_t i = 0; i < n && bad; i++) {
            bool found = false;

            if (!t[i].cd_type || t[i].cd_ds != 1)
                continue;
            for (size_t j = 0; j < n; j++)
                if (t[j].cd_type && t[j].cd_ds == 0 && strcmp(t[j].cd_type, t[i].cd_type) == 0
                    && same_str(t[j].cd_instance, t[i].cd_instance))
                    found = true;
            if (!found)
                bad(&t[i], "data source 1 has no data source 0 with the same type_instance");
        }
    }
    return count;
}

void
vmon_cd_unit_scale(enum vmon_unit unit, const char *type, double *mul, unsigned long long *div)
{
    *mul = 1;
    *div = 1;
    if (unit == VMON_UNIT_KIB) {
        *mul = 1024;
    } else if (unit == VMON_UNIT_MHZ) {
        *mul = 1e6;              /* collectd's cpufreq plugin reports Hz */
    } else if (unit == VMON_UNIT_NS && strcmp(type, "total_time_in_ms") == 0) {
        *div = 1000000;
    } else if (unit == VMON_UNIT_MS && strcmp(type, "duration") == 0) {
        *div = 1000;             /* types.db's duration is in seconds */
    } else if (unit == VMON_UNIT_NS && strcmp(type, "cpu") == 0) {
        /* collectd's cpu plugin counts jiffies at USER_HZ (100/s) in this type. */
        *div = 10000000;
    }
}

enum vmon_cd_severity
vmon_cd_lifecycle_severity(int event, int detail, int state)
{
    /* a guest whose QEMU died is shut off like one shut down on purpose,
     * yet it failed */
    if (vmon_lifecycle_failed(event, detail) || state == VMON_STATE_CRASHED)
        return VMON_CD_SEVERITY_FAILURE;
    switch (state) {
    case VMON_STATE_PAUSED:
    case VMON_STATE_BLOCKED:
    case VMON_STATE_PMSUSPENDED:
        return VMON_CD_SEVERITY_WARNING;
    default:
        return VMON_CD_SEVERITY_OKAY;
    }
}
