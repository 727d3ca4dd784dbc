/*
 * virtmon-direct.so: one-shot polls through the core's poller, for the
 * checks (see chk-direct.h).  Errors go back in err, not through
 * vmon_error_last(): the module has its own copy of the core's error slot.
 */
#include "chk-direct.h"

#include <stdio.h>
#include <string.h>

#include "vmon-poller.h"
#include "vmon-util.h"

/* A UUID as libvirt prints it (36 hex digits and dashes); a glob-free pattern either way. */
static bool
uuid_shaped(const char *s)
{
    return strlen(s) == 36 && strspn(s, "0123456789abcdefABCDEF-") == 36;
}

/*
 * The core's settings for a one-shot run: no event loop, callbacks or
 * keepalive (nothing would ever read them), never a password prompt (Nagios
 * has no terminal; a hand-run check would sit at it until -t), and a slice
 * deadline well inside -t, so a guest frozen in its monitor comes back as
 * "partial" with whatever libvirt did answer instead of as a bare timeout.
 */
static int
core_options(const struct chk_sample_opts *o, struct vmon_options *opts)
{
    char timeout[32];

    opts->readwrite = false;
    if (vmon_options_set(opts, "events", "no") < 0 ||
        vmon_options_set(opts, "interactive-auth", "no") < 0)
        return -1;
    if (o->budget > 0) {
        /* the core may wait twice (a stuck slice is retried once with NOWAIT) */
        double t = o->budget / 3;
        snprintf(timeout, sizeof(timeout), "%.3f", t < 0.5 ? 0.5 : t > 5 ? 5 : t);
        if (vmon_options_set(opts, "timeout", timeout) < 0)
            return -1;
    }
    if (o->uri && vmon_options_set(opts, "uri", o->uri) < 0)
        return -1;
    if (o->name) {
        /* Exactly this name (commas, globs, blanks and all), or this UUID:
         * the core then collects this one domain only. */
        opts->filter = vmon_filter_new();
        if (vmon_filter_add_literal(opts->filter, true, o->name) < 0)
            return -1;
        if (uuid_shaped(o->name) && vmon_filter_add(opts->filter, true, o->name) < 0)
            return -1;
    }
    if ((o->include && vmon_options_set(opts, "include", o->include) < 0) ||
        (o->exclude && vmon_options_set(opts, "exclude", o->exclude) < 0))
        return -1;
    return 0;
}

static void *
direct_open(const struct chk_sample_opts *o, char *err, size_t errlen)
{
    struct vmon_options opts;
    struct vmon_poller *p = NULL;

    vmon_error_clear();
    vmon_options_init(&opts);
    if (core_options(o, &opts) == 0)
        p = vmon_poller_new(&opts);
    if (!p)
        snprintf(err, errlen, "%s", vmon_error_last());
    vmon_options_clear(&opts);
    return p;
}

static struct vmon_snapshot *
direct_poll(void *poller, char *err, size_t errlen)
{
    struct vmon_snapshot *snap;

    vmon_error_clear();
    if (vmon_poller_poll(poller) < 0) {
        snprintf(err, errlen, "%s", vmon_error_last());
        return NULL;
    }
    snap = vmon_poller_snapshot(poller);
    if (!snap)
        snprintf(err, errlen, "the core published no snapshot");
    return snap;
}

static void
direct_close(void *poller)
{
    vmon_poller_free(poller);
}

const struct chk_direct_ops chk_direct_ops = {
    .abi = CHK_DIRECT_ABI,
    .open = direct_open,
    .poll = direct_poll,
    .close = direct_close,
};
