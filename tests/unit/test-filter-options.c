#include <getopt.h>

#include "tap.h"
#include "vmon-action.h"
#include "vmon-conf-keys.h"
#include "vmon-event.h"
#include "vmon-options.h"
#include "vmon-poller.h"
#include "vmon-util.h"

#define UUID_A "6695eb01-f6a4-8304-79aa-97f2502e193f"

DEF_TEST(empty_filter_takes_everything)
{
    struct vmon_filter *f = vmon_filter_new();
    EXPECT(vmon_filter_match(f, "anything", UUID_A));
    EXPECT(vmon_filter_match(NULL, "anything", UUID_A));
    vmon_filter_free(f);
}

DEF_TEST(globs_uuids_and_exclude_wins)
{
    struct vmon_filter *f = vmon_filter_new();
    EXPECT(vmon_filter_add(f, true, "web-*, db[12]") == 0);
    EXPECT(vmon_filter_add(f, true, "6695EB01-F6A4-8304-79AA-97F2502E193F") == 0);
    EXPECT(vmon_filter_add(f, false, "web-test") == 0);
    EXPECT(vmon_filter_match(f, "web-1", "x"));
    EXPECT(vmon_filter_match(f, "db2", "x"));
    EXPECT(!vmon_filter_match(f, "db3", "x"));
    EXPECT(!vmon_filter_match(f, "web-test", "x"));
    EXPECT(vmon_filter_match(f, "unrelated", UUID_A));       /* UUID, any case */
    EXPECT(!vmon_filter_match(f, UUID_A, "x"));              /* a UUID pattern is not a name glob */
    struct vmon_filter *copy = vmon_filter_copy(f);
    EXPECT(!vmon_filter_match(copy, "web-test", "x"));
    vmon_filter_free(copy);
    vmon_filter_free(f);
}

DEF_TEST(bad_patterns_are_named)
{
    struct vmon_filter *f = vmon_filter_new();
    EXPECT(vmon_filter_add(f, true, "ok,,x") < 0);
    EXPECT(strstr(vmon_error_last(), "empty pattern") != NULL);
    EXPECT(vmon_filter_add(f, false, "web[") < 0);
    EXPECT(strstr(vmon_error_last(), "'web['") != NULL);
    vmon_filter_free(f);
}

DEF_TEST(options_parse_and_report_the_key)
{
    struct vmon_options o;
    vmon_options_init(&o);
    EXPECT_EQ_DBL(10, o.interval, 0);
    EXPECT_EQ_U64(0, o.allowed_actions);                      /* read-only by default */
    EXPECT(vmon_options_set(&o, "interval", "30s") == 0);
    EXPECT_EQ_DBL(30, o.interval, 0);
    EXPECT(vmon_options_set(&o, "window", "2h") == 0);
    EXPECT_EQ_DBL(7200, o.window, 0);
    EXPECT(vmon_options_set(&o, "uri", "qemu+ssh://root@h/system") == 0);
    EXPECT_STR("qemu+ssh://root@h/system", o.uri);
    EXPECT(vmon_options_set(&o, "allow-actions", "start, shutdown") == 0);
    EXPECT_EQ_U64((1u << VMON_ACTION_START) | (1u << VMON_ACTION_SHUTDOWN), o.allowed_actions);
    EXPECT(vmon_options_set(&o, "exclude", "tmp-*") == 0);
    EXPECT(!vmon_filter_match(o.filter, "tmp-1", "x"));

    EXPECT(vmon_options_set(&o, "interval", "5 minutes") < 0);
    EXPECT(strstr(vmon_error_last(), "interval:") == vmon_error_last());
    EXPECT(vmon_options_set(&o, "interval", "-3") < 0);
    EXPECT(vmon_options_set(&o, "interval", "0") < 0);
    EXPECT_STR("interval: '0' is out of range 0.5 s..1 d", vmon_error_last());
    EXPECT(vmon_options_set(&o, "interval", "1e308") < 0);
    EXPECT_STR("interval: '1e308' is out of range 0.5 s..1 d", vmon_error_last());
    EXPECT(vmon_options_set(&o, "shutdown-timeout", "1e-9") < 0);
    EXPECT_STR("shutdown-timeout: '1e-9' is out of range 1 s..1 d", vmon_error_last());
    EXPECT(vmon_options_set(&o, "window", "7d") == 0);
    EXPECT_EQ_DBL(7 * 86400, o.window, 0);
    EXPECT(vmon_options_set(&o, "timeout", "100ms") == 0);
    EXPECT_EQ_DBL(0.1, o.timeout, 0);
    EXPECT_EQ_DBL(30, o.interval, 0);                         /* the refused values left it */
    EXPECT(vmon_options_set(&o, "workers", "99") < 0);
    EXPECT(strstr(vmon_error_last(), "out of range") != NULL);
    EXPECT(vmon_options_set(&o, "allow-actions", "start,explode") < 0);
    EXPECT(strstr(vmon_error_last(), "'explode'") != NULL);
    EXPECT(vmon_options_set(&o, "colour", "blue") < 0);
    EXPECT(strstr(vmon_error_last(), "unknown setting 'colour'") != NULL);
    EXPECT(vmon_options_set(&o, "interval", NULL) < 0);
    vmon_options_clear(&o);
}

