/* Statistics against hand-computed values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>

#include "stats.h"

static void test_one_to_ten(void **state)
{
    (void)state;
    double s[10] = {7, 3, 10, 1, 5, 9, 2, 8, 4, 6}; /* unsorted on purpose */
    fs_stats st;
    fs_stats_compute(s, 10, &st);
    assert_int_equal(st.n, 10);
    assert_float_equal(st.min, 1.0, 1e-12);
    assert_float_equal(st.max, 10.0, 1e-12);
    assert_float_equal(st.mean, 5.5, 1e-12);
    /* Type-7 quantiles: h = (n-1)p; p50 -> 4.5 -> 5.5, p90 -> 8.1 -> 9.1,
     * p99 -> 8.91 -> 9.91. */
    assert_float_equal(st.p50, 5.5, 1e-12);
    assert_float_equal(st.p90, 9.1, 1e-12);
    assert_float_equal(st.p99, 9.91, 1e-12);
    /* sample stdev = sqrt(82.5/9) = 3.0276503540974917 */
    assert_float_equal(st.stdev, 3.0276503540974917, 1e-12);
    /* t(0.975, 9) = 2.2621571627409915; ci = t * s / sqrt(10) */
    assert_float_equal(st.ci95, 2.2621571627409915 * 3.0276503540974917 / sqrt(10.0), 1e-9);
    /* The caller's buffer comes back sorted. */
    for (int i = 0; i < 10; i++) assert_float_equal(s[i], i + 1, 0);
}

static void test_single_and_empty(void **state)
{
    (void)state;
    double one = 4.25;
    fs_stats st;
    fs_stats_compute(&one, 1, &st);
    assert_float_equal(st.p50, 4.25, 0);
    assert_float_equal(st.stdev, 0, 0);
    assert_true(isinf(st.ci95));
    fs_stats_compute(NULL, 0, &st);
    assert_true(isnan(st.mean));
}

static void test_running_matches_batch(void **state)
{
    (void)state;
    double s[6] = {0.31, 0.29, 0.35, 0.30, 0.45, 0.28};
    fs_running r = {0};
    for (int i = 0; i < 6; i++) fs_running_add(&r, s[i]);
    fs_stats st;
    fs_stats_compute(s, 6, &st);
    assert_float_equal(r.mean, st.mean, 1e-15);
    assert_float_equal(fs_running_ci95(&r), st.ci95, 1e-12);
}

static void test_t_quantiles(void **state)
{
    (void)state;
    assert_float_equal(fs_t95(2), 12.706204736174707, 1e-9);
    assert_float_equal(fs_t95(31), 2.0422724563012373, 1e-9);
    assert_true(fs_t95(100000) < 1.9601 && fs_t95(100000) > 1.9599);
}

/* Merging a sorted batch keeps the samples sorted, ties and all. */
static void test_sorted_merge(void **state)
{
    (void)state;
    double a[9] = {1, 3, 3, 7};
    const double b[5] = {0, 3, 4, 8, 9};
    fs_sorted_merge(a, 4, b, 5);
    const double want[9] = {0, 1, 3, 3, 3, 4, 7, 8, 9};
    for (int i = 0; i < 9; i++) assert_float_equal(a[i], want[i], 0);
    double c[3] = {5};
    fs_sorted_merge(c, 1, NULL, 0);
    assert_float_equal(c[0], 5, 0);
    double d[2];
    const double e[2] = {1, 2};
    fs_sorted_merge(d, 0, e, 2);
    assert_float_equal(d[0], 1, 0);
    assert_float_equal(d[1], 2, 0);
}

/* Order-statistic ranks of the median's 95% interval against the
 * published table (n = 10: 2nd and 9th; n = 100: 40th and 61st, 1-based)
 * and the defining property at every n: coverage >= 95%, and one rank
 * narrower would fall below it. */
static void test_median_ci_ranks(void **state)
{
    (void)state;
    size_t lo, hi;
    assert_int_equal(fs_median_ci_ranks(5, 0.95, &lo, &hi), -1);
    assert_int_equal(fs_median_ci_ranks(6, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 5);
    assert_int_equal(fs_median_ci_ranks(10, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 8);
    assert_int_equal(fs_median_ci_ranks(100, 0.95, &lo, &hi), 0);
    assert_int_equal(lo, 39);
    assert_int_equal(hi, 60);
    for (unsigned n = 6; n <= 400; n++) {
        assert_int_equal(fs_median_ci_ranks(n, 0.95, &lo, &hi), 0);
        assert_int_equal(lo + hi, n - 1);
        double miss = 2 * gsl_cdf_binomial_P((unsigned)lo, 0.5, n);
        assert_true(1 - miss >= 0.95);
        double narrower = 2 * gsl_cdf_binomial_P((unsigned)lo + 1, 0.5, n);
        assert_true(1 - narrower < 0.95 || lo + 1 > hi - 1);
    }
    /* Large n: about n/2 -/+ 1.96 sqrt(n)/2. */
    assert_int_equal(fs_median_ci_ranks(1000000, 0.95, &lo, &hi), 0);
    assert_true(lo >= 499019 && lo <= 499021);
}

static void test_median_ci_rel(void **state)
{
    (void)state;
    double s[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double lo, hi;
    assert_float_equal(fs_median_ci95_rel(s, 10, &lo, &hi), 3.5 / 5.5, 1e-12);
    assert_float_equal(lo, 2, 0);
    assert_float_equal(hi, 9, 0);
    assert_true(isinf(fs_median_ci95_rel(s, 5, &lo, &hi)));
    assert_true(isnan(lo));
    /* A heavy tail moves the mean's interval, not the median's. */
    double t[200];
    for (int i = 0; i < 200; i++) t[i] = 1.0 + 0.001 * i;
    t[199] = 1000;
    assert_true(fs_median_ci95_rel(t, 200, NULL, NULL) < 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_merge),     cmocka_unit_test(test_median_ci_ranks),
        cmocka_unit_test(test_median_ci_rel),    cmocka_unit_test(test_one_to_ten),
        cmocka_unit_test(test_single_and_empty), cmocka_unit_test(test_running_matches_batch),
        cmocka_unit_test(test_t_quantiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
