/* fake_transport.c - see fake_transport.h. */
#include "fake_transport.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_MAX_RANKS 16
#define FAKE_MAX_OPS   1024
#define FAKE_TIMEOUT_S 10

struct fs_mr {
    char *buf;
    size_t len;
    int owner;
    bool live;
    struct fs_mr *next; /* world's list, freed with the world */
};

typedef struct fake_op {
    bool used, is_send, done;
    int owner, peer;
    uint32_t tag;
    char *buf;
    size_t len;
    uint64_t post_id, hash;
    unsigned gen;
    void *staged; /* receive: matched data, delivered at wait */
} fake_op;

typedef struct fake_handle {
    int idx;
    unsigned gen;
    int owner;
} fake_handle;

typedef struct fake_rank {
    fake_world *w;
    int rank;
} fake_rank;

struct fake_world {
    int n;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fake_op ops[FAKE_MAX_OPS];
    uint64_t next_post;
    unsigned next_gen;
    size_t tx_depth, rx_depth;
    size_t out_tx[FAKE_MAX_RANKS], out_rx[FAKE_MAX_RANKS];
    size_t max_tx[FAKE_MAX_RANKS], max_rx[FAKE_MAX_RANKS];
    fake_rec *log[FAKE_MAX_RANKS];
    size_t nlog[FAKE_MAX_RANKS], caplog[FAKE_MAX_RANKS];
    struct fs_mr *mrs;
    bool failed;
    char err[512];
    fs_transport tps[FAKE_MAX_RANKS];
    fake_rank ranks[FAKE_MAX_RANKS];
};

_Static_assert(sizeof(fake_handle) <= sizeof(((fs_req *)0)->priv), "fs_req too small");

/* Record the first error and wake every waiter; call with mu held. */
static int fail_locked(fake_world *w, const char *fmt, ...)
{
    if (!w->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err, sizeof w->err, fmt, ap);
        va_end(ap);
        w->failed = true;
    }
    pthread_cond_broadcast(&w->cv);
    return FS_ERUNTIME;
}

static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static fake_world *world_of(fs_transport *tp)
{
    return ((fake_rank *)tp->priv)->w;
}

