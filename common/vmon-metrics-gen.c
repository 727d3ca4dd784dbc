/*
 * vmon-metrics-gen FILE...: rewrite, in each FILE, what follows from the
 * metric table (vmon-metrics.def) between its generated-block markers:
 *
 *   -- BEGIN GENERATED NAME ...            (VIRTMON-MIB)
 *   -- END GENERATED
 *   <!-- BEGIN GENERATED NAME ... -->      (markdown)
 *   <!-- END GENERATED -->
 *
 * Everything outside the markers is kept byte for byte.  `make generate`
 * runs it over the MIB and docs/; tests/unit/generated.sh fails when the
 * committed files differ from its output.
 *
 * The faces' own naming code (collectd's identifiers, the checks' perfdata
 * labels) is linked in rather than imitated, so the docs say what the
 * faces do.  The MIB syntax rules are vmon-snmp-value.c's; test-mib-columns
 * checks that the agent and this MIB agree.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chk-metric.h"
#include "vmon-cd.h"
#include "vmon-metrics.h"

/* ---- metric columns of the MIB ------------------------------------------ */

enum what { W_VALUE, W_RATE, W_MIN, W_AVG, W_MAX, W__N };

struct column {
    const struct vmon_metric_desc *d;
    enum what what;
    int col;
};

static const char *const mib_prefix[VMON_SCOPE__N] = {
    "virtmonNode", "virtmonDomain", "virtmonVcpu", "virtmonDisk", "virtmonNic", "virtmonPool",
    "virtmonFs",
};
static const char *const mib_parent[VMON_SCOPE__N] = {
    "virtmonNode", "virtmonDomainEntry", "virtmonVcpuEntry", "virtmonDiskEntry", "virtmonNicEntry",
    "virtmonPoolEntry", "virtmonFsEntry",
};
static const char *const what_suffix[W__N] = { "", "Rate", "Min", "Avg", "Max" };

static int
column_number(const struct vmon_metric_desc *d, enum what w)
{
    switch (w) {
    case W_VALUE: return d->snmp_col;
    case W_RATE: return d->snmp_rate_col;
    default: return d->snmp_win_col[w - W_MIN];
    }
}

/* "virtmonDomainDiskRdReqsRate": the scope's prefix, the ID in CamelCase, the suffix. */
static void
object_name(char *buf, size_t size, enum vmon_scope s, const struct vmon_metric_desc *d, enum what w)
{
    size_t len = (size_t) snprintf(buf, size, "%s", mib_prefix[s]);
    bool up = true;
    for (const char *p = d->id_name; *p && len + 1 < size; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        buf[len++] = (char) (up ? toupper((unsigned char) *p) : tolower((unsigned char) *p));
        up = false;
    }
    buf[len] = '\0';
    if (w == W_MIN || w == W_AVG || w == W_MAX)
        snprintf(buf + len, size - len, "%s%s", d->snmp_rate_col ? "Rate" : "", what_suffix[w]);
    else
        snprintf(buf + len, size - len, "%s", what_suffix[w]);
}

/* What the agent sends (vmon_snmp_column_type()), as the MIB's syntax. */
static const char *
syntax(const struct vmon_metric_desc *d, enum what w)
{
    bool rate = w == W_RATE || (w != W_VALUE && d->kind == VMON_KIND_COUNTER);

    if (rate)
        return d->unit == VMON_UNIT_BYTES ? "VirtmonGauge64" : "Gauge32";
    if (d->kind == VMON_KIND_DERIVED)
        return "VirtmonHundredths";
    if (d->kind == VMON_KIND_COUNTER)
        return "Counter64";
    if (d->unit == VMON_UNIT_KIB || d->unit == VMON_UNIT_BYTES)
        return "VirtmonGauge64";
    return "Gauge32";
}

static const char *
unit_words(enum vmon_unit u)
{
    switch (u) {
    case VMON_UNIT_NS: return "nanoseconds";
    case VMON_UNIT_KIB: return "KiB";
    case VMON_UNIT_BYTES: return "bytes";
    case VMON_UNIT_MHZ: return "MHz";
    case VMON_UNIT_PERCENT: return "percent";
    case VMON_UNIT_SECONDS: return "seconds";
    case VMON_UNIT_MS: return "milliseconds";
    default: return NULL;
    }
}