/*
 * Every bounded key at and beyond its ends, each on fresh options (default
 * interval 10 s): want is the whole message, or NULL when accepted, and a
 * refused value leaves the option as it was.
 */
DEF_TEST(values_are_range_checked_with_the_range_named)
{
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        { "interval", "0.5", NULL },
        { "interval", "500ms", NULL },
        { "interval", "1d", NULL },
        { "interval", "0.0001s", "interval: '0.0001s' is out of range 0.5 s..1 d" },
        { "interval", "1e308", "interval: '1e308' is out of range 0.5 s..1 d" },
        { "interval", "1e400", "interval: '1e400' is out of range 0.5 s..1 d" },
        { "interval", "9223372036854775807",
          "interval: '9223372036854775807' is out of range 0.5 s..1 d" },
        { "interval", "86401", "interval: '86401' is out of range 0.5 s..1 d" },
        { "interval", "0", "interval: '0' is out of range 0.5 s..1 d" },
        { "interval", "-3", "interval: '-3' is out of range 0.5 s..1 d" },
        { "interval", "inf", "interval: 'inf' is not a duration (examples: 30, 30s, 5m, 1h)" },
        { "interval", "nan", "interval: 'nan' is not a duration (examples: 30, 30s, 5m, 1h)" },
        { "interval", "0x10", "interval: '0x10' is not a duration (examples: 30, 30s, 5m, 1h)" },
        { "interval", "5mm", "interval: '5mm' has an unknown unit 'mm' (use ms, s, m, h or d)" },
        { "window", "10s", NULL },
        { "window", "7d", NULL },
        { "window", "5s", "window: '5s' is out of range 10 s (the interval)..7 d" },
        { "window", "8d", "window: '8d' is out of range 10 s (the interval)..7 d" },
        { "window", "1e308", "window: '1e308' is out of range 10 s (the interval)..7 d" },
        { "timeout", "0.1", NULL },
        { "timeout", "1h", NULL },
        { "timeout", "0.05", "timeout: '0.05' is out of range 0.1 s..1 h" },
        { "timeout", "61m", "timeout: '61m' is out of range 0.1 s..1 h" },
        { "shutdown-timeout", "1", NULL },
        { "shutdown-timeout", "1d", NULL },
        { "shutdown-timeout", "0.5", "shutdown-timeout: '0.5' is out of range 1 s..1 d" },
        { "shutdown-timeout", "1e308", "shutdown-timeout: '1e308' is out of range 1 s..1 d" },
        { "label", "nova", NULL },
        { "label", "team https://example.org/ns/1 vm/team", NULL },
        { "label", "tier urn:example:vm vm/env/@tier", NULL },
        { "label", "team", "label: 'team' is neither NAME NAMESPACE-URI ELEMENT-PATH nor the preset 'nova'" },
        { "label", "team example.org vm/team", "label: label 'team': 'example.org' is not a namespace URI (e.g. https://example.org/ns/1)" },
        { "label", "te/am https://example.org/ns/1 vm", "label: label name 'te/am' is not 1..32 of letters, digits, '_', '.', '-'" },
        { "label", "team https://example.org/ns/1 /vm", "label: element path '/vm' is relative to the namespace's element under <metadata>: no leading '/'" },
        { "label", "team https://example.org/ns/1 vm/@a/b", "label: element path 'vm/@a/b': '@a' is not an element name (steps are names separated by '/', the last may be @attribute)" },
        { "label", "team https://example.org/ns/1 vm//x", "label: element path 'vm//x': '' is not an element name (steps are names separated by '/', the last may be @attribute)" },
        { "not-answering-after", "1", NULL },
        { "not-answering-after", "1d", NULL },
        { "not-answering-after", "0.5s", "not-answering-after: '0.5s' is out of range 1 s..1 d" },
        { "not-answering-after", "25h", "not-answering-after: '25h' is out of range 1 s..1 d" },
        { "not-answering-after", "1e308", "not-answering-after: '1e308' is out of range 1 s..1 d" },
        { "guest-fs", "yes", NULL },
        { "guest-fs", "off", NULL },
        { "guest-fs", "maybe", "guest-fs: 'maybe' is not a boolean (use yes or no)" },
        { "guest-fs-interval", "1", NULL },
        { "guest-fs-interval", "1d", NULL },
        { "guest-fs-interval", "0.5s", "guest-fs-interval: '0.5s' is out of range 1 s..1 d" },
        { "guest-fs-timeout", "0.1", NULL },
        { "guest-fs-timeout", "10m", NULL },
        { "guest-fs-timeout", "11m", "guest-fs-timeout: '11m' is out of range 0.1 s..10 m" },
        { "guest-fs-calls", "1", NULL },
        { "guest-fs-calls", "64", NULL },
        { "guest-fs-calls", "0", "guest-fs-calls: '0' is out of range 1..64" },
        { "workers", "0", NULL },
        { "workers", "64", NULL },
        { "workers", "65", "workers: '65' is out of range 0..64" },
        { "workers", "9223372036854775807", "workers: '9223372036854775807' is out of range 0..64" },
        { "workers", "18446744073709551616", "workers: '18446744073709551616' is out of range 0..64" },
        { "workers", "1e308", "workers: '1e308' is out of range 0..64" },
        { "workers", "-1", "workers: '-1' is out of range 0..64" },
        { "workers", "2.5", "workers: '2.5' is not a whole number (0..64)" },
        { "workers", " 5", "workers: ' 5' is not a whole number (0..64)" },
        { "window-buckets", "1440", NULL },
        { "window-buckets", "0", "window-buckets: '0' is out of range 1..1440" },
        { "window-buckets", "4294967297", "window-buckets: '4294967297' is out of range 1..1440" },
        { "uri", "qemu:///sys\ntem", "uri: the value has a control character (0x0a at byte 12); "
                                      "values are one line of printable text" },
        { "include", "web\x7f", "include: the value has a control character (0x7f at byte 4); "
                                "values are one line of printable text" },
        { "interval", "\t5s", "interval: the value has a control character (0x09 at byte 1); "
                               "values are one line of printable text" },
    };

    for (size_t i = 0; i < VMON_ARRAY_SIZE(cases); i++) {
        struct vmon_options o, before;
        vmon_options_init(&o);
        before = o;
        int rc = vmon_options_set(&o, cases[i].key, cases[i].value);
        if (cases[i].want) {
            EXPECT_MSG(rc < 0, "case %zu: %s refused", i, cases[i].key);
            EXPECT_STR(cases[i].want, vmon_error_last());
            EXPECT(o.interval == before.interval && o.window == before.window &&
                   o.timeout == before.timeout && o.workers == before.workers &&
                   o.shutdown_timeout == before.shutdown_timeout &&
                   o.window_buckets == before.window_buckets && !o.uri && !o.filter);
        } else {
            EXPECT_MSG(rc == 0, "case %zu: %s '%s' accepted (%s)", i, cases[i].key,
                       cases[i].value, rc == 0 ? "" : vmon_error_last());
        }
        vmon_options_clear(&o);
    }
}

