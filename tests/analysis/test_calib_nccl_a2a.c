/*
 * test_calib_nccl_a2a.c - a measured all-to-all from nccl-tests' alltoall_perf
 * calibrates the model: the text reader names it (tests/data/logs/
 * nccl_alltoall_h20_n8_excerpt.txt, public output from NVIDIA/nccl-tests
 * issue #314: no program name in it, so its unchecked in-place run tells it
 * from an all-gather), `fabscale fit` derives a link from it, and the model
 * built from it alone is calibrated by its points as all-to-all.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "link_fit.h"
#include "predict.h"
#include "results.h"

#define FIXTURE    "nccl_alltoall_h20_n8_excerpt.txt"
#define NEAR(x, y) assert_true(fabs((double)(x) - (double)(y)) <= 1e-9 * (1 + fabs((double)(y))))

static char *slurp(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/logs/%s", FS_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    assert_true(n > 0);
    return buf;
}

static fs_results load_fixture(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/logs/%s", FS_TEST_DATA, FIXTURE);
    fs_results r;
    fs_err err = {0};
    int rc = fs_results_load(path, &r, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    return r;
}

static int parse(const char *text, fs_results *r)
{
    fs_err err = {0};
    int rc = fs_results_parse(text, strlen(text), "mem.txt", r, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    return rc;
}

/* Every occurrence of `from` in s replaced by `to` of the same length. */
static void replace_all(char *s, const char *from, const char *to)
{
    size_t n = strlen(from);
    assert_int_equal(n, strlen(to));
    for (char *p = strstr(s, from); p; p = strstr(p + n, from)) memcpy(p, to, n);
}

static const fs_point *at(const fs_run *run, double bytes)
{
    for (size_t j = 0; j < run->npoints; j++)
        if (run->points[j].bytes == bytes) return &run->points[j];
    fail_msg("no point of %.0f B in %s", bytes, run->benchmark);
    return NULL;
}

/* The values printed on the fixture's lines 14 and 16. */
static void reads_as_alltoall(void **state)
{
    (void)state;
    fs_results r = load_fixture();
    assert_int_equal(r.format, FS_FORMAT_NCCL_TEXT);
    assert_int_equal(r.nruns, 2);
    assert_int_equal(r.meta.ranks, 8);
    assert_int_equal(r.meta.nhosts, 1);
    assert_string_equal(r.meta.hosts[0], "TENCENT64");
    for (size_t i = 0; i < 2; i++) {
        const fs_run *run = &r.runs[i];
        assert_string_equal(run->benchmark, "alltoall");
        assert_int_equal(run->ranks, 8);
        assert_int_equal(run->npoints, 3);
        assert_int_equal(run->in_place, i == 1);
        /* out-of-place checked (#wrong 0), in-place not (N/A) */
        assert_int_equal(run->validated, i == 0);
    }
    const fs_point *p = at(&r.runs[0], 1048576);
    NEAR(p->time_us.mean, 58.14);
    NEAR(p->algbw_GBps, 18.04);
    NEAR(p->busbw_GBps, 15.78);
    p = at(&r.runs[1], 4194304);
    NEAR(p->time_us.mean, 59.23);
    NEAR(p->busbw_GBps, 61.96);
    fs_results_free(&r);
}

/* The same table with its in-place run checked is what all_gather_perf
 * prints: an all-gather.  Unchecked on both sides (-c 0) it cannot be told
 * apart and stays one, unless the program is named. */
static void told_from_allgather(void **state)
{
    (void)state;
    char *text = slurp(FIXTURE);
    fs_results r;
    replace_all(text, "N/A", "  0");
    assert_int_equal(parse(text, &r), 0);
    for (size_t i = 0; i < r.nruns; i++) assert_string_equal(r.runs[i].benchmark, "allgather");
    assert_int_equal(r.runs[0].ranks, 8);
    fs_results_free(&r);

    replace_all(text, "      0    ", "    N/A    "); /* out-of-place #wrong, then time */
    replace_all(text, "  0\n", "N/A\n");             /* in-place #wrong */
    assert_null(strstr(text, "      0 "));
    assert_int_equal(parse(text, &r), 0);
    for (size_t i = 0; i < r.nruns; i++) assert_string_equal(r.runs[i].benchmark, "allgather");
    fs_results_free(&r);

    size_t n = strlen(text);
    const char *named = "# Collective test starting: alltoall_perf\n";
    char *with = malloc(strlen(named) + n + 1);
    assert_non_null(with);
    strcpy(with, named);
    strcat(with, text);
    assert_int_equal(parse(with, &r), 0);
    for (size_t i = 0; i < r.nruns; i++) assert_string_equal(r.runs[i].benchmark, "alltoall");
    fs_results_free(&r);
    free(with);
    free(text);
}

/* fabscale fit: p - 1 steps of n/p each, so the link's peak is the
 * largest out-of-place busbw (61.84 GB/s printed at 4 MiB). */
static void link_from_alltoall(void **state)
{
    (void)state;
    fs_results r = load_fixture();
    fs_link_fit *l;
    size_t n;
    fs_err err = {0};
    assert_int_equal(fs_links_from_collectives(&r, 1, NULL, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].npoints, 3); /* the out-of-place run */
    double t = 59.35, bytes = 4194304, p = 8;
    NEAR(l[0].peak_GBps, bytes / p / (t / (p - 1) * 1e3));
    assert_true(fabs(l[0].peak_GBps - 61.84) < 0.005);
    assert_non_null(strstr(l[0].assumed, "alltoall at 8 ranks, read as a pairwise exchange"));
    fs_links_free(l, n);
    fs_results_free(&r);
}

/* The model from this file alone: a link derived from its points,
 * calibrated by all six of them, each checked as an all-to-all of 8 ranks. */
static void calibrates_the_model(void **state)
{
    (void)state;
    fs_results r = load_fixture();
    fs_model_info info;
    memset(&info, 0, sizeof info);
    fs_model_opts o = {.intra_GBps = NAN,
                       .intra_alpha_us = NAN,
                       .reduce_GBps = NAN,
                       .results = &r,
                       .nresults = 1,
                       .info = &info};
    fs_coll_model m;
    size_t li, ii;
    fs_err err = {0};
    int rc = fs_model_build(NULL, 0, &o, &m, &li, &ii, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_true(info.link_derived);
    assert_true(info.calibrated);
    assert_int_equal(info.calib.points, 6);
    assert_int_equal(info.max_measured_ranks, 8);
    fs_check *c;
    size_t nc, no_ranks, no_link;
    assert_int_equal(fs_predict_check(&r, 1, NULL, 0, &info.base, info.force_base, 0, &c, &nc,
                                      &no_ranks, &no_link, &err),
                     0);
    assert_int_equal(nc, 6);
    for (size_t i = 0; i < nc; i++) {
        assert_int_equal(c[i].coll, FS_ALLTOALL);
        assert_int_equal(c[i].ranks, 8);
        assert_true(c[i].model_us > 0 && isfinite(c[i].model_us));
        if (!c[i].run->in_place && c[i].bytes == 1048576) NEAR(c[i].measured_us, 58.14);
    }
    free(c);
    fs_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_as_alltoall),
        cmocka_unit_test(told_from_allgather),
        cmocka_unit_test(link_from_alltoall),
        cmocka_unit_test(calibrates_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
