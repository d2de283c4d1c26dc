/*
 * test_reader_logs.c - the readers on real logs (tests/data/logs, made by
 * running OSU 7.4 / 5.3 and fabscale-bench on this machine; provenance in
 * its README): every fixture is read and the values asserted are the ones
 * printed on the line named, as OSU or fabscale-bench meant them.
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
#include "results.h"

static fs_results load_log(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/logs/%s", FS_TEST_DATA, name);
    fs_results r;
    fs_err err = {0};
    int rc = fs_results_load(path, &r, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    return r;
}

static int parse(const char *text, fs_results *r, fs_err *err)
{
    memset(err, 0, sizeof *err);
    return fs_results_parse(text, strlen(text), "mem.txt", r, err);
}

#define NEAR(x, y)        assert_true(fabs((double)(x) - (double)(y)) <= 1e-9 * (1 + fabs((double)(y))))
#define WITHIN(x, y, rel) assert_true(fabs((double)(x) - (double)(y)) <= (rel)*fabs((double)(y)))

static const fs_point *at(const fs_run *run, double bytes)
{
    for (size_t j = 0; j < run->npoints; j++)
        if (run->points[j].bytes == bytes) return &run->points[j];
    fail_msg("no point of %.0f B in %s", bytes, run->benchmark);
    return NULL;
}

static bool has_note(const fs_run *run, const char *needle)
{
    size_t i;
    json_t *n;
    json_array_foreach(run->notes, i, n) if (strstr(json_string_value(n), needle)) return true;
    return false;
}

static void latency_plain_and_prefixed(void **state)
{
    (void)state;
    fs_results r = load_log("osu7_latency.txt");
    assert_int_equal(r.format, FS_FORMAT_OSU);
    assert_string_equal(r.meta.version, "OSU Micro-Benchmarks 7.4");
    assert_int_equal(r.nruns, 1);
    assert_string_equal(r.runs[0].dtype, "MPI_CHAR");
    assert_int_equal(r.runs[0].npoints, 17);
    NEAR(at(&r.runs[0], 1)->time_us.mean, 0.45);
    NEAR(at(&r.runs[0], 65536)->time_us.mean, 7.68);
    assert_int_equal(at(&r.runs[0], 65536)->line, 21);
    fs_results_free(&r);

    /* mpirun --tag-output: the same table behind "[1,0]<stdout>:", lines kept */
    r = load_log("osu7_latency_tag_output.txt");
    assert_int_equal(r.runs[0].npoints, 13);
    NEAR(at(&r.runs[0], 1)->time_us.mean, 6.90);
    NEAR(at(&r.runs[0], 4096)->time_us.mean, 4.85);
    assert_int_equal(at(&r.runs[0], 4096)->line, 17);
    fs_results_free(&r);

    /* OSU 5.3: "Latency (us)", a 0-byte row, no version in the title */
    r = load_log("osu5_latency.txt");
    assert_int_equal(r.runs[0].npoints, 24);
    NEAR(at(&r.runs[0], 0)->time_us.mean, 1.10);
    NEAR(at(&r.runs[0], 1048576)->time_us.mean, 2000.71);
    assert_null(r.meta.version);
    fs_results_free(&r);
}

