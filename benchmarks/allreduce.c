/* allreduce.c - every rank ends with the sum of all ranks' vectors.
 * busbw = algbw * 2(n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

#define OP FS_COLL_ALLREDUCE

static int allreduce_ok(fs_bench_ctx *c)
{
    return fs_collbench_algorithm_ok(c, OP);
}
static int allreduce_setup(fs_bench_ctx *c)
{
    return fs_collbench_setup(c, OP);
}
static int allreduce_prepare(fs_bench_ctx *c)
{
    return fs_collbench_prepare(c, OP);
}
static int allreduce_iteration(fs_bench_ctx *c)
{
    return fs_collbench_iteration(c, OP);
}
static int allreduce_check(fs_bench_ctx *c)
{
    return fs_collbench_check(c, OP);
}
static double allreduce_bytes(const fs_bench_ctx *c)
{
    return (double)fs_collbench_bytes(c, OP);
}
static double allreduce_busbw(int n)
{
    return n > 1 ? 2.0 * (n - 1) / n : 0.0;
}

const fs_bench fs_bench_allreduce = {
    .name = "allreduce",
    .summary = "sum over all ranks, every rank gets the whole vector (MPI_Allreduce)",
    .kind = FS_BENCH_COLLECTIVE,
    .min_ranks = 1,
    .has_algorithm = true,
    .time_scale = 1.0,
    .buffer_bytes = fs_collbench_buffer,
    .setup = allreduce_setup,
    .teardown = fs_collbench_teardown,
    .prepare = allreduce_prepare,
    .iteration = allreduce_iteration,
    .bytes_per_iter = allreduce_bytes,
    .busbw_factor = allreduce_busbw,
    .check = allreduce_check,
    .algorithm_ok = allreduce_ok,
};
