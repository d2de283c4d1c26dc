/*
 * test_benchmarks.c - the benchmark registry and what it declares: metric
 * names, the table's columns chosen by metric, and the collective
 * benchmarks run end to end (setup, prepare, iteration, check,
 * algorithm_at) on the collectives' in-process fake transport - no MPI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "collectives.h"
#include "fake_transport.h"
#include "table.h"

static void test_metric_names(void **state)
{
    (void)state;
    assert_string_equal(fs_metric_name(FS_METRIC_LATENCY), "latency");
    assert_string_equal(fs_metric_name(FS_METRIC_BANDWIDTH), "bandwidth");
    assert_string_equal(fs_metric_name(FS_METRIC_MESSAGE_RATE), "message_rate");
    assert_string_equal(fs_metric_name(FS_METRIC_COLLECTIVE), "collective");
    assert_string_equal(fs_metric_name((fs_metric)FS_METRIC_COUNT), "?");
}

static void test_registry(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; fs_benches[i]; i++, n++) {
        const fs_bench *b = fs_benches[i];
        assert_true(b->summary && b->summary[0]);
        assert_ptr_equal(fs_bench_find(b->name), b);
        assert_in_range(b->metric, 0, FS_METRIC_COUNT - 1);
        /* A collective is measured as one, by every rank, with busbw. */
        bool coll = b->metric == FS_METRIC_COLLECTIVE;
        assert_int_equal(coll, b->participation == FS_BENCH_COLLECTIVE);
        assert_int_equal(coll, b->busbw_factor != NULL);
        if (b->has_algorithm) {
            assert_non_null(b->algorithm_ok);
            assert_non_null(b->algorithm_at);
        }
        for (int j = 0; j < i; j++) assert_string_not_equal(fs_benches[j]->name, b->name);
    }
    assert_true(n >= 1);
    assert_null(fs_bench_find("nonesuch"));
    assert_int_equal(fs_bench_find("latency")->metric, FS_METRIC_LATENCY);
    assert_int_equal(fs_bench_find("bw")->metric, FS_METRIC_BANDWIDTH);
    assert_int_equal(fs_bench_find("bibw")->metric, FS_METRIC_BANDWIDTH);
    assert_int_equal(fs_bench_find("msgrate")->metric, FS_METRIC_MESSAGE_RATE);
    assert_int_equal(fs_bench_find("write_lat")->metric, FS_METRIC_LATENCY);
    assert_int_equal(fs_bench_find("allgather")->metric, FS_METRIC_COLLECTIVE);
}

/* The table's header and one row for a benchmark of metric m. */
static void table_for(fs_metric m, char *head, size_t hlen, char *row, size_t rlen)
{
    fs_bench b = {.name = "x", .metric = m, .time_scale = 1.0};
    fs_bench_point p = {
        .bytes = 4096,
        .iterations = 77,
        .time_us = {.n = 77, .min = 1, .p50 = 12.5, .mean = 13, .p99 = 20, .ci95 = 0.13},
        .bandwidth_GBps = 0.3277,
        .msg_rate_Mps = 0.08,
        .algbw_GBps = 0.25,
        .busbw_GBps = 0.375,
        .slowest_rank = 3};
    FILE *f = fmemopen(head, hlen, "w");
    assert_non_null(f);
    fs_bench_table_header(f, &b, "t");
    fclose(f);
    f = fmemopen(row, rlen, "w");
    assert_non_null(f);
    fs_bench_table_row(f, &b, &p);
    fclose(f);
}

static void test_table_columns(void **state)
{
    (void)state;
    char head[512], row[256];
    table_for(FS_METRIC_LATENCY, head, sizeof head, row, sizeof row);
    assert_non_null(strstr(head, "Latency (us)"));
    assert_null(strstr(head, "Bandwidth"));
    assert_non_null(strstr(row, "12.50")); /* the median, in us */

    table_for(FS_METRIC_BANDWIDTH, head, sizeof head, row, sizeof row);
    assert_non_null(strstr(head, "Bandwidth (MB/s)"));
    assert_non_null(strstr(row, "327.70")); /* GB/s x 1000 */

    /* osu_mbw_mr's columns: MB/s, then messages/s. */
    table_for(FS_METRIC_MESSAGE_RATE, head, sizeof head, row, sizeof row);
    assert_non_null(strstr(head, "Msg rate (M/s)"));
    assert_non_null(strstr(row, "0.080"));

    table_for(FS_METRIC_COLLECTIVE, head, sizeof head, row, sizeof row);
    assert_non_null(strstr(head, "busbw (GB/s)"));
    assert_non_null(strstr(row, "0.375"));
    int slowest = -1;
    assert_int_equal(sscanf(strrchr(row, ' '), "%d", &slowest), 1);
    assert_int_equal(slowest, 3);
}

