/*
 * collectives_ring.c - ring reduce-scatter, all-gather and their sequence,
 * all-reduce, pipelined in chunks.
 *
 * The vector is cut into p blocks (block b: elements fs_split_off(count, p,
 * b) on).  At step g rank r sends block (r - g - shift) to r+1 and receives
 * block (r - g - shift - 1) from r-1; all-reduce runs p-1 reducing steps and
 * p-1 copying steps, reduce-scatter and all-gather p-1 of one kind.  Every
 * block is further cut into nch chunks, and chunk k of step g+1 leaves as
 * soon as chunk k of step g has arrived and been reduced: the transfer of
 * one chunk overlaps the reduction of the previous one, and a step never
 * waits for a whole block.
 *
 * Buffers: received partial blocks land in scratch at the block's own
 * offset and are summed there in place, so no area is reused within a call
 * and nothing is copied; the last reducing step writes the finished block
 * into rbuf (rbuf = sbuf + scratch) and the all-gather half receives
 * straight into rbuf.  Partial sums never sit in rbuf: the all-gather
 * overwrites rbuf blocks while earlier sends of them could, by the
 * interface's contract, still be in flight.
 *
 * Flow control: two steps of receives are posted (<= 2*nch <= rx_depth), and
 * sends go through a FIFO of tx_limit slots; when it is full the oldest send
 * is waited for.  Each wait depends only on operations earlier in every
 * rank's (step, chunk) order, so small depths slow the ring but cannot
 * deadlock it.
 */
#include "collectives_impl.h"

#include <stdio.h>
#include <string.h>

typedef struct ring {
    fs_coll *c;
    fs_coll_op op;
    fs_coll_dtype dt;
    size_t es, count;
    const char *sbuf;
    fs_mr *smr;
    char *rbuf;
    fs_mr *rmr;
    char *tmp;
    fs_mr *tmr;
    int p, r, nsteps, shift, nch;
    int s_head, s_count; /* send FIFO in c->sreq */
    bool rposted[2][FS_COLL_MAX_CHUNKS];
} ring;

static int mod(int a, int p)
{
    return ((a % p) + p) % p;
}

static size_t blk_off(const ring *R, int b)
{
    return fs_split_off(R->count, R->p, b);
}

/* Elements [*off, *off + *len) of chunk k of block b. */
static void chunk_range(const ring *R, int b, int k, size_t *off, size_t *len)
{
    size_t b0 = blk_off(R, b), bn = blk_off(R, b + 1) - b0;
    size_t k0 = fs_split_off(bn, R->nch, k), k1 = fs_split_off(bn, R->nch, k + 1);
    *off = b0 + k0;
    *len = k1 - k0;
}

static int send_block(const ring *R, int g)
{
    return mod(R->r - g - R->shift, R->p);
}
static int recv_block(const ring *R, int g)
{
    return mod(R->r - g - R->shift - 1, R->p);
}

static const char *send_ptr(const ring *R, int g, size_t off, fs_mr **mr)
{
    if (g == 0) {
        *mr = R->smr;
        /* all-gather's input is this rank's block alone. */
        size_t base = R->op == FS_COLL_ALLGATHER ? blk_off(R, R->r) : 0;
        return R->sbuf + (off - base) * R->es;
    }
    /* Partial sums travel from scratch, finished blocks from rbuf. */
    if (R->op == FS_COLL_REDUCE_SCATTER || (R->op == FS_COLL_ALLREDUCE && g < R->p - 1)) {
        *mr = R->tmr;
        return R->tmp + off * R->es;
    }
    *mr = R->rmr;
    return R->rbuf + off * R->es;
}

static char *recv_ptr(const ring *R, int g, size_t off, fs_mr **mr)
{
    bool to_tmp = R->op == FS_COLL_REDUCE_SCATTER || (R->op == FS_COLL_ALLREDUCE && g < R->p - 1);
    *mr = to_tmp ? R->tmr : R->rmr;
    return (to_tmp ? R->tmp : R->rbuf) + off * R->es;
}

/* What arrives at step g while reducing is added in place in scratch,
 * except at the last reducing step, whose sum is final and goes to rbuf. */
static void on_recv(const ring *R, int g, size_t off, size_t len)
{
    int last = R->p - 2; /* the last reducing step */
    if (R->op == FS_COLL_ALLGATHER || g > last) return;
    size_t es = R->es;
    const char *in = R->sbuf + off * es;
    char *t = R->tmp + off * es;
    if (g < last)
        fs_coll_sum(R->dt, t, t, in, len);
    else if (R->op == FS_COLL_ALLREDUCE)
        fs_coll_sum(R->dt, R->rbuf + off * es, in, t, len);
    else
        fs_coll_sum(R->dt, R->rbuf + (off - blk_off(R, R->r)) * es, in, t, len);
}

static int post_send(ring *R, int g, int k)
{
    fs_coll *c = R->c;
    fs_transport *tp = c->tp;
    size_t off, len;
    chunk_range(R, send_block(R, g), k, &off, &len);
    if (!len) return 0;
    int rc;
    if (R->s_count == c->tx_limit) {
        if ((rc = tp->ops->waitall(tp, &c->sreq[R->s_head], 1))) return rc;
        R->s_head = (R->s_head + 1) % c->tx_limit;
        R->s_count--;
    }
    int slot = (R->s_head + R->s_count) % c->tx_limit;
    fs_mr *mr;
    const char *buf = send_ptr(R, g, off, &mr);
    rc = tp->ops->isend(tp, mod(R->r + 1, R->p), buf, len * R->es, mr, fs_coll_tag(c, g, k),
                        &c->sreq[slot]);
    if (rc) return rc;
    R->s_count++;
    return 0;
}

