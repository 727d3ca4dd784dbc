/* A tiny TAP harness: DEF_TEST blocks, EXPECT_* checks, exit 0/1 (77 skip, 99 error). */
#ifndef VMON_TAP_H
#define VMON_TAP_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_failures;
static int tap_count;

#define EXPECT(cond) do { \
        if (!(cond)) { \
            printf("# %s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
            tap_failures++; \
        } \
    } while (0)

#define EXPECT_EQ_U64(want, got) do { \
        unsigned long long w_ = (want), g_ = (got); \
        if (w_ != g_) { \
            printf("# %s:%d: %s: want %llu, got %llu\n", __FILE__, __LINE__, #got, w_, g_); \
            tap_failures++; \
        } \
    } while (0)

#define EXPECT_EQ_DBL(want, got, tol) do { \
        double w_ = (want), g_ = (got); \
        if (!(fabs(w_ - g_) <= (tol))) { \
            printf("# %s:%d: %s: want %g, got %g\n", __FILE__, __LINE__, #got, w_, g_); \
            tap_failures++; \
        } \
    } while (0)

#define EXPECT_STR(want, got) do { \
        const char *w_ = (want), *g_ = (got); \
        if (!g_ || strcmp(w_, g_) != 0) { \
            printf("# %s:%d: %s: want '%s', got '%s'\n", __FILE__, __LINE__, #got, w_, g_ ? g_ : "(null)"); \
            tap_failures++; \
        } \
    } while (0)

#define DEF_TEST(name) static void test_##name(void)
#define RUN_TEST(name) do { \
        int before_ = tap_failures; \
        test_##name(); \
        printf("%s %d - %s\n", tap_failures == before_ ? "ok" : "not ok", ++tap_count, #name); \
    } while (0)
#define TAP_END() (printf("1..%d\n", tap_count), tap_failures ? 1 : 0)

#endif
