/*
 * The collectd face's naming, without a daemon: HostnameFormat parsing and
 * joining, type_instance building, the series built from the metric table,
 * the compat list, and both checked against collectd's types.db.
 */
#include <stdlib.h>

#include <libvirt/libvirt.h>

#include "tap.h"
#include "vmon-cd.h"

static const char *types_db_path(void)
{
    const char *p = getenv("VMON_TYPES_DB");
    return p ? p : "/usr/share/collectd/types.db";
}

/* ---- a small types.db reader: "name ds:TYPE:min:max, ds:TYPE:min:max" ---- */

struct tdb_type {
    char name[64];
    int nds;
    char ds_type[2][16];
};
static struct tdb_type tdb[1024];
static int ntdb;

static int
tdb_load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f) && ntdb < (int) (sizeof(tdb) / sizeof(tdb[0]))) {
        struct tdb_type t = { .nds = 0 };
        char *save = NULL, *tok;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        tok = strtok_r(line, " \t\n", &save);
        if (!tok)
            continue;
        snprintf(t.name, sizeof(t.name), "%s", tok);
        while ((tok = strtok_r(NULL, " \t\n,", &save)) != NULL) {
            char *c1 = strchr(tok, ':');
            if (!c1)
                continue;
            char *c2 = strchr(c1 + 1, ':');
            if (c2)
                *c2 = '\0';
            if (t.nds < 2)
                snprintf(t.ds_type[t.nds], sizeof(t.ds_type[0]), "%s", c1 + 1);
            t.nds++;
        }
        tdb[ntdb++] = t;
    }
    fclose(f);
    return ntdb > 0 ? 0 : -1;
}

static const struct tdb_type *
tdb_find(const char *name)
{
    for (int i = 0; i < ntdb; i++)
        if (strcmp(tdb[i].name, name) == 0)
            return &tdb[i];
    return NULL;
}

/* ---- formats ------------------------------------------------------------ */

