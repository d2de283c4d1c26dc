/*
 * collective.h - what the allreduce, reduce_scatter and allgather
 * descriptors share: choosing between the MPI library ("native", transport
 * mpi) and fabscale's own algorithms (transports/collectives.h, any
 * transport), rounding the size, exact-sum data and its check.  Each
 * descriptor file binds these to its operation.
 */
#ifndef FS_COLLECTIVE_BENCH_H
#define FS_COLLECTIVE_BENCH_H

#include "bench.h"
#include "collectives.h"

/* Buffers for a point of `bytes`: the rounded vector, which is never more
 * than max(bytes, one float64 per rank). */
size_t fs_collbench_buffer(size_t bytes, int nranks, int window);
int fs_collbench_algorithm_ok(fs_bench_ctx *c, fs_coll_op op);
int fs_collbench_setup(fs_bench_ctx *c, fs_coll_op op);
void fs_collbench_teardown(fs_bench_ctx *c);
int fs_collbench_prepare(fs_bench_ctx *c, fs_coll_op op);
int fs_collbench_iteration(fs_bench_ctx *c, fs_coll_op op);
int fs_collbench_check(fs_bench_ctx *c, fs_coll_op op);
/* The bytes one iteration actually moves for c->bytes (rounded). */
size_t fs_collbench_bytes(const fs_bench_ctx *c, fs_coll_op op);
fs_coll_dtype fs_collbench_dtype(fs_dtype t);

#endif
