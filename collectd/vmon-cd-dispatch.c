/*
 * From a snapshot to plugin_dispatch_values().  The plan is resolved once,
 * at init, against the metric table and the types.db the daemon loaded, so
 * the read callback only walks arrays: with a thousand domains it runs on
 * collectd's read thread every interval.
 */
#include "vmon-cd-plugin.h"

#include "vmon-util.h"

static void
bad_table_entry(const struct vmon_metric_desc *d, const char *why)
{
    WARNING("virtmon plugin: metric %s \"%s\" (collectd type \"%s\"): %s; it is not reported",
            vmon_scope_name(d->scope), d->key, d->cd_type, why);
}

static const char *
ds_type_name(int t)
{
    switch (t) {
    case DS_TYPE_GAUGE: return "GAUGE";
    case DS_TYPE_DERIVE: return "DERIVE";
    case DS_TYPE_COUNTER: return "COUNTER";
    case DS_TYPE_ABSOLUTE: return "ABSOLUTE";
    default: return "?";
    }
}

/*
 * Check a spec against types.db and the table.  A counter must land in a
 * DERIVE/COUNTER data source and a level in a GAUGE one, or the value
 * written is meaningless; a native spec that breaks this is a table bug and
 * is left out.  The compat list may put a counter in a GAUGE (virt.so's
 * disk_error), because there the identifier is fixed by virt.so.
 */
static int
resolve(struct vmon_cd_series *s, const struct vmon_cd_spec *spec, bool is_compat)
{
    const data_set_t *ds = plugin_get_ds(spec->type);
    size_t want = spec->key[1] ? 2 : 1;

    memset(s, 0, sizeof(*s));
    s->spec = *spec;
    if (!ds) {
        WARNING("virtmon plugin: type \"%s\" is not in the loaded types.db; "
                "its values are not reported", spec->type);
        return -1;
    }
    if (ds->ds_num != want) {
        WARNING("virtmon plugin: type \"%s\" has %zu data sources in types.db, "
                "virtmon has %zu values for it; not reported", spec->type, ds->ds_num, want);
        return -1;
    }
    s->nds = want;
    for (size_t k = 0; k < want; k++) {
        const struct vmon_metric_desc *d = vmon_metric_find(spec->scope, spec->key[k]);

        if (!d) {
            WARNING("virtmon plugin: type \"%s\": the core has no %s metric \"%s\"; "
                    "not reported", spec->type, vmon_scope_name(spec->scope), spec->key[k]);
            return -1;
        }
        bool counter_ds = ds->ds[k].type != DS_TYPE_GAUGE;
        bool counter_metric = d->kind == VMON_KIND_COUNTER;
        if (counter_ds != counter_metric && (counter_ds || !is_compat)) {
            WARNING("virtmon plugin: %s \"%s\" is a %s but types.db makes data source %zu of "
                    "type \"%s\" a %s; not reported", vmon_scope_name(d->scope), d->key,
                    vmon_kind_name(d->kind), k, spec->type, ds_type_name(ds->ds[k].type));
            return -1;
        }
        s->id[k] = d->id;
        s->kind[k] = d->kind;
        s->ds_type[k] = ds->ds[k].type;
        s->groups |= vmon_cd_metric_groups(d);
        vmon_cd_unit_scale(d->unit, spec->type, &s->mul[k], &s->div[k]);
    }
    return 0;
}

static void
plan_add(struct vmon_cd_plan *plan, const struct vmon_cd_spec *spec, bool is_compat)
{
    struct vmon_cd_series s;

    if (resolve(&s, spec, is_compat) < 0)
        return;
    plan->series = vmon_realloc_array(plan->series, plan->nseries + 1, sizeof(*plan->series));
    plan->series[plan->nseries++] = s;
}

int
vmon_cd_plan_build(struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg)
{
    size_t n = vmon_cd_specs_native(NULL, 0, cfg->compat, bad_table_entry);
    struct vmon_cd_spec *native = vmon_alloc((n ? n : 1) * sizeof(*native));

    memset(plan, 0, sizeof(*plan));
    vmon_cd_specs_native(native, n, cfg->compat, NULL);
    for (size_t i = 0; i < n; i++)
        plan_add(plan, &native[i], false);
    free(native);
    if (cfg->compat) {
        const struct vmon_cd_spec *c = vmon_cd_specs_compat(&n);
        for (size_t i = 0; i < n; i++)
            plan_add(plan, &c[i], true);
    }
    return 0;
}

void
vmon_cd_plan_free(struct vmon_cd_plan *plan)
{
    free(plan->series);
    memset(plan, 0, sizeof(*plan));
}

