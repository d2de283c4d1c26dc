/* table.h - the OSU-style table on stdout (diffable against osu_latency). */
#ifndef FS_BENCH_TABLE_H
#define FS_BENCH_TABLE_H

#include <stdio.h>

#include "harness.h"

/* title: one line describing the run (transport, provider, ranks). */
void fs_bench_table_header(FILE *out, const fs_bench *b, const char *title);
void fs_bench_table_row(FILE *out, const fs_bench *b, const fs_bench_point *p);

#endif
