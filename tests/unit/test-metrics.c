/* The metric table is the contract of every face: keep it consistent. */
#include "tap.h"
#include "vmon-metrics.h"

DEF_TEST(keys_and_columns_unique_per_scope)
{
    for (int s = 0; s < VMON_SCOPE__N; s++) {
        size_t n;
        const struct vmon_metric_desc *d = vmon_metrics(s, &n);
        EXPECT(n > 0);
        for (size_t i = 0; i < n; i++) {
            EXPECT_EQ_U64(i, d[i].id);
            EXPECT(d[i].key && *d[i].key);
            EXPECT(d[i].description && *d[i].description);
            EXPECT(vmon_metric_find(s, d[i].key) == &d[i]);
            if (d[i].snmp_rate_col)
                EXPECT(d[i].kind == VMON_KIND_COUNTER);
            for (size_t j = 0; j < i; j++) {
                if (strcmp(d[i].key, d[j].key) == 0)
                    printf("# duplicate key %s\n", d[i].key), tap_failures++;
                int ci[2] = { d[i].snmp_col, d[i].snmp_rate_col };
                int cj[2] = { d[j].snmp_col, d[j].snmp_rate_col };
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        if (ci[a] && ci[a] == cj[b])
                            printf("# %s and %s share MIB column %d\n", d[i].key, d[j].key, ci[a]),
                                tap_failures++;
            }
        }
    }
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
    RUN_TEST(collectd_types_exist);
    return TAP_END();
}
