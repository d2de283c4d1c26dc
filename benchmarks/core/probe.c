/* probe.c - the link's small-message latency around a run (see probe.h). */
#include "probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stats.h"
#include "watchdog.h"

/* Initiator: ping (its first byte says whether another follows), pong;
 * the same calls as the latency benchmark's initiator. */
static int ping_pong(fs_transport *tp, int peer, unsigned char *sbuf, unsigned char *rbuf,
                     fs_mr *smr, fs_mr *rmr, fs_req *reqs)
{
    if (tp->ops->recv) {
        int rc = fs_send(tp, peer, sbuf, FS_PROBE_BYTES, smr, FS_PROBE_TAG);
        return rc ? rc : fs_recv(tp, peer, rbuf, FS_PROBE_BYTES, rmr, FS_PROBE_TAG);
    }
    int rc = tp->ops->irecv(tp, peer, rbuf, FS_PROBE_BYTES, rmr, FS_PROBE_TAG, &reqs[0]);
    if (!rc) rc = tp->ops->isend(tp, peer, sbuf, FS_PROBE_BYTES, smr, FS_PROBE_TAG, &reqs[1]);
    return rc ? rc : tp->ops->waitall(tp, reqs, 2);
}

static int initiator(fs_transport *tp, int peer, unsigned char *sbuf, unsigned char *rbuf,
                     fs_mr *smr, fs_mr *rmr, double *one_way_us, long *iterations)
{
    double t[FS_PROBE_MAX_ITERS];
    fs_req reqs[2];
    long n = 0;
    double start = 0;
    int rc = 0;
    for (long i = 0; rc == 0; i++) {
        double now = fs_now_s();
        if (i == FS_PROBE_WARMUP) start = now;
        bool last =
            n + 1 >= FS_PROBE_MAX_ITERS || (i >= FS_PROBE_WARMUP && n + 1 >= FS_PROBE_MIN_ITERS &&
                                            now - start >= FS_PROBE_BUDGET_S);
        sbuf[0] = last ? 0 : 1;
        rc = ping_pong(tp, peer, sbuf, rbuf, smr, rmr, reqs);
        if (i >= FS_PROBE_WARMUP) t[n++] = (fs_now_s() - now) * 0.5e6;
        if (last) break;
    }
    if (rc) return rc;
    fs_stats s;
    fs_stats_compute(t, (size_t)n, &s);
    *one_way_us = s.p50;
    *iterations = n;
    return 0;
}

static int responder(fs_transport *tp, int peer, unsigned char *sbuf, unsigned char *rbuf,
                     fs_mr *smr, fs_mr *rmr)
{
    for (;;) {
        int rc = fs_recv(tp, peer, rbuf, FS_PROBE_BYTES, rmr, FS_PROBE_TAG);
        if (!rc) rc = fs_send(tp, peer, sbuf, FS_PROBE_BYTES, smr, FS_PROBE_TAG);
        if (rc || rbuf[0] == 0) return rc;
    }
}

int fs_link_probe(fs_bench_ctx *c, double *one_way_us, long *iterations)
{
    fs_transport *tp = c->tp;
    *one_way_us = NAN;
    *iterations = 0;
    int half = c->nranks / 2;
    if (c->nranks < 2 || (c->rank != 0 && c->rank != half)) return 0;
    int peer = c->rank == 0 ? half : 0;
    /* Buffers of its own: the run's may hold what its benchmark set up. */
    unsigned char *buf = NULL;
    fs_mr *smr = NULL, *rmr = NULL;
    if (posix_memalign((void **)&buf, 64, 128)) return fs_bench_fail(c, "out of memory");
    memset(buf, 0, 128);
    int rc = tp->ops->mr_reg(tp, buf, 64, &smr);
    if (!rc) rc = tp->ops->mr_reg(tp, buf + 64, 64, &rmr);
    if (!rc)
        rc = c->rank == 0 ? initiator(tp, peer, buf, buf + 64, smr, rmr, one_way_us, iterations)
                          : responder(tp, peer, buf, buf + 64, smr, rmr);
    if (rc) fs_bench_fail(c, "link probe: %s", tp->errmsg);
    if (rmr) tp->ops->mr_dereg(tp, rmr);
    if (smr) tp->ops->mr_dereg(tp, smr);
    free(buf);
    return rc;
}
