/* collectives.c - the collectives' context, the registry's names and checks,
 * and dispatch. */
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

const char *fs_coll_alg_name(const fs_coll_algorithm *alg)
{
    return alg ? alg->name : "auto";
}

int fs_coll_alg_parse(const char *name, const fs_coll_algorithm **alg)
{
    if (!name) return -1;
    if (strcmp(name, "auto") == 0) {
        *alg = NULL;
        return 0;
    }
    for (int i = 0; fs_coll_algorithms[i]; i++)
        if (strcmp(name, fs_coll_algorithms[i]->name) == 0) {
            *alg = fs_coll_algorithms[i];
            return 0;
        }
    return -1;
}

const char *fs_coll_alg_list(int op, const fs_coll_algorithm *except, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; fs_coll_algorithms[i]; i++) {
        const fs_coll_algorithm *a = fs_coll_algorithms[i];
        if (a == except || (op >= 0 && op < FS_COLL_NOPS && !a->run[op])) continue;
        int n = snprintf(buf + k, len - k, "%s, ", a->name);
        if (n < 0 || (size_t)n >= len - k) break;
        k += (size_t)n;
    }
    /* "a, b, " + "auto" -> "a, b or auto" */
    if (k >= 2) k -= 2;
    snprintf(buf + k, len - k, "%sauto", k ? " or " : "");
    return buf;
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

int fs_coll_alg_ok(fs_coll_op op, const fs_coll_algorithm *alg, int nranks, char *why,
                   size_t whylen)
{
    if (nranks < 1) {
        snprintf(why, whylen, "%s needs at least one rank", fs_coll_op_name(op));
        return FS_EINPUT;
    }
    if ((unsigned)op >= FS_COLL_NOPS) {
        snprintf(why, whylen, "unknown collective operation %d", (int)op);
        return FS_EINPUT;
    }
    if (!alg) return 0; /* auto picks one that can */
    char alt[160];
    if (!alg->run[op]) {
        snprintf(why, whylen, "algorithm %s has no %s form; use %s", alg->name, fs_coll_op_name(op),
                 fs_coll_alg_list(op, alg, alt, sizeof alt));
        return FS_EINPUT;
    }
    return alg->usable ? alg->usable(op, nranks, why, whylen) : 0;
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

const fs_coll_algorithm *fs_coll_choice(const fs_coll *c, fs_coll_op op,
                                        const fs_coll_algorithm *alg, size_t count,
                                        fs_coll_dtype dt)
{
    if (alg) return alg;
    return fs_coll_auto(op, count * fs_coll_dtype_size(dt), c->nranks, c->tp->caps.inject_size);
}

int fs_coll_run(fs_coll *c, fs_coll_op op, const fs_coll_algorithm *alg, const void *sbuf,
                fs_mr *smr, void *rbuf, fs_mr *rmr, size_t count, fs_coll_dtype dt)
{
    fs_transport *tp = c->tp;
    size_t es = fs_coll_dtype_size(dt);
    if (op == FS_COLL_ALLTOALLV && !c->v)
        return fs_transport_fail(tp, FS_EINPUT, "alltoallv: no layout (use fs_coll_run_v)");
    if (op != FS_COLL_ALLREDUCE && op != FS_COLL_ALLTOALLV && count % (size_t)c->nranks)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "%s: %zu elements do not split into %d equal blocks",
                                 fs_coll_op_name(op), count, c->nranks);
    if (count * es > c->max_bytes)
        return fs_transport_fail(tp, FS_EINPUT,
                                 "%s: %zu bytes exceed the %zu the collectives were set up for",
                                 fs_coll_op_name(op), count * es, c->max_bytes);
    alg = fs_coll_choice(c, op, alg, count, dt);
    char why[200];
    if (fs_coll_alg_ok(op, alg, c->nranks, why, sizeof why))
        return fs_transport_fail(tp, FS_EINPUT, "%s", why);
    if (!alg) /* auto found nothing: no algorithm has this operation */
        return fs_transport_fail(tp, FS_EINPUT, "%s: no algorithm compiled in has it",
                                 fs_coll_op_name(op));
    c->seq++;
    return alg->run[op](c, sbuf, smr, rbuf, rmr, count, dt);
}

int fs_coll_run_v(fs_coll *c, const fs_coll_algorithm *alg, const void *sbuf, fs_mr *smr,
                  void *rbuf, fs_mr *rmr, const fs_coll_v *v, fs_coll_dtype dt)
{
    size_t count = 0;
    for (int d = 0; d < c->nranks; d++) count += v->scounts[d];
    c->v = v;
    int rc = fs_coll_run(c, FS_COLL_ALLTOALLV, alg, sbuf, smr, rbuf, rmr, count, dt);
    c->v = NULL;
    return rc;
}

int fs_coll_peers(int rank, int p, bool all, int *out)
{
    int n = 0;
    for (int s = 0; s < p; s++) {
        if (s == rank) continue;
        bool use = all;
        int d = ((s - rank) % p + p) % p; /* s = rank + d mod p */
        for (long k = 1; !use && k < p; k <<= 1) use = d == k || d == p - k || (rank ^ (int)k) == s;
        if (use) out[n++] = s;
    }
    return n;
}
