/* sweep.h - one run: a benchmark (and algorithm) over every size on one
 * transport instance, streaming table rows, progress and results. */
#ifndef FS_SWEEP_H
#define FS_SWEEP_H

#include <jansson.h>

#include "fs_rte.h"
#include "harness.h"
#include "metadata.h"
#include "options.h"
#include "results.h"
#include "status.h"

typedef struct fs_sweep_env {
    const fs_options *opt;
    fs_harness *harness;
    const fs_hostmap *hosts;
    fs_results *doc; /* rank 0: the results document */
    double t_launch; /* for progress */
    fs_rte *rte;
    /* Rank 0: --output and --csv, and what became of their writes. */
    fs_bench_output json_out, csv_out;
    fs_status *status; /* rank 0: the status line (NULL: none) */
} fs_sweep_env;

/* Returns 0 or a negative FS_E* code; on failure errmsg holds the line to
 * print (on rank 0, the message of the lowest failing rank). */
int fs_sweep_run(fs_sweep_env *env, fs_transport *tp, const fs_bench *b, const char *algorithm,
                 char *errmsg, size_t len);

/* Rank 0: write the JSON (and CSV) outputs with meta.complete as given,
 * after a point.  A write that fails is said once on stderr and the
 * results stay in the document for fs_sweep_save_final: nothing is left
 * for the caller to report, so this returns 0 (errmsg is kept for
 * callers written when it could fail). */
int fs_sweep_save(fs_sweep_env *env, bool complete, char *errmsg, size_t len);

/* Rank 0: the launch's last write (or the watchdog's): an output that
 * cannot be written sends the results to a fallback file, named on
 * stderr.  Returns 0 when every asked-for output is on disk somewhere, -1
 * otherwise. */
int fs_sweep_save_final(fs_sweep_env *env, bool complete);

/* Where the JSON results are (the fallback when --output failed), or NULL. */
const char *fs_sweep_json_path(const fs_sweep_env *env);

#endif
