/*
 * What a check prints, gathered while it evaluates and printed once:
 *
 *   VIRT <STATE> - <summary> | <perfdata>
 *   <one line per domain that is not OK, or every domain with -v>
 *
 * The text parts are made safe on the way out: a '|' would start the
 * perfdata early in Nagios' parser and a newline would start a new line,
 * and both can occur in domain names.
 */
#ifndef CHK_OUTPUT_H
#define CHK_OUTPUT_H

#include <stdio.h>

#include "chk-buf.h"
#include "vmon-perfdata.h"

struct chk_output {
    int state;                    /* worst so far (enum chk_state) */
    struct chk_buf summary;
    struct chk_buf lines;         /* long output, '\n'-separated */
    struct vmon_perfdata perf;
};

void chk_output_init(struct chk_output *o);
void chk_output_clear(struct chk_output *o);
/* Fold state into the result (chk_state_worst). */
void chk_output_state(struct chk_output *o, int state);
/* Append to the summary; parts after the first are joined with ", ". */
void chk_output_summary(struct chk_output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Add one line of long output. */
void chk_output_line(struct chk_output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print everything to f; returns the exit code (the state). */
int chk_output_print(const struct chk_output *o, FILE *f);

/* Copy src with '|' as U+00A6 and control characters as ' '; returns the length needed. */
size_t chk_output_sanitize(char *dst, size_t size, const char *src);

#endif