/* Fill one value_t as types.db wants it; false when the core has no value. */
static bool
fill(value_t *out, const struct vmon_cd_series *s, size_t k, const struct vmon_value *v)
{
    double g;

    /* a busy guest's last good value, carried: not a sample of this time
     * (a counter repeated would read as a rate of zero, then a jump) */
    if (!vmon_value_has(v) || (v->have & VMON_HAVE_STALE))
        return false;
    if (s->kind[k] == VMON_KIND_COUNTER) {
        /* Integer arithmetic keeps a scaled counter monotonic. */
        uint64_t u = v->u / s->div[k] * (uint64_t) s->mul[k];
        switch (s->ds_type[k]) {
        case DS_TYPE_DERIVE: out->derive = (derive_t) u; return true;
        case DS_TYPE_COUNTER: out->counter = (counter_t) u; return true;
        case DS_TYPE_ABSOLUTE: out->absolute = (absolute_t) u; return true;
        default: out->gauge = (gauge_t) u; return true;
        }
    }
    g = s->kind[k] == VMON_KIND_DERIVED ? v->d : (double) v->u;
    out->gauge = g * s->mul[k] / (double) s->div[k];
    return true;
}

struct target {
    value_list_t vl;
    size_t dispatched;
};

static void
send_series(struct target *t, const struct vmon_cd_series *s, const struct vmon_value *m,
            const char *device)
{
    value_t values[2];

    for (size_t k = 0; k < s->nds; k++)
        if (!fill(&values[k], s, k, &m[s->id[k]]))
            return;
    t->vl.values = values;
    t->vl.values_len = s->nds;
    sstrncpy(t->vl.plugin, s->spec.plugin, sizeof(t->vl.plugin));
    sstrncpy(t->vl.type, s->spec.type, sizeof(t->vl.type));
    vmon_cd_type_instance(t->vl.type_instance, sizeof(t->vl.type_instance), s->spec.inst, device);
    if (plugin_dispatch_values(&t->vl) == 0)
        t->dispatched++;
    t->vl.values = NULL;
}

static void
send_gauges(struct target *t, const char *plugin, const char *type, const char *inst,
            const gauge_t *g, size_t n)
{
    value_t values[2];

    for (size_t k = 0; k < n && k < 2; k++)
        values[k].gauge = g[k];
    t->vl.values = values;
    t->vl.values_len = n;
    sstrncpy(t->vl.plugin, plugin, sizeof(t->vl.plugin));
    sstrncpy(t->vl.type, type, sizeof(t->vl.type));
    sstrncpy(t->vl.type_instance, inst, sizeof(t->vl.type_instance));
    if (plugin_dispatch_values(&t->vl) == 0)
        t->dispatched++;
    t->vl.values = NULL;
}

static bool
enabled(const struct vmon_cd_series *s, const struct vmon_cd_config *cfg)
{
    return (s->groups & cfg->groups) == s->groups;
}

void
vmon_cd_domain_ident(const struct vmon_cd_config *cfg, const char *name, const char *uuid,
                     const struct vmon_domain *dom, char *host, size_t host_size, char *inst,
                     size_t inst_size)
{
    vmon_cd_format_apply(&cfg->host_format, name, uuid, hostname_g, dom, host, host_size);
    vmon_cd_format_apply(&cfg->instance_format, name, uuid, hostname_g, dom, inst, inst_size);
}

void
vmon_cd_pool_ident(const char *name, char *inst, size_t inst_size)
{
    snprintf(inst, inst_size, "pool-%s", name);
}

/*
 * A domain's title and labels as the meta data of its values ("title",
 * "label:nova.project"), so a writer that keeps meta data (write_http's
 * JSON, the network plugin) can tell series apart by them.  NULL when it
 * has none.
 */
static meta_data_t *
domain_meta(const struct vmon_domain *dom)
{
    if (!dom->title && !dom->nlabels)
        return NULL;
    meta_data_t *meta = meta_data_create();
    if (!meta)
        return NULL;
    if (dom->title)
        meta_data_add_string(meta, "title", dom->title);
    char key[VMON_CD_LABEL_KEY_MAX];
    for (size_t i = 0; i < dom->nlabels; i++)
        meta_data_add_string(meta, vmon_cd_label_key(&dom->labels[i], key), dom->labels[i].value);
    return meta;
}

static void
send_node(struct target *t, const struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg,
          const struct vmon_snapshot *snap)
{
    const struct vmon_node *node = &snap->node;
    char inst[DATA_MAX_NAME_LEN];

    /* The hypervisor's own values live under collectd's host name, beside
     * its cpu and memory plugins. */
    sstrncpy(t->vl.host, hostname_g, sizeof(t->vl.host));
    t->vl.plugin_instance[0] = '\0';
    if (!(cfg->groups & VMON_CD_GROUP_NODE))
        return;
    for (size_t i = 0; i < plan->nseries; i++)
        if (plan->series[i].spec.scope == VMON_SCOPE_NODE && enabled(&plan->series[i], cfg))
            send_series(t, &plan->series[i], node->m, NULL);
    if (!snap->health.connected)
        return;
    gauge_t g = node->domains_active;
    send_gauges(t, VMON_CD_PLUGIN, "count", "domains_active", &g, 1);
    g = node->domains_inactive;
    send_gauges(t, VMON_CD_PLUGIN, "count", "domains_inactive", &g, 1);
    for (int s = 0; s < VMON_STATE__N; s++) {
        snprintf(inst, sizeof(inst), "domains_%s", vmon_domain_state_name(s));
        g = node->domains_by_state[s];
        send_gauges(t, VMON_CD_PLUGIN, "count", inst, &g, 1);
    }
    g = snap->health.last_poll_seconds;
    send_gauges(t, VMON_CD_PLUGIN, "duration", "poll", &g, 1);
}

