/*
 * collectd read plugin over virtmon's core.
 *
 * The core's source polls libvirt (or reads virtmond's polls) on a thread
 * of its own at our interval; the read callback only takes the latest
 * snapshot and the queued events, so a hung guest or a dead libvirtd can
 * never make collectd's read overrun its interval (collectd's virt.so calls
 * libvirt from the read callback and stalls with it).
 */
#include "vmon-cd-plugin.h"

#include <string.h>
#include <time.h>

#include "vmon-complain.h"
#include "vmon-source.h"
#include "vmon-util.h"

static struct vmon_cd_config cfg;
static struct vmon_cd_plan plan;
static struct vmon_source *source;
static uint64_t last_seq;
static struct vmon_snapshot *last_snap;   /* the one dispatched last, for transitions */
static struct vmon_snapshot *last_answered;   /* the last snapshot libvirt answered */
static cdtime_t read_interval;
static struct vmon_complaint conn_complaint = VMON_COMPLAINT_INIT;
static struct vmon_complaint stale_complaint = VMON_COMPLAINT_INIT;
static struct vmon_complaint reach_complaint = VMON_COMPLAINT_INIT;

/* collectd's log as a vmon_log_fn (vmon-complain.h) */
static void
cd_log(int priority, const char *line)
{
    plugin_log(priority, "%s", line);
}

static int
vmon_cd_config_cb(oconfig_item_t *ci)
{
    if (!cfg.seen && !cfg.failed)
        vmon_cd_config_init(&cfg);
    return vmon_cd_config_read(&cfg, ci) < 0 ? -1 : 0;
}

/*
 * What the read callback says about where its data comes from: each trouble
 * logged once until it ends (reminded with a count at most every minute),
 * and its end logged once (vmon-complain.h).  Reading virtmond adds a trouble of its own,
 * virtmond out of reach, besides virtmond's libvirt connection.
 */
static char via[1200];          /* "" or " through virtmond at PATH" */
static char who[1200];          /* "" or "virtmond at PATH is " */

/* the feed's reason for a lost virtmond starts so; the log line says it once */
#define UNREACHABLE_PREFIX "virtmond: "

static void
report_health(const struct vmon_snapshot *snap)
{
    const char *why = snap->health.last_error ? snap->health.last_error : "unknown error";
    const char *uri = snap->uri ? snap->uri : (cfg.opts.uri ? cfg.opts.uri : "default URI");

    if (cfg.opts.source == VMON_SOURCE_VIRTMOND) {
        if (snap->health.collector_lost) {
            /* nothing is known of libvirt meanwhile: its complaint stays as it was */
            if (strncmp(why, UNREACHABLE_PREFIX, strlen(UNREACHABLE_PREFIX)) == 0)
                why += strlen(UNREACHABLE_PREFIX);
            vmon_complain(&reach_complaint, cd_log, LOG_ERR,
                          "virtmon plugin: not connected to virtmond: %s", why);
            return;
        }
        vmon_complain_release(&reach_complaint, cd_log, LOG_NOTICE,
                              "virtmon plugin: connected to %s", vmon_source_describe(source));
    }
    /* Logged once until it recovers; returning an error would only make
     * collectd back off and report later once libvirt is back. */
    if (!snap->health.connected)
        vmon_complain(&conn_complaint, cd_log, LOG_ERR,
                      "virtmon plugin: %snot connected to libvirt (%s): %s", who, uri, why);
    else
        vmon_complain_release(&conn_complaint, cd_log, LOG_NOTICE,
                              "virtmon plugin: %sconnected to libvirt (%s)", who, uri);
}

static int
vmon_cd_read(user_data_t *ud)
{
    (void) ud;
    vmon_cd_notify_drain(source, &cfg);

    /* ends kept back while a trouble came and went */
    vmon_complaint_tick(&reach_complaint, cd_log, LOG_NOTICE);
    vmon_complaint_tick(&conn_complaint, cd_log, LOG_NOTICE);
    vmon_complaint_tick(&stale_complaint, cd_log, LOG_NOTICE);
    struct vmon_snapshot *snap = vmon_source_snapshot(source);
    if (!snap)
        return 0;            /* the first poll has not finished yet */
    report_health(snap);
    /* A poll stuck in libvirt (a hung guest monitor, a frozen libvirtd)
     * leaves the last snapshot in place; say so once, dispatch nothing. */
    double age = vmon_now_mono() - snap->taken;
    double limit = 3 * CDTIME_T_TO_DOUBLE(read_interval) + 5;
    if (age > limit)
        vmon_complain(&stale_complaint, cd_log, LOG_WARNING,
                      "virtmon plugin: no new data from libvirt%s for %.0f s; "
                      "values resume when its poll returns", via, age);
    else if (snap->seq != last_seq)
        vmon_complain_release(&stale_complaint, cd_log, LOG_NOTICE,
                              "virtmon plugin: libvirt answers again%s", via);
    /* The same snapshot twice would repeat values at a later time stamp and
     * turn every counter's rate into zero-then-double. */
    if (snap->seq != last_seq) {
        last_seq = snap->seq;
        vmon_cd_dispatch_snapshot(&plan, &cfg, snap, read_interval);
        if (snap->health.connected) {
            vmon_cd_notify_answering(last_answered, snap, &cfg);
            vmon_snapshot_unref(last_answered);
            last_answered = vmon_snapshot_ref(snap);
        }
        vmon_cd_notify_stale(&cfg, snap, last_snap);
        if (last_snap)
            vmon_snapshot_unref(last_snap);
        last_snap = snap;
        return 0;
    }
    vmon_snapshot_unref(snap);
    return 0;
}

