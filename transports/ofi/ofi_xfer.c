/*
 * ofi_xfer.c - the data path: post, chunk, respect the queues, progress.
 *
 * A request is cut into chunks of st->chunk bytes (the provider's
 * max_msg_size, 8 KiB under --emulate-efa, the same on every rank).  Each
 * request goes through a FIFO (one for sends and writes, one for
 * receives) so chunks and messages reach the provider in the order they
 * were asked for - the sender's chunks and the receiver's match one to one
 * because the endpoint keeps FI_ORDER_SAS.  The head of a FIFO is posted
 * while the queue has room (tx_attr->size / rx_attr->size); on -FI_EAGAIN
 * the CQ is progressed and the post retried; what cannot go now stays
 * queued and is posted by the next progress call.  Progress is manual:
 * waitall and wait_notify poll the CQ.  Nothing here allocates: an
 * unchunked operation uses the context inside the caller's fs_req, extra
 * chunks in flight take contexts from a pool sized at init.
 *
 * With several rails (--nics) each request goes to the rail ofi_rail_for
 * names, with that rail's queues, limits and chunk size; waits progress
 * every rail.  RMA writes stay on rail 0 (its keys are the ones published).
 *
 * RMA writes carry their chunk count as remote CQ data; the target counts
 * a write once that many chunks with that count have landed (exact when
 * the target waits for everything sent to it, which is how write_lat and
 * write_bw use it), so the interface's write carries no data of its own.
 */
#include "ofi_priv.h"
#include "fs_rte.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* post_one: the queue is full, wait for completions (not an error). */
#define QUEUE_FULL 1

