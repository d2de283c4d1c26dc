/*
 * collectives_rabenseifner.c - Rabenseifner's all-reduce (reduce-scatter by
 * recursive halving, then all-gather by recursive doubling) and the halving
 * half alone as a reduce-scatter.
 *
 * Halving over the p' newranks: with the range [lo, hi) of newranks still
 * shared and d = (hi - lo) / 2, newrank n keeps the half of the range its
 * bit d selects, sends the other half to n ^ d and adds the half it receives.
 * After lg p' steps newrank n owns its own part, so the reduce-scatter needs
 * no reordering; the doubling then undoes the halving.  Every rank sends
 * (p'-1)/p' of the vector in each half: the bandwidth-optimal volume in
 * 2 lg p' steps instead of the ring's 2(p-1).
 *
 * Steps (tags): 0 fold-in, 1..lg p' halving, then (all-reduce) lg p' + 1 ..
 * 2 lg p' doubling, and the fold-out last.
 */
#include "collectives_impl.h"

#include <string.h>

/* Element offset where newrank u's part starts (u = p' gives the end).
 * all-reduce splits the vector evenly over newranks; reduce-scatter keeps
 * whole rank blocks, two of them for a newrank that folded in a partner. */
typedef struct parts {
    fs_fold f;
    size_t count, blk; /* blk > 0: reduce-scatter blocks of blk elements */
} parts;

static size_t part_off(const parts *P, int u)
{
    if (P->blk) return (size_t)fs_fold_first(&P->f, u) * P->blk;
    return fs_split_off(P->count, P->f.p2, u);
}

static int rab_allreduce(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                         size_t count, fs_coll_dtype dt)
{
    size_t es = fs_coll_dtype_size(dt), n = count * es;
    int r = c->rank, rc;
    if (c->nranks == 1) {
        memcpy(rbuf, sbuf, n);
        return 0;
    }
    parts P = {.f = fs_fold_make(r, c->nranks), .count = count, .blk = 0};
    const fs_fold *f = &P.f;
    char *tmp = c->scratch, *out = rbuf;
    if (f->newrank < 0) {
        if ((rc = fs_coll_send(c, r + 1, sbuf, n, smr, 0))) return rc;
        return fs_coll_recv(c, r + 1, rbuf, n, rmr, 2 * f->lg + 1);
    }
    const char *src = sbuf;
    fs_mr *srcmr = smr;
    if (r < 2 * f->rem) {
        if ((rc = fs_coll_recv(c, r - 1, tmp, n, c->scratch_mr, 0))) return rc;
        fs_coll_sum(dt, rbuf, sbuf, tmp, count);
        src = rbuf;
        srcmr = rmr;
    }
    int nr = f->newrank, lo = 0, hi = f->p2, step = 1;
    for (int d = f->p2 / 2; d >= 1; d /= 2, step++) {
        int mid = lo + d, klo, khi, glo, ghi;
        if (nr & d)
            klo = mid, khi = hi, glo = lo, ghi = mid;
        else
            klo = lo, khi = mid, glo = mid, ghi = hi;
        size_t k0 = part_off(&P, klo), k1 = part_off(&P, khi);
        size_t g0 = part_off(&P, glo), g1 = part_off(&P, ghi);
        rc = fs_coll_sendrecv(c, fs_fold_real(f, nr ^ d), src + g0 * es, (g1 - g0) * es, srcmr,
                              tmp + k0 * es, (k1 - k0) * es, c->scratch_mr, step);
        if (rc) return rc;
        fs_coll_sum(dt, out + k0 * es, src + k0 * es, tmp + k0 * es, k1 - k0);
        src = out;
        srcmr = rmr;
        lo = klo;
        hi = khi;
    }
    for (int d = 1; d < f->p2; d *= 2, step++) {
        int pn = nr ^ d, mine = nr & ~(d - 1), theirs = pn & ~(d - 1);
        size_t m0 = part_off(&P, mine), m1 = part_off(&P, mine + d);
        size_t t0 = part_off(&P, theirs), t1 = part_off(&P, theirs + d);
        rc = fs_coll_sendrecv(c, fs_fold_real(f, pn), out + m0 * es, (m1 - m0) * es, rmr,
                              out + t0 * es, (t1 - t0) * es, rmr, step);
        if (rc) return rc;
    }
    if (r < 2 * f->rem) return fs_coll_send(c, r - 1, rbuf, n, rmr, step);
    return 0;
}

