/* A snapshot as JSON: metric keys are the metric table's, so tests and
 * scripts see exactly the names the faces are built from. */
#include <math.h>
#include <stdio.h>

#include "dump.h"

static void
json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void
json_double(FILE *out, double d)
{
    if (isfinite(d))
        fprintf(out, "%.6g", d);
    else
        fputs("null", out);
}

/* "metrics", "rates" and (domain scope) "window" objects of one value array. */
/* SEP{"KEY":"VALUE",... for n key/value pairs, each followed by a comma */
static void
json_fields(FILE *out, const char *sep, const char *const *kv, size_t n)
{
    fprintf(out, "%s{", sep);
    for (size_t i = 0; i < n; i++) {
        json_string(out, kv[2 * i]);
        fputc(':', out);
        json_string(out, kv[2 * i + 1]);
        fputc(',', out);
    }
}

static void
json_values(FILE *out, enum vmon_scope scope, const struct vmon_value *m,
            const struct vmon_window_stat *win)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);
    bool first = true;

    fputs("\"metrics\":{", out);
    for (size_t i = 0; i < n; i++) {
        if (!vmon_value_has(&m[i]))
            continue;
        fprintf(out, "%s\"%s\":", first ? "" : ",", desc[i].key);
        if (desc[i].kind == VMON_KIND_DERIVED)
            json_double(out, m[i].d);
        else
            fprintf(out, "%llu", (unsigned long long) m[i].u);
        first = false;
    }
    fputs("},\"rates\":{", out);
    first = true;
    for (size_t i = 0; i < n; i++) {
        if (!vmon_value_has_rate(&m[i]))
            continue;
        fprintf(out, "%s\"%s\":", first ? "" : ",", desc[i].key);
        json_double(out, m[i].d);
        first = false;
    }
    fputc('}', out);
    if (!win)
        return;
    fputs(",\"window\":{", out);
    first = true;
    for (size_t i = 0; i < n; i++) {
        if (!win[i].have)
            continue;
        fprintf(out, "%s\"%s\":{\"min\":", first ? "" : ",", desc[i].key);
        json_double(out, win[i].min);
        fputs(",\"avg\":", out);
        json_double(out, win[i].avg);
        fputs(",\"max\":", out);
        json_double(out, win[i].max);
        fputc('}', out);
        first = false;
    }
    fputc('}', out);
}

static void
json_domain(FILE *out, const struct vmon_domain *d)
{
    fputs("{\"name\":", out);
    json_string(out, d->name);
    fprintf(out, ",\"uuid\":\"%s\",\"id\":%d,\"state\":\"%s\",\"state_code\":%d,"
            "\"reason\":", d->uuid_str, d->id, vmon_domain_state_name(d->state), d->state);
    json_string(out, vmon_domain_reason_name(d->state, d->reason));
    fprintf(out, ",\"reason_code\":%d,\"persistent\":%s,\"autostart\":%s,\"partial\":%s,"
            "\"os_type\":", d->reason, d->persistent ? "true" : "false",
            d->autostart ? "true" : "false", d->partial ? "true" : "false");
    json_string(out, d->os_type);
    fputs(",\"title\":", out);
    json_string(out, d->title);
    fputs(",\"description\":", out);
    json_string(out, d->description);
    fputs(",\"labels\":{", out);
    for (size_t i = 0; i < d->nlabels; i++) {
        if (i)
            fputc(',', out);
        json_string(out, d->labels[i].name);
        fputc(':', out);
        json_string(out, d->labels[i].value);
    }
    fputc('}', out);
    char groups[64];
    fputs(",\"partial_groups\":", out);
    json_string(out, vmon_group_names(d->partial_groups, groups, sizeof(groups)));
    /* busy vs not answering (vmon-answer.h); times in seconds since the epoch, 0 for none */
    fprintf(out, ",\"answering\":\"%s\",\"figures_time\":%lld,\"unanswered_since\":%lld,",
            vmon_answering_name(d->answering), (long long) d->figures_time,
            (long long) d->unanswered_since);
    json_values(out, VMON_SCOPE_DOMAIN, d->m, d->win);
    fputs(",\"vcpus\":[", out);
    for (size_t i = 0; i < d->nvcpus; i++) {
        fprintf(out, "%s{\"number\":%u,", i ? "," : "", d->vcpus[i].number);
        json_values(out, VMON_SCOPE_VCPU, d->vcpus[i].m, NULL);
        fputc('}', out);
    }
    fputs("],\"disks\":[", out);
    for (size_t i = 0; i < d->ndisks; i++) {
        const struct vmon_disk *k = &d->disks[i];
        json_fields(out, i ? "," : "", (const char *const[]) { "name", k->name, "path", k->path,
                    "bus", k->bus, "serial", k->serial }, 4);
        json_values(out, VMON_SCOPE_DISK, k->m, NULL);
        fputc('}', out);
    }
    fputs("],\"nics\":[", out);
    for (size_t i = 0; i < d->nnics; i++) {
        const struct vmon_nic *k = &d->nics[i];
        json_fields(out, i ? "," : "", (const char *const[]) { "name", k->name, "mac", k->mac,
                    "alias", k->alias, "source", k->source, "model", k->model }, 5);
        fprintf(out, "\"number\":%u,", k->number);
        json_values(out, VMON_SCOPE_NIC, k->m, NULL);
        fputc('}', out);
    }
    /* guest-fs: the agent's answer of guest_fs_time (0: none), or guest_fs_error */
    fprintf(out, "],\"guest_fs_time\":%lld,\"guest_fs_error\":", (long long) d->fs_time);
    json_string(out, d->fs_error);
    fputs(",\"filesystems\":[", out);
    for (size_t i = 0; i < d->nfss; i++) {
        const struct vmon_fs *k = &d->fss[i];
        json_fields(out, i ? "," : "", (const char *const[]) { "mountpoint", k->mountpoint,
                    "name", k->name, "fstype", k->fstype, "disks", k->disks }, 4);
        json_values(out, VMON_SCOPE_FS, k->m, NULL);
        fputc('}', out);
    }
    fputs("]}", out);
}

