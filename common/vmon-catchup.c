#include "vmon-catchup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmon-util.h"
#include "vmon-uuid.h"

/*
 * The event detail a state's reason implies, by libvirt's numbering
 * (virDomainRunningReason -> VIR_DOMAIN_EVENT_STARTED_*, and so on).
 * Reasons without a matching detail get the first, most common one.
 */
static int
started_detail(int running_reason)
{
    switch (running_reason) {
    case 2: return 1;   /* migrated */
    case 3: return 2;   /* restored */
    case 4: return 3;   /* from snapshot */
    case 8: return 4;   /* wakeup */
    default: return 0;  /* booted */
    }
}

static int
suspended_detail(int paused_reason)
{
    switch (paused_reason) {
    case 2: return 1;   /* migration */
    case 5: return 2;   /* I/O error */
    case 6: return 3;   /* watchdog */
    case 7: return 5;   /* from snapshot */
    case 12: return 7;  /* post-copy */
    case 13: return 8;  /* post-copy failed */
    default: return 0;  /* paused */
    }
}

static int
stopped_detail(int shutoff_reason)
{
    /* shutdown, destroyed, crashed, migrated, saved, failed, from snapshot
     * are reasons 1..7 and details 0..6; "unknown" and "daemon" (libvirtd
     * found the emulator gone when it came back) are failures */
    return shutoff_reason >= 1 && shutoff_reason <= 7 ? shutoff_reason - 1 : 5;
}

static int
no_detail(int reason)
{
    (void) reason;
    return 0;
}

/* The event that brings a domain into each state, and its detail. */
static const struct {
    int event;
    int (*detail)(int reason);
} arrival[VMON_STATE__N] = {
    [VMON_STATE_NOSTATE] = { -1, no_detail },
    [VMON_STATE_RUNNING] = { VMON_LIFECYCLE_STARTED, started_detail },
    [VMON_STATE_BLOCKED] = { VMON_LIFECYCLE_STARTED, started_detail },
    [VMON_STATE_PAUSED] = { VMON_LIFECYCLE_SUSPENDED, suspended_detail },
    [VMON_STATE_SHUTDOWN] = { VMON_LIFECYCLE_SHUTDOWN, no_detail },
    [VMON_STATE_SHUTOFF] = { VMON_LIFECYCLE_STOPPED, stopped_detail },
    [VMON_STATE_CRASHED] = { VMON_LIFECYCLE_CRASHED, no_detail },
    [VMON_STATE_PMSUSPENDED] = { VMON_LIFECYCLE_PMSUSPENDED, no_detail },
};

static bool
is_active(int state)
{
    return state != VMON_STATE_SHUTOFF && state != VMON_STATE_NOSTATE;
}

static bool
is_running(int state)
{
    return state == VMON_STATE_RUNNING || state == VMON_STATE_BLOCKED;
}

/* Paused on the way up or down (libvirt's "starting up", "shutting down"):
 * a look that lands there has seen no event yet, libvirt sends none for it. */
static bool
in_passing(int state, int reason)
{
    return state == VMON_STATE_PAUSED && (reason == 11 || reason == 8);
}

struct emitter {
    vmon_catchup_emit_fn emit;
    void *opaque;
    const char *context;
    unsigned count;
};

static void
emit(struct emitter *e, const struct vmon_domain *d, int event, int detail, const char *why)
{
    struct vmon_event ev = { .type = VMON_EVENT_LIFECYCLE, .when = time(NULL),
                             .event = event, .detail = detail };

    snprintf(ev.name, sizeof(ev.name), "%s", d->name ? d->name : "");
    memcpy(ev.uuid, d->uuid, 16);
    memcpy(ev.uuid_str, d->uuid_str, sizeof(ev.uuid_str));
    ev.state = vmon_lifecycle_state(event, detail);
    snprintf(ev.message, sizeof(ev.message), "%s: %s", e->context, why);
    e->emit(e->opaque, &ev);
    e->count++;
}

