/*
 * report.h - `fabscale report`: a readable report (Markdown + one
 * self-contained HTML page) with gnuplot charts when gnuplot is installed
 * and the same numbers as tables always.  Its first screen answers the
 * buyer's question (report_headline.h); with several inputs a comparison
 * follows; then the evidence.
 */
#ifndef FS_REPORT_H
#define FS_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

typedef struct fs_report_opts {
    const char *dir;   /* created when missing */
    const char *title; /* NULL: "fabscale report" */
    bool charts;       /* false: tables only */
    int osu_ranks;     /* rank count for collectives that do not record it */
    /* the first screen (NULL / 0: report_headline.h's defaults) */
    const long *nodes; /* all-reduce busbw at these node counts */
    size_t nnodes;
    const long *gpus; /* training efficiency at these GPU counts */
    size_t ngpus;
    const char *const *models; /* workload presets */
    size_t nmodels;
    const char *instance; /* instance type of files that do not record one */
    double busbw_bytes;   /* all-reduce size of the headline busbw */
} fs_report_opts;

#define FS_REPORT_MAX_FILES 64

typedef struct fs_report_out {
    size_t nfiles;
    char files[FS_REPORT_MAX_FILES][64]; /* written, relative to dir */
    int charts;                          /* charts drawn */
    char note[512];                      /* why charts were not drawn, or "" */
} fs_report_out;

int fs_report_write(const fs_report_opts *o, const fs_results *r, size_t nr, fs_report_out *out,
                    fs_err *err);

#endif
