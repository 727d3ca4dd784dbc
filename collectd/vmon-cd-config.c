/*
 * The <Plugin virtmon> block.  Every error names its key and the block is
 * refused as a whole: a monitoring plugin that half-applies its
 * configuration reports the wrong domains without anyone noticing.
 */
#include "vmon-cd-plugin.h"

#include <strings.h>

#include "vmon-util.h"

void
vmon_cd_config_init(struct vmon_cd_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    vmon_options_init(&cfg->opts);
    cfg->groups = VMON_CD_GROUP_ALL;
}

void
vmon_cd_config_clear(struct vmon_cd_config *cfg)
{
    vmon_options_clear(&cfg->opts);
    memset(cfg, 0, sizeof(*cfg));
}

/*
 * Which option of the block is being read, from 1.  collectd hands a
 * plugin its block as a tree without file names or line numbers
 * (oconfig_item_t has none), so an error names the key and its place in
 * the block instead.  collectd reads its configuration on one thread.
 */
static int item_no;

static const char *
ordinal_suffix(int n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    switch (n % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

static int
fail(const char *key, const char *why)
{
    if (item_no > 0)
        ERROR("virtmon plugin: option \"%s\" (the %d%s option in <Plugin virtmon>; collectd gives "
              "plugins no file name or line number): %s", key, item_no, ordinal_suffix(item_no),
              why);
    else
        ERROR("virtmon plugin: option \"%s\": %s", key, why);
    return -1;
}

/* The strings of a key that takes one or more; NULL-free, or -1 after logging. */
static int
get_strings(const oconfig_item_t *ci, const char **words, size_t max, size_t *n)
{
    if (ci->values_num < 1)
        return fail(ci->key, "needs at least one value");
    if ((size_t) ci->values_num > max) {
        char why[96];
        snprintf(why, sizeof(why), "takes at most %zu values, got %d", max, ci->values_num);
        return fail(ci->key, why);
    }
    for (int i = 0; i < ci->values_num; i++) {
        if (ci->values[i].type != OCONFIG_TYPE_STRING)
            return fail(ci->key, "values must be quoted strings");
        words[i] = ci->values[i].value.string;
    }
    *n = (size_t) ci->values_num;
    return 0;
}

static int
get_string(const oconfig_item_t *ci, const char **value)
{
    size_t n;

    if (ci->values_num != 1)
        return fail(ci->key, "takes exactly one quoted string");
    return get_strings(ci, value, 1, &n);
}

/* collectd parses true/false itself; "yes" and friends arrive as strings. */
static int
get_bool(const oconfig_item_t *ci, bool *value)
{
    if (ci->values_num != 1)
        return fail(ci->key, "takes exactly one boolean (true or false)");
    if (ci->values[0].type == OCONFIG_TYPE_BOOLEAN) {
        *value = ci->values[0].value.boolean;
        return 0;
    }
    if (ci->values[0].type == OCONFIG_TYPE_STRING) {
        if (vmon_parse_bool(ci->values[0].value.string, value) == 0)
            return 0;
        return fail(ci->key, vmon_error_last());
    }
    return fail(ci->key, "takes exactly one boolean (true or false)");
}

/* Hand a key to the core so its syntax, ranges and messages are the core's. */
static int
core_option(struct vmon_cd_config *cfg, const oconfig_item_t *ci, const char *core_key,
            const char *value)
{
    if (vmon_options_set(&cfg->opts, core_key, value) < 0) {
        vmon_error_rename(core_key, NULL);   /* fail() names the key as written */
        return fail(ci->key, vmon_error_last());
    }
    return 0;
}

/*
 * One number (seconds, or a count) through the core's key, which checks
 * its range: "'1e+308' is out of range 0.5 s..1 d".  collectd has parsed
 * the number already; it goes back to text as collectd would print it.
 */
static int
number_option(struct vmon_cd_config *cfg, const oconfig_item_t *ci, const char *core_key,
              const char *what)
{
    char num[32];

    if (ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_STRING) {
        /* collectd reads "1e308" or "30s" as a word, not a number */
        char why[256];
        snprintf(why, sizeof(why), "%s, not the word \"%.64s\"", what, ci->values[0].value.string);
        return fail(ci->key, why);
    }
    if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER)
        return fail(ci->key, what);
    snprintf(num, sizeof(num), "%.15g", ci->values[0].value.number);
    return core_option(cfg, ci, core_key, num);
}

/*
 * Label "NAME" "NAMESPACE-URI" "ELEMENT-PATH", or Label "nova": the core's
 * label key, whose value is the same words as virtmon.conf's label line.
 */
static int
label_option(struct vmon_cd_config *cfg, const oconfig_item_t *ci)
{
    const char *words[3];
    size_t n;
    char value[1024];

    if (get_strings(ci, words, 3, &n) < 0)
        return -1;
    if (n == 2)
        return fail(ci->key, "takes \"NAME\" \"NAMESPACE-URI\" \"ELEMENT-PATH\", or \"nova\"");
    snprintf(value, sizeof(value), "%s%s%s%s%s", words[0], n > 1 ? " " : "", n > 1 ? words[1] : "",
             n > 2 ? " " : "", n > 2 ? words[2] : "");
    return core_option(cfg, ci, "label", value);
}

static int
read_format(const oconfig_item_t *ci, struct vmon_cd_format *fmt, size_t max, bool allow_none)
{
    const char *words[VMON_CD_MAX_FIELDS + 1];
    size_t n;
    char why[160];

    if (get_strings(ci, words, max, &n) < 0)
        return -1;
    if (vmon_cd_format_parse(fmt, words, n, max, allow_none, why, sizeof(why)) < 0)
        return fail(ci->key, why);
    return 0;
}

/*
 * Connection is virt.so's spelling of the libvirt URI, kept so its blocks
 * move over unchanged; with Source "virtmond" it is the URI virtmond must
 * be polling.  Two URIs in one block would leave the last one silently.
 */
static int
two_uris(const char *key)
{
    return fail(key, "Source \"libvirt:URI\" and Connection both name the libvirt URI; keep one");
}

static const struct {
    const char *key;
    unsigned group;
} switches[] = {
    { "ReportNode", VMON_CD_GROUP_NODE },
    { "ReportVcpus", VMON_CD_GROUP_VCPU },
    { "ReportDisks", VMON_CD_GROUP_DISK },
    { "ReportInterfaces", VMON_CD_GROUP_NIC },
    { "ReportMemory", VMON_CD_GROUP_MEMORY },
    { "ReportPercent", VMON_CD_GROUP_PERCENT },
    { "ReportPools", VMON_CD_GROUP_POOL },
};

static int
read_item(struct vmon_cd_config *cfg, const oconfig_item_t *ci)
{
    const char *s;
    const char *words[16];
    size_t n;
    bool b;

    if (ci->children_num > 0)
        return fail(ci->key, "is not a block");
    if (strcasecmp(ci->key, "Source") == 0) {
        if (get_string(ci, &s) < 0 || core_option(cfg, ci, "source", s) < 0)
            return -1;
        cfg->source_uri = strncmp(s, "libvirt:", 8) == 0;
        return cfg->source_uri && cfg->connection_set ? two_uris(ci->key) : 0;
    }
    if (strcasecmp(ci->key, "Connection") == 0) {
        cfg->connection_set = true;
        if (cfg->source_uri)
            return two_uris(ci->key);
        return get_string(ci, &s) < 0 ? -1 : core_option(cfg, ci, "uri", s);
    }
    if (strcasecmp(ci->key, "Include") == 0 || strcasecmp(ci->key, "Exclude") == 0) {
        if (get_strings(ci, words, VMON_ARRAY_SIZE(words), &n) < 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (core_option(cfg, ci, strcasecmp(ci->key, "Include") == 0 ? "include" : "exclude",
                            words[i]) < 0)
                return -1;
        return 0;
    }
    if (strcasecmp(ci->key, "Interval") == 0) {
        if (number_option(cfg, ci, "interval", "takes exactly one number of seconds") < 0)
            return -1;
        cfg->interval = DOUBLE_TO_CDTIME_T(cfg->opts.interval);
        return 0;
    }
    if (strcasecmp(ci->key, "Timeout") == 0) {
        cfg->timeout_set = true;
        return number_option(cfg, ci, "timeout", "takes exactly one number of seconds");
    }
    if (strcasecmp(ci->key, "BalloonStaleAge") == 0)
        return number_option(cfg, ci, "balloon-stale-age", "takes exactly one number of seconds");
    if (strcasecmp(ci->key, "NotAnsweringAfter") == 0)
        return number_option(cfg, ci, "not-answering-after", "takes exactly one number of seconds");
    if (strcasecmp(ci->key, "Workers") == 0)
        return number_option(cfg, ci, "workers", "takes exactly one whole number");
    if (strcasecmp(ci->key, "GuestFs") == 0) {
        if (get_bool(ci, &b) < 0)
            return -1;
        return core_option(cfg, ci, "guest-fs", b ? "yes" : "no");
    }
    if (strcasecmp(ci->key, "GuestFsInterval") == 0)
        return number_option(cfg, ci, "guest-fs-interval", "takes exactly one number of seconds");
    if (strcasecmp(ci->key, "GuestFsTimeout") == 0)
        return number_option(cfg, ci, "guest-fs-timeout", "takes exactly one number of seconds");
    if (strcasecmp(ci->key, "GuestFsCalls") == 0)
        return number_option(cfg, ci, "guest-fs-calls", "takes exactly one whole number");
    if (strcasecmp(ci->key, "Label") == 0)
        return label_option(cfg, ci);
    if (strcasecmp(ci->key, "HostnameFormat") == 0) {
        cfg->host_format_set = true;
        return read_format(ci, &cfg->host_format, 4, false);
    }
    if (strcasecmp(ci->key, "PluginInstanceFormat") == 0) {
        cfg->instance_format_set = true;
        return read_format(ci, &cfg->instance_format, 3, true);
    }
    if (strcasecmp(ci->key, "CompatVirtPlugin") == 0)
        return get_bool(ci, &cfg->compat);
    if (strcasecmp(ci->key, "InterfaceFormat") == 0 || strcasecmp(ci->key, "BlockDeviceFormat") == 0) {
        bool nic = strcasecmp(ci->key, "InterfaceFormat") == 0;
        if (get_string(ci, &s) < 0)
            return -1;
        int f = nic ? vmon_cd_nic_format_parse(s) : vmon_cd_disk_format_parse(s);
        if (f < 0)
            return fail(ci->key, nic ? "takes one of name, address, number, alias"
                                     : "takes target or source");
        if (nic)
            cfg->nic_format = (enum vmon_cd_nic_format) f;
        else
            cfg->disk_format = (enum vmon_cd_disk_format) f;
        return 0;
    }
    if (strcasecmp(ci->key, "BlockDeviceFormatBasename") == 0)
        return get_bool(ci, &cfg->disk_basename);
    for (size_t i = 0; i < VMON_ARRAY_SIZE(switches); i++) {
        if (strcasecmp(ci->key, switches[i].key) != 0)
            continue;
        if (get_bool(ci, &b) < 0)
            return -1;
        if (b)
            cfg->groups |= switches[i].group;
        else
            cfg->groups &= ~switches[i].group;
        return 0;
    }
    return fail(ci->key, "unknown option (known: Source, Connection, Include, Exclude, Interval, "
                         "Timeout, BalloonStaleAge, NotAnsweringAfter, Workers, GuestFs, GuestFsInterval, "
                         "GuestFsTimeout, GuestFsCalls, HostnameFormat, PluginInstanceFormat, "
                         "CompatVirtPlugin, InterfaceFormat, BlockDeviceFormat, "
                         "BlockDeviceFormatBasename, ReportNode, ReportVcpus, ReportDisks, "
                         "ReportInterfaces, ReportMemory, ReportPercent, ReportPools)");
}

int
vmon_cd_config_read(struct vmon_cd_config *cfg, oconfig_item_t *ci)
{
    int ret = 0;

    if (cfg->seen) {
        ERROR("virtmon plugin: only one <Plugin virtmon> block is allowed");
        cfg->failed = true;
        return -1;
    }
    cfg->seen = true;
    /* Keep going after an error so that one run reports every bad key. */
    for (int i = 0; i < ci->children_num; i++) {
        item_no = i + 1;
        if (read_item(cfg, &ci->children[i]) < 0)
            ret = -1;
    }
    item_no = 0;
    if (ret == 0)
        ret = vmon_cd_config_finish(cfg);
    if (ret < 0)
        cfg->failed = true;
    return ret;
}

int
vmon_cd_config_finish(struct vmon_cd_config *cfg)
{
    /* The core refuses Workers with virtmond itself; Timeout it keeps for
     * one-shot reads of virtmond (the checks), which a plugin never makes:
     * here it would be silently ignored, so it is refused as well. */
    if (cfg->timeout_set && cfg->opts.source == VMON_SOURCE_VIRTMOND) {
        ERROR("virtmon plugin: option \"Timeout\": not with Source \"virtmond\": virtmond "
              "polls libvirt, and its own --timeout decides this");
        return -1;
    }
    /* virt.so's defaults in compat mode, so its identifiers come out unchanged;
     * otherwise everything stays under the hypervisor's own host name. */
    if (!cfg->host_format_set) {
        cfg->host_format = (struct vmon_cd_format) {
            .field = { cfg->compat ? VMON_CD_FIELD_NAME : VMON_CD_FIELD_HOSTNAME }, .n = 1 };
    }
    if (!cfg->instance_format_set) {
        cfg->instance_format = cfg->compat ? (struct vmon_cd_format) { .n = 0 }
                                           : (struct vmon_cd_format) {
                                                 .field = { VMON_CD_FIELD_NAME }, .n = 1 };
    }
    if (!vmon_cd_format_identifies(&cfg->host_format)
        && !vmon_cd_format_identifies(&cfg->instance_format)) {
        ERROR("virtmon plugin: option \"%s\": with this HostnameFormat and "
              "PluginInstanceFormat every domain's values would get the same identifier; "
              "put name or uuid in one of them",
              cfg->instance_format_set ? "PluginInstanceFormat" : "HostnameFormat");
        return -1;
    }
    return 0;
}
