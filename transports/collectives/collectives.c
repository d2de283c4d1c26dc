/* collectives.c - the collectives' context, names, choices and dispatch. */
#include "collectives_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Ring pipeline chunk.  Chunking pays where the transfer proceeds while
 * this rank sums (NIC offload: EFA's DMA): 1 MiB keeps blocks up to 1 MiB
 * whole and gives the multi-MiB blocks of large vectors a pipeline several
 * chunks deep.  libfabric shm moves a large message with the receiving
 * CPU (CMA), so nothing overlaps the sum, and each extra chunk adds a
 * hand-off between the ranks: measured here, 2 chunks per 2 MiB block cost
 * 10-30% at 4 MiB and 8 chunks 30% at 16 MiB, so shm sends blocks whole.
 * FS_COLL_CHUNK=BYTES overrides either (tuning on a new fabric).
 */
#define FS_COLL_DEFAULT_CHUNK (1024u * 1024u)

static size_t default_chunk(const fs_transport *tp)
{
    return strcmp(tp->provider, "shm") == 0 ? SIZE_MAX : FS_COLL_DEFAULT_CHUNK;
}

static const char *const alg_names[FS_ALG_COUNT] = {
    [FS_ALG_AUTO] = "auto", [FS_ALG_RING] = "ring",
    [FS_ALG_RD] = "rd",     [FS_ALG_RABENSEIFNER] = "rabenseifner",
    [FS_ALG_TREE] = "tree",
};

const char *fs_coll_alg_name(fs_coll_alg alg)
{
    return (alg >= 0 && alg < FS_ALG_COUNT) ? alg_names[alg] : "?";
}

int fs_coll_alg_parse(const char *name, fs_coll_alg *alg)
{
    for (int i = 0; i < FS_ALG_COUNT; i++)
        if (name && strcmp(name, alg_names[i]) == 0) {
            *alg = (fs_coll_alg)i;
            return 0;
        }
    return -1;
}

const char *fs_coll_op_name(fs_coll_op op)
{
    switch (op) {
    case FS_COLL_ALLREDUCE:
        return "allreduce";
    case FS_COLL_REDUCE_SCATTER:
        return "reduce_scatter";
    case FS_COLL_ALLGATHER:
        return "allgather";
    }
    return "?";
}

const char *fs_coll_dtype_name(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return "float32";
    case FS_COLL_FLOAT64:
        return "float64";
    case FS_COLL_BFLOAT16:
        return "bfloat16";
    }
    return "?";
}

size_t fs_coll_dtype_size(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return 4;
    case FS_COLL_FLOAT64:
        return 8;
    case FS_COLL_BFLOAT16:
        return 2;
    }
    return 1;
}

size_t fs_coll_round_count(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks)
{
    size_t p = nranks > 0 ? (size_t)nranks : 1;
    size_t n = bytes / fs_coll_dtype_size(dt);
    if (op == FS_COLL_ALLREDUCE) return n ? n : 1;
    n -= n % p;
    return n ? n : p;
}

size_t fs_coll_round_bytes(fs_coll_op op, size_t bytes, fs_coll_dtype dt, int nranks)
{
    return fs_coll_round_count(op, bytes, dt, nranks) * fs_coll_dtype_size(dt);
}

/*
 * auto.  The cost models (collectives.h) put recursive doubling first while
 * latency dominates (lg p steps), Rabenseifner next (2 lg p steps, the
 * bandwidth-optimal volume) and the ring last (2(p-1) steps, but one
 * neighbour and a pipeline that overlaps transfer and sum when the fabric
 * moves data on its own).  Measured on libfabric shm here with 2 ranks
 * (p50, scripts/bench-allreduce): rd leads up to 256 KiB, ring and
 * rabenseifner from 512 KiB; and a message past the provider's inject size
 * (shm: 4 KiB) costs a CMA round trip, so at 8 KiB rabenseifner's injected
 * half-vectors beat rd's one whole vector 3x.  A rank count that is not a
 * power of two costs rd and rabenseifner an extra whole vector (the fold),
 * which the ring never pays.
 */
