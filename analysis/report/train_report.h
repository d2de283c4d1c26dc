/*
 * train_report.h - the "Training efficiency" section of `fabscale report`:
 * efficiency vs GPU count for a few workload presets on the link fitted
 * from the report's results and the instance type they were measured on,
 * as a table and (with gnuplot) a chart.
 *
 * report.c calls it once, after its other sections:
 *     fs_train_report_section(&d, o->dir, R.out->charts ? R.gnuplot : NULL, r, nr, NULL, out, err);
 * (gnuplot NULL: table only).  It writes the section into the document,
 * the chart's files into dir (listed in out->files, counted in
 * out->charts), and when the results cannot support it (no instance type,
 * no fitted link) a paragraph saying what to give instead.
 */
#ifndef FS_TRAIN_REPORT_H
#define FS_TRAIN_REPORT_H

#include <stddef.h>

#include "diag.h"
#include "report.h"
#include "report_doc.h"
#include "results.h"

typedef struct fs_train_report_opts {
    const char *instance;      /* catalogue type; NULL: the results' meta.instance_type */
    const char *const *models; /* NULL: resnet50, bert-large, llama2-70b, gpt3-175b */
    size_t nmodels;
    const long *gpus; /* NULL: 8, 16, ..., 8192 */
    size_t ngpus;
    double min_eff; /* the floor drawn on the chart; 0: 0.9 */
} fs_train_report_opts;

/* 0, or FS_EXIT_RUNTIME when a file cannot be written or gnuplot fails. */
int fs_train_report_section(fs_doc *d, const char *dir, const char *gnuplot, const fs_results *r,
                            size_t nr, const fs_train_report_opts *o, fs_report_out *out,
                            fs_err *err);

#endif
