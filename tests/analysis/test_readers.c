/*
 * test_readers.c - the readers parse real-format OSU 7.x, nccl-tests 2.x
 * (text and -J JSON) and fabscale samples (tests/data), and reject
 * malformed input with the file, the line and the reason.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "results.h"

static fs_results load_ok(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FS_TEST_DATA, name);
    fs_results r;
    fs_err err = {0};
    int rc = fs_results_load(path, &r, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    return r;
}

/* Returns the message of a rejected file. */
static const char *load_bad(const char *name, fs_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FS_TEST_DATA, name);
    fs_results r;
    memset(err, 0, sizeof *err);
    assert_int_equal(fs_results_load(path, &r, err), FS_EXIT_INPUT);
    assert_non_null(strstr(err->msg, name)); /* names the file */
    return err->msg;
}

static const char *parse_bad(const char *text, fs_err *err)
{
    fs_results r;
    memset(err, 0, sizeof *err);
    assert_int_equal(fs_results_parse(text, strlen(text), "mem.txt", &r, err), FS_EXIT_INPUT);
    return err->msg;
}

#define NEAR(x, y) assert_true(fabs((double)(x) - (double)(y)) < 1e-9 * (1 + fabs((double)(y))))

static void osu_latency(void **state)
{
    (void)state;
    fs_results r = load_ok("osu_latency_7.4.txt");
    assert_int_equal(r.format, FS_FORMAT_OSU);
    assert_string_equal(r.meta.version, "OSU Micro-Benchmarks 7.4");
    assert_int_equal(r.nruns, 1);
    fs_run *run = &r.runs[0];
    assert_string_equal(run->benchmark, "latency");
    assert_string_equal(run->transport, "mpi");
    assert_string_equal(run->dtype, "MPI_CHAR"); /* printed after the column header */
    assert_int_equal(run->ranks, 2);
    assert_int_equal(run->npoints, 23);
    NEAR(run->points[0].bytes, 1);
    NEAR(run->points[0].time_us.mean, 16.78);
    assert_true(isnan(run->points[0].time_us.p50)); /* OSU prints averages */
    NEAR(run->points[22].bytes, 4194304);
    assert_int_equal(run->points[22].line, 26);
    fs_results_free(&r);
}

static void osu_tail_and_validation(void **state)
{
    (void)state;
    fs_results r = load_ok("osu_latency_tail_7.4.txt");
    fs_run *run = &r.runs[0];
    assert_int_equal(run->npoints, 14);
    assert_true(run->validated);
    NEAR(run->points[0].time_us.mean, 16.76);
    NEAR(run->points[0].time_us.p50, 16.63);
    NEAR(run->points[0].time_us.p90, 17.47);
    NEAR(run->points[0].time_us.p99, 21.84);
    fs_results_free(&r);
}

static void osu_bw_mbw_mr_allreduce(void **state)
{
    (void)state;
    fs_results r = load_ok("osu_bw_7.4.txt");
    fs_run *run = &r.runs[0];
    assert_string_equal(run->benchmark, "bw");
    assert_int_equal(run->window, 64);
    fs_point *p = &run->points[22];
    NEAR(p->bytes, 4194304);
    NEAR(p->bandwidth_GBps * 1e3, 11413.46); /* MB/s as printed */
    /* derived time: 64 messages of 4 MiB at that bandwidth, in us */
    NEAR(p->time_us.mean, 64 * 4194304 / (p->bandwidth_GBps * 1e3));
    fs_results_free(&r);

    r = load_ok("osu_mbw_mr_7.4.txt");
    run = &r.runs[0];
    assert_string_equal(run->benchmark, "msgrate");
    assert_int_equal(run->pairs, 1);
    assert_int_equal(run->window, 64);
    NEAR(run->points[0].msg_rate_Mps, 0.50103047);
    fs_results_free(&r);

    r = load_ok("osu_allreduce_7.4.txt"); /* -f: min, max, iterations */
    run = &r.runs[0];
    assert_string_equal(run->benchmark, "allreduce");
    assert_string_equal(run->algorithm, "native");
    assert_string_equal(run->dtype, "MPI_FLOAT");
    assert_int_equal(run->ranks, 0); /* OSU does not print it */
    assert_int_equal(run->npoints, 19);
    NEAR(run->points[0].bytes, 4);
    NEAR(run->points[0].time_us.mean, 146.19);
    NEAR(run->points[0].time_us.min, 135.96);
    NEAR(run->points[0].time_us.max, 154.96);
    NEAR(run->points[0].iterations, 1000);
    fs_results_free(&r);
}

static void osu_job_log(void **state)
{
    (void)state;
    /* Open MPI warnings, srun lines and two benchmarks in one file */
    fs_results r = load_ok("osu_job_log.txt");
    assert_int_equal(r.nruns, 2);
    assert_string_equal(r.runs[0].benchmark, "bibw");
    assert_int_equal(r.runs[0].npoints, 20);
    assert_string_equal(r.runs[1].benchmark, "allgather");
    assert_int_equal(r.runs[1].npoints, 17);
    fs_results_free(&r);
}

