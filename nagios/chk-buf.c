#include "chk-buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
reserve(struct chk_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 128;
    while (b->len + more + 1 > cap)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        fputs("VIRT UNKNOWN - out of memory\n", stdout);
        exit(3);
    }
    b->s = s;
    b->cap = cap;
}

void
chk_buf_printf(struct chk_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    reserve(b, (size_t) n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t) n;
}

void
chk_buf_add(struct chk_buf *b, const char *s)
{
    size_t n = strlen(s);

    reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

const char *
chk_buf_str(const struct chk_buf *b)
{
    return b->s ? b->s : "";
}

void
chk_buf_clear(struct chk_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
