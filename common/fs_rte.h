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
 *  - Progress hooks: a transport whose provider needs the application to
 *    drive it (libfabric's manual progress: tcp;ofi_rxm, EFA RDM) registers
 *    one with fs_rte_add_progress.  A runtime calls every hook while it
 *    waits in a collective, so bytes a provider still holds for a peer
 *    (an injected send it could not write to its socket yet) leave while
 *    this rank sits in a barrier; otherwise the peer waits for them forever.
 *    Hooks run on the calling thread, never inside a timed loop.
 *  - Heartbeat: whatever completes an operation (a transport reading a
 *    completion, an MPI request finishing, an iteration ending, a runtime
 *    collective returning) calls fs_rte_heartbeat().  fabscale-bench's
 *    watchdog counts these, so progress is measured in completions: a
 *    rank inside one long iteration (64 messages of 4 MiB on a slow link)
 *    is seen to progress as each message completes.
 */
#ifndef FS_RTE_H
#define FS_RTE_H

#include <stdatomic.h>
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
    /* Variable sizes (MPI_Gatherv): rank r's lens[r] bytes of mine land at
     * all + displs[r].  Every rank passes its own length as len; lens and
     * displs (size entries) are read only where data lands (root, or every
     * rank for FS_RTE_ALL) and may be NULL elsewhere.  May be NULL in a
     * runtime: fs_rte_gatherv then falls back to fixed slots of the
     * longest length over gather. */
    int (*gatherv)(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                   const size_t *displs, int root);
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

/* Drive a transport's endpoint once, without blocking. */
typedef void (*fs_rte_progress_fn)(void *arg);

/* Endpoints one process may have open at once with hooks registered. */
#define FS_RTE_MAX_PROGRESS 4

struct fs_rte {
    const fs_rte_ops *ops;
    int rank, size; /* fixed for the life of the runtime */
    void *priv;     /* implementation state */
    /* Registered progress hooks (fs_rte_add_progress), nprogress in use. */
    struct {
        fs_rte_progress_fn fn;
        void *arg;
    } progress[FS_RTE_MAX_PROGRESS];
    int nprogress;
};

/* Register fn(arg) to be called while the runtime waits.  0, or -1 when
 * FS_RTE_MAX_PROGRESS hooks are registered already. */
static inline int fs_rte_add_progress(fs_rte *rte, fs_rte_progress_fn fn, void *arg)
{
    if (rte->nprogress >= FS_RTE_MAX_PROGRESS) return -1;
    rte->progress[rte->nprogress].fn = fn;
    rte->progress[rte->nprogress].arg = arg;
    rte->nprogress++;
    return 0;
}

/* Unregister what fs_rte_add_progress(rte, fn, arg) registered (before
 * arg goes away). */
static inline void fs_rte_remove_progress(fs_rte *rte, fs_rte_progress_fn fn, void *arg)
{
    for (int i = 0; i < rte->nprogress; i++) {
        if (rte->progress[i].fn != fn || rte->progress[i].arg != arg) continue;
        rte->progress[i] = rte->progress[--rte->nprogress];
        return;
    }
}

/* Call every registered hook once (what a runtime does while it waits). */
static inline void fs_rte_progress(fs_rte *rte)
{
    for (int i = 0; i < rte->nprogress; i++) rte->progress[i].fn(rte->progress[i].arg);
}

/* Completions seen by this process (common/fs_rte.c).  Written only by
 * the thread that drives the transports and the harness; read by the
 * watchdog thread. */
extern atomic_ulong fs_rte_heartbeats;

/* One more completion: a relaxed load and store (no locked instruction),
 * cheap enough for a transport's completion path. */
static inline void fs_rte_heartbeat(void)
{
    unsigned long b = atomic_load_explicit(&fs_rte_heartbeats, memory_order_relaxed);
    atomic_store_explicit(&fs_rte_heartbeats, b + 1, memory_order_relaxed);
}

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

/* Variable-size gather (see fs_rte_ops.gatherv): the runtime's own, or
 * fixed slots of the longest length (common/fs_rte.c). */
int fs_rte_gatherv(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                   const size_t *displs, int root);

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
