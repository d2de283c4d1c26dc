/*
 * algo_a2a_nccl.c - NCCL's all-to-all: a group of ncclSend/ncclRecv to
 * every peer (nccl-tests src/alltoall.cu), which NCCL schedules as p - 1
 * p2p rounds (round i: send to rank + i, receive from rank - i).  Each
 * round costs its hop's latency and n/p at its hop's bandwidth: NVLink for
 * the r - 1 peers inside the node, the GPU's share of the node's NICs,
 * K B_nic / g, for the p - r others (every GPU of the node sends off the
 * node at once; PXN spreads a GPU's traffic over all the node's NICs).
 *
 * The rounds are taken one after the other: NCCL runs a few rounds at once
 * over its p2p channels, so NVLink and NIC transfers overlap in part; the
 * sum is the conservative end, off by at most the NVLink share (r-1)/p n /
 * B_intra (under 2 % on p4d/p5 shapes between nodes), and it keeps the
 * time non-decreasing in p (a concurrent max() would let 9 ranks beat 8
 * where the node's NICs together outrun one GPU's NVLink).  busbw between
 * nodes therefore tends to (p-1)/(p-r) x the NIC share per GPU: NCCL's
 * all-to-all on multi-node p4d/p5 runs at about the network rate per GPU.
 */
#include "collective_algo.h"

static double cost(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                   fs_collective c, int p, double n)
{
    (void)c;
    int local = fs_a2a_local_peers(x, p), remote = p - 1 - local;
    double share = net->bandwidth_GBps * x->nics / x->g;
    return local * (nvl->alpha_us + fs_xfer_us(n / p, nvl->bandwidth_GBps)) +
           remote * (net->alpha_us + fs_xfer_us(n / p, share));
}

static double nccl_a2a(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_nccl_time(x, cost, c, p, n);
}

const fs_algo_desc fs_algo_nccl_a2a = {
    "nccl_a2a",
    {"nccl-a2a", "nccl_alltoall", NULL},
    FS_LIB_NCCL,
    FS_OP(FS_ALLTOALL),
    "NCCL all-to-all: p-1 p2p rounds, NVLink to local peers, the NIC share to the others",
    "nccl-tests alltoall (grouped send/recv rounds); remote peers at K B_nic / g per GPU",
    nccl_a2a};
