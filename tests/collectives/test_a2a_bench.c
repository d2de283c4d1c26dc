/*
 * test_a2a_bench.c - the alltoall and alltoallv benchmarks end to end on the
 * fake transport (no MPI): a wrong element is named by its rank pair and
 * offset, alltoallv's layout, bytes and imbalance follow the skew model,
 * the run and point extra members carry them, and a skew that does not fit
 * the run is refused as bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "collectives.h"
#include "fake_transport.h"
#include "skew.h"

#define MAXP 6

typedef struct bench_arg {
    const char *bench, *algorithm, *skew;
    size_t bytes;
    int corrupt_rank;   /* -1: none */
    size_t corrupt_off; /* element of the result */
    int rc[MAXP];
    char msg[MAXP][512];
    double moved;
    json_t *run_extra, *point_extra; /* rank 0's */
} bench_arg;

static int bench_rank(fs_transport *tp, void *arg)
{
    bench_arg *a = arg;
    const fs_bench *b = fs_bench_find(a->bench);
    int r = tp->rank, rc;
    fs_bench_ctx c = {.tp = tp,
                      .rank = r,
                      .nranks = tp->nranks,
                      .peer = -1,
                      .algorithm = a->algorithm,
                      .dtype = FS_COLL_FLOAT32,
                      .skew = a->skew,
                      .bytes = a->bytes,
                      .errmsg = a->msg[r],
                      .errmsg_len = sizeof a->msg[r]};
    if ((rc = b->algorithm_ok(&c))) return a->rc[r] = rc, 0;
    c.buf_bytes = b->buffer_bytes(a->bytes, tp->nranks, 1);
    c.sbuf = calloc(1, c.buf_bytes);
    c.rbuf = calloc(1, c.buf_bytes);
    tp->ops->mr_reg(tp, c.sbuf, c.buf_bytes, &c.smr);
    tp->ops->mr_reg(tp, c.rbuf, c.buf_bytes, &c.rmr);
    if ((rc = b->setup(&c))) {
        a->rc[r] = rc;
        goto out;
    }
    if (!(rc = b->prepare(&c)) && !(rc = b->iteration(&c))) {
        if (r == a->corrupt_rank) ((float *)c.rbuf)[a->corrupt_off] += 1.0f;
        rc = b->check(&c);
    }
    a->rc[r] = rc;
    if (r == 0) {
        a->moved = b->bytes_per_iter(&c);
        a->run_extra = json_object();
        a->point_extra = json_object();
        b->run_extra(&c, a->run_extra);
        b->point_extra(&c, a->point_extra);
    }
    b->teardown(&c);
out:
    tp->ops->mr_dereg(tp, c.smr);
    tp->ops->mr_dereg(tp, c.rmr);
    free(c.sbuf);
    free(c.rbuf);
    return 0;
}

static void run(bench_arg *a, int p)
{
    fake_world *w = fake_world_new(p, 8, 8);
    assert_non_null(w);
    if (fake_world_run(w, bench_rank, a)) fail_msg("%s", fake_world_error(w));
    fake_world_free(w);
}

static void done(bench_arg *a)
{
    json_decref(a->run_extra);
    json_decref(a->point_extra);
}

/* 3 ranks, 3 x 40 float32 per rank: element 47 of rank 2's result is
 * element 7 of the block from rank 1 (blocks of 40). */
static void test_alltoall_names_pair_and_offset(void **state)
{
    (void)state;
    static bench_arg a;
    const char *algs[] = {"pairwise", "bruck", "auto"};
    for (int i = 0; i < 3; i++) {
        a = (bench_arg){.bench = "alltoall",
                        .algorithm = algs[i],
                        .bytes = 3 * 40 * 4,
                        .corrupt_rank = 2,
                        .corrupt_off = 47};
        run(&a, 3);
        assert_int_equal(a.rc[0], 0);
        assert_int_equal(a.rc[1], 0);
        assert_int_not_equal(a.rc[2], 0);
        assert_non_null(strstr(a.msg[2], "rank 2 received from rank 1 a wrong element at offset 7 "
                                         "of its block (byte 188 of the result)"));
        assert_null(strchr(a.msg[2], '\n'));
        assert_true(a.moved == 480);
        assert_int_equal(json_object_size(a.point_extra), 0); /* no skew for alltoall */
        done(&a);
    }
}

