/*
 * predict.h - collective predictions from fitted links, and the model's
 * error at every measured collective point (how a user knows whether to
 * believe the extrapolation).  Pure: no I/O.
 */
#ifndef FS_PREDICT_H
#define FS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

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
    double measured_us, model_us, rel_err; /* (model - measured) / measured */
    double measured_busbw, model_busbw;
    bool from_p50; /* measured time is the p50 (else the mean) */
} fs_check;

/* Every measured allreduce / reduce_scatter / allgather point of known
 * rank count against the model.  With force_base every run uses `base` as
 * it is (the user chose the link); otherwise `base` with its inter link
 * replaced by the run's own link (fs_link_for_run), and runs without one
 * are counted in *no_link.  Runs without a rank count use default_ranks
 * when > 0, else are counted in *no_ranks.  *out is malloc'ed. */
int fs_predict_check(const fs_results *r, size_t nr, const fs_link_fit *links, size_t nl,
                     const fs_coll_model *base, bool force_base, int default_ranks, fs_check **out,
                     size_t *n, size_t *no_ranks, size_t *no_link, fs_err *err);

/* Median of |rel_err| over the checks of one run (for summaries). */
double fs_check_median_abs(const fs_check *c, size_t n, const fs_run *run);

/* How the command line shapes the model. */
typedef struct fs_model_opts {
    const char
        *link; /* NULL (default link), "N" (1-based), "TRANSPORT/PROVIDER", "ALPHA_US:GBPS" */
    int ranks_per_node;    /* hierarchical model: ranks per node (0/1: flat only) */
    int nics_per_node;     /* NICs those ranks share (0: 1) */
    double intra_GBps;     /* intra-node bandwidth; NAN: an intra-host link from the results */
    double intra_alpha_us; /* NAN: 0 */
    double reduce_GBps;    /* reduction throughput; NAN: gamma = 0 */
} fs_model_opts;

/* Build the model: *link_idx is the chosen link (FS_NO_LINK for a --link
 * ALPHA:GBPS link), *intra_idx the link used inside a node or FS_NO_LINK.
 * The default link is the first one between two different hosts, else the
 * first one.  Returns 0 or FS_EXIT_INPUT with the reason. */
int fs_model_build(const fs_link_fit *links, size_t nl, const fs_model_opts *o, fs_coll_model *m,
                   size_t *link_idx, size_t *intra_idx, fs_err *err);

#endif
