/* collective.c - see collective.h.  No MPI here: "native" is the
 * transport's own collective (tp->ops->coll). */
#include "collective.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct coll_state {
    fs_coll_op op;
    bool native;
    const fs_coll_algorithm *alg; /* NULL: auto */
    fs_coll_dtype dt;
    size_t count; /* elements of the whole vector at this point */
    fs_coll coll; /* own algorithms only */
    bool coll_ready;
} coll_state;

size_t fs_collbench_buffer(size_t bytes, int nranks, int window)
{
    (void)window;
    size_t floor = 8 * (size_t)(nranks > 0 ? nranks : 1);
    return bytes > floor ? bytes : floor;
}

size_t fs_collbench_bytes(const fs_bench_ctx *c, fs_coll_op op)
{
    return fs_coll_round_bytes(op, c->bytes, c->dtype, c->nranks);
}

/* "--transport mpi" (or "--transport a or b"): the transports that have
 * their own collectives. */
static const char *native_transports(char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; fs_transports[i]; i++) {
        if (!fs_transports[i]->coll) continue;
        int n =
            snprintf(buf + k, len - k, "%s%s", k ? " or " : "--transport ", fs_transports[i]->name);
        if (n < 0 || (size_t)n >= len - k) break;
        k += (size_t)n;
    }
    return k ? buf : "a transport with its own collectives (none is compiled in)";
}

int fs_collbench_algorithm_ok(fs_bench_ctx *c, fs_coll_op op)
{
    const char *name = c->algorithm ? c->algorithm : "auto";
    const fs_transport *tp = c->tp;
    char alts[256], have[64];
    if (strcmp(name, "native") == 0) {
        if (tp->ops->coll) return 0;
        fs_bench_fail(c,
                      "%s: algorithm native is the communication library's own %s and needs %s; "
                      "over %s use %s",
                      fs_coll_op_name(op), fs_coll_op_name(op),
                      native_transports(have, sizeof have), tp->ops->name,
                      fs_coll_alg_list(op, NULL, alts, sizeof alts));
        return FS_EINPUT;
    }
    const fs_coll_algorithm *alg;
    if (fs_coll_alg_parse(name, &alg)) {
        fs_bench_fail(c, "%s: unknown algorithm \"%s\" (use %s%s)", fs_coll_op_name(op), name,
                      tp->ops->coll ? "native, " : "",
                      fs_coll_alg_list(FS_COLL_NOPS, NULL, alts, sizeof alts));
        return FS_EINPUT;
    }
    char why[256];
    if (fs_coll_alg_ok(op, alg, c->nranks, why, sizeof why)) {
        fs_bench_fail(c, "%s: %s", fs_coll_op_name(op), why);
        return FS_EINPUT;
    }
    return 0;
}

int fs_collbench_setup(fs_bench_ctx *c, fs_coll_op op)
{
    coll_state *s = calloc(1, sizeof *s);
    if (!s) return fs_bench_fail(c, "out of memory");
    c->state = s;
    s->op = op;
    s->dt = c->dtype;
    s->native = c->algorithm && strcmp(c->algorithm, "native") == 0;
    if (s->native) return 0;
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
    free(s);
    c->state = NULL;
}

/* This rank's input: the whole vector (all-reduce, reduce-scatter) or its
 * own block of it (all-gather), with exact-sum values. */
int fs_collbench_prepare(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    s->count = fs_coll_round_count(s->op, c->bytes, s->dt, c->nranks);
    if (s->count * fs_coll_dtype_size(s->dt) > c->buf_bytes)
        return fs_bench_fail(c, "%s: %zu bytes exceed the %zu-byte buffers", fs_coll_op_name(s->op),
                             s->count * fs_coll_dtype_size(s->dt), c->buf_bytes);
    size_t blk = s->count / (size_t)c->nranks;
    if (s->op == FS_COLL_ALLGATHER)
        fs_coll_fill(s->dt, c->sbuf, blk, (size_t)c->rank * blk, c->rank, c->nranks);
    else
        fs_coll_fill(s->dt, c->sbuf, s->count, 0, c->rank, c->nranks);
    return 0;
}

int fs_collbench_iteration(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    fs_transport *tp = c->tp;
    int rc = s->native ? tp->ops->coll(tp, s->op, c->sbuf, c->rbuf, s->count, s->dt)
                       : fs_coll_run(&s->coll, s->op, s->alg, c->sbuf, c->smr, c->rbuf, c->rmr,
                                     s->count, s->dt);
    if (rc) snprintf(c->errmsg, c->errmsg_len, "%s", tp->errmsg);
    return rc;
}

const char *fs_collbench_algorithm_at(const fs_bench_ctx *c)
{
    const coll_state *s = c->state;
    if (!s) return c->algorithm;
    if (s->native) return "native";
    return fs_coll_alg_name(fs_coll_choice(&s->coll, s->op, s->alg, s->count, s->dt));
}

int fs_collbench_check(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    fs_coll_op op = s->op;
    size_t blk = s->count / (size_t)c->nranks, es = fs_coll_dtype_size(s->dt);
    size_t n = op == FS_COLL_REDUCE_SCATTER ? blk : s->count;
    size_t first = op == FS_COLL_REDUCE_SCATTER ? (size_t)c->rank * blk : 0;
    const char *asked = c->algorithm ? c->algorithm : "auto", *ran = fs_collbench_algorithm_at(c);
    bool same = strcmp(asked, ran) == 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = first + j;
        double got = fs_coll_get(s->dt, c->rbuf, j);
        double want = op == FS_COLL_ALLGATHER ? fs_coll_value(s->dt, i, (int)(i / blk), c->nranks)
                                              : fs_coll_sum_value(s->dt, i, c->nranks);
        if (got != want)
            return fs_bench_fail(c,
                                 "validation failed: %s (%s%s%s, %s), %zu bytes: rank %d element "
                                 "%zu (byte offset %zu of its result) is %g, expected %g",
                                 fs_coll_op_name(op), asked, same ? "" : " ran ", same ? "" : ran,
                                 fs_coll_dtype_name(s->dt), s->count * es, c->rank, i, j * es, got,
                                 want);
    }
    return 0;
}
