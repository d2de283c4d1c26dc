/*
 * collectives_bruck.c - Bruck's all-to-all (Bruck et al., IEEE TPDS 1997):
 * ceil(lg p) steps instead of p-1, each moving about half the data, so
 * ceil(lg p) alpha + ceil(lg p) n/2 beta: fewer, larger messages, the better
 * trade while latency dominates (small blocks, many ranks); pairwise wins
 * once the bandwidth term does.
 *
 * 1. Rotate: tmp[i] = the block for rank r+i (tmp in scratch).
 * 2. For k = 1, 2, 4, ... < p: pack the blocks whose index has bit k, send
 *    them to r+k and receive the same indices from r-k.  Afterwards tmp[i]
 *    holds the block rank r-i sent to r.
 * 3. rbuf block (r-i) = tmp[i].
 *
 * Buffers: tmp and the packed send in scratch (n bytes each: scratch holds
 * two vectors), the packed receive in rbuf, which holds nothing until 3.
 * Any p; steps (tags) 1..ceil(lg p).
 */
#include "collectives_impl.h"

#include <string.h>

/* Send len bytes of pack (scratch) to `to` while receiving len bytes from
 * `from` into rbuf; the receive is posted first. */
static int shift(fs_coll *c, int to, const void *pack, int from, void *rbuf, size_t len, fs_mr *rmr,
                 int step)
{
    fs_transport *tp = c->tp;
    uint32_t tag = fs_coll_tag(c, step, 0);
    int rc;
    if (!len) return 0;
    if ((rc = tp->ops->irecv(tp, from, rbuf, len, rmr, tag, &c->rreq[0][0]))) return rc;
    if ((rc = tp->ops->isend(tp, to, pack, len, c->scratch_mr, tag, &c->sreq[0]))) return rc;
    if ((rc = tp->ops->waitall(tp, &c->rreq[0][0], 1))) return rc;
    return tp->ops->waitall(tp, &c->sreq[0], 1);
}

static int bruck(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr, size_t count,
                 fs_coll_dtype dt)
{
    (void)smr;
    int p = c->nranks, r = c->rank, rc;
    size_t blk = count / (size_t)p * fs_coll_dtype_size(dt), n = blk * (size_t)p;
    const char *in = sbuf;
    char *out = rbuf, *tmp = c->scratch, *pack = tmp + n;
    for (int i = 0; i < p; i++)
        memcpy(tmp + (size_t)i * blk, in + (size_t)((r + i) % p) * blk, blk);
    for (int k = 1, step = 1; k < p; k <<= 1, step++) {
        size_t m = 0;
        for (int i = k; i < p; i++)
            if (i & k) memcpy(pack + m++ * blk, tmp + (size_t)i * blk, blk);
        if ((rc = shift(c, (r + k) % p, pack, (r - k + p) % p, out, m * blk, rmr, step))) return rc;
        m = 0;
        for (int i = k; i < p; i++)
            if (i & k) memcpy(tmp + (size_t)i * blk, out + m++ * blk, blk);
    }
    for (int i = 0; i < p; i++)
        memcpy(out + (size_t)((r - i + p) % p) * blk, tmp + (size_t)i * blk, blk);
    return 0;
}

const fs_coll_algorithm fs_coll_bruck = {
    .name = "bruck",
    .summary = "Bruck: ceil(lg p) steps of about half the data each (small blocks)",
    .run = {[FS_COLL_ALLTOALL] = bruck},
};
