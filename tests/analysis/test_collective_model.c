/*
 * test_collective_model.c - every collective model against values computed
 * by hand from the formulas (REFERENCE.md "Cost models"), including the
 * reduction cost, non-power-of-two folding and the hierarchical model.
 *
 * Link: alpha 2 us, 1 GB/s (1000 bytes/us): T(m) = 2 + m/1000.
 * gamma = 0.001 us/byte.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "collective_algo.h"
#include "collective_model.h"

static fs_coll_model flat_model(void)
{
    fs_coll_model m = {0};
    m.inter = fs_link_hockney(2.0, 1.0);
    m.ranks_per_node = 1;
    m.gamma_us_per_byte = 0.001;
    return m;
}

static double t(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n)
{
    return fs_coll_time_us(m, c, a, p, n, NULL);
}

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9 * (1 + fabs(y)))

static void allreduce_power_of_two(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    /* p = 8, n = 8000 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RING, 8, 8000), 49.0);         /* 14*T(1000) + 7 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RD, 8, 8000), 54.0);           /* 3*(T(8000)+8) */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RABENSEIFNER, 8, 8000), 33.0); /* 16 + 10 + 7 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_TREE, 8, 8000), 84.0);         /* 3*(2*T(8000)+8) */
    fs_algo ch;
    NEAR(fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 8, 8000, &ch), 33.0);
    assert_int_equal(ch, FS_ALGO_RABENSEIFNER);
    /* small message: rd wins (3*(T(8)+0.008)) */
    NEAR(fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 8, 8, &ch), 3 * (2.008 + 0.008));
    assert_int_equal(ch, FS_ALGO_RD);
}

static void allreduce_non_power_of_two(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    /* p = 6 (fold to 4, one exchange before and after: 2*T(6000) + 6 = 22), n = 6000 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RING, 6, 6000), 35.0);         /* 10*T(1000) + 5 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RD, 6, 6000), 50.0);           /* 2*(8+6) + 22 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RABENSEIFNER, 6, 6000), 43.5); /* 13 + 8.5 + 22 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_TREE, 6, 6000), 66.0);         /* ceil(lg 6)=3: 3*(16+6) */
    /* reduce-scatter folds too: T(6000) + 6 before, T(1000) after = 17;
     * halving on 4: T(3000) + 3 + T(1500) + 1.5 = 13 */
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_RABENSEIFNER, 6, 6000), 30.0);
    /* all-gather: T(1000) before, T(6000) after = 11; doubling on 4: T(1500) + T(3000) = 8.5 */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_RD, 6, 6000), 19.5);
    /* one rank: nothing to do */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RING, 1, 6000), 0.0);
}

static void reduce_scatter_and_allgather(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_RING, 8, 8000), 28.0); /* 7*T(1000) + 7 */
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_RD, 8, 8000), 40.0);   /* T(7000)+T(6000)+T(4000) + 17 */
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_RABENSEIFNER, 8, 8000), 20.0); /* 6+4+3 + 7 */
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_TREE, 8, 8000), 67.0);         /* 3*(10+8) + 13 */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_RING, 8, 8000), 21.0);              /* 7*T(1000) */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_RD, 8, 8000), 13.0); /* T(1000)+T(2000)+T(4000) */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_RABENSEIFNER, 8, 8000), 13.0);
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_TREE, 8, 8000), 43.0); /* 13 + 3*T(8000) */
    /* the reference formulas for ring RS: (p-1)alpha + (p-1)/p n beta + (p-1)/p n gamma */
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_RING, 8, 8000), 7 * 2.0 + 7.0 / 8 * 8 + 7.0 / 8 * 8);
}

