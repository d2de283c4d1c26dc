/* benchmarks.c - the benchmarks compiled into fabscale-bench. */
#include "bench.h"

#include <string.h>

extern const fs_bench fs_bench_latency, fs_bench_bw, fs_bench_bibw, fs_bench_msgrate;
extern const fs_bench fs_bench_write_lat, fs_bench_write_bw;
extern const fs_bench fs_bench_allreduce, fs_bench_reduce_scatter, fs_bench_allgather;

const fs_bench *const fs_benches[] = {
    &fs_bench_latency,   &fs_bench_bw,
    &fs_bench_bibw,      &fs_bench_msgrate,
    &fs_bench_write_lat, &fs_bench_write_bw,
    &fs_bench_allreduce, &fs_bench_reduce_scatter,
    &fs_bench_allgather, NULL,
};

const fs_bench *fs_bench_find(const char *name)
{
    for (int i = 0; fs_benches[i]; i++)
        if (strcmp(fs_benches[i]->name, name) == 0) return fs_benches[i];
    return NULL;
}

const char *fs_metric_name(fs_metric m)
{
    static const char *const names[FS_METRIC_COUNT] = {
        [FS_METRIC_LATENCY] = "latency",
        [FS_METRIC_BANDWIDTH] = "bandwidth",
        [FS_METRIC_MESSAGE_RATE] = "message_rate",
        [FS_METRIC_COLLECTIVE] = "collective",
    };
    return (unsigned)m < FS_METRIC_COUNT ? names[m] : "?";
}
