/*
 * Busy or hung, over polls (vmon-answer.h): a domain's answering state,
 * and its last good figures carried while it gives none.
 */
#include "vmon-answer.h"

#include <stdio.h>
#include <string.h>

#include "vmon-metrics.h"

/* Each value of the scope that cur lacks and prev has, flagged as carried. */
static void
carry_values(enum vmon_scope scope, unsigned groups, struct vmon_value *cur,
             const struct vmon_value *prev)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);

    for (size_t i = 0; i < n; i++) {
        if (scope == VMON_SCOPE_DOMAIN && !(desc[i].group & groups))
            continue;
        if (vmon_value_has(&cur[i]) || !vmon_value_has(&prev[i]))
            continue;
        cur[i] = prev[i];
        cur[i].have |= VMON_HAVE_STALE;
    }
}

/* prev's figures for the groups dom lacks: the domain's own, and its devices'. */
static void
carry(struct vmon_domain *dom, const struct vmon_domain *prev, unsigned groups)
{
    carry_values(VMON_SCOPE_DOMAIN, groups, dom->m, prev->m);
    for (size_t i = 0; (groups & VMON_GROUP_VCPU) && i < prev->nvcpus; i++)
        carry_values(VMON_SCOPE_VCPU, 0, vmon_domain_get_vcpu(dom, prev->vcpus[i].number)->m,
                     prev->vcpus[i].m);
    for (size_t i = 0; (groups & VMON_GROUP_BLOCK) && i < prev->ndisks; i++) {
        struct vmon_disk *disk = vmon_domain_add_disk(dom, prev->disks[i].name);
        carry_values(VMON_SCOPE_DISK, 0, disk->m, prev->disks[i].m);
    }
    for (size_t i = 0; (groups & VMON_GROUP_NET) && i < prev->nnics; i++) {
        struct vmon_nic *nic = vmon_domain_add_nic(dom, prev->nics[i].name);
        if (!nic->mac[0])
            memcpy(nic->mac, prev->nics[i].mac, sizeof(nic->mac));
        carry_values(VMON_SCOPE_NIC, 0, nic->m, prev->nics[i].m);
    }
}

/* The state as metrics too, so every face that walks the table shows it. */
static void
set_metrics(struct vmon_domain *dom, time_t now)
{
    if (dom->id < 0)
        return;     /* a shut-off domain gives no figures to be late with */
    vmon_value_set(&dom->m[VMON_DOM_ANSWERING], (uint64_t) dom->answering);
    if (dom->figures_time && now >= dom->figures_time)
        vmon_value_set(&dom->m[VMON_DOM_FIGURES_AGE], (uint64_t) (now - dom->figures_time));
}

void
vmon_answer_domain(struct vmon_domain *dom, const struct vmon_domain *prev, time_t now,
                   time_t counting_from, double limit)
{
    if (dom->id < 0 || !dom->partial_groups) {
        dom->answering = VMON_ANSWERING;
        dom->figures_time = now;
        dom->unanswered_since = 0;
        set_metrics(dom, now);
        return;
    }
    /* another run of the guest (restarted in between): its figures are not this one's */
    if (prev && prev->id != dom->id)
        prev = NULL;
    /*
     * Without figures since the last poll that had them; a guest first seen
     * without any, since now.  Never before the connection answered: an
     * outage of libvirt is not the guest's.
     */
    time_t since = now;
    if (prev && prev->unanswered_since)
        since = prev->unanswered_since;
    else if (prev && prev->figures_time)
        since = prev->figures_time;
    if (since < counting_from)
        since = counting_from;
    if (since > now)
        since = now;
    dom->unanswered_since = since;
    dom->figures_time = prev ? prev->figures_time : 0;
    if (prev && prev->figures_time)
        carry(dom, prev, dom->partial_groups);
    dom->answering = difftime(now, since) >= limit ? VMON_ANSWER_NOT : VMON_ANSWER_BUSY;
    set_metrics(dom, now);
}

void
vmon_answer_snapshot(struct vmon_snapshot *cur, const struct vmon_snapshot *prev,
                     time_t counting_from, double limit)
{
    for (size_t i = 0; i < cur->ndomains; i++) {
        struct vmon_domain *dom = &cur->domains[i];
        vmon_answer_domain(dom, prev ? vmon_snapshot_find_uuid(prev, dom->uuid) : NULL,
                           cur->taken_wall, counting_from, limit);
    }
}

const char *
vmon_answer_describe(const struct vmon_domain *dom, time_t now, char *buf, size_t size)
{
    char when[64];
    struct tm tm;

    switch (dom->answering) {
    case VMON_ANSWER_BUSY:
        if (dom->figures_time)
            snprintf(buf, size, "busy, figures %.0f s old", difftime(now, dom->figures_time));
        else
            snprintf(buf, size, "busy, no figures yet");
        break;
    case VMON_ANSWER_NOT:
        if (gmtime_r(&dom->unanswered_since, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
        else
            snprintf(when, sizeof(when), "%lld", (long long) dom->unanswered_since);
        snprintf(buf, size, "not answering since %s (%.0f s)", when,
                 difftime(now, dom->unanswered_since));
        break;
    default:
        snprintf(buf, size, "%s", vmon_answering_name(dom->answering));
    }
    return buf;
}
