/* run_compare and meta_diff on synthetic results whose answer is known:
 * matching, the statistic per kind, the noise each file recorded, the
 * verdict, points present in one file only, and what changed in meta. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "meta_diff.h"
#include "run_compare.h"

static const double SIZES[] = {1024, 4096, 16384, 65536, 262144};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

static fs_run *add_run(fs_results *r, const char *bench, const char *provider, int ranks)
{
    fs_err err = {0};
    fs_run *run = fs_results_new_run(r, bench, &err);
    assert_non_null(run);
    run->transport = fs_strdup("mpi");
    run->provider = fs_strdup(provider);
    run->ranks = ranks;
    return run;
}

/* A point whose median time is t (us) with a tight, well sampled spread:
 * min 0.98 t, p90 1.02 t over 10000 iterations (relative CI ~0.04%). */
static fs_point *add_point(fs_run *run, double bytes, double t)
{
    fs_err err = {0};
    fs_point *p = fs_run_new_point(run, &err);
    assert_non_null(p);
    p->bytes = bytes;
    p->iterations = 10000;
    p->time_us = (fs_stats){.min = 0.98 * t,
                            .p50 = t,
                            .mean = 1.01 * t,
                            .p90 = 1.02 * t,
                            .p99 = 1.1 * t,
                            .max = 2 * t,
                            .stdev = 0.05 * t,
                            .ci95 = 0.001 * t,
                            .n = 10000};
    fs_kind k = fs_run_kind(run);
    if (k == FS_KIND_BANDWIDTH || k == FS_KIND_MESSAGE_RATE) {
        p->bandwidth_GBps = bytes * 64 / (t * 1e3);
        p->msg_rate_Mps = 64 / t;
    } else if (k == FS_KIND_COLLECTIVE) {
        p->algbw_GBps = bytes / (t * 1e3);
        p->busbw_GBps = p->algbw_GBps; /* 2 ranks: factor 1 */
    }
    return p;
}

/* A run at every size of SIZES with time t(bytes) * scale[i]. */
static fs_run *sweep(fs_results *r, const char *bench, const double *scale)
{
    fs_run *run = add_run(r, bench, "shm", 2);
    for (size_t i = 0; i < NSIZES; i++)
        add_point(run, SIZES[i], (1 + SIZES[i] / 1e4) * (scale ? scale[i] : 1));
    return run;
}

static void compare(const fs_results *a, const fs_results *b, double floor, fs_point_delta **d,
                    size_t *n)
{
    fs_err err = {0};
    fs_compare_opts o = {floor};
    assert_int_equal(fs_compare_results_opts(a, b, &o, d, n, &err), 0);
}

static void free_both(fs_results *a, fs_results *b)
{
    fs_results_free(a);
    fs_results_free(b);
}

static void test_bandwidth_halved_is_worse(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    double twice[NSIZES] = {2, 2, 2, 2, 2};
    sweep(&a, "bw", NULL);
    sweep(&b, "bw", twice); /* twice the time: half the bandwidth */
    fs_point_delta *d;
    size_t n, nw, nb;
    fs_err err = {0};
    assert_int_equal(fs_compare_results(&a, &b, &d, &n, &err), 0); /* the default floor */
    assert_int_equal(n, NSIZES);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].stat, "bandwidth_GBps");
        assert_string_equal(d[i].unit, "GB/s");
        assert_true(d[i].higher_is_better);
        assert_float_equal(d[i].bytes, SIZES[i], 0);
        assert_float_equal(d[i].ratio, 0.5, 1e-12);
        assert_float_equal(d[i].a, a.runs[0].points[i].bandwidth_GBps, 0);
        assert_true(d[i].significant);
        assert_true(d[i].worse);
        assert_ptr_equal(d[i].run_a, &a.runs[0]);
        assert_ptr_equal(d[i].run_b, &b.runs[0]);
    }
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, &nb), FS_VERDICT_REGRESSION);
    assert_int_equal(nw, NSIZES);
    assert_int_equal(nb, 0);
    /* A threshold above the change: not counted. */
    assert_int_equal(fs_compare_verdict(d, n, 1.5, &nw, NULL), FS_VERDICT_NO_CHANGE);
    assert_int_equal(nw, 0);
    free(d);
    free_both(&a, &b);
}

