/* stats.c - statistics of samples: GSL does the arithmetic. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
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

void fs_sorted_merge(double *a, size_t n, const double *b, size_t m)
{
    /* From the back, so a's values move at most once and never over one
     * not yet read. */
    size_t i = n, j = m, k = n + m;
    while (j > 0) {
        if (i > 0 && a[i - 1] > b[j - 1])
            a[--k] = a[--i];
        else
            a[--k] = b[--j];
    }
}

int fs_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi)
{
    double tail = (1.0 - conf) / 2.0;
    if (n == 0 || !(tail > 0)) return -1;
    /* P(K <= 0) = 2^-n: no interval when even the widest one, [x(0),
     * x(n-1)], misses the coverage. */
    if (gsl_cdf_binomial_P(0, 0.5, (unsigned)n) > tail) return -1;
    /* The largest k with P(K <= k) <= tail, by bisection: the CDF grows
     * with k. */
    unsigned good = 0, bad = (unsigned)(n / 2) + 1;
    while (bad - good > 1) {
        unsigned mid = good + (bad - good) / 2;
        if (gsl_cdf_binomial_P(mid, 0.5, (unsigned)n) <= tail)
            good = mid;
        else
            bad = mid;
    }
    *lo = good;
    *hi = n - 1 - good;
    return 0;
}

double fs_median_ci95_rel(const double *sorted, size_t n, double *lo_v, double *hi_v)
{
    size_t lo, hi;
    if (lo_v) *lo_v = NAN;
    if (hi_v) *hi_v = NAN;
    if (fs_median_ci_ranks(n, 0.95, &lo, &hi)) return INFINITY;
    double med = gsl_stats_median_from_sorted_data(sorted, 1, n);
    if (lo_v) *lo_v = sorted[lo];
    if (hi_v) *hi_v = sorted[hi];
    if (!(med > 0)) return INFINITY;
    double below = med - sorted[lo], above = sorted[hi] - med;
    return (below > above ? below : above) / med;
}
