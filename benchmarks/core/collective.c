/* collective.c - see collective.h. */
#include "collective.h"

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

typedef struct coll_state {
    bool native;
    fs_coll_alg alg;
    fs_coll_dtype dt;
    size_t count; /* elements of the whole vector at this point */
    fs_coll coll; /* own algorithms only */
    bool coll_ready;
    MPI_Datatype mtype; /* native only */
    MPI_Op mop;
    bool own_op;
} coll_state;

fs_coll_dtype fs_collbench_dtype(fs_dtype t)
{
    switch (t) {
    case FS_FLOAT32:
        return FS_COLL_FLOAT32;
    case FS_FLOAT64:
        return FS_COLL_FLOAT64;
    case FS_BFLOAT16:
        return FS_COLL_BFLOAT16;
    }
    return FS_COLL_FLOAT32;
}

size_t fs_collbench_buffer(size_t bytes, int nranks, int window)
{
    (void)window;
    size_t floor = 8 * (size_t)(nranks > 0 ? nranks : 1);
    return bytes > floor ? bytes : floor;
}

size_t fs_collbench_bytes(const fs_bench_ctx *c, fs_coll_op op)
{
    return fs_coll_round_bytes(op, c->bytes, fs_collbench_dtype(c->dtype), c->nranks);
}

static const char *mpi_call(fs_coll_op op)
{
    switch (op) {
    case FS_COLL_ALLREDUCE:
        return "MPI_Allreduce";
    case FS_COLL_REDUCE_SCATTER:
        return "MPI_Reduce_scatter_block";
    case FS_COLL_ALLGATHER:
        return "MPI_Allgather";
    }
    return "?";
}

int fs_collbench_algorithm_ok(fs_bench_ctx *c, fs_coll_op op)
{
    const char *name = c->algorithm ? c->algorithm : "auto";
    bool mpi = strcmp(c->tp->ops->name, "mpi") == 0;
    if (strcmp(name, "native") == 0) {
        if (mpi) return 0;
        fs_bench_fail(c,
                      "%s: algorithm native is the MPI library's %s and needs --transport mpi; "
                      "over %s use ring, rd, rabenseifner, tree or auto",
                      fs_coll_op_name(op), mpi_call(op), c->tp->ops->name);
        return FS_EINPUT;
    }
    fs_coll_alg alg;
    if (fs_coll_alg_parse(name, &alg)) {
        fs_bench_fail(c,
                      "%s: unknown algorithm \"%s\" (use native, ring, rd, rabenseifner, tree or "
                      "auto)",
                      fs_coll_op_name(op), name);
        return FS_EINPUT;
    }
    char why[256];
    if (fs_coll_alg_ok(op, alg, c->nranks, why, sizeof why)) {
        fs_bench_fail(c, "%s: %s", fs_coll_op_name(op), why);
        return FS_EINPUT;
    }
    return 0;
}

/* bfloat16 has no MPI type in MPI 3.1: uint16 elements with our float sum. */
static void bf16_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    fs_coll_sum(FS_COLL_BFLOAT16, inout, inout, in, (size_t)*len);
}

int fs_collbench_setup(fs_bench_ctx *c, fs_coll_op op)
{
    (void)op;
    coll_state *s = calloc(1, sizeof *s);
    if (!s) return fs_bench_fail(c, "out of memory");
    c->state = s;
    s->dt = fs_collbench_dtype(c->dtype);
    s->native = c->algorithm && strcmp(c->algorithm, "native") == 0;
    if (s->native) {
        switch (s->dt) {
        case FS_COLL_FLOAT32:
            s->mtype = MPI_FLOAT, s->mop = MPI_SUM;
            break;
        case FS_COLL_FLOAT64:
            s->mtype = MPI_DOUBLE, s->mop = MPI_SUM;
            break;
        case FS_COLL_BFLOAT16:
            s->mtype = MPI_UINT16_T;
            if (MPI_Op_create(bf16_sum, 1, &s->mop) != MPI_SUCCESS) {
                fs_collbench_teardown(c);
                return fs_bench_fail(c, "MPI_Op_create for the bfloat16 sum failed");
            }
            s->own_op = true;
            break;
        }
        return 0;
    }
    int rc = FS_EINPUT;
    if (fs_coll_alg_parse(c->algorithm ? c->algorithm : "auto", &s->alg)) {
        fs_bench_fail(c, "unknown algorithm %s", c->algorithm);
    } else if ((rc = fs_coll_init(&s->coll, c->tp, c->buf_bytes))) {
        /* Scratch for the largest vector the run will pass. */
        fs_bench_fail(c, "%s", c->tp->errmsg);
    } else {
        s->coll_ready = true;
        return 0;
    }
    fs_collbench_teardown(c); /* the harness tears down only what set up */
    return rc;
}