static void
test_formats(void)
{
    struct vmon_cd_format f;
    char err[160], buf[128];
    const char *name_uuid[] = { "name", "UUID" };
    const char *none[] = { "none" };
    const char *none_name[] = { "none", "name" };
    const char *meta[] = { "metadata" };
    const char *five[] = { "name", "name", "name", "name", "name" };
    const char *host[] = { "hostname", "name" };

    EXPECT_EQ_INT(0, vmon_cd_format_parse(&f, name_uuid, 2, 4, false, err, sizeof(err)));
    EXPECT_EQ_INT(2, f.n);
    vmon_cd_format_apply(&f, "web1", "6695eb01-f6a4-8304-79aa-97f2502e193f", "hv", NULL, buf, sizeof(buf));
    EXPECT_STR("web1:6695eb01-f6a4-8304-79aa-97f2502e193f", buf);
    EXPECT(vmon_cd_format_identifies(&f));

    EXPECT_EQ_INT(0, vmon_cd_format_parse(&f, host, 2, 4, false, err, sizeof(err)));
    vmon_cd_format_apply(&f, "web1", "u", "hv.example", NULL, buf, sizeof(buf));
    EXPECT_STR("hv.example:web1", buf);
    vmon_cd_format_apply(&f, "web1", "u", "hv.example", NULL, buf, 6);
    EXPECT_STR("hv.ex", buf);

    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, none, 1, 3, false, err, sizeof(err)));
    EXPECT(strstr(err, "'none'") != NULL);
    EXPECT_EQ_INT(0, vmon_cd_format_parse(&f, none, 1, 3, true, err, sizeof(err)));
    EXPECT_EQ_INT(0, f.n);
    vmon_cd_format_apply(&f, "web1", "u", "hv", NULL, buf, sizeof(buf));
    EXPECT_STR("", buf);
    EXPECT(!vmon_cd_format_identifies(&f));
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, none_name, 2, 3, true, err, sizeof(err)));
    EXPECT(strstr(err, "combined") != NULL);
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, meta, 1, 4, false, err, sizeof(err)));
    EXPECT(strstr(err, "'metadata'") != NULL);
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, five, 5, 4, false, err, sizeof(err)));
    EXPECT(strstr(err, "at most 4") != NULL);
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, five, 4, 3, false, err, sizeof(err)));
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, five, 0, 3, false, err, sizeof(err)));

    /* title and metadata:LABEL, from the domain; empty when it has none */
    struct vmon_domain dom = { .title = "Web frontend" };
    vmon_domain_add_label(&dom, "nova.project", "webshop");
    const char *labelled[] = { "metadata:nova.project", "title", "name" };
    const char *bad_label[] = { "metadata:" };
    const char *bad_label2[] = { "metadata:a/b" };
    EXPECT_EQ_INT(0, vmon_cd_format_parse(&f, labelled, 3, 3, false, err, sizeof(err)));
    vmon_cd_format_apply(&f, "web1", "u", "hv", &dom, buf, sizeof(buf));
    EXPECT_STR("webshop:Web frontend:web1", buf);
    vmon_cd_format_apply(&f, "web1", "u", "hv", NULL, buf, sizeof(buf));
    EXPECT_STR("::web1", buf);
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, bad_label, 1, 3, false, err, sizeof(err)));
    EXPECT(strstr(err, "needs a label name") != NULL);
    EXPECT_EQ_INT(-1, vmon_cd_format_parse(&f, bad_label2, 1, 3, false, err, sizeof(err)));
    dom.title = NULL;
    vmon_domain_clear(&dom);

    vmon_cd_type_instance(buf, sizeof(buf), "flush", "vda");
    EXPECT_STR("flush-vda", buf);
    vmon_cd_type_instance(buf, sizeof(buf), "", "vnet0");
    EXPECT_STR("vnet0", buf);
    vmon_cd_type_instance(buf, sizeof(buf), "total", NULL);
    EXPECT_STR("total", buf);
}

/* ---- series from the table ---------------------------------------------- */

static int bad_entries;
static void
count_bad(const struct vmon_metric_desc *d, const char *why)
{
    printf("# table entry %s %s: %s\n", vmon_scope_name(d->scope), d->key, why);
    bad_entries++;
}

static bool
same_ident(const struct vmon_cd_spec *a, const struct vmon_cd_spec *b)
{
    return a->scope == b->scope && strcmp(a->plugin, b->plugin) == 0
           && strcmp(a->type, b->type) == 0 && strcmp(a->inst, b->inst) == 0;
}

static const struct vmon_cd_spec *
find_spec(const struct vmon_cd_spec *s, size_t n, enum vmon_scope scope, const char *type,
          const char *inst)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].scope == scope && strcmp(s[i].type, type) == 0 && strcmp(s[i].inst, inst) == 0)
            return &s[i];
    return NULL;
}

