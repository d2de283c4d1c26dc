/*
 * test_harness.c - the measurement core on the threaded runtime
 * (rte_threads.c): ranks are threads, the harness's clock is a fake one each
 * rank advances by a scripted amount per iteration, so every assertion is
 * on values and none depends on how loaded the machine is.
 *
 *  - stopping rule: stops at the first batch whose median is known to the
 *    target precision (order statistics) after a minimum count and time;
 *    runs to the time budget when it cannot; batches bounded by time;
 *  - warm-up: at most 10 % of the budget;
 *  - slowest-rank attribution names the rank that arrives last;
 *  - --iterations above --max-iters: honoured with room for it, refused
 *    (FS_EINPUT, no write past the samples) without;
 *  - validation (the latency benchmark over tests/collectives' fake
 *    transport): a corrupted payload names the pair and the offset on
 *    rank 0, whichever rank saw it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_transport.h"
#include "harness.h"
#include "rte_threads.h"

#define MAX_RANKS 4

/* ---- fake clock: one per thread (rank) ---------------------------------- */

static _Thread_local double fake_now;

static double fake_clock(void)
{
    return fake_now;
}

/* ---- a scripted benchmark: iteration k of a rank costs cost(rank, k) ---- */

typedef struct scenario scenario;
typedef double (*cost_fn)(const scenario *sc, int rank, long k);

struct scenario {
    int nranks;
    cost_fn cost;
    double base_s; /* cost functions' unit */
    int slow_rank; /* slow_one: this rank takes 3x base_s */
    long capacity; /* fs_harness_init's; 0: as fabscale-bench sizes it */
    fs_harness_cfg cfg;
    /* Per rank, after the run. */
    int rc[MAX_RANKS];
    fs_bench_point out[MAX_RANKS];
    char err[MAX_RANKS][256];
};

typedef struct bench_state {
    const scenario *sc;
    long k; /* iterations run so far on this rank (warm-up included) */
} bench_state;

static int scripted_iteration(fs_bench_ctx *c)
{
    bench_state *st = c->state;
    fake_now += st->sc->cost(st->sc, c->rank, st->k++);
    return 0;
}

static double scripted_bytes(const fs_bench_ctx *c)
{
    return (double)c->bytes;
}

static double scripted_msgs(const fs_bench_ctx *c)
{
    (void)c;
    return 1.0;
}

static double scripted_busbw(int nranks)
{
    (void)nranks;
    return 1.0;
}

static const fs_bench scripted = {
    .name = "scripted",
    .participation = FS_BENCH_COLLECTIVE,
    .metric = FS_METRIC_COLLECTIVE,
    .min_ranks = 1,
    .time_scale = 1.0,
    .iteration = scripted_iteration,
    .bytes_per_iter = scripted_bytes,
    .msgs_per_iter = scripted_msgs,
    .busbw_factor = scripted_busbw,
};

static double constant(const scenario *sc, int rank, long k)
{
    (void)rank;
    (void)k;
    return sc->base_s;
}

/* 1 and 100 of base in turn: far too noisy for any sensible precision. */
static double noisy(const scenario *sc, int rank, long k)
{
    (void)rank;
    return sc->base_s * (k % 2 ? 100.0 : 1.0);
}

static double slow_one(const scenario *sc, int rank, long k)
{
    (void)k;
    return sc->base_s * (rank == sc->slow_rank ? 3.0 : 1.0);
}

static int run_rank(fs_rte *rte, void *arg)
{
    scenario *sc = arg;
    int r = rte->rank;
    fake_now = 0;
    fs_harness h;
    if (fs_harness_init(&h, rte, sc->capacity)) return -1;
    h.clock = fake_clock;
    unsigned char sbuf[64], rbuf[64];
    bench_state st = {.sc = sc};
    fs_bench_ctx c = {
        .rank = r,
        .nranks = rte->size,
        .peer = -1,
        .pairs = 1,
        .bytes = 8,
        .window = 1,
        .sbuf = sbuf,
        .rbuf = rbuf,
        .buf_bytes = sizeof sbuf,
        .state = &st,
        .errmsg = sc->err[r],
        .errmsg_len = sizeof sc->err[r],
    };
    sc->rc[r] = fs_harness_point(&h, &scripted, &c, &sc->cfg, &sc->out[r]);
    fs_harness_fini(&h);
    return 0;
}