/* The window holds at least one interval, whichever is set first. */
/* Each duration key sets its own option, and only that one. */
DEF_TEST(duration_keys_set_their_own_option)
{
    struct vmon_options o;

    vmon_options_init(&o);
    EXPECT_EQ_INT(0, vmon_options_set(&o, "timeout", "2s"));
    EXPECT_EQ_INT(0, vmon_options_set(&o, "shutdown-timeout", "3m"));
    EXPECT_EQ_INT(0, vmon_options_set(&o, "balloon-stale-age", "4s"));
    EXPECT_EQ_INT(0, vmon_options_set(&o, "not-answering-after", "5s"));
    EXPECT_EQ_INT(0, vmon_options_set(&o, "guest-fs-interval", "6s"));
    EXPECT_EQ_INT(0, vmon_options_set(&o, "guest-fs-timeout", "7s"));
    EXPECT_EQ_DBL(2, o.timeout, 0);
    EXPECT_EQ_DBL(180, o.shutdown_timeout, 0);
    EXPECT_EQ_DBL(4, o.balloon_stale_age, 0);
    EXPECT_EQ_DBL(5, o.not_answering_after, 0);
    EXPECT_EQ_DBL(6, o.guest_fs_interval, 0);
    EXPECT_EQ_DBL(7, o.guest_fs_timeout, 0);
    vmon_options_clear(&o);
}