static inline ofi_req *req_of(fs_req *r)
{
    return (ofi_req *)(void *)r->priv;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ofi_pool_init(ofi_state *st)
{
    st->pool_len = st->tx_depth + st->rx_depth;
    st->pool = calloc(st->pool_len, sizeof *st->pool);
    if (!st->pool) return FS_ERUNTIME;
    for (size_t i = 0; i < st->pool_len; i++) {
        st->pool[i].pooled = true;
        st->pool[i].next_free = i + 1 < st->pool_len ? &st->pool[i + 1] : NULL;
    }
    st->free_ops = st->pool;
    return 0;
}

static ofi_op *op_get(ofi_state *st, ofi_req *r)
{
    ofi_op *o;
    if (!r->op_busy) {
        r->op_busy = true;
        o = &r->op;
        o->pooled = false;
    } else {
        o = st->free_ops;
        if (!o) return NULL;
        st->free_ops = o->next_free;
    }
    o->req = r;
    return o;
}

static void op_put(ofi_state *st, ofi_op *o)
{
    if (o->pooled) {
        o->next_free = st->free_ops;
        st->free_ops = o;
    } else {
        o->req->op_busy = false;
    }
}

static void fifo_push(ofi_fifo *q, ofi_req *r)
{
    r->next = NULL;
    r->queued = true;
    if (q->tail)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
}

static void fifo_pop(ofi_fifo *q)
{
    ofi_req *r = q->head;
    q->head = r->next;
    if (!q->head) q->tail = NULL;
    r->queued = false;
}

static const char *kind_name(int kind)
{
    return kind == OFI_SEND ? "send to" : kind == OFI_RECV ? "receive from" : "RMA write to";
}

const char *ofi_hint(const ofi_state *st, int fi_err, int prov_errno)
{
    static _Thread_local char buf[300];
    const char *cause = "";
    if (fi_err == FI_ENOMEM || prov_errno == 4112)
        cause = " (likely cause: the locked-memory limit; run `ulimit -l unlimited`, and set "
                "FI_EFA_USE_HUGE_PAGE=0 if fork fails with ENOMEM)";
    else if (st && st->efa && (prov_errno == 4124 || prov_errno == 4126 || prov_errno == 13))
        cause = " (unresponsive receiver: the instances' security group must allow all inbound "
                "and outbound traffic to itself, or the peer process died)";
    else if (fi_err == FI_EBUSY && st && st->info &&
             strcmp(st->info->fabric_attr->prov_name, "shm") == 0)
        cause = " (likely cause: a killed run left its shared-memory region under this process "
                "id; remove the /dev/shm/PID:* files whose process no longer exists)";
    else if (st && st->efa && prov_errno == 15)
        cause = " (peer unreachable by the EFA device: check the security group rules and that "
                "both instances share a subnet)";
    snprintf(buf, sizeof buf, "%s%s", fi_strerror(fi_err), cause);
    return buf;
}

/* Count one arrived RMA chunk whose message has n chunks. */
static void note_write(ofi_state *st, uint32_t n)
{
    if (n <= 1) {
        st->notified++;
        return;
    }
    int slot = -1;
    for (int i = 0; i < OFI_PARTIAL_SLOTS; i++) {
        if (st->partial[i].n == n) {
            slot = i;
            break;
        }
        if (slot < 0 && st->partial[i].n == 0) slot = i;
    }
    if (slot < 0 || (st->partial[slot].n != n && st->partial[slot].n != 0)) {
        st->fatal = FS_ERUNTIME;
        snprintf(st->cq_err, sizeof st->cq_err,
                 "more than %d differently chunked RMA writes in flight", OFI_PARTIAL_SLOTS);
        return;
    }
    st->partial[slot].n = n;
    if (++st->partial[slot].cnt == n) {
        st->notified++;
        st->partial[slot].n = 0;
        st->partial[slot].cnt = 0;
    }
}

static void finish_op(ofi_state *st, ofi_op *o)
{
    ofi_req *r = o->req;
    if (r->kind == OFI_RECV)
        st->rx_out--;
    else
        st->tx_out--;
    r->done++;
    op_put(st, o);
}

static void cq_error(ofi_state *st)
{
    struct fi_cq_err_entry e;
    memset(&e, 0, sizeof e);
    ssize_t rc = fi_cq_readerr(st->cq, &e, 0);
    if (rc < 0) {
        st->fatal = FS_ERUNTIME;
        snprintf(st->cq_err, sizeof st->cq_err, "fi_cq_readerr failed: %s", fi_strerror((int)-rc));
        return;
    }
    char detail[160] = "";
    if (e.prov_errno) {
        const char *s = fi_cq_strerror(st->cq, e.prov_errno, e.err_data, NULL, 0);
        snprintf(detail, sizeof detail, "; provider error %d: %s", e.prov_errno, s ? s : "?");
    }
    ofi_op *o = e.op_context;
    if (!o) {
        st->fatal = FS_ERUNTIME;
        snprintf(st->cq_err, sizeof st->cq_err, "completion error without a request: %s%s",
                 ofi_hint(st, e.err, e.prov_errno), detail);
        return;
    }
    ofi_req *r = o->req;
    if (e.err == FI_ETRUNC)
        snprintf(st->cq_err, sizeof st->cq_err,
                 "message from rank %d is longer than the %zu-byte receive posted for it", r->peer,
                 o->len);
    else
        snprintf(st->cq_err, sizeof st->cq_err, "%s rank %d (%zu bytes) failed: %s%s",
                 kind_name(r->kind), r->peer, o->len, ofi_hint(st, e.err, e.prov_errno), detail);
    r->err = FS_ERUNTIME;
    finish_op(st, o);
}

/* Polls of an empty CQ a spinning reap() makes before it returns, so the
 * caller's watchdog and yield checks still get their turn. */
#define SPIN_POLLS 256

/* Read the CQ and account for what completed.  With `spin` (nothing is
 * queued for posting, so there is nothing to do but wait) keep polling in
 * a loop as bare as a hand-written one: the time between polls is the
 * latency this adds.  Returns completions seen (>= 0) or < 0 on error. */
static int reap(ofi_state *st, size_t want, bool spin)
{
    struct fi_cq_data_entry e[16];
    /* Ask for no more than can come: reading fewer entries is measurably
     * cheaper per call on shm. */
    if (want == 0) want = 1;
    if (want > 16) want = 16;
    ssize_t n = fi_cq_read(st->cq, e, want);
    for (int polls = 0; n == -FI_EAGAIN && spin && polls < SPIN_POLLS; polls++)
        n = fi_cq_read(st->cq, e, want);
    if (n == -FI_EAGAIN) return 0;
    if (n == -FI_EAVAIL) {
        cq_error(st);
        return 1;
    }
    if (n < 0) {
        st->fatal = FS_ERUNTIME;
        snprintf(st->cq_err, sizeof st->cq_err, "fi_cq_read failed: %s", fi_strerror((int)-n));
        return FS_ERUNTIME;
    }
    /* --nics: one clock read per CQ read (ofi_pace). */
    double t = st->pace ? now_s() : 0;
    ofi_pace_read rd = ofi_pace_begin(&st->pace_rx);
    for (ssize_t i = 0; i < n; i++) {
        uint64_t f = e[i].flags;
        if ((f & FI_REMOTE_WRITE) || ((f & FI_REMOTE_CQ_DATA) && !(f & (FI_RECV | FI_SEND)))) {
            /* EFA carries 4 bytes of CQ data: only the low 32 bits count. */
            note_write(st, (uint32_t)(e[i].data & 0xffffffffu));
            continue;
        }
        ofi_op *o = e[i].op_context;
        ofi_req *r = o->req;
        if (r->kind == OFI_RECV && e[i].len != o->len) {
            r->err = FS_ERUNTIME;
            snprintf(st->cq_err, sizeof st->cq_err,
                     "message from rank %d has %zu bytes where %zu were expected (send and "
                     "receive lengths must match)",
                     r->peer, (size_t)e[i].len, o->len);
        }
        if (st->pace && r->kind == OFI_RECV) ofi_pace_rx(&st->pace_rx, &rd, o->mark, o->len);
        finish_op(st, o);
    }
    if (st->pace) ofi_pace_end(&st->pace_rx, &rd, t);
    return (int)n;
}

/* Post the next chunk of r.  0, QUEUE_FULL, -FI_EAGAIN or another -FI_E*. */
static int post_one(ofi_state *st, ofi_req *r)
{
    size_t off = r->posted ? r->posted * st->chunk : 0;
    size_t n = r->len - off < st->chunk ? r->len - off : st->chunk;
    char *p = r->buf + off;
    ssize_t rc;

    if (r->kind == OFI_SEND && r->nchunks == 1 && st->inject > 0 && n <= st->inject) {
        /* No completion will come: the request is done when this returns. */
        rc = fi_tinject(st->ep, p, n, r->addr, r->tag);
        if (rc) return (int)rc;
        st->injected++;
        r->posted++;
        r->done++;
        return 0;
    }
    if (r->kind == OFI_RECV) {
        if (st->rx_out >= st->rx_depth) return QUEUE_FULL;
    } else {
        if (st->tx_out >= st->tx_depth) return QUEUE_FULL;
        /* EFA's device queue refuses a send before tx_attr->size is
         * reached; the emulation makes the 9th outstanding one do so. */
        if (st->emulate && st->tx_out >= OFI_EMU_TX_QUEUE) return -FI_EAGAIN;
    }
    ofi_op *o = op_get(st, r);
    if (!o) return QUEUE_FULL;
    o->len = n;
    switch (r->kind) {
    case OFI_SEND:
        rc = fi_tsend(st->ep, p, n, r->desc, r->addr, r->tag, &o->ctx);
        break;
    case OFI_RECV:
        rc = fi_trecv(st->ep, p, n, r->desc, r->addr, r->tag, 0, &o->ctx);
        break;
    default:
        rc = fi_writedata(st->ep, p, n, r->desc, (uint64_t)r->nchunks, r->addr, r->raddr + off,
                          r->rkey, &o->ctx);
        break;
    }
    if (rc) {
        op_put(st, o);
        return (int)rc;
    }
    r->posted++;
    if (r->kind == OFI_RECV) {
        o->mark = st->pace_rx.done;
        if (++st->rx_out > st->rx_hwm) st->rx_hwm = st->rx_out;
    } else {
        if (++st->tx_out > st->tx_hwm) st->tx_hwm = st->tx_out;
    }
    return 0;
}

/* Post from the head of q while the provider takes it.  On -FI_EAGAIN the
 * request stays at the head: the caller's loop progresses the CQ (which
 * frees the provider's resources) and comes back, having refilled the
 * other queue meanwhile - spinning here instead would starve the receives
 * the peer's sends are waiting for. */
static int kick(ofi_state *st, ofi_fifo *q)
{
    ofi_req *r;
    while ((r = q->head) != NULL) {
        int rc = post_one(st, r);
        if (rc == 0) {
            if (r->posted == r->nchunks) fifo_pop(q);
            continue;
        }
        if (rc == QUEUE_FULL) return 0;
        if (rc == -FI_EAGAIN) {
            st->eagain++;
            return 0;
        }
        fifo_pop(q);
        r->err = FS_ERUNTIME;
        snprintf(st->cq_err, sizeof st->cq_err, "posting a %s rank %d (%zu bytes) failed: %s",
                 kind_name(r->kind), r->peer, r->len, ofi_hint(st, -rc, 0));
        return FS_ERUNTIME;
    }
    return 0;
}

static int progress(ofi_state *st)
{
    if (st->txq.head && kick(st, &st->txq)) return FS_ERUNTIME;
    if (st->rxq.head && kick(st, &st->rxq)) return FS_ERUNTIME;
    return 0;
}

static int check_peer(fs_transport *tp, int peer)
{
    if (peer < 0 || peer >= tp->nranks)
        return fs_transport_fail(tp, FS_ERUNTIME, "ofi: peer rank %d out of range [0,%d)", peer,
                                 tp->nranks);
    return 0;
}

static int check_buf(fs_transport *tp, ofi_state *st, const void *buf, size_t len, fs_mr *mr)
{
    if (len == 0) return 0;
    if (!mr) {
        if (st->pass_desc || st->emulate)
            return fs_transport_fail(tp, FS_ERUNTIME,
                                     "ofi: provider %s needs registered buffers (FI_MR_LOCAL) "
                                     "but a buffer came without its fs_mr",
                                     tp->provider);
        return 0;
    }
    const char *b = buf;
    if (b < mr->buf || len > mr->len || (size_t)(b - mr->buf) > mr->len - len)
        return fs_transport_fail(tp, FS_ERUNTIME,
                                 "ofi: buffer [%p, +%zu) lies outside its registration", buf, len);
    return 0;
}

static void req_init(ofi_state *st, ofi_req *r, int kind, int peer, const void *buf, size_t len,
                     fs_mr *mr)
{
    r->kind = (uint8_t)kind;
    r->peer = peer;
    r->addr = st->addrs[peer];
    r->buf = (char *)(uintptr_t)buf;
    r->len = len;
    r->st = st;
    r->desc = (st->pass_desc && mr) ? mr->desc[st->index] : NULL;
    /* No division on the common unchunked path: it costs tens of cycles. */
    r->nchunks = len <= st->chunk ? 1 : (len - 1) / st->chunk + 1;
    r->posted = r->done = 0;
    r->err = 0;
    r->op_busy = false;
    r->queued = false;
    if (r->nchunks > 1) st->chunked++;
}

static int submit(fs_transport *tp, ofi_state *st, ofi_fifo *q, ofi_req *r)
{
    if (q->head) {
        /* Others are waiting: keep the order. */
        st->deferred++;
        fifo_push(q, r);
        if (kick(st, q)) return fs_transport_fail(tp, FS_ERUNTIME, "%s", st->cq_err);
        return 0;
    }
    /* Nothing ahead (the latency path): post straight away. */
    while (r->posted < r->nchunks) {
        int rc = post_one(st, r);
        if (rc == 0) continue;
        if (rc == QUEUE_FULL || rc == -FI_EAGAIN) {
            if (rc == -FI_EAGAIN) st->eagain++;
            st->deferred++;
            fifo_push(q, r); /* the wait loop posts the rest */
            return 0;
        }
        r->err = FS_ERUNTIME;
        return fs_transport_fail(tp, FS_ERUNTIME, "posting a %s rank %d (%zu bytes) failed: %s",
                                 kind_name(r->kind), r->peer, r->len, ofi_hint(st, -rc, 0));
    }
    return 0;
}

int ofi_isend(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag,
              fs_req *req)
{
    ofi_rails *R = tp->priv;
    if (!R->rail->tagged)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "fabric \"%s\" has no tagged messages; only RMA benchmarks run "
                                 "on it",
                                 tp->fabric);
    int rc = check_peer(tp, peer);
    if (rc) return rc;
    ofi_state *st = ofi_rail_for(R, peer, tag, true);
    rc = check_buf(tp, st, buf, len, mr);
    if (rc) return rc;
    ofi_req *r = req_of(req);
    uint64_t tag64 = ((uint64_t)(uint32_t)st->rank << 32) | tag;
    st->tx_bytes += len;
    if (len <= st->inject && st->inject > 0 && !st->txq.head) {
        /* The latency path, kept short: every instruction here is on the
         * round trip.  No completion will come for an injected send. */
        ssize_t rc = fi_tinject(st->ep, buf, len, st->addrs[peer], tag64);
        if (rc == 0) {
            r->kind = OFI_SEND;
            r->st = st;
            r->peer = peer;
            r->len = len;
            r->nchunks = r->posted = r->done = 1;
            r->err = 0;
            r->queued = false;
            st->injected++;
            return 0;
        }
        if (rc != -FI_EAGAIN)
            return fs_transport_fail(tp, FS_ERUNTIME, "fi_tinject to rank %d failed: %s", peer,
                                     ofi_hint(st, (int)-rc, 0));
        st->eagain++; /* the general path queues it */
    }
    req_init(st, r, OFI_SEND, peer, buf, len, mr);
    r->tag = tag64;
    return submit(tp, st, &st->txq, r);
}

