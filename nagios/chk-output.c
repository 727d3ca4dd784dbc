#include "chk-output.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmon-range.h"

void
chk_output_init(struct chk_output *o)
{
    memset(o, 0, sizeof(*o));
    o->state = CHK_OK;
    vmon_perfdata_init(&o->perf);
}

void
chk_output_clear(struct chk_output *o)
{
    chk_buf_clear(&o->summary);
    chk_buf_clear(&o->lines);
    vmon_perfdata_clear(&o->perf);
}

void
chk_output_state(struct chk_output *o, int state)
{
    o->state = chk_state_worst(o->state, state);
}

static void
vappend(struct chk_buf *b, const char *sep, const char *fmt, va_list ap)
{
    va_list copy;

    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    char *tmp = malloc((size_t) n + 1);
    if (!tmp)
        return;
    vsnprintf(tmp, (size_t) n + 1, fmt, ap);
    if (b->len && sep)
        chk_buf_add(b, sep);
    chk_buf_add(b, tmp);
    free(tmp);
}

void
chk_output_summary(struct chk_output *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vappend(&o->summary, ", ", fmt, ap);
    va_end(ap);
}

void
chk_output_line(struct chk_output *o, const char *fmt, ...)
{
    va_list ap;
    struct chk_buf one = { 0 };

    va_start(ap, fmt);
    vappend(&one, NULL, fmt, ap);
    va_end(ap);
    /* one line each, whatever the text held */
    size_t need = chk_output_sanitize(NULL, 0, chk_buf_str(&one));
    char *safe = malloc(need + 1);
    if (safe) {
        chk_output_sanitize(safe, need + 1, chk_buf_str(&one));
        chk_buf_add(&o->lines, safe);
        chk_buf_add(&o->lines, "\n");
        free(safe);
    }
    chk_buf_clear(&one);
}

size_t
chk_output_sanitize(char *dst, size_t size, const char *src)
{
    size_t at = 0;

    for (const unsigned char *p = (const unsigned char *) src; *p; p++) {
        const char *rep = NULL;
        char c[2] = { (char) *p, '\0' };

        if (*p == '|')
            rep = "\xc2\xa6";        /* broken bar: still readable, not a separator */
        else if (*p < 0x20 || *p == 0x7f)
            rep = " ";
        else
            rep = c;
        for (const char *r = rep; *r; r++, at++)
            if (at + 1 < size)
                dst[at] = *r;
    }
    if (size)
        dst[at < size ? at : size - 1] = '\0';
    return at;
}

int
chk_output_print(const struct chk_output *o, FILE *f)
{
    const char *summary = chk_buf_str(&o->summary);
    size_t need = chk_output_sanitize(NULL, 0, summary);
    char *safe = malloc(need + 1);

    if (safe)
        chk_output_sanitize(safe, need + 1, summary);
    fprintf(f, "VIRT %s - %s", chk_state_name(o->state), safe ? safe : "(out of memory)");
    free(safe);
    if (o->perf.count)
        fprintf(f, " | %s", vmon_perfdata_text(&o->perf));
    fputc('\n', f);
    fputs(chk_buf_str(&o->lines), f);
    fflush(f);
    return o->state;
}
