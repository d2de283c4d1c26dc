/* fabscale-bench's results: a measured point into the document, atomic
 * JSON and CSV writes, --append loads (the common library underneath). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static fs_bench_point sample_point(void)
{
    return (fs_bench_point){
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

static fs_results *sample_doc(void)
{
    json_t *meta = json_pack("{s:s, s:i, s:[s,s], s:{s:f}}", "version", "test", "ranks", 2,
                             "rank_host", "a", "b", "settings", "precision", 0.01);
    fs_results *doc = fs_bench_results_new(meta);
    assert_non_null(doc);
    fs_err err = {0};
    fs_run *run = fs_results_new_run(doc, "bw", &err);
    assert_non_null(run);
    run->transport = fs_strdup("ofi");
    run->provider = fs_strdup("tcp;ofi_rxm");
    run->ranks = 2;
    run->pairs = 1;
    run->window = 64;
    run->attributes = json_pack("{s:i}", "inject_size", 64);
    fs_bench_point p = sample_point();
    fs_bench_point_to_result(&p, fs_run_new_point(run, &err));
    p.bytes = 8192;
    fs_bench_point_to_result(&p, fs_run_new_point(run, &err));
    return doc;
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/r.json", dir);
    fs_results *doc = sample_doc();
    assert_int_equal(fs_bench_results_save(doc, path, NULL, false, err, sizeof err), 0);
    fs_bench_results_free(doc);

    json_t *back = json_load_file(path, 0, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "schema")), "fabscale.results/1");
    json_t *meta = json_object_get(back, "meta");
    assert_true(json_is_false(json_object_get(meta, "complete")));
    /* Members the table does not model survive: rank_host, settings. */
    assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "rank_host"), 1)),
                        "b");
    assert_float_equal(
        json_real_value(json_object_get(json_object_get(meta, "settings"), "precision")), 0.01,
        1e-12);
    json_t *run = json_array_get(json_object_get(back, "runs"), 0);
    assert_string_equal(json_string_value(json_object_get(run, "provider")), "tcp;ofi_rxm");
    /* The run says what it measures even when the struct did not. */
    assert_string_equal(json_string_value(json_object_get(run, "kind")), "bandwidth");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(run, "attributes"), "inject_size")), 64);
    json_t *pt = json_array_get(json_object_get(run, "points"), 1);
    assert_int_equal(json_integer_value(json_object_get(pt, "bytes")), 8192);
    assert_int_equal(json_integer_value(json_object_get(pt, "iterations")), 1234);
    assert_int_equal(json_integer_value(json_object_get(pt, "warmup")), 100);
    assert_true(json_is_true(json_object_get(pt, "converged")));
    json_t *t = json_object_get(pt, "time_us");
    assert_float_equal(json_real_value(json_object_get(t, "p50")), 2.25, 1e-12);
    assert_float_equal(json_real_value(json_object_get(t, "max")), 9.75, 1e-12);
    assert_null(json_object_get(t, "n")); /* the sample count is "iterations" */
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

static void test_complete_flag_csv_and_append(void **state)
{
    (void)state;
    char path[128], csv[128], err[256];
    snprintf(path, sizeof path, "%s/c.json", dir);
    snprintf(csv, sizeof csv, "%s/c.csv", dir);
    fs_results *doc = sample_doc();
    assert_int_equal(fs_bench_results_save(doc, path, csv, true, err, sizeof err), 0);
    fs_bench_results_free(doc);

    /* --append: the file's own meta stays, the new launch's is recorded. */
    fs_results *back = fs_bench_results_load(path, err, sizeof err);
    assert_non_null(back);
    assert_true(back->meta.complete);
    assert_int_equal(back->nruns, 1);
    assert_int_equal(back->runs[0].npoints, 2);
    fs_bench_results_add_launch(back, json_pack("{s:s}", "version", "later"));
    assert_int_equal(fs_bench_results_save(back, path, NULL, true, err, sizeof err), 0);
    fs_bench_results_free(back);
    json_t *j = json_load_file(path, 0, NULL);
    json_t *meta = json_object_get(j, "meta");
    assert_string_equal(json_string_value(json_object_get(meta, "version")), "test");
    json_t *more = json_object_get(meta, "appended");
    assert_int_equal(json_array_size(more), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(more, 0), "version")),
                        "later");
    json_decref(j);

    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[1024];
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    line[strcspn(line, "\n")] = '\0';
    assert_string_equal(line, fs_results_csv_header());
    assert_non_null(strstr(line, "benchmark,kind,transport,provider,algorithm,ranks,pairs,window,"
                                 "bytes,iterations,warmup,min_us,p50_us"));
    while (fgets(line, sizeof line, f)) {
        rows++;
        /* Provider names with ';' are quoted; absent values are empty. */
        assert_non_null(strstr(line, "\"bw\",\"bandwidth\",\"ofi\",\"tcp;ofi_rxm\",,2,1,64,"));
        assert_non_null(strstr(line, ",1234,100,1.5,2.25,2.5,"));
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
    assert_null(fs_bench_results_load(path, err, sizeof err));
    assert_non_null(strstr(err, "fabscale.results/9"));
    f = fopen(path, "w");
    fputs("{\"keep\": true}", f);
    fclose(f);
    assert_null(fs_bench_results_load(path, err, sizeof err));
    assert_non_null(strstr(err, "not a fabscale.results/1 results file"));
    f = fopen(path, "w");
    fputs("{\"schema\": \"fabscale.results/1\", \"runs\": [", f);
    fclose(f);
    assert_null(fs_bench_results_load(path, err, sizeof err));
    assert_non_null(strstr(err, "not valid JSON"));
}