static void hierarchical(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    m.intra = fs_link_hockney(0.5, 10.0); /* T_i(m) = 0.5 + m/10000 */
    m.ranks_per_node = 4;
    m.library = FS_LIB_MPI; /* several ranks per node would otherwise mean NCCL */
    m.nics_per_node = 1;    /* 4 ranks share one NIC: inter T_e(m) = 2 + m/250 */
    /* p = 16 (4 nodes), n = 16000:
     * intra RS ring 3*T_i(4000) + 12 = 14.7; intra AG ring 3*T_i(4000) = 2.7;
     * inter all-reduce of 4000 over 4 nodes: ring 39, rd 44, rab 35, tree 80 -> 35 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_HIER, 16, 16000), 52.4);
    NEAR(t(&m, FS_REDUCE_SCATTER, FS_ALGO_HIER, 16, 16000),
         14.7 + /* inter RS of 4000 over 4 nodes: rab T_e(2000)+T_e(1000) + 3 = 10+6+3 */ 19.0);
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_HIER, 16, 16000),
         /* inter AG of 4000: rd T_e(1000)+T_e(2000) = 16 */ 16.0 + 2.7);
    /* flat rabenseifner on the unshared inter link is 61: auto picks hier */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RABENSEIFNER, 16, 16000), 61.0);
    fs_algo ch;
    NEAR(fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 16, 16000, &ch), 52.4);
    assert_int_equal(ch, FS_ALGO_HIER);
    /* two NICs halve the contention: inter T_e(m) = 2 + m/500 */
    m.nics_per_node = 2;
    /* inter AR of 4000 over 4: rab 2*(2+4)+2 + 2*(2+2)+1 = 14 + 9 = 23; ring 6*(2+2)+3 = 27 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_HIER, 16, 16000), 14.7 + 23.0 + 2.7);
    /* hier needs ranks_per_node dividing p */
    assert_true(isnan(t(&m, FS_ALLREDUCE, FS_ALGO_HIER, 18, 16000)));
    /* flat algorithms inside one node use the intra link */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_RING, 4, 4000), 3 * (0.5 + 0.1));
}

static void piecewise_link(void **state)
{
    (void)state;
    fs_link l = {0};
    l.nseg = 2;
    l.seg[0] = (fs_segment){1, 1.0, 1.0};     /* < 4096: 1 + m/1000 */
    l.seg[1] = (fs_segment){4096, 10.0, 4.0}; /* >= 4096: 10 + m/4000 */
    NEAR(fs_link_time_us(&l, 0), 1.0);
    NEAR(fs_link_time_us(&l, 4095), 1.0 + 4.095);
    NEAR(fs_link_time_us(&l, 4096), 10.0 + 1.024);
    assert_int_equal(fs_link_segment(&l, 1e9), 1);
    fs_link flat = {0};
    flat.nseg = 1;
    flat.seg[0] = (fs_segment){0, 3.0, INFINITY};
    NEAR(fs_link_time_us(&flat, 1e6), 3.0);
    fs_link s = fs_link_scaled(&l, 0.5);
    NEAR(fs_link_time_us(&s, 4096), 10.0 + 2.048);
    /* ring all-reduce steps of n/p pick their own segment: p=2, n=16384 -> 2*T(8192) */
    fs_coll_model m = {0};
    m.inter = l;
    NEAR(fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 2, 16384, NULL), 2 * (10 + 2.048));
}

static void busbw_and_names(void **state)
{
    (void)state;
    NEAR(fs_busbw_factor(FS_ALLREDUCE, 8), 1.75);
    NEAR(fs_busbw_factor(FS_REDUCE_SCATTER, 8), 0.875);
    NEAR(fs_busbw_factor(FS_ALLGATHER, 4), 0.75);
    /* 1e6 bytes in 100 us = 10 GB/s algbw; x 1.75 */
    NEAR(fs_busbw_GBps(FS_ALLREDUCE, 8, 1e6, 100), 17.5);
    assert_true(isnan(fs_busbw_GBps(FS_ALLREDUCE, 8, 1e6, 0)));
    assert_int_equal(fs_algo_parse("rabenseifner"), FS_ALGO_RABENSEIFNER);
    assert_int_equal(fs_algo_parse("recursive_doubling"), FS_ALGO_RD);
    assert_int_equal(fs_algo_parse("HIER"), FS_ALGO_HIER);
    assert_int_equal(fs_algo_parse("nope"), -1);
    assert_int_equal(fs_coll_parse("reduce_scatter"), FS_REDUCE_SCATTER);
    assert_int_equal(fs_coll_parse("all_gather"), FS_ALLGATHER);
    assert_int_equal(fs_coll_parse("latency"), -1);
    assert_string_equal(fs_algo_name(FS_ALGO_AUTO), "auto");
    assert_string_equal(fs_coll_name(FS_ALLGATHER), "allgather");
}

