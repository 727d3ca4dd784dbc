/*
 * The metric table (common/vmon-metrics.def) and VIRTMON-MIB must agree:
 * every col/ratecol (and window column) the agent serves exists in the
 * MIB, under the right table, read-only, with the SNMP type the agent
 * sends; every metric-range column in the MIB has a metric behind it; and
 * the MIB's root is the enterprise number in snmp/vmon-oid.h.
 *
 * Reads the MIB with net-snmp's own parser, so it also proves that the
 * tools an NMS team uses (snmpwalk -m +VIRTMON-MIB) can load it.
 * Exit 77 when the IETF base modules are not installed.
 */
#include "vmon-snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-oid.h"

static int checks, failures;

#define CHECK(cond, ...)                                        \
    do {                                                        \
        checks++;                                               \
        if (!(cond)) {                                          \
            failures++;                                         \
            printf("not ok %d - ", checks);                     \
            printf(__VA_ARGS__);                                \
            printf("\n");                                       \
        }                                                       \
    } while (0)

struct scope_check {
    enum vmon_scope scope;
    const char *parent;        /* the MIB node the columns hang off */
    oid base[MAX_OID_LEN];
    size_t base_len;
    unsigned first_metric;     /* MIB children from here on must be metrics */
    size_t metric_ncols;       /* vmon-oid.h's count, which sizes the agent's column lists */
};

static struct tree *
lookup(const oid *name, size_t len)
{
    struct tree *tp = get_tree(name, len, get_tree_head());

    /* get_tree returns the closest ancestor when the node is missing */
    return tp && tp->subid == name[len - 1] ? tp : NULL;
}

static void
check_scope(struct scope_check *s)
{
    unsigned cols[VMON_MAX_COLUMN];     /* every column number there can be */
    size_t n = vmon_snmp_metric_columns(s->scope, cols, VMON_MAX_COLUMN);
    oid name[MAX_OID_LEN];

    memcpy(name, s->base, s->base_len * sizeof(oid));
    CHECK(n > 0, "%s: no metric columns", vmon_scope_name(s->scope));
    CHECK(n == s->metric_ncols, "%s: %zu metric columns, vmon-oid.h counts %zu",
          vmon_scope_name(s->scope), n, s->metric_ncols);
    for (size_t i = 0; i < n; i++) {
        const struct vmon_snmp_colref *ref = vmon_snmp_column(s->scope, cols[i]);
        name[s->base_len] = cols[i];
        struct tree *tp = lookup(name, s->base_len + 1);

        CHECK(tp != NULL, "%s metric '%s': column %u missing from VIRTMON-MIB",
              vmon_scope_name(s->scope), ref->desc->key, cols[i]);
        if (!tp)
            continue;
        CHECK(tp->parent && strcmp(tp->parent->label, s->parent) == 0,
              "%s: column %u is under %s, expected %s", tp->label, cols[i],
              tp->parent ? tp->parent->label : "?", s->parent);
        CHECK(tp->access == MIB_ACCESS_READONLY, "%s: not read-only", tp->label);
        int want = vmon_snmp_column_type(ref) == ASN_COUNTER64 ? TYPE_COUNTER64 : TYPE_GAUGE;
        CHECK(tp->type == want, "%s (metric '%s', column %u): MIB type %d, agent sends %s",
              tp->label, ref->desc->key, cols[i], tp->type,
              want == TYPE_COUNTER64 ? "Counter64" : "Gauge32");
        /* derived percentages travel as hundredths: the MIB must say so */
        if (ref->desc->kind == VMON_KIND_DERIVED && want == TYPE_GAUGE)
            CHECK(tp->hint && strcmp(tp->hint, "d-2") == 0, "%s: DISPLAY-HINT should be d-2",
                  tp->label);
    }

    /* and the other way: nothing in the metric range without a metric
     * (identity columns added later lie above VMON_MAX_COLUMN) */
    struct tree *parent = lookup(s->base, s->base_len);
    CHECK(parent != NULL, "%s missing from VIRTMON-MIB", s->parent);
    for (struct tree *c = parent ? parent->child_list : NULL; c; c = c->next_peer)
        if (c->subid >= s->first_metric && c->subid < VMON_MAX_COLUMN && c->type != TYPE_OTHER)
            CHECK(vmon_snmp_column(s->scope, (unsigned) c->subid) != NULL,
                  "%s (column %lu) has no metric in vmon-metrics.def", c->label,
                  (unsigned long) c->subid);
}