static bool overlaps(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static int check_buffer(fake_world *w, int rank, const char *what, const void *buf, size_t len,
                        fs_mr *mr)
{
    if (!mr) return fail_locked(w, "rank %d: %s without a registration", rank, what);
    if (!mr->live || mr->owner != rank)
        return fail_locked(w, "rank %d: %s with a registration it does not own", rank, what);
    const char *b = buf;
    if (b < mr->buf || b + len > mr->buf + mr->len)
        return fail_locked(w, "rank %d: %s of %zu bytes outside its registration", rank, what, len);
    return 0;
}

static int new_op(fake_world *w, int owner, bool is_send, int peer, uint32_t tag, void *buf,
                  size_t len, fs_req *req)
{
    for (int i = 0; i < FAKE_MAX_OPS; i++) {
        if (w->ops[i].used) continue;
        w->ops[i] = (fake_op){.used = true,
                              .is_send = is_send,
                              .owner = owner,
                              .peer = peer,
                              .tag = tag,
                              .buf = buf,
                              .len = len,
                              .post_id = w->next_post++,
                              .gen = ++w->next_gen};
        fake_handle h = {i, w->ops[i].gen, owner};
        memcpy(req->priv, &h, sizeof h);
        return i;
    }
    fail_locked(w, "fake transport: more than %d operations outstanding", FAKE_MAX_OPS);
    return -1;
}

/* Oldest unmatched counterpart of op i, or -1. */
static int find_match(fake_world *w, int i)
{
    fake_op *o = &w->ops[i];
    int best = -1;
    for (int j = 0; j < FAKE_MAX_OPS; j++) {
        fake_op *q = &w->ops[j];
        if (!q->used || q->done || q->is_send == o->is_send) continue;
        if (q->owner != o->peer || q->peer != o->owner || q->tag != o->tag) continue;
        if (best < 0 || q->post_id < w->ops[best].post_id) best = j;
    }
    return best;
}

/* Match send s with receive r: stage the data, complete the send. */
static int complete_pair(fake_world *w, int s, int r)
{
    fake_op *so = &w->ops[s], *ro = &w->ops[r];
    if (so->len != ro->len)
        return fail_locked(w, "rank %d -> %d tag %#x: send of %zu bytes met a receive of %zu",
                           so->owner, ro->owner, so->tag, so->len, ro->len);
    if (hash(so->buf, so->len) != so->hash)
        return fail_locked(w, "rank %d: send buffer to %d (tag %#x) changed while in flight",
                           so->owner, ro->owner, so->tag);
    ro->staged = malloc(so->len ? so->len : 1);
    if (!ro->staged) return fail_locked(w, "fake transport: out of memory");
    memcpy(ro->staged, so->buf, so->len);
    so->done = ro->done = true;
    pthread_cond_broadcast(&w->cv);
    return 0;
}

static int fake_isend(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                      uint32_t tag, fs_req *req)
{
    fake_world *w = world_of(tp);
    int me = tp->rank, rc = 0;
    pthread_mutex_lock(&w->mu);
    if (w->failed) rc = FS_ERUNTIME;
    if (!rc && (peer < 0 || peer >= w->n || peer == me))
        rc = fail_locked(w, "rank %d: send to invalid peer %d", me, peer);
    if (!rc) rc = check_buffer(w, me, "send", buf, len, mr);
    if (!rc && w->out_tx[me] + 1 > w->tx_depth)
        rc = fail_locked(w, "rank %d: more than tx_depth %zu sends outstanding", me, w->tx_depth);
    for (int j = 0; !rc && j < FAKE_MAX_OPS; j++) {
        fake_op *q = &w->ops[j];
        if (q->used && q->owner == me && !q->is_send && overlaps(q->buf, q->len, buf, len))
            rc = fail_locked(w, "rank %d: send buffer overlaps an outstanding receive", me);
    }
    int i = rc ? -1 : new_op(w, me, true, peer, tag, (void *)buf, len, req);
    if (i < 0 && !rc) rc = FS_ERUNTIME;
    if (!rc) {
        w->ops[i].hash = hash(buf, len);
        if (++w->out_tx[me] > w->max_tx[me]) w->max_tx[me] = w->out_tx[me];
        if (w->nlog[me] == w->caplog[me]) {
            size_t cap = w->caplog[me] ? 2 * w->caplog[me] : 256;
            fake_rec *nl = realloc(w->log[me], cap * sizeof *nl);
            if (!nl)
                rc = fail_locked(w, "fake transport: out of memory");
            else {
                w->log[me] = nl;
                w->caplog[me] = cap;
            }
        }
        if (!rc) {
            fake_rec *e = &w->log[me][w->nlog[me]++];
            *e = (fake_rec){.src = me, .dst = peer, .tag = tag, .len = len};
            size_t k = len < 8 ? len : 8;
            memcpy(e->head, buf, k);
            memcpy(e->tail, (const char *)buf + len - k, k);
        }
        int j = rc ? -1 : find_match(w, i);
        if (j >= 0) rc = complete_pair(w, i, j);
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static int fake_irecv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag,
                      fs_req *req)
{
    fake_world *w = world_of(tp);
    int me = tp->rank, rc = 0;
    pthread_mutex_lock(&w->mu);
    if (w->failed) rc = FS_ERUNTIME;
    if (!rc && (peer < 0 || peer >= w->n || peer == me))
        rc = fail_locked(w, "rank %d: receive from invalid peer %d", me, peer);
    if (!rc) rc = check_buffer(w, me, "receive", buf, len, mr);
    if (!rc && w->out_rx[me] + 1 > w->rx_depth)
        rc =
            fail_locked(w, "rank %d: more than rx_depth %zu receives outstanding", me, w->rx_depth);
    for (int j = 0; !rc && j < FAKE_MAX_OPS; j++) {
        fake_op *q = &w->ops[j];
        if (q->used && q->owner == me && overlaps(q->buf, q->len, buf, len))
            rc = fail_locked(w, "rank %d: receive buffer overlaps an outstanding %s", me,
                             q->is_send ? "send" : "receive");
    }
    int i = rc ? -1 : new_op(w, me, false, peer, tag, buf, len, req);
    if (i < 0 && !rc) rc = FS_ERUNTIME;
    if (!rc) {
        memset(buf, 0xFF, len);
        if (++w->out_rx[me] > w->max_rx[me]) w->max_rx[me] = w->out_rx[me];
        int j = find_match(w, i);
        if (j >= 0) rc = complete_pair(w, j, i);
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static int fake_waitall(fs_transport *tp, fs_req *reqs, int n)
{
    fake_world *w = world_of(tp);
    int me = tp->rank, rc = 0;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += FAKE_TIMEOUT_S;
    pthread_mutex_lock(&w->mu);
    for (int k = 0; k < n && !rc; k++) {
        fake_handle h;
        memcpy(&h, reqs[k].priv, sizeof h);
        fake_op *o = (h.idx >= 0 && h.idx < FAKE_MAX_OPS) ? &w->ops[h.idx] : NULL;
        if (!o || !o->used || o->gen != h.gen || o->owner != me || h.owner != me) {
            rc = fail_locked(w, "rank %d: wait on a request that is not outstanding", me);
            break;
        }
        while (!o->done && !w->failed) {
            if (pthread_cond_timedwait(&w->cv, &w->mu, &deadline) == ETIMEDOUT) {
                rc = fail_locked(w,
                                 "rank %d: deadlock: %s rank %d (tag %#x, %zu bytes) "
                                 "unmatched after %d s",
                                 me, o->is_send ? "send to" : "receive from", o->peer, o->tag,
                                 o->len, FAKE_TIMEOUT_S);
                break;
            }
        }
        if (w->failed) rc = FS_ERUNTIME;
        if (rc) break;
        if (o->is_send) {
            if (hash(o->buf, o->len) != o->hash)
                rc = fail_locked(w, "rank %d: send buffer to %d changed before its wait", me,
                                 o->peer);
            w->out_tx[me]--;
        } else {
            memcpy(o->buf, o->staged, o->len);
            free(o->staged);
            o->staged = NULL;
            w->out_rx[me]--;
        }
        o->used = false;
        /* A waited request cannot be waited again. */
        fake_handle dead = {-1, 0, -1};
        memcpy(reqs[k].priv, &dead, sizeof dead);
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static int fake_mr_reg(fs_transport *tp, void *buf, size_t len, fs_mr **mr)
{
    fake_world *w = world_of(tp);
    struct fs_mr *m = calloc(1, sizeof *m);
    if (!m) return FS_ERUNTIME;
    *m = (struct fs_mr){.buf = buf, .len = len, .owner = tp->rank, .live = true};
    pthread_mutex_lock(&w->mu);
    m->next = w->mrs;
    w->mrs = m;
    pthread_mutex_unlock(&w->mu);
    *mr = m;
    return 0;
}

static void fake_mr_dereg(fs_transport *tp, fs_mr *mr)
{
    fake_world *w = world_of(tp);
    pthread_mutex_lock(&w->mu);
    if (!mr->live) fail_locked(w, "rank %d: registration released twice", tp->rank);
    mr->live = false;
    pthread_mutex_unlock(&w->mu);
}

static int fake_init(fs_transport *tp, const fs_transport_opts *opts)
{
    (void)tp;
    (void)opts;
    return 0;
}
static void fake_fini(fs_transport *tp)
{
    (void)tp;
}
static void fake_describe(fs_transport *tp, json_t *run)
{
    (void)tp;
    (void)run;
}

static const struct fs_transport_ops fake_ops = {
    .name = "fake",
    .init = fake_init,
    .fini = fake_fini,
    .mr_reg = fake_mr_reg,
    .mr_dereg = fake_mr_dereg,
    .isend = fake_isend,
    .irecv = fake_irecv,
    .waitall = fake_waitall,
    .describe = fake_describe,
};

fake_world *fake_world_new(int nranks, size_t tx_depth, size_t rx_depth)
{
    if (nranks < 1 || nranks > FAKE_MAX_RANKS) return NULL;
    fake_world *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->n = nranks;
    w->tx_depth = tx_depth;
    w->rx_depth = rx_depth;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    for (int r = 0; r < nranks; r++) {
        w->ranks[r] = (fake_rank){w, r};
        w->tps[r] =
            (fs_transport){.ops = &fake_ops, .rank = r, .nranks = nranks, .priv = &w->ranks[r]};
        w->tps[r].caps = (fs_transport_caps){.rma = false,
                                             .needs_mr = true,
                                             .max_msg_size = SIZE_MAX,
                                             .inject_size = 0,
                                             .tx_depth = tx_depth,
                                             .rx_depth = rx_depth};
        snprintf(w->tps[r].provider, sizeof w->tps[r].provider, "fake");
    }
    return w;
}

void fake_world_free(fake_world *w)
{
    if (!w) return;
    for (int i = 0; i < FAKE_MAX_OPS; i++) free(w->ops[i].staged);
    for (int r = 0; r < w->n; r++) free(w->log[r]);
    while (w->mrs) {
        struct fs_mr *m = w->mrs;
        w->mrs = m->next;
        free(m);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

fs_transport *fake_world_transport(fake_world *w, int rank)
{
    return &w->tps[rank];
}

typedef struct run_arg {
    fake_world *w;
    int rank, rc;
    int (*fn)(fs_transport *, void *);
    void *arg;
} run_arg;

static void *run_one(void *p)
{
    run_arg *a = p;
    a->rc = a->fn(&a->w->tps[a->rank], a->arg);
    if (a->rc) {
        /* Unblock the others: a rank that gave up cannot match them. */
        pthread_mutex_lock(&a->w->mu);
        fail_locked(a->w, "rank %d failed (%d): %s", a->rank, a->rc, a->w->tps[a->rank].errmsg);
        pthread_mutex_unlock(&a->w->mu);
    }
    return NULL;
}

int fake_world_run(fake_world *w, int (*fn)(fs_transport *tp, void *arg), void *arg)
{
    pthread_t th[FAKE_MAX_RANKS];
    run_arg a[FAKE_MAX_RANKS];
    for (int r = 0; r < w->n; r++) {
        a[r] = (run_arg){w, r, 0, fn, arg};
        if (pthread_create(&th[r], NULL, run_one, &a[r])) {
            pthread_mutex_lock(&w->mu);
            fail_locked(w, "fake transport: cannot start thread %d", r);
            pthread_mutex_unlock(&w->mu);
            for (int q = 0; q < r; q++) pthread_join(th[q], NULL);
            return -1;
        }
    }
    for (int r = 0; r < w->n; r++) pthread_join(th[r], NULL);
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < FAKE_MAX_OPS && !w->failed; i++)
        if (w->ops[i].used)
            fail_locked(w, "rank %d: %s (tag %#x) never waited for", w->ops[i].owner,
                        w->ops[i].is_send ? "send" : "receive", w->ops[i].tag);
    bool failed = w->failed;
    pthread_mutex_unlock(&w->mu);
    return failed ? -1 : 0;
}

const fake_rec *fake_world_sends(fake_world *w, int rank, size_t *n)
{
    *n = w->nlog[rank];
    return w->log[rank];
}

void fake_world_clear_log(fake_world *w)
{
    for (int r = 0; r < w->n; r++) w->nlog[r] = 0;
}

size_t fake_world_max_tx(fake_world *w, int rank)
{
    return w->max_tx[rank];
}
size_t fake_world_max_rx(fake_world *w, int rank)
{
    return w->max_rx[rank];
}
const char *fake_world_error(fake_world *w)
{
    return w->err;
}
