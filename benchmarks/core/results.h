/* results.h - fabscale-bench's side of the results document: the document
 * itself, its reader and writer are the common library's
 * (common/results_doc.h); here is what turns a measured point and a
 * launch's metadata into it, and the saves after every point. */
#ifndef FS_BENCH_RESULTS_H
#define FS_BENCH_RESULTS_H

#include <stdbool.h>

#include <jansson.h>

#include "harness.h"
#include "results_doc.h"

/* A new document around the launch's metadata (meta is read through the
 * field table and released).  NULL when memory runs out. */
fs_results *fs_bench_results_new(json_t *meta);

/* For --append: an existing fabscale.results/1 file; NULL with errmsg when
 * it cannot be read or is not one. */
fs_results *fs_bench_results_load(const char *path, char *errmsg, size_t len);

/* Record a later launch's metadata in an appended document: the file keeps
 * its own meta, and this launch's goes to meta.appended (reference stolen). */
void fs_bench_results_add_launch(fs_results *doc, json_t *meta);

void fs_bench_results_free(fs_results *doc);

/* The measured point as the document holds it. */
void fs_bench_point_to_result(const fs_bench_point *in, fs_point *out);

/* Write doc to json (meta.complete set as given) and, when csv is not
 * NULL, its points as CSV; either may be NULL.  Atomic (temporary file,
 * then rename).  Returns 0 or -1 with errmsg. */
int fs_bench_results_save(fs_results *doc, const char *json, const char *csv, bool complete,
                          char *errmsg, size_t len);

#endif