int ofi_irecv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag,
              fs_req *req)
{
    ofi_rails *R = tp->priv;
    if (!R->rail->tagged)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "fabric \"%s\" has no tagged messages; only RMA benchmarks run "
                                 "on it",
                                 tp->fabric);
    int rc = check_peer(tp, peer);
    if (rc) return rc;
    ofi_state *st = ofi_rail_for(R, peer, tag, false);
    rc = check_buf(tp, st, buf, len, mr);
    if (rc) return rc;
    ofi_req *r = req_of(req);
    st->rx_bytes += len;
    /* The sender's rank rides in the upper half of the tag. */
    uint64_t tag64 = ((uint64_t)(uint32_t)peer << 32) | tag;
    if (len <= st->chunk && !st->rxq.head && st->rx_out < st->rx_depth) {
        /* The latency path: one operation on the request's own context
         * (the initiator posts this before its ping, so it is timed). */
        r->kind = OFI_RECV;
        r->st = st;
        r->peer = peer;
        r->len = len;
        r->buf = buf;
        r->nchunks = 1;
        r->posted = 1;
        r->done = 0;
        r->err = 0;
        r->queued = false;
        r->op_busy = true;
        r->op.req = r;
        r->op.pooled = false;
        r->op.len = len;
        ssize_t rc = fi_trecv(st->ep, buf, len, (st->pass_desc && mr) ? mr->desc[st->index] : NULL,
                              st->addrs[peer], tag64, 0, &r->op.ctx);
        if (rc == 0) {
            r->op.mark = st->pace_rx.done;
            if (++st->rx_out > st->rx_hwm) st->rx_hwm = st->rx_out;
            return 0;
        }
        if (rc != -FI_EAGAIN)
            return fs_transport_fail(tp, FS_ERUNTIME, "fi_trecv from rank %d failed: %s", peer,
                                     ofi_hint(st, (int)-rc, 0));
        st->eagain++; /* the general path queues it */
    }
    req_init(st, r, OFI_RECV, peer, buf, len, mr);
    r->tag = tag64;
    return submit(tp, st, &st->rxq, r);
}