static void run(scenario *sc)
{
    if (sc->capacity == 0)
        sc->capacity = fs_harness_capacity(sc->cfg.max_iters, sc->cfg.fixed_iters);
    fs_rte_threads *w = fs_rte_threads_new(sc->nranks);
    assert_non_null(w);
    assert_int_equal(fs_rte_threads_run(w, run_rank, sc), 0);
    fs_rte_threads_free(w);
}

static fs_harness_cfg adaptive(double precision, double budget_s)
{
    return (fs_harness_cfg){
        .precision = precision,
        .time_per_size = budget_s,
        .min_iters = 20,
        .max_iters = 1000000,
        .warmup = 0,
    };
}

/* 0.9 to 1.1 of base, spread evenly (golden-ratio steps): the median's
 * interval narrows as 0.98 x 0.2 / sqrt(n) of it. */
static double spread_at(long k)
{
    double f = fmod((double)k * 0.6180339887498949, 1.0);
    return 0.9 + 0.2 * f;
}

static double spread(const scenario *sc, int rank, long k)
{
    (void)rank;
    return sc->base_s * spread_at(k);
}

/* base, and 100 x base at every 10th: the mean's interval stays wide. */
static double heavy_tail(const scenario *sc, int rank, long k)
{
    (void)rank;
    return sc->base_s * (k % 10 == 9 ? 100.0 : 1.0);
}

/* A collective's batch ends with one untimed iteration (harness.c): with
 * no warm-up the batches are 1, 19, 20, 40, ..., so the m-th sample is
 * iteration m plus the tails before it. */
static long sample_k(long m)
{
    long tails = 0;
    for (long end = 1; end <= m; end = end == 1 ? 20 : 2 * end) tails++;
    return m + tails;
}

static double median_rel_of_spread(long n)
{
    double *v = malloc((size_t)n * sizeof *v);
    for (long m = 0; m < n; m++) v[m] = 10.0 * spread_at(sample_k(m));
    fs_stats st;
    fs_stats_compute(v, (size_t)n, &st); /* sorts */
    double rel = fs_median_ci95_rel(v, (size_t)n, NULL, NULL);
    free(v);
    return rel;
}

/* ---- stopping rule ------------------------------------------------------ */

static void test_stops_when_precise(void **state)
{
    (void)state;
    /* 9 to 11 us; the median known to 1 % needs about 400 samples.  With
     * no warm-up the batches are 1, 19 (to --min-iters), then doubling:
     * the rule stops at 640. */
    scenario sc = {.nranks = 2, .cost = spread, .base_s = 10e-6};
    sc.cfg = adaptive(0.01, 10.0);
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    assert_int_equal(sc.rc[1], 0);
    const fs_bench_point *p = &sc.out[0];
    assert_true(p->converged);
    assert_int_equal(p->iterations, 640);
    /* Precise now, and not yet at the previous batch boundary. */
    assert_true(p->p50_ci95_rel <= 0.01);
    assert_true(fabs(p->p50_ci95_rel - median_rel_of_spread(640)) < 1e-9);
    assert_true(median_rel_of_spread(320) > 0.01);
    assert_true(p->p50_ci95_lo < p->time_us.p50 && p->time_us.p50 < p->p50_ci95_hi);
    assert_true(fabs(p->time_us.p50 - 10.0) < 0.05);
    assert_true(p->time_us.min >= 9.0 - 1e-9 && p->time_us.max <= 11.0 + 1e-9);
    /* Every rank knows how many iterations ran (it ran them). */
    assert_int_equal(sc.out[1].iterations, 640);
    /* Elapsed: the 640 timed iterations and the 7 batches' tails. */
    double sum = 0;
    for (long k = 0; k < 640 + 7; k++) sum += 10e-6 * spread_at(k);
    assert_true(fabs(p->elapsed_s - sum) < 1e-9);
}

static void test_exact_samples_stop_at_min_iters(void **state)
{
    (void)state;
    /* No spread at all: the interval is 0 once --min-iters are done. */
    scenario sc = {.nranks = 3, .cost = constant, .base_s = 5e-6};
    sc.cfg = adaptive(0.01, 10.0);
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    assert_true(sc.out[0].converged);
    assert_int_equal(sc.out[0].iterations, 20);
    assert_true(fabs(sc.out[0].time_us.p50 - 5.0) < 1e-6);
}

/* The rule reads the statistic reported: a heavy tail keeps the mean's
 * interval wide (it would run to the budget) but not the median's. */
