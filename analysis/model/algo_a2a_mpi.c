/*
 * algo_a2a_mpi.c - the MPI all-to-all algorithms (Thakur, Rabenseifner &
 * Gropp 2005, section 4.5; Open MPI's tuned component picks Bruck for small
 * messages and pairwise exchange for large ones).  n is one rank's send
 * buffer: n/p for every rank, itself included.
 *
 * On a node shape (collective_model.h "All-to-all"): a rank's steps to the
 * r - 1 other ranks of its node run on `intra`; every other step leaves the
 * node while the node's g ranks all send, so it runs on the rank's share of
 * the node's NICs (K/g of them).
 */
#include <math.h>

#include "collective_algo.h"

int fs_a2a_local_peers(const fs_coll_ctx *x, int p)
{
    return (p < x->g ? p : x->g) - 1;
}

fs_link fs_a2a_nic_share(const fs_coll_ctx *x)
{
    return fs_link_scaled(&x->inter, (double)x->nics / x->g);
}

/* p - 1 blocking exchanges of n/p, the local ones first (their order does
 * not change the sum). */
static double pairwise(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    (void)c;
    int local = fs_a2a_local_peers(x, p);
    fs_link net = fs_a2a_nic_share(x);
    return local * fs_link_time_us(&x->intra, n / p) +
           (p - 1 - local) * fs_link_time_us(&net, n / p);
}

/* ceil(lg p) steps, each sending the blocks whose index has bit k set:
 * about half of them, n/2 (Bruck et al. 1997).  Inside one node on
 * `intra`; across nodes every step is taken at the NIC share (the far
 * steps cross nodes, and the step waits for its slowest rank). */
static double bruck(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    (void)c;
    fs_link net = fs_a2a_nic_share(x);
    const fs_link *l = p <= x->g ? &x->intra : &net;
    return fs_ceil_lg(p) * fs_link_time_us(l, n / 2);
}

#define TRG "Thakur, Rabenseifner & Gropp 2005"

const fs_algo_desc fs_algo_pairwise = {
    "pairwise",
    {"pairwise_exchange", "pairwise-exchange", NULL},
    FS_LIB_MPI,
    FS_OP(FS_ALLTOALL),
    "pairwise exchange: p-1 steps of n/p, local peers on the node link, the rest on the NIC share",
    TRG ": (p-1) alpha + (p-1)/p n beta",
    pairwise};
const fs_algo_desc fs_algo_bruck = {"bruck",
                                    {NULL},
                                    FS_LIB_MPI,
                                    FS_OP(FS_ALLTOALL),
                                    "Bruck: ceil(lg p) steps of n/2 (small messages)",
                                    "Bruck et al. 1997; " TRG ": lg p alpha + n/2 lg p beta",
                                    bruck};
