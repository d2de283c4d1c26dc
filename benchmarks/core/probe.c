/* probe.c - the link's small-message latency around a run (see probe.h). */
#include "probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stats.h"

/* Each round trip is the latency benchmark's iteration on the probe's own
 * context (the same calls, so the probe reads what latency would); the
 * initiator's first byte says whether another round trip follows. */
static int initiator(const fs_bench *lat, fs_bench_ctx *p, double *one_way_us, long *iterations)
{
    double t[FS_PROBE_MAX_ITERS];
    unsigned char *more = p->sbuf;
    long n = 0;
    double start = 0;
    int rc = 0;
    for (long i = 0; rc == 0; i++) {
        double now = fs_now_s();
        if (i == FS_PROBE_WARMUP) start = now;
        bool last =
            n + 1 >= FS_PROBE_MAX_ITERS || (i >= FS_PROBE_WARMUP && n + 1 >= FS_PROBE_MIN_ITERS &&
                                            now - start >= FS_PROBE_BUDGET_S);
        *more = !last;
        rc = lat->iteration(p);
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

static int responder(const fs_bench *lat, fs_bench_ctx *p)
{
    const unsigned char *more = p->rbuf;
    for (;;) {
        int rc = lat->iteration(p);
        if (rc || !*more) return rc;
    }
}

int fs_link_probe(fs_bench_ctx *c, double *one_way_us, long *iterations)
{
    fs_transport *tp = c->tp;
    *one_way_us = NAN;
    *iterations = 0;
    int half = c->nranks / 2;
    if (c->nranks < 2 || (c->rank != 0 && c->rank != half)) return 0;
    /* Buffers of its own: the run's may hold what its benchmark set up. */
    unsigned char *buf = NULL;
    if (posix_memalign((void **)&buf, 64, 128)) return fs_bench_fail(c, "out of memory");
    memset(buf, 0, 128);
    fs_req reqs[2];
    fs_bench_ctx p = {.tp = tp,
                      .rank = c->rank,
                      .nranks = c->nranks,
                      .peer = c->rank == 0 ? half : 0,
                      .initiator = c->rank == 0,
                      .pairs = 1,
                      .bytes = FS_PROBE_BYTES,
                      .window = 1,
                      .sbuf = buf,
                      .rbuf = buf + 64,
                      .buf_bytes = 64,
                      .reqs = reqs};
    const fs_bench *lat = fs_bench_find("latency");
    int rc = tp->ops->mr_reg(tp, p.sbuf, p.buf_bytes, &p.smr);
    if (!rc) rc = tp->ops->mr_reg(tp, p.rbuf, p.buf_bytes, &p.rmr);
    if (!rc) rc = p.initiator ? initiator(lat, &p, one_way_us, iterations) : responder(lat, &p);
    if (rc) fs_bench_fail(c, "link probe: %s", tp->errmsg);
    if (p.rmr) tp->ops->mr_dereg(tp, p.rmr);
    if (p.smr) tp->ops->mr_dereg(tp, p.smr);
    free(buf);
    return rc;
}
