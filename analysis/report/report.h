/*
 * report.h - `fabscale report`: a readable report (Markdown + one
 * self-contained HTML page) with gnuplot charts when gnuplot is installed
 * and the same numbers as tables always.
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
} fs_report_opts;

#define FS_REPORT_MAX_FILES 16

typedef struct fs_report_out {
    size_t nfiles;
    char files[FS_REPORT_MAX_FILES][64]; /* written, relative to dir */
    int charts;                          /* charts drawn */
    char note[512];                      /* why charts were not drawn, or "" */
} fs_report_out;

int fs_report_write(const fs_report_opts *o, const fs_results *r, size_t nr, fs_report_out *out,
                    fs_err *err);

#endif