/* --format osu: OSU 7.4's exact lines (osu_latency, osu_bw, osu_mbw_mr and
 * osu_allreduce output, widths 10 and 18), values from the mean. */
static void osu_table(const char *name, fs_metric m, fs_bench_participation part, char *out,
                      size_t len)
{
    fs_bench b = {.name = name, .metric = m, .participation = part, .time_scale = 1.0};
    fs_bench_ctx c = {.pairs = 1, .window = 64, .dtype = FS_COLL_FLOAT32, .nranks = 4};
    fs_bench_point p = {
        .bytes = 4096,
        .iterations = 77,
        .time_us = {.n = 77, .min = 1, .p50 = 10, .mean = 12.5, .p99 = 20},
        .bandwidth_GBps = 0.5, /* from the median: 5000 bytes / 10 us */
        .msg_rate_Mps = 0.1,
    };
    FILE *f = fmemopen(out, len, "w");
    assert_non_null(f);
    fs_bench_table_osu_header(f, &b, &c);
    fs_bench_table_osu_row(f, &b, &c, &p);
    fclose(f);
}

static void test_table_osu(void **state)
{
    (void)state;
    char out[1024];
    osu_table("latency", FS_METRIC_LATENCY, FS_BENCH_PAIRS, out, sizeof out);
    assert_string_equal(out, "\n# OSU MPI Latency Test v7.4\n# Datatype: MPI_CHAR.\n"
                             "# Size       Avg Latency(us)\n"
                             "4096                   12.50\n");
    osu_table("bw", FS_METRIC_BANDWIDTH, FS_BENCH_PAIRS, out, sizeof out);
    /* 0.5 GB/s at the median; OSU's MB/s from the mean: 500 x 10/12.5. */
    assert_string_equal(out, "\n# OSU MPI Bandwidth Test v7.4\n# Datatype: MPI_CHAR.\n"
                             "# Size      Bandwidth (MB/s)\n"
                             "4096                  400.00\n");
    osu_table("msgrate", FS_METRIC_MESSAGE_RATE, FS_BENCH_PAIRS, out, sizeof out);
    assert_string_equal(out, "# OSU MPI Multiple Bandwidth / Message Rate Test v7.4\n"
                             "# [ pairs: 1 ] [ window size: 64 ]\n# Datatype: MPI_CHAR.\n"
                             "# Size                  MB/s        Messages/s\n"
                             "4096                  400.00          80000.00\n");
    osu_table("allreduce", FS_METRIC_COLLECTIVE, FS_BENCH_COLLECTIVE, out, sizeof out);
    assert_string_equal(out, "\n# OSU MPI Allreduce Latency Test v7.4\n# Datatype: MPI_FLOAT.\n"
                             "# Size       Avg Latency(us)\n"
                             "4096                   12.50\n");
    /* osu_allgather's Size is each process's block: 4096 gathered over 4. */
    osu_table("allgather", FS_METRIC_COLLECTIVE, FS_BENCH_COLLECTIVE, out, sizeof out);
    assert_string_equal(out, "\n# OSU MPI Allgather Latency Test v7.4\n# Datatype: MPI_FLOAT.\n"
                             "# Size       Avg Latency(us)\n"
                             "1024                   12.50\n");
}

/* ------------------------------------------------------------------ */
/* Collective benchmarks on the fake transport.                         */

typedef struct coll_arg {
    const fs_bench *b;
    fs_coll_op op;
    const char *algorithm;
    const size_t *sizes;
    int nsizes;
    bool corrupt; /* damage one received element: check must say so */
    char err[8][320];
    char ran[8][32];
} coll_arg;

