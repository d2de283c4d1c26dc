/* collective.c - see collective.h.  No MPI here: "native" is the
 * transport's own collective (tp->ops->coll). */
#include "collective.h"

#include "skew.h"
#include "watchdog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Elements filled or checked between heartbeats: validating 64 MiB takes
 * seconds on a loaded core, and the watchdog must see it progress (~1 ms apart). */
#define CHECK_BEAT (1u << 16)

typedef struct coll_state {
    fs_coll_op op;
    bool native;
    const fs_coll_algorithm *alg; /* NULL: auto */
    fs_coll_dtype dt;
    size_t count; /* elements of the whole vector at this point */
    fs_coll coll; /* own algorithms only */
    bool coll_ready;
    /* alltoallv: the skew model, its expected bytes (p x p) and the element
     * counts they round to; this rank's layout (v) and the point's figures. */
    fs_skew skew;
    char skew_spec[320];
    double *model;
    size_t *cnt;
    size_t *lay; /* scounts, sdispls, rcounts, rdispls: p each */
    fs_coll_v v;
    size_t total;           /* elements all ranks send at this point */
    double imbalance, peak; /* max/mean and the max, bytes per rank */
} coll_state;

size_t fs_collbench_buffer(size_t bytes, int nranks, int window)
{
    (void)window;
    size_t floor = 8 * (size_t)(nranks > 0 ? nranks : 1);
    return bytes > floor ? bytes : floor;
}

size_t fs_collbench_buffer_op(fs_coll_op op, size_t bytes, int nranks, int window)
{
    size_t p = nranks > 0 ? (size_t)nranks : 1;
    /* A skewed rank sends or receives at most every rank's whole volume. */
    if (op == FS_COLL_ALLTOALLV) bytes = bytes > SIZE_MAX / p ? SIZE_MAX : bytes * p;
    return fs_collbench_buffer(bytes, nranks, window);
}

/* alltoallv: element counts cnt[src * p + dst] for a point of `bytes`:
 * the model's bytes rounded down to whole elements; a size below one
 * element per block sends one element everywhere (as the other
 * collectives' rounding: every size runs).  Returns the total. */
static size_t v_counts(const coll_state *s, int p, size_t bytes, char *err, size_t errlen)
{
    size_t es = fs_coll_dtype_size(s->dt), total = 0, pp = (size_t)p * (size_t)p;
    if (fs_skew_matrix(&s->skew, p, (double)bytes, s->model, err, errlen)) return (size_t)-1;
    for (size_t i = 0; i < pp; i++) total += s->cnt[i] = (size_t)floor(s->model[i] / (double)es);
    if (total == 0)
        for (size_t i = 0; i < pp; i++) s->cnt[i] = 1, total++;
    return total;
}