/* The event that moves a domain from old_state to its state in now. */
static void
state_changed(struct emitter *e, int old_state, int old_reason, const struct vmon_domain *now)
{
    const char *why = "the state changed between two polls";

    if (in_passing(now->state, now->reason))
        return;
    if (in_passing(old_state, old_reason))
        old_state = old_reason == 11 ? VMON_STATE_SHUTOFF : VMON_STATE_RUNNING;
    if (old_state == now->state)
        return;
    if (now->state < 0 || now->state >= VMON_STATE__N || arrival[now->state].event < 0)
        return;
    if (is_running(now->state) && old_state == VMON_STATE_PAUSED)
        emit(e, now, VMON_LIFECYCLE_RESUMED, 0, why);
    else if (!is_running(now->state) || !is_running(old_state))
        emit(e, now, arrival[now->state].event, arrival[now->state].detail(now->reason), why);
}

void
vmon_told_add_at(struct vmon_told *t, const unsigned char uuid[16], time_t when)
{
    if (t->n >= VMON_TOLD_MAX) {
        t->overflow = true;
        if (when > t->overflow_when)
            t->overflow_when = when;
        return;
    }
    t->uuid = vmon_realloc_array(t->uuid, t->n + 1, sizeof(*t->uuid));
    t->when = vmon_realloc_array(t->when, t->n + 1, sizeof(*t->when));
    memcpy(t->uuid[t->n], uuid, 16);
    t->when[t->n++] = when;
}

void
vmon_told_add(struct vmon_told *t, const unsigned char uuid[16])
{
    vmon_told_add_at(t, uuid, 0);
}

void
vmon_told_clear(struct vmon_told *t)
{
    t->n = 0;
    t->overflow = false;
    t->overflow_when = 0;
}

void
vmon_told_forget_before(struct vmon_told *t, time_t since)
{
    size_t kept = 0;

    for (size_t i = 0; i < t->n; i++) {
        if (t->when[i] < since)
            continue;
        memmove(t->uuid[kept], t->uuid[i], 16);
        t->when[kept++] = t->when[i];
    }
    t->n = kept;
    if (t->overflow && t->overflow_when < since) {
        t->overflow = false;
        t->overflow_when = 0;
    }
}

void
vmon_told_free(struct vmon_told *t)
{
    free(t->uuid);
    free(t->when);
    memset(t, 0, sizeof(*t));
}

static bool
was_told(const struct vmon_told *t, const unsigned char uuid[16])
{
    return t && vmon_uuid_find(t->uuid, t->n, sizeof(*t->uuid), 0, uuid);
}

unsigned
vmon_catchup_events(const struct vmon_snapshot *before, const struct vmon_snapshot *after,
                    const char *context, const struct vmon_told *told, vmon_catchup_emit_fn emit_fn,
                    void *opaque)
{
    struct emitter e = { emit_fn, opaque, context, 0 };

    if (!before || !after || (told && told->overflow))
        return 0;
    for (size_t i = 0; i < after->ndomains; i++) {
        const struct vmon_domain *now = &after->domains[i];
        if (was_told(told, now->uuid))
            continue;
        const struct vmon_domain *old = vmon_snapshot_find_uuid(before, now->uuid);
        if (!old) {
            if (now->persistent)
                emit(&e, now, VMON_LIFECYCLE_DEFINED, 0, "defined between two polls");
            if (is_active(now->state))
                state_changed(&e, VMON_STATE_SHUTOFF, 0, now);
        } else if (old->state != now->state) {
            state_changed(&e, old->state, old->reason, now);
        } else if (is_active(now->state) && old->id != now->id) {
            /* down and up again between two looks: say it started */
            emit(&e, now, VMON_LIFECYCLE_STARTED, started_detail(now->reason),
                 "started again (new id) between two polls");
        }
    }
    for (size_t i = 0; i < before->ndomains; i++) {
        const struct vmon_domain *old = &before->domains[i];
        if (vmon_snapshot_find_uuid(after, old->uuid) || was_told(told, old->uuid))
            continue;
        /* a transient domain vanishes when it stops; a persistent one was undefined */
        if (old->persistent)
            emit(&e, old, VMON_LIFECYCLE_UNDEFINED, 0, "undefined between two polls");
        else if (is_active(old->state))
            emit(&e, old, VMON_LIFECYCLE_STOPPED, 5, "gone between two polls");
    }
    return e.count;
}