static int rab_reduce_scatter(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                              size_t count, fs_coll_dtype dt)
{
    size_t es = fs_coll_dtype_size(dt), n = count * es;
    size_t blk = count / (size_t)c->nranks;
    int r = c->rank, rc;
    if (c->nranks == 1) {
        memcpy(rbuf, sbuf, n);
        return 0;
    }
    parts P = {.f = fs_fold_make(r, c->nranks), .count = count, .blk = blk};
    const fs_fold *f = &P.f;
    /* acc: partial sums at the vector's offsets; tmp: what arrives. */
    char *acc = c->scratch, *tmp = acc + n;
    fs_mr *smr2 = c->scratch_mr;
    if (f->newrank < 0) {
        if ((rc = fs_coll_send(c, r + 1, sbuf, n, smr, 0))) return rc;
        return fs_coll_recv(c, r + 1, rbuf, blk * es, rmr, f->lg + 1);
    }
    const char *src = sbuf;
    fs_mr *srcmr = smr;
    if (r < 2 * f->rem) {
        if ((rc = fs_coll_recv(c, r - 1, tmp, n, smr2, 0))) return rc;
        fs_coll_sum(dt, acc, sbuf, tmp, count);
        src = acc;
        srcmr = smr2;
    }
    int nr = f->newrank, lo = 0, hi = f->p2, step = 1;
    size_t mine0 = (size_t)r * blk, mine1 = mine0 + blk; /* this rank's block */
    for (int d = f->p2 / 2; d >= 1; d /= 2, step++) {
        int mid = lo + d, klo, khi, glo, ghi;
        if (nr & d)
            klo = mid, khi = hi, glo = lo, ghi = mid;
        else
            klo = lo, khi = mid, glo = mid, ghi = hi;
        size_t k0 = part_off(&P, klo), k1 = part_off(&P, khi);
        size_t g0 = part_off(&P, glo), g1 = part_off(&P, ghi);
        rc = fs_coll_sendrecv(c, fs_fold_real(f, nr ^ d), src + g0 * es, (g1 - g0) * es, srcmr,
                              tmp + k0 * es, (k1 - k0) * es, smr2, step);
        if (rc) return rc;
        if (d > 1) {
            fs_coll_sum(dt, acc + k0 * es, src + k0 * es, tmp + k0 * es, k1 - k0);
        } else {
            /* Last step: the kept part is this rank's block (plus the
             * folded partner's in front of it); the block goes to rbuf. */
            fs_coll_sum(dt, acc + k0 * es, src + k0 * es, tmp + k0 * es, mine0 - k0);
            fs_coll_sum(dt, rbuf, src + mine0 * es, tmp + mine0 * es, mine1 - mine0);
        }
        src = acc;
        srcmr = smr2;
        lo = klo;
        hi = khi;
    }
    if (r < 2 * f->rem)
        return fs_coll_send(c, r - 1, acc + (mine0 - blk) * es, blk * es, smr2, step);
    return 0;
}

const fs_coll_algorithm fs_coll_rabenseifner = {
    .name = "rabenseifner",
    .summary = "recursive halving, then doubling: 2 lg p steps",
    .run = {[FS_COLL_ALLREDUCE] = rab_allreduce, [FS_COLL_REDUCE_SCATTER] = rab_reduce_scatter},
};
