#include "config.h"

#include "vmon-options.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-answer.h"
#include "vmon-util.h"

void
vmon_options_init(struct vmon_options *o)
{
    memset(o, 0, sizeof(*o));
    o->interval = 10;
    o->window = 3600;
    o->window_buckets = 12;
    o->timeout = 5;
    o->shutdown_timeout = 120;
    o->not_answering_after = VMON_NOT_ANSWERING_AFTER;
    o->guest_fs_interval = 60;
    o->guest_fs_timeout = 10;
    o->guest_fs_calls = 4;
    o->events = true;
}

VMON_STRINGS(option_strings, struct vmon_options, uri, socket);

void
vmon_options_clear(struct vmon_options *o)
{
    vmon_strings_free(o, &option_strings);
    vmon_filter_free(o->filter);
    vmon_label_defs_free(o->labels);
    memset(o, 0, sizeof(*o));
}

void
vmon_options_copy(struct vmon_options *dst, const struct vmon_options *src)
{
    *dst = *src;
    vmon_strings_dup(dst, &option_strings);
    dst->filter = src->filter ? vmon_filter_copy(src->filter) : NULL;
    dst->labels = vmon_label_defs_copy(src->labels);
}

/*
 * A duration's number and unit into *seconds, whatever its size ("1e400"
 * is inf, "-3" is -3): 0, or -1 when it is not written as a duration.
 */
static int
duration_value(const char *text, double *seconds)
{
    char *end;
    double scale = 1;

    double v = strtod(text, &end);
    /* strtod also takes "nan", "inf" and hex: a duration is decimal */
    if (end == text || strcspn(text, "xXnN") < (size_t) (end - text)) {
        vmon_error_set("'%s' is not a duration (examples: 30, 30s, 5m, 1h)", text);
        return -1;
    }
    if (*end) {
        if (strcmp(end, "s") == 0)
            scale = 1;
        else if (strcmp(end, "ms") == 0)
            scale = 0.001;
        else if (strcmp(end, "m") == 0)
            scale = 60;
        else if (strcmp(end, "h") == 0)
            scale = 3600;
        else if (strcmp(end, "d") == 0)
            scale = 86400;
        else {
            vmon_error_set("'%s' has an unknown unit '%s' (use ms, s, m, h or d)", text, end);
            return -1;
        }
    }
    *seconds = v * scale;
    return 0;
}

int
vmon_parse_duration(const char *text, double *seconds)
{
    double v;

    if (duration_value(text, &v) < 0)
        return -1;
    if (!isfinite(v) || v <= 0) {
        vmon_error_set("'%s' must be a positive duration", text);
        return -1;
    }
    /*
     * Below a millisecond a poll loop would spin; beyond 30 days no setting
     * means anything, and 1e308 s would overflow every clock it is added to.
     * The core's own keys have tighter bounds each (vmon_options_set).
     */
    return vmon_parse_duration_in(text, 0.001, 30 * 86400.0, seconds);
}

/* seconds as a range's end is written: "1 ms", "0.5 s", "1 h", "7 d" */
static void
format_duration(char *buf, size_t size, double seconds)
{
    if (seconds < 0.1) {
        snprintf(buf, size, "%g ms", seconds * 1000);
        return;
    }
    static const struct {
        double unit;
        const char *name;
    } units[] = { { 86400, "d" }, { 3600, "h" }, { 60, "m" } };

    for (size_t i = 0; i < VMON_ARRAY_SIZE(units); i++)
        if (seconds >= units[i].unit && fmod(seconds, units[i].unit) == 0) {
            snprintf(buf, size, "%g %s", seconds / units[i].unit, units[i].name);
            return;
        }
    snprintf(buf, size, "%g s", seconds);
}

int
vmon_parse_duration_in(const char *text, double min, double max, double *seconds)
{
    double v;
    char lo[32], hi[32];

    if (duration_value(text, &v) < 0)
        return -1;
    if (!(v >= min && v <= max)) {
        format_duration(lo, sizeof(lo), min);
        format_duration(hi, sizeof(hi), max);
        vmon_error_set("'%s' is out of range %s..%s", text, lo, hi);
        return -1;
    }
    *seconds = v;
    return 0;
}

int
vmon_parse_bool(const char *text, bool *value)
{
    static const char *const yes[] = { "1", "yes", "true", "on" };
    static const char *const no[] = { "0", "no", "false", "off" };

    for (size_t i = 0; i < VMON_ARRAY_SIZE(yes); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *value = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *value = false;
            return 0;
        }
    }
    vmon_error_set("'%s' is not a boolean (use yes or no)", text);
    return -1;
}

