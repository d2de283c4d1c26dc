/*
 * test_calibrate.c - calibration recovers the terms that generated
 * synthetic collectives, and its cross-validated error is honest: larger
 * than the in-sample one on noisy data, and the band holds the truth.
 * The "measured" times are the model itself with known terms (so the test
 * holds whatever formula the model uses for them), times noise from a
 * fixed-seed generator.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calibrate.h"

#define WITHIN(x, want, rel) assert_true(fabs((double)(x) - (want)) <= (rel)*fabs((double)(want)))

static fs_coll_model link_model(void)
{
    fs_coll_model m;
    memset(&m, 0, sizeof m);
    m.inter = fs_link_hockney(5.0, 10.0); /* 5 us, 10 GB/s */
    return m;
}

/* The truth: ring at 80% of the link with 3 us per step, auto (library)
 * at 60% with 8 us; reduction at 4 GB/s. */
static fs_coll_model truth_model(void)
{
    fs_coll_model t = link_model();
    for (int a = 0; a < FS_ALGO_COUNT; a++) t.calib[a] = (fs_coll_calib){0.6, 8.0, 0, 0, 0, 0};
    t.calib[FS_ALGO_RING] = (fs_coll_calib){0.8, 3.0, 0, 0, 0, 0};
    t.gamma_us_per_byte = 1.0 / (4.0 * 1e3);
    return t;
}

/* Points: the collectives x algorithms x rank counts x 4 KiB..64 MiB. */
static size_t make_points(fs_calib_point *pts, const fs_coll_model *truth, const int *ranks,
                          size_t nranks, bool with_gather, bool with_auto, double noise,
                          unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    size_t n = 0;
    fs_collective colls[] = {FS_ALLREDUCE, FS_ALLGATHER};
    fs_algo algos[] = {FS_ALGO_RING, FS_ALGO_AUTO};
    for (size_t c = 0; c < (with_gather ? 2u : 1u); c++)
        for (size_t a = 0; a < (with_auto ? 2u : 1u); a++)
            for (size_t k = 0; k < nranks; k++)
                for (double b = 4096; b <= 64.0 * 1024 * 1024; b *= 4) {
                    fs_calib_point *p = &pts[n++];
                    p->coll = colls[c];
                    p->algo = algos[a];
                    p->ranks = ranks[k];
                    p->bytes = b;
                    double t = fs_coll_time_us(truth, p->coll, p->algo, p->ranks, b, NULL);
                    p->measured_us = t * exp(noise > 0 ? gsl_ran_gaussian(r, noise) : 0);
                }
    gsl_rng_free(r);
    return n;
}

static void recovers_terms_exactly(void **state)
{
    (void)state;
    fs_calib_point pts[256];
    fs_coll_model truth = truth_model();
    int ranks[] = {2, 4, 8};
    size_t n = make_points(pts, &truth, ranks, 3, true, true, 0, 1);
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    double base[256], model[256], cv[256];
    assert_int_equal(fs_calibrate(&m, pts, n, NULL, &s, base, model, cv, &err), 0);
    assert_int_equal(s.points, n);
    assert_int_equal(s.rank_counts, 3);
    assert_int_equal(s.max_ranks, 8);
    assert_true(s.gamma_fitted);
    WITHIN(m.calib[FS_ALGO_RING].bw_efficiency, 0.8, 0.01);
    WITHIN(m.calib[FS_ALGO_RING].step_overhead_us, 3.0, 0.03);
    WITHIN(m.calib[FS_ALGO_AUTO].bw_efficiency, 0.6, 0.01);
    WITHIN(m.calib[FS_ALGO_AUTO].step_overhead_us, 8.0, 0.03);
    /* rd, Rabenseifner, tree were not measured: the library's terms */
    WITHIN(m.calib[FS_ALGO_RD].bw_efficiency, 0.6, 0.01);
    WITHIN(1 / (m.gamma_us_per_byte * 1e3), 4.0, 0.02);
    assert_int_equal(m.calib[FS_ALGO_RING].max_ranks, 8);
    assert_int_equal(m.calib[FS_ALGO_RING].points, (int)n / 2);
    /* uncalibrated the model is far off; calibrated it is exact, in and
     * out of sample */
    assert_true(s.base.median > 0.2);
    assert_true(s.in.max < 1e-3);
    assert_true(s.cv.max < 1e-2);
    assert_true(s.cv_rank.max < 1e-2);
    for (size_t i = 0; i < n; i++) {
        WITHIN(model[i], pts[i].measured_us, 1e-3);
        assert_true(base[i] < pts[i].measured_us); /* ideal link: faster */
    }
    /* the band of exact data is (nearly) a point */
    assert_true(m.calib[FS_ALGO_RING].rel_lo > 0.98 && m.calib[FS_ALGO_RING].rel_lo <= 1);
    assert_true(m.calib[FS_ALGO_RING].rel_hi < 1.02 && m.calib[FS_ALGO_RING].rel_hi >= 1);
}