static void test_heavy_tail_stops_on_median(void **state)
{
    (void)state;
    scenario sc = {.nranks = 2, .cost = heavy_tail, .base_s = 1e-6};
    sc.cfg = adaptive(0.01, 10.0);
    run(&sc);
    const fs_bench_point *p = &sc.out[0];
    assert_true(p->converged);
    assert_int_equal(p->iterations, 20);
    assert_true(p->time_us.ci95 > 0.01 * p->time_us.mean); /* the mean's: wide */
    assert_true(fabs(p->time_us.p50 - 1.0) < 1e-9);
}

/* The minimum is a time as well as a count: 5 us iterations, 10 ms. */
static void test_min_time(void **state)
{
    (void)state;
    scenario sc = {.nranks = 2, .cost = constant, .base_s = 5e-6};
    sc.cfg = adaptive(0.01, 10.0);
    sc.cfg.min_time = 0.01;
    run(&sc);
    const fs_bench_point *p = &sc.out[0];
    assert_true(p->converged);
    assert_true(p->elapsed_s >= 0.01);
    /* 20, 40, ..., 2560 iterations: the first boundary past 10 ms. */
    assert_int_equal(p->iterations, 2560);
}

/* One iteration longer than the budget (4 MiB x 64 on a slow link): the
 * warm-up's pace plans a first batch of one, and the point ends there,
 * not after --min-iters iterations. */
static void test_slow_iteration_ends_within_budget(void **state)
{
    (void)state;
    scenario sc = {.nranks = 3, .cost = constant, .base_s = 3.0};
    sc.cfg = adaptive(0.01, 1.0);
    sc.cfg.warmup = -1;
    run(&sc);
    const fs_bench_point *p = &sc.out[0];
    assert_int_equal(sc.rc[0], 0);
    assert_int_equal(p->warmup, 1);
    assert_int_equal(p->iterations, 1);
    assert_false(p->converged);
    /* The iteration and the batch's untimed tail (harness.c). */
    assert_true(fabs(p->elapsed_s - 6.0) < 1e-9);
}

/* Batch planning, the pure function. */
static void test_next_batch(void **state)
{
    (void)state;
    fs_harness_cfg a = adaptive(0.01, 1.0);
    /* First batch: --min-iters when it fits, else what fits, at least 1. */
    assert_int_equal(fs_harness_next_batch(&a, 0, 1e-6, 1.0), 20);
    assert_int_equal(fs_harness_next_batch(&a, 0, 0.1, 1.0), 10);
    assert_int_equal(fs_harness_next_batch(&a, 0, 3.0, 1.0), 1);
    assert_int_equal(fs_harness_next_batch(&a, 0, 0, 1.0), 1); /* pace unknown */
    /* Then complete --min-iters, then double; never past the budget. */
    assert_int_equal(fs_harness_next_batch(&a, 1, 1e-6, 1.0), 19);
    assert_int_equal(fs_harness_next_batch(&a, 20, 1e-6, 1.0), 20);
    assert_int_equal(fs_harness_next_batch(&a, 640, 1e-6, 1.0), 640);
    assert_int_equal(fs_harness_next_batch(&a, 640, 1e-3, 0.1), 100);
    assert_int_equal(fs_harness_next_batch(&a, 1000000 - 5, 1e-9, 1.0), 5); /* max_iters */
    /* Completing --min-iters once the budget is spent: within the span. */
    assert_int_equal(fs_harness_next_batch(&a, 1, 0.1, -0.5), 10);
    assert_int_equal(fs_harness_next_batch(&a, 4, 0.012, -0.2), 16);
    /* --iterations: bounded by FS_BATCH_SPAN_S, not the budget. */
    fs_harness_cfg f = a;
    f.fixed_iters = 5000;
    assert_int_equal(fs_harness_next_batch(&f, 0, 0.1, 0.0), 10);
    assert_int_equal(fs_harness_next_batch(&f, 2560, 1e-6, 0.0), 2440);
    assert_int_equal(fs_harness_next_batch(&f, 2000, 0.01, 0.0), 100);
}

