/* Run times in ascending order, for the benchmarks' best and median figures. */
#ifndef BENCH_SORT_H
#define BENCH_SORT_H

#include <stdlib.h>

static inline int
bench_by_value(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

static inline void
bench_sort(double *v, int n)
{
    qsort(v, (size_t) n, sizeof(*v), bench_by_value);
}

#endif