int ofi_write_notify(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                     const fs_rkey *dst, uint64_t offset, fs_req *req)
{
    ofi_rails *R = tp->priv;
    ofi_state *st = R->rail; /* rail 0: the published keys are its */
    if (!st->rma)
        return fs_transport_fail(tp, FS_EINPUT, "provider %s (fabric %s) has no RMA write",
                                 tp->provider, tp->fabric);
    int rc = check_peer(tp, peer);
    if (!rc) rc = check_buf(tp, st, buf, len, mr);
    if (rc) return rc;
    st->tx_bytes += len;
    ofi_req *r = req_of(req);
    req_init(st, r, OFI_WRITE, peer, buf, len, mr);
    if (r->nchunks > UINT32_MAX)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "RMA write of %zu bytes needs more than 2^32 chunks of %zu", len,
                                 st->chunk);
    r->raddr = dst->addr + offset;
    r->rkey = dst->key;
    r->tag = 0;
    return submit(tp, st, &st->txq, r);
}

void ofi_progress_hook(void *arg)
{
    ofi_rails *R = arg;
    for (int k = 0; k < R->nrails; k++) {
        ofi_state *st = &R->rail[k];
        if (st->fatal) continue;
        if (progress(st)) {
            /* A request failed to post: its waitall reports it. */
            continue;
        }
        /* Reading the CQ is what advances the provider (rxm flushes its
         * buffered sends, tcp reads its sockets); completions found are
         * accounted as a wait would. */
        (void)reap(st, 16, false);
    }
}