static void cv_error_exceeds_in_sample_on_noise(void **state)
{
    (void)state;
    fs_calib_point pts[256];
    fs_coll_model truth = truth_model();
    int ranks[] = {2, 4, 8, 16};
    /* ring all-reduce only, 5% noise: gamma cannot be told from the
     * efficiency and is not fitted; the efficiency absorbs it */
    size_t n = make_points(pts, &truth, ranks, 4, false, false, 0.05, 7);
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    double model[256], cv[256];
    assert_int_equal(fs_calibrate(&m, pts, n, NULL, &s, NULL, model, cv, &err), 0);
    assert_false(s.gamma_fitted);
    assert_true(s.cv.n == n && s.cv_rank.n == n);
    assert_true(s.cv.median > s.in.median);
    assert_true(s.cv_rank.median > s.in.median);
    assert_true(s.headline.median >= s.cv.median && s.headline.median >= s.cv_rank.median);
    assert_true(s.in.median < 0.06); /* about the noise */
    assert_true(s.base.median > 0.3);
    /* The truth (noise-free) lies inside the band at >= 90% of the points. */
    const fs_coll_calib *k = &m.calib[FS_ALGO_RING];
    assert_true(k->rel_lo < 0.95 && k->rel_hi > 1.05);
    size_t inside = 0;
    for (size_t i = 0; i < n; i++) {
        double t =
            fs_coll_time_us(&truth, pts[i].coll, pts[i].algo, pts[i].ranks, pts[i].bytes, NULL);
        inside += t >= model[i] * k->rel_lo && t <= model[i] * k->rel_hi;
        assert_true(isfinite(cv[i]));
    }
    assert_true(inside >= 9 * n / 10);
}

/* A glitched measurement (a descheduled rank: 30x slower) neither drags
 * the terms nor blows up the band; the error summary still shows it. */
static void glitch_does_not_drag_the_fit(void **state)
{
    (void)state;
    fs_calib_point pts[256];
    fs_coll_model truth = truth_model();
    int ranks[] = {2, 4, 8};
    size_t n = make_points(pts, &truth, ranks, 3, false, false, 0.02, 3);
    pts[5].measured_us *= 30;
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    assert_int_equal(fs_calibrate(&m, pts, n, NULL, &s, NULL, NULL, NULL, &err), 0);
    /* ring all-reduce alone: gamma folds into the efficiency, 2 / (2 / 0.8 +
     * 10 / 4) = 0.4 of the link */
    WITHIN(m.calib[FS_ALGO_RING].bw_efficiency, 0.4, 0.03);
    WITHIN(m.calib[FS_ALGO_RING].step_overhead_us, 3.0, 0.2);
    assert_true(m.calib[FS_ALGO_RING].rel_hi < 1.15 && m.calib[FS_ALGO_RING].rel_lo > 0.87);
    assert_true(s.in.median < 0.04);
    assert_true(s.in.max > 0.9); /* the glitch itself: 30x off */
}

/* One rank count and one size: no cross-validation is possible, and the
 * summary says so rather than inventing one. */
