#include "chk-agent.h"

#include <stdio.h>
#include <string.h>

#include "vmon-filter.h"
#include "vmon-serve.h"
#include "vmon-util.h"

/*
 * A snapshot virtmond should long have replaced: its poll thread is stuck
 * (a libvirtd that stopped answering) even though it last saw libvirt up.
 * Three of its poll intervals, and never less than a minute.
 */
static double
stale_after(const struct vmon_snapshot *snap)
{
    return snap->elapsed * 3 > 60 ? snap->elapsed * 3 : 60;
}

/* Keep the domains an --include/--exclude pair selects (virtmond sent all). */
static int
keep_selected(const struct chk_sample_opts *o, struct vmon_snapshot *snap, char *err,
              size_t errlen)
{
    struct vmon_filter *f = vmon_filter_new();
    size_t kept = 0;

    vmon_error_clear();
    if ((o->include && vmon_filter_add(f, true, o->include) < 0) ||
        (o->exclude && vmon_filter_add(f, false, o->exclude) < 0)) {
        snprintf(err, errlen, "%s", vmon_error_last());
        vmon_filter_free(f);
        return -1;
    }
    for (size_t i = 0; i < snap->ndomains; i++) {
        struct vmon_domain *d = &snap->domains[i];
        if (vmon_filter_match(f, d->name, d->uuid_str))
            snap->domains[kept++] = *d;
        else
            vmon_domain_clear(d);
    }
    snap->ndomains = kept;
    vmon_filter_free(f);
    return 0;
}

int
chk_agent_collect(const struct chk_sample_opts *o, struct chk_sample *s, char *err,
                  size_t errlen)
{
    /* leave -t room to print; the alarm still catches anything slower */
    double timeout = o->budget > 1 ? o->budget - 0.5 : 5;
    struct vmon_snapshot *snap = vmon_serve_fetch(o->agent, o->name, timeout, err, errlen);

    if (!snap)
        return -1;
    s->snap = snap;
    if (o->uri && snap->uri && strcmp(o->uri, snap->uri) != 0) {
        snprintf(err, errlen, "virtmond at %s polls %s, not %s", o->agent, snap->uri, o->uri);
        return -1;
    }
    if (!snap->health.connected) {
        s->libvirt_down = true;
        snprintf(err, errlen, "virtmond at %s cannot reach libvirt at %s: %s", o->agent,
                 snap->uri ? snap->uri : "its URI",
                 snap->health.last_error ? snap->health.last_error : "not connected");
        return -1;
    }
    double age = vmon_now_mono() - snap->taken;
    if (age > stale_after(snap)) {
        snprintf(err, errlen, "virtmond at %s last finished a poll %.0f s ago; its polls are "
                 "stuck (libvirt at %s not answering?)", o->agent, age,
                 snap->uri ? snap->uri : "its URI");
        return -1;
    }
    if (!o->name && (o->include || o->exclude) && keep_selected(o, snap, err, errlen) < 0)
        return -1;
    if (snap->elapsed > 0)
        snprintf(s->rates_from, sizeof(s->rates_from),
                 "virtmond at %s (its last two polls, %.3g s apart; the latest %.1f s ago)",
                 o->agent, snap->elapsed, age);
    else
        snprintf(s->rates_from, sizeof(s->rates_from),
                 "none: virtmond at %s has polled only once so far", o->agent);
    return 0;
}
