/* transport.c - transport registry and the blocking helpers built on the ops. */
#include "transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct fs_transport_ops *const fs_transports[] = {
    &fs_transport_mpi,
    &fs_transport_ofi,
    NULL,
};

const struct fs_transport_ops *fs_transport_find(const char *name)
{
    for (int i = 0; fs_transports[i]; i++)
        if (strcmp(fs_transports[i]->name, name) == 0) return fs_transports[i];
    return NULL;
}

int fs_transport_fail(fs_transport *tp, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tp->errmsg, sizeof tp->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* Peers connected per batch: requests in flight stay bounded however many
 * ranks there are. */
#define CONNECT_BATCH 32
/* Largest connect message (an inject size beyond it is not worth copying). */
#define CONNECT_MAX_BYTES 4096

int fs_transport_connect(fs_transport *tp, const int *peers, int n)
{
    /* One message per rail and peer: small tags are striped over the rails
     * message by message, so each rail carries one of them.  A message just
     * above the inject size takes the provider's regular eager path, so the
     * buffers that path draws on are set up here too (rxm allocates them in
     * pools on first use). */
    int rails = tp->ops->rails ? tp->ops->rails(tp, NULL, 0) : 1;
    if (rails < 1) rails = 1;
    size_t len = tp->caps.inject_size + 1;
    if (len > CONNECT_MAX_BYTES) len = CONNECT_MAX_BYTES;
    /* Peers per batch: within the queue depths the provider reported. */
    int batch = CONNECT_BATCH;
    if (tp->caps.tx_depth && (size_t)batch * (size_t)rails > tp->caps.tx_depth)
        batch = (int)(tp->caps.tx_depth / (size_t)rails);
    if (tp->caps.rx_depth && (size_t)batch * (size_t)rails > tp->caps.rx_depth)
        batch = (int)(tp->caps.rx_depth / (size_t)rails);
    if (batch < 1) batch = 1;
    fs_req *reqs = calloc((size_t)2 * (size_t)batch * (size_t)rails, sizeof *reqs);
    size_t slots = (size_t)batch * (size_t)rails; /* receives in flight */
    char *buf = calloc(1 + slots, len);
    fs_mr *smr = NULL, *rmr = NULL;
    int rc = 0;
    if (!reqs || !buf) rc = fs_transport_fail(tp, FS_ERUNTIME, "out of memory connecting to peers");
    if (!rc) rc = tp->ops->mr_reg(tp, buf, len, &smr);
    if (!rc) rc = tp->ops->mr_reg(tp, buf + len, slots * len, &rmr);
    for (int first = 0; !rc && first < n; first += batch) {
        int last = first + batch < n ? first + batch : n, k = 0;
        /* Each receive its own bytes (outstanding receives may not
         * overlap); only the arrival counts. */
        for (int i = first; !rc && i < last; i++)
            for (int j = 0; !rc && j < rails; j++, k++)
                rc = tp->ops->irecv(tp, peers[i], buf + len * (size_t)(1 + k), len, rmr,
                                    FS_CONNECT_TAG, &reqs[k]);
        for (int i = first; !rc && i < last; i++)
            for (int j = 0; !rc && j < rails; j++)
                rc = tp->ops->isend(tp, peers[i], buf, len, smr, FS_CONNECT_TAG, &reqs[k++]);
        if (!rc) rc = tp->ops->waitall(tp, reqs, k);
    }
    if (rmr) tp->ops->mr_dereg(tp, rmr);
    if (smr) tp->ops->mr_dereg(tp, smr);
    free(buf);
    free(reqs);
    return rc;
}

int fs_send(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag)
{
    if (tp->ops->send) return tp->ops->send(tp, peer, buf, len, mr, tag);
    fs_req req;
    int rc = tp->ops->isend(tp, peer, buf, len, mr, tag, &req);
    return rc ? rc : tp->ops->waitall(tp, &req, 1);
}

int fs_recv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag)
{
    if (tp->ops->recv) return tp->ops->recv(tp, peer, buf, len, mr, tag);
    fs_req req;
    int rc = tp->ops->irecv(tp, peer, buf, len, mr, tag, &req);
    return rc ? rc : tp->ops->waitall(tp, &req, 1);
}