static void single_point_has_no_cv(void **state)
{
    (void)state;
    fs_coll_model truth = truth_model();
    fs_calib_point p = {FS_ALLREDUCE, FS_ALGO_RING, 2, 1 << 20, 0};
    p.measured_us = fs_coll_time_us(&truth, p.coll, p.algo, p.ranks, p.bytes, NULL);
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    fs_calib_opts o = {0.02, true};
    assert_int_equal(fs_calibrate(&m, &p, 1, &o, &s, NULL, NULL, NULL, &err), 0);
    assert_int_equal(s.cv.n, 0);
    assert_int_equal(s.headline.n, 0);
    assert_true(m.calib[FS_ALGO_RING].bw_efficiency < 0.95); /* moved toward the data */
    /* the band is the link fit's alone: 1.96 x 2% */
    WITHIN(m.calib[FS_ALGO_RING].rel_hi, exp(1.96 * log1p(0.02)), 1e-9);
    char buf[100];
    assert_string_equal(fs_calib_error_str(&s.headline, NULL, buf, sizeof buf), "n/a");
}

static void no_usable_point_is_bad_input(void **state)
{
    (void)state;
    fs_calib_point p = {FS_ALLREDUCE, FS_ALGO_RING, 1, 1024, 5}; /* one rank */
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    assert_int_equal(fs_calibrate(&m, &p, 1, NULL, &s, NULL, NULL, NULL, &err), FS_EXIT_INPUT);
    assert_non_null(strstr(err.msg, "no measured collective"));
}

/* nccl-tests alone: the link is derived from the measured curve. */
static void derives_link_from_collectives(void **state)
{
    (void)state;
    fs_coll_model truth;
    memset(&truth, 0, sizeof truth);
    truth.inter = fs_link_hockney(20.0, 12.5);
    fs_calib_point pts[64];
    size_t n = 0;
    for (double b = 8192; b <= 1 << 30; b *= 4) {
        pts[n] = (fs_calib_point){FS_ALLREDUCE, FS_ALGO_RING, 16, b, 0};
        pts[n].measured_us = fs_coll_time_us(&truth, FS_ALLREDUCE, FS_ALGO_RING, 16, b, NULL) *
                             (1 + 0.01 * ((n % 3) - 1.0));
        n++;
    }
    fs_coll_model m;
    memset(&m, 0, sizeof m);
    fs_calib_summary s;
    fs_err err = {0};
    double model[64], cv[64];
    assert_int_equal(fs_calibrate_link(&m, pts, n, &s, model, cv, &err), 0);
    assert_true(s.link_derived);
    assert_int_equal(m.inter.nseg, 1);
    WITHIN(m.inter.seg[0].alpha_us, 20.0, 0.05);
    WITHIN(m.inter.seg[0].bandwidth_GBps, 12.5, 0.02);
    assert_true(s.in.median < 0.015);
    assert_true(s.cv.median >= s.in.median);
    assert_true(s.cv.median < 0.03);
    /* the derived link then predicts another scale */
    double t64 = fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 64, 1 << 28, NULL);
    WITHIN(t64, fs_coll_time_us(&truth, FS_ALLREDUCE, FS_ALGO_RING, 64, 1 << 28, NULL), 0.03);
    assert_true(m.calib[FS_ALGO_RING].rel_hi > 1 && m.calib[FS_ALGO_AUTO].rel_hi > 1);
}

/* Measured all-to-all (MPI native: the library chose) beside measured
 * all-reduce: each gets its own terms, recovered from exact data, and the
 * all-to-all algorithms take the all-to-all ones. */