static void test_stop_rule(void **state)
{
    (void)state;
    fs_harness_cfg a = adaptive(0.01, 1.0);
    a.min_time = 0.02;
    bool conv;
    assert_false(fs_harness_stop(&a, 19, 0.5, 0.0, 1e-6, &conv)); /* count */
    assert_false(conv);
    assert_false(fs_harness_stop(&a, 40, 0.01, 0.0, 1e-6, &conv)); /* time */
    assert_true(fs_harness_stop(&a, 40, 0.03, 0.005, 1e-6, &conv));
    assert_true(conv);
    assert_false(fs_harness_stop(&a, 40, 0.5, 0.02, 1e-6, &conv)); /* imprecise */
    assert_true(fs_harness_stop(&a, 40, 1.0, 0.02, 1e-6, &conv));  /* budget */
    assert_false(conv);
    /* Budget spent before --min-iters: a slow link (20 x 1.5 s cannot fit
     * in 1 s) ends the point; a stall (12 ms iterations, 20 fit) does not. */
    assert_true(fs_harness_stop(&a, 1, 1.5, INFINITY, 1.5, &conv));
    assert_false(fs_harness_stop(&a, 4, 1.2, INFINITY, 0.012, &conv));
    /* --min-iters given: a floor. */
    fs_harness_cfg h = a;
    h.min_iters_hard = true;
    assert_false(fs_harness_stop(&h, 1, 1.5, INFINITY, 1.5, &conv));
    assert_true(fs_harness_stop(&h, 20, 30.0, 0.5, 1.5, &conv));
    fs_harness_cfg f = a;
    f.fixed_iters = 50;
    assert_false(fs_harness_stop(&f, 40, 9.0, 0.0, 1e-6, &conv));
    assert_true(fs_harness_stop(&f, 50, 0.0, 1.0, 1e-6, &conv));
}

static void test_runs_to_budget_when_imprecise(void **state)
{
    (void)state;
    /* 1 and 100 us in turn can never be known to 0.01 %: the point runs
     * until its 50 ms are spent, planning no batch past the budget. */
    scenario sc = {.nranks = 2, .cost = noisy, .base_s = 1e-6};
    sc.cfg = adaptive(1e-4, 0.05);
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    const fs_bench_point *p = &sc.out[0];
    assert_false(p->converged);
    assert_true(p->elapsed_s >= 0.05);
    /* Overshoot at most one iteration of the slow kind. */
    assert_true(p->elapsed_s <= 0.05 + 100e-6);
    /* ~50.5 us per iteration: about 990 of them, far from --max-iters. */
    assert_true(p->iterations >= 985 && p->iterations <= 995);
}

static void test_max_iters_stops_before_budget(void **state)
{
    (void)state;
    scenario sc = {.nranks = 2, .cost = noisy, .base_s = 1e-6};
    sc.cfg = adaptive(1e-4, 10.0);
    sc.cfg.max_iters = 300;
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    assert_false(sc.out[0].converged);
    assert_int_equal(sc.out[0].iterations, 300);
}

/* ---- warm-up ------------------------------------------------------------ */

static void test_warmup_capped_at_tenth_of_budget(void **state)
{
    (void)state;
    /* 1 ms an iteration, 100 ms budget: the default 100 warm-up iterations
     * (small messages) would take the whole budget; at most 10 ms run. */
    scenario sc = {.nranks = 2, .cost = constant, .base_s = 1e-3};
    sc.cfg = adaptive(0.01, 0.1);
    sc.cfg.warmup = -1; /* default by size */
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    long w = sc.out[0].warmup;
    assert_true(w >= 9);
    assert_true((double)w * 1e-3 <= 0.1 * 0.1 + 1e-12);

    /* An explicit --warmup is capped the same way. */
    sc.cfg.warmup = 50;
    run(&sc);
    assert_true(sc.out[0].warmup >= 9 && (double)sc.out[0].warmup * 1e-3 <= 0.01 + 1e-12);

    /* Cheap iterations: the count asked for runs in full. */
    sc.base_s = 1e-6;
    sc.cfg.warmup = 50;
    run(&sc);
    assert_int_equal(sc.out[0].warmup, 50);
}

static void test_warmup_uncapped_with_fixed_iterations(void **state)
{
    (void)state;
    /* --iterations has no budget to protect: the warm-up asked for runs. */
    scenario sc = {.nranks = 2, .cost = constant, .base_s = 1e-3};
    sc.cfg = adaptive(0.01, 0.1);
    sc.cfg.warmup = 30;
    sc.cfg.fixed_iters = 25;
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    assert_int_equal(sc.out[0].warmup, 30);
    assert_int_equal(sc.out[0].iterations, 25);
}

/* ---- slowest rank ------------------------------------------------------- */

