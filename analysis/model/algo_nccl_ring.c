/*
 * algo_nccl_ring.c - NCCL's ring (any operation, any node shape): channels
 * pipeline chunks through NVLink and NIC hops at once, so the time is the
 * chunk path's hop latencies plus the bytes at the bottleneck bandwidth.
 * Hop counts follow NCCL v2.27.7 src/graph/tuning.cc (nsteps, nInterSteps);
 * the bandwidth is physical: every ring link carries 2(p-1)/p n
 * (all-reduce) or (p-1)/p n (RS / AG), a node's links the same.
 */
#include "collective_algo.h"

static double cost(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                   fs_collective c, int p, double n)
{
    int N = fs_nccl_nodes(x, p);
    bool ar = c == FS_ALLREDUCE;
    int steps = ar ? 2 * (p - 1) : p - 1;
    int inter = N == 1 ? 0 : x->g == 1 ? steps : ar ? 2 * (N - 1) : N - 1;
    double frac = (ar ? 2.0 : 1.0) * (p - 1) / p;
    double t = (steps - inter) * nvl->alpha_us + inter * net->alpha_us +
               fs_xfer_us(frac * n, fs_nccl_bottleneck_GBps(x, net, nvl, p));
    if (c != FS_ALLGATHER) t += (double)(p - 1) / p * n * x->gamma;
    return t;
}

static double nccl_ring(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_nccl_time(x, cost, c, p, n);
}

const fs_algo_desc fs_algo_nccl_ring = {
    "nccl_ring",
    {"nccl-ring", NULL},
    FS_LIB_NCCL,
    FS_OPS_ALL,
    "NCCL ring: channels pipelined over NVLink and every NIC of the node",
    "NCCL v2.27.7 tuning.cc hop counts; busbw -> min(NVLink, NICs x rate) (nccl-tests #119)",
    nccl_ring};
