/* The metric table is the contract of every face: keep it consistent. */
#include "tap.h"
#include "vmon-metrics.h"
#include "vmon-rates.h"

/* The ID as the .def writes it: the MIB's object names are made from it. */
DEF_TEST(id_names_as_written)
{
    EXPECT_STR("CPU_TIME", vmon_metric_find(VMON_SCOPE_DOMAIN, "cpu.time")->id_name);
    EXPECT_STR("RD_REQS", vmon_metric_find(VMON_SCOPE_DISK, "rd.reqs")->id_name);
}

DEF_TEST(keys_and_columns_unique_per_scope)
{
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n;
        const struct vmon_metric_desc *d = vmon_metrics(s, &n);
        EXPECT(n > 0);
        for (size_t i = 0; i < n; i++) {
            EXPECT_EQ_U64(i, d[i].id);
            EXPECT_EQ_U64(s, d[i].scope);
            EXPECT(d[i].id_name && *d[i].id_name);
            EXPECT(d[i].key && *d[i].key);
            EXPECT(d[i].description && *d[i].description);
            EXPECT(vmon_metric_find(s, d[i].key) == &d[i]);
            if (d[i].snmp_rate_col)
                EXPECT(d[i].kind == VMON_KIND_COUNTER);
            for (size_t j = 0; j <= i; j++) {
                if (j < i && strcmp(d[i].key, d[j].key) == 0)
                    printf("# duplicate key %s\n", d[i].key), tap_failures++;
                int ci[5] = { d[i].snmp_col, d[i].snmp_rate_col, d[i].snmp_win_col[0],
                              d[i].snmp_win_col[1], d[i].snmp_win_col[2] };
                int cj[5] = { d[j].snmp_col, d[j].snmp_rate_col, d[j].snmp_win_col[0],
                              d[j].snmp_win_col[1], d[j].snmp_win_col[2] };
                for (int a = 0; a < 5; a++)
                    for (int b = 0; b < 5; b++)
                        if (ci[a] && ci[a] == cj[b] && (i != j || a != b))
                            printf("# %s and %s share MIB column %d\n", d[i].key, d[j].key, ci[a]),
                                tap_failures++;
            }
        }
    }
}

/* The semantic columns say something a face can act on, and agree with each other. */
DEF_TEST(semantic_columns_consistent)
{
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n, np = 0;
        const struct vmon_metric_desc *d = vmon_metrics(s, &n);
        enum vmon_scope up = vmon_scope_parent(s);
        const struct vmon_metric_desc *parent = up < VMON_SCOPE__N ? vmon_metrics(up, &np) : NULL;

        for (size_t i = 0; i < n; i++) {
            const struct vmon_metric_desc *m = &d[i];
            bool win = m->snmp_win_col[0] || m->snmp_win_col[1] || m->snmp_win_col[2];
            /* the window columns come as a set, exactly for window metrics */
            EXPECT(win == !!(m->flags & VMON_MF_WINDOW));
            if (win)
                EXPECT(m->snmp_win_col[0] && m->snmp_win_col[1] && m->snmp_win_col[2]);
            if (m->flags & VMON_MF_FROM_RATES)
                EXPECT(m->kind == VMON_KIND_DERIVED);
            /* every domain-side metric comes from one statistics group, the node's from none;
             * but whether the guest answers (vmon-answer.h) is the core's, whatever groups;
             * a storage pool is no domain's, and a guest file system comes from the agent */
            bool answer = s == VMON_SCOPE_DOMAIN &&
                          (m->id == VMON_DOM_ANSWERING || m->id == VMON_DOM_FIGURES_AGE);
            if (s == VMON_SCOPE_NODE || s == VMON_SCOPE_POOL || s == VMON_SCOPE_FS || answer)
                EXPECT_EQ_U64(0, m->group);
            else if (m->group == 0)
                printf("# %s (%s): no statistics group\n", m->key, vmon_scope_name(s)), tap_failures++;
            if (m->total < 0)
                continue;
            /* a total is a metric of the scope above, of the same kind and unit */
            if (!parent || (size_t) m->total >= np) {
                printf("# %s: total %d outside its parent scope\n", m->key, m->total);
                tap_failures++;
                continue;
            }
            const struct vmon_metric_desc *t = &parent[m->total];
            if (t->kind != m->kind || t->unit != m->unit)
                printf("# %s sums into %s of another kind or unit\n", m->key, t->key), tap_failures++;
            EXPECT_EQ_U64(s, vmon_metric_total_of(t));
        }
    }
    /* the lookups the faces use */
    EXPECT_EQ_U64(VMON_SCOPE_DISK,
                  vmon_metric_total_of(vmon_metric_find(VMON_SCOPE_DOMAIN, "disk.rd.bytes")));
    EXPECT_EQ_U64(VMON_SCOPE_NIC,
                  vmon_metric_total_of(vmon_metric_find(VMON_SCOPE_DOMAIN, "net.tx.drop")));
    EXPECT_EQ_U64(VMON_SCOPE__N,
                  vmon_metric_total_of(vmon_metric_find(VMON_SCOPE_DOMAIN, "cpu.time")));
    EXPECT_EQ_U64(VMON_SCOPE_DOMAIN,
                  vmon_metric_total_of(vmon_metric_find(VMON_SCOPE_NODE, "vcpus")));
}

