/* harness.h - measure one point (one benchmark at one size) across ranks. */
#ifndef FS_HARNESS_H
#define FS_HARNESS_H

#include <stdbool.h>

#include <mpi.h>

#include "bench.h"
#include "stats.h"

typedef struct fs_harness_cfg {
    double precision;     /* target ci95/mean */
    double time_per_size; /* seconds */
    long min_iters, max_iters;
    long fixed_iters; /* > 0: exactly this many */
    long warmup;      /* < 0: default by size */
    bool validate;
} fs_harness_cfg;

typedef struct fs_bench_point {
    size_t bytes;
    long iterations;
    long warmup;
    bool converged;
    fs_stats time_us;
    double bandwidth_GBps, msg_rate_Mps; /* NAN when not applicable */
    double algbw_GBps, busbw_GBps;
    int slowest_rank;
    double elapsed_s;
} fs_bench_point;

/* Scratch the harness reuses between points (allocated once per run). */
typedef struct fs_harness {
    MPI_Comm comm;
    int rank, nranks;
    double *local;    /* this rank's samples for one batch */
    double *arrive;   /* when this rank entered each iteration of the batch */
    double *tmax;     /* root: samples reduced with MPI_MAX */
    void *reduced;    /* root: arrivals reduced with MPI_MAXLOC (double_int) */
    void *contrib;    /* arrivals tagged with this rank (double_int) */
    double *samples;  /* root: every aggregated sample of the point */
    long *slow_count; /* root: per rank, how often it was the slowest */
    long capacity;    /* samples' size */
    /* Set when the last point failed on this rank alone, inside an
     * iteration: peers may be blocked on it, so the job must be aborted. */
    bool failed_alone;
} fs_harness;

int fs_harness_init(fs_harness *h, MPI_Comm comm, long max_iters);
void fs_harness_fini(fs_harness *h);

/* Run warm-up, timed iterations and (if asked) validation of b at c->bytes.
 * Collective over h->comm.  The result is valid on rank 0 (and its
 * `iterations` everywhere).  Returns 0, or a negative FS_E* code with the
 * message in c->errmsg on the ranks that failed. */
int fs_harness_point(fs_harness *h, const fs_bench *b, fs_bench_ctx *c, const fs_harness_cfg *cfg,
                     fs_bench_point *out);

/* Whether this rank's clock counts for the benchmark's iteration time. */
bool fs_harness_is_timer(const fs_bench *b, const fs_bench_ctx *c);

double fs_now_s(void);

#endif