/* Read the clock every `stride` idle rounds (a spinning round already
 * polled many times). */
static bool timed_out(ofi_state *st, double *deadline, unsigned *idle, unsigned stride)
{
    if (st->timeout_s <= 0 || (++*idle % stride) != 0) return false;
    double t = now_s();
    if (*deadline == 0) {
        *deadline = t + st->timeout_s;
        return false;
    }
    return t > *deadline;
}

/* A rank with nothing to reap gives up its core to the ranks and kernel
 * work that have something to do, instead of spinning, when the ranks
 * outnumber the cores (fs_transport_opts.yield_idle). */
static bool yield_when_idle(const ofi_state *st)
{
    return st->yield_idle;
}

static int unfinished(fs_transport *tp, const ofi_req *r, int left, int n, double timeout_s)
{
    const ofi_state *st = r->st;
    return fs_transport_fail(tp, FS_ETIMEOUT,
                             "no progress for %.1f s: %d of %d requests unfinished, first a %s "
                             "rank %d of %zu bytes on %s (%zu posted, %zu of %zu chunks done; "
                             "%zu sends, %zu receives outstanding there); is the peer alive and "
                             "posting the matching operation?",
                             timeout_s, left, n, kind_name(r->kind), r->peer, r->len,
                             st->info->domain_attr->name, r->posted, r->done, r->nchunks,
                             st->tx_out, st->rx_out);
}

