/*
 * results.h - measurements in memory, whatever file they came from.
 *
 * fs_results_load() reads a fabscale JSON file (schema fabscale.results/1),
 * OSU Micro-Benchmarks 5.x-7.x text output, nccl-tests 2.x text output or
 * its -J JSON, or the table fabscale-bench prints, as launchers wrote them
 * (mpirun/srun line prefixes are removed first), detecting the format from the content (the readers
 * are rows of one table, readers.c).  Everything becomes runs of points in the fabscale vocabulary
 * (common/results_doc.h: benchmarks latency, bw, bibw, msgrate, allreduce, reduce_scatter,
 * allgather, ...).
 */
#ifndef FS_ANALYSIS_RESULTS_H
#define FS_ANALYSIS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "results_doc.h"

/* The readers, in the order of their rows (fs_results.format). */
typedef enum fs_format {
    FS_FORMAT_FABSCALE,
    FS_FORMAT_OSU,
    FS_FORMAT_NCCL_TEXT,
    FS_FORMAT_NCCL_JSON,
    FS_FORMAT_FABSCALE_TEXT
} fs_format;

/* Read and parse one file.  Returns 0, FS_EXIT_INPUT (bad content: the
 * message names path, line and why) or FS_EXIT_RUNTIME (cannot read).
 * Warnings (a table cut short, rows OSU marked Fail) go to stderr as
 * "fabscale: warning: path:line: ..." and into the affected runs' notes. */
int fs_results_load(const char *path, fs_results *out, fs_err *err);
/* Parse text already in memory; `path` is only used in messages.
 * Warnings only go to the runs' notes. */
int fs_results_parse(const char *text, size_t len, const char *path, fs_results *out, fs_err *err);
/* The name of the reader that produced a results (its row's name). */
const char *fs_format_name(int format);
/* "fabscale JSON, OSU Micro-Benchmarks 7.x text, ..." from the reader table. */
const char *fs_format_list(void);
/* One block per reader for --help: name, description, what is read. */
void fs_format_help(FILE *f);

/* OSU collectives do not print their rank count; once it is known (the
 * launcher command in a job log, or --osu-ranks), their runs take it here:
 * run->ranks is set, osu_allgather's and osu_alltoall's per-process Size
 * becomes fabscale's bytes (x ranks: the whole gathered vector; the whole
 * send buffer of a rank, as nccl-tests' alltoall_perf) with OSU's value
 * kept as the point's "osu_size", and algbw / busbw are filled (busbw =
 * algbw x 2(p-1)/p for all-reduce, (p-1)/p for the others).  Other runs
 * are left alone.  0 or FS_EXIT_RUNTIME (memory). */
int fs_osu_set_ranks(fs_run *run, int ranks, fs_err *err);

/* Load several files; on error frees what was loaded.  *out is an array of
 * n results to free with fs_results_free_all. */
int fs_results_load_all(char *const *paths, size_t n, fs_results **out, fs_err *err);
void fs_results_free_all(fs_results *r, size_t n);

/* Serialise to fabscale.results/1 (used by `fabscale import`): runs of
 * fabscale files as they were (every member kept); runs of other formats
 * say where they came from ("imported_from"). */
char *fs_results_to_json(const fs_results *r, size_t n);

#endif
