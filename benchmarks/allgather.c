/* allgather.c - every rank ends with every rank's block.
 * busbw = algbw * (n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

#define OP FS_COLL_ALLGATHER

static int allgather_ok(fs_bench_ctx *c)
{
    return fs_collbench_algorithm_ok(c, OP);
}
static int allgather_setup(fs_bench_ctx *c)
{
    return fs_collbench_setup(c, OP);
}
static int allgather_prepare(fs_bench_ctx *c)
{
    return fs_collbench_prepare(c, OP);
}
static int allgather_iteration(fs_bench_ctx *c)
{
    return fs_collbench_iteration(c, OP);
}
static int allgather_check(fs_bench_ctx *c)
{
    return fs_collbench_check(c, OP);
}
static double allgather_bytes(const fs_bench_ctx *c)
{
    return (double)fs_collbench_bytes(c, OP);
}
static double allgather_busbw(int n)
{
    return n > 1 ? (double)(n - 1) / n : 0.0;
}

const fs_bench fs_bench_allgather = {
    .name = "allgather",
    .summary = "every rank gets every rank's block (MPI_Allgather)",
    .kind = FS_BENCH_COLLECTIVE,
    .min_ranks = 1,
    .has_algorithm = true,
    .time_scale = 1.0,
    .buffer_bytes = fs_collbench_buffer,
    .setup = allgather_setup,
    .teardown = fs_collbench_teardown,
    .prepare = allgather_prepare,
    .iteration = allgather_iteration,
    .bytes_per_iter = allgather_bytes,
    .busbw_factor = allgather_busbw,
    .check = allgather_check,
    .algorithm_ok = allgather_ok,
};