static void
test_native(void)
{
    struct vmon_cd_spec specs[512];
    size_t n = vmon_cd_specs_native(specs, 512, false, count_bad);

    EXPECT(n > 0 && n < 512);
    EXPECT_EQ_INT(0, bad_entries);
    /* Every table entry with a collectd type is in exactly one series. */
    for (int scope = 0; scope < VMON_SCOPE__N; scope++) {
        size_t nt;
        const struct vmon_metric_desc *t = vmon_metrics((enum vmon_scope) scope, &nt);
        for (size_t i = 0; i < nt; i++) {
            int uses = 0;
            if (!t[i].cd_type)
                continue;
            for (size_t k = 0; k < n; k++)
                for (int j = 0; j < 2; j++)
                    uses += (int) specs[k].scope == scope && specs[k].key[j]
                            && strcmp(specs[k].key[j], t[i].key) == 0;
            EXPECT_MSG(uses == 1, "%s %s is in %d series", vmon_scope_name(t[i].scope), t[i].key, uses);
        }
    }
    size_t dup = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (same_ident(&specs[i], &specs[j])) {
                printf("# duplicate identifier %s/%s-%s\n", vmon_scope_name(specs[i].scope),
                       specs[i].type, specs[i].inst);
                dup++;
            }
    EXPECT_EQ_INT(0, dup);

    const struct vmon_cd_spec *s = find_spec(specs, n, VMON_SCOPE_DISK, "disk_ops", "");
    EXPECT(s && strcmp(s->key[0], "rd.reqs") == 0 && s->key[1] && strcmp(s->key[1], "wr.reqs") == 0);
    s = find_spec(specs, n, VMON_SCOPE_NIC, "if_octets", "");
    EXPECT(s && strcmp(s->key[0], "rx.bytes") == 0 && s->key[1] && strcmp(s->key[1], "tx.bytes") == 0);
    s = find_spec(specs, n, VMON_SCOPE_DOMAIN, "vmpage_faults", "");
    EXPECT(s && strcmp(s->key[0], "balloon.minor_fault") == 0);

    /* With compat on, nothing virt.so reports is reported twice. */
    size_t m = vmon_cd_specs_native(specs, 512, true, NULL);
    size_t covered = 0;
    for (size_t i = 0; i < m; i++)
        for (int j = 0; j < 2; j++)
            covered += specs[i].key[j] && vmon_cd_compat_covers(specs[i].scope, specs[i].key[j]);
    EXPECT_EQ_INT(0, covered);
    EXPECT(m < n);
}

static void
test_compat(void)
{
    size_t n;
    const struct vmon_cd_spec *c = vmon_cd_specs_compat(&n);

    EXPECT(n >= 20);
    for (size_t i = 0; i < n; i++) {
        EXPECT_STR("virt", c[i].plugin);
        for (int j = 0; j < 2; j++)
            if (c[i].key[j])
                EXPECT_MSG(vmon_metric_find(c[i].scope, c[i].key[j]) != NULL,
                    "compat %s-%s uses %s \"%s\", which the table has", c[i].type, c[i].inst,
                    vmon_scope_name(c[i].scope), c[i].key[j]);
        for (size_t k = i + 1; k < n; k++)
            EXPECT_MSG(!same_ident(&c[i], &c[k]), "compat %s-%s is unique", c[i].type, c[i].inst);
    }
    EXPECT(vmon_cd_compat_covers(VMON_SCOPE_DOMAIN, "cpu.time"));
    EXPECT(!vmon_cd_compat_covers(VMON_SCOPE_DOMAIN, "cpu.percent"));
}

/*
 * Against types.db: the type exists, has as many data sources as the series
 * has values, and a counter lands in DERIVE/COUNTER, a level in GAUGE (the
 * compat list may put a counter in a GAUGE where virt.so's identifier
 * demands it).  The plugin leaves a series that breaks this out at run time
 * with a warning; here it fails the build's tests.
 */
static void
check_against_types_db(const struct vmon_cd_spec *s, size_t n, bool is_compat)
{
    for (size_t i = 0; i < n; i++) {
        const struct tdb_type *t = tdb_find(s[i].type);
        int want = s[i].key[1] ? 2 : 1;

        EXPECT_MSG(t != NULL, "type %s is in types.db", s[i].type);
        if (!t)
            continue;
        EXPECT_MSG(t->nds == want, "type %s has %d data sources, virtmon sends %d", s[i].type, t->nds, want);
        for (int k = 0; k < want && k < t->nds; k++) {
            const struct vmon_metric_desc *d = vmon_metric_find(s[i].scope, s[i].key[k]);
            if (!d)
                continue;
            bool counter_ds = strcmp(t->ds_type[k], "GAUGE") != 0;
            bool counter = d->kind == VMON_KIND_COUNTER;
            bool ok = counter_ds == counter || (is_compat && !counter_ds);
            EXPECT_MSG(ok, "%s %s (%s) in %s data source %d of %s", vmon_scope_name(d->scope), d->key,
                vmon_kind_name(d->kind), t->ds_type[k], k, s[i].type);
        }
    }
}

