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

#endif