static void nccl_text(void **state)
{
    (void)state;
    fs_results r = load_ok("nccl_all_reduce_perf.txt");
    assert_int_equal(r.format, FS_FORMAT_NCCL_TEXT);
    assert_string_equal(r.meta.version, "nccl-tests 2.17.6");
    assert_int_equal(r.meta.ranks, 16);
    assert_int_equal(r.meta.nhosts, 2);
    assert_int_equal(r.nruns, 2); /* out-of-place and in-place */
    fs_run *o = &r.runs[0], *i = &r.runs[1];
    assert_string_equal(o->benchmark, "allreduce");
    assert_false(o->in_place);
    assert_true(i->in_place);
    assert_int_equal(o->ranks, 16);
    assert_string_equal(o->dtype, "float32");
    assert_true(o->validated);
    assert_int_equal(o->npoints, 28);
    NEAR(o->points[0].bytes, 8);
    NEAR(o->points[0].time_us.mean, 33.58);
    NEAR(o->points[0].iterations, 20);
    NEAR(i->points[0].time_us.mean, 34.13);
    fs_results_free(&r);

    /* older output: no program name; rows say all-gather by size = count * 4 * 8 */
    r = load_ok("nccl_all_gather_2.10.txt");
    assert_int_equal(r.nruns, 2);
    assert_string_equal(r.runs[0].benchmark, "allgather");
    assert_int_equal(r.runs[0].ranks, 8);
    assert_int_equal(r.runs[0].npoints, 22);
    assert_true(r.runs[0].points[21].busbw_GBps > 100);
    fs_results_free(&r);
}

static void nccl_json(void **state)
{
    (void)state;
    fs_results r = load_ok("nccl_reduce_scatter.json");
    assert_int_equal(r.format, FS_FORMAT_NCCL_JSON);
    assert_int_equal(r.nruns, 2);
    fs_run *o = &r.runs[0];
    assert_string_equal(o->benchmark, "reduce_scatter"); /* from args[0] */
    assert_string_equal(o->algorithm, "ring");           /* NCCL_ALGO=Ring */
    assert_string_equal(o->provider, "efa");             /* FI_PROVIDER */
    assert_int_equal(o->ranks, 16);
    assert_int_equal(o->npoints, 10);
    NEAR(o->points[0].bytes, 1024);
    assert_true(o->points[0].busbw_GBps > 0);
    assert_true(r.runs[1].in_place);
    assert_int_equal(r.meta.nhosts, 2);
    fs_results_free(&r);
}

static void fabscale_json(void **state)
{
    (void)state;
    fs_results r = load_ok("fabscale_synthetic.json");
    assert_int_equal(r.format, FS_FORMAT_FABSCALE);
    assert_true(r.meta.complete);
    assert_int_equal(r.nruns, 5);
    fs_run *lat = &r.runs[0];
    assert_string_equal(lat->benchmark, "latency");
    assert_string_equal(lat->peer_hosts[0], "node-a");
    assert_int_equal(lat->npoints, 23);
    assert_true(lat->points[0].time_us.p50 > 0.2 && lat->points[0].time_us.p50 < 0.3);
    assert_int_equal(lat->points[0].converged, 1);
    assert_null(lat->algorithm);
    assert_int_equal(r.runs[1].window, 64);
    assert_string_equal(r.runs[3].algorithm, "ring");
    assert_int_equal(r.runs[3].ranks, 4);
    fs_results_free(&r);
}

static void round_trip(void **state)
{
    (void)state;
    fs_results r[2] = {load_ok("osu_latency_tail_7.4.txt"), load_ok("nccl_reduce_scatter.json")};
    char *text = fs_results_to_json(r, 2);
    assert_non_null(text);
    fs_results back;
    fs_err err = {0};
    assert_int_equal(fs_results_parse(text, strlen(text), "import.json", &back, &err), 0);
    assert_int_equal(back.nruns, 3);
    assert_string_equal(back.runs[0].benchmark, "latency");
    assert_non_null(strstr(back.runs[0].source, "osu_latency_tail_7.4.txt"));
    NEAR(back.runs[0].points[3].time_us.p50, r[0].runs[0].points[3].time_us.p50);
    assert_true(isnan(back.runs[1].points[0].time_us.p50)); /* absent stays absent */
    assert_string_equal(back.runs[2].provider, "efa");
    assert_true(back.runs[2].in_place);
    free(text);
    fs_results_free(&back);
    fs_results_free(&r[0]);
    fs_results_free(&r[1]);
}

/* Imported runs say what they measure, inferred from their names. */
static void kinds_of_imports(void **state)
{
    (void)state;
    fs_results r[2] = {load_ok("osu_mbw_mr_7.4.txt"), load_ok("nccl_reduce_scatter.json")};
    assert_int_equal(fs_run_kind(&r[0].runs[0]), FS_KIND_MESSAGE_RATE);
    assert_int_equal(fs_run_kind(&r[1].runs[0]), FS_KIND_COLLECTIVE);
    char *text = fs_results_to_json(r, 2);
    assert_non_null(strstr(text, "\"kind\": \"message_rate\""));
    assert_non_null(strstr(text, "\"kind\": \"collective\""));
    free(text);
    fs_results_free(&r[0]);
    fs_results_free(&r[1]);
}

