/* results.h - fabscale-bench's side of the results document: the document
 * itself, its reader and writer are the common library's
 * (common/results_doc.h); here is what turns a measured point and a
 * launch's metadata into it, and the saves after every point. */
#ifndef FS_BENCH_RESULTS_H
#define FS_BENCH_RESULTS_H

#include <stdbool.h>
#include <stdio.h>

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

/* Before anything is measured, whether path can be written: its directory
 * exists and takes a new file (one is created and removed there, under the
 * name the atomic write uses), path is not a directory, and it does not
 * exist unless may_exist (--force, --append).  "-" (stdout) always passes.
 * Returns 0, or -1 with one line naming path and the reason in why. */
int fs_bench_output_check(const char *path, bool may_exist, char *why, size_t len);

/* One output file (--output or --csv) and what became of its writes. */
typedef struct fs_bench_output {
    const char *path;    /* NULL: not asked for */
    bool csv;            /* CSV rows instead of the JSON document */
    bool failing;        /* the last write failed (said once, on log) */
    char fallback[4200]; /* where the results went instead, "" if nowhere */
    /* JSON between points: the file is written whole once, then only its
     * runs are rewritten in place, from the first byte that changed
     * (meta, thousands of ranks' hosts, bindings and topologies, is not
     * serialised again until the final write).  The file is valid JSON
     * after every write. */
    int fd;       /* the file, open for in-place writes; 0 or -1 when not */
    char *head;   /* text before the runs array */
    char *region; /* the runs array and what follows it, as on disk */
    size_t head_len, region_len;
    unsigned long ino; /* the file written (a file replaced meanwhile is rewritten whole) */
    size_t last_bytes; /* bytes the last write put to disk (tests) */
} fs_bench_output;

/* Write doc (meta.complete as the caller set it) to out->path: whole and
 * atomically (temporary file, rename) the first time and when final;
 * between, only the runs, in place (see fs_bench_output).  A failing
 * write keeps the results in memory (the document) and says so on log the
 * first time; when final, the results go to a fallback file instead
 * (fs_bench_output_fallback_path) and log names it.  Returns 0 when the
 * results are on disk at out->path or at out->fallback, -1 otherwise. */
int fs_bench_output_write(fs_bench_output *out, fs_results *doc, bool final, FILE *log);

/* Close what fs_bench_output_write keeps open between points. */
void fs_bench_output_close(fs_bench_output *out);

/* Where the results of path go when path cannot be written:
 * dir/fabscale-bench.PID.BASENAME, dir being $TMPDIR (or /tmp) for
 * attempt 0 and the working directory for attempt 1.  Pure. */
void fs_bench_output_fallback_path(const char *path, const char *tmpdir, long pid, int attempt,
                                   char *out, size_t len);

#endif