/* p5.48xlarge from its data sheet: 8 H100 (NVLink 450 GB/s per direction),
 * 32 x 100 Gb/s EFA (12.5 GB/s, alpha 20 us as aws-ofi-nccl's tuner). */
static fs_coll_model p5(void)
{
    return (fs_coll_model){.inter = fs_link_hockney(20, 12.5),
                           .intra = fs_link_hockney(0, 450),
                           .ranks_per_node = 8,
                           .nics_per_node = 32,
                           .nvls = 1};
}

static void nccl_multi_nic(void **state)
{
    (void)state;
    fs_coll_model m = p5();
    double n = 8.0 * (1 << 30);
    assert_int_equal(fs_coll_model_library(&m), FS_LIB_NCCL);
    /* ring over 2 nodes: 28 NVLink hops + 2 NIC hops; 2*15/16 n at min(450, 32 x 12.5) */
    double ring = 2 * 20 + 1.875 * n / 400e3;
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_NCCL_RING, 16, n), ring);
    /* busbw approaches the node's 400 GB/s of NICs (the old model gave a quarter) */
    double bus = fs_busbw_GBps(FS_ALLREDUCE, 16, n, ring);
    assert_true(bus > 399 && bus <= 400);
    /* `ring` on an NCCL model is NCCL's ring */
    fs_algo ch;
    NEAR(fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 16, n, &ch), ring);
    assert_int_equal(ch, FS_ALGO_NCCL_RING);
    /* tree: 2 (7 x 0 + lg 2 x 20) + 2n / (0.92 x 400) */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_NCCL_TREE, 16, n), 40 + 2 * n / (0.92 * 400e3));
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_TREE, 16, 1e6), 40 + 2e6 / (0.92 * 400e3));
    assert_true(isnan(t(&m, FS_ALLGATHER, FS_ALGO_NCCL_TREE, 16, n)));
    /* auto: tree for small messages at 64 nodes (log latency), ring for large */
    fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 512, 65536, &ch);
    assert_int_equal(ch, FS_ALGO_NCCL_TREE);
    fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 512, n, &ch);
    assert_int_equal(ch, FS_ALGO_NCCL_RING);
    /* NVLS inside one node: 2 alpha + n / (5/6 x 450) */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_NVLS, 8, n), n / (5.0 / 6 * 450e3));
    assert_true(isnan(t(&m, FS_ALLREDUCE, FS_ALGO_NVLS, 16, n)));
    fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 8, n, &ch);
    assert_int_equal(ch, FS_ALGO_NVLS);
    /* PAT needs one GPU per node */
    assert_true(isnan(t(&m, FS_ALLGATHER, FS_ALGO_PAT, 16, n)));
    /* p4d: 4 NICs for 8 GPUs -> 50 GB/s of network per node */
    m.nics_per_node = 4;
    m.nvls = 0;
    m.intra = fs_link_hockney(0, 300);
    bus = fs_busbw_GBps(FS_ALLREDUCE, 16, 1 << 30,
                        fs_coll_time_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, 16, 1 << 30, NULL));
    assert_true(bus > 49 && bus <= 50);
}

