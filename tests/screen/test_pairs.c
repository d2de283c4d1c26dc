/* The pairwise screen's schedule: the tournament covers every pair exactly
 * once in disjoint rounds (odd n with byes), --quick's rounds cover every
 * host, the confirmation set and packing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "pairs.h"

static void check_tournament(int n)
{
    int rounds = fs_pairs_rounds(n);
    assert_int_equal(rounds, n % 2 ? n : n - 1);
    int *seen = calloc((size_t)(n * n), sizeof *seen);
    int *rests = calloc((size_t)n, sizeof *rests);
    int *sends = calloc((size_t)n, sizeof *sends);
    fs_pair p[64];
    for (int r = 0; r < rounds; r++) {
        int k = fs_pairs_round(n, r, p);
        assert_int_equal(k, n / 2);
        int in[128] = {0};
        for (int i = 0; i < k; i++) {
            assert_true(p[i].a >= 0 && p[i].a < n && p[i].b >= 0 && p[i].b < n);
            assert_int_not_equal(p[i].a, p[i].b);
            in[p[i].a]++;
            in[p[i].b]++;
            int lo = p[i].a < p[i].b ? p[i].a : p[i].b, hi = p[i].a ^ p[i].b ^ lo;
            seen[lo * n + hi]++;
            sends[p[i].a]++;
        }
        for (int h = 0; h < n; h++) {
            assert_true(in[h] <= 1); /* disjoint pairs */
            if (!in[h]) rests[h]++;
        }
    }
    for (int x = 0; x < n; x++)
        for (int y = x + 1; y < n; y++) assert_int_equal(seen[x * n + y], 1);
    for (int h = 0; h < n; h++) {
        assert_int_equal(rests[h], n % 2);   /* odd n: one bye each */
        assert_true(sends[h] > 0 || n == 2); /* nobody only answers */
    }
    assert_int_equal(fs_pairs_round(n, rounds, p), 0);
    free(seen);
    free(rests);
    free(sends);
}

static void test_tournament(void **state)
{
    (void)state;
    for (int n = 2; n <= 65; n++) check_tournament(n);
    assert_int_equal(fs_pairs_rounds(1), 0);
}

static void test_quick_rounds(void **state)
{
    (void)state;
    for (int n = 2; n <= 64; n++) {
        int idx[64];
        int k = fs_pairs_quick_rounds(n, idx);
        int lg = fs_pairs_log2_ceil(n);
        assert_true(k <= lg + (n % 2 ? 1 : 0));
        assert_true(k <= fs_pairs_rounds(n));
        bool covered[64] = {false};
        for (int j = 0; j < k; j++) {
            if (j) assert_true(idx[j] > idx[j - 1]);
            fs_pair p[32];
            int m = fs_pairs_round(n, idx[j], p);
            for (int i = 0; i < m; i++) covered[p[i].a] = covered[p[i].b] = true;
        }
        for (int h = 0; h < n; h++) assert_true(covered[h]);
    }
    assert_int_equal(fs_pairs_log2_ceil(6), 3);
    assert_int_equal(fs_pairs_log2_ceil(8), 3);
    assert_int_equal(fs_pairs_log2_ceil(64), 6);
}

/* What --quick costs against all pairs: 64 hosts are screened in a ring and
 * 6 tournament rounds, 64 + 6 x 32 = 256 measurements before confirmation,
 * against 2016 pairs in 63 rounds. */
