/*
 * The wire format, version 1: one record per line, fields separated by a
 * space, so `socat - UNIX:/run/virtmon/virtmond.sock` is readable.
 *
 *   virtmon-snapshot 1
 *   snapshot SEQ AGE TAKEN_WALL ELAPSED URI
 *   health CONNECTED POLLS POLL_ERRORS RECONNECTS LAST_POLL_SECONDS LAST_POLL_TIME LAST_ERROR
 *          LAST_ATTEMPT_TIME XML_FETCHES
 *   actions LIST              what the writer will do when asked: "none", "start,destroy"
 *   node HOSTNAME HV_TYPE HV_VERSION LIB_VERSION CPU_MODEL ACTIVE INACTIVE
 *   states N0 N1 ...          domains_by_state, indexed by enum vmon_domain_state
 *   domain NAME UUID ID STATE REASON PERSISTENT AUTOSTART PARTIAL PARTIAL_GROUPS OS_TYPE
 *          ANSWERING FIGURES_TIME UNANSWERED_SINCE
 *   title TITLE DESCRIPTION   the current domain's <title> and <description> (only when
 *                             it has either)
 *   label NAME VALUE          one of the current domain's labels (vmon-labels.h)
 *   w KEY MIN AVG MAX         window statistics of the current domain
 *   vcpu NUMBER
 *   disk NAME PATH
 *   nic NAME MAC
 *   guestfs FS_TIME ERROR     the current domain's guest file systems (option guest-fs): as of
 *                             FS_TIME (wall clock, 0: none), or none for ERROR (- : no error)
 *   fs MOUNTPOINT NAME FSTYPE DISKS
 *                             one of them (DISKS: the domain's disks under it, "vda,vdb")
 *   pools DRIVER              1: the host has a storage driver; 0: none, so no pools
 *   pool NAME UUID TYPE PATH STATE AUTOSTART PERSISTENT STALE FIGURES_TIME
 *                             a storage pool (after the domains; STATE: vmon_pool_state_name's word)
 *   m KEY HAVE U D            a metric of the nearest node/domain/vcpu/disk/nic/fs/pool line above
 *   end
 *
 * Strings are always quoted, with \\ \" \n \r \t and \xHH escapes for the
 * other control bytes (bytes >= 0x80 pass as they are, so UTF-8 stays
 * readable); a bare '-' is a NULL string.  AGE is seconds before the
 * writer's "now": CLOCK_MONOTONIC values mean nothing in another process.
 * Numbers are in the C locale.  A metric's or window's double is digits
 * when whole, else C99 hex (%a, "0x1.8p+1"); the header's are %.17g.  Both
 * read back to the same bits, and strtod() reads either: hex because
 * formatting %.17g was a third of virtmond's CPU serving 1000 domains.
 *
 * Version 1 may grow: a reader skips record keywords it does not know,
 * fields after the ones it knows and metric keys that are not in its table.
 * A change of meaning is version 2.  Fields added since: LAST_ATTEMPT_TIME
 * (absent: LAST_POLL_TIME), and ANSWERING (vmon_answering_name's word),
 * FIGURES_TIME, UNANSWERED_SINCE (wall clock, 0 for none); absent, as an
 * older writer sends it, a partial domain reads as not answering since the
 * snapshot, which is what such a writer's readers made of it.  LAST_POLL_TIME
 * is the time of the last poll that collected, which older writers sent as
 * the last attempt's.  Also added: XML_FETCHES (absent: 0), the title
 * and label records, the pools and pool records (absent: no pools), and the
 * guestfs and fs records (absent: no guest file systems).
 */
#include "vmon-wire.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "vmon-labels.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

#define WIRE_MAGIC "virtmon-snapshot"
#define WIRE_VERSION 1
#define MAX_FIELDS 16
#define MAX_LINE (1u << 20)
#define RESERVE_MAX 4096u    /* domains reserved on the node line's word, at most */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t) 0);
}

/* The C locale for numbers; (locale_t) 0 only if newlocale failed (no memory). */
static locale_t
get_c_locale(void)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale;
}

/* ---- writing ---- */

int
vmon_wire_write_string(FILE *f, const char *s)
{
    if (!s)
        return fputc('-', f) == EOF ? -1 : 0;
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\x%02x", *p);
            else
                fputc(*p, f);
        }
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

/* v in decimal at p; the end. */
static char *
put_u64(char *p, uint64_t v)
{
    char digits[20];
    int n = 0;

    do
        digits[n++] = (char) ('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = digits[--n];
    return p;
}

/*
 * d at p (32 bytes of room); the end.  Most doubles in a snapshot are
 * whole numbers (zero above all): plain digits, as %.17g writes them;
 * the rest in C99 hex, exact and without %.17g's big-number division.
 */
static char *
put_double(char *p, double d)
{
    if (d > -1e15 && d < 1e15 && d == (double) (long long) d && !(d == 0 && signbit(d))) {
        if (d < 0) {
            *p++ = '-';
            d = -d;
        }
        return put_u64(p, (uint64_t) d);
    }
    return p + snprintf(p, 32, "%a", d);
}

static void
write_values(FILE *f, enum vmon_scope scope, const struct vmon_value *m)
{
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);
    char line[128];

    for (size_t i = 0; i < n; i++) {
        if (!m[i].have)
            continue;
        size_t klen = strlen(desc[i].key);
        char *p = line;
        if (klen <= 40) {   /* all of today's keys: the line in one write */
            *p++ = 'm';
            *p++ = ' ';
            memcpy(p, desc[i].key, klen);
            p += klen;
        } else {
            fputs("m ", f);
            fputs(desc[i].key, f);
        }
        *p++ = ' ';
        p = put_u64(p, m[i].have);
        *p++ = ' ';
        p = put_u64(p, m[i].u);
        *p++ = ' ';
        p = put_double(p, m[i].d);
        *p++ = '\n';
        fwrite(line, 1, (size_t) (p - line), f);
    }
}