static int fail_rank(coll_arg *a, int r, const char *fmt, const char *msg)
{
    snprintf(a->err[r], sizeof a->err[r], fmt, msg);
    return FS_ERUNTIME;
}

static int coll_rank(fs_transport *tp, void *arg)
{
    coll_arg *a = arg;
    const fs_bench *b = a->b;
    int r = tp->rank, rc;
    char msg[256] = "";
    size_t max = 0;
    for (int i = 0; i < a->nsizes; i++) max = a->sizes[i] > max ? a->sizes[i] : max;
    fs_bench_ctx c = {.tp = tp,
                      .rank = r,
                      .nranks = tp->nranks,
                      .peer = -1,
                      .algorithm = a->algorithm,
                      .dtype = FS_COLL_FLOAT32,
                      .errmsg = msg,
                      .errmsg_len = sizeof msg};
    if ((rc = b->algorithm_ok(&c))) return fail_rank(a, r, "refused: %s", msg);
    c.buf_bytes = b->buffer_bytes(max, tp->nranks, 1);
    c.sbuf = malloc(c.buf_bytes);
    c.rbuf = malloc(c.buf_bytes);
    if (!c.sbuf || !c.rbuf) return fail_rank(a, r, "%s", "out of memory");
    tp->ops->mr_reg(tp, c.sbuf, c.buf_bytes, &c.smr);
    tp->ops->mr_reg(tp, c.rbuf, c.buf_bytes, &c.rmr);
    if ((rc = b->setup(&c))) {
        fail_rank(a, r, "setup: %s", msg);
        goto out;
    }
    for (int i = 0; i < a->nsizes && !rc; i++) {
        c.bytes = a->sizes[i];
        if ((rc = b->prepare(&c))) {
            fail_rank(a, r, "prepare: %s", msg);
            break;
        }
        /* What runs here: auto's choice for the rounded vector. */
        size_t moved = fs_coll_round_bytes(a->op, c.bytes, FS_COLL_FLOAT32, tp->nranks);
        const char *want =
            a->algorithm && strcmp(a->algorithm, "auto")
                ? a->algorithm
                : fs_coll_alg_name(fs_coll_auto(a->op, moved, tp->nranks, tp->caps.inject_size));
        const char *ran = b->algorithm_at(&c);
        snprintf(a->ran[r], sizeof a->ran[r], "%s", ran);
        if (strcmp(ran, want)) {
            snprintf(a->err[r], sizeof a->err[r], "%zu bytes: algorithm_at says %s, expected %s",
                     c.bytes, ran, want);
            rc = FS_ERUNTIME;
            break;
        }
        if (b->bytes_per_iter(&c) != (double)moved) {
            snprintf(a->err[r], sizeof a->err[r], "%zu bytes: bytes_per_iter %g, expected %zu",
                     c.bytes, b->bytes_per_iter(&c), moved);
            rc = FS_ERUNTIME;
            break;
        }
        for (int it = 0; it < 2 && !rc; it++)
            if ((rc = b->iteration(&c))) fail_rank(a, r, "iteration: %s", msg);
        if (rc) break;
        if (a->corrupt && r == tp->nranks - 1) ((float *)c.rbuf)[0] += 1.0f;
        rc = b->check(&c);
        if (rc && !a->corrupt) fail_rank(a, r, "check: %s", msg);
        if (rc && a->corrupt) {
            snprintf(a->err[r], sizeof a->err[r], "%s", msg);
            rc = 0;
            break;
        }
    }
    b->teardown(&c);
    if (c.state) rc = fail_rank(a, r, "%s", "teardown left its state");
out:
    tp->ops->mr_dereg(tp, c.smr);
    tp->ops->mr_dereg(tp, c.rmr);
    free(c.sbuf);
    free(c.rbuf);
    return rc;
}

static fs_coll_op op_of(const fs_bench *b)
{
    for (int op = 0; op < FS_COLL_NOPS; op++)
        if (strcmp(fs_coll_op_name((fs_coll_op)op), b->name) == 0) return (fs_coll_op)op;
    fail_msg("collective benchmark %s names no operation", b->name);
    return FS_COLL_ALLREDUCE;
}