static int
vmon_cd_shutdown(void)
{
    vmon_complaint_flush(&reach_complaint, cd_log, LOG_NOTICE);
    vmon_complaint_flush(&conn_complaint, cd_log, LOG_NOTICE);
    vmon_complaint_flush(&stale_complaint, cd_log, LOG_NOTICE);
    if (last_snap)
        vmon_snapshot_unref(last_snap);
    last_snap = NULL;
    vmon_source_close(source);
    source = NULL;
    vmon_snapshot_unref(last_answered);
    last_answered = NULL;
    vmon_cd_plan_free(&plan);
    vmon_cd_config_clear(&cfg);
    return 0;
}

/*
 * Give the first poll a moment so the first read (and `collectd -T`) has
 * values.  Bounded, and it waits on our own poll thread, never on libvirt
 * from collectd's side: a hung libvirtd costs startup at most this.
 */
static void
wait_first_snapshot(cdtime_t interval)
{
    double wait = CDTIME_T_TO_DOUBLE(interval) < 5 ? CDTIME_T_TO_DOUBLE(interval) : 5;
    double deadline = vmon_now_mono() + wait;

    while (vmon_now_mono() < deadline) {
        struct vmon_snapshot *snap = vmon_source_snapshot(source);
        if (snap) {
            vmon_snapshot_unref(snap);
            return;
        }
        nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
}

static int
vmon_cd_init(void)
{
    if (cfg.failed) {
        ERROR("virtmon plugin: not starting: the <Plugin virtmon> block has errors (see above)");
        return -1;
    }
    if (!cfg.seen) {
        vmon_cd_config_init(&cfg);
        if (vmon_cd_config_finish(&cfg) < 0)
            return -1;
    }
    if (source)
        return 0;            /* collectd may call init again after a reload */

    read_interval = cfg.interval ? cfg.interval : plugin_get_interval();
    cfg.opts.interval = CDTIME_T_TO_DOUBLE(read_interval);
    vmon_cd_plan_build(&plan, &cfg);

    /* libvirt (or virtmond) being down is not an error here: the source
     * keeps retrying and the read callback says so once. */
    source = vmon_source_open(&cfg.opts, 0);
    if (!source) {
        ERROR("virtmon plugin: %s", vmon_error_last());
        return -1;
    }
    if (cfg.opts.source == VMON_SOURCE_VIRTMOND) {
        snprintf(via, sizeof(via), " through %s", vmon_source_describe(source));
        snprintf(who, sizeof(who), "%s is ", vmon_source_describe(source));
    }
    wait_first_snapshot(read_interval);
    if (cfg.opts.source == VMON_SOURCE_VIRTMOND)
        INFO("virtmon plugin %s: reading %s every %.3g s, %zu series%s", VMON_CD_VERSION,
             vmon_source_describe(source), CDTIME_T_TO_DOUBLE(read_interval), plan.nseries,
             cfg.compat ? ", virt plugin compatible names" : "");
    else
        INFO("virtmon plugin %s: polling %s every %.3g s, %zu series%s", VMON_CD_VERSION,
             cfg.opts.uri ? cfg.opts.uri : "libvirt's default URI",
             CDTIME_T_TO_DOUBLE(read_interval), plan.nseries,
             cfg.compat ? ", virt plugin compatible names" : "");
    return plugin_register_complex_read(NULL, VMON_CD_PLUGIN, vmon_cd_read, cfg.interval, NULL);
}

void module_register(void);

void
module_register(void)
{
    plugin_register_complex_config(VMON_CD_PLUGIN, vmon_cd_config_cb);
    plugin_register_init(VMON_CD_PLUGIN, vmon_cd_init);
    plugin_register_shutdown(VMON_CD_PLUGIN, vmon_cd_shutdown);
}