DEF_TEST(window_and_interval_agree)
{
    struct vmon_options o;

    vmon_options_init(&o);
    EXPECT(vmon_options_set(&o, "interval", "2h") == 0);
    EXPECT_EQ_DBL(7200, o.window, 0);                 /* the default hour, stretched */
    EXPECT(vmon_options_set(&o, "window", "1h") < 0);
    EXPECT_STR("window: '1h' is out of range 2 h (the interval)..7 d", vmon_error_last());
    vmon_options_clear(&o);

    vmon_options_init(&o);
    EXPECT(vmon_options_set(&o, "window", "1m") == 0);
    EXPECT(vmon_options_set(&o, "interval", "2m") < 0);
    EXPECT_STR("interval: '2m' is longer than the window (1 m); the window holds at least "
               "one interval", vmon_error_last());
    EXPECT_EQ_DBL(10, o.interval, 0);
    EXPECT(vmon_options_set(&o, "interval", "1m") == 0);
    EXPECT_EQ_DBL(60, o.window, 0);
    vmon_options_clear(&o);
}

DEF_TEST(action_check_refuses_before_acting)
{
    unsigned all = 0;
    for (int a = 1; a < VMON_ACTION__N; a++)
        all |= 1u << a;
    EXPECT(vmon_action_check(0, VMON_ACTION_DESTROY, VMON_STATE_RUNNING) == VMON_ACTION_REFUSED);
    EXPECT(vmon_action_check(all, VMON_ACTION_START, VMON_STATE_RUNNING) == VMON_ACTION_INVALID);
    EXPECT(vmon_action_check(all, VMON_ACTION_START, VMON_STATE_SHUTOFF) == VMON_ACTION_OK);
    EXPECT(vmon_action_check(all, VMON_ACTION_RESUME, VMON_STATE_RUNNING) == VMON_ACTION_INVALID);
    EXPECT(vmon_action_check(all, VMON_ACTION_RESUME, VMON_STATE_PAUSED) == VMON_ACTION_OK);
    EXPECT(vmon_action_check(all, VMON_ACTION_DESTROY, VMON_STATE_SHUTOFF) == VMON_ACTION_INVALID);
    EXPECT(vmon_action_check(all, VMON_ACTION_DESTROY, VMON_STATE_CRASHED) == VMON_ACTION_OK);
    EXPECT(vmon_action_check(all, VMON_ACTION_NONE, VMON_STATE_RUNNING) == VMON_ACTION_INVALID);
    EXPECT_EQ_U64(VMON_ACTION_REBOOT, vmon_action_from_name("REBOOT"));
    EXPECT(vmon_action_from_name("explode") < 0);
}