static void alltoall_terms_apart_from_allreduce(void **state)
{
    (void)state;
    fs_coll_model truth = link_model();
    for (int a = 0; a < FS_ALGO_COUNT; a++) truth.calib[a] = (fs_coll_calib){0.6, 8.0, 0, 0, 0, 0};
    /* all-to-all runs at 45% of the link with 12 us per peer step */
    truth.calib[FS_ALGO_PAIRWISE] = truth.calib[FS_ALGO_BRUCK] =
        (fs_coll_calib){0.45, 12.0, 0, 0, 0, 0};
    fs_calib_point pts[256];
    size_t n = 0;
    int ranks[] = {2, 4, 8, 16};
    fs_collective colls[] = {FS_ALLREDUCE, FS_ALLTOALL};
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 4; k++)
            for (double b = 1024; b <= 64.0 * 1024 * 1024; b *= 4) {
                fs_calib_point *p = &pts[n++];
                *p = (fs_calib_point){colls[c], FS_ALGO_AUTO, ranks[k], b, 0};
                p->measured_us = fs_coll_time_us(&truth, p->coll, p->algo, p->ranks, b, NULL);
            }
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    fs_calib_opts o = {0, false};
    assert_int_equal(fs_calibrate(&m, pts, n, &o, &s, NULL, NULL, NULL, &err), 0);
    WITHIN(m.calib[FS_ALGO_PAIRWISE].bw_efficiency, 0.45, 0.01);
    WITHIN(m.calib[FS_ALGO_PAIRWISE].step_overhead_us, 12.0, 0.03);
    WITHIN(m.calib[FS_ALGO_BRUCK].bw_efficiency, 0.45, 0.01);
    WITHIN(m.calib[FS_ALGO_RING].bw_efficiency, 0.6, 0.01);
    WITHIN(m.calib[FS_ALGO_RING].step_overhead_us, 8.0, 0.03);
    assert_true(s.in.max < 1e-3);
    assert_true(s.cv_rank.n > 0 && s.cv_rank.max < 1e-2);
    /* beyond the measured rank counts: 64 ranks from 2-16 */
    double want = fs_coll_time_us(&truth, FS_ALLTOALL, FS_ALGO_AUTO, 64, 1 << 20, NULL);
    WITHIN(fs_coll_time_us(&m, FS_ALLTOALL, FS_ALGO_AUTO, 64, 1 << 20, NULL), want, 1e-2);
}

/* All-to-all alone, with noise: the calibrated model's error out of sample
 * is small and its band holds the truth at a rank count it did not see. */
static void alltoall_noisy_band_holds(void **state)
{
    (void)state;
    fs_coll_model truth = link_model();
    for (int a = 0; a < FS_ALGO_COUNT; a++) truth.calib[a] = (fs_coll_calib){0.7, 5.0, 0, 0, 0, 0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    fs_calib_point pts[128];
    size_t n = 0;
    int ranks[] = {2, 3, 4, 5};
    for (int k = 0; k < 4; k++)
        for (double b = 4096; b <= 64.0 * 1024 * 1024; b *= 2) {
            fs_calib_point *p = &pts[n++];
            *p = (fs_calib_point){FS_ALLTOALL, FS_ALGO_PAIRWISE, ranks[k], b, 0};
            p->measured_us = fs_coll_time_us(&truth, p->coll, p->algo, p->ranks, b, NULL) *
                             exp(gsl_ran_gaussian(r, 0.03));
        }
    gsl_rng_free(r);
    fs_coll_model m = link_model();
    fs_calib_summary s;
    fs_err err = {0};
    assert_int_equal(fs_calibrate(&m, pts, n, NULL, &s, NULL, NULL, NULL, &err), 0);
    assert_false(s.gamma_fitted); /* nothing is reduced */
    WITHIN(m.calib[FS_ALGO_PAIRWISE].bw_efficiency, 0.7, 0.05);
    assert_true(s.headline.n > 0 && s.headline.median < 0.05);
    double lo, hi, want = fs_coll_time_us(&truth, FS_ALLTOALL, FS_ALGO_PAIRWISE, 8, 1 << 24, NULL);
    fs_coll_time_band_us(&m, FS_ALLTOALL, FS_ALGO_PAIRWISE, 8, 1 << 24, NULL, &lo, &hi);
    assert_true(lo <= want && want <= hi);
    assert_true(hi / lo < 1.3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recovers_terms_exactly),
        cmocka_unit_test(cv_error_exceeds_in_sample_on_noise),
        cmocka_unit_test(glitch_does_not_drag_the_fit),
        cmocka_unit_test(single_point_has_no_cv),
        cmocka_unit_test(no_usable_point_is_bad_input),
        cmocka_unit_test(derives_link_from_collectives),
        cmocka_unit_test(alltoall_terms_apart_from_allreduce),
        cmocka_unit_test(alltoall_noisy_band_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
