#include "chk-statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chk-buf.h"
#include "vmon-cnum.h"
#include "vmon-metrics.h"
#include "vmon-util.h"
#include "vmon-uuid.h"

#define STATE_VERSION 1

const char *
chk_boot_id(void)
{
    static char id[64];
    static int done;

    if (!done) {
        FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
        if (f) {
            if (!fgets(id, sizeof(id), f))
                id[0] = '\0';
            fclose(f);
            id[strcspn(id, "\n")] = '\0';
        }
        done = 1;
    }
    return id;
}

/* A directory we own and others cannot write: else someone could feed us samples. */
static int
usable_dir(const char *path, char *why, size_t whylen)
{
    struct stat st;

    if (mkdir(path, 0700) < 0 && errno != EEXIST) {
        snprintf(why, whylen, "cannot create '%s': %s", path, strerror(errno));
        return 0;
    }
    if (lstat(path, &st) < 0) {
        snprintf(why, whylen, "cannot stat '%s': %s", path, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "'%s' is not a directory", path);
        return 0;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 022)) {
        snprintf(why, whylen, "'%s' is not owned by uid %u or is writable by others",
                 path, (unsigned) geteuid());
        return 0;
    }
    if (access(path, W_OK | X_OK) < 0) {
        snprintf(why, whylen, "cannot write in '%s': %s", path, strerror(errno));
        return 0;
    }
    return 1;
}

char *
chk_state_dir(const char *dir, char *err, size_t errlen)
{
    struct chk_buf cand = { 0 };
    char why[512] = "";

    if (dir) {
        /* Asked for explicitly: that one or none. */
        if (usable_dir(dir, err, errlen))
            return strdup(dir);
        return NULL;
    }

    const char *env = getenv("VIRTMON_STATE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *list[4] = { NULL };
    int n = 0;

    if (env && *env)
        list[n++] = strdup(env);
    if (xdg && *xdg == '/') {
        chk_buf_printf(&cand, "%s/virtmon", xdg);
        list[n++] = strdup(chk_buf_str(&cand));
        chk_buf_clear(&cand);
    } else if (home && *home == '/') {
        /* $HOME/.cache may not exist yet: create it as XDG says, 0700 */
        chk_buf_printf(&cand, "%s/.cache", home);
        if (mkdir(chk_buf_str(&cand), 0700) < 0 && errno != EEXIST) {
            /* not fatal: the next candidate may do */
        }
        chk_buf_add(&cand, "/virtmon");
        list[n++] = strdup(chk_buf_str(&cand));
        chk_buf_clear(&cand);
    }
    chk_buf_printf(&cand, "/tmp/virtmon-%u", (unsigned) geteuid());
    list[n++] = strdup(chk_buf_str(&cand));
    chk_buf_clear(&cand);

    char *found = NULL;
    for (int i = 0; i < n; i++) {
        if (!found && list[i] && usable_dir(list[i], why, sizeof(why)))
            found = list[i];
        else
            free(list[i]);
    }
    if (!found)
        snprintf(err, errlen, "no usable state directory (last: %s)", why);
    return found;
}

/* FNV-1a: a stable, short file-name-safe tag for a URI. */
static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *s; s++) {
        h ^= (unsigned char) *s;
        h *= 0x100000001b3ull;
    }
    return h;
}

