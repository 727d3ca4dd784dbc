#include "config.h"

#include "chk-args.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chk-output.h"
#include "chk-timeout.h"
#include "vmon-cnum.h"
#include "vmon-options.h"
#include "vmon-serve.h"
#include "vmon-util.h"

static const struct option common_options[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "verbose", no_argument, NULL, 'v' },
    { "timeout", required_argument, NULL, 't' },
    { "warning", required_argument, NULL, 'w' },
    { "critical", required_argument, NULL, 'c' },
    { "uri", required_argument, NULL, CHK_OPT_URI },
    { "timeout-state", required_argument, NULL, CHK_OPT_TIMEOUT_STATE },
    { "interval", required_argument, NULL, CHK_OPT_INTERVAL },
    { "state-dir", required_argument, NULL, CHK_OPT_STATE_DIR },
    { "no-state-file", no_argument, NULL, CHK_OPT_NO_STATE },
    { "state-max-age", required_argument, NULL, CHK_OPT_STATE_MAX_AGE },
    { "perfdata", required_argument, NULL, CHK_OPT_PERFDATA },
    { "source", required_argument, NULL, CHK_OPT_SOURCE },
};

void
chk_args_init(struct chk_args *a, const char *progname, const char *primary)
{
    memset(a, 0, sizeof(*a));
    a->progname = progname;
    a->timeout = 10;              /* the plugins' customary default */
    a->timeout_state = CHK_UNKNOWN;
    a->interval = 1;
    a->use_state = true;
    a->state_max_age = 1800;
    a->perf = CHK_PERF_AUTO;
    a->primary = primary;
}

void
chk_args_free(struct chk_args *a)
{
    chk_metrics_free(&a->metrics);
    free(a->optnames);
    a->optnames = NULL;
}

struct option *
chk_args_options(struct chk_args *a, const struct option *own)
{
    size_t nown = 0, ncommon = VMON_ARRAY_SIZE(common_options), k = 0;

    while (own && own[nown].name)
        nown++;
    struct option *opts = vmon_alloc((nown + ncommon + 2 * a->metrics.n + 1) * sizeof(*opts));
    for (size_t i = 0; i < nown; i++)
        opts[k++] = own[i];
    for (size_t i = 0; i < ncommon; i++)
        opts[k++] = common_options[i];
    free(a->optnames);
    char (*names)[80] = a->optnames = vmon_alloc(2 * a->metrics.n * sizeof(*names) + 1);
    for (size_t i = 0; i < a->metrics.n; i++) {
        const struct chk_metric *cm = &a->metrics.m[i];
        if (!chk_metric_has_options(cm))
            continue;
        for (int crit = 0; crit < 2; crit++) {
            snprintf(names[2 * i + crit], sizeof(names[0]), "%s-%s", cm->option,
                     crit ? "critical" : "warning");
            opts[k++] = (struct option) { names[2 * i + crit], required_argument, NULL,
                                          CHK_OPT_METRIC + 2 * (int) i + crit };
        }
    }
    opts[k] = (struct option) { 0 };
    return opts;
}

