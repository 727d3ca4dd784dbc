/*
 * Lifecycle, pool and connection events become collectd notifications.  The core
 * queues them on libvirt's event thread; we drain the queue from the read
 * callback, i.e. on collectd's read thread, because notification plugins
 * (notify_email, exec...) must never run inside libvirt's event loop where a
 * slow one would stall keepalives and every other event.
 */
#include "vmon-cd-plugin.h"

#include <stdarg.h>

#include "vmon-answer.h"
#include "vmon-event.h"
#include "vmon-source.h"

_Static_assert(VMON_CD_SEVERITY_FAILURE == NOTIF_FAILURE && VMON_CD_SEVERITY_WARNING == NOTIF_WARNING
               && VMON_CD_SEVERITY_OKAY == NOTIF_OKAY, "severities are collectd's");

/* Notification messages are cut at NOTIF_MAX_MSG_LEN; truncation is fine. */
__attribute__((format(printf, 3, 4))) static void
message(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static void
add_meta(notification_t *n, const char *key, const char *value)
{
    if (plugin_notification_meta_add_string(n, key, value) != 0)
        WARNING("virtmon plugin: could not add \"%s\" to a notification", key);
}

/* What a domain's or a pool's lifecycle notification says of its event */
static void
add_event_meta(notification_t *n, const struct vmon_event *ev, const char *event, const char *detail)
{
    add_meta(n, "name", ev->name);
    add_meta(n, "uuid", ev->uuid_str);
    add_meta(n, "event", event);
    add_meta(n, "detail", detail);
}

/* The domain's title and labels, as its values carry them (vmon-cd-dispatch.c). */
static void
add_domain_meta(notification_t *n, const struct vmon_domain *dom)
{
    if (!dom)
        return;
    if (dom->title)
        add_meta(n, "title", dom->title);
    char key[VMON_CD_LABEL_KEY_MAX];
    for (size_t i = 0; i < dom->nlabels; i++)
        add_meta(n, vmon_cd_label_key(&dom->labels[i], key), dom->labels[i].value);
}

/* dom: the domain in the latest snapshot (its title and labels), or NULL */
static void
notify_lifecycle(const struct vmon_event *ev, const struct vmon_domain *dom,
                 const struct vmon_cd_config *cfg)
{
    notification_t n;
    char host[DATA_MAX_NAME_LEN], inst[DATA_MAX_NAME_LEN], msg[NOTIF_MAX_MSG_LEN];
    const char *event = vmon_lifecycle_name(ev->event);
    const char *detail = vmon_lifecycle_detail_name(ev->event, ev->detail);
    const char *state = vmon_domain_state_name(ev->state);

    vmon_cd_domain_ident(cfg, ev->name, ev->uuid_str, dom, host, sizeof(host), inst, sizeof(inst));
    message(msg, sizeof(msg), "Domain \"%s\" %s (%s), now %s%s%s", ev->name, event, detail, state,
            ev->message[0] ? "; " : "", ev->message);
    notification_init(&n, vmon_cd_lifecycle_severity(ev->event, ev->detail, ev->state), msg, host,
                      cfg->compat ? VMON_CD_PLUGIN_COMPAT : VMON_CD_PLUGIN, inst,
                      "domain_state", event);
    n.time = ev->when > 0 ? TIME_T_TO_CDTIME_T(ev->when) : cdtime();
    add_event_meta(&n, ev, event, detail);
    add_meta(&n, "state", state);
    add_domain_meta(&n, dom);
    plugin_dispatch_notification(&n);
    if (n.meta)
        plugin_notification_meta_free(n.meta);
}

/*
 * A storage pool's lifecycle, under the host with the pool as plugin
 * instance, as its values are (vmon-cd-dispatch.c): a pool going away or
 * stopping takes its guests' disks with it, so that is a WARNING.
 */
static void
notify_pool(const struct vmon_event *ev)
{
    notification_t n;
    char inst[DATA_MAX_NAME_LEN], msg[NOTIF_MAX_MSG_LEN], detail[16];
    const char *event = vmon_pool_event_name(ev->event);
    bool gone = ev->event == VMON_POOL_EVENT_STOPPED || ev->event == VMON_POOL_EVENT_UNDEFINED
                || ev->event == VMON_POOL_EVENT_DELETED;

    vmon_cd_pool_ident(ev->name, inst, sizeof(inst));
    snprintf(detail, sizeof(detail), "%d", ev->detail);
    message(msg, sizeof(msg), "Pool \"%s\" %s", ev->name, event);
    notification_init(&n, gone ? NOTIF_WARNING : NOTIF_OKAY, msg, hostname_g, VMON_CD_PLUGIN, inst,
                      "pool_state", event);
    n.time = ev->when > 0 ? TIME_T_TO_CDTIME_T(ev->when) : cdtime();
    add_event_meta(&n, ev, event, detail);
    plugin_dispatch_notification(&n);
    if (n.meta)
        plugin_notification_meta_free(n.meta);
}

static void
notify_connection(const struct vmon_event *ev)
{
    notification_t n;
    char msg[NOTIF_MAX_MSG_LEN];
    bool lost = ev->type == VMON_EVENT_CONNECTION_LOST;

    if (lost)
        message(msg, sizeof(msg), "Connection to libvirt lost: %s", ev->message);
    else
        message(msg, sizeof(msg), "Connection to libvirt is back%s%s",
                ev->message[0] ? ": " : "", ev->message);
    notification_init(&n, lost ? NOTIF_FAILURE : NOTIF_OKAY, msg, hostname_g, VMON_CD_PLUGIN,
                      "", "connection", "");
    n.time = ev->when > 0 ? TIME_T_TO_CDTIME_T(ev->when) : cdtime();
    plugin_dispatch_notification(&n);
    if (n.meta)
        plugin_notification_meta_free(n.meta);
}

/* balloon.stale of d: 1, 0, or -1 when not judged */
static int
stale_flag(const struct vmon_domain *d)
{
    const struct vmon_value *v = d ? &d->m[VMON_DOM_MEM_STALE] : NULL;
    return v && vmon_value_has(v) ? v->u != 0 : -1;
}

size_t
vmon_cd_notify_stale(const struct vmon_cd_config *cfg, const struct vmon_snapshot *snap,
                     const struct vmon_snapshot *prev)
{
    size_t count = 0;

    for (size_t i = 0; i < snap->ndomains; i++) {
        const struct vmon_domain *d = &snap->domains[i];
        int now = stale_flag(d), before = prev ? stale_flag(vmon_snapshot_find_uuid(prev, d->uuid)) : -1;
        if (now < 0 || now == before || (now == 0 && before < 0))
            continue;
        notification_t n;
        char host[DATA_MAX_NAME_LEN], inst[DATA_MAX_NAME_LEN], msg[NOTIF_MAX_MSG_LEN];
        vmon_cd_domain_ident(cfg, d->name, d->uuid_str, d, host, sizeof(host), inst, sizeof(inst));
        if (now)
            message(msg, sizeof(msg), "Domain \"%s\" memory stats stale: balloon driver missing or "
                    "no stats period", d->name);
        else
            message(msg, sizeof(msg), "Domain \"%s\" memory stats fresh again", d->name);
        notification_init(&n, now ? NOTIF_WARNING : NOTIF_OKAY, msg, host,
                          cfg->compat ? VMON_CD_PLUGIN_COMPAT : VMON_CD_PLUGIN, inst, "gauge",
                          "memory_stats_stale");
        n.time = TIME_T_TO_CDTIME_T(snap->taken_wall);
        add_meta(&n, "name", d->name);
        add_meta(&n, "uuid", d->uuid_str);
        add_domain_meta(&n, d);
        plugin_dispatch_notification(&n);
        if (n.meta)
            plugin_notification_meta_free(n.meta);
        count++;
    }
    return count;
}

/*
 * A guest that stopped answering (no statistics for NotAnsweringAfter), and
 * its return: once each, on the change.  Busy, a moment's contention with
 * another libvirt client, is in gauge-answering only.
 */
static void
notify_answering(const struct vmon_domain *dom, bool hung, time_t now,
                 const struct vmon_cd_config *cfg)
{
    notification_t n;
    char host[DATA_MAX_NAME_LEN], inst[DATA_MAX_NAME_LEN], msg[NOTIF_MAX_MSG_LEN], why[160];

    vmon_cd_domain_ident(cfg, dom->name, dom->uuid_str, dom, host, sizeof(host), inst, sizeof(inst));
    if (hung)
        message(msg, sizeof(msg), "Domain \"%s\" %s", dom->name,
                vmon_answer_describe(dom, now, why, sizeof(why)));
    else
        message(msg, sizeof(msg), "Domain \"%s\" answers again", dom->name);
    notification_init(&n, hung ? NOTIF_FAILURE : NOTIF_OKAY, msg, host,
                      cfg->compat ? VMON_CD_PLUGIN_COMPAT : VMON_CD_PLUGIN, inst, "gauge",
                      "answering");
    n.time = TIME_T_TO_CDTIME_T(now);
    add_meta(&n, "name", dom->name);
    add_meta(&n, "uuid", dom->uuid_str);
    add_meta(&n, "answering", vmon_answering_name(dom->answering));
    add_domain_meta(&n, dom);
    plugin_dispatch_notification(&n);
    if (n.meta)
        plugin_notification_meta_free(n.meta);
}

size_t
vmon_cd_notify_answering(const struct vmon_snapshot *prev, const struct vmon_snapshot *cur,
                         const struct vmon_cd_config *cfg)
{
    size_t count = 0;

    if (!prev || !cur->health.connected)
        return 0;
    for (size_t i = 0; i < cur->ndomains; i++) {
        const struct vmon_domain *dom = &cur->domains[i];
        const struct vmon_domain *was = vmon_snapshot_find_uuid(prev, dom->uuid);
        bool hung = dom->answering == VMON_ANSWER_NOT;
        bool was_hung = was && was->answering == VMON_ANSWER_NOT;
        if (hung != was_hung && (hung || dom->answering == VMON_ANSWERING)) {
            notify_answering(dom, hung, cur->taken_wall, cfg);
            count++;
        }
    }
    return count;
}

size_t
vmon_cd_notify_drain(struct vmon_source *src, const struct vmon_cd_config *cfg)
{
    struct vmon_event ev;
    size_t count = 0;
    struct vmon_snapshot *snap = NULL;

    while (vmon_source_next_event(src, &ev) > 0) {
        switch (ev.type) {
        case VMON_EVENT_LIFECYCLE:
            if (!snap)
                snap = vmon_source_snapshot(src);
            notify_lifecycle(&ev, snap ? vmon_snapshot_find_uuid(snap, ev.uuid) : NULL, cfg);
            break;
        case VMON_EVENT_CONNECTION_LOST:
        case VMON_EVENT_CONNECTION_BACK:
            notify_connection(&ev);
            break;
        case VMON_EVENT_POOL:
            notify_pool(&ev);
            break;
        case VMON_EVENT__N:
            break;
        }
        count++;
    }
    vmon_snapshot_unref(snap);
    return count;
}