/* UNITS of a column into buf; false when it has none. */
static bool
units(char *buf, size_t size, const struct vmon_metric_desc *d, enum what w)
{
    const char *u = unit_words(d->unit);

    if (w == W_VALUE || d->kind != VMON_KIND_COUNTER) {
        if (u)
            snprintf(buf, size, "%s", u);
        return u != NULL;
    }
    snprintf(buf, size, "%s%sper second", u ? u : "", u ? " " : "");
    return true;
}

static int
by_column(const void *a, const void *b)
{
    return ((const struct column *) a)->col - ((const struct column *) b)->col;
}

/* The scope's MIB columns, in column order (sorted) or table order. */
static size_t
columns(enum vmon_scope s, struct column *out, size_t max, bool sorted)
{
    size_t n, count = 0;
    const struct vmon_metric_desc *d = vmon_metrics(s, &n);

    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < W__N; w++)
            if (column_number(&d[i], w) && count < max)
                out[count++] = (struct column) { &d[i], w, column_number(&d[i], w) };
    if (sorted)
        qsort(out, count, sizeof(*out), by_column);
    return count;
}

/* Greedy fill at 72 columns, 8 spaces in, as the rest of the MIB is written. */
static void
wrap_quoted(FILE *out, const char *text)
{
    char *copy = malloc(strlen(text) + 3);
    size_t len = 0;

    sprintf(copy, "\"%s\"", text);
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
        size_t wl = strlen(w);
        if (len && len + 1 + wl > 72 - 8) {
            fputc('\n', out);
            len = 0;
        }
        fprintf(out, "%s%s", len ? " " : "        ", w);
        len += (len ? 1 : 0) + wl;
    }
    fputc('\n', out);
    free(copy);
}

static void
description(char *buf, size_t size, enum vmon_scope s, const struct column *c)
{
    const struct vmon_metric_desc *d = c->d;
    char base[128];

    if (c->what == W_RATE) {
        object_name(base, sizeof(base), s, d, W_VALUE);
        snprintf(buf, size, "Per-second rate of %s, over the time between the last two polls. "
                 "Absent for the first poll after the agent or the domain started, and after "
                 "the counter went backwards.%s", base,
                 strcmp(syntax(d, W_RATE), "Gauge32") == 0 ? " Saturates at 4294967295." : "");
        return;
    }
    if (c->what != W_VALUE) {
        static const char *const word[] = { "lowest", "mean", "highest" };
        object_name(base, sizeof(base), s, d, d->snmp_rate_col ? W_RATE : W_VALUE);
        snprintf(buf, size, "The %s value of %s over the averaging window (virtmonAgentWindow "
                 "seconds, sliding one bucket at a time). Absent until the window holds a "
                 "reading.", word[c->what - W_MIN], base);
        return;
    }
    const char *how;
    char derived[128];
    /* a domain's own metric from no statistics group is virtmon's judgement of it */
    bool own = s == VMON_SCOPE_DOMAIN && d->group == 0;
    if (own)
        how = "Set by virtmon at each poll from what libvirt answered (and the polls "
              "before it), not by libvirt.";
    else if (d->kind == VMON_KIND_GAUGE)
        how = "A level, read as libvirt reports it.";
    else if (d->kind == VMON_KIND_DERIVED) {
        snprintf(derived, sizeof(derived), "Computed by virtmon from %s; 1234 means 12.34 %s.",
                 d->flags & VMON_MF_FROM_RATES ? "two consecutive polls" : "the last poll",
                 d->unit == VMON_UNIT_PERCENT ? "%" : vmon_unit_name(d->unit));
        how = derived;
    }
    else if (s == VMON_SCOPE_NODE)
        how = "A counter that only grows while the host is up. Difference two readings for a rate.";
    else if (d->snmp_rate_col)
        how = "A counter that only grows while the domain runs; it restarts from zero when the "
              "domain does. Read the Rate column beside it, or difference two readings.";
    else
        how = "A counter that only grows while the domain runs; it restarts from zero when the "
              "domain does. Difference two readings for a rate.";
    snprintf(buf, size, "%c%s (virtmon metric '%s'). %s %s",
             toupper((unsigned char) d->description[0]), d->description + 1, d->key, how,
             s == VMON_SCOPE_NODE
             ? "Absent (noSuchObject) until virtmon has read it from libvirt."
             : own ? "Absent (noSuchInstance) while the domain is shut off, and where it has "
                     "no value yet (a guest not yet seen with figures)."
             : "Absent (noSuchInstance) for this row when libvirt did not report it in the "
               "last poll, e.g. while the domain is shut off or the driver lacks it.");
}

