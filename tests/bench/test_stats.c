/* Statistics against hand-computed values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_to_ten),
        cmocka_unit_test(test_single_and_empty),
        cmocka_unit_test(test_running_matches_batch),
        cmocka_unit_test(test_t_quantiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
