/* screen's classifier on synthetic pair matrices: a slow node, a slow link,
 * a slow NIC, a single noisy sample (never named), a healthy cluster, and
 * the cluster against expected figures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "pairs.h"
#include "screen.h"

/* Deterministic jitter of +-5 % (a healthy fabric's spread). */
static double jitter(int i)
{
    return 1.0 + 0.05 * sin(1.7 * i + 0.3);
}

typedef struct synth {
    fs_screen_meas m[512];
    int n;
} synth;

static void add(synth *s, int a, int b, fs_screen_phase ph, double bw, double lat)
{
    s->m[s->n] = (fs_screen_meas){.src = a,
                                  .dst = b,
                                  .src_nic = -1,
                                  .dst_nic = -1,
                                  .phase = ph,
                                  .bw_GBps = bw * jitter(s->n),
                                  .bw_noise = 0.03,
                                  .lat_us = lat * jitter(s->n + 7),
                                  .lat_noise = 0.05};
    s->n++;
}

static bool touches(int a, int b, int h)
{
    return a == h || b == h;
}

/* Ring + full tournament of n hosts; bw(a,b) from f; then a confirmation
 * re-measures the given pairs. */
static void build(synth *s, int n, double (*f)(int, int), const fs_pair *confirm, int nc)
{
    s->n = 0;
    fs_pair p[64];
    int k = fs_pairs_ring(n, p);
    for (int i = 0; i < k; i++)
        add(s, p[i].a, p[i].b, FS_SCREEN_RING, 0.8 * f(p[i].a, p[i].b), NAN);
    for (int r = 0; r < fs_pairs_rounds(n); r++) {
        k = fs_pairs_round(n, r, p);
        for (int i = 0; i < k; i++)
            add(s, p[i].a, p[i].b, FS_SCREEN_TOURNAMENT, f(p[i].a, p[i].b), 20);
    }
    for (int i = 0; i < nc; i++)
        add(s, confirm[i].a, confirm[i].b, FS_SCREEN_CONFIRM, f(confirm[i].a, confirm[i].b), 20);
}

static fs_screen_input input(const synth *s, int n)
{
    return (fs_screen_input){.nhosts = n,
                             .m = s->m,
                             .nm = s->n,
                             .expected_bw_GBps = NAN,
                             .expected_lat_us = NAN,
                             .p = fs_screen_default_params()};
}

static double healthy_bw(int a, int b)
{
    (void)a;
    (void)b;
    return 10.0;
}
static double node3_slow(int a, int b)
{
    return touches(a, b, 3) ? 4.0 : 10.0; /* host 3's cable at 40 % */
}
static double link25_slow(int a, int b)
{
    return (a == 2 && b == 5) || (a == 5 && b == 2) ? 4.0 : 10.0;
}

static void test_healthy(void **state)
{
    (void)state;
    synth s;
    build(&s, 8, healthy_bw, NULL, 0);
    fs_screen_input in = input(&s, 8);
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_true(r.healthy);
    assert_int_equal(r.nsuspects, 0);
    assert_int_equal(r.nunconfirmed, 0);
    assert_float_equal(r.bw_median, 10.0, 0.6);
    /* The matrix holds every measured direction. */
    int measured = 0;
    for (int i = 0; i < 64; i++) measured += isfinite(r.matrix_bw[i]);
    assert_true(measured >= 28);
    fs_screen_result_free(&r);
}

static void test_node(void **state)
{
    (void)state;
    synth s;
    fs_pair c[] = {{3, 0}, {3, 1}, {3, 2}, {3, 4}, {3, 5}};
    build(&s, 6, node3_slow, c, 5);
    fs_screen_input in = input(&s, 6);
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_false(r.healthy);
    assert_int_equal(r.nsuspects, 1);
    assert_int_equal(r.suspects[0].kind, FS_SUSPECT_NODE);
    assert_int_equal(r.suspects[0].host, 3);
    assert_int_equal(r.suspects[0].peer, -1);
    assert_true(r.suspects[0].by_bandwidth);
    assert_float_equal(r.suspects[0].bw_GBps, 4.0, 0.3);
    assert_float_equal(r.suspects[0].cluster_bw_GBps, 10.0, 0.6);
    assert_true(r.suspects[0].robust_z > 3.5);
    assert_true(r.suspects[0].confidence > 0.9);
    assert_int_equal(r.nunconfirmed, 0);
    fs_screen_result_free(&r);
}

