/*
 * algo_nccl_tree.c - NCCL's tree all-reduce: a chain through the GPUs of a
 * node and a pipelined double binary tree between nodes (Sanders, Speck &
 * Traeff 2009; NCCL 2.4).  Each node sends and receives n up the trees and n
 * down, so the bandwidth term is 2n at the bottleneck (~2n/B, not the
 * binomial tree's 2 ceil(lg p) n/B), at 0.92 of it as NCCL v2.27.7
 * src/graph/tuning.cc models (busBw * .92); latency
 * 2((g-1) alpha_intra + floor(lg N) alpha_inter) as there.  All-reduce only.
 */
#include "collective_algo.h"

static double cost(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                   fs_collective c, int p, double n)
{
    (void)c;
    int N = fs_nccl_nodes(x, p), chain = x->g < p ? x->g : p;
    double lat = 2 * ((chain - 1) * nvl->alpha_us + fs_floor_lg(N) * net->alpha_us);
    return lat + fs_xfer_us(2 * n, 0.92 * fs_nccl_bottleneck_GBps(x, net, nvl, p)) + n * x->gamma;
}

static double nccl_tree(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_nccl_time(x, cost, c, p, n);
}

const fs_algo_desc fs_algo_nccl_tree = {
    "nccl_tree",
    {"nccl-tree", "dbtree", "double_binary_tree", NULL},
    FS_LIB_NCCL,
    FS_OP(FS_ALLREDUCE),
    "NCCL tree: pipelined double binary tree between nodes, chain inside",
    "NCCL v2.27.7 tuning.cc (latency, busBw * .92); 2n per node up and down",
    nccl_tree};
