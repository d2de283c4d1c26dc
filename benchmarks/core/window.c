/* window.c - windowed streaming (osu_bw's loop, written once). */
#include "window.h"

enum { TAG_DATA = 2, TAG_ACK = 3, ACK_BYTES = 4 };

int fs_window_unidir(fs_bench_ctx *c)
{
    fs_transport *tp = c->tp;
    int rc = 0;
    if (c->initiator) {
        for (int i = 0; i < c->window && !rc; i++)
            rc = tp->ops->isend(tp, c->peer, c->sbuf, c->bytes, c->smr, TAG_DATA, &c->reqs[i]);
        if (!rc) rc = tp->ops->waitall(tp, c->reqs, c->window);
        /* The ack lands in rbuf, which the initiator never validates. */
        return rc ? rc : fs_recv(tp, c->peer, c->rbuf, ACK_BYTES, c->rmr, TAG_ACK);
    }
    for (int i = 0; i < c->window && !rc; i++)
        rc = tp->ops->irecv(tp, c->peer, c->rbuf, c->bytes, c->rmr, TAG_DATA, &c->reqs[i]);
    if (!rc) rc = tp->ops->waitall(tp, c->reqs, c->window);
    return rc ? rc : fs_send(tp, c->peer, c->sbuf, ACK_BYTES, c->smr, TAG_ACK);
}

double fs_window_bytes(const fs_bench_ctx *c)
{
    return (double)c->bytes * c->window;
}
double fs_window_msgs(const fs_bench_ctx *c)
{
    return c->window;
}