static void test_equal_within_noise(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    /* 5-10% either way: inside the default floor */
    double wobble[NSIZES] = {1.05, 0.93, 1.1, 0.95, 1.07};
    sweep(&a, "bw", NULL);
    sweep(&b, "bw", wobble);
    sweep(&a, "latency", NULL);
    sweep(&b, "latency", wobble);
    fs_point_delta *d;
    size_t n, nw, nb;
    fs_err err = {0};
    assert_int_equal(fs_compare_results(&a, &b, &d, &n, &err), 0);
    assert_int_equal(n, 2 * NSIZES);
    for (size_t i = 0; i < n; i++) {
        assert_false(d[i].significant);
        assert_false(d[i].worse);
        assert_true(d[i].noise >= FS_COMPARE_DEFAULT_FLOOR);
    }
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, &nb), FS_VERDICT_NO_CHANGE);
    assert_int_equal(nw + nb, 0);
    free(d);
    free_both(&a, &b);
}

static void test_latency_up_is_worse_down_is_better(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0}, c = {0};
    double up[NSIZES] = {1.6, 1.6, 1.6, 1.6, 1.6}, down[NSIZES] = {0.6, 0.6, 0.6, 0.6, 0.6};
    sweep(&a, "latency", NULL);
    sweep(&b, "latency", up);
    sweep(&c, "latency", down);
    fs_point_delta *d;
    size_t n, nw, nb;
    compare(&a, &b, 0.25, &d, &n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].stat, "time_us.p50");
        assert_string_equal(d[i].unit, "us");
        assert_false(d[i].higher_is_better);
        assert_float_equal(d[i].ratio, 1.6, 1e-12);
        assert_true(d[i].worse);
    }
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, &nb), FS_VERDICT_REGRESSION);
    free(d);
    compare(&a, &c, 0.25, &d, &n);
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].significant);
        assert_false(d[i].worse);
    }
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, &nb), FS_VERDICT_IMPROVEMENT);
    assert_int_equal(nb, NSIZES);
    free(d);
    free_both(&a, &b);
    fs_results_free(&c);
}

/* Halving and doubling are the same size of change. */
static void test_symmetric_change(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    double half[NSIZES] = {0.5, 0.5, 0.5, 0.5, 0.5};
    sweep(&a, "latency", NULL);
    sweep(&b, "latency", half);
    fs_point_delta *d;
    size_t n;
    /* |0.5 - 1| = 0.5 would be inside a floor of 0.9; as a factor it is 1.0 */
    compare(&a, &b, 0.9, &d, &n);
    for (size_t i = 0; i < n; i++) assert_true(d[i].significant);
    free(d);
    compare(&a, &b, 1.0, &d, &n);
    for (size_t i = 0; i < n; i++) assert_false(d[i].significant);
    free(d);
    free_both(&a, &b);
}

static void test_unmatched_points_reported(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    /* B has a run A lacks; A has one under another provider.  Pointers
     * are taken once every run exists (adding a run moves them). */
    add_run(&a, "latency", "shm", 2);
    add_run(&a, "latency", "tcp", 2);
    add_run(&b, "latency", "shm", 2);
    add_run(&b, "msgrate", "shm", 2);
    fs_run *ra = &a.runs[0], *only_a = &a.runs[1], *rb = &b.runs[0], *only_b = &b.runs[1];
    add_point(ra, 8, 1);
    add_point(ra, 16, 1);
    add_point(ra, 32, 1);
    add_point(rb, 64, 1);
    add_point(rb, 32, 1);
    add_point(rb, 16, 1);
    add_point(only_b, 8, 1);
    add_point(only_a, 8, 1);
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(n, 6);
    /* A's first run, by size: 8 (A only), 16, 32, 64 (B only) */
    const double bytes[] = {8, 16, 32, 64};
    for (size_t i = 0; i < 4; i++) {
        assert_float_equal(d[i].bytes, bytes[i], 0);
        assert_ptr_equal(d[i].run_a, ra);
        assert_ptr_equal(d[i].run_b, rb);
    }
    assert_non_null(d[0].pa);
    assert_null(d[0].pb);
    assert_true(isnan(d[0].b) && isnan(d[0].ratio));
    assert_false(d[0].significant);
    assert_non_null(d[1].pa);
    assert_non_null(d[1].pb);
    assert_float_equal(d[1].ratio, 1, 1e-12);
    assert_null(d[3].pa);
    assert_non_null(d[3].pb);
    assert_true(isnan(d[3].a));
    /* A's tcp run: alone */
    assert_ptr_equal(d[4].run_a, only_a);
    assert_null(d[4].run_b);
    assert_null(d[4].pb);
    /* B's msgrate run: alone, last */
    assert_null(d[5].run_a);
    assert_ptr_equal(d[5].run_b, only_b);
    assert_string_equal(d[5].stat, "msg_rate_Mps");
    assert_true(isnan(d[5].a));
    free(d);
    free_both(&a, &b);
}

