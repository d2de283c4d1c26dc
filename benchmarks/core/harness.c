/* harness.c - warm-up, adaptive timed iterations, cross-rank aggregation and
 * validation of one point.  Written once for every benchmark.
 *
 * Iterations run in batches.  Within a batch each rank reads the clock once
 * per iteration (the end of one iteration is the start of the next), so the
 * per-iteration samples cost one clock read.  After a batch the samples are
 * reduced elementwise with a maximum over the ranks whose clocks count
 * (initiators of pairs, every rank of a collective): an iteration lasts as
 * long as its slowest rank.  Which rank that was cannot be read from the
 * durations (in a collective everyone waits for the straggler, so every
 * rank's duration is the same); it is the rank that entered the iteration
 * last on a common clock (rank 0's: offsets measured at start-up, zero on
 * rank 0's host), reduced with maxloc - not each rank's own barrier exit,
 * which under load names the rank that left the barrier first.  Pairs do
 * not wait for each other, so arrival means nothing across them: there the
 * slowest is the initiator whose iteration took longest, and when pairs run
 * at once (msgrate) the one whose pace over the batch's window was slowest.
 *
 * Timing isolation: nothing the harness sends reaches a rank while it
 * times.  After its timed loop no rank sends before rank 0 says the batch
 * is over (a broadcast rooted at rank 0: a rank waiting for it injects
 * nothing), and rank 0 says so only when no one can still be timing:
 *  - one pair (latency, bw, ...): rank 0 is its initiator, the last of the
 *    pair to finish (its final receive follows the peer's final send);
 *  - a collective: each batch ends with one untimed iteration; rank 0
 *    finishing it means every rank entered it (every rank's result
 *    depends on every rank's data), i.e. ended its timed ones;
 *  - every pair at once (msgrate): pairs finish at different times, so a
 *    batch's window ends at a deadline on the common clock that rank 0
 *    sets with the batch; iterations ending later are not timed, and rank
 *    0 speaks only after the deadline (plus the clocks' uncertainty).
 * The pairs' aggregate rate is the sum of each pair's own rate over its
 * timed iterations in these windows (aggregate.h), not pairs / the slowest
 * pair's iteration, which falls as pairs drift apart.
 *
 * Rank 0 then decides - the same decision for all, by broadcast -
 * whether the median, the statistic reported, is known to the requested
 * precision (its distribution-free interval from order statistics: heavy
 * tails, which keep the mean's interval wide, do not move it) after a
 * minimum count and time, or the budget is spent, and how long the next
 * batch is: bounded by the time left as well as by count, so at 4 MiB on a
 * slow link a point ends within its budget and the ranks waiting for the
 * batch (outside the pair) wait no longer than that.  The harness talks to
 * the other ranks only through the runtime seam (fs_rte.h). */
#include "harness.h"

#include "aggregate.h"
#include "fault.h"
#include "watchdog.h"

#include <math.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX 4096

double fs_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

long fs_harness_capacity(long max_iters, long fixed_iters)
{
    return fixed_iters > max_iters ? fixed_iters : max_iters;
}

/* The common clock: rank 0's.  A rank on rank 0's host shares its
 * CLOCK_MONOTONIC; one elsewhere brackets its offset by exchanges through
 * the runtime (aggregate.h's fs_clock_offset). */
