/*
 * test_link_fit.c - the piecewise fit recovers alpha and bandwidth within
 * 1% from synthetic data drawn from known piecewise models with noise, and
 * finds the protocol switches.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "link_fit.h"

typedef struct truth {
    double from, alpha, gap, GBps;
    double stream_GBps; /* 0: same as GBps */
} truth;

static double model(const truth *tr, int n, double m, bool stream)
{
    int s = 0;
    while (s + 1 < n && tr[s + 1].from <= m) s++;
    double B = stream && tr[s].stream_GBps > 0 ? tr[s].stream_GBps : tr[s].GBps;
    return (stream ? tr[s].gap : tr[s].alpha) + m / (B * 1e3);
}

/* Sizes 2^(k/4) from 1 byte to 16 MiB, `reps` noisy samples each. */
static size_t synth(const truth *tr, int n, double noise, int reps, bool with_stream,
                    fs_fit_point **out)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    size_t cap = 97 * (size_t)reps * 2, k = 0;
    fs_fit_point *p = malloc(cap * sizeof *p);
    for (int e = 0; e <= 96; e++) {
        double m = round(pow(2.0, e / 4.0));
        for (int r = 0; r < reps; r++)
            for (int s = 0; s < (with_stream ? 2 : 1); s++) {
                double t = model(tr, n, m, s == 1) * (1 + gsl_ran_gaussian(rng, noise));
                p[k++] = (fs_fit_point){m, t, s ? FS_FIT_STREAM : FS_FIT_LATENCY};
            }
    }
    gsl_rng_free(rng);
    *out = p;
    return k;
}

#define WITHIN(x, want, rel) assert_true(fabs((double)(x) - (want)) <= (rel)*fabs((double)(want)))