/* KEYWORD and n quoted strings, without the line's end */
static void
write_strings(FILE *f, const char *keyword, const char *const *s, size_t n)
{
    fputs(keyword, f);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', f);
        vmon_wire_write_string(f, s[i]);
    }
}

static void
write_labels(FILE *f, const struct vmon_domain *d)
{
    if (d->title || d->description) {
        write_strings(f, "title", (const char *const[]) { d->title, d->description }, 2);
        fputc('\n', f);
    }
    for (size_t i = 0; i < d->nlabels; i++) {
        write_strings(f, "label", (const char *const[]) { d->labels[i].name, d->labels[i].value }, 2);
        fputc('\n', f);
    }
}

static void
write_domain(FILE *f, const struct vmon_domain *d)
{
    static const char hex[] = "0123456789abcdef";
    char uuid[37];
    size_t n;
    const struct vmon_metric_desc *desc = vmon_metrics(VMON_SCOPE_DOMAIN, &n);

    /* from the bytes, so a reader's uuid and uuid_str always agree */
    for (size_t i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            uuid[o++] = '-';
        uuid[o++] = hex[d->uuid[i] >> 4];
        uuid[o++] = hex[d->uuid[i] & 15];
        uuid[o] = '\0';
    }
    fputs("domain ", f);
    vmon_wire_write_string(f, d->name);
    fprintf(f, " %s %d %d %d %d %d %d %u ", uuid, d->id, d->state, d->reason,
            d->persistent, d->autostart, d->partial, d->partial_groups);
    vmon_wire_write_string(f, d->os_type);
    fprintf(f, " %s %lld %lld\n", vmon_answering_name(d->answering), (long long) d->figures_time,
            (long long) d->unanswered_since);
    write_labels(f, d);
    write_values(f, VMON_SCOPE_DOMAIN, d->m);
    for (size_t i = 0; i < n; i++)
        if (d->win[i].have) {
            char line[128], *p = line;
            p = put_double(p, d->win[i].min);
            *p++ = ' ';
            p = put_double(p, d->win[i].avg);
            *p++ = ' ';
            p = put_double(p, d->win[i].max);
            *p = '\0';
            fprintf(f, "w %s %s\n", desc[i].key, line);
        }
    for (size_t i = 0; i < d->nvcpus; i++) {
        fprintf(f, "vcpu %u\n", d->vcpus[i].number);
        write_values(f, VMON_SCOPE_VCPU, d->vcpus[i].m);
    }
    /* "disk NAME PATH BUS SERIAL" and "nic NAME MAC ALIAS SOURCE MODEL NUMBER", each
     * followed by its metrics; a reader older than the last fields ignores them */
    for (size_t i = 0; i < d->ndisks; i++) {
        const struct vmon_disk *k = &d->disks[i];
        write_strings(f, "disk", (const char *const[]) { k->name, k->path, k->bus, k->serial }, 4);
        fputc('\n', f);
        write_values(f, VMON_SCOPE_DISK, k->m);
    }
    for (size_t i = 0; i < d->nnics; i++) {
        const struct vmon_nic *k = &d->nics[i];
        write_strings(f, "nic", (const char *const[]) { k->name, k->mac, k->alias, k->source, k->model }, 5);
        fprintf(f, " %u\n", k->number);
        write_values(f, VMON_SCOPE_NIC, k->m);
    }
    if (d->fs_time || d->fs_error) {
        fprintf(f, "guestfs %lld ", (long long) d->fs_time);
        vmon_wire_write_string(f, d->fs_error);
        fputc('\n', f);
    }
    for (size_t i = 0; i < d->nfss; i++) {
        const struct vmon_fs *k = &d->fss[i];
        write_strings(f, "fs", (const char *const[]) { k->mountpoint, k->name, k->fstype, k->disks }, 4);
        fputc('\n', f);
        write_values(f, VMON_SCOPE_FS, k->m);
    }
}

static void
write_pool(FILE *f, const struct vmon_pool *p)
{
    char uuid[37];

    vmon_uuid_format(p->uuid, uuid);
    fputs("pool ", f);
    vmon_wire_write_string(f, p->name);
    fprintf(f, " %s ", uuid);
    vmon_wire_write_string(f, p->type);
    fputc(' ', f);
    vmon_wire_write_string(f, p->path);
    fprintf(f, " %s %d %d %d %lld\n", vmon_pool_state_name(p->state), p->autostart,
            p->persistent, p->stale, (long long) p->figures_time);
    write_values(f, VMON_SCOPE_POOL, p->m);
}

