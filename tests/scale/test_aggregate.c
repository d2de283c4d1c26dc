/*
 * test_aggregate.c - the harness's cross-rank aggregation (aggregate.h),
 * pure functions on values:
 *  - a clock offset bracketed by exchanges, and what a stepped clock gives;
 *  - which iterations of a batch fall inside a window's deadline;
 *  - the pairs' aggregate rate from their own totals, against what the
 *    old aggregate (pairs / the slowest pair's iteration) reported for
 *    the same drifting pairs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>

#include "aggregate.h"

static void test_clock_offset_brackets(void **state)
{
    (void)state;
    /* This rank's clock runs 5 s ahead of rank 0's.  Round k: rank 0
     * sends at a, the broadcast takes f, the answer comes back r later. */
    double a[3] = {100.0, 101.0, 102.0}, f[3] = {30e-6, 10e-6, 50e-6}, r[3] = {40e-6, 25e-6, 5e-6};
    double b[3], c[3];
    for (int k = 0; k < 3; k++) {
        b[k] = a[k] + f[k] + 5.0;
        c[k] = a[k] + f[k] + r[k];
    }
    double err;
    double off = fs_clock_offset(a, b, c, 3, &err);
    /* Intersection: lo = max(5 - r) = 5 - 5e-6, hi = min(5 + f) = 5 + 10e-6. */
    assert_true(fabs(off - (5.0 + 2.5e-6)) < 1e-9);
    assert_true(fabs(err - 7.5e-6) < 1e-9);
    assert_true(fabs(off - 5.0) <= err);
}

static void test_clock_offset_contradiction(void **state)
{
    (void)state;
    /* The clock stepped by 1 s between rounds: the brackets [0, 2e-6] and
     * [1, 1 + 4e-6] do not meet; the tighter round's middle is kept. */
    double a[2] = {10.0, 20.0}, b[2] = {10.0 + 2e-6, 21.0 + 4e-6},
           c[2] = {10.0 + 2e-6, 20.0 + 4e-6};
    double err;
    double off = fs_clock_offset(a, b, c, 2, &err);
    assert_true(fabs(off - 1e-6) < 1e-12);
    assert_true(fabs(err - 1e-6) < 1e-12);
    assert_true(fs_clock_offset(a, b, c, 0, &err) == 0 && isinf(err)); /* no rounds */
}

static void test_window_timed(void **state)
{
    (void)state;
    double ends[5] = {1.0, 2.0, 3.0, 4.0, 5.0};
    assert_int_equal(fs_window_timed(ends, 5, 3.0), 3); /* an end on the deadline counts */
    assert_int_equal(fs_window_timed(ends, 5, 3.5), 3);
    assert_int_equal(fs_window_timed(ends, 5, 9.0), 5);
    assert_int_equal(fs_window_timed(ends, 5, 0.5), 0); /* a stalled pair: nothing */
}

static void test_window_aggregate(void **state)
{
    (void)state;
    /* Interleaved (iterations, seconds): two pairs, a responder, an idle rank. */
    double totals[8] = {100, 0.010, 50, 0.010, 0, 0, 0, -1};
    assert_true(fabs(fs_window_aggregate(totals, 4) - 15000.0) < 1e-6);
    assert_true(fs_window_aggregate(totals, 0) == 0);
}

/* Four pairs stream at once; pair j's iteration k takes 10 us, except
 * that each pair has a 30 us hiccup at its own iterations (k % 4 == j):
 * every pair completes 100 iterations in 1.5 ms.  The slowest pair's
 * iteration is 30 us at every k, so pairs / max reports 4 / 30 us, half the
 * truth; the totals give it exactly. */
static void test_aggregate_vs_per_iteration_max(void **state)
{
    (void)state;
    enum { PAIRS = 4, ITERS = 100 };
    double totals[2 * PAIRS] = {0}, max_sum = 0;
    for (int k = 0; k < ITERS; k++) {
        double slowest = 0;
        for (int j = 0; j < PAIRS; j++) {
            double t = k % PAIRS == j ? 30e-6 : 10e-6;
            totals[2 * j] += 1;
            totals[2 * j + 1] += t;
            if (t > slowest) slowest = t;
        }
        max_sum += slowest;
    }
    double truth = PAIRS * ITERS / (ITERS * (30e-6 + 3 * 10e-6) / PAIRS);
    double by_totals = fs_window_aggregate(totals, PAIRS);
    double by_max = PAIRS / (max_sum / ITERS);
    assert_true(fabs(by_totals - truth) < 1e-6 * truth);
    assert_true(fabs(truth - 4.0 / 15e-6) < 1e-6 * truth);
    assert_true(fabs(by_max / truth - 0.5) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_offset_brackets),
        cmocka_unit_test(test_clock_offset_contradiction),
        cmocka_unit_test(test_window_timed),
        cmocka_unit_test(test_window_aggregate),
        cmocka_unit_test(test_aggregate_vs_per_iteration_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
