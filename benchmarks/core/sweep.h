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

typedef struct fs_sweep_env {
    const fs_options *opt;
    fs_harness *harness;
    const fs_hostmap *hosts;
    fs_results *doc; /* rank 0: the results document */
    double t_launch; /* for progress */
    fs_rte *rte;
} fs_sweep_env;

/* Returns 0 or a negative FS_E* code; on failure errmsg holds the line to
 * print (on rank 0, the message of the lowest failing rank). */
int fs_sweep_run(fs_sweep_env *env, fs_transport *tp, const fs_bench *b, const char *algorithm,
                 char *errmsg, size_t len);

/* Rank 0: write the JSON (and CSV) outputs; complete marks the last write. */
int fs_sweep_save(const fs_sweep_env *env, bool complete, char *errmsg, size_t len);

#endif
