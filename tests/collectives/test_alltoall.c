/*
 * test_alltoall.c - all-to-all and all-to-all-v on the fake transport,
 * p = 1..9: every block lands where it belongs (pairwise, bruck, auto; three
 * types; sizes of one, several and many elements per block; tight and
 * roomy flow control), skewed layouts with empty blocks, the schedules
 * (pairwise's p-1 steps and its window, Bruck's ceil(lg p) shifts) and the
 * refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectives_impl.h"
#include "fake_transport.h"

#define MAXP 9

typedef struct a2a_case {
    const fs_coll_algorithm *alg; /* NULL: auto */
    fs_coll_dtype dt;
    size_t count; /* alltoall: the whole send buffer */
    bool v;       /* alltoallv with counts[src][dst] */
    size_t counts[MAXP][MAXP];
    int iters;
    char err[MAXP][256];
} a2a_case;

/* This rank's row and column of the layout, packed in rank order. */
static void layout(const a2a_case *a, int r, int p, size_t *sc, size_t *sd, size_t *rc, size_t *rd)
{
    size_t so = 0, ro = 0;
    for (int d = 0; d < p; d++) {
        sc[d] = a->counts[r][d], sd[d] = so, so += sc[d];
        rc[d] = a->counts[d][r], rd[d] = ro, ro += rc[d];
    }
}

static int a2a_rank(fs_transport *tp, void *arg)
{
    a2a_case *a = arg;
    int r = tp->rank, p = tp->nranks, rc;
    size_t es = fs_coll_dtype_size(a->dt);
    size_t sc[MAXP], sd[MAXP], rcn[MAXP], rd[MAXP];
    if (a->v) {
        layout(a, r, p, sc, sd, rcn, rd);
    } else {
        for (int d = 0; d < p; d++) {
            sc[d] = rcn[d] = a->count / (size_t)p;
            sd[d] = rd[d] = (size_t)d * sc[d];
        }
    }
    size_t sn = sd[p - 1] + sc[p - 1], rn = rd[p - 1] + rcn[p - 1];
    fs_coll c;
    if ((rc = fs_coll_init(&c, tp, (sn > rn ? sn : rn) * es))) return rc;
    char *sbuf = malloc(sn * es + 1), *rbuf = malloc(rn * es + 1), *chk = malloc(sn * es + 1);
    fs_mr *smr = NULL, *rmr = NULL;
    if (!sbuf || !rbuf || !chk) {
        rc = FS_ERUNTIME;
        goto out;
    }
    if ((rc = tp->ops->mr_reg(tp, sbuf, sn * es + 1, &smr))) goto out;
    if ((rc = tp->ops->mr_reg(tp, rbuf, rn * es + 1, &rmr))) goto out;
    for (int d = 0; d < p; d++) fs_a2a_fill(a->dt, sbuf + sd[d] * es, sc[d], r, d);
    memcpy(chk, sbuf, sn * es);
    fs_coll_v v = {sc, sd, rcn, rd};
    for (int it = 0; it < a->iters && !a->err[r][0]; it++) {
        memset(rbuf, 0xFF, rn * es);
        rc = a->v
                 ? fs_coll_run_v(&c, a->alg, sbuf, smr, rbuf, rmr, &v, a->dt)
                 : fs_coll_run(&c, FS_COLL_ALLTOALL, a->alg, sbuf, smr, rbuf, rmr, a->count, a->dt);
        if (rc) goto out;
        for (int s = 0; s < p && !a->err[r][0]; s++)
            for (size_t j = 0; j < rcn[s]; j++) {
                double got = fs_coll_get(a->dt, rbuf + rd[s] * es, j);
                double want = fs_a2a_value(a->dt, s, r, j);
                if (got != want) {
                    snprintf(a->err[r], sizeof a->err[r],
                             "iteration %d: rank %d, element %zu of the block from rank %d is %g, "
                             "expected %g",
                             it, r, j, s, got, want);
                    break;
                }
            }
        if (memcmp(chk, sbuf, sn * es))
            snprintf(a->err[r], sizeof a->err[r], "rank %d: input buffer modified", r);
    }
out:
    if (smr) tp->ops->mr_dereg(tp, smr);
    if (rmr) tp->ops->mr_dereg(tp, rmr);
    free(sbuf);
    free(rbuf);
    free(chk);
    fs_coll_fini(&c);
    return rc;
}

