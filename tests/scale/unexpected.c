/*
 * unexpected.c - proof that the harness's own traffic never reaches a rank
 * while it is timing (issue 19).
 *
 * Runs the real harness over the real MPI runtime and transport (latency:
 * one pair and idle ranks; msgrate: every pair; allreduce: every rank) and,
 * through the harness's probe seam, reads Open MPI's performance variable
 * pml_ob1_unexpected_msgq_length on the runtime's own communicator before
 * each batch's timed loop and after each timed iteration.  Nothing posts a
 * receive on that communicator while a rank times, so every harness message
 * that reached the rank during its timed iterations is still queued there:
 * the growth of the queue over a batch is what the harness sent into it.
 * Exits 1 when any batch on any rank saw growth, 0 when none did; prints the
 * counts per benchmark.  77 (skip) when the MPI library has no such
 * variable (not Open MPI's ob1).
 *
 *   mpirun -n 8 --oversubscribe unexpected [time-per-size-s]
 */
#include <mpi.h>

#include "bench.h"
#include "harness.h"
#include "rte_mpi.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe {
    MPI_T_pvar_session session;
    MPI_T_pvar_handle handle;
    int count;          /* values the handle reads: one per peer */
    unsigned *values;   /* room for count */
    unsigned long base; /* the queue before the batch's timed loop */
    long grown;         /* most the queue grew within this batch */
    long batches, dirty_batches, messages;
    int rank;
} probe;

static unsigned long queued(probe *p)
{
    if (MPI_T_pvar_read(p->session, p->handle, p->values) != MPI_SUCCESS) return 0;
    unsigned long sum = 0;
    for (int i = 0; i < p->count; i++) sum += p->values[i];
    return sum;
}

static void close_batch(probe *p)
{
    if (p->grown > 0) {
        p->dirty_batches++;
        p->messages += p->grown;
    }
    p->grown = 0;
}

/* The harness's seam: i = -1 before the timed loop, else after iteration i. */
static void on_probe(void *arg, long i)
{
    probe *p = arg;
    unsigned long q = queued(p);
    if (i < 0) {
        close_batch(p);
        p->batches++;
        p->base = q;
        return;
    }
    long grown = (long)q - (long)p->base;
    if (grown > p->grown) {
        fprintf(stderr,
                "unexpected: rank %d, batch %ld, after iteration %ld: %ld harness message%s\n",
                p->rank, p->batches, i, grown, grown == 1 ? "" : "s");
        p->grown = grown;
    }
}

static int probe_open(probe *p, MPI_Comm *comm)
{
    int provided, index;
    if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) return -1;
    if (MPI_T_pvar_get_index("pml_ob1_unexpected_msgq_length", MPI_T_PVAR_CLASS_SIZE, &index) !=
        MPI_SUCCESS)
        return -1;
    if (MPI_T_pvar_session_create(&p->session) != MPI_SUCCESS) return -1;
    if (MPI_T_pvar_handle_alloc(p->session, index, comm, &p->handle, &p->count) != MPI_SUCCESS)
        return -1;
    MPI_T_pvar_start(p->session, p->handle); /* a continuous variable refuses: fine */
    p->values = calloc((size_t)(p->count > 0 ? p->count : 1), sizeof *p->values);
    return p->values ? 0 : -1;
}

/* What fabscale-bench's sweep does for a run: pair ranks [0,n/2) with
 * [n/2,2(n/2)), only the first pair unless the benchmark runs every pair. */
static void pair_up(const fs_bench *b, fs_bench_ctx *c)
{
    int half = c->nranks / 2, r = c->rank;
    c->pairs = b->all_pairs ? half : 1;
    c->peer = -1;
    c->initiator = false;
    if (b->participation == FS_BENCH_COLLECTIVE) return;
    if (r < c->pairs) {
        c->peer = r + half;
        c->initiator = true;
    } else if (r >= half && r < half + c->pairs) {
        c->peer = r - half;
    }
}