static int sync_clocks(fs_harness *h)
{
    char mine[256] = "", root[256];
    if (gethostname(mine, sizeof mine - 1)) mine[0] = '\0';
    memcpy(root, mine, sizeof root);
    if (fs_rte_bcast(h->rte, root, sizeof root, 0)) return FS_ERUNTIME;
    double away = strcmp(mine, root) != 0, any = 0;
    if (fs_rte_reduce(h->rte, &away, &any, 1, FS_RTE_MAX, FS_RTE_ALL)) return FS_ERUNTIME;
    if (any == 0) return 0;
    double a[FS_CLOCK_ROUNDS], b[FS_CLOCK_ROUNDS], c[FS_CLOCK_ROUNDS];
    for (int k = 0; k < FS_CLOCK_ROUNDS; k++) {
        double zero = 0, sum;
        if (fs_rte_barrier(h->rte)) return FS_ERUNTIME;
        a[k] = fs_now_s();
        if (fs_rte_bcast(h->rte, &a[k], sizeof a[k], 0)) return FS_ERUNTIME;
        b[k] = fs_now_s();
        if (fs_rte_reduce(h->rte, &zero, &sum, 1, FS_RTE_SUM, 0)) return FS_ERUNTIME;
        c[k] = fs_now_s();
        if (fs_rte_bcast(h->rte, &c[k], sizeof c[k], 0)) return FS_ERUNTIME;
    }
    if (away) h->clock_offset = fs_clock_offset(a, b, c, FS_CLOCK_ROUNDS, &h->clock_err);
    if (fs_rte_reduce(h->rte, &h->clock_err, &h->clock_err_max, 1, FS_RTE_MAX, FS_RTE_ALL))
        return FS_ERUNTIME;
    return 0;
}

int fs_harness_init(fs_harness *h, fs_rte *rte, long capacity)
{
    *h = (fs_harness){.rte = rte, .rank = rte->rank, .nranks = rte->size, .clock = fs_now_s};
    h->local = malloc(BATCH_MAX * sizeof(double));
    h->arrive = malloc(BATCH_MAX * sizeof(double));
    h->tmax = malloc(BATCH_MAX * sizeof(double));
    h->contrib = malloc(BATCH_MAX * sizeof(fs_rte_loc));
    h->reduced = malloc(BATCH_MAX * sizeof(fs_rte_loc));
    h->capacity = capacity > 0 ? capacity : 1;
    if (h->rank == 0) {
        h->samples = malloc((size_t)h->capacity * sizeof(double));
        h->slow_count = calloc((size_t)h->nranks, sizeof(long));
        h->totals = malloc(2 * (size_t)h->nranks * sizeof(double));
    }
    if (!h->local || !h->arrive || !h->tmax || !h->contrib || !h->reduced ||
        (h->rank == 0 && (!h->samples || !h->slow_count || !h->totals)))
        return FS_ERUNTIME;
    return sync_clocks(h);
}

void fs_harness_fini(fs_harness *h)
{
    free(h->local);
    free(h->arrive);
    free(h->tmax);
    free(h->contrib);
    free(h->reduced);
    free(h->samples);
    free(h->slow_count);
    free(h->totals);
    *h = (fs_harness){0};
}

bool fs_harness_is_timer(const fs_bench *b, const fs_bench_ctx *c)
{
    if (b->participation == FS_BENCH_COLLECTIVE) return true;
    return c->peer >= 0 && c->initiator;
}

static bool is_active(const fs_bench *b, const fs_bench_ctx *c)
{
    return b->participation == FS_BENCH_COLLECTIVE || c->peer >= 0;
}

static int rte_failed(fs_harness *h, fs_bench_ctx *c)
{
    return fs_bench_fail(c, "runtime %s: a collective between iterations failed",
                         h->rte->ops->name);
}

int fs_agree_error(fs_rte *rte, int rc, char *msg, size_t len)
{
    double mine = rc ? rte->rank : rte->size, first = mine;
    if (fs_rte_reduce(rte, &mine, &first, 1, FS_RTE_MIN, FS_RTE_ALL)) {
        snprintf(msg, len, "runtime %s: agreeing on an error failed", rte->ops->name);
        return FS_ERUNTIME;
    }
    int root = (int)first;
    if (root == rte->size) return 0;
    /* The first failing rank's code and message, to every rank. */
    struct {
        int code;
        char text[1024];
    } what = {.code = rc};
    if (rte->rank == root) snprintf(what.text, sizeof what.text, "%s", msg);
    if (fs_rte_bcast(rte, &what, sizeof what, root)) {
        snprintf(msg, len, "runtime %s: agreeing on an error failed", rte->ops->name);
        return FS_ERUNTIME;
    }
    if (rte->rank != root) snprintf(msg, len, "%s", what.text);
    return what.code;
}

static long default_warmup(size_t bytes)
{
    return bytes < 65536 ? 100 : 10;
}