int
main(int argc, char **argv)
{
    static const oid node[] = { VMON_OID_NODE };
    static const oid dom[] = { VMON_OID_DOMAIN_TABLE, 1 };
    static const oid vcpu[] = { VMON_OID_VCPU_TABLE, 1 };
    static const oid disk[] = { VMON_OID_DISK_TABLE, 1 };
    static const oid nic[] = { VMON_OID_NIC_TABLE, 1 };
    static const oid pool[] = { VMON_OID_POOL_TABLE, 1 };
    static const oid fs[] = { VMON_OID_FS_TABLE, 1 };
    static const oid root[] = { VMON_OID_ROOT };
    struct scope_check scopes[] = {
        { VMON_SCOPE_NODE, "virtmonNode", { 0 }, OID_LENGTH(node), VMON_NODE__LAST_IDENTITY + 1,
          VMON_NODE_METRIC_NCOLS },
        { VMON_SCOPE_DOMAIN, "virtmonDomainEntry", { 0 }, OID_LENGTH(dom),
          VMON_DCOL__LAST_IDENTITY + 1, VMON_DOMAIN_METRIC_NCOLS },
        { VMON_SCOPE_VCPU, "virtmonVcpuEntry", { 0 }, OID_LENGTH(vcpu), VMON_VCOL_DOMAIN_NAME + 1,
          VMON_VCPU_METRIC_NCOLS },
        { VMON_SCOPE_DISK, "virtmonDiskEntry", { 0 }, OID_LENGTH(disk), VMON_KCOL__LAST_IDENTITY + 1,
          VMON_DISK_METRIC_NCOLS },
        { VMON_SCOPE_NIC, "virtmonNicEntry", { 0 }, OID_LENGTH(nic), VMON_NCOL__LAST_IDENTITY + 1,
          VMON_NIC_METRIC_NCOLS },
        { VMON_SCOPE_POOL, "virtmonPoolEntry", { 0 }, OID_LENGTH(pool), VMON_PCOL__LAST_IDENTITY + 1,
          VMON_POOL_METRIC_NCOLS },
        { VMON_SCOPE_FS, "virtmonFsEntry", { 0 }, OID_LENGTH(fs), VMON_FCOL__LAST_IDENTITY + 1,
          VMON_FS_METRIC_NCOLS },
    };
    const oid *bases[] = { node, dom, vcpu, disk, nic, pool, fs };

    if (argc != 3) {
        fprintf(stderr, "usage: %s IETF-MIB-DIR VIRTMON-MIB-DIR\n", argv[0]);
        return 99;
    }
    if (!*argv[1]) {
        printf("SKIP: no IETF base MIB modules (Debian: erlang-snmp)\n");
        return 77;
    }
    char dirs[4096];
    snprintf(dirs, sizeof(dirs), "%s:%s", argv[1], argv[2]);
    setenv("MIBS", "", 1);               /* load nothing but what we ask for */
    netsnmp_set_mib_directory(dirs);
    snmp_set_save_descriptions(0);
    init_mib();
    if (!read_module("VIRTMON-MIB")) {
        printf("not ok - net-snmp cannot load VIRTMON-MIB from %s\n", dirs);
        return 1;
    }
    if (vmon_snmp_columns_init() < 0) {
        printf("not ok - the metric table has clashing columns\n");
        return 1;
    }

    struct tree *tp = lookup(root, OID_LENGTH(root));
    CHECK(tp && strcmp(tp->label, "virtmonMIB") == 0,
          "virtmonMIB is not at enterprises.%d (snmp/vmon-oid.h): MIB and header disagree",
          VMON_OID_ENTERPRISE);

    for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        memcpy(scopes[i].base, bases[i], scopes[i].base_len * sizeof(oid));
        check_scope(&scopes[i]);
    }

    printf("1..%d\n", checks);
    printf("# %d checks, %d failed\n", checks, failures);
    shutdown_mib();
    return failures ? 1 : 0;
}
