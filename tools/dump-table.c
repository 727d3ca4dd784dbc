/* A snapshot for a person at a terminal. */
#include <stdio.h>

#include "dump.h"
#include "vmon-answer.h"

static void
print_value(FILE *out, const struct vmon_metric_desc *desc, const struct vmon_value *v)
{
    if (desc->kind == VMON_KIND_DERIVED)
        fprintf(out, "%.2f", v->d);
    else
        fprintf(out, "%llu", (unsigned long long) v->u);
    fprintf(out, " %s", vmon_unit_name(desc->unit));
    if (vmon_value_has_rate(v))
        fprintf(out, "  (%.6g/s)", v->d);
}

static void
print_values(FILE *out, const char *indent, enum vmon_scope scope, const struct vmon_value *m,
             const struct vmon_window_stat *win)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        if (!vmon_value_has(&m[i]))
            continue;
        fprintf(out, "%s%-24s ", indent, desc[i].key);
        print_value(out, &desc[i], &m[i]);
        if (win && win[i].have)
            fprintf(out, "  [window min %.4g avg %.4g max %.4g]", win[i].min, win[i].avg, win[i].max);
        fputc('\n', out);
    }
}

/* A size in bytes with a binary prefix, "12.3 GiB"; "-" when not known. */
static const char *
human_bytes(const struct vmon_value *v, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double x = (double) v->u;
    size_t u = 0;

    if (!vmon_value_has(v))
        return "-";
    while (x >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        x /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", x, units[u]);
    return buf;
}

static void
print_pools(FILE *out, const struct vmon_snapshot *snap)
{
    if (snap->no_pool_driver) {
        fputs("\nPools:      none (the host has no storage driver)\n", out);
        return;
    }
    fprintf(out, "\n%-20s %-8s %-12s %-9s %11s %11s %11s %6s %7s\n", "POOL", "TYPE", "STATE",
            "AUTOSTART", "CAPACITY", "ALLOCATION", "AVAILABLE", "USED %", "VOLUMES");
    for (size_t i = 0; i < snap->npools; i++) {
        const struct vmon_pool *p = &snap->pools[i];
        char cap[16], alloc[16], avail[16], used[16] = "-", vols[16] = "-";
        if (vmon_value_has(&p->m[VMON_POOL_USED_PERCENT]))
            snprintf(used, sizeof(used), "%.1f", p->m[VMON_POOL_USED_PERCENT].d);
        if (vmon_value_has(&p->m[VMON_POOL_VOLUMES]))
            snprintf(vols, sizeof(vols), "%llu", (unsigned long long) p->m[VMON_POOL_VOLUMES].u);
        fprintf(out, "%-20s %-8s %-12s %-9s %11s %11s %11s %6s %7s%s\n", p->name,
                p->type ? p->type : "?", vmon_pool_state_name(p->state),
                p->autostart ? "yes" : "no",
                human_bytes(&p->m[VMON_POOL_CAPACITY], cap, sizeof(cap)),
                human_bytes(&p->m[VMON_POOL_ALLOCATION], alloc, sizeof(alloc)),
                human_bytes(&p->m[VMON_POOL_AVAILABLE], avail, sizeof(avail)), used, vols,
                p->stale ? "  (stale: its backend did not answer)" : "");
    }
    for (size_t i = 0; i < snap->npools; i++) {
        const struct vmon_pool *p = &snap->pools[i];
        fprintf(out, "\nPool %s %s %s\n", p->name, p->uuid_str, p->path ? p->path : "");
        print_values(out, "  ", VMON_SCOPE_POOL, p->m, NULL);
    }
}

void
dump_table(FILE *out, const struct vmon_snapshot *snap)
{
    const struct vmon_node *node = &snap->node;

    fprintf(out, "Connection: %s (%s)\n", snap->uri ? snap->uri : "(default)",
            snap->health.connected ? "connected" : "NOT connected");
    if (snap->health.last_error)
        fprintf(out, "Error:      %s\n", snap->health.last_error);
    fprintf(out, "Host:       %s, %s %lu, libvirt %lu, %s\n", node->hostname ? node->hostname : "?",
            node->hv_type ? node->hv_type : "?", node->hv_version, node->lib_version,
            node->cpu_model ? node->cpu_model : "?");
    fprintf(out, "Domains:    %u active, %u inactive\n", node->domains_active, node->domains_inactive);
    print_values(out, "  ", VMON_SCOPE_NODE, node->m, NULL);

    fprintf(out, "\n%-24s %-36s %5s %-12s %-14s %5s %12s %8s\n", "NAME", "UUID", "ID", "STATE",
            "REASON", "VCPUS", "MEM KiB", "CPU %");
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        char cpu[16] = "-";
        if (vmon_value_has(&d->m[VMON_DOM_CPU_PERCENT]))
            snprintf(cpu, sizeof(cpu), "%.1f", d->m[VMON_DOM_CPU_PERCENT].d);
        fprintf(out, "%-24s %-36s %5d %-12s %-14s %5llu %12llu %8s\n", d->name, d->uuid_str, d->id,
                vmon_domain_state_name(d->state), vmon_domain_reason_name(d->state, d->reason),
                (unsigned long long) d->m[VMON_DOM_VCPU_CURRENT].u,
                (unsigned long long) d->m[VMON_DOM_MEM_CURRENT].u, cpu);
    }
    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        char groups[64];
        fprintf(out, "\nDomain %s", d->name);
        if (d->partial && d->id >= 0) {
            char why[160];
            fprintf(out, " (partial: no %s, guest %s)",
                    vmon_group_names(d->partial_groups, groups, sizeof(groups)),
                    vmon_answer_describe(d, snap->taken_wall, why, sizeof(why)));
        }
        fputc('\n', out);
        if (d->title)
            fprintf(out, "  title %s\n", d->title);
        if (d->description)
            fprintf(out, "  description %s\n", d->description);
        for (size_t j = 0; j < d->nlabels; j++)
            fprintf(out, "  label %s=%s\n", d->labels[j].name, d->labels[j].value);
        print_values(out, "  ", VMON_SCOPE_DOMAIN, d->m, d->win);
        for (size_t j = 0; j < d->nvcpus; j++) {
            fprintf(out, "  vcpu %u\n", d->vcpus[j].number);
            print_values(out, "    ", VMON_SCOPE_VCPU, d->vcpus[j].m, NULL);
        }
        for (size_t j = 0; j < d->ndisks; j++) {
            fprintf(out, "  disk %s %s\n", d->disks[j].name, d->disks[j].path ? d->disks[j].path : "");
            print_values(out, "    ", VMON_SCOPE_DISK, d->disks[j].m, NULL);
        }
        for (size_t j = 0; j < d->nnics; j++) {
            fprintf(out, "  nic %s %s\n", d->nics[j].name, d->nics[j].mac);
            print_values(out, "    ", VMON_SCOPE_NIC, d->nics[j].m, NULL);
        }
        if (d->fs_error)
            fprintf(out, "  guest file systems: %s\n", d->fs_error);
        for (size_t j = 0; j < d->nfss; j++) {
            const struct vmon_fs *k = &d->fss[j];
            fprintf(out, "  fs %s %s %s\n", k->mountpoint, k->name ? k->name : "-",
                    k->fstype ? k->fstype : "-");
            print_values(out, "    ", VMON_SCOPE_FS, k->m, NULL);
        }
    }
    print_pools(out, snap);
}