/* One rail: the loop a hand-written benchmark would have. */
static int wait_one_rail(fs_transport *tp, ofi_state *st, fs_req *reqs, int n)
{
    double deadline = 0;
    unsigned idle = 0;
    int first = 0; /* requests before this one are finished */
    for (;;) {
        if (progress(st)) return fs_transport_fail(tp, FS_ERUNTIME, "%s", st->cq_err);
        while (first < n) {
            ofi_req *r = req_of(&reqs[first]);
            if (r->err) return fs_transport_fail(tp, r->err, "%s", st->cq_err);
            if (r->done < r->nchunks) break;
            first++;
        }
        if (first == n) return 0;
        bool spin = !st->txq.head && !st->rxq.head && !yield_when_idle(st);
        int got = reap(st, st->tx_out + st->rx_out, spin);
        if (got < 0 || st->fatal)
            return fs_transport_fail(tp, st->fatal ? st->fatal : FS_ERUNTIME, "%s", st->cq_err);
        if (got > 0) {
            fs_rte_heartbeat(); /* fabscale-bench's watchdog counts completions */
            deadline = 0;       /* progress was made: restart the watchdog */
            idle = 0;
        } else if (timed_out(st, &deadline, &idle, spin ? 4 : 1024)) {
            return unfinished(tp, req_of(&reqs[first]), n - first, n, st->timeout_s);
        } else if (yield_when_idle(st)) {
            sched_yield();
        }
    }
}