/* alltoallv with Zipf over 4 ranks: the layout is the model's, rounded to
 * whole float32 elements; bytes = the mean a rank sends; extras record the
 * spec and the imbalance of what moved. */
static void test_alltoallv_follows_model(void **state)
{
    (void)state;
    static bench_arg a;
    const char *spec = "zipf:s=1.5,experts=8,topk=2,capacity=1.25";
    a = (bench_arg){.bench = "alltoallv",
                    .algorithm = "pairwise",
                    .skew = spec,
                    .bytes = 4000,
                    .corrupt_rank = -1};
    run(&a, 4);
    for (int r = 0; r < 4; r++)
        if (a.rc[r]) fail_msg("rank %d: %s", r, a.msg[r]);
    fs_skew s;
    char err[256];
    assert_int_equal(fs_skew_parse(spec, &s, err, sizeof err), 0);
    double m[16];
    assert_int_equal(fs_skew_matrix(&s, 4, 4000, m, err, sizeof err), 0);
    double total = 0;
    for (int i = 0; i < 16; i++) m[i] = 4.0 * (double)(size_t)(m[i] / 4.0), total += m[i];
    assert_true(a.moved == (double)((size_t)total / 4));
    assert_true(a.moved < 4000); /* capacity dropped tokens */
    assert_string_equal(json_string_value(json_object_get(a.run_extra, "skew")),
                        "zipf:s=1.5,experts=8,topk=2,capacity=1.25");
    double imb = json_real_value(json_object_get(a.point_extra, "imbalance"));
    assert_float_equal(imb, fs_skew_imbalance(m, 4), 1e-12);
    assert_true(imb > 1.2);
    assert_float_equal(json_real_value(json_object_get(a.point_extra, "max_rank_bytes")),
                       imb * total / 4, 1e-6);
    fs_skew_free(&s);
    done(&a);

    /* A wrong element in a skewed layout: rank 0's result starts with the
     * block it keeps for itself (its experts are the most popular). */
    a = (bench_arg){.bench = "alltoallv",
                    .algorithm = "auto",
                    .skew = spec,
                    .bytes = 4000,
                    .corrupt_rank = 0,
                    .corrupt_off = 3};
    run(&a, 4);
    assert_int_not_equal(a.rc[0], 0);
    assert_non_null(strstr(a.msg[0], "rank 0 received from rank 0 a wrong element at offset 3 of "
                                     "its block (byte 12 of the result)"));
    done(&a);
}

static void test_bad_skew(void **state)
{
    (void)state;
    static bench_arg a;
    a = (bench_arg){
        .bench = "alltoallv", .skew = "zipf:experts=8", .bytes = 1024, .corrupt_rank = -1};
    run(&a, 3);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(a.rc[r], FS_EINPUT);
        assert_string_equal(a.msg[r], "alltoallv: --skew 8 experts cannot be placed evenly on 3 "
                                      "ranks");
    }
    a = (bench_arg){.bench = "alltoallv", .skew = "zipf:s=x", .bytes = 64, .corrupt_rank = -1};
    run(&a, 2);
    assert_int_equal(a.rc[0], FS_EINPUT);
    assert_non_null(strstr(a.msg[0], "--skew zipf s=x out of range"));
    /* native needs the transport's own alltoallv; the fake has none. */
    a = (bench_arg){.bench = "alltoallv", .algorithm = "native", .bytes = 64, .corrupt_rank = -1};
    run(&a, 2);
    assert_int_equal(a.rc[0], FS_EINPUT);
    assert_non_null(strstr(a.msg[0], "native"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alltoall_names_pair_and_offset),
        cmocka_unit_test(test_alltoallv_follows_model),
        cmocka_unit_test(test_bad_skew),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
