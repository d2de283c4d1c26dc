/* reduce_scatter.c - rank r ends with block r of the sum (n blocks).
 * busbw = algbw * (n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

#define OP FS_COLL_REDUCE_SCATTER

static int reduce_scatter_ok(fs_bench_ctx *c)
{
    return fs_collbench_algorithm_ok(c, OP);
}
static int reduce_scatter_setup(fs_bench_ctx *c)
{
    return fs_collbench_setup(c, OP);
}
static int reduce_scatter_prepare(fs_bench_ctx *c)
{
    return fs_collbench_prepare(c, OP);
}
static int reduce_scatter_iteration(fs_bench_ctx *c)
{
    return fs_collbench_iteration(c, OP);
}
static int reduce_scatter_check(fs_bench_ctx *c)
{
    return fs_collbench_check(c, OP);
}
static double reduce_scatter_bytes(const fs_bench_ctx *c)
{
    return (double)fs_collbench_bytes(c, OP);
}
static double reduce_scatter_busbw(int n)
{
    return n > 1 ? (double)(n - 1) / n : 0.0;
}

const fs_bench fs_bench_reduce_scatter = {
    .name = "reduce_scatter",
    .summary = "sum over all ranks, rank r gets block r (MPI_Reduce_scatter_block)",
    .kind = FS_BENCH_COLLECTIVE,
    .min_ranks = 1,
    .has_algorithm = true,
    .time_scale = 1.0,
    .buffer_bytes = fs_collbench_buffer,
    .setup = reduce_scatter_setup,
    .teardown = fs_collbench_teardown,
    .prepare = reduce_scatter_prepare,
    .iteration = reduce_scatter_iteration,
    .bytes_per_iter = reduce_scatter_bytes,
    .busbw_factor = reduce_scatter_busbw,
    .check = reduce_scatter_check,
    .algorithm_ok = reduce_scatter_ok,
};
