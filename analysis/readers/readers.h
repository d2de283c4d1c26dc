/*
 * readers.h - the format readers behind fs_results_parse(), and the
 * helpers they share to build runs and points.  Internal to the library.
 */
#ifndef FS_READERS_H
#define FS_READERS_H

#include <jansson.h>

#include "results.h"

/* What every reader gets: the text (for line numbers) and where to put
 * the runs. */
typedef struct fs_src {
    const char *text;
    size_t len;
    const char *path;
} fs_src;

int fs_read_fabscale_json(const fs_src *s, json_t *root, fs_results *out, fs_err *err);
int fs_read_nccl_json(const fs_src *s, json_t *root, fs_results *out, fs_err *err);
int fs_read_osu(const fs_src *s, fs_results *out, fs_err *err);
int fs_read_nccl_text(const fs_src *s, fs_results *out, fs_err *err);

/* Content sniffing for text: a "# OSU ... Test" title; an nccl-tests header. */
int fs_looks_like_osu(const char *text, size_t len);
int fs_looks_like_nccl_text(const char *text, size_t len);
/* nccl-tests -J output: an object with "results" and no "schema". */
int fs_looks_like_nccl_json(json_t *root);

/* Building results.  All return NULL (and set err) when memory runs out. */
fs_run *fs_results_new_run(fs_results *r, const char *benchmark, fs_err *err);
fs_point *fs_run_new_point(fs_run *run, fs_err *err);
void fs_point_clear(fs_point *p);
char *fs_strdup(const char *s);
int fs_oom(fs_err *err);

/* The nccl-tests program name ("all_reduce_perf", "./build/all_gather_perf")
 * as a fabscale benchmark name, or NULL when it is not a collective we know. */
const char *fs_nccl_benchmark(const char *program);
/* Element size of an nccl-tests type name, 0 when unknown. */
int fs_nccl_type_size(const char *type);
/* nccl-tests type names in fabscale's vocabulary (float -> float32 ...). */
const char *fs_nccl_dtype(const char *type);
/* The collective a row describes when the program name is unknown:
 * from the size / (count * type size) ratio, redop and root. */
const char *fs_nccl_guess_benchmark(double size, double count, const char *type, const char *redop,
                                    long root);

#endif