int
vmon_parse_uint(const char *text, unsigned min, unsigned max, unsigned *value)
{
    char *end;

    errno = 0;
    /* digits only: strtoul would take blanks, a sign, and wrap "-1" */
    unsigned long v = text[0] >= '0' && text[0] <= '9' ? strtoul(text, &end, 10) : 0;
    if (text[0] < '0' || text[0] > '9' || *end) {
        /* "1e308", "-1", "2.5": a number, not a whole one in range */
        double n = strtod(text, &end);
        if (end != text && !*end && !isnan(n) && (n < min || n > max))
            vmon_error_set("'%s' is out of range %u..%u", text, min, max);
        else
            vmon_error_set("'%s' is not a whole number (%u..%u)", text, min, max);
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        vmon_error_set("'%s' is out of range %u..%u", text, min, max);
        return -1;
    }
    *value = (unsigned) v;
    return 0;
}

/* Prefix the message the parser recorded with the key it was for. */
static int
fail_key(const char *key)
{
    char why[768];

    snprintf(why, sizeof(why), "%s", vmon_error_last());
    vmon_error_set("%s: %s", key, why);
    return -1;
}

/*
 * "libvirt[:URI]" or "virtmond[:PATH]": the same spelling in virtmon.conf,
 * collectd's block and every command line.  A URI keeps its own colons.
 */
static int
set_source(struct vmon_options *o, const char *value)
{
    static const struct {
        const char *word;
        enum vmon_source_kind kind;
    } kinds[] = { { "libvirt", VMON_SOURCE_LIBVIRT }, { "virtmond", VMON_SOURCE_VIRTMOND } };

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t n = strlen(kinds[i].word);
        if (strncmp(value, kinds[i].word, n) != 0 || (value[n] && value[n] != ':'))
            continue;
        const char *rest = value[n] ? value + n + 1 : "";
        if (value[n] && !*rest) {
            vmon_error_set("source: '%s' names no %s after the colon", value,
                           kinds[i].kind == VMON_SOURCE_LIBVIRT ? "URI" : "socket");
            return -1;
        }
        if (kinds[i].kind == VMON_SOURCE_VIRTMOND && *rest && rest[0] != '/') {
            vmon_error_set("source: virtmond's socket '%s' is not an absolute path", rest);
            return -1;
        }
        if (kinds[i].kind == VMON_SOURCE_VIRTMOND && o->polling_key) {
            vmon_error_set("source: virtmond not with %s: virtmond polls libvirt, and its own "
                           "configuration decides this", o->polling_key);
            return -1;
        }
        o->source = kinds[i].kind;
        char **slot = kinds[i].kind == VMON_SOURCE_LIBVIRT ? &o->uri : &o->socket;
        if (*rest) {
            free(*slot);
            *slot = vmon_strdup(rest);
        }
        return 0;
    }
    vmon_error_set("source: '%s' is neither libvirt[:URI] nor virtmond[:PATH]", value);
    return -1;
}

/*
 * Keys that only polling uses.  A face reading virtmond would silently
 * ignore them (virtmond's own configuration decides), so they are refused.
 */
static const char *
polling_key(const char *key)
{
    static const char *const keys[] = { "window", "window-buckets", "workers", "shutdown-timeout",
                                        "balloon-stale-age",
                                        "not-answering-after", "label", "guest-fs",
                                        "guest-fs-interval", "guest-fs-timeout",
                                        "guest-fs-calls" };

    for (size_t i = 0; i < VMON_ARRAY_SIZE(keys); i++)
        if (strcasecmp(key, keys[i]) == 0)
            return keys[i];
    return NULL;
}

/*
 * The bounds of each duration key, in seconds.  interval: libvirt is
 * polled no faster than twice a second (0.0001 s polled it 40,000 times in
 * 10 s), though the 1 s the issue suggests would do for any real host:
 * tests and the SNMP benchmark poll at 0.5-1 s to see several polls
 * quickly, and a bulk-stats poll of 50 guests takes ~0.6 s anyway; and no
 * slower than daily (1e308 never polled, and its sleep ignored SIGTERM).
 * window: at least one interval (checked against it both ways), at most
 * a week of history.  timeout: a per-domain call (0.1 s lets a check
 * split a short -t); shutdown-timeout: a guest's shutdown;
 * not-answering-after: how long a guest may give no figures before it is
 * called hung rather than busy (below a second every busy moment is a
 * hang again; beyond a day nothing would ever be called hung).
 */
#define INTERVAL_MIN 0.5
#define INTERVAL_MAX 86400.0
#define WINDOW_MAX (7 * 86400.0)
#define TIMEOUT_MIN 0.1
#define TIMEOUT_MAX 3600.0
#define SHUTDOWN_TIMEOUT_MIN 1.0
#define SHUTDOWN_TIMEOUT_MAX 86400.0
/* balloon-stale-age: QEMU stamps last-update in whole seconds */
#define STALE_AGE_MIN 1.0
#define STALE_AGE_MAX 86400.0
#define NOT_ANSWERING_MIN 1.0
#define NOT_ANSWERING_MAX 86400.0
/* guest-fs-interval: an agent call per guest, not faster than once a second;
 * guest-fs-timeout: libvirt itself gives up on an agent after ~5 s */
