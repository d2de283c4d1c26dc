/* Results writer: JSON round trip through jansson, atomic write, CSV. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fs_results_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static fs_point sample_point(void)
{
    return (fs_point){
        .bytes = 4096,
        .iterations = 1234,
        .warmup = 100,
        .converged = true,
        .time_us = {.n = 1234,
                    .min = 1.5,
                    .p50 = 2.25,
                    .mean = 2.5,
                    .p90 = 3,
                    .p99 = 4,
                    .max = 9.75,
                    .stdev = 0.5,
                    .ci95 = 0.02},
        .bandwidth_GBps = 1.8204444,
        .msg_rate_Mps = 0.444444,
        .algbw_GBps = NAN,
        .busbw_GBps = NAN,
        .slowest_rank = 1,
    };
}

static json_t *sample_doc(void)
{
    json_t *meta = json_pack("{s:s, s:i}", "version", "test", "ranks", 2);
    json_t *doc = fs_results_new(meta);
    json_t *run =
        json_pack("{s:s, s:s, s:s, s:n, s:i, s:i, s:i}", "benchmark", "bw", "transport", "ofi",
                  "provider", "tcp;ofi_rxm", "algorithm", "ranks", 2, "pairs", 1, "window", 64);
    json_t *pts = json_array();
    fs_point p = sample_point();
    json_array_append_new(pts, fs_point_json(&p));
    p.bytes = 8192;
    json_array_append_new(pts, fs_point_json(&p));
    json_object_set_new(run, "points", pts);
    json_array_append_new(json_object_get(doc, "runs"), run);
    return doc;
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/r.json", dir);
    json_t *doc = sample_doc();
    assert_int_equal(fs_results_write(doc, path, false, err, sizeof err), 0);
    json_decref(doc);

    json_t *back = fs_results_load(path, err, sizeof err);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "schema")), "fabscale.results/1");
    assert_true(json_is_false(json_object_get(json_object_get(back, "meta"), "complete")));
    json_t *run = json_array_get(json_object_get(back, "runs"), 0);
    assert_string_equal(json_string_value(json_object_get(run, "provider")), "tcp;ofi_rxm");
    json_t *pt = json_array_get(json_object_get(run, "points"), 1);
    assert_int_equal(json_integer_value(json_object_get(pt, "bytes")), 8192);
    assert_int_equal(json_integer_value(json_object_get(pt, "iterations")), 1234);
    json_t *t = json_object_get(pt, "time_us");
    assert_float_equal(json_real_value(json_object_get(t, "p50")), 2.25, 1e-12);
    assert_float_equal(json_real_value(json_object_get(t, "max")), 9.75, 1e-12);
    assert_float_equal(json_real_value(json_object_get(pt, "bandwidth_GBps")), 1.8204444, 1e-9);
    /* Quantities that do not apply are null, never 0 or NaN. */
    assert_true(json_is_null(json_object_get(pt, "busbw_GBps")));
    assert_int_equal(json_integer_value(json_object_get(pt, "slowest_rank")), 1);
    json_decref(back);

    /* No temporary file is left behind. */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s/r.json.tmp.%ld", dir, (long)getpid());
    assert_int_not_equal(access(tmp, F_OK), 0);
}

static void test_complete_flag_and_csv(void **state)
{
    (void)state;
    char path[128], csv[128], err[256];
    snprintf(path, sizeof path, "%s/c.json", dir);
    snprintf(csv, sizeof csv, "%s/c.csv", dir);
    json_t *doc = sample_doc();
    assert_int_equal(fs_results_write(doc, path, true, err, sizeof err), 0);
    assert_int_equal(fs_results_write_csv(doc, csv, err, sizeof err), 0);
    json_decref(doc);
    json_t *back = fs_results_load(path, err, sizeof err);
    assert_true(json_is_true(json_object_get(json_object_get(back, "meta"), "complete")));
    json_decref(back);

    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[1024];
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "benchmark,transport,provider"));
    while (fgets(line, sizeof line, f)) {
        rows++;
        /* Provider names with ';' are quoted; p50 is the 11th column. */
        assert_non_null(strstr(line, "\"bw\",\"ofi\",\"tcp;ofi_rxm\",,2,1,64,"));
        assert_non_null(strstr(line, ",2.25,"));
    }
    fclose(f);
    assert_int_equal(rows, 2);
}

static void test_load_rejects(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"schema\": \"fabscale.results/9\", \"meta\": {}, \"runs\": []}", f);
    fclose(f);
    assert_null(fs_results_load(path, err, sizeof err));
    assert_non_null(strstr(err, "fabscale.results/9"));
    f = fopen(path, "w");
    fputs("{\"schema\": \"fabscale.results/1\", \"runs\": [", f);
    fclose(f);
    assert_null(fs_results_load(path, err, sizeof err));
    assert_non_null(strstr(err, "not valid JSON"));
}

static void test_unwritable(void **state)
{
    (void)state;
    char err[256] = "";
    json_t *doc = sample_doc();
    assert_int_equal(fs_results_write(doc, "/nonexistent-dir/r.json", true, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write /nonexistent-dir/r.json.tmp"));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_complete_flag_and_csv),
        cmocka_unit_test(test_load_rejects),
        cmocka_unit_test(test_unwritable),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