static void run_a2a(a2a_case *a, int p, size_t tx, size_t rx, fake_world **keep)
{
    fake_world *w = fake_world_new(p, tx, rx);
    assert_non_null(w);
    memset(a->err, 0, sizeof a->err);
    const char *what = a->v ? "alltoallv" : "alltoall";
    if (fake_world_run(w, a2a_rank, a))
        fail_msg("%s %s %s p=%d count=%zu: %s", what, fs_coll_alg_name(a->alg),
                 fs_coll_dtype_name(a->dt), p, a->count, fake_world_error(w));
    for (int r = 0; r < p; r++)
        if (a->err[r][0])
            fail_msg("%s %s %s p=%d count=%zu tx=%zu rx=%zu: %s", what, fs_coll_alg_name(a->alg),
                     fs_coll_dtype_name(a->dt), p, a->count, tx, rx, a->err[r]);
    if (keep)
        *keep = w;
    else
        fake_world_free(w);
}

static const fs_coll_algorithm *A(const char *name)
{
    const fs_coll_algorithm *a = NULL;
    if (fs_coll_alg_parse(name, &a) || !a) fail_msg("algorithm %s is not registered", name);
    return a;
}

static void test_alltoall_results(void **state)
{
    (void)state;
    static const fs_coll_dtype dts[] = {FS_COLL_FLOAT32, FS_COLL_FLOAT64, FS_COLL_BFLOAT16};
    static const size_t depth[][2] = {{1, 2}, {64, 64}};
    const fs_coll_algorithm *algs[] = {A("pairwise"), A("bruck"), NULL};
    static a2a_case a;
    for (int p = 1; p <= MAXP; p++)
        for (size_t ai = 0; ai < 3; ai++)
            for (size_t di = 0; di < 3; di++) {
                size_t counts[] = {(size_t)p, (size_t)(7 * p), (size_t)(300 * p)};
                for (size_t ci = 0; ci < 3; ci++)
                    for (size_t k = 0; k < 2; k++) {
                        a = (a2a_case){
                            .alg = algs[ai], .dt = dts[di], .count = counts[ci], .iters = 2};
                        run_a2a(&a, p, depth[k][0], depth[k][1], NULL);
                    }
            }
}

/* Deterministic layouts: random (a quarter of the blocks empty), all to
 * rank 0, and nothing at all from the last rank. */
static void make_layout(a2a_case *a, int p, int kind, unsigned seed)
{
    unsigned x = seed * 2654435761u + 1u;
    for (int s = 0; s < p; s++)
        for (int d = 0; d < p; d++) {
            x = x * 1103515245u + 12345u;
            size_t n = (x >> 16) % 97;
            if (kind == 0) a->counts[s][d] = (x >> 8) % 4 == 0 ? 0 : n;
            if (kind == 1) a->counts[s][d] = d == 0 ? 50 + n : 0;
            if (kind == 2) a->counts[s][d] = s == p - 1 ? 0 : 1 + n;
        }
}

static void test_alltoallv_results(void **state)
{
    (void)state;
    static const size_t depth[][2] = {{1, 2}, {64, 64}};
    static a2a_case a;
    for (int p = 1; p <= MAXP; p++)
        for (int kind = 0; kind < 3; kind++)
            for (size_t ai = 0; ai < 2; ai++)
                for (size_t k = 0; k < 2; k++) {
                    a = (a2a_case){.alg = ai ? NULL : A("pairwise"),
                                   .dt = kind == 1 ? FS_COLL_BFLOAT16 : FS_COLL_FLOAT32,
                                   .v = true,
                                   .iters = 2};
                    make_layout(&a, p, kind, (unsigned)(p * 10 + kind));
                    run_a2a(&a, p, depth[k][0], depth[k][1], NULL);
                }
}

