/*
 * collectives_pairwise.c - pairwise exchange: all-to-all and all-to-all-v.
 *
 * At step s (1..p-1) rank r sends its block for r+s and receives the block
 * of r-s: every step is a permutation, so no rank receives from two at once
 * and each link carries one block per step: (p-1) alpha + (p-1)/p n beta,
 * the bandwidth-optimal schedule for large blocks (Thakur, Rabenseifner &
 * Gropp 2005).  The own block is a local copy, done while the first steps
 * are in flight.
 *
 * Window: steps run in batches of w, each batch's receives posted before
 * its sends (a rendezvous send finds its receive) and all of it waited for
 * before the next.  w is bounded by the request slots, the provider's
 * queue depths and FS_A2A_WINDOW_BYTES of blocks in flight: small blocks
 * go out together (one wait for many steps), large ones keep the classic
 * one-step exchange, so the data a provider holds in bounce buffers or
 * pins at once stays bounded however large the call.
 *
 * All-to-all-v uses the same schedule with c->v's counts; zero-length
 * blocks are skipped on both sides (the layout is consistent).
 */
#include "collectives_impl.h"

#include <string.h>

/* Bytes of blocks one batch keeps in flight per direction. */
#define FS_A2A_WINDOW_BYTES (4u << 20)

typedef struct a2a_blocks {
    size_t scount, sdispl, rcount, rdispl; /* elements */
} a2a_blocks;

/* What this rank sends to and receives from peer: c->v's layout, or the
 * uniform one of count elements. */
static a2a_blocks blocks(const fs_coll *c, int sto, int rfrom, size_t count)
{
    if (c->v)
        return (a2a_blocks){c->v->scounts[sto], c->v->sdispls[sto], c->v->rcounts[rfrom],
                            c->v->rdispls[rfrom]};
    size_t blk = count / (size_t)c->nranks;
    return (a2a_blocks){blk, (size_t)sto * blk, blk, (size_t)rfrom * blk};
}

static int batch_steps(const fs_coll *c, size_t count, size_t es)
{
    int p = c->nranks, w = p - 1;
    size_t biggest = 0;
    for (int d = 0; d < p; d++) {
        a2a_blocks b = blocks(c, d, d, count);
        size_t m = (b.scount > b.rcount ? b.scount : b.rcount) * es;
        if (m > biggest) biggest = m;
    }
    if (biggest > 0 && (size_t)w > FS_A2A_WINDOW_BYTES / biggest)
        w = (int)(FS_A2A_WINDOW_BYTES / biggest);
    size_t rx = c->tp->caps.rx_depth;
    if (w > c->tx_limit) w = c->tx_limit;
    if ((size_t)w > rx) w = (int)rx;
    if (w > 2 * FS_COLL_MAX_CHUNKS) w = 2 * FS_COLL_MAX_CHUNKS; /* rreq's slots */
    return w < 1 ? 1 : w;
}

static int pairwise(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr, size_t count,
                    fs_coll_dtype dt)
{
    fs_transport *tp = c->tp;
    size_t es = fs_coll_dtype_size(dt);
    int p = c->nranks, r = c->rank, w = batch_steps(c, count, es), rc = 0;
    fs_req *rreq = &c->rreq[0][0]; /* 2 * FS_COLL_MAX_CHUNKS contiguous slots */
    const char *in = sbuf;
    char *out = rbuf;
    bool copied = false;
    for (int first = 1; first < p || !copied; first += w) {
        int last = first + w < p ? first + w : p, nr = 0, ns = 0;
        for (int s = first; s < last; s++) {
            int from = (r - s + p) % p;
            a2a_blocks b = blocks(c, from, from, count);
            if (b.rcount && (rc = tp->ops->irecv(tp, from, out + b.rdispl * es, b.rcount * es, rmr,
                                                 fs_coll_tag(c, s, 0), &rreq[nr++])))
                return rc;
        }
        for (int s = first; s < last; s++) {
            int to = (r + s) % p;
            a2a_blocks b = blocks(c, to, to, count);
            if (b.scount && (rc = tp->ops->isend(tp, to, in + b.sdispl * es, b.scount * es, smr,
                                                 fs_coll_tag(c, s, 0), &c->sreq[ns++])))
                return rc;
        }
        if (!copied) {
            a2a_blocks b = blocks(c, r, r, count);
            memcpy(out + b.rdispl * es, in + b.sdispl * es, b.scount * es);
            copied = true;
        }
        if (nr && (rc = tp->ops->waitall(tp, rreq, nr))) return rc;
        if (ns && (rc = tp->ops->waitall(tp, c->sreq, ns))) return rc;
    }
    return 0;
}

const fs_coll_algorithm fs_coll_pairwise = {
    .name = "pairwise",
    .summary = "pairwise exchange: p-1 steps of one block, a bounded window (large blocks)",
    .run = {[FS_COLL_ALLTOALL] = pairwise, [FS_COLL_ALLTOALLV] = pairwise},
};