static void bandwidth_variants(void **state)
{
    (void)state;
    /* --timestamp-output; window 64: time per iteration (us) = 64 x size / MB/s */
    fs_results r = load_log("osu7_bw_timestamp_output.txt");
    const fs_run *bw = &r.runs[0];
    assert_string_equal(bw->benchmark, "bw");
    assert_int_equal(bw->window, 64);
    NEAR(at(bw, 65536)->bandwidth_GBps, 0.46140);
    NEAR(at(bw, 65536)->time_us.mean, 65536.0 * 64 / 461.40);
    fs_results_free(&r);

    /* -z: "Bandwidth (MB/s) P50 Tail BW(MB/s) ..." single blanks apart */
    r = load_log("osu7_bw_z.txt");
    bw = &r.runs[0];
    assert_int_equal(bw->npoints, 17);
    const fs_point *p = at(bw, 65536);
    NEAR(p->bandwidth_GBps, 1.92893);
    NEAR(p->time_us.p50, 65536.0 * 64 / 10369.95);
    NEAR(json_real_value(json_object_get(p->extra, "bandwidth_GBps_p99")), 11.47983);
    fs_results_free(&r);

    /* bibw: both directions, 2 x window messages per iteration */
    r = load_log("osu7_bibw_z.txt");
    bw = &r.runs[0];
    assert_string_equal(bw->benchmark, "bibw");
    NEAR(at(bw, 4096)->time_us.mean, 4096.0 * 64 * 2 / 119.74);
    NEAR(at(bw, 4096)->time_us.p50, 4096.0 * 64 * 2 / 119.47);
    fs_results_free(&r);

    /* -W 32 is not printed by osu_bw: the job log's command says it */
    r = load_log("osu7_bw_W32_joblog.txt");
    bw = &r.runs[0];
    assert_int_equal(bw->window, 32);
    assert_int_equal(bw->npoints, 21);
    NEAR(at(bw, 1048576)->time_us.mean, 1048576.0 * 32 / 1779.17);
    fs_results_free(&r);
}

static void message_rate_variants(void **state)
{
    (void)state;
    fs_results r = load_log("osu7_mbw_mr_tag_timestamp.txt");
    assert_string_equal(r.runs[0].benchmark, "msgrate");
    assert_int_equal(r.runs[0].pairs, 1);
    assert_int_equal(r.runs[0].window, 64);
    NEAR(at(&r.runs[0], 1)->msg_rate_Mps, 8.26424937);
    NEAR(at(&r.runs[0], 4096)->bandwidth_GBps, 0.01659);
    fs_results_free(&r);

    /* -V: one run per window size, bandwidth and rate from the two matrices */
    r = load_log("osu7_mbw_mr_V.txt");
    assert_int_equal(r.nruns, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(r.runs[i].benchmark, "msgrate");
        assert_int_equal(r.runs[i].window, 1 << i);
        assert_int_equal(r.runs[i].npoints, 11);
    }
    const fs_point *p = at(&r.runs[7], 32); /* window 128, 32 B: lines 12 and 26 */
    NEAR(p->bandwidth_GBps, 0.00092);
    NEAR(p->msg_rate_Mps, 0.02860139);
    NEAR(p->time_us.mean, 32.0 * 128 / 0.92);
    fs_results_free(&r);
}

static void types_and_percentiles(void **state)
{
    (void)state;
    /* -T all: "# Datatype" before each "# Size": a run per type */
    fs_results r = load_log("osu7_latency_T_all.txt");
    assert_int_equal(r.nruns, 3);
    assert_string_equal(r.runs[0].dtype, "MPI_CHAR");
    assert_string_equal(r.runs[1].dtype, "MPI_INT");
    assert_string_equal(r.runs[2].dtype, "MPI_FLOAT");
    assert_int_equal(r.runs[0].npoints, 11);
    assert_int_equal(r.runs[1].npoints, 9); /* 4 B .. 1 KiB: whole ints */
    assert_int_equal(r.runs[1].points[0].line, 18);
    fs_results_free(&r);
    r = load_log("osu7_allreduce_T_all.txt");
    assert_int_equal(r.nruns, 3);
    assert_string_equal(r.runs[2].dtype, "MPI_FLOAT");
    assert_string_equal(r.runs[2].benchmark, "allreduce");
    fs_results_free(&r);

    /* -z50,95: P50 to time_us.p50, P95 kept beside it */
    r = load_log("osu7_latency_z50_95.txt");
    const fs_point *p = at(&r.runs[0], 4096);
    NEAR(p->time_us.mean, 51.27);
    NEAR(p->time_us.p50, 4.37);
    NEAR(json_real_value(json_object_get(p->extra, "time_us_p95")), 5.04);
    assert_true(isnan(p->time_us.p90));
    fs_results_free(&r);
}

