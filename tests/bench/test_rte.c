/*
 * test_rte.c - the threaded runtime (rte_threads.c) the harness tests run
 * on, checked value by value against what MPI's collectives would give,
 * and fs_agree_error over it: every rank learns the code and the message
 * of the lowest failing rank.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "rte_threads.h"

#define N 5

typedef struct results {
    int bcast[N][3];
    int gathered[N][N];
    int at_root[N][N];
    double sum[N][2], min[N][2], max[N][2];
    double root_sum[N][2];
    fs_rte_loc loc[N][3];
    int rc[N];
} results;

static int collectives(fs_rte *rte, void *arg)
{
    results *res = arg;
    int r = rte->rank, rc = 0;
    assert_int_equal(rte->size, N);

    int b[3] = {r, r, r};
    if (r == 3) b[0] = 30, b[1] = 31, b[2] = 32;
    rc |= fs_rte_bcast(rte, b, sizeof b, 3);
    memcpy(res->bcast[r], b, sizeof b);

    int mine = 100 + r;
    rc |= fs_rte_allgather(rte, &mine, res->gathered[r], sizeof mine);
    memset(res->at_root[r], 0xff, sizeof res->at_root[r]);
    rc |= fs_rte_gather(rte, &mine, res->at_root[r], sizeof mine, 2);

    double v[2] = {r + 1.0, -(double)r};
    rc |= fs_rte_reduce(rte, v, res->sum[r], 2, FS_RTE_SUM, FS_RTE_ALL);
    rc |= fs_rte_reduce(rte, v, res->min[r], 2, FS_RTE_MIN, FS_RTE_ALL);
    rc |= fs_rte_reduce(rte, v, res->max[r], 2, FS_RTE_MAX, FS_RTE_ALL);
    res->root_sum[r][0] = res->root_sum[r][1] = -1;
    rc |= fs_rte_reduce(rte, v, res->root_sum[r], 2, FS_RTE_SUM, 0);

    /* [0]: rank 3 largest; [1]: a tie between 1 and 4 (lowest wins);
     * [2]: every rank equal (rank 0 wins). */
    fs_rte_loc l[3] = {{r == 3 ? 9.0 : 1.0, r}, {r == 1 || r == 4 ? 5.0 : 2.0, r}, {7.0, r}};
    rc |= fs_rte_maxloc(rte, l, res->loc[r], 3, FS_RTE_ALL);
    rc |= fs_rte_barrier(rte);
    res->rc[r] = rc;
    return 0;
}

static void test_threaded_collectives(void **state)
{
    (void)state;
    fs_rte_threads *w = fs_rte_threads_new(N);
    assert_non_null(w);
    results res;
    memset(&res, 0, sizeof res);
    assert_int_equal(fs_rte_threads_run(w, collectives, &res), 0);
    fs_rte_threads_free(w);
    for (int r = 0; r < N; r++) {
        assert_int_equal(res.rc[r], 0);
        assert_int_equal(res.bcast[r][0], 30);
        assert_int_equal(res.bcast[r][2], 32);
        for (int q = 0; q < N; q++) {
            assert_int_equal(res.gathered[r][q], 100 + q);
            /* Only the root receives a gather. */
            assert_int_equal(res.at_root[r][q], r == 2 ? 100 + q : -1);
        }
        assert_true(res.sum[r][0] == 15.0 && res.sum[r][1] == -10.0);
        assert_true(res.min[r][0] == 1.0 && res.min[r][1] == -4.0);
        assert_true(res.max[r][0] == 5.0 && res.max[r][1] == 0.0);
        if (r == 0)
            assert_true(res.root_sum[r][0] == 15.0 && res.root_sum[r][1] == -10.0);
        else
            assert_true(res.root_sum[r][0] == -1.0);
        assert_true(res.loc[r][0].value == 9.0 && res.loc[r][0].rank == 3);
        assert_true(res.loc[r][1].value == 5.0 && res.loc[r][1].rank == 1);
        assert_true(res.loc[r][2].value == 7.0 && res.loc[r][2].rank == 0);
    }
}

static void test_rank_lookup(void **state)
{
    (void)state;
    fs_rte_threads *w = fs_rte_threads_new(3);
    assert_non_null(w);
    assert_int_equal(fs_rte_threads_rank(w, 2)->rank, 2);
    assert_int_equal(fs_rte_threads_rank(w, 2)->size, 3);
    assert_string_equal(fs_rte_threads_rank(w, 0)->ops->name, "threads");
    assert_null(fs_rte_threads_rank(w, 3));
    fs_rte_threads_free(w);
    assert_null(fs_rte_threads_new(0));
    assert_null(fs_rte_threads_new(65));
}

typedef struct agree_case {
    int fail_code[N]; /* per rank: 0 or the code it fails with */
    int got[N];
    char msg[N][128];
} agree_case;

static int agree_rank(fs_rte *rte, void *arg)
{
    agree_case *ac = arg;
    int r = rte->rank;
    snprintf(ac->msg[r], sizeof ac->msg[r], "%s", "");
    if (ac->fail_code[r]) snprintf(ac->msg[r], sizeof ac->msg[r], "rank %d broke", r);
    ac->got[r] = fs_agree_error(rte, ac->fail_code[r], ac->msg[r], sizeof ac->msg[r]);
    return 0;
}

static void run_agree(agree_case *ac)
{
    fs_rte_threads *w = fs_rte_threads_new(N);
    assert_non_null(w);
    assert_int_equal(fs_rte_threads_run(w, agree_rank, ac), 0);
    fs_rte_threads_free(w);
}

static void test_agree_error_first_failing_rank(void **state)
{
    (void)state;
    /* Ranks 2 and 4 fail with different codes: rank 2's wins everywhere. */
    agree_case ac = {.fail_code = {0, 0, FS_EINPUT, 0, FS_ERUNTIME}};
    run_agree(&ac);
    for (int r = 0; r < N; r++) {
        assert_int_equal(ac.got[r], FS_EINPUT);
        assert_string_equal(ac.msg[r], "rank 2 broke");
    }
}

static void test_agree_error_none_failed(void **state)
{
    (void)state;
    agree_case ac;
    memset(&ac, 0, sizeof ac);
    run_agree(&ac);
    for (int r = 0; r < N; r++) {
        assert_int_equal(ac.got[r], 0);
        assert_string_equal(ac.msg[r], "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded_collectives),
        cmocka_unit_test(test_rank_lookup),
        cmocka_unit_test(test_agree_error_first_failing_rank),
        cmocka_unit_test(test_agree_error_none_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