static void test_unwritable(void **state)
{
    (void)state;
    char err[256] = "";
    fs_results *doc = sample_doc();
    assert_int_equal(
        fs_bench_results_save(doc, "/nonexistent-dir/r.json", NULL, true, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write /nonexistent-dir/r.json.tmp"));
    fs_bench_results_free(doc);
}

/* Outputs are checked before anything is measured. */
static void test_output_check(void **state)
{
    (void)state;
    char path[512], why[512] = "";
    snprintf(path, sizeof path, "%s/new.json", dir);
    assert_int_equal(fs_bench_output_check(path, false, why, sizeof why), 0);
    assert_int_equal(access(path, F_OK), -1); /* the probe left nothing */
    assert_int_equal(fs_bench_output_check("-", false, why, sizeof why), 0);
    assert_int_equal(fs_bench_output_check(NULL, false, why, sizeof why), 0);

    assert_int_equal(fs_bench_output_check("/proc/nope/x.json", false, why, sizeof why), -1);
    assert_string_equal(why, "cannot write /proc/nope/x.json: directory /proc/nope does not exist");
    assert_int_equal(fs_bench_output_check(dir, true, why, sizeof why), -1);
    assert_non_null(strstr(why, "is a directory"));

    FILE *f = fopen(path, "w");
    fputs("x", f);
    fclose(f);
    assert_int_equal(fs_bench_output_check(path, false, why, sizeof why), -1);
    assert_non_null(strstr(why, "exists: use --force"));
    assert_int_equal(fs_bench_output_check(path, true, why, sizeof why), 0);
    char under[600];
    snprintf(under, sizeof under, "%s/x.csv", path);
    assert_int_equal(fs_bench_output_check(under, false, why, sizeof why), -1);
    assert_non_null(strstr(why, "is not a directory"));
    unlink(path);
}

static void test_fallback_path(void **state)
{
    (void)state;
    char out[256];
    fs_bench_output_fallback_path("/data/run/r.json", "/scratch", 42, 0, out, sizeof out);
    assert_string_equal(out, "/scratch/fabscale-bench.42.r.json");
    fs_bench_output_fallback_path("r.csv", NULL, 7, 0, out, sizeof out);
    assert_string_equal(out, "/tmp/fabscale-bench.7.r.csv");
    fs_bench_output_fallback_path("/a/b.json", "", 7, 1, out, sizeof out);
    assert_string_equal(out, "./fabscale-bench.7.b.json");
}

/* A write that fails keeps the document, says so once, and the final
 * write goes to the fallback. */
static void test_output_fallback(void **state)
{
    (void)state;
    fs_results *doc = sample_doc();
    char log_path[512], tmp[512];
    snprintf(log_path, sizeof log_path, "%s/log", dir);
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    mkdir(tmp, 0755);
    setenv("TMPDIR", tmp, 1);
    FILE *log = fopen(log_path, "w+");
    fs_bench_output out = {.path = "/proc/nope/r.json"};
    assert_int_equal(fs_bench_output_write(&out, doc, false, log), -1);
    assert_int_equal(fs_bench_output_write(&out, doc, false, log), -1);
    assert_true(out.failing);
    assert_string_equal(out.fallback, "");
    assert_int_equal(fs_bench_output_write(&out, doc, true, log), 0);
    char want[600];
    snprintf(want, sizeof want, "%s/fabscale-bench.%ld.r.json", tmp, (long)getpid());
    assert_string_equal(out.fallback, want);
    fs_results *back = fs_bench_results_load(want, log_path, sizeof log_path);
    assert_non_null(back);
    assert_int_equal(back->nruns, doc->nruns);
    fs_bench_results_free(back);
    rewind(log);
    char line[1024];
    int said = 0, named = 0;
    while (fgets(line, sizeof line, log)) {
        said += strstr(line, "stay in memory") != NULL;
        named += strstr(line, want) != NULL;
    }
    assert_int_equal(said, 1);
    assert_int_equal(named, 1);
    fclose(log);
    unlink(want);
    unsetenv("TMPDIR");
    fs_bench_results_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_complete_flag_csv_and_append),
        cmocka_unit_test(test_load_rejects),    cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_output_check),    cmocka_unit_test(test_fallback_path),
        cmocka_unit_test(test_output_fallback),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