int
vmon_wire_write(FILE *f, const struct vmon_snapshot *snap, const char *only)
{
    const struct vmon_health *h = &snap->health;
    const struct vmon_node *node = &snap->node;
    locale_t c = get_c_locale();
    if (!c)
        return -1;
    /* uselocale() is per thread: the caller's locale is back on return */
    locale_t old = uselocale(c);

    fprintf(f, "%s %d\n", WIRE_MAGIC, WIRE_VERSION);
    fprintf(f, "snapshot %" PRIu64 " %.17g %lld %.17g ", snap->seq,
            snap->taken > 0 ? vmon_now_mono() - snap->taken : 0.0,
            (long long) snap->taken_wall, snap->elapsed);
    vmon_wire_write_string(f, snap->uri);
    fprintf(f, "\nhealth %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %.17g %lld ", h->connected,
            h->polls, h->poll_errors, h->reconnects, h->last_poll_seconds,
            (long long) h->last_poll_time);
    vmon_wire_write_string(f, h->last_error);
    fprintf(f, " %lld %" PRIu64, (long long) h->last_attempt_time, h->xml_fetches);
    char actions[128];
    fprintf(f, "\nactions %s", vmon_actions_format(snap->actions_allowed, actions, sizeof(actions)));
    fputs("\nnode ", f);
    vmon_wire_write_string(f, node->hostname);
    fputc(' ', f);
    vmon_wire_write_string(f, node->hv_type);
    fprintf(f, " %lu %lu ", node->hv_version, node->lib_version);
    vmon_wire_write_string(f, node->cpu_model);
    fprintf(f, " %u %u\nstates", node->domains_active, node->domains_inactive);
    for (int i = 0; i < VMON_STATE__N; i++)
        fprintf(f, " %u", node->domains_by_state[i]);
    fputc('\n', f);
    write_values(f, VMON_SCOPE_NODE, node->m);
    if (only) {
        const struct vmon_domain *d = vmon_snapshot_find_domain(snap, only);
        if (d)
            write_domain(f, d);
    } else {
        for (size_t i = 0; i < snap->ndomains; i++)
            write_domain(f, &snap->domains[i]);
    }
    /* with one domain too: the libvirt source reads the pools whatever its domain filter,
     * and a one-shot dump through virtmond must show what a dump through libvirt does */
    fprintf(f, "pools %d\n", !snap->no_pool_driver);
    for (size_t i = 0; i < snap->npools; i++)
        write_pool(f, &snap->pools[i]);
    fputs("end\n", f);
    uselocale(old);
    return fflush(f) == EOF || ferror(f) ? -1 : 0;
}

/* ---- reading ---- */

struct field {
    char *s;          /* unescaped, NUL-terminated */
    bool quoted;
};

struct reader {
    struct vmon_snapshot *snap;
    unsigned line;
    locale_t c;
    char *err;
    size_t errlen;
    bool failed;
    /* where "m" lines go: the record above */
    enum vmon_scope scope;
    struct vmon_value *m;
    size_t hint;                 /* next metric index to try first */
    struct vmon_domain *dom;     /* for "w", "vcpu", "disk", "nic" */
    bool have_header[3];         /* snapshot, health, node */
};

static bool __attribute__((format(printf, 2, 3)))
fail(struct reader *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (r->failed)
        return false;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "line %u: %s", r->line, msg);
    r->failed = true;
    return false;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Unescape the quoted string at *pos into dst (which may be *pos itself:
 * the result is never longer) and leave *pos after the closing quote.
 * Returns the end of the result, or NULL on a bad escape or missing quote.
 */
static char *
unquote(char **pos, char *dst)
{
    char *p = *pos + 1;

    for (;;) {
        int c = (unsigned char) *p++;
        if (c == '\0')
            return NULL;
        if (c == '"')
            break;
        if (c == '\\') {
            c = (unsigned char) *p++;
            switch (c) {
            case '"': case '\\': break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'x': {
                int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
                if (lo < 0 || (hi == 0 && lo == 0))
                    return NULL;
                c = hi * 16 + lo;
                p += 2;
                break;
            }
            default: return NULL;
            }
        }
        *dst++ = (char) c;
    }
    *dst = '\0';
    *pos = p;
    return dst;
}

char *
vmon_wire_parse_string(const char *text, const char **end)
{
    if (!text || text[0] != '"')
        return NULL;
    char *copy = vmon_strdup(text), *pos = copy;
    if (!unquote(&pos, copy)) {
        free(copy);
        return NULL;
    }
    if (end)
        *end = text + (pos - copy);
    return copy;
}

/* Split line in place into fields; the count, or -1 on a bad string. */
static int
split(struct reader *r, char *line, struct field *fields)
{
    int n = 0;
    char *p = line;

    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        struct field fl = { p, *p == '"' };
        if (fl.quoted) {
            char *start = p;
            if (!unquote(&p, start)) {
                fail(r, "field %d: bad escape or missing closing quote", n + 1);
                return -1;
            }
        } else {
            while (*p && *p != ' ')   /* fields are short: cheaper than strcspn() */
                p++;
        }
        if (*p && *p != ' ') {
            fail(r, "field %d: no space after the closing quote", n + 1);
            return -1;
        }
        if (*p)
            *p++ = '\0';
        if (n < MAX_FIELDS)
            fields[n++] = fl;   /* fields past MAX_FIELDS: a newer writer's, ignored */
    }
    return n;
}

