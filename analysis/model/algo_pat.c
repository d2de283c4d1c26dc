/*
 * algo_pat.c - NCCL's PAT (parallel aggregated trees, NCCL 2.23+):
 * reduce-scatter and all-gather in ceil(lg p) steps, which NCCL v2.27.7
 * enables only with one GPU per node (src/graph/tuning.cc ncclPatEnable:
 * nNodes == nRanks) and models at 0.75 of the bandwidth (busBw *= .75).
 */
#include <math.h>

#include "collective_algo.h"

static double cost(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                   fs_collective c, int p, double n)
{
    double t = fs_ceil_lg(p) * net->alpha_us +
               fs_xfer_us((double)(p - 1) / p * n, 0.75 * fs_nccl_bottleneck_GBps(x, net, nvl, p));
    if (c == FS_REDUCE_SCATTER) t += (double)(p - 1) / p * n * x->gamma;
    return t;
}

static double pat(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    if (x->g > 1) return NAN;
    return fs_nccl_time(x, cost, c, p, n);
}

const fs_algo_desc fs_algo_pat = {
    "pat",
    {NULL},
    FS_LIB_NCCL,
    FS_OP(FS_REDUCE_SCATTER) | FS_OP(FS_ALLGATHER),
    "NCCL PAT: log-step reduce-scatter / all-gather, one GPU per node",
    "NCCL v2.27.7 tuning.cc (ncclPatEnable, busBw * .75)",
    pat};
