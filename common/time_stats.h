/* time_stats.h - the summary of a point's per-iteration times, as both
 * programs hold it (fabscale-bench computes it, fabscale reads it). */
#ifndef FS_TIME_STATS_H
#define FS_TIME_STATS_H

#include <stddef.h>

/* Microseconds in results files; NAN when absent.  n (samples summarised)
 * is last so positional initialisers of the eight written statistics stay
 * valid; it is not written (the point's "iterations" is). */
typedef struct fs_stats {
    double min, p50, mean, p90, p99, max, stdev;
    double ci95; /* half-width of the 95% confidence interval of the mean */
    size_t n;
} fs_stats;

#endif