static bool
get_u64(struct reader *r, const struct field *f, const char *what, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = 0;

    errno = 0;
    /* strtoull would take "-1" and " 1": only digits are a number here */
    if (!f->quoted && isdigit((unsigned char) f->s[0]))
        v = strtoull(f->s, &end, 10);
    if (!end || *end || errno || v > max)
        return fail(r, "%s: '%s' is not a whole number up to %" PRIu64, what, f->s, max);
    *out = v;
    return true;
}

static bool
get_uint(struct reader *r, const struct field *f, const char *what, unsigned *out)
{
    uint64_t v;

    if (!get_u64(r, f, what, UINT_MAX, &v))
        return false;
    *out = (unsigned) v;
    return true;
}

static bool
get_int(struct reader *r, const struct field *f, const char *what, long long min, long long max,
        long long *out)
{
    char *end;

    errno = 0;
    long long v = strtoll(f->s, &end, 10);
    if (f->quoted || end == f->s || *end || errno || v < min || v > max || isspace((unsigned char) f->s[0]))
        return fail(r, "%s: '%s' is not a whole number in %lld..%lld", what, f->s, min, max);
    *out = v;
    return true;
}

static bool
get_bool(struct reader *r, const struct field *f, const char *what, bool *out)
{
    if (f->quoted || (strcmp(f->s, "0") != 0 && strcmp(f->s, "1") != 0))
        return fail(r, "%s: '%s' is not 0 or 1", what, f->s);
    *out = f->s[0] == '1';
    return true;
}

static bool
get_double(struct reader *r, const struct field *f, const char *what, double *out)
{
    char *end;

    /* most are integers written by %.17g ("0" above all): exact as doubles
     * up to 15 digits, and far cheaper than strtod */
    size_t digits = strspn(f->s, "0123456789");
    if (!f->quoted && digits && digits <= 15 && f->s[digits] == '\0') {
        *out = (double) strtoull(f->s, NULL, 10);
        return true;
    }
    errno = 0;
    double v = strtod_l(f->s, &end, r->c);
    /* ERANGE on underflow still gives the nearest double: keep it */
    if (f->quoted || end == f->s || *end || isspace((unsigned char) f->s[0])
        || (errno == ERANGE && (v > 1 || v < -1)))
        return fail(r, "%s: '%s' is not a number", what, f->s);
    *out = v;
    return true;
}

/* A quoted string (strdup'd into *out) or '-' for NULL. */
static bool
get_str(struct reader *r, const struct field *f, const char *what, char **out)
{
    if (!f->quoted && strcmp(f->s, "-") != 0)
        return fail(r, "%s: expected a quoted string or '-', got '%s'", what, f->s);
    free(*out);
    *out = f->quoted ? vmon_strdup(f->s) : NULL;
    return true;
}

static bool
get_uuid_into(struct reader *r, const struct field *f, unsigned char uuid[16], char uuid_str[37])
{
    if (f->quoted || vmon_uuid_parse(f->s, uuid) < 0)
        return fail(r, "uuid: '%s' is not a UUID", f->s);
    vmon_uuid_format(uuid, uuid_str);
    return true;
}

static bool
get_uuid(struct reader *r, const struct field *f, struct vmon_domain *d)
{
    return get_uuid_into(r, f, d->uuid, d->uuid_str);
}

static bool
need(struct reader *r, int n, int want, const char *record)
{
    return n >= want || fail(r, "'%s' needs %d fields, got %d", record, want - 1, n - 1);
}

/* The record's name, its first field, is a quoted string. */
static bool
quoted_name(struct reader *r, const struct field *f, const char *record)
{
    return f[1].quoted || fail(r, "%s name: expected a quoted string, got '%s'", record, f[1].s);
}

static void
set_target(struct reader *r, enum vmon_scope scope, struct vmon_value *m)
{
    r->scope = scope;
    r->m = m;
    r->hint = 0;
}

static bool
read_metric(struct reader *r, const struct field *f, int n)
{
    size_t count;
    const struct vmon_metric_desc *desc = vmon_metrics(r->scope, &count);
    uint64_t have;
    struct vmon_value v;

    if (!need(r, n, 5, "m"))
        return false;
    if (!r->m)
        return fail(r, "a metric before any node, domain or device line");
    if (!get_u64(r, &f[2], "have", 255, &have) || !get_u64(r, &f[3], "u", UINT64_MAX, &v.u)
        || !get_double(r, &f[4], "d", &v.d))
        return false;
    v.have = (uint8_t) have;
    /* the writer walks the table in order: try the next one first */
    size_t i = r->hint < count && strcmp(desc[r->hint].key, f[1].s) == 0 ? r->hint : count;
    if (i == count) {
        const struct vmon_metric_desc *d = vmon_metric_find(r->scope, f[1].s);
        if (!d)
            return true;   /* a newer writer's metric */
        i = (size_t) d->id;
    }
    r->m[i] = v;
    r->hint = i + 1;
    return true;
}

