/*
 * coll_types.h - what a collective is, below any way of running it: the
 * operations, the element types and their sums.  Shared by a transport's
 * own (library) collectives, transport.h's optional `coll` op, and
 * fabscale's algorithms above the transport (collectives/).
 *
 * Vector convention (the nccl-tests one): `count` is the whole vector's
 * element count for every operation.  all-reduce: every rank holds `count`
 * elements in and out.  reduce-scatter: `count` in, block `rank` of count/p
 * out.  all-gather: count/p in, `count` out.
 */
#ifndef FS_COLL_TYPES_H
#define FS_COLL_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef enum fs_coll_op {
    FS_COLL_ALLREDUCE,
    FS_COLL_REDUCE_SCATTER,
    FS_COLL_ALLGATHER,
} fs_coll_op;
enum { FS_COLL_NOPS = FS_COLL_ALLGATHER + 1 };

/* Element types; bfloat16 is stored as uint16 and summed in float. */
typedef enum fs_coll_dtype {
    FS_COLL_FLOAT32,
    FS_COLL_FLOAT64,
    FS_COLL_BFLOAT16,
} fs_coll_dtype;
enum { FS_COLL_NDTYPES = FS_COLL_BFLOAT16 + 1 };

/* "allreduce", "reduce_scatter", "allgather" (the benchmarks' names). */
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
