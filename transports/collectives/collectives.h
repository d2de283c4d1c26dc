/*
 * collectives.h - all-reduce, reduce-scatter and all-gather written once over
 * the transport interface's point-to-point calls (transport.h), so the same
 * code runs over MPI, libfabric shm/tcp/efa and the unit tests' fake transport.
 *
 * Algorithms (costs per Thakur, Rabenseifner & Gropp 2005; p ranks, n bytes):
 *   ring          reduce-scatter + all-gather around a ring, each step split
 *                 into chunks so a chunk is forwarded while the next arrives:
 *                 2(p-1) steps, 2(p-1)/p*n bytes sent per rank (bandwidth-optimal)
 *   rd            recursive doubling: lg p full-vector exchanges (latency-optimal)
 *   rabenseifner  reduce-scatter by recursive halving + all-gather by
 *                 recursive doubling: 2 lg p steps, 2(p-1)/p*n bytes
 *   tree          binomial reduce (or gather) to rank 0 + binomial broadcast
 * Non-power-of-two rank counts fold to p' = 2^floor(lg p) ranks for rd and
 * rabenseifner: ranks 2i and 2i+1 (i < p-p') merge before the power-of-two
 * part and the even one gets its result after it (one extra exchange each).
 *
 * Vector convention (the nccl-tests one): `count` is the whole vector's
 * element count for every operation.  all-reduce: every rank holds `count`
 * elements in and out.  reduce-scatter: `count` in, block `rank` of count/p
 * out.  all-gather: count/p in, `count` out.  For reduce-scatter and
 * all-gather count must be a multiple of p (fs_coll_round_count).
 *
 * Every buffer handed to the transport lies in a registered fs_mr: the
 * caller's sbuf/rbuf with their mrs, and the context's scratch, registered
 * once by fs_coll_init.  No call allocates memory.
 */
#ifndef FS_COLLECTIVES_H
#define FS_COLLECTIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"

typedef enum fs_coll_op {
    FS_COLL_ALLREDUCE,
    FS_COLL_REDUCE_SCATTER,
    FS_COLL_ALLGATHER,
} fs_coll_op;

typedef enum fs_coll_alg {
    FS_ALG_AUTO,
    FS_ALG_RING,
    FS_ALG_RD,
    FS_ALG_RABENSEIFNER,
    FS_ALG_TREE,
    FS_ALG_COUNT,
} fs_coll_alg;

/* Element types; bfloat16 is stored as uint16 and summed in float. */
typedef enum fs_coll_dtype {
    FS_COLL_FLOAT32,
    FS_COLL_FLOAT64,
    FS_COLL_BFLOAT16,
} fs_coll_dtype;

/* Limits of the ring pipeline: request slots are fixed-size arrays. */
enum { FS_COLL_MAX_CHUNKS = 16, FS_COLL_MAX_TX = 32 };

/* Tags used by the collectives: bit 30 set, so they never meet the
 * point-to-point benchmarks' small tags. */
#define FS_COLL_TAG_BIT 0x40000000u

typedef struct fs_coll {
    fs_transport *tp;
    int rank, nranks;
    /* Scratch for received partial vectors, registered with tp. */
    void *scratch;
    fs_mr *scratch_mr;
    size_t scratch_bytes;
    size_t max_bytes; /* largest vector (bytes) a call may pass */
    /* Ring pipeline: target chunk size (1 MiB; whole blocks on shm; the
     * environment's FS_COLL_CHUNK=BYTES overrides) and the bounds that cap
     * the chunk count. */
    size_t chunk_bytes;
    int max_chunks; /* chunks per step, from rx_depth */
    int tx_limit;   /* outstanding sends, from tx_depth */
    uint32_t seq;   /* call counter, folded into tags */
    fs_req rreq[2][FS_COLL_MAX_CHUNKS];
    fs_req sreq[FS_COLL_MAX_TX];
} fs_coll;

/* Register scratch for vectors of up to max_bytes.  Returns 0 or a
 * negative FS_E* code with tp->errmsg set. */
int fs_coll_init(fs_coll *c, fs_transport *tp, size_t max_bytes);
void fs_coll_fini(fs_coll *c);

/* Run one collective; every rank calls it with the same op, alg (after
 * auto is resolved the same way everywhere), count and dtype.  alg
 * FS_ALG_AUTO picks by fs_coll_auto.  Returns 0 or a negative FS_E* code
 * (message in c->tp->errmsg). */
int fs_coll_run(fs_coll *c, fs_coll_op op, fs_coll_alg alg, const void *sbuf, fs_mr *smr,
                void *rbuf, fs_mr *rmr, size_t count, fs_coll_dtype dt);

/* The algorithm `auto` runs for this op, vector size and rank count, on a
 * transport that injects messages up to inject_size bytes. */
fs_coll_alg fs_coll_auto(fs_coll_op op, size_t bytes, int nranks, size_t inject_size);

/* Whether alg can run op at nranks; 0, or FS_EINPUT with a line in why
 * naming the algorithm that would. */
int fs_coll_alg_ok(fs_coll_op op, fs_coll_alg alg, int nranks, char *why, size_t whylen);

/* Names: "ring", "rd", "rabenseifner", "tree", "auto". */
const char *fs_coll_alg_name(fs_coll_alg alg);
/* 0 and *alg set, or -1 for an unknown name. */
int fs_coll_alg_parse(const char *name, fs_coll_alg *alg);
const char *fs_coll_op_name(fs_coll_op op);
const char *fs_coll_dtype_name(fs_coll_dtype dt);
size_t fs_coll_dtype_size(fs_coll_dtype dt);

/* The element count a request of `bytes` becomes: bytes / element size,
 * rounded down to a multiple of nranks for reduce-scatter and all-gather,
 * and at least one element (one per rank) so every size runs. */
size_t fs_coll_round_count(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks);
/* The same in bytes: what the benchmark actually moves. */
size_t fs_coll_round_bytes(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks);

/* dst[i] = a[i] + b[i] for n elements.  dst may be a or b itself but must
 * not partially overlap either. */
void fs_coll_sum(fs_coll_dtype dt, void *dst, const void *a, const void *b, size_t n);

/* bfloat16 <-> float (round to nearest even; NaN stays NaN). */
float fs_bf16_to_float(uint16_t h);
uint16_t fs_float_to_bf16(float f);

/*
 * Validation data: rank r's contribution to element i of the vector is a
 * small non-negative integer, bounded so that every partial sum over any
 * subset of p ranks, in any order, is exact in the type (bfloat16: <= 256).
 */
/* Fill n elements of buf with rank's values for global elements first..first+n-1. */
void fs_coll_fill(fs_coll_dtype dt, void *buf, size_t n, size_t first, int rank, int nranks);
/* Exact value of element i as contributed by rank, and summed over all ranks. */
double fs_coll_value(fs_coll_dtype dt, size_t i, int rank, int nranks);
double fs_coll_sum_value(fs_coll_dtype dt, size_t i, int nranks);
/* Element i of buf as a double. */
double fs_coll_get(fs_coll_dtype dt, const void *buf, size_t i);

#endif
