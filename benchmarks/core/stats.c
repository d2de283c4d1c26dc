/* stats.c - statistics of samples: GSL does the arithmetic. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

double fs_t95(size_t n)
{
    if (n < 2) return INFINITY;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
}

void fs_stats_compute(double *s, size_t n, fs_stats *o)
{
    *o = (fs_stats){.n = n};
    if (n == 0) {
        o->min = o->p50 = o->mean = o->p90 = o->p99 = o->max = o->stdev = o->ci95 = NAN;
        return;
    }
    gsl_sort(s, 1, n);
    o->min = s[0];
    o->max = s[n - 1];
    /* Quantiles by linear interpolation between order statistics (the
     * "type 7" estimator of R and NumPy's default). */
    o->p50 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.50);
    o->p90 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.90);
    o->p99 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.99);
    o->mean = gsl_stats_mean(s, 1, n);
    o->stdev = n > 1 ? gsl_stats_sd_m(s, 1, n, o->mean) : 0.0;
    o->ci95 = n > 1 ? fs_t95(n) * o->stdev / sqrt((double)n) : INFINITY;
}

void fs_running_add(fs_running *r, double x)
{
    r->n++;
    double d = x - r->mean;
    r->mean += d / (double)r->n;
    r->m2 += d * (x - r->mean);
}

double fs_running_ci95(const fs_running *r)
{
    if (r->n < 2) return INFINITY;
    double sd = sqrt(r->m2 / (double)(r->n - 1));
    return fs_t95(r->n) * sd / sqrt((double)r->n);
}