/* Domain totals are the sums the total column names, vCPU delay included. */
DEF_TEST(totals_follow_the_total_column)
{
    struct vmon_domain d = { .id = 1 };

    vmon_value_set(&vmon_domain_get_vcpu(&d, 0)->m[VMON_VCPU_DELAY], 5);
    vmon_value_set(&vmon_domain_get_vcpu(&d, 1)->m[VMON_VCPU_DELAY], 7);
    vmon_value_set(&vmon_domain_get_vcpu(&d, 1)->m[VMON_VCPU_TIME], 100);
    vmon_value_set(&vmon_domain_add_disk(&d, "vda")->m[VMON_DISK_RD_BYTES], 512);
    vmon_value_set(&vmon_domain_add_disk(&d, "vdb")->m[VMON_DISK_RD_BYTES], 1024);
    vmon_value_set(&d.m[VMON_DOM_NET_RX_BYTES], 99);   /* stale: no NIC any more */
    vmon_domain_sum_devices(&d);
    EXPECT(vmon_value_has(&d.m[VMON_DOM_VCPU_DELAY]));
    EXPECT_EQ_U64(12, d.m[VMON_DOM_VCPU_DELAY].u);
    EXPECT_EQ_U64(1536, d.m[VMON_DOM_DISK_RD_BYTES].u);
    EXPECT(!vmon_value_has(&d.m[VMON_DOM_DISK_WR_BYTES]));
    EXPECT(!vmon_value_has(&d.m[VMON_DOM_NET_RX_BYTES]));
    /* vcpu.time has no total: cpu.time is libvirt's own, not a sum */
    EXPECT(!vmon_value_has(&d.m[VMON_DOM_CPU_TIME]));
    vmon_domain_clear(&d);
}

/* Every collectd type the table names exists in collectd's own types.db. */
DEF_TEST(collectd_types_exist)
{
    const char *path = getenv("TYPES_DB") ? getenv("TYPES_DB") : "/usr/share/collectd/types.db";
    FILE *f = fopen(path, "r");
    if (!f) {
        TAP_SKIP("%s not readable (collectd's types.db; set TYPES_DB)", path);
        return;
    }
    static char db[1 << 20];
    size_t len = fread(db, 1, sizeof(db) - 1, f);
    db[len] = '\0';
    fclose(f);
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n;
        const struct vmon_metric_desc *d = vmon_metrics(s, &n);
        for (size_t i = 0; i < n; i++) {
            if (!d[i].cd_type)
                continue;
            char needle[128];
            snprintf(needle, sizeof(needle), "\n%s ", d[i].cd_type);
            const char *line = strstr(db, needle);
            if (!line) {
                snprintf(needle, sizeof(needle), "\n%s\t", d[i].cd_type);
                line = strstr(db, needle);
            }
            if (!line) {
                printf("# %s: collectd type '%s' not in %s\n", d[i].key, d[i].cd_type, path);
                tap_failures++;
                continue;
            }
            /* counters must land in a DERIVE (or COUNTER) data source, levels in GAUGE */
            const char *eol = strchr(line + 1, '\n');
            char row[256];
            snprintf(row, sizeof(row), "%.*s", (int) (eol ? eol - line - 1 : 200), line + 1);
            bool derive = strstr(row, ":DERIVE:") || strstr(row, ":COUNTER:");
            bool gauge = strstr(row, ":GAUGE:") != NULL;
            if (d[i].kind == VMON_KIND_COUNTER ? !derive : !gauge) {
                printf("# %s (%s) uses '%s'\n", d[i].key, vmon_kind_name(d[i].kind), row);
                tap_failures++;
            }
        }
    }
}

int
main(void)
{
    RUN_TEST(keys_and_columns_unique_per_scope);
    RUN_TEST(id_names_as_written);
    RUN_TEST(semantic_columns_consistent);
    RUN_TEST(totals_follow_the_total_column);
    RUN_TEST(collectd_types_exist);
    return TAP_END();
}