static void validation_fail(void **state)
{
    (void)state;
    /* -c: the Fail row (8 B, line 8) is not imported; the run says so */
    fs_results r = load_log("osu7_latency_c_fail.txt");
    const fs_run *run = &r.runs[0];
    assert_int_equal(run->npoints, 3);
    assert_false(run->validated);
    for (size_t j = 0; j < run->npoints; j++) assert_true(run->points[j].bytes < 8);
    assert_true(has_note(run, "line 8: OSU validation says \"Fail\" at 8 B"));
    fs_results_free(&r);
    /* all rows Pass: validated */
    fs_err err;
    assert_int_equal(parse("# OSU MPI Latency Test v7.4\n# Size       Avg Latency(us)        "
                           "Validation\n1   0.47   Pass\n2   0.49   Pass\n",
                           &r, &err),
                     0);
    assert_true(r.runs[0].validated);
    fs_results_free(&r);
}

/* busbw of the whole vector: OSU's allgather Size is each rank's block. */
static void collectives_per_process_sizes(void **state)
{
    (void)state;
    fs_err err = {0};
    fs_results r = load_log("osu7_allgather_n4.txt");
    fs_run *ag = &r.runs[0];
    assert_int_equal(ag->ranks, 0); /* OSU does not print it */
    NEAR(at(ag, 65536)->time_us.mean, 337.77);
    assert_int_equal(fs_osu_set_ranks(ag, 4, &err), 0);
    assert_int_equal(ag->ranks, 4);
    const fs_point *p = at(ag, 262144); /* 4 x 64 KiB gathered */
    NEAR(json_real_value(json_object_get(p->extra, "osu_size")), 65536);
    NEAR(p->algbw_GBps, 262144.0 / (337.77 * 1e3));
    NEAR(p->busbw_GBps, 262144.0 / (337.77 * 1e3) * 3 / 4);
    fs_results_free(&r);

    r = load_log("osu7_allgather_n2.txt");
    assert_int_equal(fs_osu_set_ranks(&r.runs[0], 2, &err), 0);
    NEAR(at(&r.runs[0], 131072)->busbw_GBps, 131072.0 / (10.91 * 1e3) / 2);
    NEAR(at(&r.runs[0], 131072)->time_us.min, 10.62);
    fs_results_free(&r);

    /* all-reduce: Size is the vector; busbw = algbw x 2(p-1)/p */
    r = load_log("osu7_allreduce_n4.txt");
    assert_int_equal(fs_osu_set_ranks(&r.runs[0], 4, &err), 0);
    NEAR(at(&r.runs[0], 65536)->busbw_GBps, 65536.0 / (621.91 * 1e3) * 1.5);
    fs_results_free(&r);

    /* the rank count from the job log's "mpirun -n 4": no option needed */
    r = load_log("osu7_allgather_alltoall_n4_joblog.txt");
    assert_int_equal(r.nruns, 2);
    assert_string_equal(r.runs[0].benchmark, "allgather");
    assert_string_equal(r.runs[1].benchmark, "alltoall");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.runs[i].ranks, 4);
        assert_null(json_object_get(r.runs[i].extra, "osu_size_per_process"));
    }
    NEAR(at(&r.runs[0], 262144)->busbw_GBps, 262144.0 / (1696.12 * 1e3) * 3 / 4);
    /* alltoall: bytes = the send buffer of a rank = per-peer size x ranks */
    NEAR(at(&r.runs[1], 262144)->time_us.mean, 7048.59);
    NEAR(at(&r.runs[1], 262144)->busbw_GBps, 262144.0 / (7048.59 * 1e3) * 3 / 4);
    fs_results_free(&r);

    /* OSU 5.3's allgather, same convention */
    r = load_log("osu5_allgather_n4.txt");
    assert_int_equal(fs_osu_set_ranks(&r.runs[0], 4, &err), 0);
    NEAR(at(&r.runs[0], 16384)->time_us.max, 133.26);
    fs_results_free(&r);
}

static void srun_label_equals_plain(void **state)
{
    (void)state;
    fs_results a = load_log("osu7_allreduce_n4.txt"),
               b = load_log("osu7_allreduce_n4_srun_label.txt");
    assert_int_equal(a.runs[0].npoints, 15);
    assert_int_equal(b.runs[0].npoints, a.runs[0].npoints);
    for (size_t j = 0; j < a.runs[0].npoints; j++) {
        NEAR(b.runs[0].points[j].bytes, a.runs[0].points[j].bytes);
        NEAR(b.runs[0].points[j].time_us.mean, a.runs[0].points[j].time_us.mean);
        NEAR(b.runs[0].points[j].iterations, a.runs[0].points[j].iterations);
        assert_int_equal(b.runs[0].points[j].line, a.runs[0].points[j].line);
    }
    fs_results_free(&a);
    fs_results_free(&b);
}

