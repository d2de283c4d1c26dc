/*
 * results.h - measurements in memory, whatever file they came from.
 *
 * fs_results_load() reads a fabscale JSON file (schema fabscale.results/1),
 * OSU Micro-Benchmarks 7.x text output, nccl-tests 2.x text output or its
 * -J JSON, detecting the format from the content.  Everything becomes runs
 * of points in the fabscale vocabulary (benchmarks latency, bw, bibw,
 * msgrate, allreduce, reduce_scatter, allgather, ...).  Absent numbers are
 * NAN, absent strings NULL, absent counts 0.
 */
#ifndef FS_RESULTS_H
#define FS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct fs_stats {
    double min, p50, mean, p90, p99, max, stdev, ci95;
} fs_stats;

typedef struct fs_point {
    double bytes;
    double iterations;
    int converged; /* 1, 0, or -1 unknown */
    fs_stats time_us;
    double bandwidth_GBps, msg_rate_Mps, algbw_GBps, busbw_GBps;
    int slowest_rank; /* -1 unknown */
    int line;         /* source line for text formats, else 0 */
} fs_point;

typedef struct fs_run {
    char *benchmark; /* never NULL */
    char *transport; /* "mpi", "ofi"; "nccl" for nccl-tests */
    char *provider, *fabric, *domain, *algorithm, *dtype;
    int ranks, pairs, window;
    char *peer_hosts[2];
    bool validated;
    bool in_place; /* nccl-tests in-place columns */
    char *source;  /* file an imported run came from ("imported_from"), else NULL */
    size_t npoints;
    fs_point *points;
} fs_run;

typedef struct fs_meta {
    char *version, *command, *start_time, *instance_type, *cpu_model, *mpi_library,
        *libfabric_version;
    int ranks;
    size_t nhosts;
    char **hosts;
    bool complete;
} fs_meta;

typedef enum fs_format {
    FS_FORMAT_FABSCALE,
    FS_FORMAT_OSU,
    FS_FORMAT_NCCL_TEXT,
    FS_FORMAT_NCCL_JSON
} fs_format;

typedef struct fs_results {
    char *path;
    fs_format format;
    fs_meta meta;
    size_t nruns;
    fs_run *runs;
} fs_results;

/* Read and parse one file.  Returns 0, FS_EXIT_INPUT (bad content: the
 * message names path, line and why) or FS_EXIT_RUNTIME (cannot read). */
int fs_results_load(const char *path, fs_results *out, fs_err *err);
/* Parse text already in memory; `path` is only used in messages. */
int fs_results_parse(const char *text, size_t len, const char *path, fs_results *out, fs_err *err);
void fs_results_free(fs_results *r);
const char *fs_format_name(fs_format f);

/* Load several files; on error frees what was loaded.  *out is an array of
 * n results to free with fs_results_free_all. */
int fs_results_load_all(char *const *paths, size_t n, fs_results **out, fs_err *err);
void fs_results_free_all(fs_results *r, size_t n);

/* Serialise to fabscale.results/1 (used by `fabscale import`). */
char *fs_results_to_json(const fs_results *r, size_t n);

#endif
