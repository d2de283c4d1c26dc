/* harness.h - measure one point (one benchmark at one size) across ranks. */
#ifndef FS_HARNESS_H
#define FS_HARNESS_H

#include <stdbool.h>

#include "bench.h"
#include "fs_rte.h"
#include "stats.h"

typedef struct fs_harness_cfg {
    double precision;     /* target: the median's 95% interval, relative */
    double time_per_size; /* seconds */
    double min_time;      /* seconds of timed iterations before precision may stop */
    long min_iters, max_iters;
    /* min_iters was asked for (--min-iters): the budget never stops a point
     * before it.  Else (the default) it does when min_iters at the pace so
     * far cannot fit in the budget (a slow link). */
    bool min_iters_hard;
    long fixed_iters; /* > 0: exactly this many */
    long warmup;      /* < 0: default by size */
    bool validate;
} fs_harness_cfg;

typedef struct fs_bench_point {
    size_t bytes;
    long iterations;
    long warmup;
    bool converged;
    fs_stats time_us;
    double bandwidth_GBps, msg_rate_Mps; /* NAN when not applicable */
    double algbw_GBps, busbw_GBps;
    int slowest_rank;
    double elapsed_s;
    /* The median's 95% interval (order statistics), us; NAN when too few
     * samples.  p50_ci95_rel: its wider side relative to the median. */
    double p50_ci95_lo, p50_ci95_hi, p50_ci95_rel;
    /* Pairs at once (msgrate): the rate over the window (what is reported,
     * a throughput: stalls count) over the rate the median iteration
     * implies for the pairs that timed; NAN elsewhere.  Well below 1: the
     * pairs stalled (descheduled ranks, contention). */
    double window_vs_median;
} fs_bench_point;

/* Scratch the harness reuses between points (allocated once per run). */
typedef struct fs_harness {
    fs_rte *rte;
    int rank, nranks;
    double *local;         /* this rank's samples for one batch */
    double *arrive;        /* per iteration: who was slowest (see harness.c) */
    double *tmax;          /* root: samples reduced with FS_RTE_MAX */
    fs_rte_loc *reduced;   /* root: arrivals reduced with maxloc */
    fs_rte_loc *contrib;   /* arrivals tagged with this rank */
    double *samples;       /* root: every aggregated sample of the point, sorted */
    double *totals;        /* root: per rank, pair totals (iterations, seconds) */
    long *slow_count;      /* root: per rank, how often it was the slowest */
    long capacity;         /* samples' size: the most iterations a point may run */
    double (*clock)(void); /* seconds, monotonic: fs_now_s unless a test sets its own */
    /* This rank's clock minus rank 0's (0 on rank 0's host, where
     * CLOCK_MONOTONIC is one clock) and its uncertainty; clock_err_max:
     * the largest over the ranks.  Measured by fs_harness_init. */
    double clock_offset, clock_err, clock_err_max;
    /* Set when the last point failed on this rank alone, inside an
     * iteration: peers may be blocked on it, so the job must be aborted. */
    bool failed_alone;
    /* Test seam (NULL in fabscale-bench): called by every active rank just
     * before its batch's timed loop (i = -1) and after each iteration i
     * that is part of the measurement, so a test can read what reached the
     * rank while it was (tests/scale/unexpected.c).  Part of it: a timed
     * iteration of a timer; a responder's iterations but its batch's last
     * (its final send, which its initiator's clock has seen before the
     * responder returns from it); in a window (msgrate), those that end
     * by the deadline. */
    void (*probe)(void *arg, long i);
    void *probe_arg;
} fs_harness;

/* Collective over rte.  capacity: the most timed iterations a point may
 * run (see fs_harness_capacity).  Ranks on another host than rank 0
 * measure their clock's offset against it (FS_CLOCK_ROUNDS exchanges). */
int fs_harness_init(fs_harness *h, fs_rte *rte, long capacity);
void fs_harness_fini(fs_harness *h);

/* Run warm-up, timed iterations and (if asked) validation of b at c->bytes.
 * Collective over h->rte.  The result is valid on rank 0 (and its
 * `iterations` everywhere).  Returns 0, or a negative FS_E* code with the
 * message in c->errmsg on the ranks that failed. */
int fs_harness_point(fs_harness *h, const fs_bench *b, fs_bench_ctx *c, const fs_harness_cfg *cfg,
                     fs_bench_point *out);

/* Room a harness needs for cfg's points: max_iters, or the fixed count of
 * --iterations when that is larger (it overrides the adaptive bounds).  A
 * point asking for more than fs_harness_init's capacity fails with
 * FS_EINPUT instead of running. */
long fs_harness_capacity(long max_iters, long fixed_iters);

/* Collective: combine per-rank return codes; every rank receives in msg
 * the message of the lowest failing rank (its own when it failed).
 * Returns that rank's code, which every rank agrees on, or 0. */
int fs_agree_error(fs_rte *rte, int rc, char *msg, size_t len);

/* Whether this rank's clock counts for the benchmark's iteration time. */
bool fs_harness_is_timer(const fs_bench *b, const fs_bench_ctx *c);

double fs_now_s(void);

/* Longest a batch is planned to last when the budget does not bound it
 * (--iterations): ranks outside the measured pair wait that long. */
#define FS_BATCH_SPAN_S 1.0

/* When every pair streams at once (msgrate), the window a batch counts
 * ends at a deadline rank 0 sets when it plans the batch: FS_WINDOW_STRETCH
 * times the batch's planned span (at the slowest pair's mean pace so far;
 * for the first batch, from the warm-up's fastest, twice that), plus
 * FS_WINDOW_SLACK_S and twice the clocks' uncertainty.  Iterations that
 * end later run but are not timed; a window nothing fitted in is planned
 * again with twice the stretch.  Rank 0 says the batch is over only after
 * the deadline: no harness message reaches a pair inside its window. */
#define FS_WINDOW_STRETCH 1.25
#define FS_WINDOW_SLACK_S 200e-6

/* Timed iterations in the next batch, decided on rank 0 (pure): n done so
 * far, mean_s the mean iteration time so far (or the warm-up's fastest for
 * the first batch; <= 0 when unknown), left_s the budget left.  The first
 * batch is min_iters, or as many as fit in the budget (at least one), or
 * one when nothing is known yet; the next completes min_iters (within
 * FS_BATCH_SPAN_S when the budget is spent), later ones double the
 * sample.  A batch never plans past the budget (adaptive) or
 * FS_BATCH_SPAN_S (--iterations), never past the point's last iteration,
 * and is at least one. */
long fs_harness_next_batch(const fs_harness_cfg *cfg, long n, double mean_s, double left_s);

/* Whether a point stops after n timed iterations (pure): --iterations
 * reached; or max_iters reached; or, once min_iters and min_time are done,
 * the median's interval (rel) is within precision (*converged); or the
 * budget is spent, with min_iters done or (unless min_iters_hard) unable
 * to fit in the budget at the median pace so far (median_s): a stalled
 * iteration under load does not end a point, a slow link does. */
bool fs_harness_stop(const fs_harness_cfg *cfg, long n, double elapsed_s, double rel,
                     double median_s, bool *converged);

#endif
