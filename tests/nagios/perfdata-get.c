/*
 * Test helper: read plugin output on stdin, check that its first line is
 * "VIRT <STATE> - text | perfdata" with perfdata valid per the
 * guidelines (quoted labels with '' escapes, C-locale numbers, UOM from
 * the list, warn/crit in range syntax, min/max numbers), then print
 *
 *   perfdata-get            every item: label<TAB>value<TAB>uom<TAB>warn<TAB>crit<TAB>min<TAB>max
 *   perfdata-get LABEL...   the value of each LABEL, one per line
 *
 * Exit 0, 1 when the output is invalid or a LABEL is missing (with why on
 * stderr), 99 on usage errors.  Written separately from vmon-perfdata.c
 * so that it checks the format, not the formatter's idea of it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-range.h"

struct item {
    char label[1024];
    char value[128], uom[16], field[4][128];
};

static int
bad(const char *why, const char *at)
{
    fprintf(stderr, "perfdata-get: %s at: %.60s\n", why, at);
    return -1;
}

static int
is_number(const char *s)
{
    /* [-]digits[.digits]: what Nagios-era graphers accept */
    const char *p = s;
    int digits = 0;

    if (*p == '-')
        p++;
    while (isdigit((unsigned char) *p))
        p++, digits++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char) *p))
            p++, digits++;
    }
    return digits > 0 && *p == '\0';
}

static int
copy_until(char *dst, size_t size, const char **pp, const char *stops)
{
    size_t n = 0;
    const char *p = *pp;

    while (*p && !strchr(stops, *p)) {
        if (n + 1 >= size)
            return -1;
        dst[n++] = *p++;
    }
    dst[n] = '\0';
    *pp = p;
    return 0;
}

static int
parse_item(const char **pp, struct item *it)
{
    const char *p = *pp;
    size_t n = 0;
    static const char *const uoms[] = { "", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c" };

    memset(it, 0, sizeof(*it));
    if (*p == '\'') {
        for (p++;; p++) {
            if (!*p)
                return bad("unterminated quoted label", *pp);
            if (*p == '\'') {
                if (p[1] != '\'')
                    break;
                p++;
            }
            if (n + 1 >= sizeof(it->label))
                return bad("label too long", *pp);
            it->label[n++] = *p;
        }
        p++;
    } else {
        while (*p && *p != '=' && *p != ' ') {
            if (*p == '\'')
                return bad("quote in an unquoted label", *pp);
            it->label[n++] = *p++;
        }
    }
    if (n == 0)
        return bad("empty label", *pp);
    if (*p++ != '=')
        return bad("no '=' after the label", *pp);
    const char *v = p;
    while (*p && strchr("-0123456789.", *p))
        p++;
    if ((size_t) (p - v) >= sizeof(it->value))
        return bad("value too long", v);
    memcpy(it->value, v, (size_t) (p - v));
    if (!is_number(it->value))
        return bad("value is not a C-locale number", v);
    if (copy_until(it->uom, sizeof(it->uom), &p, "; ") < 0)
        return bad("UOM too long", p);
    int known = 0;
    for (size_t i = 0; i < sizeof(uoms) / sizeof(uoms[0]); i++)
        known |= strcmp(it->uom, uoms[i]) == 0;
    if (!known)
        return bad("UOM not in the guidelines' list", v);
    for (int f = 0; f < 4 && *p == ';'; f++) {
        p++;
        if (copy_until(it->field[f], sizeof(it->field[f]), &p, "; ") < 0)
            return bad("field too long", p);
        if (!it->field[f][0])
            continue;
        if (f < 2) {
            struct vmon_range r;
            char err[256];
            if (vmon_range_parse(it->field[f], &r, err, sizeof(err)) < 0)
                return bad(err, it->field[f]);
        } else if (!is_number(it->field[f])) {
            return bad("min/max is not a number", it->field[f]);
        }
    }
    if (*p == ';')
        return bad("more than 5 fields", p);
    if (*p && *p != ' ')
        return bad("junk after the item", p);
    while (*p == ' ')
        p++;
    *pp = p;
    return 0;
}

int
main(int argc, char **argv)
{
    static char line[1 << 20];
    struct item *items = NULL;
    size_t nitems = 0;

    if (!fgets(line, sizeof(line), stdin)) {
        fprintf(stderr, "perfdata-get: no output at all\n");
        return 1;
    }
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "VIRT ", 5) != 0) {
        fprintf(stderr, "perfdata-get: first line does not start with 'VIRT ': %s\n", line);
        return 1;
    }
    const char *bar = strchr(line, '|');
    const char *p = bar ? bar + 1 : "";
    while (*p == ' ')
        p++;
    while (*p) {
        items = realloc(items, (nitems + 1) * sizeof(*items));
        if (!items)
            return 99;
        if (parse_item(&p, &items[nitems]) < 0)
            return 1;
        for (size_t i = 0; i < nitems; i++)
            if (strcmp(items[i].label, items[nitems].label) == 0) {
                fprintf(stderr, "perfdata-get: label '%s' appears twice\n", items[i].label);
                return 1;
            }
        nitems++;
    }
    int rc = 0;
    if (argc == 1) {
        for (size_t i = 0; i < nitems; i++)
            printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", items[i].label, items[i].value, items[i].uom,
                   items[i].field[0], items[i].field[1], items[i].field[2], items[i].field[3]);
    }
    for (int a = 1; a < argc; a++) {
        size_t i;
        for (i = 0; i < nitems && strcmp(items[i].label, argv[a]) != 0; i++)
            ;
        if (i == nitems) {
            fprintf(stderr, "perfdata-get: no label '%s' in: %s\n", argv[a], line);
            rc = 1;
            continue;
        }
        printf("%s\n", items[i].value);
    }
    free(items);
    return rc;
}
