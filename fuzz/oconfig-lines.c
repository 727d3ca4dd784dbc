#include "oconfig-lines.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 8

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *
xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* One value token at *p into v; *p moves past it.  0, or -1 at the end. */
static int
next_value(const char **p, const char *end, oconfig_value_t *v)
{
    const char *s = *p;

    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= end)
        return -1;
    if (*s == '"') {
        char *out = xrealloc(NULL, (size_t) (end - s) + 1);
        size_t n = 0;
        for (s++; s < end && *s != '"'; s++) {
            if (*s == '\\' && s + 1 < end)
                s++;
            out[n++] = *s;
        }
        out[n] = '\0';
        *p = s < end ? s + 1 : s;
        *v = (oconfig_value_t) { .value.string = out, .type = OCONFIG_TYPE_STRING };
        return 0;
    }
    const char *w = s;
    while (s < end && *s != ' ' && *s != '\t')
        s++;
    *p = s;
    char *word = xstrndup(w, (size_t) (s - w));
    static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
    for (size_t i = 0; i < 3; i++)
        if (strcasecmp(word, yes[i]) == 0 || strcasecmp(word, no[i]) == 0) {
            *v = (oconfig_value_t) { .value.boolean = strcasecmp(word, yes[i]) == 0,
                                     .type = OCONFIG_TYPE_BOOLEAN };
            free(word);
            return 0;
        }
    char *num_end;
    double d = strtod(word, &num_end);
    if (num_end != word && !*num_end) {
        *v = (oconfig_value_t) { .value.number = d, .type = OCONFIG_TYPE_NUMBER };
        free(word);
        return 0;
    }
    *v = (oconfig_value_t) { .value.string = word, .type = OCONFIG_TYPE_STRING };
    return 0;
}

/* "Key v v ..." between s and end into ci. */
static void
fill_item(oconfig_item_t *ci, const char *s, const char *end)
{
    const char *k = s;

    while (s < end && *s != ' ' && *s != '\t')
        s++;
    ci->key = xstrndup(k, (size_t) (s - k));
    oconfig_value_t v;
    while (next_value(&s, end, &v) == 0) {
        ci->values = xrealloc(ci->values, sizeof(v) * (size_t) (ci->values_num + 1));
        ci->values[ci->values_num++] = v;
    }
}

/*
 * The lines from *at on into ci's children, until "</...>" or the end of
 * text; *at moves past what was taken.
 */
static void
parse_children(oconfig_item_t *ci, const char *text, const char *end, const char **at, int depth)
{
    while (*at < end) {
        const char *s = *at, *eol = memchr(s, '\n', (size_t) (end - s));
        if (!eol)
            eol = end;
        *at = eol < end ? eol + 1 : end;
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        const char *e = eol;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (s == e || *s == '#')
            continue;
        if (s[0] == '<' && e - s >= 2 && s[1] == '/')
            return;
        oconfig_item_t child = { 0 };
        bool block = s[0] == '<' && e[-1] == '>' && e - s >= 2;
        fill_item(&child, block ? s + 1 : s, block ? e - 1 : e);
        if (block && depth < MAX_DEPTH)
            parse_children(&child, text, end, at, depth + 1);
        ci->children = xrealloc(ci->children, sizeof(child) * (size_t) (ci->children_num + 1));
        ci->children[ci->children_num++] = child;
    }
}

/* Children's parent pointers, once no array moves any more. */
static void
set_parents(oconfig_item_t *ci)
{
    for (int i = 0; i < ci->children_num; i++) {
        ci->children[i].parent = ci;
        set_parents(&ci->children[i]);
    }
}

oconfig_item_t *
oconfig_lines_parse(const char *key, const char *value, const char *text, size_t len)
{
    oconfig_item_t *ci = xrealloc(NULL, sizeof(*ci));
    const char *at = text;

    memset(ci, 0, sizeof(*ci));
    ci->key = xstrndup(key, strlen(key));
    ci->values = xrealloc(NULL, sizeof(*ci->values));
    ci->values[0] = (oconfig_value_t) { .value.string = xstrndup(value, strlen(value)),
                                        .type = OCONFIG_TYPE_STRING };
    ci->values_num = 1;
    parse_children(ci, text, text + len, &at, 1);
    set_parents(ci);
    return ci;
}

static void
free_item(oconfig_item_t *ci)
{
    for (int i = 0; i < ci->values_num; i++)
        if (ci->values[i].type == OCONFIG_TYPE_STRING)
            free(ci->values[i].value.string);
    free(ci->values);
    for (int i = 0; i < ci->children_num; i++)
        free_item(&ci->children[i]);
    free(ci->children);
    free(ci->key);
}

void
oconfig_lines_free(oconfig_item_t *ci)
{
    if (!ci)
        return;
    free_item(ci);
    free(ci);
}
