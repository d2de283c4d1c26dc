/* rte_threads.c - see rte_threads.h. */
#include "rte_threads.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RANKS 64

typedef struct thread_rank {
    fs_rte rte;
    fs_rte_threads *w;
    pthread_t thread;
    int (*fn)(fs_rte *rte, void *arg);
    void *arg;
    int rc;
} thread_rank;

struct fs_rte_threads {
    int n;
    pthread_barrier_t barrier;
    const void *slot[MAX_RANKS]; /* each rank's input of the current collective */
    thread_rank rank[MAX_RANKS];
};

static fs_rte_threads *world(fs_rte *rte)
{
    return ((thread_rank *)rte->priv)->w;
}

static void wait_all(fs_rte_threads *w)
{
    pthread_barrier_wait(&w->barrier);
}

static bool receives(fs_rte *rte, int root)
{
    return root == FS_RTE_ALL || rte->rank == root;
}

static int valid_root(fs_rte *rte, int root, bool all_ok)
{
    return (all_ok && root == FS_RTE_ALL) || (root >= 0 && root < rte->size);
}

static int th_barrier(fs_rte *rte)
{
    wait_all(world(rte));
    return 0;
}

static int th_bcast(fs_rte *rte, void *buf, size_t len, int root)
{
    fs_rte_threads *w = world(rte);
    if (!valid_root(rte, root, false)) return -1;
    w->slot[rte->rank] = buf;
    wait_all(w);
    if (rte->rank != root) memcpy(buf, w->slot[root], len);
    wait_all(w);
    return 0;
}

static int th_gather(fs_rte *rte, const void *mine, void *all, size_t len, int root)
{
    fs_rte_threads *w = world(rte);
    if (!valid_root(rte, root, true)) return -1;
    w->slot[rte->rank] = mine;
    wait_all(w);
    if (receives(rte, root))
        for (int r = 0; r < w->n; r++) memcpy((char *)all + (size_t)r * len, w->slot[r], len);
    wait_all(w);
    return 0;
}

static double combine(fs_rte_op op, double a, double b)
{
    switch (op) {
    case FS_RTE_SUM:
        return a + b;
    case FS_RTE_MIN:
        return b < a ? b : a;
    case FS_RTE_MAX:
        return b > a ? b : a;
    }
    return a;
}

static int th_reduce(fs_rte *rte, const double *in, double *out, size_t n, fs_rte_op op, int root)
{
    fs_rte_threads *w = world(rte);
    if (!valid_root(rte, root, true)) return -1;
    w->slot[rte->rank] = in;
    wait_all(w);
    if (receives(rte, root)) {
        for (size_t i = 0; i < n; i++) {
            double acc = ((const double *)w->slot[0])[i];
            for (int r = 1; r < w->n; r++) acc = combine(op, acc, ((const double *)w->slot[r])[i]);
            out[i] = acc;
        }
    }
    wait_all(w);
    return 0;
}

static int th_maxloc(fs_rte *rte, const fs_rte_loc *in, fs_rte_loc *out, size_t n, int root)
{
    fs_rte_threads *w = world(rte);
    if (!valid_root(rte, root, true)) return -1;
    w->slot[rte->rank] = in;
    wait_all(w);
    if (receives(rte, root)) {
        for (size_t i = 0; i < n; i++) {
            fs_rte_loc best = ((const fs_rte_loc *)w->slot[0])[i];
            for (int r = 1; r < w->n; r++) {
                fs_rte_loc x = ((const fs_rte_loc *)w->slot[r])[i];
                /* MPI_MAXLOC: the larger value; on a tie the lower index. */
                if (x.value > best.value || (x.value == best.value && x.rank < best.rank)) best = x;
            }
            out[i] = best;
        }
    }
    wait_all(w);
    return 0;
}

static void th_abort(fs_rte *rte, int code, const char *msg)
{
    fprintf(stderr, "rte_threads: rank %d aborted the job (code %d)%s%s\n", rte->rank, code,
            msg ? ": " : "", msg ? msg : "");
    fflush(NULL);
    _exit(code ? code : 1);
}

static const fs_rte_ops threads_ops = {
    .name = "threads",
    .barrier = th_barrier,
    .bcast = th_bcast,
    .gather = th_gather,
    .reduce = th_reduce,
    .maxloc = th_maxloc,
    .abort = th_abort,
    .library_version = NULL,
};

fs_rte_threads *fs_rte_threads_new(int nranks)
{
    if (nranks < 1 || nranks > MAX_RANKS) return NULL;
    fs_rte_threads *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->n = nranks;
    if (pthread_barrier_init(&w->barrier, NULL, (unsigned)nranks)) {
        free(w);
        return NULL;
    }
    for (int r = 0; r < nranks; r++) {
        w->rank[r].w = w;
        w->rank[r].rte =
            (fs_rte){.ops = &threads_ops, .rank = r, .size = nranks, .priv = &w->rank[r]};
    }
    return w;
}

void fs_rte_threads_free(fs_rte_threads *w)
{
    if (!w) return;
    pthread_barrier_destroy(&w->barrier);
    free(w);
}

fs_rte *fs_rte_threads_rank(fs_rte_threads *w, int rank)
{
    return rank >= 0 && rank < w->n ? &w->rank[rank].rte : NULL;
}

static void *run_one(void *p)
{
    thread_rank *t = p;
    t->rc = t->fn(&t->rte, t->arg);
    return NULL;
}

int fs_rte_threads_run(fs_rte_threads *w, int (*fn)(fs_rte *rte, void *arg), void *arg)
{
    int started = 0;
    for (; started < w->n; started++) {
        thread_rank *t = &w->rank[started];
        t->fn = fn;
        t->arg = arg;
        t->rc = 0;
        if (pthread_create(&t->thread, NULL, run_one, t)) break;
    }
    if (started < w->n) {
        /* The started ranks would wait forever for the missing ones. */
        fprintf(stderr, "rte_threads: cannot start thread %d of %d\n", started, w->n);
        fflush(NULL);
        _exit(1);
    }
    int rc = 0;
    for (int r = 0; r < w->n; r++) {
        pthread_join(w->rank[r].thread, NULL);
        if (!rc) rc = w->rank[r].rc;
    }
    return rc;
}
