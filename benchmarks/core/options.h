/* options.h - fabscale-bench command line. */
#ifndef FS_OPTIONS_H
#define FS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "bench.h"
#include "sizes.h"

#define FS_MAX_LIST 16

typedef struct fs_options {
    const char *transports[FS_MAX_LIST];
    int ntransports;
    const char *providers[FS_MAX_LIST]; /* for transport ofi; NULL entry = first RDM */
    int nproviders;
    const fs_bench *benches[FS_MAX_LIST];
    int nbenches;
    const char *algorithms[FS_MAX_LIST];
    int nalgorithms;
    const char *fabric, *domain;
    const char *nics; /* --nics all|LIST (ofi): one endpoint per NIC; NULL = one endpoint */
    fs_sizes sizes;
    fs_dtype dtype;
    const char *skew; /* alltoallv's --skew SPEC (common/skew.h), NULL = uniform */
    /* Harness. */
    double precision;     /* target: the median's 95% interval / median */
    double time_per_size; /* seconds of timed iterations per size */
    double min_time;      /* seconds of timed iterations before precision may stop */
    long min_iters, max_iters;
    bool min_iters_given; /* --min-iters: a floor the budget does not cut */
    long fixed_iters;     /* > 0: exactly this many, no adaptivity */
    long warmup;          /* warm-up iterations (at most 10% of the budget) */
    int window;
    bool validate;
    bool emulate_efa;
    bool quick;       /* pairwise: ring + log2 N rounds, then confirm suspects */
    double timeout;   /* watchdog seconds, 0 = off */
    const char *bind; /* core | none */
    /* Output. */
    const char *output, *csv;
    bool force, append;
    bool quiet;   /* no progress on stderr */
    int format;   /* fs_table_format: fabscale's table or OSU's */
    int progress; /* fs_progress_mode (--quiet: none) */
    /* Modes. */
    bool list_providers, json;
    /* Storage the string lists above point into. */
    char storage[4096];
} fs_options;

enum { FS_OPT_RUN = 0, FS_OPT_EXIT_OK = 1, FS_OPT_BAD = -1 };

/* Parse argv into o.  FS_OPT_EXIT_OK after --help/--version (printed to
 * out); FS_OPT_BAD with a one-line reason in why. */
int fs_options_parse(int argc, char **argv, fs_options *o, char *why, size_t whylen,
                     void *out /* FILE* */);

void fs_options_usage(void *out /* FILE* */);

#endif