/* Runs match on their key, not their place; launches of one key are one
 * measurement, the median launch standing for the file (the better one of
 * two). */
static void test_runs_match_on_key_and_launches(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    add_run(&a, "allreduce", "shm", 2);
    add_run(&a, "allreduce", "shm", 4);
    add_run(&a, "allreduce", "shm", 2);
    add_run(&b, "allreduce", "shm", 4);
    add_run(&b, "allreduce", "shm", 2);
    fs_run *a2 = &a.runs[0], *a4 = &a.runs[1], *a2b = &a.runs[2];
    fs_run *b4 = &b.runs[0], *b2 = &b.runs[1];
    add_point(a2, 1024, 30); /* a disturbed launch: 30x slower */
    add_point(a2, 2048, 2);
    add_point(a4, 1024, 2);
    add_point(a2b, 1024, 1);
    add_point(a2b, 2048, 60);
    add_point(a2b, 4096, 3); /* only the second launch has it */
    add_point(b4, 1024, 2);
    add_point(b2, 1024, 1);
    b2->dtype = fs_strdup("float32"); /* A records none: matches */
    a4->dtype = fs_strdup("float64"); /* B records float32: does not */
    b4->dtype = fs_strdup("float32");
    add_point(b2, 2048, 2);
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(n, 5);
    /* 2 ranks: 1 KiB from A's second launch, 2 KiB from its first */
    assert_ptr_equal(d[0].run_a, a2);
    assert_ptr_equal(d[0].run_b, b2);
    assert_ptr_equal(d[0].pa, &a2b->points[0]);
    assert_int_equal(d[0].launches_a, 2);
    assert_int_equal(d[0].launches_b, 1);
    /* the launches' spread as a factor: best / worst busbw - 1 = 30 - 1 */
    assert_float_equal(d[0].spread_a, 29, 1e-9);
    assert_true(isnan(d[0].spread_b));
    assert_ptr_equal(d[1].pa, &a2->points[1]);
    assert_float_equal(d[1].bytes, 2048, 0);
    assert_float_equal(d[2].bytes, 4096, 0);
    assert_ptr_equal(d[2].pa, &a2b->points[2]);
    assert_int_equal(d[2].launches_a, 1);
    assert_null(d[2].pb);
    for (size_t i = 0; i < 2; i++) assert_false(d[i].significant);
    /* 4 ranks: float64 in A, float32 in B: apart */
    assert_ptr_equal(d[3].run_a, a4);
    assert_null(d[3].run_b);
    assert_null(d[4].run_a);
    assert_ptr_equal(d[4].run_b, b4);
    for (size_t i = 0; i < n; i++) assert_string_equal(d[i].stat, "busbw_GBps");
    assert_float_equal(d[0].ratio, 1, 1e-12);
    assert_float_equal(d[1].ratio, 1, 1e-12);
    free(d);
    free_both(&a, &b);
}

/* One size worse among unchanged ones is what chance gives at many tests:
 * flagged, not a regression.  Two neighbouring sizes are. */
static void test_isolated_point_not_a_regression(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0}, c = {0};
    double one[NSIZES] = {1, 1, 2, 1, 1}, two[NSIZES] = {1, 1, 2, 2, 1};
    sweep(&a, "bw", NULL);
    sweep(&b, "bw", one);
    sweep(&c, "bw", two);
    fs_point_delta *d;
    size_t n, nw;
    compare(&a, &b, 0.25, &d, &n);
    assert_true(d[2].worse);
    assert_false(fs_delta_confirmed(d, n, 2, 0));
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, NULL), FS_VERDICT_NO_CHANGE);
    free(d);
    compare(&a, &c, 0.25, &d, &n);
    assert_true(fs_delta_confirmed(d, n, 2, 0));
    assert_true(fs_delta_confirmed(d, n, 3, 0));
    assert_false(fs_delta_confirmed(d, n, 1, 0));
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, NULL), FS_VERDICT_REGRESSION);
    assert_int_equal(nw, 2);
    free(d);
    free_both(&a, &b);
    fs_results_free(&c);
}