#define GUEST_FS_INTERVAL_MIN 1.0
#define GUEST_FS_INTERVAL_MAX 86400.0
#define GUEST_FS_TIMEOUT_MIN 0.1
#define GUEST_FS_TIMEOUT_MAX 600.0

/* The keys that take a duration within bounds, and the option each sets. */
struct duration_key {
    const char *key;
    double min, max;
    size_t at;                 /* offsetof(struct vmon_options, ...), a double */
};
static const struct duration_key duration_keys[] = {
    { "timeout", TIMEOUT_MIN, TIMEOUT_MAX, offsetof(struct vmon_options, timeout) },
    { "shutdown-timeout", SHUTDOWN_TIMEOUT_MIN, SHUTDOWN_TIMEOUT_MAX,
      offsetof(struct vmon_options, shutdown_timeout) },
    { "balloon-stale-age", STALE_AGE_MIN, STALE_AGE_MAX,
      offsetof(struct vmon_options, balloon_stale_age) },
    { "not-answering-after", NOT_ANSWERING_MIN, NOT_ANSWERING_MAX,
      offsetof(struct vmon_options, not_answering_after) },
    { "guest-fs-interval", GUEST_FS_INTERVAL_MIN, GUEST_FS_INTERVAL_MAX,
      offsetof(struct vmon_options, guest_fs_interval) },
    { "guest-fs-timeout", GUEST_FS_TIMEOUT_MIN, GUEST_FS_TIMEOUT_MAX,
      offsetof(struct vmon_options, guest_fs_timeout) },
};

/* A value is one line of text: no byte below 0x20, nor DEL. */
static int
check_text(const char *key, const char *value)
{
    for (const unsigned char *p = (const unsigned char *) value; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            vmon_error_set("%s: the value has a control character (0x%02x at byte %zu); "
                           "values are one line of printable text", key, *p,
                           (size_t) (p - (const unsigned char *) value) + 1);
            return -1;
        }
    return 0;
}

static int
set_interval(struct vmon_options *o, const char *key, const char *value)
{
    double v;

    if (vmon_parse_duration_in(value, INTERVAL_MIN, INTERVAL_MAX, &v) < 0)
        return fail_key(key);
    if (o->window_given && v > o->window) {
        char w[32];
        format_duration(w, sizeof(w), o->window);
        vmon_error_set("%s: '%s' is longer than the window (%s); the window holds at least "
                       "one interval", key, value, w);
        return -1;
    }
    o->interval = v;
    if (!o->window_given && o->window < v)
        o->window = v;   /* the default hour, stretched to hold one poll */
    return 0;
}

static int
set_window(struct vmon_options *o, const char *key, const char *value)
{
    double v;

    if (vmon_parse_duration_in(value, o->interval, WINDOW_MAX, &v) < 0) {
        char iv[32];
        format_duration(iv, sizeof(iv), o->interval);
        if (strstr(vmon_error_last(), "out of range"))
            vmon_error_set("'%s' is out of range %s (the interval)..7 d", value, iv);
        return fail_key(key);
    }
    o->window = v;
    o->window_given = true;
    return 0;
}