static void
mib_objects(FILE *out, enum vmon_scope s)
{
    struct column c[512];
    size_t n = columns(s, c, 512, true);

    for (size_t i = 0; i < n; i++) {
        char name[128], u[64], text[1024];
        object_name(name, sizeof(name), s, c[i].d, c[i].what);
        fprintf(out, "\n%s OBJECT-TYPE\n    SYNTAX      %s\n", name, syntax(c[i].d, c[i].what));
        if (units(u, sizeof(u), c[i].d, c[i].what))
            fprintf(out, "    UNITS       \"%s\"\n", u);
        fputs("    MAX-ACCESS  read-only\n    STATUS      current\n    DESCRIPTION\n", out);
        description(text, sizeof(text), s, &c[i]);
        wrap_quoted(out, text);
        fprintf(out, "    ::= { %s %d }\n", mib_parent[s], c[i].col);
    }
    fputc('\n', out);
}

/*
 * SEQUENCE entries: the last entries of the SEQUENCE, so the last has no
 * comma; but the domain table's title and description columns (401, 402)
 * follow the metrics' by hand.
 */
static void
mib_sequence(FILE *out, enum vmon_scope s)
{
    bool more = s == VMON_SCOPE_DOMAIN;
    struct column c[512];
    size_t n = columns(s, c, 512, true);

    for (size_t i = 0; i < n; i++) {
        char name[128];
        object_name(name, sizeof(name), s, c[i].d, c[i].what);
        fprintf(out, "        %-33s %s%s\n", name, syntax(c[i].d, c[i].what),
                i + 1 < n || more ? "," : "");
    }
}

/* OBJECT-GROUP members, each metric's columns together; scopes as listed, last without comma. */
static void
mib_group(FILE *out, const enum vmon_scope *scopes, size_t nscopes)
{
    for (size_t k = 0; k < nscopes; k++) {
        struct column c[512];
        size_t n = columns(scopes[k], c, 512, false);

        for (size_t i = 0; i < n; i++) {
            char name[128];
            object_name(name, sizeof(name), scopes[k], c[i].d, c[i].what);
            fprintf(out, "        %s%s\n", name, k + 1 < nscopes || i + 1 < n ? "," : "");
        }
    }
}

/* The node's metrics are scalars: objects, no SEQUENCE. */
static void node_objects(FILE *out) { mib_objects(out, VMON_SCOPE_NODE); }
#define TABLE_BLOCKS(NAME, S) \
    static void NAME##_objects(FILE *out) { mib_objects(out, S); } \
    static void NAME##_sequence(FILE *out) { mib_sequence(out, S); }
TABLE_BLOCKS(domain, VMON_SCOPE_DOMAIN)
TABLE_BLOCKS(vcpu, VMON_SCOPE_VCPU)
TABLE_BLOCKS(disk, VMON_SCOPE_DISK)
TABLE_BLOCKS(nic, VMON_SCOPE_NIC)
TABLE_BLOCKS(pool, VMON_SCOPE_POOL)
TABLE_BLOCKS(fs, VMON_SCOPE_FS)

/* The MIB's object group of one scope's objects, or of several scopes'. */
#define GROUP(NAME, ...) \
    static void NAME##_group(FILE *out) \
    { \
        static const enum vmon_scope s[] = { __VA_ARGS__ }; \
        mib_group(out, s, sizeof(s) / sizeof(s[0])); \
    }
GROUP(node, VMON_SCOPE_NODE)
GROUP(domain, VMON_SCOPE_DOMAIN)
GROUP(device, VMON_SCOPE_VCPU, VMON_SCOPE_DISK, VMON_SCOPE_NIC)
GROUP(pool, VMON_SCOPE_POOL)
GROUP(fs, VMON_SCOPE_FS)

/* ---- docs/ tables --------------------------------------------------------- */

static const char *const device_word[VMON_SCOPE__N] = { "", "", "N", "DEV", "IF", "POOL", "MOUNT" };

/* "`disk.rd.bytes`", "`block.DEV.rd.bytes`": the key as a user meets it. */
static void
key_text(char *buf, size_t size, const struct vmon_metric_desc *d)
{
    static const char *const pfx[VMON_SCOPE__N] = { "", "", "vcpu", "block", "net", "pool", "fs" };

    if (d->scope >= VMON_SCOPE_VCPU)
        snprintf(buf, size, "`%s.%s.%s`", pfx[d->scope], device_word[d->scope], d->key);
    else
        snprintf(buf, size, "`%s`", d->key);
}