/* A run with a single size has nothing to confirm it: it stands alone. */
static void test_single_size_run(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    add_point(add_run(&a, "bw", "shm", 2), 1 << 20, 100);
    add_point(add_run(&b, "bw", "shm", 2), 1 << 20, 200);
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(fs_compare_verdict(d, n, 0, NULL, NULL), FS_VERDICT_REGRESSION);
    free(d);
    free_both(&a, &b);
}

/* The noise is each file's own: a change a well-sampled pair resolves is
 * within the noise of a poorly sampled one. */
static void test_noise_from_recorded_spread(void **state)
{
    (void)state;
    fs_point p = {.bytes = 8, .iterations = 100};
    fs_point_clear(&p);
    p.iterations = 100;
    p.time_us = (fs_stats){.min = 9, .p50 = 10, .p90 = 20, .mean = 12, .ci95 = 0.5};
    /* below the median: f = 0.5 / 1, above: 0.4 / 10; the larger density:
     * half-width 1.96 * 1 / sqrt(100) = 0.196 us, relative 0.0196 */
    assert_float_equal(fs_point_rel_ci95(&p), 0.0196, 1e-12);
    p.time_us.min = 0; /* the upper side is now the narrower: 1.96 * (5 / 0.8) / 10 / 10 */
    p.time_us.p90 = 15;
    assert_float_equal(fs_point_rel_ci95(&p), 0.1225, 1e-12);
    /* OSU: a mean only, with its CI; then stdev */
    p.time_us = (fs_stats){.min = NAN, .p50 = NAN, .p90 = NAN, .mean = 10, .ci95 = 0.3};
    assert_float_equal(fs_point_rel_ci95(&p), 0.03, 1e-12);
    p.time_us.ci95 = NAN;
    p.time_us.stdev = 2;
    assert_float_equal(fs_point_rel_ci95(&p), 1.96 * 2 / 10 / 10, 1e-12);
    p.time_us.stdev = NAN;
    assert_true(isnan(fs_point_rel_ci95(&p)));

    fs_results a = {0}, b = {0};
    double up[NSIZES] = {1.3, 1.3, 1.3, 1.3, 1.3};
    sweep(&a, "latency", NULL);
    sweep(&b, "latency", up);
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0, &d, &n); /* no floor: the files' CI alone */
    for (size_t i = 0; i < n; i++) {
        assert_float_equal(d[i].noise, expm1(hypot(log1p(d[i].ci_a), log1p(d[i].ci_b))), 1e-12);
        assert_true(d[i].significant);
    }
    free(d);
    /* few iterations over a wide spread: 30% is inside the noise */
    for (size_t i = 0; i < NSIZES; i++) {
        fs_point *pb = &b.runs[0].points[i];
        pb->iterations = 20;
        pb->time_us.min = 0.2 * pb->time_us.p50;
        pb->time_us.p90 = 3 * pb->time_us.p50;
    }
    compare(&a, &b, 0, &d, &n);
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].noise > 0.3);
        assert_false(d[i].significant);
    }
    free(d);
    free_both(&a, &b);
}

/* The median of the undisturbed launches stands for a file: a lucky launch
 * and a starved one are both left aside. */