static void run_world(coll_arg *a, int p)
{
    fake_world *w = fake_world_new(p, 8, 8);
    assert_non_null(w);
    memset(a->err, 0, sizeof a->err);
    int rc = fake_world_run(w, coll_rank, a);
    for (int r = 0; r < p && !a->corrupt; r++)
        if (a->err[r][0])
            fail_msg("%s %s p=%d rank %d: %s", a->b->name, a->algorithm, p, r, a->err[r]);
    if (rc && !a->corrupt)
        fail_msg("%s %s p=%d: %s", a->b->name, a->algorithm, p, fake_world_error(w));
    fake_world_free(w);
}

static void test_collective_benchmarks(void **state)
{
    (void)state;
    static const size_t sizes[] = {4, 1001, 8192, 300000};
    int ran = 0;
    for (int i = 0; fs_benches[i]; i++) {
        const fs_bench *b = fs_benches[i];
        if (b->participation != FS_BENCH_COLLECTIVE) continue;
        coll_arg a = {.b = b, .op = op_of(b), .sizes = sizes, .nsizes = 4};
        for (int p = 1; p <= 4; p++) {
            a.algorithm = "auto";
            run_world(&a, p);
            for (int k = 0; fs_coll_algorithms[k]; k++) {
                char why[256];
                if (fs_coll_alg_ok(a.op, fs_coll_algorithms[k], p, why, sizeof why)) continue;
                a.algorithm = fs_coll_algorithms[k]->name;
                run_world(&a, p);
                ran++;
            }
        }
    }
    assert_true(ran >= 3 * 4 * 2);
}

/* Refusals before anything runs; the fake transport has no collectives of
 * its own, so "native" names the transports that do. */
static int refuse_rank(fs_transport *tp, void *arg)
{
    coll_arg *a = arg;
    char msg[320] = "";
    fs_bench_ctx c = {.tp = tp,
                      .rank = tp->rank,
                      .nranks = tp->nranks,
                      .algorithm = a->algorithm,
                      .errmsg = msg,
                      .errmsg_len = sizeof msg};
    int rc = a->b->algorithm_ok(&c);
    snprintf(a->err[tp->rank], sizeof a->err[tp->rank], "%s", msg);
    return rc == FS_EINPUT ? 0 : -1;
}

static void test_refusals(void **state)
{
    (void)state;
    coll_arg a = {.b = fs_bench_find("allreduce"), .algorithm = "native"};
    fake_world *w = fake_world_new(2, 4, 4);
    assert_int_equal(fake_world_run(w, refuse_rank, &a), 0);
    assert_non_null(strstr(a.err[0], "needs --transport mpi; over fake use ring, "));
    a.algorithm = "butterfly";
    assert_int_equal(fake_world_run(w, refuse_rank, &a), 0);
    assert_non_null(strstr(a.err[1], "unknown algorithm \"butterfly\" (use ring, "));
    assert_null(strstr(a.err[1], "native")); /* not on this transport */
    a.b = fs_bench_find("reduce_scatter");
    a.algorithm = "rd";
    assert_int_equal(fake_world_run(w, refuse_rank, &a), 0);
    assert_non_null(strstr(a.err[0], "algorithm rd has no reduce_scatter form"));
    fake_world_free(w);
}

static void test_validation_failure(void **state)
{
    (void)state;
    static const size_t sizes[] = {4096};
    coll_arg a = {.b = fs_bench_find("allreduce"),
                  .op = FS_COLL_ALLREDUCE,
                  .algorithm = "ring",
                  .sizes = sizes,
                  .nsizes = 1,
                  .corrupt = true};
    run_world(&a, 3);
    assert_non_null(strstr(a.err[2], "validation failed: allreduce (ring, float32), 4096 bytes: "
                                     "rank 2 element 0"));
    assert_string_equal(a.err[0], "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_names),          cmocka_unit_test(test_registry),
        cmocka_unit_test(test_table_columns),         cmocka_unit_test(test_table_osu),
        cmocka_unit_test(test_collective_benchmarks), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_validation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