size_t fs_collbench_bytes(const fs_bench_ctx *c, fs_coll_op op)
{
    const coll_state *s = c->state;
    if (op == FS_COLL_ALLTOALLV && s && s->cnt) {
        char err[256];
        size_t total = v_counts(s, c->nranks, c->bytes, err, sizeof err);
        /* The mean a rank sends (setup checked the model fits the run). */
        if (total != (size_t)-1) return total * fs_coll_dtype_size(c->dtype) / (size_t)c->nranks;
    }
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
        if (op == FS_COLL_ALLTOALLV ? tp->ops->collv != NULL : tp->ops->coll != NULL) return 0;
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

/* The reason without skew.c's own "skew: " (the message names --skew). */
static const char *skew_why(const char *err)
{
    return strncmp(err, "skew: ", 6) == 0 ? err + 6 : err;
}

/* alltoallv: the skew model (refused with one line when it cannot run
 * here) and the layout arrays. */
static int setup_v(fs_bench_ctx *c, coll_state *s)
{
    const char *spec = c->skew ? c->skew : "uniform";
    char err[256];
    size_t p = (size_t)c->nranks;
    if (fs_skew_parse(spec, &s->skew, err, sizeof err)) {
        fs_bench_fail(c, "alltoallv: --skew %s", skew_why(err));
        return FS_EINPUT;
    }
    fs_skew_format(&s->skew, s->skew_spec, sizeof s->skew_spec);
    s->model = malloc(p * p * sizeof *s->model);
    s->cnt = malloc(p * p * sizeof *s->cnt);
    s->lay = malloc(4 * p * sizeof *s->lay);
    if (!s->model || !s->cnt || !s->lay) return fs_bench_fail(c, "out of memory");
    if (fs_skew_matrix(&s->skew, c->nranks, 1.0, s->model, err, sizeof err)) {
        fs_bench_fail(c, "alltoallv: --skew %s", skew_why(err));
        return FS_EINPUT;
    }
    s->v = (fs_coll_v){s->lay, s->lay + p, s->lay + 2 * p, s->lay + 3 * p};
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
    int rc = FS_EINPUT;
    if (op == FS_COLL_ALLTOALLV && (rc = setup_v(c, s))) {
        fs_collbench_teardown(c);
        return rc;
    }
    if (s->native) return 0;
    rc = FS_EINPUT;
    if (fs_coll_alg_parse(c->algorithm ? c->algorithm : "auto", &s->alg)) {
        fs_bench_fail(c, "unknown algorithm %s", c->algorithm);
    } else if ((rc = fs_coll_init(&s->coll, c->tp, c->buf_bytes))) {
        /* Scratch for the largest vector the run will pass. */
        fs_bench_fail(c, "%s", c->tp->errmsg);
    } else {
        s->coll_ready = true;
        /* The algorithm's peers connected before the first point, untimed
         * (fs_transport_connect: a lazily connecting provider otherwise
         * spends seconds of the first point's iterations on it). */
        bool all = op == FS_COLL_ALLTOALL || op == FS_COLL_ALLTOALLV;
        int *peers = malloc((size_t)c->nranks * sizeof *peers);
        rc = peers
                 ? fs_transport_connect(c->tp, peers, fs_coll_peers(c->rank, c->nranks, all, peers))
                 : fs_transport_fail(c->tp, FS_ERUNTIME, "out of memory");
        free(peers);
        if (!rc) return 0;
        fs_bench_fail(c, "connecting to the collective's peers: %s", c->tp->errmsg);
    }
    fs_collbench_teardown(c); /* the harness tears down only what set up */
    return rc;
}

void fs_collbench_teardown(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    if (!s) return;
    if (s->coll_ready) fs_coll_fini(&s->coll);
    fs_skew_free(&s->skew);
    free(s->model);
    free(s->cnt);
    free(s->lay);
    free(s);
    c->state = NULL;
}

/* alltoallv: this rank's row and column of the counts at c->bytes, its
 * blocks filled, and the point's imbalance over the counts that move. */
static int prepare_v(fs_bench_ctx *c, coll_state *s)
{
    int p = c->nranks, r = c->rank;
    size_t es = fs_coll_dtype_size(s->dt), so = 0, ro = 0;
    char err[256];
    s->total = v_counts(s, p, c->bytes, err, sizeof err);
    if (s->total == (size_t)-1) return fs_bench_fail(c, "alltoallv: %s", err);
    for (int d = 0; d < p; d++) {
        size_t sc = s->cnt[(size_t)r * p + d], rc = s->cnt[(size_t)d * p + r];
        s->lay[d] = sc, s->lay[p + d] = so, so += sc;
        s->lay[2 * p + d] = rc, s->lay[3 * p + d] = ro, ro += rc;
    }
    if ((so > ro ? so : ro) * es > c->buf_bytes)
        return fs_bench_fail(c, "alltoallv: rank %d moves %zu bytes, beyond the %zu-byte buffers",
                             r, (so > ro ? so : ro) * es, c->buf_bytes);
    for (int d = 0; d < p; d++)
        fs_a2a_fill(s->dt, (char *)c->sbuf + s->lay[p + d] * es, s->lay[d], r, d);
    s->count = so;
    /* The imbalance of what moves (the model's, after rounding). */
    for (size_t i = 0; i < (size_t)p * p; i++) s->model[i] = (double)(s->cnt[i] * es);
    s->imbalance = fs_skew_imbalance(s->model, p);
    s->peak = s->imbalance * (double)(s->total * es) / p;
    return 0;
}

/* fs_coll_fill in slices with a heartbeat after each: filling 256 MiB
 * takes seconds on a loaded core, inside the point's first steps. */
static void fill_beating(fs_coll_dtype dt, void *buf, size_t n, size_t first, int rank, int nranks)
{
    size_t es = fs_coll_dtype_size(dt);
    for (size_t j = 0; j < n; j += CHECK_BEAT) {
        size_t k = n - j < CHECK_BEAT ? n - j : CHECK_BEAT;
        fs_coll_fill(dt, (char *)buf + j * es, k, first + j, rank, nranks);
        fs_watchdog_beat();
    }
}

/* This rank's input: the whole vector (all-reduce, reduce-scatter), its
 * own block of it (all-gather), or a block for every rank (all-to-all),
 * with values check() can tell apart. */
int fs_collbench_prepare(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    if (s->op == FS_COLL_ALLTOALLV) return prepare_v(c, s);
    s->count = fs_coll_round_count(s->op, c->bytes, s->dt, c->nranks);
    size_t es = fs_coll_dtype_size(s->dt);
    if (s->count * es > c->buf_bytes)
        return fs_bench_fail(c, "%s: %zu bytes exceed the %zu-byte buffers", fs_coll_op_name(s->op),
                             s->count * es, c->buf_bytes);
    size_t blk = s->count / (size_t)c->nranks;
    if (s->op == FS_COLL_ALLTOALL)
        for (int d = 0; d < c->nranks; d++) {
            fs_a2a_fill(s->dt, (char *)c->sbuf + (size_t)d * blk * es, blk, c->rank, d);
            fs_watchdog_beat();
        }
    else if (s->op == FS_COLL_ALLGATHER)
        fill_beating(s->dt, c->sbuf, blk, (size_t)c->rank * blk, c->rank, c->nranks);
    else
        fill_beating(s->dt, c->sbuf, s->count, 0, c->rank, c->nranks);
    return 0;
}

int fs_collbench_iteration(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    fs_transport *tp = c->tp;
    int rc;
    if (s->op == FS_COLL_ALLTOALLV)
        rc = s->native
                 ? tp->ops->collv(tp, c->sbuf, c->rbuf, &s->v, s->dt)
                 : fs_coll_run_v(&s->coll, s->alg, c->sbuf, c->smr, c->rbuf, c->rmr, &s->v, s->dt);
    else
        rc = s->native ? tp->ops->coll(tp, s->op, c->sbuf, c->rbuf, s->count, s->dt)
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

/* All-to-all(v): the block from each rank, element by element; a wrong
 * one is named by the rank pair and its offset. */
static int check_a2a(fs_bench_ctx *c, coll_state *s, const char *asked, const char *ran)
{
    size_t es = fs_coll_dtype_size(s->dt), blk = s->count / (size_t)c->nranks;
    int p = c->nranks;
    bool v = s->op == FS_COLL_ALLTOALLV, same = strcmp(asked, ran) == 0;
    for (int src = 0; src < p; src++) {
        size_t n = v ? s->lay[2 * p + src] : blk, at = v ? s->lay[3 * p + src] : (size_t)src * blk;
        for (size_t j = 0; j < n; j++) {
            if (j % CHECK_BEAT == CHECK_BEAT - 1) fs_watchdog_beat();
            double got = fs_coll_get(s->dt, (const char *)c->rbuf + at * es, j);
            double want = fs_a2a_value(s->dt, src, c->rank, j);
            if (got != want)
                return fs_bench_fail(c,
                                     "validation failed: %s (%s%s%s, %s), %zu bytes: rank %d "
                                     "received from rank %d a wrong element at offset %zu of its "
                                     "block (byte %zu of the result): %g, expected %g",
                                     fs_coll_op_name(s->op), asked, same ? "" : " ran ",
                                     same ? "" : ran, fs_coll_dtype_name(s->dt), c->bytes, c->rank,
                                     src, j, (at + j) * es, got, want);
        }
    }
    return 0;
}

int fs_collbench_check(fs_bench_ctx *c)
{
    coll_state *s = c->state;
    fs_coll_op op = s->op;
    if (op == FS_COLL_ALLTOALL || op == FS_COLL_ALLTOALLV)
        return check_a2a(c, s, c->algorithm ? c->algorithm : "auto", fs_collbench_algorithm_at(c));
    size_t blk = s->count / (size_t)c->nranks, es = fs_coll_dtype_size(s->dt);
    size_t n = op == FS_COLL_REDUCE_SCATTER ? blk : s->count;
    size_t first = op == FS_COLL_REDUCE_SCATTER ? (size_t)c->rank * blk : 0;
    const char *asked = c->algorithm ? c->algorithm : "auto", *ran = fs_collbench_algorithm_at(c);
    bool same = strcmp(asked, ran) == 0;
    /* Sums: the pattern repeats every `period` elements, so the expected
     * values of one period (each in closed form) serve the whole vector:
     * O(elements), not O(elements x ranks). */
    size_t period = fs_coll_value_period(s->dt, c->nranks);
    double *sums = NULL;
    if (op != FS_COLL_ALLGATHER) {
        sums = malloc(period * sizeof *sums);
        if (!sums) return fs_bench_fail(c, "out of memory");
        for (size_t k = 0; k < period; k++) sums[k] = fs_coll_sum_value(s->dt, k, c->nranks);
    }
    int rc = 0;
    for (size_t j = 0; j < n && !rc; j++) {
        if (j % CHECK_BEAT == CHECK_BEAT - 1) fs_watchdog_beat();
        size_t i = first + j;
        double got = fs_coll_get(s->dt, c->rbuf, j);
        double want = sums ? sums[i % period] : fs_coll_value(s->dt, i, (int)(i / blk), c->nranks);
        if (got != want)
            rc = fs_bench_fail(c,
                               "validation failed: %s (%s%s%s, %s), %zu bytes: rank %d element "
                               "%zu (byte offset %zu of its result) is %g, expected %g",
                               fs_coll_op_name(op), asked, same ? "" : " ran ", same ? "" : ran,
                               fs_coll_dtype_name(s->dt), s->count * es, c->rank, i, j * es, got,
                               want);
    }
    free(sums);
    return rc;
}

void fs_collbench_run_extra(const fs_bench_ctx *c, json_t *extra)
{
    const coll_state *s = c->state;
    if (!s || s->op != FS_COLL_ALLTOALLV) return;
    json_object_set_new(extra, "skew", json_string(s->skew_spec));
}

void fs_collbench_point_extra(const fs_bench_ctx *c, json_t *extra)
{
    const coll_state *s = c->state;
    if (!s || s->op != FS_COLL_ALLTOALLV) return;
    json_object_set_new(extra, "imbalance", json_real(s->imbalance));
    json_object_set_new(extra, "max_rank_bytes", json_real(s->peak));
}