fs_coll_alg fs_coll_auto(fs_coll_op op, size_t bytes, int nranks, size_t inject_size)
{
    if (nranks <= 1) return FS_ALG_RING;
    bool pow2 = (nranks & (nranks - 1)) == 0;
    bool rs_injects = pow2 && bytes > inject_size && bytes / 2 <= inject_size;
    switch (op) {
    case FS_COLL_ALLREDUCE:
        if (rs_injects) return FS_ALG_RABENSEIFNER;
        if (bytes <= (256u << 10)) return FS_ALG_RD;
        if (pow2 && bytes <= (4u << 20)) return FS_ALG_RABENSEIFNER;
        return FS_ALG_RING;
    case FS_COLL_REDUCE_SCATTER:
        return pow2 && bytes <= (4u << 20) ? FS_ALG_RABENSEIFNER : FS_ALG_RING;
    case FS_COLL_ALLGATHER:
        return bytes <= (256u << 10) ? FS_ALG_RD : FS_ALG_RING;
    }
    return FS_ALG_RING;
}

int fs_coll_alg_ok(fs_coll_op op, fs_coll_alg alg, int nranks, char *why, size_t whylen)
{
    if (nranks < 1) {
        snprintf(why, whylen, "%s needs at least one rank", fs_coll_op_name(op));
        return FS_EINPUT;
    }
    /* Folding makes rd and rabenseifner run at any rank count; what cannot
     * run is an algorithm that has no form for the operation. */
    if (op == FS_COLL_REDUCE_SCATTER && alg == FS_ALG_RD) {
        snprintf(why, whylen,
                 "algorithm rd has no reduce_scatter form; use rabenseifner (its recursive "
                 "halving), ring or tree");
        return FS_EINPUT;
    }
    if (op == FS_COLL_ALLGATHER && alg == FS_ALG_RABENSEIFNER) {
        snprintf(why, whylen,
                 "algorithm rabenseifner has no allgather form; use rd (its recursive "
                 "doubling half), ring or tree");
        return FS_EINPUT;
    }
    if (alg < 0 || alg >= FS_ALG_COUNT) {
        snprintf(why, whylen, "unknown algorithm; use ring, rd, rabenseifner, tree or auto");
        return FS_EINPUT;
    }
    return 0;
}

int fs_coll_init(fs_coll *c, fs_transport *tp, size_t max_bytes)
{
    memset(c, 0, sizeof *c);
    c->tp = tp;
    c->rank = tp->rank;
    c->nranks = tp->nranks;
    c->max_bytes = max_bytes;
    /* Two vectors: reduce-scatter by halving and the tree keep an
     * accumulator and a receive area, both at the vector's own offsets. */
    c->scratch_bytes = 2 * (max_bytes ? max_bytes : 64);
    size_t alloc = (c->scratch_bytes + 4095) & ~(size_t)4095;
    c->scratch = aligned_alloc(4096, alloc);
    if (!c->scratch)
        return fs_transport_fail(tp, FS_ERUNTIME, "collectives: cannot allocate %zu bytes", alloc);
    int rc = tp->ops->mr_reg(tp, c->scratch, c->scratch_bytes, &c->scratch_mr);
    if (rc) {
        free(c->scratch);
        c->scratch = NULL;
        if (!tp->errmsg[0])
            fs_transport_fail(tp, rc, "collectives: cannot register %zu bytes of scratch",
                              c->scratch_bytes);
        return rc;
    }
    c->chunk_bytes = default_chunk(tp);
    const char *ev = getenv("FS_COLL_CHUNK");
    if (ev) {
        char *end;
        unsigned long long v = strtoull(ev, &end, 10);
        if (end == ev || *end || v == 0 || ev[0] == '-') {
            fs_coll_fini(c);
            return fs_transport_fail(tp, FS_EINPUT,
                                     "FS_COLL_CHUNK=\"%s\": expected a positive byte count", ev);
        }
        c->chunk_bytes = (size_t)v;
    }
    /* The ring keeps two steps of receives posted and a window of sends. */
    size_t rx = tp->caps.rx_depth / 2, tx = tp->caps.tx_depth;
    c->max_chunks = (int)(rx < FS_COLL_MAX_CHUNKS ? rx : FS_COLL_MAX_CHUNKS);
    if (c->max_chunks < 1) c->max_chunks = 1;
    c->tx_limit = (int)(tx < FS_COLL_MAX_TX ? tx : FS_COLL_MAX_TX);
    if (c->tx_limit < 1) c->tx_limit = 1;
    return 0;
}

void fs_coll_fini(fs_coll *c)
{
    if (c->scratch_mr) c->tp->ops->mr_dereg(c->tp, c->scratch_mr);
    free(c->scratch);
    c->scratch = NULL;
    c->scratch_mr = NULL;
}