/*
 * A storage pool's values: under collectd's host name, as the hypervisor's
 * are, with the pool as plugin instance ("pool-default"; the prefix keeps a
 * pool apart from a domain of the same name reported under the same host).
 * A pool whose backend did not answer sends nothing rather than old figures.
 */
static void
send_pool(struct target *t, const struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg,
          const struct vmon_pool *pool)
{
    if (pool->stale)
        return;
    sstrncpy(t->vl.host, hostname_g, sizeof(t->vl.host));
    vmon_cd_pool_ident(pool->name, t->vl.plugin_instance, sizeof(t->vl.plugin_instance));
    for (size_t i = 0; i < plan->nseries; i++)
        if (plan->series[i].spec.scope == VMON_SCOPE_POOL && enabled(&plan->series[i], cfg))
            send_series(t, &plan->series[i], pool->m, NULL);
}

static void
send_domain(struct target *t, const struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg,
            const struct vmon_domain *dom)
{
    char num[16], dev[DATA_MAX_NAME_LEN];

    vmon_cd_domain_ident(cfg, dom->name, dom->uuid_str, dom, t->vl.host, sizeof(t->vl.host),
                         t->vl.plugin_instance, sizeof(t->vl.plugin_instance));
    t->vl.meta = domain_meta(dom);
    gauge_t st[2] = { dom->state, dom->reason };
    send_gauges(t, cfg->compat ? VMON_CD_PLUGIN_COMPAT : VMON_CD_PLUGIN, "domain_state", "", st, 2);

    for (size_t i = 0; i < plan->nseries; i++) {
        const struct vmon_cd_series *s = &plan->series[i];

        if (!enabled(s, cfg))
            continue;
        switch (s->spec.scope) {
        case VMON_SCOPE_DOMAIN:
            send_series(t, s, dom->m, NULL);
            break;
        case VMON_SCOPE_VCPU:
            for (size_t v = 0; v < dom->nvcpus; v++) {
                snprintf(num, sizeof(num), "%u", dom->vcpus[v].number);
                send_series(t, s, dom->vcpus[v].m, num);
            }
            break;
        case VMON_SCOPE_DISK:
            for (size_t d = 0; d < dom->ndisks; d++)
                send_series(t, s, dom->disks[d].m,
                            vmon_cd_disk_name(cfg->disk_format, cfg->disk_basename, &dom->disks[d],
                                              dev, sizeof(dev)));
            break;
        case VMON_SCOPE_NIC:
            for (size_t d = 0; d < dom->nnics; d++)
                if (vmon_cd_nic_name(cfg->nic_format, &dom->nics[d], dev, sizeof(dev)))
                    send_series(t, s, dom->nics[d].m, dev);
            break;
        case VMON_SCOPE_FS:
            for (size_t f = 0; f < dom->nfss; f++)
                send_series(t, s, dom->fss[f].m,
                            vmon_cd_fs_name(dom->fss[f].mountpoint, dev, sizeof(dev)));
            break;
        case VMON_SCOPE_NODE:
        case VMON_SCOPE_POOL:
        case VMON_SCOPE__N:
            break;
        }
    }
    meta_data_destroy(t->vl.meta);   /* plugin_dispatch_values() kept copies */
    t->vl.meta = NULL;
}

size_t
vmon_cd_dispatch_snapshot(const struct vmon_cd_plan *plan, const struct vmon_cd_config *cfg,
                          const struct vmon_snapshot *snap, cdtime_t interval)
{
    struct target t = { .vl = VALUE_LIST_INIT };
    double age = vmon_now_mono() - snap->taken;

    /* Stamp values with when the poller collected them, not when collectd
     * read the snapshot: rates then divide by the real collection spacing. */
    t.vl.time = cdtime();
    if (age > 0 && DOUBLE_TO_CDTIME_T(age) < t.vl.time)
        t.vl.time -= DOUBLE_TO_CDTIME_T(age);
    t.vl.interval = interval;

    send_node(&t, plan, cfg, snap);
    /* when the data was collected, sent whether or not libvirt answers now:
     * it stops advancing while libvirt is out of reach (nothing to send
     * before any poll collected, or with virtmond itself out of reach) */
    if (snap->health.last_poll_time > 0 && !snap->health.collector_lost) {
        gauge_t last = (gauge_t) snap->health.last_poll_time;
        sstrncpy(t.vl.host, hostname_g, sizeof(t.vl.host));
        t.vl.plugin_instance[0] = '\0';
        send_gauges(&t, VMON_CD_PLUGIN, "timestamp", "last_poll", &last, 1);
    }
    for (size_t i = 0; i < snap->ndomains; i++)
        send_domain(&t, plan, cfg, &snap->domains[i]);
    for (size_t i = 0; i < snap->npools; i++)
        send_pool(&t, plan, cfg, &snap->pools[i]);
    return t.dispatched;
}