void fs_collbench_teardown(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    if (!s) return;
    if (s->coll_ready) fs_coll_fini(&s->coll);
    if (s->own_op) MPI_Op_free(&s->mop);
    free(s);
    c->state = NULL;
}

/* This rank's input: the whole vector (all-reduce, reduce-scatter) or its
 * own block of it (all-gather), with exact-sum values. */
int fs_collbench_prepare(fs_bench_ctx *c, fs_coll_op op)
{
    coll_state *s = c->state;
    s->count = fs_coll_round_count(op, c->bytes, s->dt, c->nranks);
    if (s->count * fs_coll_dtype_size(s->dt) > c->buf_bytes)
        return fs_bench_fail(c, "%s: %zu bytes exceed the %zu-byte buffers", fs_coll_op_name(op),
                             s->count * fs_coll_dtype_size(s->dt), c->buf_bytes);
    size_t blk = s->count / (size_t)c->nranks;
    if (op == FS_COLL_ALLGATHER)
        fs_coll_fill(s->dt, c->sbuf, blk, (size_t)c->rank * blk, c->rank, c->nranks);
    else
        fs_coll_fill(s->dt, c->sbuf, s->count, 0, c->rank, c->nranks);
    return 0;
}

static int native_iteration(fs_bench_ctx *c, coll_state *s, fs_coll_op op)
{
    int rc = MPI_ERR_OTHER, n = (int)s->count, blk = n / c->nranks;
    switch (op) {
    case FS_COLL_ALLREDUCE:
        rc = MPI_Allreduce(c->sbuf, c->rbuf, n, s->mtype, s->mop, MPI_COMM_WORLD);
        break;
    case FS_COLL_REDUCE_SCATTER:
        rc = MPI_Reduce_scatter_block(c->sbuf, c->rbuf, blk, s->mtype, s->mop, MPI_COMM_WORLD);
        break;
    case FS_COLL_ALLGATHER:
        rc = MPI_Allgather(c->sbuf, blk, s->mtype, c->rbuf, blk, s->mtype, MPI_COMM_WORLD);
        break;
    }
    if (rc != MPI_SUCCESS) return fs_bench_fail(c, "%s failed (error %d)", mpi_call(op), rc);
    return 0;
}

int fs_collbench_iteration(fs_bench_ctx *c, fs_coll_op op)
{
    coll_state *s = c->state;
    if (s->native) return native_iteration(c, s, op);
    int rc = fs_coll_run(&s->coll, op, s->alg, c->sbuf, c->smr, c->rbuf, c->rmr, s->count, s->dt);
    if (rc) {
        snprintf(c->errmsg, c->errmsg_len, "%s", c->tp->errmsg);
        return rc;
    }
    return 0;
}

int fs_collbench_check(fs_bench_ctx *c, fs_coll_op op)
{
    coll_state *s = c->state;
    size_t blk = s->count / (size_t)c->nranks, es = fs_coll_dtype_size(s->dt);
    size_t n = op == FS_COLL_REDUCE_SCATTER ? blk : s->count;
    size_t first = op == FS_COLL_REDUCE_SCATTER ? (size_t)c->rank * blk : 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = first + j;
        double got = fs_coll_get(s->dt, c->rbuf, j);
        double want = op == FS_COLL_ALLGATHER ? fs_coll_value(s->dt, i, (int)(i / blk), c->nranks)
                                              : fs_coll_sum_value(s->dt, i, c->nranks);
        if (got != want)
            return fs_bench_fail(c,
                                 "validation failed: %s (%s, %s), %zu bytes: rank %d element %zu "
                                 "(byte offset %zu of its result) is %g, expected %g",
                                 fs_coll_op_name(op), c->algorithm ? c->algorithm : "auto",
                                 fs_coll_dtype_name(s->dt), s->count * es, c->rank, i, j * es, got,
                                 want);
    }
    return 0;
}
