/* transport.c - transport registry and the blocking helpers built on the ops. */
#include "transport.h"

#include <stdarg.h>
#include <stdio.h>
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