static void test_median_of_undisturbed_launches(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    const double t[] = {10, 4, 11, 12, 9}; /* 4: lucky */
    for (size_t i = 0; i < 5; i++) add_run(&a, "latency", "shm", 2);
    add_run(&b, "latency", "shm", 2);
    for (size_t i = 0; i < 5; i++) add_point(&a.runs[i], 8, t[i]);
    a.runs[3].points[0].time_us.min = 1; /* starved: 12 is 12x its best */
    add_point(&b.runs[0], 8, 10);
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].launches_a, 5);
    /* undisturbed 4, 9, 10, 11: the better middle one */
    assert_ptr_equal(d[0].pa, &a.runs[4].points[0]);
    assert_float_equal(d[0].a, 9, 1e-12);
    assert_false(d[0].disturbed_a);
    assert_float_equal(d[0].spread_a, 11 / 4.0 - 1, 1e-12);
    double l = hypot(hypot(log1p(d[0].ci_a), log1p(d[0].ci_b)), log(11 / 4.0));
    assert_float_equal(d[0].noise, expm1(l), 1e-12);
    assert_true(d[0].noise > 1.75); /* at least the launches' own 2.75x */
    free(d);
    free_both(&a, &b);
}

/* Launches at two levels, as this VM's small-message latency over shared
 * memory runs for seconds at a time (0.15-0.25 us or 0.5-0.7 us): one
 * fast and two slow launches against three fast ones of the same build.
 * The median moves 2.95x, but A's own launches span 3x: within the noise
 * (as (worst - best) / median the spread was 0.68 and this was a
 * regression).  Three slow launches against three fast ones are not. */
static void test_two_level_launches_within_noise(void **state)
{
    (void)state;
    const double ta[] = {0.65, 0.22, 0.66}, tb[] = {0.22, 0.23, 0.22}, tc[] = {0.64, 0.65, 0.66};
    fs_results a = {0}, b = {0}, c = {0};
    for (size_t i = 0; i < 3; i++) {
        add_point(add_run(&a, "latency", "shm", 2), 128, ta[i]);
        add_point(add_run(&b, "latency", "shm", 2), 128, tb[i]);
        add_point(add_run(&c, "latency", "shm", 2), 128, tc[i]);
    }
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(n, 1);
    assert_float_equal(d[0].a, 0.65, 1e-12);
    assert_float_equal(d[0].b, 0.22, 1e-12);
    assert_float_equal(d[0].spread_a, 0.66 / 0.22 - 1, 1e-12);
    assert_true(d[0].noise > 0.65 / 0.22 - 1);
    assert_false(d[0].significant);
    free(d);
    compare(&c, &b, 0.25, &d, &n);
    assert_float_equal(d[0].ratio, 0.22 / 0.65, 1e-12);
    assert_true(d[0].significant);
    free(d);
    free_both(&a, &b);
    fs_results_free(&c);
}

/* A point whose median is 3x its fastest iteration waited for a core: it
 * is shown, never counted.  A path that got slower moves the minimum too. */
static void test_disturbed_points_not_counted(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0}, c = {0};
    double twice[NSIZES] = {2, 2, 2, 2, 2};
    sweep(&a, "bw", NULL);
    sweep(&b, "bw", twice);
    sweep(&c, "bw", twice);
    for (size_t i = 0; i < NSIZES; i++) { /* starved: the best iteration as in A */
        fs_point *p = &b.runs[0].points[i];
        p->time_us.min = a.runs[0].points[i].time_us.min / 1.5;
    }
    fs_point_delta *d;
    size_t n, nw;
    compare(&a, &b, 0.25, &d, &n);
    for (size_t i = 0; i < n; i++) {
        assert_true(d[i].worse); /* the statistics say so ... */
        assert_false(d[i].disturbed_a);
        assert_true(d[i].disturbed_b);
        assert_false(fs_delta_counts(&d[i], 0)); /* ... the verdict does not */
    }
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, NULL), FS_VERDICT_NO_CHANGE);
    free(d);
    compare(&a, &c, 0.25, &d, &n); /* min doubled with the median */
    for (size_t i = 0; i < n; i++) assert_false(d[i].disturbed_b);
    assert_int_equal(fs_compare_verdict(d, n, 0, &nw, NULL), FS_VERDICT_REGRESSION);
    assert_int_equal(nw, NSIZES);
    free(d);
    free_both(&a, &b);
    fs_results_free(&c);
}

/* Files without p50 (OSU, nccl-tests) are compared on the mean. */
static void test_mean_when_no_median(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    fs_run *ra = add_run(&a, "latency", NULL, 2), *rb = add_run(&b, "latency", NULL, 2);
    fs_point *pa = add_point(ra, 8, 2), *pb = add_point(rb, 8, 3);
    pa->time_us.p50 = pb->time_us.p50 = NAN;
    fs_point_delta *d;
    size_t n;
    compare(&a, &b, 0.25, &d, &n);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].stat, "time_us.mean");
    assert_float_equal(d[0].ratio, 1.5, 1e-12);
    assert_true(d[0].worse);
    free(d);
    free_both(&a, &b);
}