static bool
read_window(struct reader *r, const struct field *f, int n)
{
    struct vmon_window_stat w = { .have = true };

    if (!need(r, n, 5, "w"))
        return false;
    if (!r->dom)
        return fail(r, "window statistics before any domain line");
    if (!get_double(r, &f[2], "min", &w.min) || !get_double(r, &f[3], "avg", &w.avg)
        || !get_double(r, &f[4], "max", &w.max))
        return false;
    const struct vmon_metric_desc *d = vmon_metric_find(VMON_SCOPE_DOMAIN, f[1].s);
    if (d)
        r->dom->win[d->id] = w;
    return true;
}

/* ANSWERING FIGURES_TIME UNANSWERED_SINCE, fields 11 to 13 of a domain line */
static bool
read_answering(struct reader *r, const struct field *f, struct vmon_domain *d)
{
    long long figures, since;

    d->answering = -1;
    for (int a = 0; a < VMON_ANSWER__N; a++)
        if (!f[11].quoted && strcmp(f[11].s, vmon_answering_name(a)) == 0)
            d->answering = a;
    if (d->answering < 0)
        return fail(r, "answering: '%s' is not one of answering, busy, not-answering", f[11].s);
    if (!get_int(r, &f[12], "figures time", 0, LLONG_MAX, &figures)
        || !get_int(r, &f[13], "unanswered since", 0, LLONG_MAX, &since))
        return false;
    d->figures_time = (time_t) figures;
    d->unanswered_since = (time_t) since;
    return true;
}

static bool
read_domain(struct reader *r, const struct field *f, int n)
{
    long long id, state, reason;

    if (!need(r, n, 11, "domain") || !quoted_name(r, f, "domain"))
        return false;
    struct vmon_domain *d = vmon_snapshot_add_domain(r->snap);
    d->name = vmon_strdup(f[1].s);
    r->dom = d;
    set_target(r, VMON_SCOPE_DOMAIN, d->m);
    if (!get_uuid(r, &f[2], d) || !get_int(r, &f[3], "id", -1, INT_MAX, &id)
        || !get_int(r, &f[4], "state", INT_MIN, INT_MAX, &state)
        || !get_int(r, &f[5], "reason", INT_MIN, INT_MAX, &reason)
        || !get_bool(r, &f[6], "persistent", &d->persistent)
        || !get_bool(r, &f[7], "autostart", &d->autostart)
        || !get_bool(r, &f[8], "partial", &d->partial)
        || !get_uint(r, &f[9], "partial groups", &d->partial_groups)
        || !get_str(r, &f[10], "os type", &d->os_type))
        return false;
    d->id = (int) id;
    d->state = (int) state;
    d->reason = (int) reason;
    if (n >= 14)
        return read_answering(r, f, d);
    /* an older writer: partial was all there was, and its readers called it hung */
    bool hung = d->partial && d->id >= 0;
    d->answering = hung ? VMON_ANSWER_NOT : VMON_ANSWERING;
    d->figures_time = hung ? 0 : r->snap->taken_wall;
    d->unanswered_since = hung ? r->snap->taken_wall : 0;
    return true;
}

/* title TITLE DESCRIPTION, or label NAME VALUE, of the current domain */
static bool
read_label(struct reader *r, const struct field *f, int n, const char *record)
{
    if (!need(r, n, 3, record))
        return false;
    if (!r->dom)
        return fail(r, "'%s' before any domain line", record);
    if (record[0] == 't') {
        free(r->dom->title);
        free(r->dom->description);
        r->dom->title = r->dom->description = NULL;
        return get_str(r, &f[1], "title", &r->dom->title)
               && get_str(r, &f[2], "description", &r->dom->description);
    }
    if (!f[1].quoted || !vmon_label_name_ok(f[1].s))
        return fail(r, "label name: '%s' is not a quoted label name", f[1].s);
    if (!f[2].quoted)
        return fail(r, "label value: expected a quoted string, got '%s'", f[2].s);
    if (vmon_domain_label(r->dom, f[1].s))
        return fail(r, "label '%s' given twice", f[1].s);
    vmon_domain_add_label(r->dom, f[1].s, f[2].s);
    return true;
}

static bool
read_device(struct reader *r, const struct field *f, int n, const char *record)
{
    if (!need(r, n, record[0] == 'v' ? 2 : 3, record))
        return false;
    if (!r->dom)
        return fail(r, "'%s' before any domain line", record);
    if (record[0] == 'v') {
        unsigned number;
        if (!get_uint(r, &f[1], "vcpu number", &number))
            return false;
        set_target(r, VMON_SCOPE_VCPU, vmon_domain_get_vcpu(r->dom, number)->m);
        return true;
    }
    if (!quoted_name(r, f, record))
        return false;
    if (record[0] == 'd') {
        struct vmon_disk *disk = vmon_domain_add_disk(r->dom, f[1].s);
        set_target(r, VMON_SCOPE_DISK, disk->m);
        return get_str(r, &f[2], "disk path", &disk->path)
               && (n < 5 || (get_str(r, &f[3], "disk bus", &disk->bus)
                             && get_str(r, &f[4], "disk serial", &disk->serial)));
    }
    struct vmon_nic *nic = vmon_domain_add_nic(r->dom, f[1].s);
    set_target(r, VMON_SCOPE_NIC, nic->m);
    if (!f[2].quoted || strlen(f[2].s) >= sizeof(nic->mac))
        return fail(r, "nic mac: '%s' is not a quoted MAC address", f[2].s);
    strcpy(nic->mac, f[2].s);
    return n < 7 || (get_str(r, &f[3], "nic alias", &nic->alias)
                     && get_str(r, &f[4], "nic source", &nic->source)
                     && get_str(r, &f[5], "nic model", &nic->model)
                     && get_uint(r, &f[6], "nic number", &nic->number));
}