static void
snmp_columns(FILE *out)
{
    fputs("| Object | Column | Syntax | Units | Metric |\n|---|---|---|---|---|\n", out);
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        struct column c[512];
        size_t n = columns(s, c, 512, false);

        for (size_t i = 0; i < n; i++) {
            char name[128], u[64] = "", key[128];
            object_name(name, sizeof(name), s, c[i].d, c[i].what);
            units(u, sizeof(u), c[i].d, c[i].what);
            key_text(key, sizeof(key), c[i].d);
            static const char *const what[W__N] = {
                "", "per-second rate of ", "window minimum of ", "window mean of ",
                "window maximum of ",
            };
            const char *of = c[i].what >= W_MIN && c[i].d->kind == VMON_KIND_COUNTER
                             ? "the rate of " : "";
            fprintf(out, "| `%s` | %s.%d | %s | %s | %s%s%s: %s |\n", name, mib_parent[s],
                    c[i].col, syntax(c[i].d, c[i].what), u, what[c[i].what], of, key,
                    c[i].d->description);
        }
    }
}

/* The unit collectd receives, after vmon_cd_unit_scale(). */
static const char *
cd_unit(const struct vmon_metric_desc *d, const char *type)
{
    double mul;
    unsigned long long div;

    vmon_cd_unit_scale(d->unit, type, &mul, &div);
    if (mul == 1024)
        return "bytes";
    if (mul == 1e6)
        return "Hz";
    if (div == 1000000)
        return "ms";
    if (div == 1000 && d->unit == VMON_UNIT_MS)
        return "seconds";
    if (div == 10000000)
        return "jiffies (1/100 s)";
    return d->unit == VMON_UNIT_COUNT ? "" : vmon_unit_name(d->unit);
}

static void
collectd_identifiers(FILE *out)
{
    struct vmon_cd_spec specs[256];
    size_t n = vmon_cd_specs_native(specs, 256, false, NULL);
    static const char *const where[VMON_SCOPE__N] = {
        "hypervisor", "domain", "vCPU *N*", "disk *DEV*", "NIC *IF*",
        "pool *POOL* (plugin instance `pool-POOL`)", "guest file system *MOUNT*",
    };

    fputs("| Of | Identifier | Data sources | Unit | Metrics |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < n && i < 256; i++) {
        const struct vmon_cd_spec *sp = &specs[i];
        const struct vmon_metric_desc *d[2] = {
            vmon_metric_find(sp->scope, sp->key[0]),
            sp->key[1] ? vmon_metric_find(sp->scope, sp->key[1]) : NULL,
        };
        char inst[128], key0[128], key1[128] = "";
        /* a pool is named in the plugin instance, not the type instance */
        vmon_cd_type_instance(inst, sizeof(inst), sp->inst,
                              sp->scope == VMON_SCOPE_POOL ? "" : device_word[sp->scope]);
        key_text(key0, sizeof(key0), d[0]);
        if (d[1])
            key_text(key1, sizeof(key1), d[1]);
        fprintf(out, "| %s | `%s%s%s` | %s%s | %s | %s%s%s |\n", where[sp->scope], sp->type,
                *inst ? "-" : "", inst, d[0]->kind == VMON_KIND_COUNTER ? "DERIVE" : "GAUGE",
                d[1] ? " (2)" : "", cd_unit(d[0], sp->type), key0, d[1] ? ", " : "", key1);
    }
}

static void
nagios_perfdata(FILE *out, enum vmon_scope s)
{
    struct chk_metric_set set = { 0 };

    chk_metrics_from_table(&set, s);
    fputs("| label | UOM | thresholds | meaning |\n|---|---|---|---|\n", out);
    for (size_t i = 0; i < set.n; i++) {
        const struct chk_metric *m = &set.m[i];
        const char *uom = vmon_uom_name(m->uom);
        char th[160] = "—";
        if (chk_metric_has_options(m))
            snprintf(th, sizeof(th), "`--%s-warning`, `--%s-critical`", m->option, m->option);
        fprintf(out, "| `%s` | %s | %s | %s%s%s |\n", m->label, *uom ? uom : "(none)", th,
                m->rate ? "per second: " : m->raw_counter ? "counter: " : "", m->help,
                chk_metric_needs_rate(m) ? " (needs two samples)" : "");
    }
    chk_metrics_free(&set);
}