int
vmon_options_set(struct vmon_options *o, const char *key, const char *value)
{
    if (!value) {
        vmon_error_set("%s: needs a value", key);
        return -1;
    }
    if (check_text(key, value) < 0)
        return -1;
    const char *polling = polling_key(key);
    if (polling && o->source == VMON_SOURCE_VIRTMOND) {
        vmon_error_set("%s: not with source virtmond: virtmond polls libvirt, and its own "
                       "configuration decides this", key);
        return -1;
    }
    if (polling && !o->polling_key)
        o->polling_key = polling;
    if (strcasecmp(key, "source") == 0)
        return set_source(o, value);
    if (strcasecmp(key, "uri") == 0) {
        free(o->uri);
        o->uri = *value ? vmon_strdup(value) : NULL;
        return 0;
    }
    if (strcasecmp(key, "interval") == 0)
        return set_interval(o, key, value);
    if (strcasecmp(key, "window") == 0)
        return set_window(o, key, value);
    for (size_t i = 0; i < VMON_ARRAY_SIZE(duration_keys); i++) {
        const struct duration_key *d = &duration_keys[i];
        if (strcasecmp(key, d->key) == 0)
            return vmon_parse_duration_in(value, d->min, d->max, (double *) ((char *) o + d->at)) < 0
                   ? fail_key(key) : 0;
    }
    if (strcasecmp(key, "guest-fs") == 0)
        return vmon_parse_bool(value, &o->guest_fs) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "guest-fs-calls") == 0)
        return vmon_parse_uint(value, 1, 64, &o->guest_fs_calls) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "window-buckets") == 0)
        return vmon_parse_uint(value, 1, 1440, &o->window_buckets) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "workers") == 0)
        return vmon_parse_uint(value, 0, 64, &o->workers) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "include") == 0 || strcasecmp(key, "exclude") == 0) {
        if (!o->filter)
            o->filter = vmon_filter_new();
        return vmon_filter_add(o->filter, strcasecmp(key, "include") == 0, value) < 0
               ? fail_key(key) : 0;
    }
    if (strcasecmp(key, "label") == 0)
        return vmon_label_defs_add(&o->labels, value) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "events") == 0)
        return vmon_parse_bool(value, &o->events) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "interactive-auth") == 0)
        return vmon_parse_bool(value, &o->interactive_auth) < 0 ? fail_key(key) : 0;
    if (strcasecmp(key, "allow-actions") == 0)
        return vmon_actions_parse(value, &o->allowed_actions) < 0 ? fail_key(key) : 0;
    vmon_error_set("unknown setting '%s'", key);
    return -1;
}

void
vmon_error_rename(const char *key, const char *as)
{
    const char *why = vmon_error_last();
    size_t k = key ? strlen(key) : 0;
    char copy[768];

    if (k && strncmp(why, key, k) == 0 && strncmp(why + k, ": ", 2) == 0)
        why += k + 2;
    snprintf(copy, sizeof(copy), "%s", why);   /* vmon_error_set() overwrites it */
    if (as)
        vmon_error_set("%s: %s", as, copy);
    else
        vmon_error_set("%s", copy);
}

/* vmon_error_last() said for the option as typed, not for the key it sets. */
static int
fail_option(const struct vmon_cli_option *opt)
{
    char as[128];

    /* "interval: 'soon' is not..." becomes "--interval: 'soon' is not..." */
    snprintf(as, sizeof(as), "--%s", opt->name);
    vmon_error_rename(opt->key, as);
    return VMON_CLI_BAD;
}

/* One option getopt_long returned: help, version, a core key's, or the program's own. */
static int
take_option(const struct vmon_cli *cli, struct vmon_options *o, void *ctx, int c, const char *arg)
{
    const struct vmon_cli_option *opt = NULL;

    for (size_t i = 0; i < cli->noptions && !opt; i++)
        if (cli->options[i].val == c)
            opt = &cli->options[i];
    if (c == '?' || !opt) {   /* getopt_long has said which */
        cli->usage(stderr);
        return 2;
    }
    if (c == 'h') {
        cli->usage(stdout);
        return 0;
    }
    if (c == 'V') {
        printf("%s %s\n", cli->program, PACKAGE_VERSION);
        return 0;
    }
    if (opt->key)
        return vmon_options_set(o, opt->key, arg) == 0 ? VMON_CLI_GO_ON : fail_option(opt);
    int status = cli->own(ctx, c, arg);
    return status == VMON_CLI_BAD ? fail_option(opt) : status;
}

int
vmon_cli_parse(const struct vmon_cli *cli, int argc, char **argv, struct vmon_options *o,
               void *ctx)
{
    struct option *longopts = vmon_alloc((cli->noptions + 1) * sizeof(*longopts));   /* zeroed: the end */
    int c, status = VMON_CLI_GO_ON;

    for (size_t i = 0; i < cli->noptions; i++)
        longopts[i] = (struct option) { cli->options[i].name, cli->options[i].has_arg, NULL,
                                        cli->options[i].val };
    while (status == VMON_CLI_GO_ON && (c = getopt_long(argc, argv, cli->shortopts, longopts, NULL)) != -1)
        status = take_option(cli, o, ctx, c, optarg);
    free(longopts);
    if (status == VMON_CLI_GO_ON && optind < argc) {
        vmon_error_set("unexpected argument '%s'", argv[optind]);
        status = VMON_CLI_BAD;
    }
    if (status != VMON_CLI_BAD)
        return status;
    fprintf(stderr, "%s: %s\n", cli->program, vmon_error_last());
    return 2;
}

int
vmon_parse_group(const char *text, gid_t *gid)
{
    struct group *gr = getgrnam(text);
    char *end;

    if (gr) {
        *gid = gr->gr_gid;
        return 0;
    }
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (!*text || *end || errno || text[0] == '-' || v >= (unsigned long) (gid_t) -1) {
        vmon_error_set("no group '%s'", text);
        return -1;
    }
    *gid = (gid_t) v;
    return 0;
}