static void cut_short(void **state)
{
    (void)state;
    /* nccl-tests killed inside the 131072 B row: 14 rows kept, the note says where */
    fs_results r = load_log("nccl_all_reduce_truncated.txt");
    assert_int_equal(r.nruns, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.runs[i].npoints, 14);
        NEAR(r.runs[i].points[13].bytes, 65536);
        assert_true(has_note(&r.runs[i], "line 40: the file ends inside the nccl-tests table"));
    }
    fs_results_free(&r);
    /* OSU killed by timeout after a whole row: nothing in the text says
     * so; the rows are what they are */
    r = load_log("osu7_latency_killed.txt");
    assert_int_equal(r.runs[0].npoints, 8);
    NEAR(at(&r.runs[0], 128)->time_us.mean, 453.29);
    fs_results_free(&r);
    /* a short last row: the rows before it are kept, with a warning */
    fs_err err;
    assert_int_equal(
        parse("# OSU MPI Latency Test v7.4\n# Size  Avg Latency(us)  P50 Tail Lat(us)\n"
              "1   0.5   0.4\n2   0.6\n",
              &r, &err),
        0);
    assert_int_equal(r.runs[0].npoints, 1);
    assert_true(has_note(&r.runs[0], "line 4: expected 3 columns"));
    fs_results_free(&r);
    /* ... but not when the table goes on: then it is an error */
    assert_int_equal(
        parse("# OSU MPI Latency Test v7.4\n# Size  Avg Latency(us)  P50 Tail Lat(us)\n"
              "1   0.5   0.4\n2   0.6\n4   0.7   0.5\n",
              &r, &err),
        FS_EXIT_INPUT);
    assert_non_null(strstr(err.msg, "mem.txt:4: expected 3 columns"));
    /* the last line without its line break was cut mid-number: not read */
    assert_int_equal(
        parse("# OSU MPI Latency Test v7.4\n# Size  Avg Latency(us)\n1   0.5\n2   0.6", &r, &err),
        0);
    assert_int_equal(r.runs[0].npoints, 1);
    fs_results_free(&r);
}

/* fabscale-bench's table reads back as the results file of the same run. */
static void fabscale_table_matches_its_json(void **state)
{
    (void)state;
    fs_results t = load_log("fabscale_bench_table.txt"), j = load_log("fabscale_bench_table.json");
    assert_int_equal(t.format, FS_FORMAT_FABSCALE_TEXT);
    assert_string_equal(t.meta.version, "fabscale-bench 0.1.0");
    assert_int_equal(t.nruns, j.nruns);
    for (size_t i = 0; i < t.nruns; i++) {
        const fs_run *a = &t.runs[i], *b = &j.runs[i];
        assert_string_equal(a->benchmark, b->benchmark);
        assert_string_equal(a->transport, b->transport);
        assert_string_equal(a->provider, b->provider);
        assert_int_equal(a->ranks, b->ranks);
        assert_int_equal(a->window, b->window);
        assert_int_equal(a->npoints, b->npoints);
        for (size_t k = 0; k < a->npoints; k++) {
            const fs_point *p = &a->points[k], *q = &b->points[k];
            NEAR(p->bytes, q->bytes);
            NEAR(p->iterations, q->iterations);
            /* printed with 2 decimals (3 for GB/s and M/s) */
            assert_true(fabs(p->time_us.p50 - q->time_us.p50) <= 0.0051);
            if (isfinite(q->bandwidth_GBps) && a->window)
                assert_true(fabs(p->bandwidth_GBps - q->bandwidth_GBps) <= 0.0051e-3);
            if (isfinite(q->busbw_GBps))
                assert_true(fabs(p->busbw_GBps - q->busbw_GBps) <= 0.00051);
            if (strcmp(a->benchmark, "latency") == 0)
                assert_true(fabs(p->time_us.mean - q->time_us.mean) <= 0.0051);
        }
    }
    fs_results_free(&t);
    fs_results_free(&j);
}