static void nagios_domain(FILE *out) { nagios_perfdata(out, VMON_SCOPE_DOMAIN); }
static void nagios_host(FILE *out) { nagios_perfdata(out, VMON_SCOPE_NODE); }
static void nagios_pool(FILE *out) { nagios_perfdata(out, VMON_SCOPE_POOL); }

/* ---- rewriting files -------------------------------------------------------- */

static const struct block {
    const char *name;
    void (*emit)(FILE *out);
} blocks[] = {
    { "node-objects", node_objects },
    { "domain-sequence", domain_sequence },
    { "domain-objects", domain_objects },
    { "vcpu-sequence", vcpu_sequence },
    { "vcpu-objects", vcpu_objects },
    { "disk-sequence", disk_sequence },
    { "disk-objects", disk_objects },
    { "nic-sequence", nic_sequence },
    { "nic-objects", nic_objects },
    { "node-group", node_group },
    { "domain-group", domain_group },
    { "device-group", device_group },
    { "pool-sequence", pool_sequence },
    { "pool-objects", pool_objects },
    { "pool-group", pool_group },
    { "fs-sequence", fs_sequence },
    { "fs-objects", fs_objects },
    { "fs-group", fs_group },
    { "snmp-columns", snmp_columns },
    { "collectd-identifiers", collectd_identifiers },
    { "nagios-domain-perfdata", nagios_domain },
    { "nagios-host-perfdata", nagios_host },
    { "nagios-pool-perfdata", nagios_pool },
};

static const struct block *
block_named(const char *line)
{
    const char *p = strstr(line, "BEGIN GENERATED ") + strlen("BEGIN GENERATED ");
    size_t len = strcspn(p, " :\n");

    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (strlen(blocks[i].name) == len && strncmp(blocks[i].name, p, len) == 0)
            return &blocks[i];
    return NULL;
}

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t size = 0;

    if (!f)
        return NULL;
    FILE *m = open_memstream(&buf, &size);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        fwrite(chunk, 1, got, m);
    fclose(f);
    fclose(m);
    *len = size;
    return buf;
}

/* 0 written or unchanged, -1 on error (said on stderr). */
static int
rewrite(const char *path)
{
    size_t len, outlen = 0;
    char *text = read_all(path, &len), *result = NULL;
    unsigned lineno = 0, nblocks = 0;

    if (!text) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    FILE *out = open_memstream(&result, &outlen);
    const struct block *open = NULL;
    unsigned open_line = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        size_t l = next ? (size_t) (++next - line) : strlen(line);
        lineno++;
        char *copy = strndup(line, l);
        if (strstr(copy, "BEGIN GENERATED ")) {
            if (open || !(open = block_named(copy))) {
                fprintf(stderr, "%s:%u: %s\n", path, lineno,
                        open ? "BEGIN GENERATED inside another block" : "unknown generated block");
                free(copy);
                goto fail;
            }
            open_line = lineno;
            fputs(copy, out);
            open->emit(out);
            nblocks++;
        } else if (strstr(copy, "END GENERATED")) {
            if (!open) {
                fprintf(stderr, "%s:%u: END GENERATED without BEGIN\n", path, lineno);
                free(copy);
                goto fail;
            }
            open = NULL;
            fputs(copy, out);
        } else if (!open) {
            fputs(copy, out);
        }
        free(copy);
    }
    if (open) {
        fprintf(stderr, "%s:%u: block '%s' has no END GENERATED\n", path, open_line, open->name);
        goto fail;
    }
    if (nblocks == 0) {
        fprintf(stderr, "%s: no BEGIN GENERATED block\n", path);
        goto fail;
    }
    fclose(out);
    if (outlen != len || memcmp(result, text, len) != 0) {
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        FILE *f = fopen(tmp, "w");
        if (!f || fwrite(result, 1, outlen, f) != outlen || fclose(f) != 0 || rename(tmp, path) < 0) {
            fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
            free(result);
            free(text);
            return -1;
        }
        printf("%s: rewritten\n", path);
    }
    free(result);
    free(text);
    return 0;
fail:
    fclose(out);
    free(result);
    free(text);
    return -1;
}

int
main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n  rewrites the GENERATED blocks of each FILE "
                "from vmon-metrics.def\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (rewrite(argv[i]) < 0)
            rc = 1;
    return rc;
}
