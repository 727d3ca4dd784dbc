/*
 * A tiny TAP-style harness for the Nagios face's unit tests, run by
 * automake's plain test driver: the exit code is what counts (0 pass,
 * 1 fail, 77 skip, 99 hard error), the TAP lines are for the .log file.
 *
 *   DEF_TEST(range_parse) { EXPECT_EQ_INT(0, f()); return 0; }
 *   int main(void) { RUN_TEST(range_parse); END_TEST; }
 */
#ifndef CHK_TAP_H
#define CHK_TAP_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

#define TAP_EXIT_SKIP 77
#define TAP_EXIT_HARD 99

#define DEF_TEST(name) static int test_##name(void)

#define RUN_TEST(name)                                           \
    do {                                                         \
        int tap_before_ = tap_failed;                            \
        int tap_rc_ = test_##name();                             \
        printf("# test %s: %s\n", #name,                         \
               tap_rc_ == 0 && tap_failed == tap_before_ ? "passed" : "FAILED"); \
        if (tap_rc_ != 0 && tap_failed == tap_before_)           \
            tap_failed++;                                        \
    } while (0)

#define END_TEST                                                 \
    do {                                                         \
        printf("1..%d\n", tap_count);                            \
        if (tap_count == 0) {                                    \
            printf("# no checks ran: a test that checks nothing is an error\n"); \
            return TAP_EXIT_HARD;                                \
        }                                                        \
        return tap_failed ? 1 : 0;                               \
    } while (0)

#define TAP_RESULT(ok, ...)                                      \
    do {                                                         \
        tap_count++;                                             \
        if (!(ok))                                               \
            tap_failed++;                                        \
        printf("%s %d - ", (ok) ? "ok" : "not ok", tap_count);   \
        printf(__VA_ARGS__);                                     \
        printf("  (%s:%d)\n", __FILE__, __LINE__);               \
    } while (0)

#define CHECK(cond) TAP_RESULT((cond), "%s", #cond)

#define EXPECT_EQ_INT(expect, actual)                            \
    do {                                                         \
        long long e_ = (long long) (expect), a_ = (long long) (actual); \
        TAP_RESULT(e_ == a_, "%s == %s: expected %lld, got %lld", #actual, #expect, e_, a_); \
    } while (0)

#define EXPECT_EQ_STR(expect, actual)                            \
    do {                                                         \
        const char *e_ = (expect), *a_ = (actual);               \
        TAP_RESULT(e_ && a_ && strcmp(e_, a_) == 0,              \
                   "%s: expected \"%s\", got \"%s\"", #actual,   \
                   e_ ? e_ : "(null)", a_ ? a_ : "(null)");      \
    } while (0)

#define EXPECT_EQ_DBL(expect, actual, tol)                       \
    do {                                                         \
        double e_ = (expect), a_ = (actual);                     \
        TAP_RESULT(fabs(e_ - a_) <= (tol), "%s: expected %.9g, got %.9g (tolerance %g)", \
                   #actual, e_, a_, (double) (tol));             \
    } while (0)

/*
 * Switch to a locale whose decimal point is ','.  test-comma-locale.sh
 * builds one and names it in VMON_TEST_LOCALE: then failing to switch is a
 * hard error.  Run bare (no such locale here), the caller's checks still run
 * in "C".  Returns 1 when switched, 0 when not, -1 on a hard error.
 */
#include <locale.h>
static inline int
tap_comma_locale(void)
{
    const char *want = getenv("VMON_TEST_LOCALE");
    const char *loc = setlocale(LC_ALL, want ? want : "de_DE.UTF-8");
    char probe[16];

    if (!loc) {
        if (want) {
            printf("# Bail out! cannot switch to locale %s (LOCPATH=%s)\n", want,
                   getenv("LOCPATH") ? getenv("LOCPATH") : "");
            return -1;
        }
        printf("# no comma-decimal locale here; test-comma-locale.sh covers it\n");
        return 0;
    }
    snprintf(probe, sizeof(probe), "%.1f", 1.5);
    if (strcmp(probe, "1,5") != 0) {
        printf("# Bail out! locale %s prints 1.5 as %s, not 1,5\n", loc, probe);
        return -1;
    }
    printf("# running under locale %s\n", loc);
    return 1;
}

#endif