char *
chk_state_path(const char *dir, const char *uri, const char *object)
{
    struct chk_buf b = { 0 };

    chk_buf_printf(&b, "%s/%016" PRIx64 "-%s.state", dir, fnv1a(uri ? uri : ""), object);
    return b.s;
}

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;

    if (!*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

/* One file's content, before judging its age. */
struct state_rec {
    double taken;                /* CLOCK_MONOTONIC time of the counters */
    time_t figures;              /* wall clock of the same moment; 0: not recorded */
    time_t unanswered;           /* no figures since then (a domain); 0: it gave them */
    int id;
    enum vmon_scope scope;
    char uuid_str[37];           /* "" for the node */
    /* room for either scope's values */
    struct vmon_value m[(int) VMON_DOM__N > (int) VMON_NODE__N ? (int) VMON_DOM__N : (int) VMON_NODE__N];
};

static int
parse_wall(const char *s, time_t *t)
{
    uint64_t v;

    /* a wall clock time in whole seconds, from 1970 to year ~2500 */
    if (parse_u64(s, &v) < 0 || v > 16725225600ull)
        return -1;
    *t = (time_t) v;
    return 0;
}

#define BAD(...) do { snprintf(why, whylen, __VA_ARGS__); rc = -1; goto out; } while (0)
#define STALE(...) do { snprintf(why, whylen, __VA_ARGS__); rc = 0; goto out; } while (0)

/*
 * Read path into r: 1 when it is of this boot and URI, 0 when absent or
 * another's (why says which), -1 when unreadable or corrupt (why says where).
 */
static int
state_read(const char *path, const char *uri, struct state_rec *r, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int rc = 1, lineno = 0;
    bool have_version = false, have_taken = false, have_boot = false, have_uri = false,
         have_obj = false;

    memset(r, 0, sizeof(*r));
    r->id = -1;
    r->scope = VMON_SCOPE_NODE;
    if (!f) {
        if (errno == ENOENT)
            STALE("no previous sample");
        BAD("cannot read '%s': %s", path, strerror(errno));
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (!strchr(line, '\n'))
            BAD("'%s' line %d is too long", path, lineno);
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *sp = strchr(line, ' ');
        if (!sp)
            BAD("'%s' line %d has no value", path, lineno);
        *sp = '\0';
        const char *key = line, *val = sp + 1;

        if (!have_version) {
            char want[16];
            snprintf(want, sizeof(want), "%d", STATE_VERSION);
            if (strcmp(key, "version") != 0 || strcmp(val, want) != 0)
                BAD("'%s' is not a version %d state file", path, STATE_VERSION);
            have_version = true;
        } else if (strcmp(key, "boot") == 0) {
            if (strcmp(val, chk_boot_id()) != 0)
                STALE("previous sample is from another boot");
            have_boot = true;
        } else if (strcmp(key, "taken") == 0) {
            if (vmon_cnum_parse(val, strlen(val), &r->taken) < 0)
                BAD("'%s' line %d: bad time '%s'", path, lineno, val);
            have_taken = true;
        } else if (strcmp(key, "figures") == 0 || strcmp(key, "unanswered") == 0) {
            if (parse_wall(val, key[0] == 'f' ? &r->figures : &r->unanswered) < 0)
                BAD("'%s' line %d: bad %s time '%s'", path, lineno, key, val);
        } else if (strcmp(key, "uri") == 0) {
            if (strcmp(val, uri ? uri : "") != 0)
                STALE("previous sample is of another URI ('%s')", val);
            have_uri = true;
        } else if (strcmp(key, "uuid") == 0) {
            unsigned char uuid[16];
            if (vmon_uuid_parse(val, uuid) < 0)
                BAD("'%s' line %d: bad UUID '%s'", path, lineno, val);
            snprintf(r->uuid_str, sizeof(r->uuid_str), "%s", val);
            r->scope = VMON_SCOPE_DOMAIN;
            have_obj = true;
        } else if (strcmp(key, "node") == 0) {
            r->scope = VMON_SCOPE_NODE;
            have_obj = true;
        } else if (strcmp(key, "id") == 0) {
            char *end;
            long v = strtol(val, &end, 10);
            if (*end || v < -1 || v > 1L << 30)
                BAD("'%s' line %d: bad id '%s'", path, lineno, val);
            r->id = (int) v;
        } else if (strcmp(key, "m") == 0) {
            char *sp2 = strchr(sp + 1, ' ');
            uint64_t u;
            if (!sp2 || !have_obj)
                BAD("'%s' line %d: a metric before the object or without a value", path, lineno);
            *sp2 = '\0';
            const struct vmon_metric_desc *d = vmon_metric_find(r->scope, sp + 1);
            if (parse_u64(sp2 + 1, &u) < 0)
                BAD("'%s' line %d: bad number '%s'", path, lineno, sp2 + 1);
            /* a metric this build no longer has is skipped, not an error */
            if (d && d->kind == VMON_KIND_COUNTER)
                vmon_value_set(&r->m[d->id], u);
        } else {
            BAD("'%s' line %d: unknown key '%s'", path, lineno, key);
        }
    }
    if (ferror(f))
        BAD("cannot read '%s'", path);
    if (!have_taken || !have_boot || !have_uri || !have_obj)
        BAD("'%s' is incomplete", path);
out:
    if (f)
        fclose(f);
    return rc;
}

/* r's sample as prev's one domain, or as its node. */
static void
rec_to_snapshot(const struct state_rec *r, struct vmon_snapshot *prev)
{
    if (r->scope == VMON_SCOPE_DOMAIN) {
        struct vmon_domain *dom = vmon_snapshot_add_domain(prev);
        vmon_uuid_parse(r->uuid_str, dom->uuid);
        memcpy(dom->uuid_str, r->uuid_str, sizeof(dom->uuid_str));
        dom->id = r->id;
        dom->figures_time = r->figures;
        dom->unanswered_since = r->unanswered;
        memcpy(dom->m, r->m, sizeof(dom->m));
    } else {
        memcpy(prev->node.m, r->m, sizeof(prev->node.m));
    }
}

int
chk_state_load(const char *path, const char *uri, double now, double min_age, double max_age,
               struct vmon_snapshot *prev, double *taken, double *age_out,
               char *why, size_t whylen)
{
    struct state_rec r;
    int rc = state_read(path, uri, &r, why, whylen);

    *age_out = NAN;
    if (rc != 1)
        return rc;
    /* Against the sample the rates are for, not the clock: another check of
     * the same domain may have saved a sample after ours was taken. */
    double age = now - r.taken;
    *age_out = age;
    *taken = r.taken;
    if (age < min_age)
        STALE("previous sample is only %.3f s older than this one", age);
    if (age > max_age)
        STALE("previous sample is %.0f s old (more than %.0f)", age, max_age);
    rec_to_snapshot(&r, prev);
    snprintf(why, whylen, "previous sample %.1f s old", age);
out:
    return rc;
}

int
chk_state_answering(const char *path, const char *uri, double now, double max_age,
                    struct vmon_snapshot *prev, char *why, size_t whylen)
{
    struct state_rec r;
    int rc = state_read(path, uri, &r, why, whylen);

    if (rc != 1)
        return rc;
    if (r.scope != VMON_SCOPE_DOMAIN) {
        snprintf(why, whylen, "'%s' is not a domain's", path);
        return -1;
    }
    /* figures too old to rate against are too old to judge on */
    if (now - r.taken > max_age) {
        memset(r.m, 0, sizeof(r.m));
        r.figures = 0;
    }
    rec_to_snapshot(&r, prev);
    return 1;
}

/* The sample snap took of dom (NULL: of the node), with no answering record. */
static void
rec_from_snapshot(const struct vmon_snapshot *snap, const struct vmon_domain *dom,
                  struct state_rec *r)
{
    size_t n;
    enum vmon_scope scope = dom ? VMON_SCOPE_DOMAIN : VMON_SCOPE_NODE;
    const struct vmon_metric_desc *desc = vmon_metrics(scope, &n);
    const struct vmon_value *m = dom ? dom->m : snap->node.m;

    memset(r, 0, sizeof(*r));
    r->taken = snap->taken;
    r->figures = snap->taken_wall > 0 ? snap->taken_wall : 0;
    r->scope = scope;
    r->id = dom ? dom->id : -1;
    if (dom)
        memcpy(r->uuid_str, dom->uuid_str, sizeof(r->uuid_str));
    for (size_t i = 0; i < n; i++)
        if (desc[i].kind == VMON_KIND_COUNTER && vmon_value_has(&m[i]))
            vmon_value_set(&r->m[i], m[i].u);
}

int
chk_state_save(const char *path, const struct vmon_snapshot *snap,
               const struct vmon_domain *dom, char *err, size_t errlen)
{
    struct chk_buf b = { 0 }, tmp = { 0 };
    char num[64], why[400];
    size_t n;
    struct state_rec r;
    int rc = -1;

    /*
     * A domain without figures now keeps the last sample that had them, so
     * the run that gets figures again rates against it, and records since
     * when it has given none, for the next run's busy-or-hung.
     */
    if (dom && dom->unanswered_since) {
        if (state_read(path, snap->uri, &r, why, sizeof(why)) != 1 || r.scope != VMON_SCOPE_DOMAIN
            || r.id != dom->id || strcmp(r.uuid_str, dom->uuid_str) != 0)
        {
            rec_from_snapshot(snap, dom, &r);
            r.figures = 0;
        }
        r.unanswered = dom->unanswered_since;
    } else {
        rec_from_snapshot(snap, dom, &r);
    }
    const struct vmon_metric_desc *desc = vmon_metrics(r.scope, &n);
    vmon_cnum_format(num, sizeof(num), r.taken);
    chk_buf_printf(&b, "version %d\n# virtmon check state: counters of the last run\n"
                   "boot %s\ntaken %s\nuri %s\n", STATE_VERSION, chk_boot_id(), num,
                   snap->uri ? snap->uri : "");
    if (r.figures)
        chk_buf_printf(&b, "figures %lld\n", (long long) r.figures);
    if (r.unanswered)
        chk_buf_printf(&b, "unanswered %lld\n", (long long) r.unanswered);
    if (r.scope == VMON_SCOPE_DOMAIN)
        chk_buf_printf(&b, "uuid %s\nid %d\n", r.uuid_str, r.id);
    else
        chk_buf_add(&b, "node -\n");
    for (size_t i = 0; i < n; i++)
        if (vmon_value_has(&r.m[i]))
            chk_buf_printf(&b, "m %s %" PRIu64 "\n", desc[i].key, r.m[i].u);

    chk_buf_printf(&tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp.s);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file next to '%s': %s", path, strerror(errno));
        goto out;
    }
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(fd, b.s + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "cannot write '%s': %s", tmp.s, strerror(errno));
            close(fd);
            unlink(tmp.s);
            goto out;
        }
        off += (size_t) w;
    }
    /* No fsync: losing the sample in a crash costs one in-process sample, nothing more. */
    if (close(fd) < 0 || rename(tmp.s, path) < 0) {
        snprintf(err, errlen, "cannot replace '%s': %s", path, strerror(errno));
        unlink(tmp.s);
        goto out;
    }
    rc = 0;
out:
    chk_buf_clear(&b);
    chk_buf_clear(&tmp);
    return rc;
}