static void sanity_bounds(void **state)
{
    (void)state;
    fs_results r;
    fs_err err;
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"schema\": \"fabscale.results/1\",\n \"runs\": [ {\"benchmark\": \"latency\",\n"
         "  \"points\": [ {\"bytes\": 1e300, \"time_us\": {\"p50\": 1}} ] } ] }",
         "mem.txt:3: runs[0].points[0]: size 1e+300 B is above 2^50 B"},
        {"{\"schema\": \"fabscale.results/1\",\n \"runs\": [ {\"benchmark\": \"bw\",\n"
         "  \"points\": [\n {\"bytes\": 8, \"bandwidth_GBps\": 1e308} ] } ] }",
         "mem.txt:4: runs[0].points[0]: bandwidth_GBps 1e+308 is above 100 TB/s"},
        {"{\"schema\": \"fabscale.results/1\",\n \"runs\": [ {\"benchmark\": \"latency\",\n"
         "  \"points\": [ {\"bytes\": 8, \"time_us\": {\"p50\": -2}} ] } ] }",
         "time_us.p50 -2 is negative"},
        {"# OSU MPI Bandwidth Test v7.4\n# Size      Bandwidth (MB/s)\n1   4.0\n"
         "2   200000000000\n",
         "mem.txt:4: bandwidth_GBps 2e+08 is above 100 TB/s"},
        {"# OSU MPI Latency Test v7.4\n# Size       Avg Latency(us)\n1   0.5\n"
         "2251799813685248   0.6\n",
         "mem.txt:4: size 2.2518e+15 B is above 2^50 B"},
        {"# OSU MPI Latency Test v7.4\n# Size       Avg Latency(us)\n1   nan\n2  0.4\n",
         "mem.txt:3: column 2 (Avg Latency(us)): \"nan\" is not"},
        {"# nThread 1 nGpus 1 minBytes 8 maxBytes 8 step: 2(factor)\n"
         "#       size         count      type   redop    root     time   algbw   busbw #wrong\n"
         "           8             2     float     sum      -1    -3.0    0.00    0.00      0\n"
         "# Avg bus bandwidth    : 0\n",
         "mem.txt:3: time_us.mean -3 is negative"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i].text, &r, &err), FS_EXIT_INPUT);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("case %zu: \"%s\"", i, err.msg);
        assert_null(strchr(err.msg, '\n'));
    }
    /* at the bounds: accepted */
    assert_int_equal(parse("# OSU MPI Latency Test v7.4\n# Size       Avg Latency(us)\n"
                           "1125899906842624   0.5\n",
                           &r, &err),
                     0);
    fs_results_free(&r);
}

static void launcher_prefixes(void **state)
{
    (void)state;
    fs_results r;
    fs_err err;
    /* srun --label past 10 tasks right-aligns; a task's stray line too */
    assert_int_equal(parse(" 0: # OSU MPI Latency Test v7.4\n 0: # Size       Avg Latency(us)\n"
                           " 0: 1     0.50\n11: warning from task 11\n 0: 2     0.60\n",
                           &r, &err),
                     0);
    assert_int_equal(r.runs[0].npoints, 2);
    assert_int_equal(r.runs[0].points[1].line, 5);
    fs_results_free(&r);
    /* Open MPI 5 (PRRTE) tags and -prepend-rank */
    assert_int_equal(parse("[prterun-node1-123@1,0]<stdout>: # OSU MPI Latency Test v7.4\n"
                           "[prterun-node1-123@1,0]<stdout>: # Size       Avg Latency(us)\n"
                           "[prterun-node1-123@1,0]<stdout>: 1     0.50\n",
                           &r, &err),
                     0);
    NEAR(r.runs[0].points[0].time_us.mean, 0.5);
    fs_results_free(&r);
    assert_int_equal(parse("[0] # OSU MPI Latency Test v7.4\n[0] # Size       Avg Latency(us)\n"
                           "[0] 8     0.50\n",
                           &r, &err),
                     0);
    NEAR(r.runs[0].points[0].bytes, 8);
    fs_results_free(&r);
    /* a minority of "N: " lines is not a label: left as it is */
    assert_int_equal(parse("# OSU MPI Latency Test v7.4\n# Size       Avg Latency(us)\n1  0.5\n"
                           "2  0.6\n4: 0.7\n",
                           &r, &err),
                     0);
    assert_int_equal(r.runs[0].npoints, 2);
    fs_results_free(&r);
}

