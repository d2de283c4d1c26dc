/*
 * test_coll_properties.c - physical invariants of every registered model
 * algorithm, asserted at every point of a sweep of 2..65536 ranks x 8 B..16
 * GiB, for every collective, node shape and link below:
 *
 *  1. time is non-decreasing in the message size;
 *  2. for a fixed total size, time is non-decreasing in the rank count
 *     (NCCL algorithms at every swept p; the MPI ones over powers of two,
 *     since folding a non-power of two costs an exchange more than the next
 *     power of two: rd at 5 ranks really is slower than at 8; and for MPI on
 *     links whose effective bandwidth does not fall with size, because a
 *     ring with smaller steps that drop below a rendezvous threshold really
 *     is faster);
 *  3. busbw never above what the node's links carry: one node needs
 *     T >= (p-1)/p n / B_intra (every GPU receives that much), N > 1 nodes
 *     T >= f n / (K B_nic) with f = 2(N-1)/N for all-reduce, (N-1)/N for
 *     RS / AG (the bytes each node must send, Patarasuk & Yuan 2009) - with
 *     one rank per node and one NIC: busbw <= the link's peak;
 *  4. calibration (bandwidth efficiency < 1, step overhead > 0) never makes
 *     a collective faster, and calibrated models keep 1-3.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "collective_algo.h"
#include "collective_model.h"

typedef struct shape {
    const char *name;
    int g, nics;
    fs_coll_lib lib;
    int nvls;
} shape;

static const shape shapes[] = {
    {"mpi 1 rank/node", 1, 1, FS_LIB_MPI, 0},
    {"mpi 4 ranks/node 1 NIC", 4, 1, FS_LIB_MPI, 0},
    {"mpi 8 ranks/node 32 NICs", 8, 32, FS_LIB_MPI, 0},
    {"nccl 1 GPU/node 4 NICs", 1, 4, FS_LIB_NCCL, 0},
    {"p4d-like 8 GPUs 4 NICs", 8, 4, FS_LIB_DEFAULT, 0},
    {"p5-like 8 GPUs 32 NICs NVLS", 8, 32, FS_LIB_DEFAULT, 1},
    {"4 GPUs 8 NICs", 4, 8, FS_LIB_NCCL, 1},
};

/* Links: effective bandwidth m/T(m) non-decreasing (Hockney), and a fitted
 * shape with protocol switches whose time jumps up (eager -> rendezvous). */
static fs_link link_of(int k)
{
    fs_link l = {0};
    switch (k) {
    case 0:
        return fs_link_hockney(20.0, 12.5);
    case 1:
        return fs_link_hockney(2.0, 1.0);
    default:
        l.nseg = 3;
        l.seg[0] = (fs_segment){0, 1.5, 2.0};
        l.seg[1] = (fs_segment){8192, 6.0, 8.0};
        l.seg[2] = (fs_segment){262144, 20.0, 12.0};
        return l;
    }
}
#define NLINKS 3
static bool jumps(int k)
{
    return k == 2;
}

static fs_coll_model model(const shape *s, int link)
{
    fs_coll_model m = {.inter = link_of(link),
                       .ranks_per_node = s->g,
                       .nics_per_node = s->nics,
                       .gamma_us_per_byte = 1e-5,
                       .library = s->lib,
                       .nvls = s->nvls};
    if (s->g > 1) m.intra = link == 2 ? fs_link_scaled(&m.inter, 30) : fs_link_hockney(0.7, 450);
    return m;
}

static double ranks[64], sizes[64];
static int nranks, nsizes;

static void grids(void)
{
    nranks = nsizes = 0;
    for (int p = 2; p <= 65536; p *= 2) {
        ranks[nranks++] = p;
        if (3 * p / 2 <= 65536 && p >= 2) ranks[nranks++] = 3 * p / 2;
        if (p >= 4 && p + 1 <= 65536) ranks[nranks++] = p + 1;
    }
    for (double n = 8; n <= 16.0 * (1 << 30); n *= 2) {
        sizes[nsizes++] = n;
        sizes[nsizes++] = 1.5 * n;
    }
    /* both sorted */
    for (int i = 1; i < nranks; i++)
        for (int j = i; j > 0 && ranks[j - 1] > ranks[j]; j--) {
            double t = ranks[j];
            ranks[j] = ranks[j - 1];
            ranks[j - 1] = t;
        }
}

