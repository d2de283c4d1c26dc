/*
 * collectives.h - all-reduce, reduce-scatter, all-gather and all-to-all(v)
 * written once over
 * the transport interface's point-to-point calls (transport.h), so the same
 * code runs over MPI, libfabric shm/tcp/efa and the unit tests' fake transport.
 *
 * Algorithms: fs_coll_algorithms, one file each (collectives_<name>.c says
 * how it works and what it costs, per Thakur, Rabenseifner & Gropp 2005).
 * The recursive ones fold a rank count that is not a power of two
 * (collectives_impl.h, fs_fold), so every algorithm runs at any p.
 *
 * Vector convention: coll_types.h (`count` is the whole vector).  For
 * reduce-scatter, all-gather and all-to-all count must be a multiple of p
 * (fs_coll_round_count).  All-to-all-v runs through fs_coll_run_v, which
 * hands the algorithm its layout in c->v.
 *
 * Registry: each algorithm file exports one fs_coll_algorithm and
 * collectives_registry.c lists them; names, --help, refusals, `auto`'s
 * fallback and the unit tests iterate that list, so a new algorithm is its
 * file plus one line there.
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

#include "transport.h" /* and coll_types.h */

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
    /* All-to-all-v: the layout of the call in progress (fs_coll_run_v),
     * NULL otherwise. */
    const fs_coll_v *v;
    fs_req rreq[2][FS_COLL_MAX_CHUNKS];
    fs_req sreq[FS_COLL_MAX_TX];
} fs_coll;

/* One operation by one algorithm: count is the whole vector, as in
 * fs_coll_run; every buffer lies in its mr. */
typedef int (*fs_coll_fn)(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt);

/* What an algorithm file exports. */
typedef struct fs_coll_algorithm {
    const char *name;             /* as given to --algorithm */
    const char *summary;          /* one line for --help */
    fs_coll_fn run[FS_COLL_NOPS]; /* indexed by fs_coll_op; NULL: no form for it */
    /* Optional: can it run op on nranks ranks?  0, or FS_EINPUT with one
     * line in why.  NULL: any rank count (the operations it has). */
    int (*usable)(fs_coll_op op, int nranks, char *why, size_t whylen);
} fs_coll_algorithm;

/* The algorithms compiled in, NULL-terminated (collectives_registry.c). */
extern const fs_coll_algorithm *const fs_coll_algorithms[];

/* Register scratch for vectors of up to max_bytes.  Returns 0 or a
 * negative FS_E* code with tp->errmsg set. */
int fs_coll_init(fs_coll *c, fs_transport *tp, size_t max_bytes);
void fs_coll_fini(fs_coll *c);

/* The ranks rank talks to in the algorithms compiled in, for
 * fs_transport_connect: every other rank when all (all-to-all), else the
 * ring's neighbours r+-1 and the log-step partners r xor 2^k and r+-2^k
 * mod p (recursive doubling and halving, Bruck, the binomial tree's parent
 * and children): O(log p) of them, a symmetric set.  out holds p - 1.
 * Returns how many, each once, in increasing order.  Pure. */
int fs_coll_peers(int rank, int p, bool all, int *out);

/* Run one collective; every rank calls it with the same op, alg, count
 * and dtype.  alg NULL is `auto`: fs_coll_auto picks (the same way on every
 * rank).  Returns 0 or a negative FS_E* code (message in c->tp->errmsg). */
int fs_coll_run(fs_coll *c, fs_coll_op op, const fs_coll_algorithm *alg, const void *sbuf,
                fs_mr *smr, void *rbuf, fs_mr *rmr, size_t count, fs_coll_dtype dt);

/* All-to-all-v: every rank calls it with the same alg and dt and its own
 * row of a consistent layout (coll_types.h).  Buffers lie in their mrs. */
int fs_coll_run_v(fs_coll *c, const fs_coll_algorithm *alg, const void *sbuf, fs_mr *smr,
                  void *rbuf, fs_mr *rmr, const fs_coll_v *v, fs_coll_dtype dt);

/* The algorithm `auto` runs for this op, vector size and rank count, on a
 * transport that injects messages up to inject_size bytes (NULL only when
 * no algorithm compiled in can run op at nranks). */
const fs_coll_algorithm *fs_coll_auto(fs_coll_op op, size_t bytes, int nranks, size_t inject_size);

/* The algorithm fs_coll_run(c, op, alg, ..., count, dt) runs: alg, or
 * auto's pick for NULL (what a benchmark records per point). */
const fs_coll_algorithm *fs_coll_choice(const fs_coll *c, fs_coll_op op,
                                        const fs_coll_algorithm *alg, size_t count,
                                        fs_coll_dtype dt);

/* Whether alg (NULL: auto) can run op at nranks; 0, or FS_EINPUT with a
 * line in why naming the algorithms that would. */
int fs_coll_alg_ok(fs_coll_op op, const fs_coll_algorithm *alg, int nranks, char *why,
                   size_t whylen);

/* alg's name, "auto" for NULL. */
const char *fs_coll_alg_name(const fs_coll_algorithm *alg);
/* 0 and *alg set (NULL for "auto"), or -1 for an unknown name. */
int fs_coll_alg_parse(const char *name, const fs_coll_algorithm **alg);
/* "a, b, c or auto": the algorithms that have a form for op (every one
 * for op FS_COLL_NOPS) other than except, then auto.  Returns buf. */
const char *fs_coll_alg_list(int op, const fs_coll_algorithm *except, char *buf, size_t len);

/* The element count a request of `bytes` becomes: bytes / element size,
 * rounded down to a multiple of nranks for reduce-scatter, all-gather and
 * all-to-all, and at least one element (one per rank) so every size runs.
 * All-to-all-v: the uniform layout's (what a skewed one moves is the
 * benchmark's business). */
size_t fs_coll_round_count(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks);
/* The same in bytes: what the benchmark actually moves. */
size_t fs_coll_round_bytes(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks);

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
/* P such that element i + P has every rank's value of element i: expected
 * sums computed for P consecutive elements serve the whole vector. */
size_t fs_coll_value_period(fs_coll_dtype dt, int nranks);
/* All-to-all: element j of the block rank src sends rank dst, an integer
 * below 251 (exact in every type) that depends on src, dst and j, so a
 * block from the wrong rank, for the wrong rank or at the wrong offset
 * shows. */
double fs_a2a_value(fs_coll_dtype dt, int src, int dst, size_t j);
/* n elements of that block into buf. */
void fs_a2a_fill(fs_coll_dtype dt, void *buf, size_t n, int src, int dst);
/* Element i of buf as a double. */
double fs_coll_get(fs_coll_dtype dt, const void *buf, size_t i);

#endif