DEF_TEST(event_queue_keeps_order_and_drops_oldest)
{
    struct vmon_event_queue *q = vmon_event_queue_new(2);
    struct vmon_event ev = { .type = VMON_EVENT_LIFECYCLE };
    for (int i = 0; i < 3; i++) {
        ev.event = i;
        vmon_event_queue_push(q, &ev);
    }
    EXPECT_EQ_U64(1, vmon_event_queue_dropped(q));
    struct vmon_event out;
    EXPECT(vmon_event_queue_pop(q, &out) == 1);
    EXPECT_EQ_U64(1, out.event);
    EXPECT(vmon_event_queue_pop(q, &out) == 1);
    EXPECT_EQ_U64(2, out.event);
    EXPECT(vmon_event_queue_pop(q, &out) == 0);
    EXPECT_STR("stopped", vmon_lifecycle_name(VMON_LIFECYCLE_STOPPED));
    EXPECT_STR("destroyed", vmon_lifecycle_detail_name(VMON_LIFECYCLE_STOPPED, 1));
    EXPECT_STR("unknown", vmon_lifecycle_detail_name(VMON_LIFECYCLE_STOPPED, 99));
    EXPECT_STR("deleted", vmon_pool_event_name(VMON_POOL_EVENT_DELETED));
    EXPECT_STR("unknown", vmon_pool_event_name(VMON_POOL_EVENT__N));
    EXPECT_STR("pool-lifecycle", vmon_event_type_name(VMON_EVENT_POOL));
    vmon_event_queue_free(q);
}

DEF_TEST(literal_names_are_exact)
{
    struct vmon_filter *f = vmon_filter_new();

    EXPECT(vmon_filter_add_literal(f, true, "web*, [1]") == 0);
    EXPECT(vmon_filter_match(f, "web*, [1]", NULL));
    EXPECT(!vmon_filter_match(f, "web-a", NULL));
    EXPECT(!vmon_filter_match(f, "web*", NULL));
    EXPECT(vmon_filter_add_literal(f, true, "") < 0);
    EXPECT_STR("empty domain name in include list", vmon_error_last());
    vmon_filter_free(f);
}

DEF_TEST(connection_switches)
{
    struct vmon_options o;

    vmon_options_init(&o);
    EXPECT(o.events);
    EXPECT(!o.interactive_auth);
    EXPECT(vmon_options_set(&o, "events", "no") == 0);
    EXPECT(!o.events);
    EXPECT(vmon_options_set(&o, "interactive-auth", "yes") == 0);
    EXPECT(o.interactive_auth);
    EXPECT(vmon_options_set(&o, "events", "maybe") < 0);
    EXPECT_STR("events: 'maybe' is not a boolean (use yes or no)", vmon_error_last());
    vmon_options_clear(&o);
}

