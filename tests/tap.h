/*
 * The C tests' one TAP harness, run by automake's plain driver: the exit
 * code is what counts, the TAP lines are for the .log file.
 *
 *   DEF_TEST(parse) { EXPECT_EQ_INT(0, f()); EXPECT_STR("a", g()); }
 *   int main(void) { RUN_TEST(parse); return TAP_END(); }
 *
 * Every check prints "ok N - ..." or "not ok N - ... (file:line)".
 * TAP_END() gives 1 when a check failed, 99 when none ran (a test that
 * checks nothing proves nothing), 77 when a check could not run for want of
 * a prerequisite (TAP_SKIP) and none failed, else 0.
 */
#ifndef VMON_TAP_H
#define VMON_TAP_H

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_EXIT_SKIP 77
#define TAP_EXIT_HARD 99

static int tap_count, tap_failures, tap_skips;

/* One check with its own description (printf arguments). */
#define EXPECT_MSG(ok, ...) do { \
        bool ok_ = (ok); \
        tap_count++; \
        if (!ok_) \
            tap_failures++; \
        printf("%s %d - ", ok_ ? "ok" : "not ok", tap_count); \
        printf(__VA_ARGS__); \
        printf(ok_ ? "\n" : "  (%s:%d)\n", __FILE__, __LINE__); \
    } while (0)

#define EXPECT(cond) EXPECT_MSG((cond), "%s", #cond)

#define EXPECT_EQ_INT(want, got) do { \
        long long w_ = (long long) (want), g_ = (long long) (got); \
        EXPECT_MSG(w_ == g_, "%s: want %lld, got %lld", #got, w_, g_); \
    } while (0)

#define EXPECT_EQ_U64(want, got) do { \
        unsigned long long w_ = (want), g_ = (got); \
        EXPECT_MSG(w_ == g_, "%s: want %llu, got %llu", #got, w_, g_); \
    } while (0)

#define EXPECT_EQ_DBL(want, got, tol) do { \
        double w_ = (want), g_ = (got); \
        EXPECT_MSG(fabs(w_ - g_) <= (tol), "%s: want %.9g, got %.9g (tolerance %g)", #got, w_, \
                   g_, (double) (tol)); \
    } while (0)

#define EXPECT_STR(want, got) do { \
        const char *w_ = (want), *g_ = (got); \
        EXPECT_MSG(w_ && g_ && strcmp(w_, g_) == 0, "%s: want \"%s\", got \"%s\"", #got, \
                   w_ ? w_ : "(null)", g_ ? g_ : "(null)"); \
    } while (0)

/* A check that cannot run here (printf arguments say what is missing). */
#define TAP_SKIP(...) do { \
        tap_skips++; \
        printf("ok %d # SKIP ", ++tap_count); \
        printf(__VA_ARGS__); \
        printf("\n"); \
    } while (0)

#define DEF_TEST(name) static void test_##name(void)

#define RUN_TEST(name) do { \
        int before_ = tap_failures; \
        printf("# %s\n", #name); \
        test_##name(); \
        if (tap_failures != before_) \
            printf("# %s FAILED\n", #name); \
    } while (0)

#define TAP_END() \
    (printf("1..%d\n", tap_count), \
     tap_failures ? 1 : tap_count == 0 ? TAP_EXIT_HARD : tap_skips ? TAP_EXIT_SKIP : 0)

/*
 * Switch to a locale whose decimal point is ','.  A wrapper that builds one
 * (localedef) names it in VMON_TEST_LOCALE: then failing to switch is a
 * hard error.  Otherwise de_DE.UTF-8 is tried.  Returns 1 when switched,
 * 0 when no such locale is here (still "C"), -1 on a hard error.
 */
static inline int
tap_comma_locale(void)
{
    const char *want = getenv("VMON_TEST_LOCALE");
    const char *loc = setlocale(LC_ALL, want ? want : "de_DE.UTF-8");
    char probe[16];

    if (!loc) {
        if (want) {
            printf("Bail out! cannot switch to locale %s (LOCPATH=%s)\n", want,
                   getenv("LOCPATH") ? getenv("LOCPATH") : "");
            return -1;
        }
        printf("# no de_DE.UTF-8 locale here: checks run in the C locale\n");
        return 0;
    }
    snprintf(probe, sizeof(probe), "%.1f", 1.5);
    if (strcmp(probe, "1,5") != 0) {
        printf("Bail out! locale %s prints 1.5 as %s, not 1,5\n", loc, probe);
        return -1;
    }
    printf("# running under locale %s\n", loc);
    return 1;
}

#endif