static int warm_up(fs_harness *h, const fs_bench *b, fs_bench_ctx *c, const fs_harness_cfg *cfg,
                   long *done, double *pace_s)
{
    long want = cfg->warmup >= 0 ? cfg->warmup : default_warmup(c->bytes);
    /* Warm-up never takes more than a tenth of the budget: at 4 MiB with a
     * window of 64 a hundred iterations would otherwise cost seconds.  The
     * next iteration runs only if, at the mean so far, it ends inside. */
    double limit = cfg->fixed_iters > 0 ? INFINITY : 0.1 * cfg->time_per_size;
    double t0 = h->clock(), prev = t0, fastest = 0;
    long i = 0;
    for (int stop = want == 0; !stop; i++) {
        /* A failing rank returns at once: its peers cannot finish the
         * iteration, and the caller aborts the job with the message. */
        if (is_active(b, c)) {
            int rc = b->iteration(c);
            if (rc) {
                h->failed_alone = true;
                return rc;
            }
        }
        fs_watchdog_beat();
        if (h->rank == 0) {
            /* The pace the first batch is planned with: the fastest
             * iteration, not the mean, which the first ones (connections
             * made on first use, cold caches) inflate. */
            double t = h->clock();
            if (i == 0 || t - prev < fastest) fastest = t - prev;
            prev = t;
            double spent = t - t0;
            stop = (i + 1 >= want) || (spent + spent / (double)(i + 1) > limit);
        }
        if (fs_rte_bcast(h->rte, &stop, sizeof stop, 0)) return rte_failed(h, c);
    }
    *done = i;
    *pace_s = fastest;
    return 0;
}

/* Timed iterations the point may run at most. */
static long target_iters(const fs_harness_cfg *cfg)
{
    return cfg->fixed_iters > 0 ? cfg->fixed_iters : cfg->max_iters;
}

long fs_harness_next_batch(const fs_harness_cfg *cfg, long n, double mean_s, double left_s)
{
    bool fixed = cfg->fixed_iters > 0;
    long remaining = target_iters(cfg) - n;
    /* Nothing known (no warm-up): one iteration to learn the pace.  Then
     * --min-iters in one go, then double the sample each time. */
    long batch =
        n == 0 ? (mean_s > 0 ? cfg->min_iters : 1) : (n < cfg->min_iters ? cfg->min_iters - n : n);
    if (mean_s > 0) {
        /* Completing min_iters after the budget (a stall, or a hard
         * --min-iters) is bounded by the span, not by the budget left. */
        bool completing = n > 0 && n < cfg->min_iters;
        double span = fixed || (completing && left_s < FS_BATCH_SPAN_S) ? FS_BATCH_SPAN_S : left_s;
        double fit = span / mean_s;
        if (fit < (double)batch) batch = fit < 1 ? 1 : (long)fit;
    }
    if (batch > BATCH_MAX) batch = BATCH_MAX;
    if (batch > remaining) batch = remaining;
    return batch < 1 ? 1 : batch;
}

bool fs_harness_stop(const fs_harness_cfg *cfg, long n, double elapsed_s, double rel,
                     double median_s, bool *converged)
{
    *converged = n >= cfg->min_iters && elapsed_s >= cfg->min_time && rel <= cfg->precision;
    if (cfg->fixed_iters > 0) return n >= cfg->fixed_iters;
    if (*converged || n >= cfg->max_iters) return true;
    if (elapsed_s < cfg->time_per_size) return false;
    if (n >= cfg->min_iters) return true;
    return !cfg->min_iters_hard && median_s * (double)cfg->min_iters > cfg->time_per_size;
}

/* What rank 0 broadcasts after each batch: the next one's length (0:
 * the point is over), the samples kept so far, and (windowed) the window's
 * deadline on rank 0's clock. */
typedef struct batch_plan {
    long batch, n;
    double deadline;
} batch_plan;

/* Rank 0: the deadline of a windowed batch of `batch` iterations at pace_s
 * each (see FS_WINDOW_STRETCH). */
static double window_deadline(const fs_harness *h, long batch, double pace_s, double stretch)
{
    return h->clock() + stretch * (double)batch * pace_s + FS_WINDOW_SLACK_S + 2 * h->clock_err_max;
}