/* Three protocols (eager, medium, rendezvous) with 0.5% noise. */
static void recovers_three_segments(void **state)
{
    (void)state;
    const truth tr[] = {{0, 1.5, 0, 2.0, 0}, {8192, 5.0, 0, 8.0, 0}, {262144, 20.0, 0, 12.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 3, 0.005, 3, false, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 3);
    /* breakpoints: the first measured size of each new protocol */
    assert_true(f.link.seg[1].from_bytes >= 8192 && f.link.seg[1].from_bytes < 8192 * 1.2);
    assert_true(f.link.seg[2].from_bytes >= 262144 && f.link.seg[2].from_bytes < 262144 * 1.2);
    for (int s = 0; s < 3; s++) {
        WITHIN(f.link.seg[s].alpha_us, tr[s].alpha, 0.01);
        WITHIN(f.link.seg[s].bandwidth_GBps, tr[s].GBps, 0.01);
    }
    assert_true(f.rms_rel_residual < 0.01);
    assert_true(isnan(f.gap_us[0])); /* no bw points */
    free(p);
}

/* Latency and bw points share each segment's bandwidth, not the intercept. */
static void latency_and_stream_share_bandwidth(void **state)
{
    (void)state;
    const truth tr[] = {{0, 3.0, 0.8, 4.0, 0}, {65536, 12.0, 2.0, 10.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 2, 0.004, 2, true, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 2);
    for (int s = 0; s < 2; s++) {
        WITHIN(f.link.seg[s].alpha_us, tr[s].alpha, 0.01);
        /* the gap is a small intercept under large per-message times at
         * rendezvous sizes (2 us under up to 1.7 ms): known to a few % */
        WITHIN(f.gap_us[s], tr[s].gap, 0.03);
        WITHIN(f.link.seg[s].bandwidth_GBps, tr[s].GBps, 0.01);
    }
    /* the model of a stream point uses the gap */
    WITHIN(fs_fit_time_us(&f, FS_FIT_STREAM, 1024), 0.8 + 1024 / 4e3, 0.01);
    WITHIN(fs_fit_time_us(&f, FS_FIT_LATENCY, 1 << 20), 12.0 + (1 << 20) / 1e4, 0.01);
    free(p);
}

/* Streaming slower than ping-pong at large sizes (shared memory): the
 * segment keeps a bandwidth per kind, the link's being the ping-pong's. */
static void separate_stream_bandwidth(void **state)
{
    (void)state;
    const truth tr[] = {{0, 0.3, 0.1, 10.0, 0}, {65536, 6.0, 1.0, 12.0, 5.0}};
    fs_fit_point *p;
    size_t n = synth(tr, 2, 0.004, 2, true, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 2);
    WITHIN(f.link.seg[0].bandwidth_GBps, 10.0, 0.01);
    WITHIN(f.stream_GBps[0], 10.0, 0.01); /* shared where the kinds agree */
    WITHIN(f.link.seg[1].alpha_us, 6.0, 0.01);
    WITHIN(f.link.seg[1].bandwidth_GBps, 12.0, 0.01);
    WITHIN(f.stream_GBps[1], 5.0, 0.01);
    assert_true(f.rms_rel_residual < 0.01);
    free(p);
}

/* One straight line: BIC keeps one segment. */
static void single_segment_stays_single(void **state)
{
    (void)state;
    const truth tr[] = {{0, 17.0, 0, 11.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 1, 0.005, 1, false, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 1);
    WITHIN(f.link.seg[0].alpha_us, 17.0, 0.01);
    WITHIN(f.link.seg[0].bandwidth_GBps, 11.0, 0.01);
    free(p);
}

/* Exact data: the fit is exact; the option caps the segment count. */
static void exact_and_capped(void **state)
{
    (void)state;
    const truth tr[] = {{0, 1.0, 0, 1.0, 0}, {4096, 4.0, 0, 4.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 2, 0.0, 1, false, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 2);
    assert_true(f.max_rel_residual < 1e-9);
    WITHIN(f.link.seg[1].alpha_us, 4.0, 1e-9);
    fs_fit_opts one = {1, 0};
    assert_int_equal(fs_fit_piecewise(p, n, &one, &f, &err), 0);
    assert_int_equal(f.link.nseg, 1);
    assert_true(f.max_rel_residual > 0.1);
    free(p);
}

/* Flat data: no size dependence -> infinite bandwidth, never negative. */
static void flat_and_too_few(void **state)
{
    (void)state;
    fs_fit_point p[] = {{1, 2.0, FS_FIT_LATENCY},
                        {2, 2.0, FS_FIT_LATENCY},
                        {4, 1.99, FS_FIT_LATENCY},
                        {8, 2.0, FS_FIT_LATENCY}};
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, 4, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 1);
    assert_true(isinf(f.link.seg[0].bandwidth_GBps) || f.link.seg[0].bandwidth_GBps > 0);
    WITHIN(f.link.seg[0].alpha_us, 2.0, 0.01);
    fs_fit_point one[] = {{8, 2.0, FS_FIT_LATENCY}, {8, 2.1, FS_FIT_LATENCY}};
    assert_int_equal(fs_fit_piecewise(one, 2, NULL, &f, &err), FS_EXIT_INPUT);
    assert_non_null(strstr(err.msg, "at least 2"));
}

/* Never above the peak: no size's bandwidth beats the last segment's, and
 * the link's time never drops with size. */
static void assert_physical(const fs_fit *f)
{
    double peak = f->link.seg[f->link.nseg - 1].bandwidth_GBps, prev = 0;
    for (double m = 1; m <= 1 << 30; m *= 1.1) {
        double t = fs_link_time_us(&f->link, m);
        assert_true(m / (t * 1e3) <= peak * (1 + 1e-12));
        assert_true(t >= prev);
        prev = t;
    }
}

/* A middle protocol faster than the last one (the 26.2 GB/s busbw
 * over a 24 GB/s link) is capped at the last one's bandwidth: no ring step
 * beats the peak. */
static void faster_middle_segment_capped(void **state)
{
    (void)state;
    const truth tr[] = {{0, 2.0, 0, 1.0, 0}, {8192, 3.0, 0, 30.0, 0}, {524288, 50.0, 0, 20.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 3, 0.003, 2, false, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 3);
    assert_int_equal(f.ncapped, 1);
    assert_true(f.capped_at_bytes[0] >= 8192 && f.capped_at_bytes[0] < 8192 * 1.2);
    WITHIN(f.link.seg[1].bandwidth_GBps, f.link.seg[2].bandwidth_GBps, 1e-12);
    WITHIN(f.link.seg[2].bandwidth_GBps, 20.0, 0.01);
    for (int s = 0; s < f.link.nseg; s++)
        assert_true(f.link.seg[s].bandwidth_GBps <= f.link.seg[f.link.nseg - 1].bandwidth_GBps);
    assert_physical(&f);
    /* ring all-reduce of 256 MiB: 512 ranks (512 KiB steps) not faster than 8 */
    fs_coll_model m = {.inter = f.link, .ranks_per_node = 1};
    double n256 = 256.0 * (1 << 20);
    double t8 = fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 8, n256, NULL);
    double t512 = fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 512, n256, NULL);
    assert_true(t512 >= t8);
    assert_true(fs_busbw_GBps(FS_ALLREDUCE, 512, n256, t512) <= fs_link_peak_GBps(&f.link));
    free(p);
}

/* A measured drop at the switch stays in the fit, recorded; the link's time
 * below it is capped so it never drops. */
static void drop_at_switch_capped(void **state)
{
    (void)state;
    const truth tr[] = {{0, 1.0, 0, 1.0, 0}, {4096, 4.0, 0, 4.0, 0}};
    fs_fit_point *p;
    size_t n = synth(tr, 2, 0.0, 1, false, &p);
    fs_fit f;
    fs_err err = {0};
    assert_int_equal(fs_fit_piecewise(p, n, NULL, &f, &err), 0);
    assert_int_equal(f.link.nseg, 2);
    assert_int_equal(f.ncapped, 0);
    assert_int_equal(f.ndrops, 1);
    WITHIN(f.drop_at_bytes[0], 4096, 1e-12);
    /* 4000 bytes: eager 5.0 us, but the switch's 5.024 us... is more; 4090: capped */
    WITHIN(fs_link_time_us(&f.link, 4000), 5.0, 1e-9);
    WITHIN(fs_link_time_us(&f.link, 4090), 4.0 + 4096 / 4e3, 1e-9);
    assert_physical(&f);
    free(p);
}

/* Honesty: a link that never left one host, used as the network. */
static void same_host_links(void **state)
{
    (void)state;
    fs_link_fit l;
    memset(&l, 0, sizeof l);
    strcpy(l.transport, "ofi");
    strcpy(l.provider, "tcp");
    strcpy(l.host_a, "node-a");
    strcpy(l.host_b, "node-b");
    char why[512] = "";
    assert_false(fs_link_same_host(&l, why, sizeof why));
    strcpy(l.host_b, "node-a");
    assert_true(fs_link_same_host(&l, why, sizeof why));
    assert_non_null(strstr(why, "node-a"));
    strcpy(l.host_b, "node-b");
    strcpy(l.provider, "shm");
    assert_true(fs_link_same_host(&l, why, sizeof why));
    assert_non_null(strstr(why, "shared memory"));
    strcpy(l.provider, "tcp");
    strcpy(l.host_a, "127.0.0.1");
    strcpy(l.host_b, "localhost");
    assert_true(fs_link_same_host(&l, NULL, 0));
    /* only a warning when the model sends it between nodes */
    fs_coll_model m = {.inter = fs_link_hockney(1, 1), .ranks_per_node = 8};
    assert_false(fs_link_same_host_for_network(&l, &m, 8, why, sizeof why));
    assert_true(fs_link_same_host_for_network(&l, &m, 32768, why, sizeof why));
    assert_non_null(strstr(why, "4096 node(s)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recovers_three_segments),
        cmocka_unit_test(latency_and_stream_share_bandwidth),
        cmocka_unit_test(separate_stream_bandwidth),
        cmocka_unit_test(single_segment_stays_single),
        cmocka_unit_test(exact_and_capped),
        cmocka_unit_test(flat_and_too_few),
        cmocka_unit_test(faster_middle_segment_capped),
        cmocka_unit_test(drop_at_switch_capped),
        cmocka_unit_test(same_host_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
