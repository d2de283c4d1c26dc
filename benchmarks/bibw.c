/* bibw.c - both sides of one pair stream a window at once (osu_bibw). */
#include "bench.h"

enum { TAG_BI = 4 };

static int bibw_iteration(fs_bench_ctx *c)
{
    fs_transport *tp = c->tp;
    int rc = 0, w = c->window;
    for (int i = 0; i < w && !rc; i++)
        rc = tp->ops->irecv(tp, c->peer, c->rbuf, c->bytes, c->rmr, TAG_BI, &c->reqs[i]);
    for (int i = 0; i < w && !rc; i++)
        rc = tp->ops->isend(tp, c->peer, c->sbuf, c->bytes, c->smr, TAG_BI, &c->reqs[w + i]);
    return rc ? rc : tp->ops->waitall(tp, c->reqs, 2 * w);
}

static double bibw_bytes(const fs_bench_ctx *c)
{
    return 2.0 * (double)c->bytes * c->window;
}
static double bibw_msgs(const fs_bench_ctx *c)
{
    return 2.0 * c->window;
}

const fs_bench fs_bench_bibw = {
    .name = "bibw",
    .summary = "bi-directional windowed bandwidth, one pair (osu_bibw)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_BANDWIDTH,
    .windowed = true,
    .min_ranks = 2,
    .time_scale = 1.0,
    .recv_sides = FS_RECV_INITIATOR | FS_RECV_RESPONDER,
    .iteration = bibw_iteration,
    .bytes_per_iter = bibw_bytes,
    .msgs_per_iter = bibw_msgs,
};