static void test_slowest_rank_named(void **state)
{
    (void)state;
    for (int slow = 0; slow < 4; slow++) {
        scenario sc = {.nranks = 4, .cost = slow_one, .base_s = 10e-6, .slow_rank = slow};
        sc.cfg = adaptive(0.01, 1.0);
        sc.cfg.fixed_iters = 200;
        run(&sc);
        assert_int_equal(sc.rc[0], 0);
        assert_int_equal(sc.out[0].slowest_rank, slow);
        /* An iteration lasts as long as its slowest rank. */
        assert_true(fabs(sc.out[0].time_us.p50 - 30.0) < 1e-6);
        assert_true(fabs(sc.out[0].time_us.min - 30.0) < 1e-6);
    }
}

/* ---- --iterations above --max-iters ------------------------------------- */

static void test_fixed_iterations_above_max_honoured(void **state)
{
    (void)state;
    /* fabscale-bench sizes the harness with fs_harness_capacity: room for
     * the larger of --max-iters and --iterations. */
    scenario sc = {.nranks = 2, .cost = constant, .base_s = 1e-6};
    sc.cfg = adaptive(0.01, 1.0);
    sc.cfg.max_iters = 100;
    sc.cfg.fixed_iters = 1000;
    sc.capacity = fs_harness_capacity(sc.cfg.max_iters, sc.cfg.fixed_iters);
    assert_int_equal(sc.capacity, 1000);
    run(&sc);
    assert_int_equal(sc.rc[0], 0);
    assert_int_equal(sc.rc[1], 0);
    assert_int_equal(sc.out[0].iterations, 1000);
    assert_int_equal(sc.out[0].time_us.n, 1000);
}

static void test_iterations_beyond_capacity_refused(void **state)
{
    (void)state;
    /* A harness sized for 100 samples asked for 1000 (before the fix this
     * wrote 900 doubles past the buffer): every rank refuses, nothing runs. */
    scenario sc = {.nranks = 2, .cost = constant, .base_s = 1e-6, .capacity = 100};
    sc.cfg = adaptive(0.01, 1.0);
    sc.cfg.max_iters = 100;
    sc.cfg.fixed_iters = 1000;
    run(&sc);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(sc.rc[r], FS_EINPUT);
        assert_string_equal(sc.err[r], "1000 iterations exceed the 100 samples the harness was "
                                       "sized for");
    }
    /* Adaptive runs are bounded by the capacity too. */
    sc.cfg.fixed_iters = 0;
    sc.cfg.max_iters = 101;
    run(&sc);
    assert_int_equal(sc.rc[0], FS_EINPUT);
    assert_int_equal(fs_harness_capacity(1000, 0), 1000);
    assert_int_equal(fs_harness_capacity(10, 20), 20);
}

/* ---- validation, over the fake transport --------------------------------- */

typedef struct vcase {
    fs_rte_threads *rw;
    int bad_rank; /* whose payload is corrupted (-1: nobody) */
    size_t offset;
    int rc[2][2]; /* [rank][point]: 8 then 64 bytes */
    char msg[2][1024];
} vcase;

static const vcase *active_case;

/* Runs after the harness wrote the pattern into the send buffer. */
static int corrupt_prepare(fs_bench_ctx *c)
{
    if (c->rank == active_case->bad_rank && active_case->offset < c->bytes)
        ((unsigned char *)c->sbuf)[active_case->offset] ^= 0x5a;
    return 0;
}

static fs_bench corrupting_latency;

/* One rank of a 2-rank latency run at 8 and 64 bytes, set up as the sweep
 * does (registered buffers, rank 0 initiating towards rank 1). */
