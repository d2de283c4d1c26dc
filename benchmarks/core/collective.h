/*
 * collective.h - the one implementation behind every collective benchmark:
 * the algorithm is the transport library's own ("native", tp->ops->coll)
 * or one of fabscale's (transports/collectives/, any transport); sizes are
 * rounded to whole elements and blocks; data is exact-sum and checked.
 *
 * A collective benchmark is one declaration,
 *     FS_COLLECTIVE_BENCH(allreduce, FS_COLL_ALLREDUCE, 2.0, "summary");
 * which defines fs_bench_allreduce, plus its line in benchmarks.c.
 *
 * All-to-all: the size is the whole send buffer of a rank (nccl-tests'
 * alltoall_perf; bytes/p per peer).  All-to-all-v: the size is a rank's
 * dispatch volume before routing, spread over the peers by the skew model
 * (--skew, common/skew.h; uniform by default) and rounded down to whole
 * elements per peer; a point records the mean bytes a rank actually sent
 * (capacity drops tokens), and its extra members the skew and the
 * imbalance (max over ranks of bytes sent or received / mean).
 */
#ifndef FS_COLLECTIVE_BENCH_H
#define FS_COLLECTIVE_BENCH_H

#include "bench.h"
#include "collectives.h"

/* Buffers for a point of `bytes`: the rounded vector, which is never more
 * than max(bytes, one float64 per rank). */
size_t fs_collbench_buffer(size_t bytes, int nranks, int window);
/* The same for op: alltoallv's worst rank receives up to nranks x bytes. */
size_t fs_collbench_buffer_op(fs_coll_op op, size_t bytes, int nranks, int window);
int fs_collbench_algorithm_ok(fs_bench_ctx *c, fs_coll_op op);
int fs_collbench_setup(fs_bench_ctx *c, fs_coll_op op);
void fs_collbench_teardown(fs_bench_ctx *c);
int fs_collbench_prepare(fs_bench_ctx *c);
int fs_collbench_iteration(fs_bench_ctx *c);
int fs_collbench_check(fs_bench_ctx *c);
const char *fs_collbench_algorithm_at(const fs_bench_ctx *c);
/* The bytes one iteration actually moves for c->bytes (rounded). */
size_t fs_collbench_bytes(const fs_bench_ctx *c, fs_coll_op op);
void fs_collbench_run_extra(const fs_bench_ctx *c, json_t *extra);
void fs_collbench_point_extra(const fs_bench_ctx *c, json_t *extra);

/*
 * Define `const fs_bench fs_bench_NAME` for operation OP.  busbw = algbw x
 * BUSBW (p-1)/p, the nccl-tests factor: 2 for all-reduce, 1 for
 * reduce-scatter, all-gather and all-to-all(v).  The wrappers only bind OP; setup stores
 * it for the calls that follow.
 */
#define FS_COLLECTIVE_BENCH(NAME, OP, BUSBW, SUMMARY)                                              \
    static int NAME##_algorithm_ok(fs_bench_ctx *c)                                                \
    {                                                                                              \
        return fs_collbench_algorithm_ok(c, OP);                                                   \
    }                                                                                              \
    static int NAME##_setup(fs_bench_ctx *c)                                                       \
    {                                                                                              \
        return fs_collbench_setup(c, OP);                                                          \
    }                                                                                              \
    static size_t NAME##_buffer(size_t bytes, int nranks, int window)                              \
    {                                                                                              \
        return fs_collbench_buffer_op(OP, bytes, nranks, window);                                  \
    }                                                                                              \
    static double NAME##_bytes(const fs_bench_ctx *c)                                              \
    {                                                                                              \
        return (double)fs_collbench_bytes(c, OP);                                                  \
    }                                                                                              \
    static double NAME##_busbw(int n)                                                              \
    {                                                                                              \
        return n > 1 ? (double)(BUSBW) * (n - 1) / n : 0.0;                                        \
    }                                                                                              \
    const fs_bench fs_bench_##NAME = {                                                             \
        .name = #NAME,                                                                             \
        .summary = SUMMARY,                                                                        \
        .participation = FS_BENCH_COLLECTIVE,                                                      \
        .metric = FS_METRIC_COLLECTIVE,                                                            \
        .min_ranks = 1,                                                                            \
        .has_algorithm = true,                                                                     \
        .time_scale = 1.0,                                                                         \
        .buffer_bytes = NAME##_buffer,                                                             \
        .setup = NAME##_setup,                                                                     \
        .teardown = fs_collbench_teardown,                                                         \
        .prepare = fs_collbench_prepare,                                                           \
        .iteration = fs_collbench_iteration,                                                       \
        .bytes_per_iter = NAME##_bytes,                                                            \
        .busbw_factor = NAME##_busbw,                                                              \
        .check = fs_collbench_check,                                                               \
        .algorithm_ok = NAME##_algorithm_ok,                                                       \
        .algorithm_at = fs_collbench_algorithm_at,                                                 \
        .run_extra = fs_collbench_run_extra,                                                       \
        .point_extra = fs_collbench_point_extra,                                                   \
    }

#endif