/* guestfs FS_TIME ERROR, or fs MOUNTPOINT NAME FSTYPE DISKS, of the current domain */
static bool
read_guestfs(struct reader *r, const struct field *f, int n, const char *record)
{
    long long when;

    if (!need(r, n, record[0] == 'g' ? 3 : 5, record))
        return false;
    if (!r->dom)
        return fail(r, "'%s' before any domain line", record);
    if (record[0] == 'g') {
        free(r->dom->fs_error);
        r->dom->fs_error = NULL;
        if (!get_int(r, &f[1], "guest fs time", 0, LLONG_MAX, &when))
            return false;
        r->dom->fs_time = (time_t) when;
        return get_str(r, &f[2], "guest fs error", &r->dom->fs_error);
    }
    if (!f[1].quoted)
        return fail(r, "fs mount point: expected a quoted string, got '%s'", f[1].s);
    if (vmon_domain_find_fs(r->dom, f[1].s))
        return fail(r, "fs '%s' given twice", f[1].s);
    struct vmon_fs *fs = vmon_domain_add_fs(r->dom, f[1].s);
    set_target(r, VMON_SCOPE_FS, fs->m);
    return get_str(r, &f[2], "fs name", &fs->name) && get_str(r, &f[3], "fs type", &fs->fstype)
           && get_str(r, &f[4], "fs disks", &fs->disks);
}

static bool
read_pool(struct reader *r, const struct field *f, int n)
{
    long long figures;

    if (!need(r, n, 10, "pool") || !quoted_name(r, f, "pool"))
        return false;
    struct vmon_pool *p = vmon_snapshot_add_pool(r->snap);
    p->name = vmon_strdup(f[1].s);
    r->dom = NULL;    /* a window or device line after a pool belongs to no domain */
    set_target(r, VMON_SCOPE_POOL, p->m);
    p->state = f[5].quoted ? -1 : vmon_pool_state_parse(f[5].s);
    if (!get_uuid_into(r, &f[2], p->uuid, p->uuid_str) || !get_str(r, &f[3], "pool type", &p->type)
        || !get_str(r, &f[4], "pool path", &p->path)
        || (p->state < 0 && !fail(r, "pool state: '%s' is not one of inactive, building, "
                                  "running, degraded, inaccessible", f[5].s))
        || !get_bool(r, &f[6], "autostart", &p->autostart)
        || !get_bool(r, &f[7], "persistent", &p->persistent)
        || !get_bool(r, &f[8], "stale", &p->stale)
        || !get_int(r, &f[9], "figures time", 0, LLONG_MAX, &figures))
        return false;
    p->figures_time = (time_t) figures;
    return true;
}

static bool
read_pools(struct reader *r, const struct field *f, int n)
{
    bool driver;

    if (!need(r, n, 2, "pools") || !get_bool(r, &f[1], "pool driver", &driver))
        return false;
    r->snap->no_pool_driver = !driver;
    return true;
}

static bool
read_header(struct reader *r, const struct field *f, int n)
{
    struct vmon_snapshot *s = r->snap;
    long long wall;
    double age;

    if (strcmp(f[0].s, "snapshot") == 0) {
        if (!need(r, n, 6, "snapshot") || !get_u64(r, &f[1], "seq", UINT64_MAX, &s->seq)
            || !get_double(r, &f[2], "age", &age) || !get_int(r, &f[3], "taken wall", 0, LLONG_MAX, &wall)
            || !get_double(r, &f[4], "elapsed", &s->elapsed) || !get_str(r, &f[5], "uri", &s->uri))
            return false;
        s->taken = vmon_now_mono() - age;
        s->taken_wall = (time_t) wall;
        r->have_header[0] = true;
        return true;
    }
    if (strcmp(f[0].s, "health") == 0) {
        struct vmon_health *h = &s->health;
        if (!need(r, n, 8, "health") || !get_bool(r, &f[1], "connected", &h->connected)
            || !get_u64(r, &f[2], "polls", UINT64_MAX, &h->polls)
            || !get_u64(r, &f[3], "poll errors", UINT64_MAX, &h->poll_errors)
            || !get_u64(r, &f[4], "reconnects", UINT64_MAX, &h->reconnects)
            || !get_double(r, &f[5], "last poll seconds", &h->last_poll_seconds)
            || !get_int(r, &f[6], "last poll time", LLONG_MIN, LLONG_MAX, &wall)
            || !get_str(r, &f[7], "last error", &h->last_error))
            return false;
        h->last_poll_time = (time_t) wall;
        h->last_attempt_time = h->last_poll_time;
        if (n >= 9 && !get_int(r, &f[8], "last attempt time", LLONG_MIN, LLONG_MAX, &wall))
            return false;
        if (n >= 9)
            h->last_attempt_time = (time_t) wall;
        if (n >= 10 && !get_u64(r, &f[9], "xml fetches", UINT64_MAX, &h->xml_fetches))
            return false;
        r->have_header[1] = true;
        return true;
    }
    if (strcmp(f[0].s, "node") == 0) {
        struct vmon_node *nd = &s->node;
        uint64_t hv, lib;
        if (!need(r, n, 8, "node") || !get_str(r, &f[1], "hostname", &nd->hostname)
            || !get_str(r, &f[2], "hypervisor type", &nd->hv_type)
            || !get_u64(r, &f[3], "hypervisor version", ULONG_MAX, &hv)
            || !get_u64(r, &f[4], "library version", ULONG_MAX, &lib)
            || !get_str(r, &f[5], "cpu model", &nd->cpu_model)
            || !get_uint(r, &f[6], "active domains", &nd->domains_active)
            || !get_uint(r, &f[7], "inactive domains", &nd->domains_inactive))
            return false;
        nd->hv_version = (unsigned long) hv;
        nd->lib_version = (unsigned long) lib;
        /* the domains follow: growing the array as they come copied it
         * over and over (2 KB each); a hint only, and a bounded one.  Not
         * once domains are read (a node line out of place): moving the
         * array would leave r->dom pointing into the freed one */
        size_t announced = (size_t) nd->domains_active + nd->domains_inactive;
        if (s->ndomains == 0)
            vmon_snapshot_reserve_domains(s, announced < RESERVE_MAX ? announced : RESERVE_MAX);
        set_target(r, VMON_SCOPE_NODE, nd->m);
        r->have_header[2] = true;
        return true;
    }
    /* "states": fewer than we know leaves the rest 0, more are a newer writer's */
    for (int i = 1; i < n && i <= VMON_STATE__N; i++)
        if (!get_uint(r, &f[i], "domains by state", &s->node.domains_by_state[i - 1]))
            return false;
    return true;
}

