/*
 * collectives_rd.c - recursive doubling: all-reduce and all-gather.
 *
 * Power-of-two part: at step i newrank n exchanges with n ^ 2^i.  The
 * all-reduce swaps whole vectors and sums (lg p steps of n bytes: the
 * latency-optimal choice for small vectors); the all-gather swaps what each
 * side has collected so far, doubling it each step.
 *
 * Steps (tags): 0 fold-in, 1..lg p' the doubling, lg p' + 1 fold-out.
 * The folded-out rank 2i gives its data to 2i+1 before and receives the
 * whole result from it after (collectives_impl.h, fs_fold).
 */
#include "collectives_impl.h"

#include <string.h>

static int rd_allreduce(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                        size_t count, fs_coll_dtype dt)
{
    size_t n = count * fs_coll_dtype_size(dt);
    int r = c->rank, rc;
    if (c->nranks == 1) {
        memcpy(rbuf, sbuf, n);
        return 0;
    }
    fs_fold f = fs_fold_make(r, c->nranks);
    char *tmp = c->scratch;
    if (f.newrank < 0) {
        if ((rc = fs_coll_send(c, r + 1, sbuf, n, smr, 0))) return rc;
        return fs_coll_recv(c, r + 1, rbuf, n, rmr, f.lg + 1);
    }
    const void *src = sbuf;
    fs_mr *srcmr = smr;
    if (r < 2 * f.rem) {
        if ((rc = fs_coll_recv(c, r - 1, tmp, n, c->scratch_mr, 0))) return rc;
        fs_coll_sum(dt, rbuf, sbuf, tmp, count);
        src = rbuf;
        srcmr = rmr;
    }
    for (int i = 0; i < f.lg; i++) {
        int peer = fs_fold_real(&f, f.newrank ^ (1 << i));
        rc = fs_coll_sendrecv(c, peer, src, n, srcmr, tmp, n, c->scratch_mr, 1 + i);
        if (rc) return rc;
        /* Both partners add the same two operands (in commuted order, which
         * IEEE addition does not mind), so every rank ends bit-identical. */
        fs_coll_sum(dt, rbuf, src, tmp, count);
        src = rbuf;
        srcmr = rmr;
    }
    if (r < 2 * f.rem) return fs_coll_send(c, r - 1, rbuf, n, rmr, f.lg + 1);
    return 0;
}

static int rd_allgather(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                        size_t count, fs_coll_dtype dt)
{
    size_t es = fs_coll_dtype_size(dt), n = count * es;
    size_t blk = count / (size_t)c->nranks * es; /* bytes per rank */
    int r = c->rank, rc;
    char *out = rbuf;
    fs_fold f = fs_fold_make(r, c->nranks);
    if (f.newrank < 0) {
        if ((rc = fs_coll_send(c, r + 1, sbuf, blk, smr, 0))) return rc;
        return fs_coll_recv(c, r + 1, rbuf, n, rmr, f.lg + 1);
    }
    memcpy(out + (size_t)r * blk, sbuf, blk);
    if (r < 2 * f.rem && (rc = fs_coll_recv(c, r - 1, out + (size_t)(r - 1) * blk, blk, rmr, 0)))
        return rc;
    /* Newrank u holds the blocks of real ranks fs_fold_first(u) on; the
     * d newranks aligned at a multiple of d hold one contiguous range. */
    for (int i = 0; i < f.lg; i++) {
        int d = 1 << i, pn = f.newrank ^ d;
        int mine = f.newrank & ~(d - 1), theirs = pn & ~(d - 1);
        size_t m0 = (size_t)fs_fold_first(&f, mine) * blk;
        size_t m1 = (size_t)fs_fold_first(&f, mine + d) * blk;
        size_t t0 = (size_t)fs_fold_first(&f, theirs) * blk;
        size_t t1 = (size_t)fs_fold_first(&f, theirs + d) * blk;
        rc = fs_coll_sendrecv(c, fs_fold_real(&f, pn), out + m0, m1 - m0, rmr, out + t0, t1 - t0,
                              rmr, 1 + i);
        if (rc) return rc;
    }
    if (r < 2 * f.rem) return fs_coll_send(c, r - 1, rbuf, n, rmr, f.lg + 1);
    return 0;
}

const fs_coll_algorithm fs_coll_rd = {
    .name = "rd",
    .summary = "recursive doubling: lg p whole-vector steps (small vectors)",
    .run = {[FS_COLL_ALLREDUCE] = rd_allreduce, [FS_COLL_ALLGATHER] = rd_allgather},
};
