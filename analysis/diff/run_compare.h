/*
 * run_compare.h - two results files compared point by point, with the
 * noise each file recorded (pure: no I/O; `fabscale diff` and the report's
 * comparison table print what it returns).
 *
 * Matching.  A run of A matches a run of B when they measured the same
 * thing the same way: equal benchmark, transport, provider, algorithm,
 * rank count, dtype and in-place flag (absent strings equal only absent
 * ones, except a dtype absent on one side, which matches any).  Hosts, libraries, fabric and
 * settings may differ: that is what a comparison is for, and fs_meta_diff (meta_diff.h) lists them.
 * Several runs of one file with the same key (launches appended with fabscale-bench --append) are
 * one measurement repeated: per size, the median of the launches not disturbed (below) stands for
 * the file, and their spread is the run-to-run noise the file carries.  Within a key points match
 * by equal bytes.  Every size of either file appears once in the output: matched, or alone with the
 * other side NULL / NAN.
 *
 * The statistic is the one fabscale reports as the headline of the run's
 * kind (results_doc.h): p50 time (us) for latency, bandwidth_GBps for
 * bandwidth, msg_rate_Mps for message rate, busbw_GBps for collectives
 * (then algbw, then time), taking the first one both points carry; files
 * without p50 (OSU, nccl-tests) fall back to the mean time.
 *
 * Noise.  Each side's relative 95% half-width of its statistic, from what
 * the file recorded (fs_point_rel_ci95) and, with several launches, their
 * spread; all combined in quadrature as logarithms -- the sides and the
 * launches are independent, and the half-width of log(b/a) is the root of
 * the sum of squares -- and never below a floor for run-to-run reproducibility.  A
 * launch's own confidence interval only says how well it pinned its
 * median; two launches of one build on one machine differ by more than
 * that (placement, frequency, other load).  The floor is that difference,
 * measured (FS_COMPARE_DEFAULT_FLOOR); it stays a floor when the files
 * carry launches, since two or three launches can agree by chance.
 */
#ifndef FS_RUN_COMPARE_H
#define FS_RUN_COMPARE_H

#include <stddef.h>

#include "diag.h"
#include "results_doc.h"

/* The run-to-run floor of the noise (relative): what launches of one
 * build on one busy machine differed by (measured; the figures are in
 * run_compare.c). */
#define FS_COMPARE_DEFAULT_FLOOR 0.25

/* A point whose median time is this many times its fastest iteration was
 * disturbed: most of its iterations waited for something other than the
 * path measured (see run_compare.c). */
#define FS_COMPARE_DISTURBED 3.0

typedef struct fs_point_delta {
    /* the first run of the key in each file (NULL in a file without it) */
    const fs_run *run_a, *run_b;
    /* the points compared: the median launch's (NULL on a side without the size) */
    const fs_point *pa, *pb;
    int launches_a, launches_b; /* launches that measured this size */
    double bytes;
    double a, b;      /* the reported statistic; NAN on a missing side */
    const char *stat; /* its name: "time_us.p50", "bandwidth_GBps", ... */
    const char *unit; /* "us", "GB/s", "Mmsg/s" */
    int higher_is_better;
    double ratio; /* b / a (NAN when unmatched) */
    /* relative difference the two files' own recorded spread (and the
     * run-to-run floor) can explain; ci_a/ci_b: each side's relative 95%
     * half-width as recorded (NAN when the file says nothing) */
    double noise, ci_a, ci_b;
    /* each side's launches: worst / best - 1 of the undisturbed ones, a
     * factor like the change (NAN with fewer than two) */
    double spread_a, spread_b;
    /* max(ratio, 1/ratio) - 1 > noise: the change as a factor, so that
     * halving and doubling are the same size of change (|ratio - 1| would
     * cap a halving at 1 and leave a doubling unbounded) */
    int significant;
    int worse; /* significant and in the bad direction */
    /* the compared point of A / B is disturbed: time_us.p50 is at least
     * FS_COMPARE_DISTURBED times time_us.min of the same point.  Such a
     * point is shown but never counts towards the verdict. */
    int disturbed_a, disturbed_b;
} fs_point_delta;

typedef struct fs_compare_opts {
    double floor; /* run-to-run floor of the noise (relative); < 0: the default */
} fs_compare_opts;

/* Compare every point of a with b.  *out (free with free()) holds *n
 * deltas: per run of a in file order, its points by size (matched or
 * alone), then runs of b that match nothing.  Returns 0 or FS_EXIT_RUNTIME
 * (out of memory) with err. */
int fs_compare_results(const fs_results *a, const fs_results *b, fs_point_delta **out, size_t *n,
                       fs_err *err);
/* The same with options (NULL: defaults). */
int fs_compare_results_opts(const fs_results *a, const fs_results *b, const fs_compare_opts *opts,
                            fs_point_delta **out, size_t *n, fs_err *err);

/* One point's relative 95% half-width of its median time, from what it
 * recorded; NAN when it recorded too little. */
double fs_point_rel_ci95(const fs_point *p);

typedef enum fs_verdict {
    FS_VERDICT_NO_CHANGE = 0,
    FS_VERDICT_IMPROVEMENT,
    FS_VERDICT_REGRESSION,
} fs_verdict;

/* "no significant change", "improvement", "regression". */
const char *fs_verdict_name(fs_verdict v);

/* Whether a point counts towards the verdict: significant, neither side
 * disturbed, and changed by more than threshold (as a factor - 1; 0 = any
 * significant change). */
int fs_delta_counts(const fs_point_delta *d, double threshold);

/* Whether all[i] counts and is confirmed: a neighbouring size of the same
 * run pair (the nearest matched ones) counts in the same direction, or the
 * run pair has one matched size only.  all/n_all: fs_compare_results's
 * output (run pairs contiguous, by size). */
int fs_delta_confirmed(const fs_point_delta *all, size_t n_all, size_t i, double threshold);

/* The verdict over all deltas: regression when a run has a counted worse
 * point confirmed by a neighbour (see run_compare.c), improvement when
 * none is worse and one is better in the same way, else no change.
 * nworse/nbetter (may be NULL) receive the counted points. */
fs_verdict fs_compare_verdict(const fs_point_delta *d, size_t n, double threshold, size_t *nworse,
                              size_t *nbetter);

#endif
