/*
 * collectives_tree.c - binomial trees rooted at rank 0: all-reduce as reduce
 * + broadcast, reduce-scatter as reduce + scatter, all-gather as gather +
 * broadcast.  2 lg p steps, but rank 0 sends and receives the whole vector
 * lg p times: the textbook baseline the other algorithms are measured
 * against, and fine for tiny vectors.  Works at any p without folding.
 *
 * Rank r's subtree is [r, r + lowbit(r)) (rank 0: all ranks), so its blocks
 * are contiguous.  Steps (tags): the upward phase uses the bit of the mask
 * (0 .. L-1, L = ceil(lg p)); the downward phase L + (L-1 - bit), so the root's
 * first (largest) send is step L.
 */
#include "collectives_impl.h"

#include <string.h>

static int lowbit(int r)
{
    return r & -r;
}

static int top_mask(const fs_coll *c)
{
    return c->rank ? lowbit(c->rank) : 1 << fs_log2i(c->nranks);
}

static int down_step(const fs_coll *c, int mask)
{
    int L = fs_log2i(c->nranks);
    return L + (L - 1 - fs_log2i(mask));
}

/* Reduce n-element vectors to rank 0.  acc/accmr receive the partial sum;
 * returns in *res where this rank's sum ended (sbuf for a leaf). */
static int reduce_up(fs_coll *c, const void *sbuf, fs_mr *smr, char *acc, fs_mr *accmr, char *tmp,
                     size_t count, fs_coll_dtype dt, const void **res)
{
    size_t n = count * fs_coll_dtype_size(dt);
    const void *src = sbuf;
    fs_mr *srcmr = smr;
    int r = c->rank, rc;
    for (int mask = 1, bit = 0; mask < c->nranks; mask <<= 1, bit++) {
        if (r & mask) {
            if ((rc = fs_coll_send(c, r - mask, src, n, srcmr, bit))) return rc;
            break;
        }
        if (r + mask < c->nranks) {
            if ((rc = fs_coll_recv(c, r + mask, tmp, n, c->scratch_mr, bit))) return rc;
            fs_coll_sum(dt, acc, src, tmp, count);
            src = acc;
            srcmr = accmr;
        }
    }
    *res = src;
    return 0;
}

/* Broadcast n bytes of buf from rank 0 (rank 0's data already in buf). */
static int bcast_down(fs_coll *c, void *buf, size_t n, fs_mr *mr)
{
    int r = c->rank, rc, top = top_mask(c);
    if (r && (rc = fs_coll_recv(c, r - top, buf, n, mr, down_step(c, top)))) return rc;
    for (int mask = top / 2; mask >= 1; mask /= 2)
        if (r + mask < c->nranks &&
            (rc = fs_coll_send(c, r + mask, buf, n, mr, down_step(c, mask))))
            return rc;
    return 0;
}

static int tree_allreduce(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt)
{
    size_t n = count * fs_coll_dtype_size(dt);
    const void *res;
    int rc = reduce_up(c, sbuf, smr, rbuf, rmr, c->scratch, count, dt, &res);
    if (rc) return rc;
    if (c->rank == 0 && res != rbuf) memcpy(rbuf, res, n); /* p == 1 */
    return bcast_down(c, rbuf, n, rmr);
}

static int tree_reduce_scatter(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                               size_t count, fs_coll_dtype dt)
{
    size_t es = fs_coll_dtype_size(dt), n = count * es;
    size_t blk = count / (size_t)c->nranks * es; /* bytes per rank */
    char *acc = c->scratch, *tmp = acc + n;
    const char *res;
    int r = c->rank, p = c->nranks, rc;
    rc = reduce_up(c, sbuf, smr, acc, c->scratch_mr, tmp, count, dt, (const void **)&res);
    if (rc) return rc;
    /* Scatter: receive the subtree's blocks, pass the children theirs. */
    int top = top_mask(c), end = r + top < p ? r + top : p;
    fs_mr *resmr = res == sbuf ? smr : c->scratch_mr;
    if (r) {
        /* A leaf's subtree is itself: straight into rbuf. */
        bool leaf = end == r + 1;
        char *dst = leaf ? (char *)rbuf : acc + (size_t)r * blk;
        rc = fs_coll_recv(c, r - top, dst, (size_t)(end - r) * blk, leaf ? rmr : c->scratch_mr,
                          down_step(c, top));
        if (rc) return rc;
        if (leaf) return 0;
        res = acc;
        resmr = c->scratch_mr;
    }
    for (int mask = top / 2; mask >= 1; mask /= 2) {
        int ch = r + mask;
        if (ch >= p) continue;
        int chend = ch + mask < p ? ch + mask : p;
        rc = fs_coll_send(c, ch, res + (size_t)ch * blk, (size_t)(chend - ch) * blk, resmr,
                          down_step(c, mask));
        if (rc) return rc;
    }
    memcpy(rbuf, res + (size_t)r * blk, blk);
    return 0;
}

static int tree_allgather(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt)
{
    (void)smr;
    size_t es = fs_coll_dtype_size(dt), n = count * es;
    size_t blk = count / (size_t)c->nranks * es;
    char *out = rbuf;
    int r = c->rank, p = c->nranks, rc;
    memcpy(out + (size_t)r * blk, sbuf, blk);
    /* Gather: subtree [r, r + mask) collects upward, contiguous in rbuf. */
    for (int mask = 1, bit = 0; mask < p; mask <<= 1, bit++) {
        if (r & mask) {
            int end = r + mask < p ? r + mask : p;
            rc =
                fs_coll_send(c, r - mask, out + (size_t)r * blk, (size_t)(end - r) * blk, rmr, bit);
            if (rc) return rc;
            break;
        }
        int ch = r + mask;
        if (ch < p) {
            int end = ch + mask < p ? ch + mask : p;
            rc = fs_coll_recv(c, ch, out + (size_t)ch * blk, (size_t)(end - ch) * blk, rmr, bit);
            if (rc) return rc;
        }
    }
    return bcast_down(c, rbuf, n, rmr);
}

const fs_coll_algorithm fs_coll_tree = {
    .name = "tree",
    .summary = "binomial tree to rank 0 and back (the textbook baseline)",
    .run = {[FS_COLL_ALLREDUCE] = tree_allreduce,
            [FS_COLL_REDUCE_SCATTER] = tree_reduce_scatter,
            [FS_COLL_ALLGATHER] = tree_allgather},
};