/* fabscale fit lat.txt bw.txt mbw.txt: one link with all three. */
static void osu_files_merge_into_one_link(void **state)
{
    (void)state;
    fs_results r[3] = {load_log("osu7_latency.txt"), load_log("osu7_bw.txt"),
                       load_log("osu7_mbw_mr.txt")};
    fs_link_fit *l;
    size_t n;
    fs_err err = {0};
    assert_int_equal(fs_links_from_results(r, 3, NULL, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    size_t nlat = 0, nbw = 0;
    for (size_t k = 0; k < l[0].npoints; k++)
        l[0].points[k].kind == FS_FIT_LATENCY ? nlat++ : nbw++;
    assert_int_equal(nlat, 17);
    assert_int_equal(nbw, 21);
    assert_string_equal(l[0].msg_rate_from, "msgrate");
    NEAR(l[0].msg_rate_Mps, 8.11734639); /* the largest Messages/s of osu7_mbw_mr.txt */
    assert_non_null(strstr(l[0].assumed, "osu7_latency.txt, osu7_bw.txt, osu7_mbw_mr.txt"));
    assert_non_null(strstr(l[0].source, "osu7_latency.txt"));
    fs_links_free(l, n);
    /* two latency logs without hosts may be two clusters: two links */
    fs_results_free(&r[1]);
    r[1] = load_log("osu5_latency.txt");
    assert_int_equal(fs_links_from_results(r, 2, NULL, &l, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].assumed, "");
    fs_links_free(l, n);
    for (int i = 0; i < 3; i++) fs_results_free(&r[i]);
}

/* nccl-tests alone: a link read from the ring, its peak = the busbw the
 * file's own times give (44.58 GB/s printed at 256 MiB). */
static void nccl_only_link(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/nccl_all_reduce_perf.txt", FS_TEST_DATA);
    fs_results r;
    fs_err err = {0};
    assert_int_equal(fs_results_load(path, &r, &err), 0);
    fs_link_fit *l;
    size_t n;
    assert_int_equal(fs_links_from_results(&r, 1, NULL, &l, &n, &err), FS_EXIT_INPUT);
    memset(&err, 0, sizeof err);
    assert_int_equal(fs_links_from_collectives(&r, 1, NULL, &l, &n, &err), 0);
    assert_int_equal(n, 1);
    double best = 0;
    const fs_run *run = &r.runs[0];
    assert_false(run->in_place);
    for (size_t j = 0; j < run->npoints; j++) {
        double b = run->points[j].bytes / (run->points[j].time_us.mean * 1e3) * 2 * 15 / 16;
        if (b > best) best = b;
    }
    NEAR(l[0].peak_GBps, best);
    assert_true(fabs(l[0].peak_GBps - 44.58) < 0.005);
    assert_int_equal(l[0].npoints, run->npoints);
    assert_non_null(strstr(l[0].assumed, "derived from the measured allreduce at 16 ranks"));
    fs_links_free(l, n);
    fs_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latency_plain_and_prefixed),
        cmocka_unit_test(bandwidth_variants),
        cmocka_unit_test(message_rate_variants),
        cmocka_unit_test(types_and_percentiles),
        cmocka_unit_test(validation_fail),
        cmocka_unit_test(collectives_per_process_sizes),
        cmocka_unit_test(srun_label_equals_plain),
        cmocka_unit_test(cut_short),
        cmocka_unit_test(fabscale_table_matches_its_json),
        cmocka_unit_test(sanity_bounds),
        cmocka_unit_test(launcher_prefixes),
        cmocka_unit_test(osu_files_merge_into_one_link),
        cmocka_unit_test(nccl_only_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
