/* rte_mpi.c - the runtime seam over MPI.  The only file of the measurement
 * core that calls MPI; the MPI transport (transports/mpi) has its own
 * communicator for the data path. */
#include <mpi.h>

#include "rte_mpi.h"

#include "watchdog.h"

#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

_Static_assert(offsetof(fs_rte_loc, rank) == sizeof(double),
               "fs_rte_loc must have MPI_DOUBLE_INT's layout");

typedef struct rte_mpi {
    fs_rte rte;
    MPI_Comm comm;
    bool finalize; /* we called MPI_Init */
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
} rte_mpi;

static MPI_Comm comm_of(fs_rte *rte)
{
    return ((rte_mpi *)rte->priv)->comm;
}

/* Polls of an unfinished collective before each further one yields the
 * core, and polls after which the waiting rank sleeps between tests: the
 * ranks that have not arrived yet may be timing (a pair measuring while the
 * other ranks already wait for the batch's reduction, or more ranks than
 * cores), and a rank spinning here would take their core.  Nothing in this
 * file is timed; a sleeping rank answers at most MAX_NAP_NS late. */
#define SPIN_TESTS  64
#define YIELD_TESTS 1024
#define MAX_NAP_NS  100000L

/* Complete a nonblocking collective: test it, drive the progress hooks (a
 * manual-progress libfabric endpoint: a blocking MPI call would leave it
 * unprogressed, and a peer waiting for bytes its provider still holds would
 * never see them), then yield, then sleep with a growing nap. */