/* Pairwise: rank r's step-s send goes to r+s with tag step s, one block,
 * in step order; small blocks all in flight at once, large ones (past the
 * window's bytes) one step at a time. */
static void test_pairwise_schedule(void **state)
{
    (void)state;
    static a2a_case a;
    for (int p = 2; p <= MAXP; p++) {
        a = (a2a_case){.alg = A("pairwise"), .dt = FS_COLL_FLOAT64, .count = 5u * p, .iters = 1};
        fake_world *w;
        run_a2a(&a, p, 64, 64, &w);
        for (int r = 0; r < p; r++) {
            size_t n;
            const fake_rec *rec = fake_world_sends(w, r, &n);
            assert_int_equal(n, (size_t)(p - 1));
            for (size_t k = 0; k < n; k++) {
                int s = (int)k + 1;
                assert_int_equal(rec[k].dst, (r + s) % p);
                assert_int_equal(fs_coll_tag_step(rec[k].tag), s);
                assert_int_equal(rec[k].len, 5 * 8);
            }
            assert_int_equal(fake_world_max_tx(w, r), (size_t)(p - 1));
            assert_int_equal(fake_world_max_rx(w, r), (size_t)(p - 1));
        }
        fake_world_free(w);
    }
    /* 4 ranks, 3 MiB blocks: the window holds one step. */
    a = (a2a_case){.alg = A("pairwise"), .dt = FS_COLL_FLOAT64, .count = 4u * (3u << 17)};
    a.iters = 1;
    fake_world *w;
    run_a2a(&a, 4, 64, 64, &w);
    for (int r = 0; r < 4; r++) {
        assert_int_equal(fake_world_max_tx(w, r), 1);
        assert_int_equal(fake_world_max_rx(w, r), 1);
    }
    fake_world_free(w);
    /* Provider depths bound it too. */
    a = (a2a_case){.alg = A("pairwise"), .dt = FS_COLL_FLOAT32, .count = 9, .iters = 1};
    run_a2a(&a, 9, 3, 4, &w);
    for (int r = 0; r < 9; r++) assert_true(fake_world_max_tx(w, r) <= 3);
    fake_world_free(w);
}

/* Bruck: ceil(lg p) messages, the k-th to r + 2^k with the blocks whose
 * index has bit 2^k (textbook count, independent of the code). */
static void test_bruck_schedule(void **state)
{
    (void)state;
    static a2a_case a;
    for (int p = 2; p <= MAXP; p++) {
        a = (a2a_case){.alg = A("bruck"), .dt = FS_COLL_FLOAT32, .count = 3u * p, .iters = 1};
        fake_world *w;
        run_a2a(&a, p, 4, 4, &w);
        int lg = 0;
        while ((1 << lg) < p) lg++;
        for (int r = 0; r < p; r++) {
            size_t n;
            const fake_rec *rec = fake_world_sends(w, r, &n);
            assert_int_equal(n, (size_t)lg);
            for (int k = 0; k < lg; k++) {
                int blocks = 0;
                for (int i = 0; i < p; i++) blocks += (i >> k) & 1;
                assert_int_equal(rec[k].dst, (r + (1 << k)) % p);
                assert_int_equal(fs_coll_tag_step(rec[k].tag), k + 1);
                assert_int_equal(rec[k].len, (size_t)blocks * 3 * 4);
            }
        }
        fake_world_free(w);
    }
}

