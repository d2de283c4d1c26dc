/* aggregate.c - cross-rank aggregation, pure (see aggregate.h). */
#include "aggregate.h"

#include <math.h>

double fs_clock_offset(const double *a, const double *b, const double *c, int rounds, double *err)
{
    double lo = -INFINITY, hi = INFINITY, best = INFINITY, best_mid = 0;
    for (int k = 0; k < rounds; k++) {
        double klo = b[k] - c[k], khi = b[k] - a[k];
        if (klo > lo) lo = klo;
        if (khi < hi) hi = khi;
        if (khi - klo < best) best = khi - klo, best_mid = 0.5 * (klo + khi);
    }
    if (rounds < 1) {
        *err = INFINITY;
        return 0;
    }
    if (lo > hi) {
        *err = 0.5 * best;
        return best_mid;
    }
    *err = 0.5 * (hi - lo);
    return 0.5 * (lo + hi);
}

long fs_window_timed(const double *ends, long n, double deadline)
{
    long k = 0;
    while (k < n && ends[k] <= deadline) k++;
    return k;
}

double fs_window_aggregate(const double *totals, int n)
{
    double rate = 0;
    for (int j = 0; j < n; j++)
        if (totals[2 * j + 1] > 0) rate += totals[2 * j] / totals[2 * j + 1];
    return rate;
}
