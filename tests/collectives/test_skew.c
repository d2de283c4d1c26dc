/* test_skew.c - the MoE traffic-skew model (common/skew.c): uniform is
 * uniform, Zipf with s = 0 is uniform, top-k never sends a token twice to
 * one expert, capacity clamps, imbalance by hand, and bad specs and matrix
 * files refused with one line. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skew.h"

static char err[256];

static void parse_ok(const char *spec, fs_skew *s)
{
    err[0] = '\0';
    int rc = fs_skew_parse(spec, s, err, sizeof err);
    if (rc) fail_msg("%s: %s", spec, err);
}

/* A refusal: -1, a one-line reason naming what (needle), the struct empty. */
static void refused(const char *spec, const char *needle)
{
    fs_skew s;
    err[0] = '\0';
    assert_int_equal(fs_skew_parse(spec, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
    assert_null(s.matrix);
    assert_null(s.matrix_path);
}

static char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fs_skew_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_uniform_exact(void **state)
{
    (void)state;
    fs_skew s;
    parse_ok("uniform", &s);
    for (int r = 1; r <= 7; r++) {
        double b[49];
        assert_int_equal(fs_skew_matrix(&s, r, 3000.0, b, err, sizeof err), 0);
        for (int i = 0; i < r * r; i++) assert_true(b[i] == 3000.0 / r);
        assert_true(fs_skew_imbalance(b, r) == 1.0);
    }
    fs_skew_free(&s);
}

static void test_zipf_s0_is_uniform(void **state)
{
    (void)state;
    fs_skew z, u;
    parse_ok("zipf:s=0,experts=60,topk=4,capacity=1.0", &z);
    parse_ok("uniform", &u);
    for (int r = 1; r <= 6; r++) {
        if (60 % r) continue;
        double bz[36], bu[36];
        assert_int_equal(fs_skew_matrix(&z, r, 1 << 20, bz, err, sizeof err), 0);
        assert_int_equal(fs_skew_matrix(&u, r, 1 << 20, bu, err, sizeof err), 0);
        for (int i = 0; i < r * r; i++) assert_float_equal(bz[i], bu[i], 1e-9 * bu[i]);
        assert_float_equal(fs_skew_imbalance(bz, r), 1.0, 1e-12);
    }
    fs_skew_free(&z);
    fs_skew_free(&u);
}

/* 2 ranks, 2 experts, top-1, s = 1: weights 1 and 1/2, so 2/3 of every
 * rank's 300 bytes go to rank 0 and 1/3 to rank 1.  Rank 0 receives 400,
 * every rank sends 300, the mean is 300: imbalance 4/3. */
static void test_imbalance_by_hand(void **state)
{
    (void)state;
    fs_skew s;
    parse_ok("zipf:s=1,experts=2,topk=1", &s);
    double b[4];
    assert_int_equal(fs_skew_matrix(&s, 2, 300.0, b, err, sizeof err), 0);
    assert_float_equal(b[0], 200.0, 1e-9);
    assert_float_equal(b[1], 100.0, 1e-9);
    assert_float_equal(b[2], 200.0, 1e-9);
    assert_float_equal(b[3], 100.0, 1e-9);
    assert_float_equal(fs_skew_imbalance(b, 2), 4.0 / 3.0, 1e-12);
    fs_skew_free(&s);

    /* A sender-heavy matrix: rank 1 sends 90 of 120 (to itself 30, to 0
     * 60), receives 40; mean 60; the larger is sent: 90 / 60. */
    const double m[4] = {10, 20, 60, 30};
    assert_float_equal(fs_skew_imbalance(m, 2), 1.5, 1e-12);
    const double zero[4] = {0, 0, 0, 0};
    assert_float_equal(fs_skew_imbalance(zero, 2), 1.0, 0);
}

/* Capacity 1.25 of the mean (150 per source and expert) clamps expert 0's
 * 200 to 187.5 and drops the rest; expert 1 (100) is untouched.  Received
 * 375 by rank 0, total 575, mean 287.5. */
static void test_capacity_clamps(void **state)
{
    (void)state;
    fs_skew s;
    parse_ok("zipf:s=1,experts=2,topk=1,capacity=1.25", &s);
    double b[4];
    assert_int_equal(fs_skew_matrix(&s, 2, 300.0, b, err, sizeof err), 0);
    assert_float_equal(b[0], 187.5, 1e-9);
    assert_float_equal(b[1], 100.0, 1e-9);
    assert_float_equal(fs_skew_imbalance(b, 2), 375.0 / 287.5, 1e-12);
    fs_skew_free(&s);

    /* Capacity 1 under heavy skew: no rank receives more than the mean. */
    parse_ok("zipf:s=2,experts=16,topk=2,capacity=1", &s);
    double c[16];
    assert_int_equal(fs_skew_matrix(&s, 4, 4096.0, c, err, sizeof err), 0);
    for (int i = 0; i < 16; i++) assert_true(c[i] <= 4096.0 / 4 + 1e-9);
    fs_skew_free(&s);
}

/* Top-k picks k distinct experts: with a steep Zipf (s = 100) over 4 experts
 * on 4 ranks and k = 2, experts 0 and 1 are picked by every token, so ranks
 * 0 and 1 receive half of every source's bytes each and 2 and 3 nothing
 * (a with-replacement model would put almost everything on rank 0). */
static void test_topk_distinct(void **state)
{
    (void)state;
    fs_skew s;
    parse_ok("zipf:s=100,experts=4,topk=2", &s);
    double b[16];
    assert_int_equal(fs_skew_matrix(&s, 4, 1000.0, b, err, sizeof err), 0);
    for (int src = 0; src < 4; src++) {
        assert_float_equal(b[src * 4 + 0], 500.0, 1e-9);
        assert_float_equal(b[src * 4 + 1], 500.0, 1e-9);
        assert_float_equal(b[src * 4 + 2], 0.0, 1e-9);
        assert_float_equal(b[src * 4 + 3], 0.0, 1e-9);
    }
    assert_float_equal(fs_skew_imbalance(b, 4), 2.0, 1e-9);
    fs_skew_free(&s);

    /* Without capacity nothing is dropped: each row sums to bytes_per_rank. */
    parse_ok("zipf:s=1.2,experts=64,topk=8", &s);
    double r[16];
    assert_int_equal(fs_skew_matrix(&s, 4, 65536.0, r, err, sizeof err), 0);
    for (int src = 0; src < 4; src++) {
        double sum = 0;
        for (int d = 0; d < 4; d++) sum += r[src * 4 + d];
        assert_float_equal(sum, 65536.0, 1e-6);
        /* Round-robin placement: rank 0 holds the most popular experts. */
        for (int d = 1; d < 4; d++) assert_true(r[src * 4 + d - 1] > r[src * 4 + d]);
    }
    fs_skew_free(&s);
}

static void test_parse_defaults_and_format(void **state)
{
    (void)state;
    fs_skew s;
    parse_ok("zipf:s=1.1,experts=64,topk=2,capacity=1.25", &s);
    assert_int_equal(s.kind, FS_SKEW_ZIPF);
    assert_float_equal(s.zipf_s, 1.1, 0);
    assert_int_equal(s.experts, 64);
    assert_int_equal(s.topk, 2);
    assert_float_equal(s.capacity, 1.25, 0);
    char buf[128];
    fs_skew_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "zipf:s=1.1,experts=64,topk=2,capacity=1.25");
    fs_skew_free(&s);

    /* Defaults: one expert per rank, top-1, no capacity limit. */
    parse_ok("zipf:s=0.5", &s);
    assert_int_equal(s.experts, 0);
    assert_int_equal(s.topk, 1);
    assert_float_equal(s.capacity, 0, 0);
    double b[9];
    assert_int_equal(fs_skew_matrix(&s, 3, 300.0, b, err, sizeof err), 0);
    double w1 = 1, w2 = pow(2, -0.5), w3 = pow(3, -0.5), t = w1 + w2 + w3;
    assert_float_equal(b[0], 300.0 * w1 / t, 1e-9);
    assert_float_equal(b[8], 300.0 * w3 / t, 1e-9);
    fs_skew_free(&s);
}

static void test_bad_specs(void **state)
{
    (void)state;
    refused("", "empty");
    refused("gauss", "unknown spec");
    refused("zipf:s=-0.1", "s=-0.1 out of range");
    refused("zipf:s=nan", "s=nan out of range");
    refused("zipf:s=1x", "s=1x out of range");
    refused("zipf:experts=0", "experts=0 out of range");
    refused("zipf:topk=0", "topk=0 out of range");
    refused("zipf:experts=4,topk=5", "topk=5 above experts=4");
    refused("zipf:capacity=0.5", "capacity=0.5 out of range");
    refused("zipf:alpha=1", "unknown zipf key");
    refused("zipf:s", "not KEY=VALUE");
    refused("zipf:", "without keys");
    refused("matrix:", "unknown spec");
    refused("matrix:/nonexistent/fs_skew", "No such file");
}

static void test_zipf_does_not_fit_run(void **state)
{
    (void)state;
    fs_skew s;
    double b[25];
    parse_ok("zipf:experts=8,topk=2", &s);
    assert_int_equal(fs_skew_matrix(&s, 3, 100, b, err, sizeof err), -1);
    assert_non_null(strstr(err, "8 experts cannot be placed evenly on 3 ranks"));
    fs_skew_free(&s);
    parse_ok("zipf:topk=4", &s); /* one expert per rank: 3 experts < top-4 */
    assert_int_equal(fs_skew_matrix(&s, 3, 100, b, err, sizeof err), -1);
    assert_non_null(strstr(err, "topk=4 out of range"));
    assert_int_equal(fs_skew_matrix(&s, 5, 100, b, err, sizeof err), 0);
    assert_int_equal(fs_skew_matrix(&s, 5, -1, b, err, sizeof err), -1);
    fs_skew_free(&s);
}

static void matrix_refused(const char *text, const char *needle)
{
    char spec[96];
    char *path = write_file(text);
    snprintf(spec, sizeof spec, "matrix:%s", path);
    refused(spec, needle);
    unlink(path);
}

static void test_matrix_file(void **state)
{
    (void)state;
    char spec[96];
    char *path = write_file("# bytes from row to column\n"
                            "0 100 300\n"
                            "\n"
                            "50 50 50   # a comment\n"
                            "1e2\t0 200\n");
    snprintf(spec, sizeof spec, "matrix:%s", path);
    fs_skew s;
    parse_ok(spec, &s);
    unlink(path);
    assert_int_equal(s.matrix_n, 3);
    double b[9];
    /* Mean row sum of the file is 850 / 3: reproduced as bytes. */
    assert_int_equal(fs_skew_matrix(&s, 3, 850.0 / 3, b, err, sizeof err), 0);
    assert_float_equal(b[2], 300.0, 1e-9);
    assert_float_equal(b[6], 100.0, 1e-9);
    /* Scaled: twice the bytes per rank, twice every entry. */
    assert_int_equal(fs_skew_matrix(&s, 3, 2 * 850.0 / 3, b, err, sizeof err), 0);
    assert_float_equal(b[1], 200.0, 1e-9);
    /* Received by rank 2: 1100 of 1700 in total; sent at most 800. */
    assert_float_equal(fs_skew_imbalance(b, 3), 1100.0 / (1700.0 / 3), 1e-9);
    /* Wrong shape for the run. */
    assert_int_equal(fs_skew_matrix(&s, 4, 100, b, err, sizeof err), -1);
    assert_non_null(strstr(err, "is 3x3, the run has 4 ranks"));
    fs_skew_free(&s);

    matrix_refused("1 2\n3 4 5\n", "line 2: more than 2 entries");
    matrix_refused("1 2 3\n3 4\n", "line 2: 2 entries, the first row has 3");
    matrix_refused("1 2\n3 4\n5 6\n", "line 3: more than 2 rows");
    matrix_refused("1 2 3\n3 4 5\n", "2 rows x 3 columns: not square");
    matrix_refused("1 2\n3 -4\n", "line 2: negative entry -4");
    matrix_refused("1 2\n3 four\n", "line 2: \"four\" is not a number");
    matrix_refused("1 inf\n3 4\n", "line 1: \"inf\" is not a number");
    matrix_refused("# nothing\n\n", "has no entries");
    matrix_refused("0 0\n0 0\n", "sum to 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_exact),     cmocka_unit_test(test_zipf_s0_is_uniform),
        cmocka_unit_test(test_imbalance_by_hand), cmocka_unit_test(test_capacity_clamps),
        cmocka_unit_test(test_topk_distinct),     cmocka_unit_test(test_parse_defaults_and_format),
        cmocka_unit_test(test_bad_specs),         cmocka_unit_test(test_zipf_does_not_fit_run),
        cmocka_unit_test(test_matrix_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