static void
test_types_db(void)
{
    struct vmon_cd_spec specs[512];
    size_t n = vmon_cd_specs_native(specs, 512, false, NULL), nc;
    const struct vmon_cd_spec *c = vmon_cd_specs_compat(&nc);

    if (tdb_load(types_db_path()) < 0) {
        /* No types.db means no collectd: the plugin is not built either. */
        EXPECT_MSG(0, "could not read %s (set VMON_TYPES_DB)", types_db_path());
        return;
    }
    check_against_types_db(specs, n, false);
    check_against_types_db(c, nc, true);
}

static void
test_units(void)
{
    double mul;
    unsigned long long div;

    vmon_cd_unit_scale(VMON_UNIT_KIB, "memory", &mul, &div);
    EXPECT(mul == 1024 && div == 1);
    vmon_cd_unit_scale(VMON_UNIT_NS, "total_time_in_ms", &mul, &div);
    EXPECT(mul == 1 && div == 1000000);
    vmon_cd_unit_scale(VMON_UNIT_NS, "virt_cpu_total", &mul, &div);
    EXPECT(mul == 1 && div == 1);

    const struct vmon_metric_desc *d = vmon_metric_find(VMON_SCOPE_DOMAIN, "balloon.rss");
    EXPECT(d && (vmon_cd_metric_groups(d) & VMON_CD_GROUP_MEMORY));
    d = vmon_metric_find(VMON_SCOPE_DOMAIN, "cpu.percent");
    EXPECT(d && vmon_cd_metric_groups(d) == VMON_CD_GROUP_PERCENT);
    d = vmon_metric_find(VMON_SCOPE_DISK, "rd.reqs");
    EXPECT(d && vmon_cd_metric_groups(d) == VMON_CD_GROUP_DISK);
    d = vmon_metric_find(VMON_SCOPE_DOMAIN, "cpu.time");
    EXPECT(d && vmon_cd_metric_groups(d) == 0);
}