/* virtmond polls for a face reading it: the polling keys are refused, either order. */
DEF_TEST(polling_keys_refused_with_virtmond)
{
    struct vmon_options o;

    vmon_options_init(&o);
    EXPECT(vmon_options_set(&o, "source", "virtmond:/run/v.sock") == 0);
    EXPECT(vmon_options_set(&o, "interval", "5s") == 0);
    EXPECT(vmon_options_set(&o, "timeout", "2s") == 0);
    EXPECT(vmon_options_set(&o, "workers", "3") < 0);
    EXPECT_STR("workers: not with source virtmond: virtmond polls libvirt, and its own "
               "configuration decides this", vmon_error_last());
    EXPECT(vmon_options_set(&o, "window", "1h") < 0);
    EXPECT(o.window == 3600);
    vmon_options_clear(&o);

    /* guest-fs: off unless asked, a minute apart, 10 s per guest, 4 at once;
     * virtmond's own configuration decides it for its readers */
    vmon_options_init(&o);
    EXPECT(!o.guest_fs && o.guest_fs_interval == 60 && o.guest_fs_timeout == 10 && o.guest_fs_calls == 4);
    EXPECT(vmon_options_set(&o, "source", "virtmond") == 0);
    EXPECT(vmon_options_set(&o, "guest-fs", "yes") < 0);
    EXPECT_STR("guest-fs: not with source virtmond: virtmond polls libvirt, and its "
               "own configuration decides this", vmon_error_last());
    vmon_options_clear(&o);

    vmon_options_init(&o);
    EXPECT(o.not_answering_after == 30);
    EXPECT(vmon_options_set(&o, "source", "virtmond") == 0);
    EXPECT(vmon_options_set(&o, "not-answering-after", "10s") < 0);
    EXPECT_STR("not-answering-after: not with source virtmond: virtmond polls libvirt, and its "
               "own configuration decides this", vmon_error_last());
    vmon_options_clear(&o);

    vmon_options_init(&o);
    EXPECT(vmon_options_set(&o, "shutdown-timeout", "60s") == 0);
    EXPECT(vmon_options_set(&o, "source", "libvirt") == 0);
    EXPECT(vmon_options_set(&o, "source", "virtmond") < 0);
    EXPECT_STR("source: virtmond not with shutdown-timeout: virtmond polls libvirt, and its "
               "own configuration decides this", vmon_error_last());
    EXPECT(o.source == VMON_SOURCE_LIBVIRT);
    vmon_options_clear(&o);
}

/* A program's own options for cli_parse_...: -x sets a flag, -b is always bad. */
static int
own_test_option(void *ctx, int c, const char *arg)
{
    if (c == 'x')
        *(int *) ctx = 1;
    if (c != 'b')
        return VMON_CLI_GO_ON;
    vmon_error_set("'%s' will never do", arg);
    return VMON_CLI_BAD;
}

static void
test_usage(FILE *out)
{
    fputs("# Usage: prog [-c URI] [--interval D] [-x] [-b X]\n", out);   /* a TAP comment */
}

static int
cli_parse(struct vmon_options *o, int *flag, int argc, char **argv)
{
    static const struct vmon_cli_option table[] = {
        { "connect", required_argument, 'c', "uri" },
        { "interval", required_argument, 256, "interval" },
        { "flag", no_argument, 'x', NULL },
        { "bad", required_argument, 'b', NULL },
        { "help", no_argument, 'h', NULL },
    };
    static const struct vmon_cli cli = {
        "prog", "c:xb:h", table, VMON_ARRAY_SIZE(table), test_usage, own_test_option,
    };

    optind = 0;   /* glibc: start over, as for a new program */
    opterr = 0;
    vmon_options_init(o);
    *flag = 0;
    vmon_error_clear();
    return vmon_cli_parse(&cli, argc, argv, o, flag);
}