/* The readers are rows of one table: names, help and messages come from it. */
static void reader_table(void **state)
{
    (void)state;
    assert_string_equal(fs_format_name(FS_FORMAT_FABSCALE), "fabscale");
    assert_string_equal(fs_format_name(FS_FORMAT_OSU), "osu");
    assert_string_equal(fs_format_name(FS_FORMAT_NCCL_TEXT), "nccl-tests");
    assert_string_equal(fs_format_name(FS_FORMAT_NCCL_JSON), "nccl-tests-json");
    assert_string_equal(fs_format_name(FS_FORMAT_FABSCALE_TEXT), "fabscale-text");
    assert_string_equal(fs_format_name(99), "?");
    const char *list = fs_format_list();
    assert_non_null(strstr(list, "fabscale JSON, OSU Micro-Benchmarks 5.x-7.x text, "));
    assert_non_null(strstr(list, "nccl-tests -J JSON and fabscale-bench table"));
    fs_results r;
    fs_err err = {0};
    const char *junk = "hello\n";
    assert_int_equal(fs_results_parse(junk, strlen(junk), "j.txt", &r, &err), FS_EXIT_INPUT);
    assert_non_null(strstr(err.msg, "j.txt:1: not a results file: neither fabscale JSON, OSU "
                                    "Micro-Benchmarks 5.x-7.x text, nccl-tests 2.x text, "
                                    "nccl-tests -J JSON nor fabscale-bench table"));
}

static void malformed_files(void **state)
{
    (void)state;
    fs_err err;
    assert_non_null(strstr(load_bad("bad_osu_row.txt", &err), ":13: expected 2 columns"));
    assert_non_null(strstr(load_bad("bad_nccl_row.txt", &err),
                           ":33: column 9 (#wrong): \"x\" is not a number"));
    assert_non_null(
        strstr(load_bad("bad_schema.json", &err), ":2: unknown schema \"fabscale.results/2\""));
    assert_non_null(strstr(load_bad("bad_truncated.json", &err), "not valid JSON"));
    assert_non_null(strstr(load_bad("bad_no_runs.json", &err), "no usable runs"));
    assert_non_null(strstr(load_bad("bad_type.json", &err),
                           ":170: runs[0].points[5].bytes: expected a number"));
    assert_non_null(strstr(load_bad("bad_unrecognised.txt", &err), ":1: not a results file"));
}

static void malformed_text(void **state)
{
    (void)state;
    fs_err err;
    /* header then nothing: output cut short */
    assert_non_null(
        strstr(parse_bad("# OSU MPI Latency Test v7.4\n# Size          Latency (us)\n", &err),
               "mem.txt:2: OSU table header without data rows"));
    /* a number that is not one */
    assert_non_null(strstr(parse_bad("# OSU MPI Bandwidth Test v7.4\n# Size      Bandwidth (MB/s)\n"
                                     "1   0.5\n2   1.O\n",
                                     &err),
                           "mem.txt:4: column 2 (Bandwidth (MB/s)): \"1.O\" is not"));
    /* a benchmark we cannot use */
    assert_non_null(strstr(parse_bad("# OSU MPI Non-blocking Allreduce Latency Test v7.4\n", &err),
                           "mem.txt:1: OSU benchmark not supported"));
    /* rows before any header */
    assert_non_null(strstr(parse_bad("# OSU MPI Latency Test v7.4\n8 1.0\n", &err),
                           "mem.txt:2: OSU data row before"));
    /* nccl-tests header then a short row */
    assert_non_null(
        strstr(parse_bad("# nThread 1 nGpus 1 minBytes 8 maxBytes 8 step: 2(factor)\n"
                         "#       size         count      type   redop    root     time   algbw   "
                         "busbw #wrong     time   algbw   busbw #wrong\n"
                         "           8             2     float     sum      -1    37.05    0.00\n",
                         &err),
               "mem.txt:3: expected 13 columns"));
    /* JSON that is not an object, and garbage */
    assert_non_null(strstr(parse_bad("[1, 2]", &err), "mem.txt:1: JSON array"));
    assert_non_null(strstr(parse_bad("{\"runs\": []}", &err), "without \"schema\""));
    assert_non_null(strstr(parse_bad("   \n\n", &err), "empty file"));
    assert_non_null(strstr(
        parse_bad("{\"schema\": \"fabscale.results/1\",\n \"runs\": [ {\"benchmark\": 3} ]}", &err),
        "mem.txt:2: runs[0].benchmark: expected a string"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(osu_latency),
        cmocka_unit_test(osu_tail_and_validation),
        cmocka_unit_test(osu_bw_mbw_mr_allreduce),
        cmocka_unit_test(osu_job_log),
        cmocka_unit_test(nccl_text),
        cmocka_unit_test(nccl_json),
        cmocka_unit_test(fabscale_json),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(kinds_of_imports),
        cmocka_unit_test(reader_table),
        cmocka_unit_test(malformed_files),
        cmocka_unit_test(malformed_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