static void nccl_one_gpu_per_node(void **state)
{
    (void)state;
    fs_coll_model m = {.inter = fs_link_hockney(10, 12.5),
                       .ranks_per_node = 1,
                       .nics_per_node = 4,
                       .library = FS_LIB_NCCL};
    /* PAT all-gather, 8 nodes: 3 alpha + 7/8 n at 0.75 x 4 x 12.5 */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_PAT, 8, 1e6), 30 + 0.875e6 / (0.75 * 50e3));
    /* ring: 7 NIC hops */
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_NCCL_RING, 8, 1e6), 70 + 0.875e6 / 50e3);
    fs_algo ch;
    fs_coll_time_us(&m, FS_ALLGATHER, FS_ALGO_AUTO, 8, 1e6, &ch);
    assert_int_equal(ch, FS_ALGO_PAT);
    fs_coll_time_us(&m, FS_ALLGATHER, FS_ALGO_AUTO, 8, 1e9, &ch);
    assert_int_equal(ch, FS_ALGO_NCCL_RING);
    /* NCCL takes the fastest protocol: the link's segments as Hockney links */
    m.inter.nseg = 2;
    m.inter.seg[1] = (fs_segment){65536, 30, 12.5};
    NEAR(t(&m, FS_ALLGATHER, FS_ALGO_NCCL_RING, 8, 1e6), 70 + 0.875e6 / 50e3);
}

static void calibration_and_band(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    double t0 = t(&m, FS_ALLREDUCE, FS_ALGO_RING, 8, 8000); /* 49 */
    m.calib[FS_ALGO_RING] = (fs_coll_calib){.bw_efficiency = 0.5,
                                            .step_overhead_us = 1,
                                            .rel_lo = 0.8,
                                            .rel_hi = 1.25,
                                            .max_ranks = 4,
                                            .points = 10};
    /* 14 x (3 + 1000/500) + 7 */
    NEAR(t(&m, FS_ALLREDUCE, FS_ALGO_RING, 8, 8000), 77.0);
    assert_true(t0 < 77.0);
    double lo, hi;
    NEAR(fs_coll_time_band_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 64, 8000, NULL, &lo, &hi),
         t(&m, FS_ALLREDUCE, FS_ALGO_RING, 64, 8000));
    NEAR(lo / t(&m, FS_ALLREDUCE, FS_ALGO_RING, 64, 8000), 0.8);
    NEAR(hi / t(&m, FS_ALLREDUCE, FS_ALGO_RING, 64, 8000), 1.25);
    /* 1024 = 256x the measured 4 ranks: the log band doubles */
    double t1 = fs_coll_time_band_us(&m, FS_ALLREDUCE, FS_ALGO_RING, 1024, 8000, NULL, &lo, &hi);
    NEAR(lo / t1, 0.64);
    NEAR(hi / t1, 1.5625);
    NEAR(fs_coll_extrapolation(&m, FS_ALLREDUCE, FS_ALGO_RING, 1024, 8000), 256.0);
    assert_true(isnan(fs_coll_extrapolation(&m, FS_ALLREDUCE, FS_ALGO_RD, 1024, 8000)));
    /* no band: both ends are the time */
    t1 = fs_coll_time_band_us(&m, FS_ALLREDUCE, FS_ALGO_RD, 8, 8000, NULL, &lo, &hi);
    assert_true(lo == t1 && hi == t1);
}

/* All-to-all by hand.  Flat link T(m) = 2 + m/1000; n = 8000 bytes per
 * rank at p = 8: n/p = 1000 per peer. */
static void alltoall_flat(void **state)
{
    (void)state;
    fs_coll_model m = flat_model();
    /* pairwise: 7 steps of T(1000) = 7 * 3 */
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_PAIRWISE, 8, 8000), 21.0);
    /* Bruck: 3 steps of T(n/2) = 3 * (2 + 4) */
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_BRUCK, 8, 8000), 18.0);
    /* 5 ranks: ceil(lg 5) = 3 steps; pairwise 4 steps of T(1600) */
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_BRUCK, 5, 8000), 3 * (2 + 4.0));
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_PAIRWISE, 5, 8000), 4 * (2 + 1.6));
    /* auto (MPI): Bruck for small messages, pairwise for large ones */
    fs_algo ch;
    fs_coll_time_us(&m, FS_ALLTOALL, FS_ALGO_AUTO, 64, 64 * 8, &ch);
    assert_int_equal(ch, FS_ALGO_BRUCK);
    fs_coll_time_us(&m, FS_ALLTOALL, FS_ALGO_AUTO, 64, 64e6, &ch);
    assert_int_equal(ch, FS_ALGO_PAIRWISE);
    /* the reducing algorithms do not run it, nor the all-to-all ones a reduction */
    assert_true(isnan(t(&m, FS_ALLTOALL, FS_ALGO_RING, 8, 8000)));
    assert_true(isnan(t(&m, FS_ALLREDUCE, FS_ALGO_PAIRWISE, 8, 8000)));
    NEAR(fs_busbw_factor(FS_ALLTOALL, 8), 0.875);
    assert_int_equal(fs_coll_parse("all_to_all"), FS_ALLTOALL);
    assert_string_equal(fs_coll_name(FS_ALLTOALL), "alltoall");
}