static void test_link(void **state)
{
    (void)state;
    synth s;
    /* Confirmation re-measures the slow pair and fresh partners of both. */
    fs_pair c[] = {{2, 5}, {2, 3}, {5, 0}};
    build(&s, 6, link25_slow, c, 3);
    fs_screen_input in = input(&s, 6);
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_int_equal(r.nsuspects, 1);
    assert_int_equal(r.suspects[0].kind, FS_SUSPECT_LINK);
    int h = r.suspects[0].host, p = r.suspects[0].peer;
    assert_true((h == 2 && p == 5) || (h == 5 && p == 2));
    assert_int_equal(r.suspects[0].slow, 2);
    fs_screen_result_free(&r);
}

static void test_one_noisy_sample_not_named(void **state)
{
    (void)state;
    synth s;
    /* The tournament saw (2,5) slow once; the confirmation found it fine. */
    build(&s, 6, link25_slow, NULL, 0);
    add(&s, 2, 5, FS_SCREEN_CONFIRM, 10.0, 20);
    fs_screen_input in = input(&s, 6);
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_int_equal(r.nsuspects, 0);
    assert_true(r.healthy);
    assert_int_equal(r.nunconfirmed, 1);
    fs_screen_result_free(&r);
}

static void test_nic(void **state)
{
    (void)state;
    /* 4 hosts x 2 NICs (NIC 2h and 2h+1 on host h); NIC 5 (host 2) is slow.
     * Every NIC measures every NIC of the other hosts, twice. */
    synth s = {.n = 0};
    int nic_host[8];
    for (int e = 0; e < 8; e++) nic_host[e] = e / 2;
    for (int rep = 0; rep < 2; rep++)
        for (int e = 0; e < 8; e++)
            for (int f = e + 1; f < 8; f++) {
                if (nic_host[e] == nic_host[f]) continue;
                double bw = e == 5 || f == 5 ? 3.0 : 10.0;
                add(&s, nic_host[e], nic_host[f], rep ? FS_SCREEN_CONFIRM : FS_SCREEN_TOURNAMENT,
                    bw, 20);
                s.m[s.n - 1].src_nic = e;
                s.m[s.n - 1].dst_nic = f;
            }
    fs_screen_input in = input(&s, 4);
    in.nnics = 8;
    in.nic_host = nic_host;
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_int_equal(r.nsuspects, 1);
    assert_int_equal(r.suspects[0].kind, FS_SUSPECT_NIC);
    assert_int_equal(r.suspects[0].host, 2);
    assert_int_equal(r.suspects[0].nic, 5);
    fs_screen_result_free(&r);
}

static void test_expected(void **state)
{
    (void)state;
    synth s;
    build(&s, 6, healthy_bw, NULL, 0);
    fs_screen_input in = input(&s, 6);
    fs_screen_result r;
    in.expected_bw_GBps = 10.5; /* 5 % above the median: within the floor */
    in.expected_lat_us = 19;
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_false(r.below_expected_bw);
    assert_false(r.below_expected_lat);
    assert_true(r.healthy);
    fs_screen_result_free(&r);
    in.expected_bw_GBps = 12.5; /* the cluster gives 80 % of it */
    in.expected_lat_us = 10;    /* and twice the latency */
    assert_int_equal(fs_screen_classify(&in, &r), 0);
    assert_true(r.below_expected_bw);
    assert_true(r.below_expected_lat);
    assert_false(r.healthy);
    assert_int_equal(r.nsuspects, 0);
    fs_screen_result_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    fs_screen_meas m = {.src = 0, .dst = 7, .src_nic = -1, .dst_nic = -1};
    fs_screen_input in = {.nhosts = 4, .m = &m, .nm = 1, .p = fs_screen_default_params()};
    fs_screen_result r;
    assert_int_equal(fs_screen_classify(&in, &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy),   cmocka_unit_test(test_node),
        cmocka_unit_test(test_link),      cmocka_unit_test(test_one_noisy_sample_not_named),
        cmocka_unit_test(test_nic),       cmocka_unit_test(test_expected),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