static int post_recv(ring *R, int g, int k)
{
    fs_coll *c = R->c;
    size_t off, len;
    chunk_range(R, recv_block(R, g), k, &off, &len);
    R->rposted[g % 2][k] = false;
    if (!len) return 0;
    fs_mr *mr;
    char *buf = recv_ptr(R, g, off, &mr);
    int rc = c->tp->ops->irecv(c->tp, mod(R->r - 1, R->p), buf, len * R->es, mr,
                               fs_coll_tag(c, g, k), &c->rreq[g % 2][k]);
    if (rc) return rc;
    R->rposted[g % 2][k] = true;
    return 0;
}

static int complete_recv(ring *R, int g, int k)
{
    if (!R->rposted[g % 2][k]) return 0;
    fs_transport *tp = R->c->tp;
    int rc = tp->ops->waitall(tp, &R->c->rreq[g % 2][k], 1);
    if (rc) return rc;
    R->rposted[g % 2][k] = false;
    size_t off, len;
    chunk_range(R, recv_block(R, g), k, &off, &len);
    on_recv(R, g, off, len);
    return 0;
}

static int drain_sends(ring *R)
{
    fs_coll *c = R->c;
    while (R->s_count) {
        int rc = c->tp->ops->waitall(c->tp, &c->sreq[R->s_head], 1);
        if (rc) return rc;
        R->s_head = (R->s_head + 1) % c->tx_limit;
        R->s_count--;
    }
    return 0;
}

static int ring_run(fs_coll *c, fs_coll_op op, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                    size_t count, fs_coll_dtype dt)
{
    ring R = {
        .c = c,
        .op = op,
        .dt = dt,
        .es = fs_coll_dtype_size(dt),
        .count = count,
        .sbuf = sbuf,
        .smr = smr,
        .rbuf = rbuf,
        .rmr = rmr,
        .tmp = c->scratch,
        .tmr = c->scratch_mr,
        .p = c->nranks,
        .r = c->rank,
        .shift = op == FS_COLL_REDUCE_SCATTER ? 1 : 0,
    };
    int p = R.p, rc;
    if (p == 1) {
        memcpy(rbuf, sbuf, count * R.es);
        return 0;
    }
    R.nsteps = op == FS_COLL_ALLREDUCE ? 2 * (p - 1) : p - 1;
    size_t blk_bytes = (count / (size_t)p + (count % (size_t)p != 0)) * R.es;
    size_t chunk = c->chunk_bytes ? c->chunk_bytes : 1; /* SIZE_MAX: whole blocks */
    size_t nch = blk_bytes / chunk + (blk_bytes % chunk != 0);
    R.nch = nch < 1 ? 1 : nch > (size_t)c->max_chunks ? c->max_chunks : (int)nch;

    for (int k = 0; k < R.nch; k++)
        if ((rc = post_recv(&R, 0, k))) return rc;
    for (int k = 0; k < R.nch; k++)
        if ((rc = post_send(&R, 0, k))) return rc;
    if (op == FS_COLL_ALLGATHER) /* own block, while step 0 is in flight */
        memcpy(R.rbuf + blk_off(&R, R.r) * R.es, sbuf, count / (size_t)p * R.es);
    for (int g = 0; g < R.nsteps; g++) {
        for (int k = 0; k < R.nch; k++) {
            if (g + 1 < R.nsteps && (rc = post_recv(&R, g + 1, k))) return rc;
            if ((rc = complete_recv(&R, g, k))) return rc;
            if (g + 1 < R.nsteps && (rc = post_send(&R, g + 1, k))) return rc;
        }
    }
    return drain_sends(&R);
}

static int ring_allreduce(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt)
{
    return ring_run(c, FS_COLL_ALLREDUCE, sbuf, smr, rbuf, rmr, count, dt);
}

static int ring_reduce_scatter(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                               size_t count, fs_coll_dtype dt)
{
    return ring_run(c, FS_COLL_REDUCE_SCATTER, sbuf, smr, rbuf, rmr, count, dt);
}

static int ring_allgather(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt)
{
    return ring_run(c, FS_COLL_ALLGATHER, sbuf, smr, rbuf, rmr, count, dt);
}

extern const fs_coll_algorithm fs_coll_ring;

/* The tag's step field (collectives_impl.h) numbers 2^16 steps and the
 * all-reduce takes 2(p-1): beyond 32769 ranks steps would share tags. */
static int ring_usable(fs_coll_op op, int nranks, char *why, size_t whylen)
{
    long steps = 2L * (nranks - 1);
    if (steps <= 0xFFFFL + 1) return 0;
    char alt[128];
    snprintf(why, whylen,
             "algorithm ring takes %ld steps at %d ranks, more than its tags number "
             "(65536); use %s",
             steps, nranks, fs_coll_alg_list(op, &fs_coll_ring, alt, sizeof alt));
    return FS_EINPUT;
}

const fs_coll_algorithm fs_coll_ring = {
    .name = "ring",
    .summary = "reduce-scatter + all-gather around a ring, pipelined (large vectors)",
    .run = {[FS_COLL_ALLREDUCE] = ring_allreduce,
            [FS_COLL_REDUCE_SCATTER] = ring_reduce_scatter,
            [FS_COLL_ALLGATHER] = ring_allgather},
    .usable = ring_usable,
};