static void test_registry_and_auto(void **state)
{
    (void)state;
    char why[200];
    /* The reducing algorithms have no all-to-all; the refusal names those that do. */
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLTOALL, A("ring"), 4, why, sizeof why), FS_EINPUT);
    assert_non_null(
        strstr(why, "algorithm ring has no alltoall form; use pairwise, bruck or auto"));
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLTOALLV, A("bruck"), 4, why, sizeof why), FS_EINPUT);
    assert_non_null(strstr(why, "has no alltoallv form; use pairwise or auto"));
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, A("pairwise"), 4, why, sizeof why),
                     FS_EINPUT);
    assert_string_equal(fs_coll_op_name(FS_COLL_ALLTOALL), "alltoall");
    assert_string_equal(fs_coll_op_name(FS_COLL_ALLTOALLV), "alltoallv");
    /* auto: Bruck for small blocks on enough ranks, pairwise otherwise and always for v. */
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 8 * 64, 8, 0), A("bruck"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 8 * 65536, 8, 0), A("pairwise"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 2 * 64, 2, 0), A("pairwise"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 4 * 64, 4, 0), A("pairwise"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 5 * 1024, 5, 0), A("bruck"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 5 * 1025, 5, 0), A("pairwise"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALL, 64, 1, 0), A("pairwise"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLTOALLV, 8 * 64, 8, 0), A("pairwise"));
    /* Rounding: whole elements, a multiple of p, at least one per rank. */
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLTOALL, 1000, FS_COLL_FLOAT32, 3), 996);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLTOALL, 4, FS_COLL_FLOAT64, 5), 40);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLTOALLV, 1000, FS_COLL_FLOAT32, 3), 996);
}

/* Refusals before any traffic. */
static int bad_calls(fs_transport *tp, void *arg)
{
    (void)arg;
    fs_coll c;
    int rc = fs_coll_init(&c, tp, 64);
    if (rc) return rc;
    static char buf[128];
    fs_mr *mr;
    tp->ops->mr_reg(tp, buf, sizeof buf, &mr);
    int bad = 0;
    bad += fs_coll_run(&c, FS_COLL_ALLTOALL, A("pairwise"), buf, mr, buf + 64, mr, 7,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "equal blocks") != NULL;
    bad += fs_coll_run(&c, FS_COLL_ALLTOALLV, A("pairwise"), buf, mr, buf + 64, mr, 8,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "no layout") != NULL;
    bad += fs_coll_run(&c, FS_COLL_ALLTOALL, A("tree"), buf, mr, buf + 64, mr, 8,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "has no alltoall form") != NULL;
    tp->ops->mr_dereg(tp, mr);
    fs_coll_fini(&c);
    return bad == 3 ? 0 : FS_ERUNTIME;
}

static void test_bad_calls(void **state)
{
    (void)state;
    fake_world *w = fake_world_new(2, 4, 4);
    if (fake_world_run(w, bad_calls, NULL)) fail_msg("%s", fake_world_error(w));
    fake_world_free(w);
}

static void test_values(void **state)
{
    (void)state;
    /* Exact in every type, and telling source, destination and offset apart. */
    static const fs_coll_dtype dts[] = {FS_COLL_FLOAT32, FS_COLL_FLOAT64, FS_COLL_BFLOAT16};
    for (size_t di = 0; di < 3; di++)
        for (int s = 0; s < 9; s++)
            for (int d = 0; d < 9; d++) {
                char buf[8 * 20];
                fs_a2a_fill(dts[di], buf, 20, s, d);
                for (size_t j = 0; j < 20; j++) {
                    double v = fs_a2a_value(dts[di], s, d, j);
                    assert_true(v >= 0 && v < 251 && v == (double)(long)v);
                    assert_true(fs_coll_get(dts[di], buf, j) == v);
                    if (s != d) assert_true(v != fs_a2a_value(dts[di], d, s, j));
                    assert_true(v != fs_a2a_value(dts[di], s, d, j + 1));
                }
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),           cmocka_unit_test(test_registry_and_auto),
        cmocka_unit_test(test_bad_calls),        cmocka_unit_test(test_pairwise_schedule),
        cmocka_unit_test(test_bruck_schedule),   cmocka_unit_test(test_alltoallv_results),
        cmocka_unit_test(test_alltoall_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