/* One line; 1 at "end", 0 to go on, -1 on error. */
static int
read_line(struct reader *r, char *line)
{
    struct field f[MAX_FIELDS];
    int n = split(r, line, f);

    if (n < 0)
        return -1;
    if (n == 0) {
        fail(r, "empty line");
        return -1;
    }
    const char *kw = f[0].s;
    bool ok = true;
    if (f[0].quoted)
        ok = fail(r, "a record starts with a keyword, not a string");
    else if (strcmp(kw, "m") == 0)
        ok = read_metric(r, f, n);
    else if (strcmp(kw, "w") == 0)
        ok = read_window(r, f, n);
    else if (strcmp(kw, "domain") == 0)
        ok = read_domain(r, f, n);
    else if (strcmp(kw, "title") == 0 || strcmp(kw, "label") == 0)
        ok = read_label(r, f, n, kw);
    else if (strcmp(kw, "vcpu") == 0 || strcmp(kw, "disk") == 0 || strcmp(kw, "nic") == 0)
        ok = read_device(r, f, n, kw);
    else if (strcmp(kw, "snapshot") == 0 || strcmp(kw, "health") == 0
             || strcmp(kw, "node") == 0 || strcmp(kw, "states") == 0)
        ok = read_header(r, f, n);
    else if (strcmp(kw, "guestfs") == 0 || strcmp(kw, "fs") == 0)
        ok = read_guestfs(r, f, n, kw);
    else if (strcmp(kw, "pool") == 0)
        ok = read_pool(r, f, n);
    else if (strcmp(kw, "pools") == 0)
        ok = read_pools(r, f, n);
    else if (strcmp(kw, "actions") == 0)
        ok = need(r, n, 2, "actions") && (vmon_actions_parse(f[1].s, &r->snap->actions_allowed) == 0
                                          || fail(r, "actions: %s", vmon_error_last()));
    else if (strcmp(kw, "end") == 0)
        return 1;
    else if (strspn(kw, "abcdefghijklmnopqrstuvwxyz-") != strlen(kw))
        ok = fail(r, "'%.40s' is not a record keyword", kw);
    /* else a record a newer writer added: skip it */
    return ok ? 0 : -1;
}

struct vmon_snapshot *
vmon_wire_read(FILE *f, char *err, size_t errlen)
{
    struct reader r = { .err = err, .errlen = errlen, .c = get_c_locale() };
    char *line = NULL;
    size_t cap = 0;
    int done = 0;

    if (errlen)
        err[0] = '\0';
    if (!r.c) {
        snprintf(err, errlen, "cannot create the C locale: %s", strerror(errno));
        return NULL;
    }
    r.snap = vmon_snapshot_new();
    for (ssize_t len; done == 0 && (len = getline(&line, &cap, f)) >= 0; ) {
        r.line++;
        if (len == 0 || line[len - 1] != '\n')
            fail(&r, "the line has no newline at its end (truncated?)");
        else if ((size_t) len > MAX_LINE || strlen(line) != (size_t) len)
            fail(&r, "line too long or holds a NUL byte");
        else {
            line[len - 1] = '\0';
            if (r.line > 1)
                done = read_line(&r, line);
            else if (strncmp(line, WIRE_MAGIC " ", sizeof(WIRE_MAGIC)) != 0)
                fail(&r, "not a virtmon snapshot (expected '%s %d', got '%.40s')",
                     WIRE_MAGIC, WIRE_VERSION, line);
            else if (strcmp(line + sizeof(WIRE_MAGIC), "1") != 0)
                fail(&r, "snapshot version '%.20s' is not one this reader knows (%d)",
                     line + sizeof(WIRE_MAGIC), WIRE_VERSION);
        }
        if (r.failed)
            done = -1;
    }
    free(line);
    if (done == 0) {
        r.line++;
        fail(&r, r.line == 1 ? "empty input" : "the input ends before the 'end' line (truncated?)");
    } else if (done == 1 && !(r.have_header[0] && r.have_header[1] && r.have_header[2])) {
        fail(&r, "'end' before the snapshot, health and node lines");
    }
    if (r.failed) {
        vmon_snapshot_unref(r.snap);
        return NULL;
    }
    vmon_snapshot_trim(r.snap);
    vmon_snapshot_sort(r.snap);
    return r.snap;
}

