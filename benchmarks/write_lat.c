/* write_lat.c - RMA write ping-pong: fi_writedata into the peer's receive
 * buffer, completion seen by the target through remote CQ data (never by
 * polling the last byte); a sample is half the round trip. */
#include "bench.h"

static int write_lat_iteration(fs_bench_ctx *c)
{
    fs_transport *tp = c->tp;
    const fs_rkey *dst = &c->rkeys[c->peer];
    int rc;
    if (c->initiator) {
        rc = tp->ops->write_notify(tp, c->peer, c->sbuf, c->bytes, c->smr, dst, 0, &c->reqs[0]);
        /* Wait for the pong first: the local completion is off the critical path. */
        if (!rc) rc = tp->ops->wait_notify(tp, 1);
        return rc ? rc : tp->ops->waitall(tp, c->reqs, 1);
    }
    rc = tp->ops->wait_notify(tp, 1);
    if (!rc)
        rc = tp->ops->write_notify(tp, c->peer, c->sbuf, c->bytes, c->smr, dst, 0, &c->reqs[0]);
    return rc ? rc : tp->ops->waitall(tp, c->reqs, 1);
}

static double write_lat_bytes(const fs_bench_ctx *c)
{
    return (double)c->bytes;
}
static double write_lat_msgs(const fs_bench_ctx *c)
{
    (void)c;
    return 1.0;
}

const fs_bench fs_bench_write_lat = {
    .name = "write_lat",
    .summary = "RMA write ping-pong counted by remote CQ data, half round trip (ofi)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_LATENCY,
    .needs_rma = true,
    .min_ranks = 2,
    .time_scale = 0.5,
    .recv_sides = FS_RECV_INITIATOR | FS_RECV_RESPONDER,
    .iteration = write_lat_iteration,
    .bytes_per_iter = write_lat_bytes,
    .msgs_per_iter = write_lat_msgs,
};