static void
test_severity(void)
{
    static const struct {
        int event, detail, state;
        enum vmon_cd_severity want;
    } cases[] = {
        { VMON_LIFECYCLE_CRASHED, 0, VMON_STATE_CRASHED, VMON_CD_SEVERITY_FAILURE },
        { VMON_LIFECYCLE_CRASHED, 0, VMON_STATE_SHUTOFF, VMON_CD_SEVERITY_FAILURE },
        { VMON_LIFECYCLE_SUSPENDED, 0, VMON_STATE_PAUSED, VMON_CD_SEVERITY_WARNING },
        { VMON_LIFECYCLE_PMSUSPENDED, 0, VMON_STATE_PMSUSPENDED, VMON_CD_SEVERITY_WARNING },
        { VMON_LIFECYCLE_RESUMED, 0, VMON_STATE_BLOCKED, VMON_CD_SEVERITY_WARNING },
        { VMON_LIFECYCLE_RESUMED, 0, VMON_STATE_RUNNING, VMON_CD_SEVERITY_OKAY },
        { VMON_LIFECYCLE_STARTED, 0, VMON_STATE_RUNNING, VMON_CD_SEVERITY_OKAY },
        { VMON_LIFECYCLE_SHUTDOWN, 0, VMON_STATE_SHUTDOWN, VMON_CD_SEVERITY_OKAY },
        { VMON_LIFECYCLE_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, VMON_STATE_SHUTOFF,
          VMON_CD_SEVERITY_OKAY },
        { VMON_LIFECYCLE_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED, VMON_STATE_SHUTOFF,
          VMON_CD_SEVERITY_OKAY },
        { VMON_LIFECYCLE_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED, VMON_STATE_SHUTOFF,
          VMON_CD_SEVERITY_OKAY },
        /* A QEMU killed under libvirt: STOPPED/FAILED, shut off (crashed). */
        { VMON_LIFECYCLE_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED, VMON_STATE_SHUTOFF,
          VMON_CD_SEVERITY_FAILURE },
        /* on_crash destroy */
        { VMON_LIFECYCLE_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED, VMON_STATE_SHUTOFF,
          VMON_CD_SEVERITY_FAILURE },
        { VMON_LIFECYCLE_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_IOERROR, VMON_STATE_PAUSED,
          VMON_CD_SEVERITY_WARNING },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        EXPECT_EQ_INT(cases[i].want,
                  vmon_cd_lifecycle_severity(cases[i].event, cases[i].detail, cases[i].state));
}

/* InterfaceFormat and BlockDeviceFormat, and what each falls back to */
static void
test_device_names(void)
{
    char buf[128];
    struct vmon_nic nic = { .name = "vnet3", .mac = "52:54:00:12:34:56", .number = 2,
                            .alias = "ua-web" };
    struct vmon_nic bare = { .name = "vnet4" };
    struct vmon_disk disk = { .name = "vda", .path = "/var/lib/libvirt/images/web.qcow2" };
    struct vmon_disk nosource = { .name = "hdc" };

    EXPECT_EQ_INT(VMON_CD_NIC_ADDRESS, vmon_cd_nic_format_parse("Address"));
    EXPECT_EQ_INT(-1, vmon_cd_nic_format_parse("mac"));
    EXPECT_EQ_INT(VMON_CD_DISK_SOURCE, vmon_cd_disk_format_parse("source"));
    EXPECT_EQ_INT(-1, vmon_cd_disk_format_parse("path"));
    EXPECT_STR("vnet3", vmon_cd_nic_name(VMON_CD_NIC_NAME, &nic, buf, sizeof(buf)));
    EXPECT_STR("52:54:00:12:34:56", vmon_cd_nic_name(VMON_CD_NIC_ADDRESS, &nic, buf, sizeof(buf)));
    EXPECT_STR("interface-2", vmon_cd_nic_name(VMON_CD_NIC_NUMBER, &nic, buf, sizeof(buf)));
    EXPECT_STR("ua-web", vmon_cd_nic_name(VMON_CD_NIC_ALIAS, &nic, buf, sizeof(buf)));
    EXPECT(vmon_cd_nic_name(VMON_CD_NIC_ALIAS, &bare, buf, sizeof(buf)) == NULL);
    EXPECT(vmon_cd_nic_name(VMON_CD_NIC_ADDRESS, &bare, buf, sizeof(buf)) == NULL);
    EXPECT(vmon_cd_nic_name(VMON_CD_NIC_NUMBER, &bare, buf, sizeof(buf)) == NULL);
    EXPECT_STR("vnet4", vmon_cd_nic_name(VMON_CD_NIC_NAME, &bare, buf, sizeof(buf)));
    EXPECT_STR("vda", vmon_cd_disk_name(VMON_CD_DISK_TARGET, false, &disk, buf, sizeof(buf)));
    EXPECT_STR("_var_lib_libvirt_images_web.qcow2",
                 vmon_cd_disk_name(VMON_CD_DISK_SOURCE, false, &disk, buf, sizeof(buf)));
    EXPECT_STR("web.qcow2", vmon_cd_disk_name(VMON_CD_DISK_SOURCE, true, &disk, buf, sizeof(buf)));
    EXPECT_STR("hdc", vmon_cd_disk_name(VMON_CD_DISK_SOURCE, true, &nosource, buf, sizeof(buf)));
}

int
main(void)
{
    test_device_names();
    test_severity();
    test_formats();
    test_native();
    test_compat();
    test_units();
    test_types_db();
    return TAP_END();
}
