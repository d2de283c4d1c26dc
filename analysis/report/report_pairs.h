/*
 * report_pairs.h - the "Cluster screen" section of `fabscale report`: for
 * each pairwise run in the results (fabscale-bench --bench pairwise), the
 * pair matrix as a heatmap (gnuplot) with the suspects that `fabscale
 * screen` names marked on it, and their evidence as a table.
 *
 * report.c calls it through
 *     a row of report_sections.c (first screen)
 * (gnuplot NULL: tables only).  Results without a pairwise run add nothing.
 */
#ifndef FS_REPORT_PAIRS_H
#define FS_REPORT_PAIRS_H

#include <stddef.h>

#include "diag.h"
#include "report.h"
#include "report_doc.h"
#include "results.h"

/* 0, or FS_EXIT_RUNTIME when a file cannot be written or gnuplot fails. */
int fs_report_pairs_section(fs_doc *d, const char *dir, const char *gnuplot, const fs_results *r,
                            size_t nr, fs_report_out *out, fs_err *err);

#endif