static int wait_for(fs_rte *rte, MPI_Request *req)
{
    long nap_ns = 1000;
    for (unsigned polls = 0;; polls++) {
        int done = 0;
        if (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return -1;
        if (done) return 0;
        fs_rte_progress(rte);
        if (polls < SPIN_TESTS) continue;
        if (polls < YIELD_TESTS) {
            sched_yield();
            continue;
        }
        struct timespec nap = {0, nap_ns};
        nanosleep(&nap, NULL);
        if (nap_ns < MAX_NAP_NS) nap_ns *= 2;
    }
}

/* The rank waits for the others here, which the watchdog does not take
 * for a hang (see watchdog.h). */
static int finish(fs_rte *rte, int mpi_rc, MPI_Request *req)
{
    if (mpi_rc != MPI_SUCCESS) return -1;
    fs_watchdog_wait_begin();
    int rc = wait_for(rte, req);
    fs_watchdog_wait_end();
    return rc;
}

static int mpi_barrier(fs_rte *rte)
{
    MPI_Request req;
    return finish(rte, MPI_Ibarrier(comm_of(rte), &req), &req);
}

static int mpi_bcast(fs_rte *rte, void *buf, size_t len, int root)
{
    if (len > INT_MAX) return -1;
    MPI_Request req;
    return finish(rte, MPI_Ibcast(buf, (int)len, MPI_BYTE, root, comm_of(rte), &req), &req);
}

static int mpi_gather(fs_rte *rte, const void *mine, void *all, size_t len, int root)
{
    if (len > INT_MAX) return -1;
    int n = (int)len;
    MPI_Request req;
    if (root == FS_RTE_ALL)
        return finish(rte, MPI_Iallgather(mine, n, MPI_BYTE, all, n, MPI_BYTE, comm_of(rte), &req),
                      &req);
    return finish(rte, MPI_Igather(mine, n, MPI_BYTE, all, n, MPI_BYTE, root, comm_of(rte), &req),
                  &req);
}

/* The receivers' counts and offsets are MPI ints.  A receiver that cannot
 * convert them cannot leave the collective half entered by the others: it
 * ends the job with the reason. */
static int mpi_gatherv(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                       const size_t *displs, int root)
{
    if (len > INT_MAX) fs_rte_abort(rte, 1, "fabscale: a gather of more than 2 GiB from one rank");
    bool lands = root == FS_RTE_ALL || root == rte->rank;
    int n = rte->size, *counts = NULL, *offs = NULL;
    if (lands) {
        counts = malloc(2 * (size_t)n * sizeof *counts);
        if (!counts) fs_rte_abort(rte, 1, "fabscale: out of memory in a gather");
        offs = counts + n;
        for (int r = 0; r < n; r++) {
            if (lens[r] > INT_MAX || displs[r] > INT_MAX)
                fs_rte_abort(rte, 1, "fabscale: a gather of more than 2 GiB");
            counts[r] = (int)lens[r];
            offs[r] = (int)displs[r];
        }
    }
    MPI_Request req;
    int rc;
    if (root == FS_RTE_ALL)
        rc = finish(rte,
                    MPI_Iallgatherv(mine, (int)len, MPI_BYTE, all, counts, offs, MPI_BYTE,
                                    comm_of(rte), &req),
                    &req);
    else
        rc = finish(rte,
                    MPI_Igatherv(mine, (int)len, MPI_BYTE, all, counts, offs, MPI_BYTE, root,
                                 comm_of(rte), &req),
                    &req);
    free(counts);
    return rc;
}

static MPI_Op mpi_op(fs_rte_op op)
{
    return op == FS_RTE_SUM ? MPI_SUM : op == FS_RTE_MIN ? MPI_MIN : MPI_MAX;
}

static int reduce_any(fs_rte *rte, const void *in, void *out, size_t n, MPI_Datatype t, MPI_Op op,
                      int root)
{
    if (n > INT_MAX) return -1;
    MPI_Request req;
    if (root == FS_RTE_ALL)
        return finish(rte, MPI_Iallreduce(in, out, (int)n, t, op, comm_of(rte), &req), &req);
    return finish(rte, MPI_Ireduce(in, out, (int)n, t, op, root, comm_of(rte), &req), &req);
}

static int mpi_reduce(fs_rte *rte, const double *in, double *out, size_t n, fs_rte_op op, int root)
{
    return reduce_any(rte, in, out, n, MPI_DOUBLE, mpi_op(op), root);
}

static int mpi_maxloc(fs_rte *rte, const fs_rte_loc *in, fs_rte_loc *out, size_t n, int root)
{
    return reduce_any(rte, in, out, n, MPI_DOUBLE_INT, MPI_MAXLOC, root);
}

/* From the watchdog thread too: MPI_THREAD_SINGLE tolerates this one call
 * on the way out of a hung job (see fs_rte_mpi_init). */
static void mpi_abort(fs_rte *rte, int code, const char *msg)
{
    (void)rte;
    if (msg && *msg) fprintf(stderr, "%s\n", msg);
    fflush(NULL);
    MPI_Abort(MPI_COMM_WORLD, code);
}

static const char *mpi_library_version(fs_rte *rte)
{
    return ((rte_mpi *)rte->priv)->version;
}

static const fs_rte_ops rte_mpi_ops = {
    .name = "mpi",
    .barrier = mpi_barrier,
    .bcast = mpi_bcast,
    .gather = mpi_gather,
    .gatherv = mpi_gatherv,
    .reduce = mpi_reduce,
    .maxloc = mpi_maxloc,
    .abort = mpi_abort,
    .library_version = mpi_library_version,
};

fs_rte *fs_rte_mpi_init(int *argc, char ***argv)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    /* MPI_THREAD_SINGLE on purpose: asking Open MPI 4.1 for FUNNELED raises
     * its 8-byte shared-memory latency from 0.11 to 0.17 us (measured with
     * tests/perf/mpi_loops.c).  The watchdog thread makes one MPI call,
     * MPI_Abort, once, on the way out of a hung job. */
    if (!initialized) MPI_Init(argc, argv);
    rte_mpi *m = calloc(1, sizeof *m);
    if (!m) {
        if (!initialized) MPI_Finalize();
        return NULL;
    }
    m->finalize = !initialized;
    /* Our own communicator: the harness's collectives never match a
     * transport's messages. */
    MPI_Comm_dup(MPI_COMM_WORLD, &m->comm);
    m->rte = (fs_rte){.ops = &rte_mpi_ops, .priv = m};
    MPI_Comm_rank(m->comm, &m->rte.rank);
    MPI_Comm_size(m->comm, &m->rte.size);
    int len = 0;
    MPI_Get_library_version(m->version, &len);
    m->version[strcspn(m->version, "\n")] = '\0';
    return &m->rte;
}

MPI_Comm fs_rte_mpi_comm(fs_rte *rte)
{
    return comm_of(rte);
}

void fs_rte_mpi_fini(fs_rte *rte)
{
    if (!rte) return;
    rte_mpi *m = rte->priv;
    bool finalize = m->finalize;
    MPI_Comm_free(&m->comm);
    free(m);
    if (finalize) MPI_Finalize();
}
