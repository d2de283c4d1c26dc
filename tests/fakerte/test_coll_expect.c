/*
 * test_coll_expect.c - validation's expected sums in closed form
 * (fs_coll_sum_value) equal the loop over every rank's contribution they
 * replace, for every element type, rank counts up to 4 096 (dense and
 * sparse patterns, powers of two and not, multiples of 13 and not) and
 * elements from 0 to past 2^32; and the period validation tabulates over
 * really is one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>

#include "collectives.h"

static const fs_coll_dtype dts[] = {FS_COLL_FLOAT32, FS_COLL_FLOAT64, FS_COLL_BFLOAT16};
static const int ps[] = {1,   2,   3,   7,   8,    13,   26,   64,   100,  255,
                         256, 257, 511, 512, 1000, 1024, 2048, 2730, 4095, 4096};

/* What fs_coll_sum_value computed before: the rank loop. */
static double loop_sum(fs_coll_dtype dt, size_t i, int p)
{
    double s = 0;
    for (int r = 0; r < p; r++) s += fs_coll_value(dt, i, r, p);
    return s;
}

static void test_closed_form_equals_loop(void **state)
{
    (void)state;
    long cases = 0;
    for (size_t di = 0; di < sizeof dts / sizeof dts[0]; di++)
        for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
            int p = ps[pi];
            size_t period = fs_coll_value_period(dts[di], p);
            /* Every residue of the pattern, then elements far into a vector. */
            for (size_t i = 0; i < period + 3; i++, cases++)
                assert_true(fs_coll_sum_value(dts[di], i, p) == loop_sum(dts[di], i, p));
            static const size_t far[] = {(size_t)1 << 24, ((size_t)1 << 24) + 1, 16777215u * 7u,
                                         ((size_t)1 << 32) + 5, ((size_t)1 << 34) + 1023};
            for (size_t k = 0; k < sizeof far / sizeof far[0]; k++, cases++)
                assert_true(fs_coll_sum_value(dts[di], far[k], p) == loop_sum(dts[di], far[k], p));
        }
    assert_true(cases > 10000);
}

/* 4 096 ranks, the target: every element of a 1 MiB float32 vector's
 * first periods and a spread of the rest, each type. */
static void test_4096_ranks(void **state)
{
    (void)state;
    for (size_t di = 0; di < sizeof dts / sizeof dts[0]; di++) {
        double total = 0, ltotal = 0;
        for (size_t i = 0; i < 262144; i += (i < 4096 ? 1 : 997)) {
            double c = fs_coll_sum_value(dts[di], i, 4096), l = loop_sum(dts[di], i, 4096);
            assert_true(c == l);
            total += c;
            ltotal += l;
        }
        assert_true(total > 0 && total == ltotal);
    }
    /* Sums stay integers the type holds exactly. */
    assert_true(fs_coll_sum_value(FS_COLL_BFLOAT16, 3, 4096) <= 256.0);
    assert_true(fs_coll_sum_value(FS_COLL_FLOAT32, 3, 4096) <= 16777216.0);
}

/* A block summed at the wrong offset must change the sum: at every rank
 * count (1 024, 2 048 and 4 096 among them) the expected sums are not all
 * the same over a period. */
static void test_sums_tell_offsets_apart(void **state)
{
    (void)state;
    /* 96 and 120: bfloat16's modulus 3 and then 2 divide them (sparse). */
    static const int more[] = {96, 120, 300, 1021, 3069};
    for (size_t di = 0; di < sizeof dts / sizeof dts[0]; di++)
        for (size_t pi = 0; pi < sizeof ps / sizeof ps[0] + sizeof more / sizeof more[0]; pi++) {
            int p = pi < sizeof ps / sizeof ps[0] ? ps[pi] : more[pi - sizeof ps / sizeof ps[0]];
            if (p == 1) continue; /* one rank: the value itself */
            size_t P = fs_coll_value_period(dts[di], p);
            double first = fs_coll_sum_value(dts[di], 0, p);
            bool differ = false;
            for (size_t i = 1; i < P && !differ; i++)
                differ = fs_coll_sum_value(dts[di], i, p) != first;
            if (!differ) fail_msg("dtype %zu, %d ranks: every element sums to %g", di, p, first);
        }
}

static void test_period(void **state)
{
    (void)state;
    for (size_t di = 0; di < sizeof dts / sizeof dts[0]; di++)
        for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
            int p = ps[pi];
            size_t P = fs_coll_value_period(dts[di], p);
            assert_true(P >= 1 && P <= 1024);
            for (size_t i = 0; i < 3 * P; i += 1 + i / 64)
                for (int r = 0; r < p; r += 1 + p / 37)
                    assert_true(fs_coll_value(dts[di], i + P, r, p) ==
                                fs_coll_value(dts[di], i, r, p));
        }
    /* Not a degenerate period: neighbouring elements' sums differ, at
     * 4 096 float32 ranks too (with a modulus of 1 024 every sum was
     * 4 x (0 + ... + 1023); the pattern now takes 1 023). */
    assert_true(fs_coll_sum_value(FS_COLL_FLOAT32, 0, 1000) !=
                fs_coll_sum_value(FS_COLL_FLOAT32, 1, 1000));
    assert_true(fs_coll_value_period(FS_COLL_FLOAT32, 4096) == 1023);
    assert_true(fs_coll_sum_value(FS_COLL_FLOAT32, 0, 4096) !=
                fs_coll_sum_value(FS_COLL_FLOAT32, 1, 4096));
}

static void test_no_ranks(void **state)
{
    (void)state;
    assert_true(fs_coll_sum_value(FS_COLL_FLOAT32, 5, 0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_form_equals_loop),
        cmocka_unit_test(test_4096_ranks),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_sums_tell_offsets_apart),
        cmocka_unit_test(test_no_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