static int
set_threshold(struct chk_metric *cm, bool crit, const char *arg, const char *optname,
              char *err, size_t errlen)
{
    char why[400];

    if (vmon_thresholds_set(&cm->th, crit ? NULL : arg, crit ? arg : NULL, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", optname, why);
        return -1;
    }
    return 1;
}

static int
parse_seconds(const char *arg, const char *opt, double min, double *out, char *err, size_t errlen)
{
    double v;

    if (vmon_cnum_parse(arg, strlen(arg), &v) < 0 || v < min || v > 86400) {
        char lo[32];
        vmon_cnum_format(lo, sizeof(lo), min);
        snprintf(err, errlen, "%s '%s': expected seconds from %s to 86400", opt, arg, lo);
        return -1;
    }
    *out = v;
    return 1;
}

int
chk_args_common(struct chk_args *a, int opt, const char *arg, char *err, size_t errlen)
{
    if (opt >= CHK_OPT_METRIC && (size_t) (opt - CHK_OPT_METRIC) < 2 * a->metrics.n) {
        struct chk_metric *cm = &a->metrics.m[(opt - CHK_OPT_METRIC) / 2];
        bool crit = (opt - CHK_OPT_METRIC) % 2;
        char optname[96];
        snprintf(optname, sizeof(optname), "--%s-%s", cm->option, crit ? "critical" : "warning");
        return set_threshold(cm, crit, arg, optname, err, errlen);
    }
    switch (opt) {
    case 'v':
        a->verbose++;
        return 1;
    case 't': {
        /* -t SECONDS[:STATE], the form newer Monitoring Plugins accept */
        char *copy = strdup(arg), *colon = copy ? strchr(copy, ':') : NULL;
        int rc;
        if (!copy)
            return -1;
        if (colon) {
            *colon = '\0';
            int st = chk_state_from_name(colon + 1);
            if (st < 0) {
                snprintf(err, errlen, "-t '%s': the state after ':' must be ok, warning, "
                         "critical or unknown", arg);
                free(copy);
                return -1;
            }
            a->timeout_state = st;
        }
        rc = parse_seconds(copy, "-t/--timeout", 1, &a->timeout, err, errlen);
        free(copy);
        return rc;
    }
    case 'w':
    case 'c': {
        struct chk_metric *cm = chk_metrics_find(&a->metrics, a->primary);
        return cm ? set_threshold(cm, opt == 'c', arg, opt == 'c' ? "-c/--critical" : "-w/--warning",
                                  err, errlen) : -1;
    }
    case CHK_OPT_URI:
        a->uri = arg;
        return 1;
    case CHK_OPT_SOURCE: {
        /* checked here, so that a typo is a usage error and not UNKNOWN later */
        struct vmon_options o;
        vmon_options_init(&o);
        int rc = vmon_options_set(&o, "source", arg);
        a->waiting_for[0] = '\0';
        if (rc < 0)
            snprintf(err, errlen, "--%s", vmon_error_last());
        else if (o.source == VMON_SOURCE_VIRTMOND)
            snprintf(a->waiting_for, sizeof(a->waiting_for), "virtmond at %s",
                     o.socket ? o.socket : VIRTMOND_SOCKET);
        else if (o.uri)
            a->uri = arg + strlen("libvirt:");
        vmon_options_clear(&o);
        a->source = arg;
        return rc < 0 ? -1 : 1;
    }
    case CHK_OPT_TIMEOUT_STATE: {
        int st = chk_state_from_name(arg);
        if (st < 0) {
            snprintf(err, errlen, "--timeout-state '%s': must be ok, warning, critical or unknown",
                     arg);
            return -1;
        }
        a->timeout_state = st;
        return 1;
    }
    case CHK_OPT_INTERVAL:
        return parse_seconds(arg, "--interval", 0, &a->interval, err, errlen);
    case CHK_OPT_STATE_DIR:
        a->state_dir = arg;
        return 1;
    case CHK_OPT_NO_STATE:
        a->use_state = false;
        return 1;
    case CHK_OPT_STATE_MAX_AGE:
        return parse_seconds(arg, "--state-max-age", 1, &a->state_max_age, err, errlen);
    case CHK_OPT_PERFDATA:
        if (strcasecmp(arg, "auto") == 0)
            a->perf = CHK_PERF_AUTO;
        else if (strcasecmp(arg, "all") == 0)
            a->perf = CHK_PERF_ALL;
        else if (strcasecmp(arg, "none") == 0)
            a->perf = CHK_PERF_NONE;
        else {
            snprintf(err, errlen, "--perfdata '%s': must be auto, all or none", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

void
chk_args_help(FILE *f, const struct chk_args *a)
{
    fprintf(f,
            " -w, --warning=RANGE, -c, --critical=RANGE\n"
            "    Thresholds on %s (same as --%s-warning/--%s-critical).\n"
            "    RANGE is the Monitoring Plugins syntax: 10 (alert outside 0..10), 10: (below 10),\n"
            "    ~:10 (above 10), 10:20 (outside 10..20), @10:20 (inside 10..20); endpoints\n"
            "    are inside the range.\n"
            " --uri=URI\n"
            "    libvirt URI (default: libvirt's default, e.g. qemu:///system). The connection\n"
            "    is read-only.\n"
            " --source=libvirt[:URI]|virtmond[:PATH]\n"
            "    libvirt (the default) polls libvirt in this process. virtmond asks a\n"
            "    running virtmond (at %s, or PATH) for its latest poll instead:\n"
            "    rates included, no state files, no libvirt rights needed, a fraction of\n"
            "    the CPU. UNKNOWN when virtmond is not there, cannot reach libvirt, or its\n"
            "    last poll is older than 3 of its intervals.\n"
            " -t, --timeout=SECONDS[:STATE]\n"
            "    Give up after SECONDS (default 10) and exit with --timeout-state. A guest\n"
            "    whose monitor does not answer within a third of it is reported with what\n"
            "    libvirt did answer, in the timeout state.\n"
            " --timeout-state=STATE\n"
            "    State on timeout and for a guest not answering: ok, warning, critical or\n"
            "    unknown (default unknown).\n"
            " --interval=SECONDS\n"
            "    When no previous sample is fresh, take a second one this much later to get\n"
            "    rates (default 1; 0 disables, leaving rates unknown on a first run). Not\n"
            "    taken when it would not finish within -t.\n"
            " --state-dir=DIR\n"
            "    Where previous samples are kept (default $VIRTMON_STATE_DIR,\n"
            "    $XDG_CACHE_HOME/virtmon, ~/.cache/virtmon or /tmp/virtmon-UID).\n"
            " --no-state-file\n"
            "    Neither read nor write previous samples; always sample twice.\n"
            " --state-max-age=SECONDS\n"
            "    A previous sample older than this is not used (default 1800).\n"
            " --perfdata=auto|all|none\n"
            "    auto: everything for one object, thresholded metrics for several.\n"
            " -v, --verbose\n"
            "    One line per object, OK ones too; twice: how rates were obtained.\n"
            " -h, --help    -V, --version\n\n",
            a->primary, a->primary, a->primary, VIRTMOND_SOCKET);
    fprintf(f, "Per-metric thresholds (--LABEL-warning=RANGE, --LABEL-critical=RANGE);\n"
               "perfdata labels in brackets:\n");
    for (size_t i = 0; i < a->metrics.n; i++) {
        const struct chk_metric *cm = &a->metrics.m[i];
        if (!chk_metric_has_options(cm))
            continue;
        fprintf(f, " --%s-warning, --%s-critical  [%s%s%s]\n    %s%s\n", cm->option, cm->option,
                cm->label, cm->uom != VMON_UOM_NONE ? ", " : "", vmon_uom_name(cm->uom),
                cm->help ? cm->help : "", cm->rate ? ", per second" : "");
    }
}

int
chk_args_parse(struct chk_args *a, int argc, char **argv, const char *own_short,
               const struct option *own, void *ctx,
               int (*own_option)(void *ctx, int opt, const char *arg, char *err, size_t errlen),
               void (*help)(const void *ctx), char *err, size_t errlen)
{
    struct option *opts = chk_args_options(a, own);
    char shorts[64];
    int opt, rc = 0;

    snprintf(shorts, sizeof(shorts), "%s%s", CHK_SHORT_OPTIONS, own_short ? own_short : "");
    opterr = 0;
    while (rc == 0 && (opt = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        int r;
        switch (opt) {
        case 'h':
            help(ctx);
            rc = 1;
            break;
        case 'V':
            printf("%s (virtmon %s)\n", a->progname, PACKAGE_VERSION);
            rc = 1;
            break;
        case '?':
            if (optopt)
                snprintf(err, errlen, "unknown option '-%c' or it needs a value", optopt);
            else
                snprintf(err, errlen, "unknown option '%s' or it needs a value", argv[optind - 1]);
            rc = -1;
            break;
        default:
            r = own_option(ctx, opt, optarg, err, errlen);
            if (r == 0)
                r = chk_args_common(a, opt, optarg, err, errlen);
            if (r <= 0)
                rc = -1;
            break;
        }
    }
    if (rc == 0 && optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
        rc = -1;
    }
    free(opts);
    return rc;
}

void
chk_args_sample_opts(const struct chk_args *a, struct chk_sample_opts *so)
{
    memset(so, 0, sizeof(*so));
    so->source = a->source;
    so->uri = a->uri;
    so->interval = a->interval;
    so->use_state = a->use_state;
    so->state_dir = a->state_dir;
    /* a rate over less is mostly rounding; a check run again at once waits the rest */
    so->state_min_age = 0.2;
    so->state_max_age = a->state_max_age;
    so->budget = a->timeout;
}

void
chk_args_arm_timeout(const struct chk_args *a)
{
    char doing[600];

    if (a->waiting_for[0])
        snprintf(doing, sizeof(doing), "waiting for %s", a->waiting_for);
    else
        snprintf(doing, sizeof(doing), "waiting for libvirt at %s",
                 a->uri ? a->uri : "the default URI");
    chk_timeout_arm(a->timeout, a->timeout_state, doing);
}

int
chk_args_fail(const struct chk_args *a, const char *msg)
{
    char safe[1024];

    chk_output_sanitize(safe, sizeof(safe), msg);
    printf("VIRT UNKNOWN - %s\nUsage: %s [options]; see %s --help\n", safe, a->progname,
           a->progname);
    return CHK_UNKNOWN;
}
