/*
 * coll_types.h - what a collective is, below any way of running it: the
 * operations, the element types and their sums.  Shared by a transport's
 * own (library) collectives, transport.h's optional `coll` op, and
 * fabscale's algorithms above the transport (collectives/).
 *
 * Vector convention (the nccl-tests one): `count` is the whole vector's
 * element count for every operation.  all-reduce: every rank holds `count`
 * elements in and out.  reduce-scatter: `count` in, block `rank` of count/p
 * out.  all-gather: count/p in, `count` out.  all-to-all: `count` in and out,
 * block d (count/p elements) of the input goes to rank d and block s of the
 * output came from rank s (nccl-tests' alltoall_perf: the size is the whole
 * send buffer).  all-to-all-v: per-peer counts and displacements (fs_coll_v).
 */
#ifndef FS_COLL_TYPES_H
#define FS_COLL_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef enum fs_coll_op {
    FS_COLL_ALLREDUCE,
    FS_COLL_REDUCE_SCATTER,
    FS_COLL_ALLGATHER,
    FS_COLL_ALLTOALL,
    FS_COLL_ALLTOALLV,
} fs_coll_op;
enum { FS_COLL_NOPS = FS_COLL_ALLTOALLV + 1 };

/* The layout of an all-to-all-v (MPI_Alltoallv's arguments), in elements:
 * this rank sends scounts[d] elements from sdispls[d] to rank d and
 * receives rcounts[s] elements at rdispls[s] from rank s; nranks entries
 * each.  Every rank's rcounts[s] equals rank s's scounts[rank]. */
typedef struct fs_coll_v {
    const size_t *scounts, *sdispls, *rcounts, *rdispls;
} fs_coll_v;

/* Element types; bfloat16 is stored as uint16 and summed in float. */
typedef enum fs_coll_dtype {
    FS_COLL_FLOAT32,
    FS_COLL_FLOAT64,
    FS_COLL_BFLOAT16,
} fs_coll_dtype;
enum { FS_COLL_NDTYPES = FS_COLL_BFLOAT16 + 1 };

/* "allreduce", "reduce_scatter", "allgather", "alltoall", "alltoallv" (the
 * benchmarks' names). */
const char *fs_coll_op_name(fs_coll_op op);
const char *fs_coll_dtype_name(fs_coll_dtype dt);
size_t fs_coll_dtype_size(fs_coll_dtype dt);

/* dst[i] = a[i] + b[i] for n elements.  dst may be a or b itself but must
 * not partially overlap either. */
void fs_coll_sum(fs_coll_dtype dt, void *dst, const void *a, const void *b, size_t n);

/* bfloat16 <-> float (round to nearest even; NaN stays NaN). */
float fs_bf16_to_float(uint16_t h);
uint16_t fs_float_to_bf16(float f);

#endif