/* Multi-NIC nodes: g = 8 GPUs, K = 4 NICs of 12.5 GB/s (alpha 20 us): a
 * GPU's share is 6.25 GB/s; NVLink 300 GB/s, alpha 1 us.  At p = 32 (4
 * nodes) and n = 32 MB: 7 local peers of 1 MB, 24 remote ones. */
static void alltoall_multi_nic(void **state)
{
    (void)state;
    fs_coll_model m = {.inter = fs_link_hockney(20, 12.5),
                       .intra = fs_link_hockney(1, 300),
                       .ranks_per_node = 8,
                       .nics_per_node = 4};
    double n = 32e6, per = 1e6;
    double want = 7 * (1 + per / 300e3) + 24 * (20 + per / 6.25e3);
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_NCCL_A2A, 32, n), want);
    fs_algo ch;
    NEAR(fs_coll_time_us(&m, FS_ALLTOALL, FS_ALGO_AUTO, 32, n, &ch), want);
    assert_int_equal(ch, FS_ALGO_NCCL_A2A);
    /* one node: NVLink only */
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_NCCL_A2A, 8, 8e6), 7 * (1 + 1e6 / 300e3));
    /* MPI pairwise on the same shape takes the same steps */
    m.library = FS_LIB_MPI;
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_PAIRWISE, 32, n), want);
    /* more NICs than GPUs: every GPU gets K/g = 4 of them (p5: 32 NICs) */
    m.library = FS_LIB_NCCL;
    m.nics_per_node = 32;
    NEAR(t(&m, FS_ALLTOALL, FS_ALGO_NCCL_A2A, 32, n),
         7 * (1 + per / 300e3) + 24 * (20 + per / 50e3));
}

/* Physics of every all-to-all algorithm: time non-decreasing in size and
 * in ranks, and busbw never above what one GPU's links carry (its NVLink
 * for the peers in its node, its share of the node's NICs for the rest),
 * over
 * 2..65536 ranks x 8 B..16 GiB, node shapes with fewer and more NICs than
 * GPUs, calibrated and not. */