/* Several rails: every CQ is read on every round (an idle rail's provider
 * may hold sends it reported done), none with a spin that starves the
 * others. */
static int wait_rails(fs_transport *tp, ofi_rails *R, fs_req *reqs, int n)
{
    double deadline = 0;
    unsigned idle = 0;
    int first = 0;
    for (;;) {
        for (int k = 0; k < R->nrails; k++)
            if (progress(&R->rail[k]))
                return fs_transport_fail(tp, FS_ERUNTIME, "%s", R->rail[k].cq_err);
        while (first < n) {
            ofi_req *r = req_of(&reqs[first]);
            if (r->err) return fs_transport_fail(tp, r->err, "%s", r->st->cq_err);
            if (r->done < r->nchunks) break;
            first++;
        }
        if (first == n) return 0;
        int got = 0;
        for (int k = 0; k < R->nrails; k++) {
            ofi_state *st = &R->rail[k];
            int g = reap(st, st->tx_out + st->rx_out, false);
            if (g < 0 || st->fatal)
                return fs_transport_fail(tp, st->fatal ? st->fatal : FS_ERUNTIME, "%s", st->cq_err);
            got += g;
        }
        if (got > 0) {
            fs_rte_heartbeat();
            deadline = 0;
            idle = 0;
        } else if (timed_out(R->rail, &deadline, &idle, 1024)) {
            return unfinished(tp, req_of(&reqs[first]), n - first, n, R->rail->timeout_s);
        } else if (yield_when_idle(R->rail)) {
            sched_yield();
        }
    }
}

int ofi_waitall(fs_transport *tp, fs_req *reqs, int n)
{
    ofi_rails *R = tp->priv;
    return R->nrails == 1 ? wait_one_rail(tp, R->rail, reqs, n) : wait_rails(tp, R, reqs, n);
}

int ofi_wait_notify(fs_transport *tp, long count)
{
    ofi_rails *R = tp->priv;
    ofi_state *st = R->rail; /* writes land on rail 0 */
    double deadline = 0;
    unsigned idle = 0;
    while (st->notified < count) {
        int got = 0;
        bool spin = false;
        for (int k = 0; k < R->nrails; k++) {
            ofi_state *s = &R->rail[k];
            if (progress(s)) return fs_transport_fail(tp, FS_ERUNTIME, "%s", s->cq_err);
            /* Remote writes are not counted in our queues: read a full batch. */
            spin = R->nrails == 1 && !s->txq.head && !s->rxq.head && !yield_when_idle(s);
            int g = reap(s, 16, spin);
            if (g < 0 || s->fatal)
                return fs_transport_fail(tp, s->fatal ? s->fatal : FS_ERUNTIME, "%s", s->cq_err);
            got += g;
        }
        if (got > 0) {
            fs_rte_heartbeat(); /* fabscale-bench's watchdog counts completions */
            deadline = 0;
            idle = 0;
        } else if (timed_out(st, &deadline, &idle, spin ? 4 : 1024)) {
            return fs_transport_fail(tp, FS_ETIMEOUT,
                                     "no progress for %.1f s: %ld of %ld RMA write notifications "
                                     "arrived",
                                     st->timeout_s, st->notified, count);
        } else if (yield_when_idle(st)) {
            sched_yield();
        }
    }
    st->notified -= count;
    return 0;
}