DEF_TEST(cli_parse_sets_keys_and_names_options_as_typed)
{
    struct vmon_options o;
    int flag;

    char *good[] = { "prog", "-c", "test:///default", "--interval=5s", "--flag", NULL };
    EXPECT(cli_parse(&o, &flag, 5, good) == VMON_CLI_GO_ON);
    EXPECT_STR("test:///default", o.uri);
    EXPECT_EQ_DBL(5, o.interval, 0);
    EXPECT(flag == 1);
    vmon_options_clear(&o);

    /* the message goes to stderr and stays the last error */
    char *bad_key[] = { "prog", "--interval", "soon", NULL };
    EXPECT(cli_parse(&o, &flag, 3, bad_key) == 2);
    EXPECT_STR("--interval: 'soon' is not a duration (examples: 30, 30s, 5m, 1h)", vmon_error_last());
    vmon_options_clear(&o);

    char *bad_own[] = { "prog", "-b", "x", NULL };
    EXPECT(cli_parse(&o, &flag, 3, bad_own) == 2);
    EXPECT_STR("--bad: 'x' will never do", vmon_error_last());
    vmon_options_clear(&o);

    char *stray[] = { "prog", "-x", "extra", NULL };
    EXPECT(cli_parse(&o, &flag, 3, stray) == 2);
    EXPECT_STR("unexpected argument 'extra'", vmon_error_last());
    vmon_options_clear(&o);

    char *unknown[] = { "prog", "--colour", NULL };
    EXPECT(cli_parse(&o, &flag, 2, unknown) == 2);    /* getopt's message and the usage */
    vmon_options_clear(&o);

    char *help[] = { "prog", "-x", "--help", "extra", NULL };
    EXPECT(cli_parse(&o, &flag, 4, help) == 0);      /* before the stray argument counts */
    EXPECT(flag == 1);
    vmon_options_clear(&o);
}

/* The files' shared keys: exact spelling, the core's checks, the token named by the caller. */
DEF_TEST(conf_keys_map_tokens_to_core_keys)
{
    static const struct vmon_conf_key own[] = { { "socketMode", NULL, "OCTAL" } };
    struct vmon_options o;
    vmon_options_init(&o);

    const struct vmon_conf_key *k = vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, "domainInclude");
    EXPECT(k != NULL && strcmp(k->core_key, "include") == 0);
    EXPECT(vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, "Interval") == NULL);
    EXPECT(vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, "include") == NULL);   /* the core's name is no token */
    EXPECT(vmon_conf_key_set(&o, k, "web*") == 0);
    EXPECT(vmon_filter_match(o.filter, "web1", "x") && !vmon_filter_match(o.filter, "db1", "x"));
    k = vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, "allowActions");
    EXPECT(k && vmon_conf_key_set(&o, k, "explode") < 0);
    EXPECT(strncmp(vmon_error_last(), "unknown action 'explode'", 24) == 0);   /* no "allow-actions: " */
    k = vmon_conf_key_find(vmon_conf_keys, vmon_conf_nkeys, "interval");
    EXPECT(k && vmon_conf_key_set(&o, k, "1e308") < 0);
    EXPECT_STR("'1e308' is out of range 0.5 s..1 d", vmon_error_last());

    vmon_conf_key_unknown("Interval", own, 1);
    EXPECT_STR("unknown key 'Interval' (keys are case-sensitive: did you mean 'interval'?)",
               vmon_error_last());
    vmon_conf_key_unknown("socketmode", own, 1);
    EXPECT_STR("unknown key 'socketmode' (keys are case-sensitive: did you mean 'socketMode'?)",
               vmon_error_last());
    vmon_conf_key_unknown("colour", own, 1);
    EXPECT_STR("unknown key 'colour'", vmon_error_last());
    vmon_options_clear(&o);
}

int
main(void)
{
    RUN_TEST(empty_filter_takes_everything);
    RUN_TEST(globs_uuids_and_exclude_wins);
    RUN_TEST(bad_patterns_are_named);
    RUN_TEST(options_parse_and_report_the_key);
    RUN_TEST(values_are_range_checked_with_the_range_named);
    RUN_TEST(window_and_interval_agree);
    RUN_TEST(literal_names_are_exact);
    RUN_TEST(connection_switches);
    RUN_TEST(polling_keys_refused_with_virtmond);
    RUN_TEST(cli_parse_sets_keys_and_names_options_as_typed);
    RUN_TEST(action_check_refuses_before_acting);
    RUN_TEST(event_queue_keeps_order_and_drops_oldest);
    RUN_TEST(conf_keys_map_tokens_to_core_keys);
    RUN_TEST(duration_keys_set_their_own_option);
    return TAP_END();
}