/* Until h->clock() reads t (rank 0, before it ends a windowed batch). */
static void sleep_until(const fs_harness *h, double t)
{
    double left = t - h->clock();
    if (left <= 0) return;
    struct timespec ts = {(time_t)left, (long)(1e9 * (left - (double)(time_t)left))};
    nanosleep(&ts, NULL);
}

static int validate(fs_harness *h, const fs_bench *b, fs_bench_ctx *c)
{
    int rc = 0;
    memset(c->rbuf, 0xA5, c->buf_bytes);
    fs_fault_before_validate(c);
    if (fs_rte_barrier(h->rte)) return rte_failed(h, c);
    if (is_active(b, c)) rc = b->iteration(c);
    rc = fs_agree_error(h->rte, rc, c->errmsg, c->errmsg_len);
    if (rc) return rc;
    if (b->check) {
        rc = b->check(c);
    } else if (c->peer >= 0) {
        unsigned side = c->initiator ? FS_RECV_INITIATOR : FS_RECV_RESPONDER;
        if (b->recv_sides & side) {
            size_t off = fs_pattern_check(c->rbuf, c->bytes, fs_pattern_seed(c->peer, c->bytes));
            if (off != (size_t)-1)
                rc = fs_bench_fail(c,
                                   "validation failed: %s, %zu bytes: rank %d received from "
                                   "rank %d a wrong byte at offset %zu",
                                   b->name, c->bytes, c->rank, c->peer, off);
        }
    }
    /* The rank that saw the mismatch may not be rank 0, which prints. */
    return fs_agree_error(h->rte, rc, c->errmsg, c->errmsg_len);
}

