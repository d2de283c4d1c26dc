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
        cmocka_unit_test(registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