static const fs_meta_change *find(const fs_meta_change *c, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].what, what) == 0) return &c[i];
    return NULL;
}

static void test_meta_diff(void **state)
{
    (void)state;
    fs_results a = {0}, b = {0};
    a.meta.mpi_library = fs_strdup("Open MPI v4.1.4");
    b.meta.mpi_library = fs_strdup("Open MPI v5.0.3");
    a.meta.libfabric_version = fs_strdup("1.17");
    b.meta.libfabric_version = fs_strdup("1.17");
    a.meta.version = fs_strdup("0.1.0");
    b.meta.ranks = a.meta.ranks = 2;
    a.meta.extra =
        json_pack("{s:{s:s,s:s,s:f},s:[s,s]}", "settings", "FI_PROVIDER", "efa", "OMPI_MCA_btl",
                  "self,vader", "precision", 0.01, "rank_binding", "core 0", "core 1");
    b.meta.extra = json_pack("{s:{s:s,s:f,s:s},s:[s,s],s:s}", "settings", "FI_PROVIDER", "efa",
                             "precision", 0.01, "FI_EFA_USE_DEVICE_RDMA", "1", "rank_binding",
                             "core 0", "core 1", "kernel", "6.1.0-18");
    add_run(&a, "bw", "efa", 2);
    add_run(&b, "bw", "tcp;ofi_rxm", 2);
    fs_meta_change *c;
    size_t n;
    fs_err err = {0};
    assert_int_equal(fs_meta_diff(&a, &b, &c, &n, &err), 0);
    const fs_meta_change *x = find(c, n, "MPI library");
    assert_non_null(x);
    assert_string_equal(x->a, "Open MPI v4.1.4");
    assert_string_equal(x->b, "Open MPI v5.0.3");
    assert_non_null(x = find(c, n, "fabscale version"));
    assert_null(x->b);
    assert_non_null(x = find(c, n, "setting OMPI_MCA_btl"));
    assert_string_equal(x->a, "self,vader");
    assert_null(x->b);
    assert_non_null(x = find(c, n, "setting FI_EFA_USE_DEVICE_RDMA"));
    assert_null(x->a);
    assert_string_equal(x->b, "1");
    assert_non_null(x = find(c, n, "kernel"));
    assert_string_equal(x->b, "6.1.0-18");
    assert_non_null(x = find(c, n, "transport/provider"));
    assert_string_equal(x->a, "[\"mpi/efa\"]");
    assert_string_equal(x->b, "[\"mpi/tcp;ofi_rxm\"]");
    /* equal items are not listed */
    assert_null(find(c, n, "libfabric version"));
    assert_null(find(c, n, "setting FI_PROVIDER"));
    assert_null(find(c, n, "setting precision"));
    assert_null(find(c, n, "rank binding"));
    assert_null(find(c, n, "ranks"));
    assert_null(find(c, n, "instance type"));
    fs_meta_changes_free(c, n);
    /* a file against itself: nothing */
    assert_int_equal(fs_meta_diff(&a, &a, &c, &n, &err), 0);
    assert_int_equal(n, 0);
    fs_meta_changes_free(c, n);
    free_both(&a, &b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bandwidth_halved_is_worse),
        cmocka_unit_test(test_equal_within_noise),
        cmocka_unit_test(test_latency_up_is_worse_down_is_better),
        cmocka_unit_test(test_symmetric_change),
        cmocka_unit_test(test_unmatched_points_reported),
        cmocka_unit_test(test_runs_match_on_key_and_launches),
        cmocka_unit_test(test_isolated_point_not_a_regression),
        cmocka_unit_test(test_single_size_run),
        cmocka_unit_test(test_noise_from_recorded_spread),
        cmocka_unit_test(test_two_level_launches_within_noise),
        cmocka_unit_test(test_median_of_undisturbed_launches),
        cmocka_unit_test(test_disturbed_points_not_counted),
        cmocka_unit_test(test_mean_when_no_median),
        cmocka_unit_test(test_meta_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