static int run_bench(fs_harness *h, fs_transport *tp, const char *name, double budget_s, probe *p,
                     char *err, size_t errlen)
{
    static const size_t sizes[] = {8, 65536};
    const fs_bench *b = fs_bench_find(name);
    if (!b) return snprintf(err, errlen, "no benchmark %s", name), -1;
    fs_bench_ctx c = {.tp = tp,
                      .rank = tp->rank,
                      .nranks = tp->nranks,
                      .window = b->windowed ? 16 : 1,
                      .algorithm = b->has_algorithm ? "native" : NULL,
                      .dtype = FS_FLOAT32,
                      .errmsg = err,
                      .errmsg_len = errlen};
    pair_up(b, &c);
    size_t max = sizes[sizeof sizes / sizeof *sizes - 1];
    c.buf_bytes = b->buffer_bytes ? b->buffer_bytes(max, c.nranks, c.window) : max;
    c.reqs = calloc((size_t)(2 * c.window + 2), sizeof *c.reqs);
    c.sbuf = calloc(1, c.buf_bytes);
    c.rbuf = calloc(1, c.buf_bytes);
    int rc = !c.reqs || !c.sbuf || !c.rbuf ? -1 : 0;
    if (!rc) rc = tp->ops->mr_reg(tp, c.sbuf, c.buf_bytes, &c.smr);
    if (!rc) rc = tp->ops->mr_reg(tp, c.rbuf, c.buf_bytes, &c.rmr);
    if (!rc && b->setup) rc = b->setup(&c);
    fs_harness_cfg cfg = {.precision = 0.01,
                          .time_per_size = budget_s,
                          .min_time = 0.02,
                          .min_iters = 20,
                          .max_iters = h->capacity,
                          .warmup = -1};
    for (size_t k = 0; !rc && k < sizeof sizes / sizeof *sizes; k++) {
        c.bytes = sizes[k];
        fs_bench_point pt;
        rc = fs_harness_point(h, b, &c, &cfg, &pt);
        close_batch(p);
    }
    if (b->teardown && c.state) b->teardown(&c);
    if (c.smr) tp->ops->mr_dereg(tp, c.smr);
    if (c.rmr) tp->ops->mr_dereg(tp, c.rmr);
    free(c.reqs);
    free(c.sbuf);
    free(c.rbuf);
    return rc;
}

int main(int argc, char **argv)
{
    fs_rte *rte = fs_rte_mpi_init(&argc, &argv);
    double budget_s = argc > 1 ? atof(argv[1]) : 0.3;
    MPI_Comm comm = fs_rte_mpi_comm(rte);
    probe p = {0};
    p.rank = rte->rank;
    int ok = probe_open(&p, &comm) == 0, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (rte->rank == 0)
            printf("skip: no pml_ob1_unexpected_msgq_length performance variable\n");
        fs_rte_mpi_fini(rte);
        return 77;
    }
    fs_transport tp = {.ops = fs_transport_find("mpi")};
    fs_transport_opts topts = {.max_bytes = 65536};
    char err[1024] = "";
    if (!tp.ops || tp.ops->init(&tp, &topts)) {
        fprintf(stderr, "unexpected: transport mpi: %s\n", tp.errmsg);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    fs_harness h;
    if (fs_harness_init(&h, rte, 100000)) MPI_Abort(MPI_COMM_WORLD, 2);
    h.probe = on_probe;
    h.probe_arg = &p;

    static const char *const benches[] = {"latency", "msgrate", "allreduce"};
    long dirty_total = 0;
    for (size_t i = 0; i < sizeof benches / sizeof *benches; i++) {
        p.batches = p.dirty_batches = p.messages = 0;
        if (run_bench(&h, &tp, benches[i], budget_s, &p, err, sizeof err)) {
            fprintf(stderr, "unexpected: rank %d: %s: %s\n", rte->rank, benches[i], err);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        long mine[3] = {p.batches, p.dirty_batches, p.messages}, sum[3];
        MPI_Reduce(mine, sum, 3, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rte->rank == 0) {
            printf("%-10s %d ranks: %ld rank-batches timed, %ld saw harness messages arrive "
                   "(%ld messages)\n",
                   benches[i], rte->size, sum[0], sum[1], sum[2]);
            dirty_total += sum[1];
        }
    }
    fflush(stdout);
    MPI_Bcast(&dirty_total, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    fs_harness_fini(&h);
    tp.ops->fini(&tp);
    MPI_T_pvar_handle_free(p.session, &p.handle);
    MPI_T_pvar_session_free(&p.session);
    MPI_T_finalize();
    free(p.values);
    fs_rte_mpi_fini(rte);
    return dirty_total ? 1 : 0;
}
