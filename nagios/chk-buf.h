/* A growing string for building plugin output piece by piece. */
#ifndef CHK_BUF_H
#define CHK_BUF_H

#include <stddef.h>

struct chk_buf {
    char *s;
    size_t len, cap;
};

/* Appends; out of memory prints an UNKNOWN line and exits 3 (nothing else is sane). */
void chk_buf_printf(struct chk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void chk_buf_add(struct chk_buf *b, const char *s);
/* "" for an empty buffer, never NULL. */
const char *chk_buf_str(const struct chk_buf *b);
void chk_buf_clear(struct chk_buf *b);

#endif
