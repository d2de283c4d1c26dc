/* benchmarks.c - the benchmarks compiled into fabscale-bench. */
#include "bench.h"

#include <string.h>

/* A new benchmark is its file (benchmarks/<name>.c, exporting
 * fs_bench_<name>) and one X(name) line here; the order is --help's. */
#define FS_BENCHMARKS(X)                                                                           \
    X(latency)                                                                                     \
    X(bw)                                                                                          \
    X(bibw)                                                                                        \
    X(msgrate)                                                                                     \
    X(write_lat)                                                                                   \
    X(write_bw)                                                                                    \
    X(allreduce)                                                                                   \
    X(reduce_scatter)                                                                              \
    X(allgather)                                                                                   \
    X(alltoall)                                                                                    \
    X(alltoallv)

#define DECLARE(name) extern const fs_bench fs_bench_##name;
#define ENTRY(name)   &fs_bench_##name,

FS_BENCHMARKS(DECLARE)

const fs_bench *const fs_benches[] = {FS_BENCHMARKS(ENTRY) NULL};

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