int fs_coll_send(fs_coll *c, int peer, const void *buf, size_t len, fs_mr *mr, int step)
{
    if (!len) return 0;
    fs_transport *tp = c->tp;
    int rc = tp->ops->isend(tp, peer, buf, len, mr, fs_coll_tag(c, step, 0), &c->sreq[0]);
    return rc ? rc : tp->ops->waitall(tp, &c->sreq[0], 1);
}

int fs_coll_recv(fs_coll *c, int peer, void *buf, size_t len, fs_mr *mr, int step)
{
    if (!len) return 0;
    fs_transport *tp = c->tp;
    int rc = tp->ops->irecv(tp, peer, buf, len, mr, fs_coll_tag(c, step, 0), &c->rreq[0][0]);
    return rc ? rc : tp->ops->waitall(tp, &c->rreq[0][0], 1);
}

int fs_coll_sendrecv(fs_coll *c, int peer, const void *sbuf, size_t slen, fs_mr *smr, void *rbuf,
                     size_t rlen, fs_mr *rmr, int step)
{
    fs_transport *tp = c->tp;
    uint32_t tag = fs_coll_tag(c, step, 0);
    int rc;
    /* Receive first, so a rendezvous send always finds it posted. */
    if (rlen && (rc = tp->ops->irecv(tp, peer, rbuf, rlen, rmr, tag, &c->rreq[0][0]))) return rc;
    /* A failed post leaves the receive posted; the caller reports and stops. */
    if (slen && (rc = tp->ops->isend(tp, peer, sbuf, slen, smr, tag, &c->sreq[0]))) return rc;
    if (rlen && (rc = tp->ops->waitall(tp, &c->rreq[0][0], 1))) return rc;
    if (slen && (rc = tp->ops->waitall(tp, &c->sreq[0], 1))) return rc;
    return 0;
}

/* Which algorithm implements which operation (NULL: none; fs_coll_alg_ok
 * explains the refusal first). */
typedef int (*coll_fn)(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                       size_t count, fs_coll_dtype dt);
static const coll_fn algorithms[3][FS_ALG_COUNT] = {
    [FS_COLL_ALLREDUCE] = {[FS_ALG_RING] = fs_ring_allreduce,
                           [FS_ALG_RD] = fs_rd_allreduce,
                           [FS_ALG_RABENSEIFNER] = fs_rab_allreduce,
                           [FS_ALG_TREE] = fs_tree_allreduce},
    [FS_COLL_REDUCE_SCATTER] = {[FS_ALG_RING] = fs_ring_reduce_scatter,
                                [FS_ALG_RABENSEIFNER] = fs_rab_reduce_scatter,
                                [FS_ALG_TREE] = fs_tree_reduce_scatter},
    [FS_COLL_ALLGATHER] = {[FS_ALG_RING] = fs_ring_allgather,
                           [FS_ALG_RD] = fs_rd_allgather,
                           [FS_ALG_TREE] = fs_tree_allgather},
};

int fs_coll_run(fs_coll *c, fs_coll_op op, fs_coll_alg alg, const void *sbuf, fs_mr *smr,
                void *rbuf, fs_mr *rmr, size_t count, fs_coll_dtype dt)
{
    fs_transport *tp = c->tp;
    size_t es = fs_coll_dtype_size(dt);
    if (op != FS_COLL_ALLREDUCE && count % (size_t)c->nranks)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "%s: %zu elements do not split into %d equal blocks",
                                 fs_coll_op_name(op), count, c->nranks);
    if (count * es > c->max_bytes)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "%s: %zu bytes exceed the %zu the collectives were set up for",
                                 fs_coll_op_name(op), count * es, c->max_bytes);
    if (alg == FS_ALG_AUTO) alg = fs_coll_auto(op, count * es, c->nranks, tp->caps.inject_size);
    char why[160];
    if (fs_coll_alg_ok(op, alg, c->nranks, why, sizeof why))
        return fs_transport_fail(tp, FS_EINPUT, "%s", why);
    c->seq++;
    coll_fn fn = (unsigned)op < 3 && (unsigned)alg < FS_ALG_COUNT ? algorithms[op][alg] : NULL;
    if (fn) return fn(c, sbuf, smr, rbuf, rmr, count, dt);
    return fs_transport_fail(tp, FS_EINPUT, "%s: algorithm %s not available", fs_coll_op_name(op),
                             fs_coll_alg_name(alg));
}
