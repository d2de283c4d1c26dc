/*
 * bench.h - what a benchmark is: a descriptor the harness drives.
 *
 * The harness (harness.c) is written once: it allocates and registers the
 * buffers, pairs the ranks, warms up, runs timed iterations until the mean
 * is known to the requested precision or the per-size budget is spent,
 * aggregates samples across ranks, validates, and records the point.  A
 * benchmark file (latency.c, bw.c, ...) only says how to run one iteration,
 * how much it moves, and how to check what arrived - the nccl-tests model.
 */
#ifndef FS_BENCH_H
#define FS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"

/* How ranks take part. */
typedef enum fs_bench_participation {
    /* Ranks [0, n/2) are initiators paired with [n/2, 2*(n/2)); with an odd
     * rank count the last rank idles.  Only initiators' clocks are used. */
    FS_BENCH_PAIRS,
    /* Every rank takes part; an iteration lasts as long as the slowest rank. */
    FS_BENCH_COLLECTIVE,
} fs_bench_participation;

/* What a benchmark measures: its headline figure, which decides the
 * table's columns and what analysis does with the run. */
typedef enum fs_metric {
    FS_METRIC_LATENCY,      /* one message's time (half a round trip) */
    FS_METRIC_BANDWIDTH,    /* bytes per second with a window in flight */
    FS_METRIC_MESSAGE_RATE, /* messages per second, every pair at once */
    FS_METRIC_COLLECTIVE,   /* a collective's time, algbw and busbw */
} fs_metric;
enum { FS_METRIC_COUNT = FS_METRIC_COLLECTIVE + 1 };

/* "latency", "bandwidth", "message_rate", "collective"; "?" otherwise. */
const char *fs_metric_name(fs_metric m);

/* Which side of a pair receives the payload (for the generic --validate). */
enum {
    FS_RECV_INITIATOR = 1u << 0,
    FS_RECV_RESPONDER = 1u << 1,
};

/* Element types for collectives: coll_types.h's, under the names the
 * harness already uses. */
typedef fs_coll_dtype fs_dtype;
#define FS_FLOAT32  FS_COLL_FLOAT32
#define FS_FLOAT64  FS_COLL_FLOAT64
#define FS_BFLOAT16 FS_COLL_BFLOAT16

/* Per-run, per-size state handed to a benchmark.  The harness owns every
 * field except `state`, which belongs to the benchmark's setup/teardown. */
typedef struct fs_bench_ctx {
    fs_transport *tp;
    int rank, nranks;
    /* Pairs: the peer rank (-1 when idle) and which side this rank is. */
    int peer;
    bool initiator;
    int pairs; /* number of active pairs */
    /* This point. */
    size_t bytes; /* message (p2p) or per-rank vector (collective) size */
    int window;   /* messages in flight per iteration (bw, bibw, msgrate) */
    /* Buffers of buf_bytes each, registered with tp (smr/rmr). */
    void *sbuf, *rbuf;
    fs_mr *smr, *rmr;
    size_t buf_bytes;
    fs_req *reqs; /* 2*window + 2 request slots */
    /* RMA: rkeys[r] is rank r's rbuf, filled by the harness when needs_rma. */
    fs_rkey *rkeys;
    /* Collectives. */
    const char *algorithm; /* from --algorithm; "native": tp->ops->coll */
    fs_dtype dtype;
    const char *skew; /* alltoallv: --skew SPEC (common/skew.h), NULL = uniform */
    void *state;      /* benchmark-owned */
    /* A benchmark that fails writes one line here (and returns < 0). */
    char *errmsg;
    size_t errmsg_len;
} fs_bench_ctx;

typedef struct fs_bench {
    const char *name;    /* as given to --bench */
    const char *summary; /* one line for --help */
    fs_bench_participation participation;
    fs_metric metric;
    bool windowed;       /* honours --window */
    bool all_pairs;      /* every pair runs (msgrate); else only the first pair */
    bool needs_rma;      /* needs tp->caps.rma */
    int min_ranks;       /* 2 for pairs */
    bool has_algorithm;  /* runs once per --algorithm entry */
    double time_scale;   /* sample multiplier: 0.5 for half round trip, else 1 */
    unsigned recv_sides; /* FS_RECV_* for the generic validation, 0 = use check() */
    /* Buffer bytes for a point of `bytes` (NULL: bytes). Called with the
     * largest size once per run, so buffers are allocated once. */
    size_t (*buffer_bytes)(size_t bytes, int nranks, int window);
    /* Optional, untimed: once per run and once per size. */
    int (*setup)(fs_bench_ctx *c);
    void (*teardown)(fs_bench_ctx *c);
    int (*prepare)(fs_bench_ctx *c); /* per size, before warm-up */
    /* One timed iteration.  Returns 0 or a negative FS_E* code. */
    int (*iteration)(fs_bench_ctx *c);
    /* Payload bytes and messages one pair (or the collective) moves per
     * iteration; used for bandwidth and message rate. */
    double (*bytes_per_iter)(const fs_bench_ctx *c);
    double (*msgs_per_iter)(const fs_bench_ctx *c);
    /* nccl-tests bus-bandwidth factor (collectives), NULL for p2p. */
    double (*busbw_factor)(int nranks);
    /* Optional custom validation after a validation iteration: returns 0,
     * or -1 with a message naming the rank pair / offset. */
    int (*check)(fs_bench_ctx *c);
    /* Optional: may this algorithm run here?  0, or FS_EINPUT + errmsg. */
    int (*algorithm_ok)(fs_bench_ctx *c);
    /* Optional: the algorithm that runs at this point (after prepare):
     * `auto`'s choice at c->bytes, else c->algorithm.  Same on every rank. */
    const char *(*algorithm_at)(const fs_bench_ctx *c);
    /* Optional, rank 0: members of the run's object (after setup) and of
     * each point's (after the point) that the results table does not model,
     * e.g. alltoallv's skew and imbalance. */
    void (*run_extra)(const fs_bench_ctx *c, json_t *extra);
    void (*point_extra)(const fs_bench_ctx *c, json_t *extra);
} fs_bench;

/* The registry of benchmarks compiled into fabscale-bench (benchmarks.c). */
extern const fs_bench *const fs_benches[];
const fs_bench *fs_bench_find(const char *name);

/* Payload pattern for validation: deterministic in (seed, offset). */
void fs_pattern_fill(void *buf, size_t len, uint32_t seed);
/* Returns the first mismatching offset, or (size_t)-1 when all match. */
size_t fs_pattern_check(const void *buf, size_t len, uint32_t seed);
uint32_t fs_pattern_seed(int sender_rank, size_t bytes);

/* Format a benchmark error into c->errmsg and return FS_ERUNTIME. */
int fs_bench_fail(fs_bench_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
