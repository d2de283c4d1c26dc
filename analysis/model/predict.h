/*
 * predict.h - the model a prediction uses (fitted link, node shape, and
 * its calibration by measured collectives, calibrate.h), and the model's
 * error at every measured collective point, in and out of sample (how a
 * user knows whether to believe the extrapolation).  Pure: no I/O.
 */
#ifndef FS_PREDICT_H
#define FS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "calibrate.h"
#include "collective_model.h"
#include "link_fit.h"
#include "results.h"

#define FS_NO_LINK ((size_t)-1)

/* The model algorithm for a measured run's "algorithm" field: ring, rd,
 * rabenseifner, tree map to themselves; native / auto / anything else to
 * FS_ALGO_AUTO (the library picks; we compare with the fastest). */
fs_algo fs_algo_of_run(const char *algorithm);

/* The fitted link that models a run of file r: the one with the run's
 * transport and provider from the same file, else from any file; -1
 * (FS_NO_LINK) when no link was measured with that transport/provider. */
size_t fs_link_for_run(const fs_link_fit *links, size_t nl, const fs_results *r, const fs_run *run);

typedef struct fs_check {
    size_t file; /* index into the results array */
    const fs_run *run;
    const fs_point *point;
    size_t link; /* index of the link used */
    fs_collective coll;
    fs_algo algo, chosen;
    int ranks;
    double bytes;
    double measured_us;
    double model_us, rel_err;     /* calibrated model, in sample: (model - measured) / measured */
    double cv_us, cv_rel_err;     /* out of sample (leave-one-size-out); NAN when impossible */
    double base_us, base_rel_err; /* point-to-point only (uncalibrated); NAN without a link */
    double lo_us, hi_us;          /* the calibrated model's 95% band */
    double measured_busbw, model_busbw;
    bool from_p50; /* measured time is the p50 (else the mean) */
} fs_check;

/* Every measured allreduce / reduce_scatter / allgather point of known
 * rank count against the model, calibrated by the measured points of its
 * own link (calibrate.h) and cross-validated.  `base` is the model before
 * calibration (fs_model_info.base).  With force_base every run uses `base`
 * as it is (the user chose the link); otherwise `base` with its inter link
 * replaced by the run's own link (fs_link_for_run), and runs without one
 * are counted in *no_link.  A base without a link (inter.nseg == 0) gets
 * one derived from the points (fs_calibrate_link).  Runs without a rank
 * count use default_ranks when > 0, else are counted in *no_ranks.  *out
 * is malloc'ed. */
int fs_predict_check(const fs_results *r, size_t nr, const fs_link_fit *links, size_t nl,
                     const fs_coll_model *base, bool force_base, int default_ranks, fs_check **out,
                     size_t *n, size_t *no_ranks, size_t *no_link, fs_err *err);

typedef enum fs_check_error {
    FS_ERR_IN_SAMPLE,     /* rel_err */
    FS_ERR_OUT_OF_SAMPLE, /* cv_rel_err */
    FS_ERR_UNCALIBRATED   /* base_rel_err */
} fs_check_error;

/* Median of one kind of |error| over the checks of one run (all runs when
 * run is NULL); NAN when none. */
double fs_check_median_abs(const fs_check *c, size_t n, const fs_run *run, fs_check_error kind);

/*
 * A link that changed between the benchmarks.  The model is fitted to the
 * latency and bandwidth benchmarks and checked against collectives measured
 * later; on a shared or virtual machine the link may not be the same (this
 * 2-core VM's core-to-core latency runs at 0.15-0.25 or 0.5-0.7 us for
 * seconds at a time), and then the model's errors on that link measure the
 * change, not the model.  Two signs of it, per link:
 *  - probe: fabscale-bench records a short 8-byte ping-pong before and
 *    after every run (its `link_probe`).  When the probes of the latency
 *    and bandwidth runs the link was fitted to are more than
 *    FS_PROBE_SHIFT apart, the fit mixes two states of the link (during
 *    fit).  A collective run whose probe (ranks 0 and ranks/2, on the
 *    link's hosts by the file's rank_host) lies more than FS_PROBE_SHIFT
 *    beyond their range (above the slowest, below the fastest) ran on
 *    another link.  Probes on a quiet machine agree within 10-20 %; the two levels
 *    above are 2.2-2.8x apart.
 *  - faster than one message: a collective cannot finish before one
 *    message has crossed its link, so fabscale's own algorithms (not a
 *    library's "native" one, which may take another path, such as a
 *    shared-memory segment) cannot beat the fastest one-way latency the
 *    latency benchmark measured on the same link.  A point below
 *    FS_LINK_SHIFT of it (the fit's scatter, and overheads a ping-pong has
 *    and an exchange has not) says the link was faster then.  Files
 *    without probes (OSU, older fabscale) have only this sign, and only
 *    in one direction.
 */