int fs_harness_point(fs_harness *h, const fs_bench *b, fs_bench_ctx *c, const fs_harness_cfg *cfg,
                     fs_bench_point *out)
{
    *out = (fs_bench_point){.bytes = c->bytes,
                            .slowest_rank = -1,
                            .p50_ci95_lo = NAN,
                            .p50_ci95_hi = NAN,
                            .p50_ci95_rel = INFINITY};
    h->failed_alone = false;
    fs_rte_loc *contrib = h->contrib, *reduced = h->reduced;
    bool timer = fs_harness_is_timer(b, c), active = is_active(b, c);
    bool collective = b->participation == FS_BENCH_COLLECTIVE;
    /* Every pair at once (msgrate): the rate from the pairs' totals, and,
     * with more than one pair, windows that end at a deadline. */
    bool aggregate = !collective && b->all_pairs, windowed = aggregate && c->pairs > 1;
    int rc = 0;

    /* Every rank sees the same cfg, so all refuse together. */
    if (target_iters(cfg) > h->capacity) {
        fs_bench_fail(c, "%ld iterations exceed the %ld samples the harness was sized for",
                      target_iters(cfg), h->capacity);
        return FS_EINPUT;
    }

    /* Senders' payload carries the pattern --validate checks; collectives
     * overwrite it with their own data in prepare(). */
    fs_pattern_fill(c->sbuf, c->buf_bytes, fs_pattern_seed(c->rank, c->bytes));
    if (b->prepare && (rc = fs_agree_error(h->rte, b->prepare(c), c->errmsg, c->errmsg_len)))
        return rc;
    /* A collective moves whole elements (and, for reduce-scatter and
     * all-gather, whole blocks per rank): record what it actually moved. */
    if (b->participation == FS_BENCH_COLLECTIVE && b->bytes_per_iter)
        out->bytes = (size_t)b->bytes_per_iter(c);

    if (fs_rte_barrier(h->rte)) return rte_failed(h, c);
    fs_fault_point_start(c->bytes);
    unsigned delay_us = fs_fault_delay_us(c->bytes);
    double warm_pace = 0;
    if ((rc = warm_up(h, b, c, cfg, &out->warmup, &warm_pace))) return rc;
    if (h->rank == 0) memset(h->slow_count, 0, (size_t)h->nranks * sizeof(long));

    /* Rank 0 plans every batch, the first from the warm-up's pace: at 4 MiB
     * on a slow link one iteration may outlast the budget. */
    batch_plan plan = {.batch = fs_harness_next_batch(cfg, 0, warm_pace, cfg->time_per_size)};
    /* A window no iteration fitted in (a pair stalled past it) is planned
     * again with twice the stretch. */
    double stretch = 2 * FS_WINDOW_STRETCH, pace_s = warm_pace;
    if (h->rank == 0 && windowed) plan.deadline = window_deadline(h, plan.batch, pace_s, stretch);
    if (fs_rte_bcast(h->rte, &plan, sizeof plan, 0)) return rte_failed(h, c);
    double start = h->clock(), sum_us = 0, pair_iters = 0, pair_s = 0, start_iters = 0, start_s = 0;
    while (plan.batch > 0) {
        long batch = plan.batch, n = plan.n;
        /* Every pair at once starts on the plan's arrival (its deadline
         * bounds the window); the others together. */
        if (!windowed && fs_rte_barrier(h->rte)) return rte_failed(h, c);
        double epoch = h->clock(), prev = epoch;
        double deadline = plan.deadline + h->clock_offset; /* on this rank's clock */
        if (h->probe && active) h->probe(h->probe_arg, -1);
        for (long i = 0; i < batch; i++) {
            double entry = prev;
            if (delay_us) { /* fault injection (tests only) */
                fs_fault_sleep_us(delay_us);
                entry = h->clock();
            }
            if (active && (rc = b->iteration(c))) {
                h->failed_alone = true; /* see warm_up() */
                return rc;
            }
            double t = h->clock();
            fs_watchdog_beat();
            h->local[i] = timer ? (t - prev) * 1e6 * b->time_scale : -1.0;
            /* A collective's entry on the common clock; a pair's end. */
            h->arrive[i] = collective ? entry - h->clock_offset : t;
            prev = t;
            if (h->probe && active && (timer || i + 1 < batch) && (!windowed || t <= deadline))
                h->probe(h->probe_arg, i);
        }
        /* The untimed iteration that tells rank 0 every rank is done. */
        if (collective && active) {
            if ((rc = b->iteration(c))) {
                h->failed_alone = true;
                return rc;
            }
            fs_watchdog_beat();
        }
        long timed = windowed ? fs_window_timed(h->arrive, batch, deadline) : batch;
        /* A pair's window runs from the end of its first iteration to the
         * end of its last timed one: the first absorbs the pair's start
         * (the plan reaches its two ranks at different times; on a loaded
         * host a scheduler slice), which would otherwise count against
         * batches of a few hundred microseconds (a 45x lower msgrate than
         * bw's at 1 B, seen at load 7). */
        if (aggregate && timer && timed >= 2) {
            pair_iters += (double)(timed - 1);
            pair_s += h->arrive[timed - 1] - h->arrive[0];
        }
        /* From the batch's start too: all a pair has when no batch of
         * its timed two iterations (a loaded host, a slow pair). */
        if (aggregate && timer && timed >= 1) {
            start_iters += (double)timed;
            start_s += h->arrive[timed - 1] - epoch;
        }
        /* The slowest of pairs running at once is the pair with the
         * slowest pace over the window, named at every index: iterations
         * are not matched across pairs, and a slow pair times fewer of
         * them, so a per-index maximum would name the fast pair at every
         * index the slow one never reached (a pair that timed none is
         * slower than the whole window). */
        double pace = !windowed || !timer ? 0
                      : timed >= 2 ? (h->arrive[timed - 1] - h->arrive[0]) / (double)(timed - 1)
                                   : h->arrive[0] - epoch;
        for (long i = 0; i < batch; i++) {
            if (i >= timed) h->local[i] = -1.0;
            double v = collective ? h->arrive[i] : windowed ? pace : h->local[i];
            bool counts = timer && (windowed || i < timed);
            contrib[i] = (fs_rte_loc){counts ? v : -1.0, h->rank};
        }
        /* Rank 0 says the batch is over (see the top of the file). */
        if (h->rank == 0 && windowed) sleep_until(h, plan.deadline + h->clock_err_max);
        int over = 1;
        if (fs_rte_bcast(h->rte, &over, sizeof over, 0) ||
            fs_rte_reduce(h->rte, h->local, h->tmax, (size_t)batch, FS_RTE_MAX, 0) ||
            fs_rte_maxloc(h->rte, contrib, reduced, (size_t)batch, 0))
            return rte_failed(h, c);
        plan = (batch_plan){.n = n};
        if (h->rank == 0) {
            /* Iterations no pair timed (past every pair's deadline) drop out. */
            long kept = 0;
            for (long i = 0; i < batch; i++) {
                if (h->tmax[i] < 0) continue;
                sum_us += h->tmax[i];
                h->slow_count[reduced[i].rank]++;
                h->tmax[kept++] = h->tmax[i];
            }
            /* The stopping rule reads order statistics: keep the samples
             * sorted, a sorted batch merged in. */
            gsl_sort(h->tmax, 1, (size_t)kept);
            fs_sorted_merge(h->samples, (size_t)n, h->tmax, (size_t)kept);
            n += kept;
            plan.n = n;
            stretch = kept ? FS_WINDOW_STRETCH : 2 * stretch;
            if (n == 0) {
                plan.batch = batch; /* nothing timed yet: again, a wider window */
            } else {
                double elapsed = h->clock() - start;
                out->p50_ci95_rel =
                    fs_median_ci95_rel(h->samples, (size_t)n, &out->p50_ci95_lo, &out->p50_ci95_hi);
                double median_s =
                    1e-6 * gsl_stats_median_from_sorted_data(h->samples, 1, (size_t)n);
                pace_s = sum_us * 1e-6 / (double)n;
                if (!fs_harness_stop(cfg, n, elapsed, out->p50_ci95_rel, median_s, &out->converged))
                    plan.batch =
                        fs_harness_next_batch(cfg, n, pace_s, cfg->time_per_size - elapsed);
            }
            if (plan.batch > 0 && windowed)
                plan.deadline = window_deadline(h, plan.batch, pace_s, stretch);
        }
        /* Rank 0 alone decides how many iterations come next (0 = stop). */
        if (fs_rte_bcast(h->rte, &plan, sizeof plan, 0)) return rte_failed(h, c);
    }
    out->iterations = plan.n;
    out->elapsed_s = h->clock() - start;

    /* Each pair's totals over its windows, to rank 0. */
    if (pair_iters == 0) pair_iters = start_iters, pair_s = start_s;
    double mine[2] = {aggregate && timer ? pair_iters : 0, aggregate && timer ? pair_s : 0};
    if (aggregate && fs_rte_gather(h->rte, mine, h->totals, sizeof mine, 0))
        return rte_failed(h, c);

    if (cfg->validate && (rc = validate(h, b, c))) return rc;

    if (h->rank == 0) {
        fs_stats_compute(h->samples, (size_t)out->iterations, &out->time_us);
        long best = -1;
        for (int r = 0; r < h->nranks; r++)
            if (h->slow_count[r] > best) best = h->slow_count[r], out->slowest_rank = r;
        double t = out->time_us.p50 * 1e-6;
        out->bandwidth_GBps = out->msg_rate_Mps = out->algbw_GBps = out->busbw_GBps = NAN;
        out->window_vs_median = NAN;
        if (b->busbw_factor) {
            out->algbw_GBps = (double)out->bytes / t * 1e-9;
            out->busbw_GBps = out->algbw_GBps * b->busbw_factor(c->nranks);
        } else if (aggregate) {
            double per_s = fs_window_aggregate(h->totals, h->nranks);
            out->bandwidth_GBps = per_s * b->bytes_per_iter(c) * 1e-9;
            out->msg_rate_Mps = per_s * b->msgs_per_iter(c) * 1e-6;
            /* The samples are per-index maxima over the pairs: their median
             * is at least any pair's, so this ratio errs high (a stall it
             * reports is real). */
            int timing = 0;
            for (int r = 0; r < h->nranks; r++) timing += h->totals[2 * r + 1] > 0;
            if (timing > 0 && t > 0) out->window_vs_median = per_s / (timing / t);
        } else {
            out->bandwidth_GBps = c->pairs * b->bytes_per_iter(c) / t * 1e-9;
            out->msg_rate_Mps = c->pairs * b->msgs_per_iter(c) / t * 1e-6;
        }
    }
    return 0;
}