static void
json_pool(FILE *out, const struct vmon_pool *p)
{
    fputs("{\"name\":", out);
    json_string(out, p->name);
    fprintf(out, ",\"uuid\":\"%s\",\"type\":", p->uuid_str);
    json_string(out, p->type);
    fputs(",\"path\":", out);
    json_string(out, p->path);
    /* stale: its backend did not answer in time, the figures are figures_time's */
    fprintf(out, ",\"state\":\"%s\",\"state_code\":%d,\"autostart\":%s,\"persistent\":%s,"
            "\"stale\":%s,\"figures_time\":%lld,", vmon_pool_state_name(p->state), p->state,
            p->autostart ? "true" : "false", p->persistent ? "true" : "false",
            p->stale ? "true" : "false", (long long) p->figures_time);
    json_values(out, VMON_SCOPE_POOL, p->m, NULL);
    fputc('}', out);
}

void
dump_json(FILE *out, const struct vmon_snapshot *snap)
{
    const struct vmon_node *node = &snap->node;

    fputs("{\"uri\":", out);
    json_string(out, snap->uri);
    fprintf(out, ",\"seq\":%llu,\"taken_wall\":%lld,\"elapsed\":",
            (unsigned long long) snap->seq, (long long) snap->taken_wall);
    json_double(out, snap->elapsed);
    fprintf(out, ",\"health\":{\"connected\":%s,\"polls\":%llu,\"poll_errors\":%llu,"
            "\"reconnects\":%llu,\"last_poll_seconds\":",
            snap->health.connected ? "true" : "false", (unsigned long long) snap->health.polls,
            (unsigned long long) snap->health.poll_errors,
            (unsigned long long) snap->health.reconnects);
    json_double(out, snap->health.last_poll_seconds);
    /* the last poll that collected (the data's age), and the last try */
    fprintf(out, ",\"last_poll_time\":%lld,\"last_attempt_time\":%lld,\"xml_fetches\":%llu",
            (long long) snap->health.last_poll_time, (long long) snap->health.last_attempt_time,
            (unsigned long long) snap->health.xml_fetches);
    fputs(",\"last_error\":", out);
    json_string(out, snap->health.last_error);
    fputs("},\"node\":{\"hostname\":", out);
    json_string(out, node->hostname);
    fputs(",\"hv_type\":", out);
    json_string(out, node->hv_type);
    fprintf(out, ",\"hv_version\":%lu,\"lib_version\":%lu,\"cpu_model\":",
            node->hv_version, node->lib_version);
    json_string(out, node->cpu_model);
    fprintf(out, ",\"domains_active\":%u,\"domains_inactive\":%u,\"domains_by_state\":{",
            node->domains_active, node->domains_inactive);
    for (int s = 0; s < VMON_STATE__N; s++)
        fprintf(out, "%s\"%s\":%u", s ? "," : "", vmon_domain_state_name(s),
                node->domains_by_state[s]);
    fputs("},", out);
    json_values(out, VMON_SCOPE_NODE, node->m, NULL);
    fputs("},\"domains\":[", out);
    for (size_t i = 0; i < snap->ndomains; i++) {
        if (i)
            fputc(',', out);
        fputc('\n', out);
        json_domain(out, &snap->domains[i]);
    }
    /* pool_driver false: the host has no storage driver, hence no pools */
    fprintf(out, "\n],\"pool_driver\":%s,\"pools\":[", snap->no_pool_driver ? "false" : "true");
    for (size_t i = 0; i < snap->npools; i++) {
        if (i)
            fputc(',', out);
        fputc('\n', out);
        json_pool(out, &snap->pools[i]);
    }
    fputs("\n]}\n", out);
}
