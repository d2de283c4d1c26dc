/* results.h - the fabscale.results/1 document: build, write atomically, CSV. */
#ifndef FS_RESULTS_H
#define FS_RESULTS_H

#include <stdbool.h>

#include <jansson.h>

#include "harness.h"

#define FS_RESULTS_SCHEMA "fabscale.results/1"

/* New document around meta (reference stolen). */
json_t *fs_results_new(json_t *meta);

/* Point object for the "points" array; absent quantities become null. */
json_t *fs_point_json(const fs_point *p);

/* Write doc to path atomically (temporary file in the same directory, then
 * rename), with meta.complete set as given.  Returns 0 or -1 with errmsg. */
int fs_results_write(json_t *doc, const char *path, bool complete, char *errmsg, size_t len);

/* Write every point of doc as CSV rows, atomically. */
int fs_results_write_csv(json_t *doc, const char *path, char *errmsg, size_t len);

/* Load an existing results file for --append; NULL with errmsg when it is
 * not a fabscale.results/1 document. */
json_t *fs_results_load(const char *path, char *errmsg, size_t len);

#endif
