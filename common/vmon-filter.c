#include "vmon-filter.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmon-util.h"
#include "vmon-uuid.h"

struct vmon_pattern {
    bool include;
    bool is_uuid;
    bool literal;            /* exact name: no glob, no UUID reading */
    char *text;
};

struct vmon_filter {
    struct vmon_pattern *patterns;
    size_t count;
    size_t includes;
};

struct vmon_filter *
vmon_filter_new(void)
{
    return vmon_alloc(sizeof(struct vmon_filter));
}

void
vmon_filter_free(struct vmon_filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->count; i++)
        free(f->patterns[i].text);
    free(f->patterns);
    free(f);
}

struct vmon_filter *
vmon_filter_copy(const struct vmon_filter *f)
{
    struct vmon_filter *c = vmon_filter_new();

    if (!f)
        return c;
    c->patterns = vmon_realloc_array(NULL, f->count, sizeof(*c->patterns));
    for (size_t i = 0; i < f->count; i++) {
        c->patterns[i] = f->patterns[i];
        c->patterns[i].text = vmon_strdup(f->patterns[i].text);
    }
    c->count = f->count;
    c->includes = f->includes;
    return c;
}

static void
append(struct vmon_filter *f, struct vmon_pattern pat)
{
    f->patterns = vmon_realloc_array(f->patterns, f->count + 1, sizeof(*f->patterns));
    f->patterns[f->count++] = pat;
    if (pat.include)
        f->includes++;
}

static int
add_one(struct vmon_filter *f, bool include, const char *start, size_t len)
{
    while (len && isspace((unsigned char) *start))
        start++, len--;
    while (len && isspace((unsigned char) start[len - 1]))
        len--;
    if (!len) {
        vmon_error_set("empty pattern in %s list", include ? "include" : "exclude");
        return -1;
    }
    char *text = strndup(start, len);
    if (!text)
        abort();
    if (strchr(text, '[') && !strchr(text, ']')) {
        vmon_error_set("pattern '%s' has '[' without ']'", text);
        free(text);
        return -1;
    }
    append(f, (struct vmon_pattern) {
        .include = include, .is_uuid = vmon_uuid_is_text(text), .text = text,
    });
    return 0;
}

int
vmon_filter_add_literal(struct vmon_filter *f, bool include, const char *name)
{
    if (!name || !*name) {
        vmon_error_set("empty domain name in %s list", include ? "include" : "exclude");
        return -1;
    }
    append(f, (struct vmon_pattern) { .include = include, .literal = true,
                                      .text = vmon_strdup(name) });
    return 0;
}

const char *
vmon_filter_single_domain(const struct vmon_filter *f)
{
    const char *name = NULL;

    for (size_t i = 0; f && i < f->count; i++) {
        const struct vmon_pattern *pat = &f->patterns[i];
        if (!pat->include || (!pat->literal && !pat->is_uuid) || (name && strcmp(name, pat->text)))
            return NULL;
        name = pat->text;
    }
    return name;
}

int
vmon_filter_add(struct vmon_filter *f, bool include, const char *list)
{
    const char *p = list;

    if (!list || !*list) {
        vmon_error_set("empty %s list", include ? "include" : "exclude");
        return -1;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen(p);
        if (add_one(f, include, p, len) < 0)
            return -1;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static bool
pattern_matches(const struct vmon_pattern *pat, const char *name, const char *uuid_str)
{
    if (pat->literal)
        return name && strcmp(pat->text, name) == 0;
    if (pat->is_uuid)
        return uuid_str && strcasecmp(pat->text, uuid_str) == 0;
    return name && fnmatch(pat->text, name, 0) == 0;
}

bool
vmon_filter_match(const struct vmon_filter *f, const char *name, const char *uuid_str)
{
    bool included;

    if (!f)
        return true;
    included = f->includes == 0;
    for (size_t i = 0; i < f->count; i++) {
        const struct vmon_pattern *pat = &f->patterns[i];
        if (!pattern_matches(pat, name, uuid_str))
            continue;
        if (!pat->include)
            return false;
        included = true;
    }
    return included;
}
