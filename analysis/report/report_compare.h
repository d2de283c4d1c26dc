/*
 * report_compare.h - the report's comparison of two or more inputs: the
 * first file is the baseline A, every other file B is compared with it
 * point by point (run_compare.h: matched runs, the headline statistic of
 * each kind, the noise the files' own spread and the run-to-run floor
 * explain).  A summary per matched run (id "comparison-summary") and the
 * ratio B/A at every size with whether the difference exceeds the noise
 * (id "comparison"), inside <section id="comparison">.
 */
#ifndef FS_REPORT_COMPARE_H
#define FS_REPORT_COMPARE_H

#include <stddef.h>

#include "diag.h"
#include "report_doc.h"
#include "report_names.h"
#include "results.h"

/* Nothing with fewer than two files.  0, or FS_EXIT_RUNTIME (memory). */
int fs_report_compare(fs_doc *d, const fs_results *r, size_t nr,
                      const char (*names)[FS_REPORT_NAME_LEN], fs_err *err);

#endif
