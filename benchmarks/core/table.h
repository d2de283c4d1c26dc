/* table.h - the table on stdout.  fabscale's own (the median first, then
 * extras) or, with --format osu, OSU 7.x's exact preamble, headers, column
 * widths and averages, so `diff` against osu_latency / osu_bw output works. */
#ifndef FS_BENCH_TABLE_H
#define FS_BENCH_TABLE_H

#include <stdio.h>

#include "harness.h"

/* The OSU Micro-Benchmarks release whose output --format osu reproduces. */
#define FS_OSU_FORMAT_VERSION "7.4"

typedef enum fs_table_format { FS_TABLE_FABSCALE, FS_TABLE_OSU } fs_table_format;

/* title: one line describing the run (transport, provider, ranks). */
void fs_bench_table_header(FILE *out, const fs_bench *b, const char *title);
void fs_bench_table_row(FILE *out, const fs_bench *b, const fs_bench_point *p);

/* OSU's preamble and header for the benchmark OSU has for b (osu_latency,
 * osu_bw, osu_bibw, osu_mbw_mr, osu_allreduce, osu_reduce_scatter,
 * osu_allgather); c gives pairs, window and datatype.  A benchmark OSU has
 * no twin for gets a "# fabscale-bench NAME" title over the same columns. */
void fs_bench_table_osu_header(FILE *out, const fs_bench *b, const fs_bench_ctx *c);
/* One row as OSU prints it: the average (the mean iteration time), not the
 * median: latency in us, bandwidth in MB/s (10^6 bytes/s) from the mean
 * iteration, osu_mbw_mr's MB/s and messages/s.  Sizes are OSU's: for
 * allgather each process's contribution (fabscale's bytes / c->nranks). */
void fs_bench_table_osu_row(FILE *out, const fs_bench *b, const fs_bench_ctx *c,
                            const fs_bench_point *p);

#endif