#define FS_PROBE_SHIFT 1.5
#define FS_LINK_SHIFT  0.8
typedef enum fs_shift_kind {
    FS_SHIFT_DURING_FIT,      /* the probes of the fit's own runs apart */
    FS_SHIFT_PROBE,           /* a collective run's probe apart from the fit's runs' */
    FS_SHIFT_FASTER_THAN_LINK /* no probes: a collective faster than one message */
} fs_shift_kind;
typedef struct fs_link_shift {
    fs_shift_kind kind;
    size_t link;              /* index into the links */
    const fs_check *check;    /* a point of the run (probe), the point furthest below (faster
                                 than link); NULL (during fit) */
    double ref_us, ref_hi_us; /* probe and during fit: the least and the greatest probe of
                                 the fit's runs; faster than link: the link's fastest
                                 measured latency (both) */
    double ref_bytes;         /* the probe's size, or that latency's */
    double us;                /* probe: the collective run's probe furthest outside the
                                 range; faster than link: check->measured_us; else NAN */
    double ratio;             /* probe: us over the nearer end of the range; during fit:
                                 ref_hi_us / ref_us; faster than link: us / ref_us */
} fs_link_shift;

/* The shifts found in checks c[0..n) (of results r[0..nr)) on links
 * [0..nl): per link, during fit when so, then one about its collectives
 * (the probe's when there is one), at most max in all; returns how many. */
size_t fs_link_shifts(const fs_results *r, size_t nr, const fs_check *c, size_t n,
                      const fs_link_fit *links, size_t nl, fs_link_shift *out, size_t max);
/* The shift in words (what ran, what it was compared with, and what it
 * means for the model), without a "warning: " prefix. */
const char *fs_link_shift_str(const fs_link_shift *s, const fs_link_fit *links, char *buf,
                              size_t len);

/* How the command line shapes the model. */
typedef struct fs_model_opts {
    const char
        *link; /* NULL (default link), "N" (1-based), "TRANSPORT/PROVIDER", "ALPHA_US:GBPS" */
    int ranks_per_node;    /* hierarchical model: ranks per node (0/1: flat only) */
    int nics_per_node;     /* NICs those ranks share (0: 1) */
    double intra_GBps;     /* intra-node bandwidth; NAN: an intra-host link from the results */
    double intra_alpha_us; /* NAN: 0 */
    double reduce_GBps;    /* reduction throughput; NAN: gamma = 0 */
    /* Measured collectives that calibrate the model (NULL: none). */
    const fs_results *results;
    size_t nresults;
    int default_ranks;          /* rank count of runs that do not record it (OSU); 0: skip */
    struct fs_model_info *info; /* when not NULL, receives what the model rests on */
} fs_model_opts;

typedef struct fs_model_info {
    fs_coll_model base;      /* before calibration (inter.nseg == 0: derived link) */
    bool calibrated;         /* measured collectives calibrated the model */
    fs_calib_summary calib;  /* their errors in and out of sample */
    bool link_derived;       /* no point-to-point link: derived from the collectives */
    bool force_base;         /* every run is checked against this model (fs_predict_check) */
    const fs_link_fit *link; /* the fitted link standing for the network (points into the
                                links given); NULL for --link ALPHA:GBPS or a derived one */
    int max_measured_ranks;  /* largest measured rank count: collectives, else 2 (a fitted
                                pair), 0 (a given --link ALPHA_US:GBPS) */
} fs_model_info;

/* Build the model: *link_idx is the chosen link (FS_NO_LINK for a --link
 * ALPHA:GBPS link or a derived one), *intra_idx the link used inside a
 * node or FS_NO_LINK.  The default link is the first one between two
 * different hosts, else the first one.  When o->results hold measured
 * collectives on the chosen link (any, for --link ALPHA:GBPS), the model
 * returned is calibrated by them (m->calib[], gamma); without any
 * point-to-point link, measured collectives alone give a derived link.
 * Without collectives m->calib[] carries the link fit's band only.
 * Returns 0 or FS_EXIT_INPUT with the reason. */
int fs_model_build(const fs_link_fit *links, size_t nl, const fs_model_opts *o, fs_coll_model *m,
                   size_t *link_idx, size_t *intra_idx, fs_err *err);

#define FS_WARN_LEN 320
/* One line per reason not to trust predictions up to max_ranks ranks:
 * a same-host link standing for the network between nodes
 * (fs_link_same_host_for_network), rank counts beyond 16x the largest
 * measured one (fs_coll_extrapolation).  Returns the number of lines
 * written (at most max). */
size_t fs_model_warnings(const fs_model_info *info, const fs_coll_model *m, int max_ranks,
                         char (*lines)[FS_WARN_LEN], size_t max);

#endif