static void test_quick_cost_64(void **state)
{
    (void)state;
    int idx[64], k = fs_pairs_quick_rounds(64, idx), measured = 64;
    fs_pair p[32];
    for (int j = 0; j < k; j++) measured += fs_pairs_round(64, idx[j], p);
    assert_int_equal(k, 6);
    assert_int_equal(1 + k, 7); /* rounds before confirmation <= ceil(log2 64) + 2 */
    assert_int_equal(measured, 256);
    assert_int_equal(fs_pairs_rounds(64), 63);
    /* Distinct partners per host: 2 on the ring + 6 in the rounds, no repeats. */
    int seen[64][64] = {{0}};
    for (int i = 0; i < 64; i++) seen[i][(i + 1) % 64] = seen[(i + 1) % 64][i] = 1;
    for (int j = 0; j < k; j++) {
        int m = fs_pairs_round(64, idx[j], p);
        for (int i = 0; i < m; i++) seen[p[i].a][p[i].b] = seen[p[i].b][p[i].a] = 1;
    }
    for (int h = 0; h < 64; h++) {
        int partners = 0;
        for (int q = 0; q < 64; q++) partners += seen[h][q];
        assert_true(partners >= 7 && partners <= 8);
    }
}

static void test_ring(void **state)
{
    (void)state;
    fs_pair p[8];
    assert_int_equal(fs_pairs_ring(5, p), 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(p[i].a, i);
        assert_int_equal(p[i].b, (i + 1) % 5);
    }
}

static void test_outliers(void **state)
{
    (void)state;
    double bw[8] = {10, 10.2, 9.9, 10.1, 4.0, 9.8, NAN, 10.3};
    bool out[8];
    assert_int_equal(fs_pairs_outliers(bw, 8, false, 3.5, 1.0, out), 1);
    assert_true(out[4]);
    assert_false(out[6]);
    /* Faster than the rest is not a fault of bandwidth. */
    bw[4] = 20;
    assert_int_equal(fs_pairs_outliers(bw, 8, false, 3.5, 1.0, out), 0);
    /* z 0: the floor alone decides (20 % below a median of 10). */
    bw[4] = 7.9;
    assert_int_equal(fs_pairs_outliers(bw, 8, false, 0, 2.0, out), 1);
    bw[4] = 8.1;
    assert_int_equal(fs_pairs_outliers(bw, 8, false, 0, 2.0, out), 0);
    /* Latency: high is bad; identical values give MAD 0, the floor decides. */
    double lat[5] = {100, 100, 100, 109, 150};
    assert_int_equal(fs_pairs_outliers(lat, 5, true, 3.5, 20, out), 1);
    assert_true(out[4]);
}

static void test_confirm_and_pack(void **state)
{
    (void)state;
    /* 6 hosts, quick-like measurements; host 2's pairs were slow. */
    fs_pair m[] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}, {0, 5}, {1, 4}, {2, 3}};
    bool slow[] = {false, true, true, false, false, false, false, false, true};
    fs_pair out[64];
    int k = fs_pairs_confirm_set(6, m, slow, 9, 2, out);
    /* (1,2) and (2,3) once each, then 2 fresh partners for hosts 1, 2, 3. */
    int with2 = 0, fresh = 0;
    for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++)
            assert_false((out[i].a == out[j].a && out[i].b == out[j].b) ||
                         (out[i].a == out[j].b && out[i].b == out[j].a));
        if (out[i].a == 2 || out[i].b == 2) with2++;
        bool was = false;
        for (int j = 0; j < 9; j++)
            was |= (m[j].a == out[i].a && m[j].b == out[i].b) ||
                   (m[j].a == out[i].b && m[j].b == out[i].a);
        fresh += !was;
    }
    assert_int_equal(k, 2 + fresh);
    assert_true(with2 >= 4); /* its 2 slow pairs and 2 new partners */
    assert_true(fresh >= 4 && fresh <= 6);
    int round[64];
    int rounds = fs_pairs_pack(6, out, k, round);
    assert_true(rounds >= 4 && rounds <= k);
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            if (round[i] == round[j])
                assert_true(out[i].a != out[j].a && out[i].a != out[j].b && out[i].b != out[j].a &&
                            out[i].b != out[j].b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tournament),    cmocka_unit_test(test_quick_rounds),
        cmocka_unit_test(test_quick_cost_64), cmocka_unit_test(test_ring),
        cmocka_unit_test(test_outliers),      cmocka_unit_test(test_confirm_and_pack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
