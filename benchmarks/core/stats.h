/* stats.h - summary statistics of per-iteration samples (pure functions). */
#ifndef FS_STATS_H
#define FS_STATS_H

#include <stddef.h>

/* fs_stats (min, p50, mean, p90, p99, max, stdev, ci95, n) is the results
 * schema's: common/time_stats.h. */
#include "time_stats.h"

/* Summarise n samples.  Sorts `samples` in place (the caller's buffer). */
void fs_stats_compute(double *samples, size_t n, fs_stats *out);

/* Running mean/variance (Welford), for the adaptive stopping rule without
 * re-reading all samples after each batch. */
typedef struct fs_running {
    size_t n;
    double mean, m2;
} fs_running;

void fs_running_add(fs_running *r, double x);
/* 95% confidence half-width of the mean (Student t); +inf when n < 2. */
double fs_running_ci95(const fs_running *r);

/* Two-sided 95% Student-t quantile for n samples (n-1 degrees of freedom). */
double fs_t95(size_t n);

/* Merge the m sorted values of b into the n sorted values of a, which has
 * room for n + m: a stays sorted.  O(n + m), no allocation (the harness
 * keeps a point's samples sorted as batches arrive). */
void fs_sorted_merge(double *a, size_t n, const double *b, size_t m);

/* The distribution-free confidence interval of the median: with K ~
 * Binomial(n, 1/2), the order statistics x[lo] <= median <= x[hi] (0-based,
 * hi = n - 1 - lo) with the largest lo for which the interval still covers
 * the true median with probability >= conf.  Returns 0, or -1 when n is too
 * small for any interval of that coverage (n < 6 at 95%). */
int fs_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi);

/* The median's 95% interval from n sorted samples, as its wider side
 * relative to the median: max(median - x[lo], x[hi] - median) / median.
 * +inf when n is too small or the median is not positive.  *lo_v and *hi_v
 * (may be NULL) get the bounds (NAN when there is no interval). */
double fs_median_ci95_rel(const double *sorted, size_t n, double *lo_v, double *hi_v);

#endif