static void alltoall_properties(void **state)
{
    (void)state;
    struct {
        int g, nics;
        fs_coll_lib lib;
    } shapes[] = {{1, 1, FS_LIB_MPI},  {8, 4, FS_LIB_MPI},  {8, 32, FS_LIB_MPI},
                  {1, 4, FS_LIB_NCCL}, {8, 4, FS_LIB_NCCL}, {8, 32, FS_LIB_NCCL},
                  {4, 8, FS_LIB_NCCL}};
    fs_algo algos[] = {FS_ALGO_PAIRWISE, FS_ALGO_BRUCK, FS_ALGO_NCCL_A2A, FS_ALGO_AUTO};
    long points = 0, bad = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int cal = 0; cal < 2; cal++) {
            fs_coll_model m = {.inter = fs_link_hockney(20, 12.5),
                               .intra = fs_link_hockney(0.7, 450),
                               .ranks_per_node = shapes[s].g,
                               .nics_per_node = shapes[s].nics,
                               .library = shapes[s].lib};
            if (cal)
                for (int a = 0; a < FS_ALGO_COUNT; a++)
                    m.calib[a] = (fs_coll_calib){.bw_efficiency = 0.7, .step_overhead_us = 4};
            int g = shapes[s].g;
            double share = 12.5 * shapes[s].nics / g;
            for (size_t ai = 0; ai < sizeof algos / sizeof algos[0]; ai++) {
                double prev_p[80];
                for (int k = 0; k < 80; k++) prev_p[k] = NAN;
                for (int p = 2; p <= 65536; p = p < 16 ? p + 1 : p * 2) {
                    double prev_n = NAN;
                    int k = 0;
                    for (double n = 8; n <= 16.0 * (1 << 30); n *= 2, k++) {
                        double tt = fs_coll_time_us(&m, FS_ALLTOALL, algos[ai], p, n, NULL);
                        if (isnan(tt)) continue;
                        points++;
                        bad += !(tt > 0) || !(isnan(prev_n) || prev_n <= tt * (1 + 1e-12));
                        bad += !(isnan(prev_p[k]) || prev_p[k] <= tt * (1 + 1e-12));
                        prev_n = prev_p[k] = tt;
                        double bus = fs_busbw_GBps(FS_ALLTOALL, p, n, tt);
                        /* (p-1)/p n leaves the GPU: (r-1)/p n over NVLink, (p-r)/p n over its
                         * share of the NICs, each at most at its link's rate */
                        int r = p < g ? p : g;
                        double cap = (p - 1) / fmax((r - 1) / 450.0, (p - r) / share);
                        bad += bus > cap * (1 + 1e-12);
                    }
                }
            }
        }
    assert_true(points > 10000);
    assert_int_equal(bad, 0);
}

static void registry(void **state)
{
    (void)state;
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        const fs_algo_desc *d = fs_algo_get((fs_algo)a);
        assert_non_null(d);
        assert_int_equal(fs_algo_parse(d->name), a);
        for (int k = 0; k < 4 && d->aliases[k]; k++)
            assert_int_equal(fs_algo_parse(d->aliases[k]), a);
        assert_true(d->summary && d->summary[0] && d->source && d->source[0]);
        assert_true(d->ops != 0);
        assert_true((d->time_us == NULL) == (a == FS_ALGO_AUTO));
    }
    assert_null(fs_algo_get(FS_ALGO_COUNT));
    assert_int_equal(fs_algo_parse("dbtree"), FS_ALGO_NCCL_TREE);
    assert_int_equal(fs_algo_parse("PAT"), FS_ALGO_PAT);
    assert_int_equal(fs_coll_lib_parse("NCCL"), FS_LIB_NCCL);
    assert_int_equal(fs_coll_lib_parse("mpi"), FS_LIB_MPI);
    assert_int_equal(fs_coll_lib_parse("auto"), FS_LIB_DEFAULT);
    assert_int_equal(fs_coll_lib_parse("gloo"), -1);
    assert_string_equal(fs_coll_lib_name(FS_LIB_NCCL), "nccl");
    /* an explicit library wins over the node shape */
    fs_coll_model m = {.inter = fs_link_hockney(1, 1), .ranks_per_node = 8, .library = FS_LIB_MPI};
    assert_int_equal(fs_coll_model_library(&m), FS_LIB_MPI);
    assert_int_equal(fs_algo_resolve(&m, FS_ALGO_RING), FS_ALGO_RING);
    m.ranks_per_node = 1;
    m.library = FS_LIB_NCCL;
    assert_int_equal(fs_algo_resolve(&m, FS_ALGO_TREE), FS_ALGO_NCCL_TREE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allreduce_power_of_two),
        cmocka_unit_test(allreduce_non_power_of_two),
        cmocka_unit_test(reduce_scatter_and_allgather),
        cmocka_unit_test(hierarchical),
        cmocka_unit_test(piecewise_link),
        cmocka_unit_test(busbw_and_names),
        cmocka_unit_test(nccl_multi_nic),
        cmocka_unit_test(nccl_one_gpu_per_node),
        cmocka_unit_test(calibration_and_band),
        cmocka_unit_test(alltoall_flat),
        cmocka_unit_test(alltoall_multi_nic),
        cmocka_unit_test(alltoall_properties),
        cmocka_unit_test(registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
