/*
 * report_headline.h - the report's first screen: per input file, link and
 * instance type, what the interconnect does (latency, peak bandwidth, n1/2,
 * message rate, all-reduce busbw at a large size on the node counts asked)
 * and what it means for training (efficiency at the GPU counts asked, its
 * 95% band and the one term that limits it).
 *
 * fs_headline_build is pure apart from what the model calls it makes (no
 * file I/O: the caller loads the results and the catalogue).  Every number
 * comes from the same APIs `fabscale fit`, `predict` and `train` use:
 * fs_links_from_results per file (a link measured in one file never merges
 * with another file's), fs_model_build (calibrated by the file's own
 * collectives) and fs_train_step.
 */
#ifndef FS_REPORT_HEADLINE_H
#define FS_REPORT_HEADLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "collective_model.h"
#include "diag.h"
#include "predict.h"
#include "report_doc.h"
#include "report_names.h"
#include "results.h"
#include "train.h"

#define FS_HL_MAX 8 /* node counts, GPU counts and workloads, each */

typedef struct fs_headline_opts {
    const long *nodes; /* all-reduce busbw at these node counts; NULL: 2, 16, 128 */
    size_t nnodes;
    const long *gpus; /* training efficiency at these GPU counts; NULL: 64, 512, 4096 */
    size_t ngpus;
    const char *const *models; /* workload presets; NULL: llama2-70b, bert-large */
    size_t nmodels;
    const char *instance; /* instance type of files that do not record one; NULL */
    double busbw_bytes;   /* the all-reduce size; <= 0: 1 GiB */
    int osu_ranks;        /* rank count of collectives that do not record it */
} fs_headline_opts;

typedef struct fs_headline_train {
    const char *model;
    long gpus;
    double eff, lo, hi; /* NAN when not modelled (why says why) */
    fs_limit limit;
    char why[200];
} fs_headline_train;

typedef struct fs_headline_row {
    size_t file;                   /* index into the results */
    char name[FS_REPORT_NAME_LEN]; /* the file's short name */
    char link[400];                /* "mpi/mpi a<->b", or "derived from the collectives" */
    char instance[64];             /* "" unknown */
    double lat_us, lat_bytes;      /* measured p50 at the smallest latency size; NAN */
    double peak_GBps, n_half_bytes, msg_rate_Mps; /* NAN unknown */
    int ranks_per_node;                           /* the node shape busbw was modelled with */
    size_t nnodes;
    long nodes[FS_HL_MAX];
    double busbw[FS_HL_MAX], busbw_lo[FS_HL_MAX], busbw_hi[FS_HL_MAX];
    fs_algo algo[FS_HL_MAX];
    bool calibrated;
    double oos_median; /* the model's median |error| out of sample; NAN unknown */
    size_t ntrain;     /* nmodels x ngpus, model-major */
    fs_headline_train train[FS_HL_MAX * FS_HL_MAX];
    char note[FS_WARN_LEN + 200]; /* why training is not modelled, a same-host warning, "" */
} fs_headline_row;

/* One row per link of each file (one per file when a file holds only
 * collectives: its link derived from them).  names[i] names r[i]; cat may
 * be NULL (no training figures, a note says why).  *rows is malloc'ed.
 * 0, or FS_EXIT_RUNTIME (memory). */
int fs_headline_build(const fs_results *r, size_t nr, const char (*names)[FS_REPORT_NAME_LEN],
                      const fs_catalog *cat, const char *cat_error, const fs_headline_opts *o,
                      fs_headline_row **rows, size_t *n, fs_err *err);

/* The section: a network table (id "headline-network") and a training
 * table (id "headline-training"), inside <section id="headline">. */
void fs_headline_write(fs_doc *d, const fs_headline_row *rows, size_t n, const fs_headline_opts *o);

#endif
