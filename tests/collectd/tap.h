/*
 * Minimal TAP output for the collectd face's unit tests, run by automake's
 * plain driver: the exit code decides (0 pass, 1 fail, 99 hard error); the
 * "ok"/"not ok" lines are for the .log file.
 */
#ifndef VMON_CD_TAP_H
#define VMON_CD_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_bad;

#define TAP(ok, ...)                                                    \
    do {                                                                \
        int ok_ = (ok);                                                 \
        tap_n++;                                                        \
        tap_bad += !ok_;                                                \
        printf("%s %d - ", ok_ ? "ok" : "not ok", tap_n);               \
        printf(__VA_ARGS__);                                            \
        printf(" (line %d)\n", __LINE__);                               \
    } while (0)

#define CHECK(cond) TAP((cond), "%s", #cond)
#define CHECK_STR(want, got)                                            \
    do {                                                                \
        const char *w_ = (want), *g_ = (got);                           \
        TAP(w_ && g_ && strcmp(w_, g_) == 0, "%s: want \"%s\", got \"%s\"", #got, \
            w_ ? w_ : "(null)", g_ ? g_ : "(null)");                    \
    } while (0)
#define CHECK_INT(want, got)                                            \
    do {                                                                \
        long long w_ = (long long) (want), g_ = (long long) (got);      \
        TAP(w_ == g_, "%s: want %lld, got %lld", #got, w_, g_);         \
    } while (0)

/* A run that checked nothing proves nothing: that is a hard error. */
#define TAP_END()                                                       \
    do {                                                                \
        printf("1..%d\n", tap_n);                                       \
        return tap_n == 0 ? 99 : tap_bad ? 1 : 0;                       \
    } while (0)

#endif
