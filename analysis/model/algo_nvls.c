/*
 * algo_nvls.c - NCCL's NVLS: the NVSwitch reduces and multicasts (NVLink
 * SHARP, H100 and later), inside one node (across nodes NCCL needs CollNet
 * for it; NCCL v2.27.7 src/graph/tuning.cc).  All-reduce at algbw 5/6 of
 * the NVLink bandwidth, as tuning.cc models it; reduce-scatter / all-gather
 * move what a ring moves through each GPU's NVLink, (p-1)/p n, in one
 * switch operation instead of p-1 hops (tuning.cc's (g-1)/g busBw for them
 * would make 2 GPUs slower than 8).  One switch latency (two for
 * all-reduce: reduce, then multicast).  The switch reduces: no gamma.
 */
#include <math.h>

#include "collective_algo.h"

static double cost(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                   fs_collective c, int p, double n)
{
    (void)x;
    (void)net;
    if (c == FS_ALLREDUCE)
        return 2 * nvl->alpha_us + fs_xfer_us(n, 5.0 / 6.0 * nvl->bandwidth_GBps);
    return nvl->alpha_us + fs_xfer_us((double)(p - 1) / p * n, nvl->bandwidth_GBps);
}

static double nvls(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    if (!x->nvls || p > x->g) return NAN;
    return fs_nccl_time(x, cost, c, p, n);
}

const fs_algo_desc fs_algo_nvls = {
    "nvls",
    {"nvlink_sharp", NULL},
    FS_LIB_NCCL,
    FS_OPS_ALL,
    "NCCL NVLS: NVSwitch reduction and multicast inside one node",
    "NCCL v2.27.7 tuning.cc (all-reduce algbw 5/6 of NVLink); RS/AG (p-1)/p n per GPU",
    nvls};
