#include "vmon-labels.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-util.h"

int
vmon_label_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > VMON_LABEL_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char) *p) && !strchr("_.-", *p))
            return 0;
    return 1;
}

/* An XML name without a prefix: a letter or '_', then letters, digits, '_', '-', '.'. */
static char *
strndup_checked(const char *s, size_t n)
{
    char *out = vmon_alloc(n + 1);

    memcpy(out, s, n);
    return out;
}

static bool
xml_name_ok(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char) s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char) s[i]) && !strchr("_.-", s[i]))
            return false;
    return true;
}

/* An absolute URI as libvirt wants for a metadata namespace: "scheme:rest", no blanks. */
static bool
uri_ok(const char *s)
{
    const char *colon = strchr(s, ':');

    if (!colon || colon == s || !isalpha((unsigned char) s[0]) || !colon[1])
        return false;
    for (const char *p = s; p < colon; p++)
        if (!isalnum((unsigned char) *p) && !strchr("+.-", *p))
            return false;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char) *p) || strchr("<>\"'", *p))
            return false;
    return true;
}

VMON_STRINGS(def_strings, struct vmon_label_def, name, ns, attribute);

static void
def_clear(struct vmon_label_def *d)
{
    vmon_strings_free(d, &def_strings);
    for (size_t i = 0; i < d->nsteps; i++)
        free(d->steps[i]);
    free(d->steps);
}

static int
parse_path(struct vmon_label_def *d, const char *path)
{
    const char *p = path;

    if (*p == '/') {
        vmon_error_set("element path '%s' is relative to the namespace's element under "
                       "<metadata>: no leading '/'", path);
        return -1;
    }
    for (;;) {
        size_t n = strcspn(p, "/");
        bool attr = *p == '@';
        if (attr && p[n] == '\0' && d->nsteps > 0 && xml_name_ok(p + 1, n - 1)) {
            d->attribute = strndup_checked(p + 1, n - 1);
            return 0;
        }
        if (attr || !xml_name_ok(p, n)) {
            vmon_error_set("element path '%s': '%.*s' is not an element name (steps are "
                           "names separated by '/', the last may be @attribute)", path,
                           (int) n, p);
            return -1;
        }
        d->steps = vmon_realloc_array(d->steps, d->nsteps + 1, sizeof(*d->steps));
        d->steps[d->nsteps++] = strndup_checked(p, n);
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static void
append(struct vmon_label_defs **defs, struct vmon_label_def *d)
{
    if (!*defs)
        *defs = vmon_alloc(sizeof(**defs));
    (*defs)->defs = vmon_realloc_array((*defs)->defs, (*defs)->n + 1, sizeof(*(*defs)->defs));
    (*defs)->defs[(*defs)->n++] = *d;
}

static int
add_one(struct vmon_label_defs **defs, const char *name, const char *ns, const char *path)
{
    struct vmon_label_def d = { 0 };

    if (!vmon_label_name_ok(name)) {
        vmon_error_set("label name '%s' is not 1..%d of letters, digits, '_', '.', '-'",
                       name, VMON_LABEL_NAME_MAX);
        return -1;
    }
    if (!uri_ok(ns)) {
        vmon_error_set("label '%s': '%s' is not a namespace URI (e.g. https://example.org/ns/1)",
                       name, ns);
        return -1;
    }
    d.name = vmon_strdup(name);
    d.ns = vmon_strdup(ns);
    if (parse_path(&d, path) < 0) {
        def_clear(&d);
        return -1;
    }
    append(defs, &d);
    return 0;
}

/* Nova's nova:instance, in both namespace versions Nova has written (1.0 before 1.1). */
static void
add_nova(struct vmon_label_defs **defs)
{
    static const char *const labels[][2] = {
        { "nova.name", "instance/name" },
        { "nova.flavor", "instance/flavor/@name" },
        { "nova.user", "instance/owner/user" },
        { "nova.project", "instance/owner/project" },
    };
    static const char *const ns[] = { VMON_NOVA_NS_1_1, VMON_NOVA_NS_1_0 };

    for (size_t v = 0; v < VMON_ARRAY_SIZE(ns); v++)
        for (size_t i = 0; i < VMON_ARRAY_SIZE(labels); i++)
            add_one(defs, labels[i][0], ns[v], labels[i][1]);
}

int
vmon_label_defs_add(struct vmon_label_defs **defs, const char *text)
{
    char word[3][512];
    int n = 0;
    const char *p = text;

    while (*p && n <= 3) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t");
        if (!len)
            break;
        if (n < 3) {
            if (len >= sizeof(word[n])) {
                vmon_error_set("'%.40s...' is too long", p);
                return -1;
            }
            memcpy(word[n], p, len);
            word[n][len] = '\0';
        }
        n++;
        p += len;
    }
    if (n == 1 && strcmp(word[0], "nova") == 0) {
        add_nova(defs);
        return 0;
    }
    if (n != 3) {
        vmon_error_set("'%s' is neither NAME NAMESPACE-URI ELEMENT-PATH nor the preset 'nova'",
                       text);
        return -1;
    }
    return add_one(defs, word[0], word[1], word[2]);
}

struct vmon_label_defs *
vmon_label_defs_copy(const struct vmon_label_defs *defs)
{
    if (!defs)
        return NULL;
    struct vmon_label_defs *c = vmon_alloc(sizeof(*c));
    c->n = defs->n;
    c->defs = vmon_realloc_array(NULL, defs->n ? defs->n : 1, sizeof(*c->defs));
    for (size_t i = 0; i < defs->n; i++) {
        const struct vmon_label_def *s = &defs->defs[i];
        struct vmon_label_def *d = &c->defs[i];
        *d = *s;
        vmon_strings_dup(d, &def_strings);
        d->steps = vmon_realloc_array(NULL, s->nsteps ? s->nsteps : 1, sizeof(*d->steps));
        for (size_t j = 0; j < s->nsteps; j++)
            d->steps[j] = vmon_strdup(s->steps[j]);
    }
    return c;
}

void
vmon_label_defs_free(struct vmon_label_defs *defs)
{
    if (!defs)
        return;
    for (size_t i = 0; i < defs->n; i++)
        def_clear(&defs->defs[i]);
    free(defs->defs);
    free(defs);
}