static int validate_rank(fs_transport *tp, void *arg)
{
    vcase *vc = arg;
    int r = tp->rank;
    fs_rte *rte = fs_rte_threads_rank(vc->rw, r);
    fs_harness h;
    if (fs_harness_init(&h, rte, 100)) return -1;
    enum { BUF = 64 };
    fs_req reqs[4];
    fs_bench_ctx c = {
        .tp = tp,
        .rank = r,
        .nranks = 2,
        .peer = 1 - r,
        .initiator = r == 0,
        .pairs = 1,
        .window = 1,
        .sbuf = calloc(1, BUF),
        .rbuf = calloc(1, BUF),
        .buf_bytes = BUF,
        .reqs = reqs,
        .errmsg = vc->msg[r],
        .errmsg_len = sizeof vc->msg[r],
    };
    if (!c.sbuf || !c.rbuf || tp->ops->mr_reg(tp, c.sbuf, BUF, &c.smr) ||
        tp->ops->mr_reg(tp, c.rbuf, BUF, &c.rmr))
        return -1;
    fs_harness_cfg cfg = {
        .precision = 0.01,
        .time_per_size = 1.0,
        .min_iters = 5,
        .max_iters = 100,
        .fixed_iters = 10, /* no clock in the decision */
        .warmup = 2,
        .validate = true,
    };
    const size_t sizes[2] = {8, BUF}; /* the corrupted offset lies beyond 8 */
    for (int k = 0; k < 2; k++) {
        c.bytes = sizes[k];
        fs_bench_point p;
        vc->rc[r][k] = fs_harness_point(&h, &corrupting_latency, &c, &cfg, &p);
    }
    tp->ops->mr_dereg(tp, c.smr);
    tp->ops->mr_dereg(tp, c.rmr);
    free(c.sbuf);
    free(c.rbuf);
    fs_harness_fini(&h);
    return 0;
}

static void run_validation(vcase *vc)
{
    const fs_bench *lat = fs_bench_find("latency");
    assert_non_null(lat);
    corrupting_latency = *lat;
    corrupting_latency.prepare = corrupt_prepare;
    active_case = vc;
    vc->rw = fs_rte_threads_new(2);
    fake_world *fw = fake_world_new(2, 64, 64);
    assert_non_null(vc->rw);
    assert_non_null(fw);
    int rc = fake_world_run(fw, validate_rank, vc);
    if (rc) fail_msg("fake transport: %s", fake_world_error(fw));
    fake_world_free(fw);
    fs_rte_threads_free(vc->rw);
}

static void test_validation_passes_clean_payload(void **state)
{
    (void)state;
    vcase vc = {.bad_rank = -1, .offset = 17};
    run_validation(&vc);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(vc.rc[r][0], 0);
        assert_int_equal(vc.rc[r][1], 0);
    }
}

static void test_validation_names_pair_and_offset(void **state)
{
    (void)state;
    /* Rank 1's payload corrupted at 17: rank 0 sees it. */
    vcase vc = {.bad_rank = 1, .offset = 17};
    run_validation(&vc);
    const char *want = "validation failed: latency, 64 bytes: rank 0 received from rank 1 a "
                       "wrong byte at offset 17";
    for (int r = 0; r < 2; r++) {
        assert_int_equal(vc.rc[r][0], 0); /* 8 bytes: the byte is not sent */
        assert_int_equal(vc.rc[r][1], FS_ERUNTIME);
        assert_string_equal(vc.msg[r], want);
    }
}

static void test_validation_mismatch_seen_off_rank_0_reaches_rank_0(void **state)
{
    (void)state;
    /* Rank 0's payload corrupted at 40: rank 1 sees it; rank 0, which
     * prints, must carry rank 1's message (it used to print nothing). */
    vcase vc = {.bad_rank = 0, .offset = 40};
    run_validation(&vc);
    assert_int_equal(vc.rc[0][1], FS_ERUNTIME);
    assert_string_equal(vc.msg[0], "validation failed: latency, 64 bytes: rank 1 received from "
                                   "rank 0 a wrong byte at offset 40");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stops_when_precise),
        cmocka_unit_test(test_exact_samples_stop_at_min_iters),
        cmocka_unit_test(test_heavy_tail_stops_on_median),
        cmocka_unit_test(test_min_time),
        cmocka_unit_test(test_slow_iteration_ends_within_budget),
        cmocka_unit_test(test_next_batch),
        cmocka_unit_test(test_stop_rule),
        cmocka_unit_test(test_runs_to_budget_when_imprecise),
        cmocka_unit_test(test_max_iters_stops_before_budget),
        cmocka_unit_test(test_warmup_capped_at_tenth_of_budget),
        cmocka_unit_test(test_warmup_uncapped_with_fixed_iterations),
        cmocka_unit_test(test_slowest_rank_named),
        cmocka_unit_test(test_fixed_iterations_above_max_honoured),
        cmocka_unit_test(test_iterations_beyond_capacity_refused),
        cmocka_unit_test(test_validation_passes_clean_payload),
        cmocka_unit_test(test_validation_names_pair_and_offset),
        cmocka_unit_test(test_validation_mismatch_seen_off_rank_0_reaches_rank_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
