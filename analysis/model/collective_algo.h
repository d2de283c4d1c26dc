/*
 * collective_algo.h - the registry of model algorithms: one descriptor per
 * algorithm (name, aliases, library, operations, cost function), listed in
 * collective_algos.def.  Parsers, help texts and tests iterate it; cost
 * functions are pure and see the model through fs_coll_ctx.
 */
#ifndef FS_COLLECTIVE_ALGO_H
#define FS_COLLECTIVE_ALGO_H

#include <stddef.h>

#include "collective_model.h"

/* What a cost function sees: the model with the algorithm's calibration
 * applied to both links, and the node shape resolved. */
typedef struct fs_coll_ctx {
    const fs_coll_model *m;
    fs_link inter; /* one NIC */
    fs_link intra; /* inside a node; the inter link when the model has none */
    int g;         /* ranks per node, >= 1 */
    int nics;      /* NICs per node, >= 1 */
    double gamma;  /* us per reduced byte */
    bool nvls;
} fs_coll_ctx;

#define FS_OP(c) (1u << (c))
/* the reducing and gathering collectives (all-to-all algorithms are their own) */
#define FS_OPS_ALL (FS_OP(FS_ALLREDUCE) | FS_OP(FS_REDUCE_SCATTER) | FS_OP(FS_ALLGATHER))

typedef struct fs_algo_desc {
    const char *name;       /* on the command line, in results and tables */
    const char *aliases[4]; /* also accepted by fs_algo_parse; NULL-terminated */
    fs_coll_lib library;    /* FS_LIB_MPI or FS_LIB_NCCL; FS_LIB_DEFAULT: none (auto) */
    unsigned ops;           /* FS_OP(c) for each collective it implements */
    const char *summary;    /* one line for help texts */
    const char *source;     /* where the formula comes from */
    /* Time in us of c at p >= 2 ranks and n >= 0 bytes; NAN when the
     * algorithm cannot run at this shape.  NULL for auto. */
    double (*time_us)(const fs_coll_ctx *x, fs_collective c, int p, double n);
} fs_algo_desc;

/* The descriptor of a (NULL when out of range). */
const fs_algo_desc *fs_algo_get(fs_algo a);

/* Helpers shared by the cost functions. */
int fs_floor_lg(int p);
int fs_ceil_lg(int p);
/* Fastest of the MPI flat algorithms on link L (used by hier). */
double fs_mpi_best_flat(const fs_link *L, double gamma, fs_collective c, int p, double n);
/* An MPI flat algorithm on link L. */
double fs_mpi_flat(const fs_link *L, double gamma, fs_collective c, fs_algo a, int p, double n);

/* NCCL algorithms: the cost with one protocol (one segment of each link,
 * used as a Hockney link for every size). */
typedef double (*fs_nccl_cost)(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                               fs_collective c, int p, double n);
/* NCCL carries an operation with one protocol, the fastest predicted
 * (ncclTopoGetAlgoTime / the tuner's min over protocols): the least cost
 * over every pair of segments of the two links, each segment's bandwidth
 * at most its link's last (asymptotic) one.  NAN when no pair can run. */
double fs_nccl_time(const fs_coll_ctx *x, fs_nccl_cost cost, fs_collective c, int p, double n);
/* Nodes p ranks occupy: ceil(p / g). */
int fs_nccl_nodes(const fs_coll_ctx *x, int p);
/* The bottleneck bandwidth of a pipeline through p ranks, GB/s: the NVLink
 * link inside one node, the node's K NICs with one GPU per node, else the
 * slower of the two (channels spread over all NICs; PXN). */
double fs_nccl_bottleneck_GBps(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                               int p);
/* All-to-all on a node shape: the peers of one rank inside its node
 * (r - 1, r = min(p, g)) and on other nodes (p - r), and the inter-node
 * link as one rank's share of the node's NICs (K / g of them). */
int fs_a2a_local_peers(const fs_coll_ctx *x, int p);
fs_link fs_a2a_nic_share(const fs_coll_ctx *x);
/* Time of bytes at GB/s, us (0 at infinite bandwidth). */
double fs_xfer_us(double bytes, double GBps);

#define FS_ALGO_DEF(ID, desc) extern const fs_algo_desc desc;
#include "collective_algos.def"
#undef FS_ALGO_DEF

#endif
