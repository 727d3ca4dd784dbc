#include "vmon-perfdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-cnum.h"

static const char *const uom_names[] = {
    "", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c",
};
_Static_assert(sizeof(uom_names) / sizeof(uom_names[0]) == VMON_UOM__N, "uom names");

const char *
vmon_uom_name(enum vmon_uom uom)
{
    return (unsigned) uom < VMON_UOM__N ? uom_names[uom] : "";
}

int
vmon_uom_parse(const char *text, enum vmon_uom *uom)
{
    for (int u = 0; u < VMON_UOM__N; u++)
        if (strcmp(text, uom_names[u]) == 0) {
            *uom = (enum vmon_uom) u;
            return 0;
        }
    return -1;
}

void
vmon_perfdata_init(struct vmon_perfdata *pd)
{
    memset(pd, 0, sizeof(*pd));
}

void
vmon_perfdata_clear(struct vmon_perfdata *pd)
{
    free(pd->buf);
    vmon_perfdata_init(pd);
}

const char *
vmon_perfdata_text(const struct vmon_perfdata *pd)
{
    return pd->buf ? pd->buf : "";
}

static void
append(struct vmon_perfdata *pd, const char *s, size_t n)
{
    if (pd->len + n + 1 > pd->cap) {
        size_t cap = pd->cap ? pd->cap : 256;

        while (pd->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(pd->buf, cap);
        if (!b) {
            /* A plugin that cannot allocate a few KiB has nothing sane to print. */
            fputs("UNKNOWN - out of memory\n", stdout);
            exit(3);
        }
        pd->buf = b;
        pd->cap = cap;
    }
    memcpy(pd->buf + pd->len, s, n);
    pd->len += n;
    pd->buf[pd->len] = '\0';
}

/* Copy src into buf (if room), quotes doubled, control characters as '_'. */
static size_t
quote_part(char *buf, size_t size, size_t at, const char *src)
{
    for (const unsigned char *p = (const unsigned char *) src; *p; p++) {
        char c = (*p < 0x20 || *p == 0x7f) ? '_' : (char) *p;

        if (c == '\'') {
            if (at + 1 < size)
                buf[at] = '\'';
            at++;
        }
        if (at + 1 < size)
            buf[at] = c;
        at++;
    }
    return at;
}

size_t
vmon_perfdata_quote_label(char *buf, size_t size, const char *prefix, const char *label)
{
    size_t at = 0;

    if (at + 1 < size)
        buf[at] = '\'';
    at++;
    if (prefix) {
        at = quote_part(buf, size, at, prefix);
        at = quote_part(buf, size, at, "::");
    }
    at = quote_part(buf, size, at, label);
    if (at + 1 < size)
        buf[at] = '\'';
    at++;
    if (size)
        buf[at < size ? at : size - 1] = '\0';
    return at;
}

static int
format_range(const struct vmon_range *r, bool have, char *buf, size_t size)
{
    if (!have) {
        buf[0] = '\0';
        return 0;
    }
    return vmon_range_format(r, buf, size) < 0 ? -1 : 0;
}

int
vmon_perfdata_add(struct vmon_perfdata *pd, const struct vmon_perf *p)
{
    char value[400], warn[820], crit[820], min[400] = "", max[400] = "";

    if (!p->label || !*p->label)
        return -1;
    if (p->exact)
        vmon_cnum_format_u64(value, sizeof(value), p->exact_value);
    else if (vmon_cnum_format(value, sizeof(value), p->value) < 0)
        return -1;
    static const struct vmon_thresholds none;
    const struct vmon_thresholds *th = p->th ? p->th : &none;
    if (format_range(&th->warn, th->have_warn, warn, sizeof(warn)) < 0 ||
        format_range(&th->crit, th->have_crit, crit, sizeof(crit)) < 0)
        return -1;
    if (p->have_min && vmon_cnum_format(min, sizeof(min), p->min) < 0)
        return -1;
    if (p->have_max && vmon_cnum_format(max, sizeof(max), p->max) < 0)
        return -1;

    size_t need = vmon_perfdata_quote_label(NULL, 0, p->prefix, p->label);
    char *label = malloc(need + 1);
    if (!label)
        return -1;
    vmon_perfdata_quote_label(label, need + 1, p->prefix, p->label);

    if (pd->count)
        append(pd, " ", 1);
    append(pd, label, strlen(label));
    free(label);
    append(pd, "=", 1);
    append(pd, value, strlen(value));
    const char *uom = vmon_uom_name(p->uom);
    append(pd, uom, strlen(uom));

    /* Trailing empty fields are dropped, as the guidelines allow. */
    const char *fields[] = { warn, crit, min, max };
    int last = -1;
    for (int i = 0; i < 4; i++)
        if (fields[i][0])
            last = i;
    for (int i = 0; i <= last; i++) {
        append(pd, ";", 1);
        append(pd, fields[i], strlen(fields[i]));
    }
    pd->count++;
    return 0;
}