int
vmon_wire_write_event(FILE *f, const struct vmon_event *ev)
{
    fprintf(f, "event %s %lld %d %d %d ", vmon_event_type_name(ev->type), (long long) ev->when,
            ev->event, ev->detail, ev->state);
    vmon_wire_write_string(f, ev->name);
    fputc(' ', f);
    vmon_wire_write_string(f, ev->uuid_str[0] ? ev->uuid_str : NULL);
    fputc(' ', f);
    vmon_wire_write_string(f, ev->message);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

/*
 * A one-line record (an event, an action result): its fields, at least
 * min_fields of them, the first being word; false with not_this otherwise.
 */
static bool
split_line(struct reader *r, char *line, struct field *f, const char *word, int min_fields,
           const char *not_this)
{
    int n = split(r, line, f);

    if (n < 0)
        return false;
    if (n < min_fields || strcmp(f[0].s, word) != 0)
        return fail(r, "%s", not_this);
    return true;
}

int
vmon_wire_parse_event(char *line, struct vmon_event *ev, char *err, size_t errlen)
{
    struct reader r = { .line = 1, .c = get_c_locale(), .err = err, .errlen = errlen };
    struct field f[MAX_FIELDS];
    long long when, event, detail, state;
    char *name = NULL, *uuid = NULL, *message = NULL;

    memset(ev, 0, sizeof(*ev));
    if (!split_line(&r, line, f, "event", 9, "not an event line (want 9 fields after 'event')"))
        return -1;
    int type = -1;
    for (int t = 0; t < VMON_EVENT__N; t++)
        if (strcmp(f[1].s, vmon_event_type_name((enum vmon_event_type) t)) == 0)
            type = t;
    if (type < 0) {
        fail(&r, "event type '%s' unknown", f[1].s);
        return -1;
    }
    struct vmon_domain d = { 0 };
    bool ok = get_int(&r, &f[2], "when", 0, LLONG_MAX, &when)
              && get_int(&r, &f[3], "event", -1, 255, &event)
              && get_int(&r, &f[4], "detail", -1, 255, &detail)
              && get_int(&r, &f[5], "state", 0, VMON_STATE__N - 1, &state)
              && get_str(&r, &f[6], "name", &name) && get_str(&r, &f[7], "uuid", &uuid)
              && get_str(&r, &f[8], "message", &message);
    if (ok && uuid) {
        struct field uf = { uuid, false };
        ok = get_uuid(&r, &uf, &d);
    }
    if (ok) {
        ev->type = (enum vmon_event_type) type;
        ev->when = (time_t) when;
        ev->event = (int) event;
        ev->detail = (int) detail;
        ev->state = (int) state;
        snprintf(ev->name, sizeof(ev->name), "%s", name ? name : "");
        memcpy(ev->uuid, d.uuid, 16);
        memcpy(ev->uuid_str, d.uuid_str, sizeof(ev->uuid_str));
        snprintf(ev->message, sizeof(ev->message), "%s", message ? message : "");
    }
    free(name);
    free(uuid);
    free(message);
    return ok ? 0 : -1;
}

int
vmon_wire_write_action_result(FILE *f, const struct vmon_action_result *res)
{
    fprintf(f, "action-result %s %s %lld ", vmon_action_name(res->action),
            vmon_action_status_name(res->status), (long long) res->when);
    vmon_wire_write_string(f, res->message);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

int
vmon_wire_parse_action_result(char *line, struct vmon_action_result *res, char *err,
                              size_t errlen)
{
    struct reader r = { .line = 1, .c = get_c_locale(), .err = err, .errlen = errlen };
    struct field f[MAX_FIELDS];
    long long when;
    char *message = NULL;

    memset(res, 0, sizeof(*res));
    if (!split_line(&r, line, f, "action-result", 5,
                    "not an action result (want 4 fields after 'action-result')"))
        return -1;
    int action = vmon_action_from_name(f[1].s);
    int status = vmon_action_status_from_name(f[2].s);
    bool ok = (action > VMON_ACTION_NONE || fail(&r, "action '%s' unknown", f[1].s))
              && (status >= 0 || fail(&r, "action status '%s' unknown", f[2].s))
              && get_int(&r, &f[3], "when", 0, LLONG_MAX, &when)
              && get_str(&r, &f[4], "message", &message);
    if (ok) {
        res->action = (enum vmon_action) action;
        res->status = (enum vmon_action_status) status;
        res->when = (time_t) when;
        snprintf(res->message, sizeof(res->message), "%s", message ? message : "");
    }
    free(message);
    return ok ? 0 : -1;
}