static bool power_of_two(int p)
{
    return (p & (p - 1)) == 0;
}

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond) && failures++ < 400) {                                                         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define LE(a, b) ((a) <= (b) * (1 + 1e-12) + 1e-12)

static void check_model(const fs_coll_model *m, const shape *s, int link, long *points)
{
    fs_coll_lib lib = fs_coll_model_library(m);
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        const fs_algo_desc *d = fs_algo_get((fs_algo)a);
        bool mpi = d->library == FS_LIB_MPI || (a == FS_ALGO_AUTO && lib == FS_LIB_MPI);
        for (int c = 0; c < FS_COLL_COUNT; c++) {
            double prev_p[64];
            for (int k = 0; k < nsizes; k++) prev_p[k] = NAN;
            for (int i = 0; i < nranks; i++) {
                int p = (int)ranks[i];
                bool p_checked = !mpi || (power_of_two(p) && !jumps(link));
                double prev_n = NAN;
                for (int k = 0; k < nsizes; k++) {
                    double n = sizes[k];
                    double t = fs_coll_time_us(m, (fs_collective)c, (fs_algo)a, p, n, NULL);
                    if (isnan(t)) continue;
                    (*points)++;
                    const char *an = d->name, *cn = fs_coll_name((fs_collective)c);
                    CHECK(t >= 0 && isfinite(t), "%s %s %s link %d p %d n %g: t = %g", s->name, an,
                          cn, link, p, n, t);
                    CHECK(isnan(prev_n) || LE(prev_n, t),
                          "%s %s %s link %d p %d: t(%g) = %g < t(smaller) = %g", s->name, an, cn,
                          link, p, n, t, prev_n);
                    prev_n = t;
                    if (p_checked) {
                        CHECK(isnan(prev_p[k]) || LE(prev_p[k], t),
                              "%s %s %s link %d n %g: t(p=%d) = %g < t(fewer ranks) = %g", s->name,
                              an, cn, link, n, p, t, prev_p[k]);
                        prev_p[k] = t;
                    }
                    /* what the node's links can carry */
                    int g = s->g, N = (p + g - 1) / g;
                    if (N == 1) {
                        double B = fs_link_peak_GBps(&m->intra);
                        CHECK(LE((double)(p - 1) / p * n / (B * 1e3), t),
                              "%s %s %s link %d p %d n %g: one node faster than NVLink (%g us)",
                              s->name, an, cn, link, p, n, t);
                    } else {
                        double f = (c == FS_ALLREDUCE ? 2.0 : 1.0) * (N - 1) / N;
                        double B = fs_link_peak_GBps(&m->inter) * s->nics;
                        CHECK(LE(f * n / (B * 1e3), t),
                              "%s %s %s link %d p %d n %g: %g us beats the node's NICs", s->name,
                              an, cn, link, p, n, t);
                    }
                    /* calibration only slows */
                    fs_coll_model cm = *m;
                    for (int j = 0; j < FS_ALGO_COUNT; j++) {
                        double e = m->calib[j].bw_efficiency > 0 ? m->calib[j].bw_efficiency : 1;
                        cm.calib[j].bw_efficiency = 0.8 * e;
                        cm.calib[j].step_overhead_us = m->calib[j].step_overhead_us + 3;
                    }
                    double tc = fs_coll_time_us(&cm, (fs_collective)c, (fs_algo)a, p, n, NULL);
                    CHECK(LE(t, tc), "%s %s %s p %d n %g: calibrated %g < %g", s->name, an, cn, p,
                          n, tc, t);
                }
            }
        }
    }
}

static void invariants_everywhere(void **state)
{
    (void)state;
    grids();
    long points = 0;
    failures = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int l = 0; l < NLINKS; l++) {
            fs_coll_model m = model(&shapes[s], l);
            check_model(&m, &shapes[s], l, &points);
            /* and calibrated: every invariant still holds */
            for (int a = 0; a < FS_ALGO_COUNT; a++)
                m.calib[a] =
                    (fs_coll_calib){.bw_efficiency = 0.55 + 0.04 * a, .step_overhead_us = 0.5 * a};
            check_model(&m, &shapes[s], l, &points);
        }
    fprintf(stderr, "%ld points checked, %d failures\n", points, failures);
    assert_true(points > 2000000);
    assert_int_equal(failures, 0);
}

/* The sweep covers the whole range the issue names. */
static void sweep_covers_range(void **state)
{
    (void)state;
    grids();
    assert_true(ranks[0] == 2 && ranks[nranks - 1] == 65536);
    assert_true(sizes[0] == 8 && sizes[nsizes - 1] >= 16.0 * (1 << 30));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sweep_covers_range),
        cmocka_unit_test(invariants_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
