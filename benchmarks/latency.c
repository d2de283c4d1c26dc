/* latency.c - ping-pong; a sample is half the round trip (osu_latency). */
#include "bench.h"

enum { TAG_PING = 1 };

static int latency_iteration(fs_bench_ctx *c)
{
    fs_transport *tp = c->tp;
    if (c->initiator && tp->ops->recv) {
        /* The transport's blocking calls are its fastest path (osu_latency's loop). */
        int rc = fs_send(tp, c->peer, c->sbuf, c->bytes, c->smr, TAG_PING);
        return rc ? rc : fs_recv(tp, c->peer, c->rbuf, c->bytes, c->rmr, TAG_PING);
    }
    if (c->initiator) {
        /* Post the receive for the pong first so it never arrives unexpected. */
        int rc = tp->ops->irecv(tp, c->peer, c->rbuf, c->bytes, c->rmr, TAG_PING, &c->reqs[0]);
        if (!rc) rc = tp->ops->isend(tp, c->peer, c->sbuf, c->bytes, c->smr, TAG_PING, &c->reqs[1]);
        return rc ? rc : tp->ops->waitall(tp, c->reqs, 2);
    }
    int rc = fs_recv(tp, c->peer, c->rbuf, c->bytes, c->rmr, TAG_PING);
    return rc ? rc : fs_send(tp, c->peer, c->sbuf, c->bytes, c->smr, TAG_PING);
}

static double latency_bytes(const fs_bench_ctx *c)
{
    return (double)c->bytes;
}
static double latency_msgs(const fs_bench_ctx *c)
{
    (void)c;
    return 1.0;
}

const fs_bench fs_bench_latency = {
    .name = "latency",
    .summary = "ping-pong, half round trip (osu_latency)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_LATENCY,
    .min_ranks = 2,
    .time_scale = 0.5,
    .recv_sides = FS_RECV_INITIATOR | FS_RECV_RESPONDER,
    .iteration = latency_iteration,
    .bytes_per_iter = latency_bytes,
    .msgs_per_iter = latency_msgs,
};
