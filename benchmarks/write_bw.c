/* write_bw.c - windowed RMA write bandwidth: the initiator writes a window
 * of messages into the peer's receive buffer with fi_writedata; the target
 * counts their remote CQ data and answers with a small write of its own. */
#include "bench.h"

enum { ACK_BYTES = 4 };

static size_t write_bw_buffer(size_t bytes, int nranks, int window)
{
    (void)nranks;
    (void)window;
    return bytes < ACK_BYTES ? ACK_BYTES : bytes; /* room for the ack */
}

static int write_bw_iteration(fs_bench_ctx *c)
{
    fs_transport *tp = c->tp;
    const fs_rkey *dst = &c->rkeys[c->peer];
    int rc = 0;
    if (c->initiator) {
        for (int i = 0; i < c->window && !rc; i++)
            rc = tp->ops->write_notify(tp, c->peer, c->sbuf, c->bytes, c->smr, dst, 0, &c->reqs[i]);
        if (!rc) rc = tp->ops->waitall(tp, c->reqs, c->window);
        /* The ack lands in rbuf, which the initiator never validates. */
        return rc ? rc : tp->ops->wait_notify(tp, 1);
    }
    rc = tp->ops->wait_notify(tp, c->window);
    if (!rc)
        rc = tp->ops->write_notify(tp, c->peer, c->sbuf, ACK_BYTES, c->smr, dst, 0, &c->reqs[0]);
    return rc ? rc : tp->ops->waitall(tp, c->reqs, 1);
}

static double write_bw_bytes(const fs_bench_ctx *c)
{
    return (double)c->bytes * c->window;
}
static double write_bw_msgs(const fs_bench_ctx *c)
{
    return c->window;
}

const fs_bench fs_bench_write_bw = {
    .name = "write_bw",
    .summary = "windowed RMA write bandwidth counted by remote CQ data (ofi)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_BANDWIDTH,
    .windowed = true,
    .needs_rma = true,
    .min_ranks = 2,
    .time_scale = 1.0,
    .recv_sides = FS_RECV_RESPONDER,
    .buffer_bytes = write_bw_buffer,
    .iteration = write_bw_iteration,
    .bytes_per_iter = write_bw_bytes,
    .msgs_per_iter = write_bw_msgs,
};
