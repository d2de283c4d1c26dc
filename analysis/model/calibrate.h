/*
 * calibrate.h - the terms of a collective model that a point-to-point fit
 * cannot see, fitted to measured collectives, with the error shown out of
 * sample.  Pure: no I/O.
 *
 * A point-to-point fit gives the link's alpha and bandwidth.  A collective
 * on that link also pays what no ping-pong shows: the fraction of the link
 * its steps really achieve (both directions busy, chunk hand-offs, the
 * reduction competing with the transfer: fs_coll_calib.bw_efficiency),
 * an overhead per algorithm step (synchronisation with the neighbours,
 * launch: step_overhead_us) and the reduction throughput (gamma).  They
 * are fitted per algorithm by nonlinear least squares on the relative
 * error (residual log(model / measured) through Cauchy's loss at 0.1, so
 * that a glitched point - a descheduled rank, a retransmission timeout -
 * cannot drag the fit; GSL's trust-region solver), constrained to their
 * physical ranges by the parametrisation:
 *   bw_efficiency = 0.02 + 0.98 * logistic(u)     in (0.02, 1)
 *   step_overhead = alpha0 * softplus(v)          >= 0
 *   gamma         = beta0 * softplus(w)           >= 0
 * (alpha0, beta0: the link's alpha and time per byte, so the unknowns are
 * of order one).  A weak prior (efficiency 0.9, no overhead, 0.003 of a
 * residual per unit) keeps terms the data cannot separate - overhead from
 * a single size, gamma from the efficiency of a ring all-reduce alone -
 * at their neutral values instead of wherever the solver stops.  gamma is
 * fitted only when the points hold both a reducing collective (all-reduce,
 * reduce-scatter) and an all-gather of the same algorithm; otherwise the
 * efficiency absorbs it.
 *
 * Runs whose algorithm the library chose (MPI "native", nccl-tests) form
 * the group FS_ALGO_AUTO: their terms go to every algorithm without
 * measured runs of its own, since the model's auto picks among those.
 *
 * Cross-validation: every point's error is also computed from a fit that
 * did not see it - leave-one-size-out (all points of that message size
 * withheld) and, with two or more rank counts, leave-one-rank-count-out.
 * The 95% band of a group is exp(median +- t * s * sqrt(1 + 1/k)) of the
 * out-of-sample log ratios measured / model (k points, Student t, s the
 * robust sigma 1.4826 x MAD), leave-one-rank-count-out where there are
 * several rank counts, widened in quadrature by the link fit's residual,
 * never narrower than the link fit alone; fs_coll_time_band_us widens it
 * further when extrapolating.
 *
 * Without a link (nccl-tests logs alone), fs_calibrate_link derives one:
 * a one-segment link whose alpha and bandwidth make the model reproduce
 * the measured curve, cross-validated the same way.
 */
#ifndef FS_CALIBRATE_H
#define FS_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "collective_model.h"
#include "diag.h"

/* One measured collective time. */
typedef struct fs_calib_point {
    fs_collective coll;
    fs_algo algo; /* the run's algorithm; FS_ALGO_AUTO when the library chose */
    int ranks;
    double bytes;
    double measured_us;
} fs_calib_point;

/* Errors as |model - measured| / measured. */
typedef struct fs_calib_error {
    size_t n;           /* points compared */
    double median, max; /* of |error|; NAN when n == 0 */
} fs_calib_error;

typedef struct fs_calib_summary {
    size_t points;
    int sizes, rank_counts; /* distinct message sizes and rank counts */
    int max_ranks;
    bool gamma_fitted;
    bool link_derived;      /* the link itself came from the collectives */
    fs_calib_error base;    /* the model before calibration (point-to-point only) */
    fs_calib_error in;      /* the calibrated model on the points it was fitted to */
    fs_calib_error cv;      /* leave-one-size-out */
    fs_calib_error cv_rank; /* leave-one-rank-count-out (n == 0 with one rank count) */
    /* The out-of-sample figure to print: cv_rank where it exists, else cv
     * (the larger of the two when both do). */
    fs_calib_error headline;
    const char *headline_kind; /* "leave-one-size-out", "leave-one-rank-count-out" */
} fs_calib_summary;

typedef struct fs_calib_opts {
    double link_rel_rms; /* the link fit's rms relative residual (band floor); 0: none */
    bool fit_gamma;      /* allow gamma when the data can tell it apart (default true) */
} fs_calib_opts;

/* Calibrate m (its calib[] and gamma_us_per_byte) from the points; m's
 * link(s) are the point-to-point fit.  Per point, when not NULL:
 * base_us[i] the uncalibrated model, model_us[i] the calibrated one,
 * cv_us[i] the out-of-sample one (leave-one-size-out; NAN with one size).
 * Returns 0, FS_EXIT_INPUT when no point can be used (n == 0 or no valid
 * time), FS_EXIT_RUNTIME when memory runs out. */
int fs_calibrate(fs_coll_model *m, const fs_calib_point *pts, size_t n, const fs_calib_opts *o,
                 fs_calib_summary *s, double *base_us, double *model_us, double *cv_us,
                 fs_err *err);

/* Without a point-to-point link: set m->inter to the one-segment link
 * that best reproduces the points (through the model, whatever its node
 * shape), then calibrate the band as above (efficiency 1, no overhead:
 * the link already holds them).  Same outputs and returns as fs_calibrate. */
int fs_calibrate_link(fs_coll_model *m, const fs_calib_point *pts, size_t n, fs_calib_summary *s,
                      double *model_us, double *cv_us, fs_err *err);

/* "median 4.1% (12 points, leave-one-size-out)" for messages. */
const char *fs_calib_error_str(const fs_calib_error *e, const char *kind, char *buf, size_t len);

#endif
