/*
 * fs_rte.h - the runtime seam: who the ranks are and the few collectives
 * the measurement core and the transports' bootstrap need between timed
 * loops (never inside them).
 *
 * Modelled on UCX libperf's ucx_perf_rte: the harness, the sweep, the
 * watchdog, the metadata and the libfabric bootstrap are written against
 * this table, so one program can run them over MPI (benchmarks/core/rte_mpi.c,
 * what fabscale-bench launches with) and a unit test over threads of one
 * process (tests/bench/rte_threads.c).  It lives in common/ because both the
 * benchmarks and the transports include it; it has no MPI in it.
 *
 * Conventions
 *  - Every rank calls each collective, in the same order, with the same
 *    len / n / root.  Buffers of different calls must not alias (in != out).
 *  - root is a rank, or FS_RTE_ALL: every rank receives the result
 *    (gather becomes allgather, reduce becomes allreduce).
 *  - Collectives return 0, or -1 when the runtime failed (an MPI
 *    implementation usually aborts the job first).
 */
#ifndef FS_RTE_H
#define FS_RTE_H

#include <stddef.h>
#include <stdlib.h>

#define FS_RTE_ALL (-1)

typedef struct fs_rte fs_rte;

typedef enum fs_rte_op { FS_RTE_SUM, FS_RTE_MIN, FS_RTE_MAX } fs_rte_op;

/* A value tagged with the rank it came from (MPI_DOUBLE_INT's layout). */
typedef struct fs_rte_loc {
    double value;
    int rank;
} fs_rte_loc;

typedef struct fs_rte_ops {
    const char *name; /* "mpi", "threads" */
    int (*barrier)(fs_rte *rte);
    /* root's len bytes of buf to every rank's buf. */
    int (*bcast)(fs_rte *rte, void *buf, size_t len, int root);
    /* Rank r's len bytes of mine land at all + r * len (on root, or on
     * every rank for FS_RTE_ALL); all holds size * len bytes. */
    int (*gather)(fs_rte *rte, const void *mine, void *all, size_t len, int root);
    /* Elementwise op over the ranks' n doubles of in, into out. */
    int (*reduce)(fs_rte *rte, const double *in, double *out, size_t n, fs_rte_op op, int root);
    /* Elementwise maximum with the rank it came from; on a tie the lowest
     * rank wins (MPI_MAXLOC). */
    int (*maxloc)(fs_rte *rte, const fs_rte_loc *in, fs_rte_loc *out, size_t n, int root);
    /* End every rank of the job with exit status code; msg (may be NULL)
     * is printed first.  May be called from any thread (the watchdog). */
    void (*abort)(fs_rte *rte, int code, const char *msg);
    /* The runtime library's version line for the results, or NULL. */
    const char *(*library_version)(fs_rte *rte);
} fs_rte_ops;

struct fs_rte {
    const fs_rte_ops *ops;
    int rank, size; /* fixed for the life of the runtime */
    void *priv;     /* implementation state */
};

static inline int fs_rte_barrier(fs_rte *rte)
{
    return rte->ops->barrier(rte);
}

static inline int fs_rte_bcast(fs_rte *rte, void *buf, size_t len, int root)
{
    return rte->ops->bcast(rte, buf, len, root);
}

static inline int fs_rte_allgather(fs_rte *rte, const void *mine, void *all, size_t len)
{
    return rte->ops->gather(rte, mine, all, len, FS_RTE_ALL);
}

static inline int fs_rte_gather(fs_rte *rte, const void *mine, void *all, size_t len, int root)
{
    return rte->ops->gather(rte, mine, all, len, root);
}

static inline int fs_rte_reduce(fs_rte *rte, const double *in, double *out, size_t n, fs_rte_op op,
                                int root)
{
    return rte->ops->reduce(rte, in, out, n, op, root);
}

static inline int fs_rte_maxloc(fs_rte *rte, const fs_rte_loc *in, fs_rte_loc *out, size_t n,
                                int root)
{
    return rte->ops->maxloc(rte, in, out, n, root);
}

static inline void fs_rte_abort(fs_rte *rte, int code, const char *msg)
{
    rte->ops->abort(rte, code, msg);
    abort(); /* an implementation that returns has failed to end the job */
}

#endif
