/*
 * collective_model.h - cost models of all-reduce, reduce-scatter and
 * all-gather, as pure functions of fitted links and a node shape (no I/O,
 * no allocation).
 *
 * A link is piecewise Hockney: a message of m bytes costs
 *     T(m) = alpha_s + m / B_s
 * in the segment s whose from_bytes is the largest one <= m (protocol
 * switches such as eager -> rendezvous change both alpha and B).  gamma is
 * the reduction cost per byte (us/byte).
 *
 * Sizes: n is the full vector in bytes, the nccl-tests convention: the
 * all-reduce buffer, the reduce-scatter input (each rank keeps n/p), the
 * all-gather output (each rank contributes n/p).
 *
 * Node shape: g = ranks_per_node ranks (GPUs) on each node, N = ceil(p/g)
 * nodes, K = nics_per_node NICs per node; `inter` is ONE NIC's link, `intra`
 * the NVLink-class link of one GPU (per direction).
 *
 * Two libraries, each with its own algorithms (the registry in
 * collective_algo.h; fs_algo_desc.source names each formula's source):
 *
 * MPI (Thakur, Rabenseifner & Gropp 2005; ../shared/REFERENCE.md "Cost
 * models"): every algorithm is the sequence of message sizes its critical
 * path sends, a step of m bytes costing T(m) of its own segment (the MPI
 * library picks the protocol per message).  ring, rd, rabenseifner,
 * binomial tree; rd / Rabenseifner fold non-power-of-two p to
 * p' = 2^floor(lg p) (the p - p' extra ranks hand their data to a partner
 * first and get the result back last).  Flat algorithms run on `intra` when
 * p <= g, else on `inter`.  hier: ring RS inside the node -> the fastest
 * flat algorithm on n/g across the N nodes -> ring AG inside; during the
 * inter-node phase each of the g ranks drives K/g of the node's NICs (all
 * of them together, whatever the ratio).
 *
 * NCCL (NVIDIA NCCL v2.27.7, src/graph/tuning.cc for which algorithm runs
 * where and its bandwidth factors; the physics as below): an algorithm is
 * pipelined in chunks over many channels, so its time is
 *     sum of the hop latencies on a chunk's path + bytes / bottleneck bandwidth
 * and NCCL carries the whole operation with one protocol (LL / LL128 /
 * Simple): the model takes the fastest of the link's segments, each used as
 * a Hockney link for all sizes at most at the last segment's bandwidth
 * (ncclTopoGetAlgoTime's min over protocols).
 * Each channel's inter-node hop uses its own NIC and NCCL spreads channels
 * over all K NICs (PXN forwards over NVLink to a NIC of another GPU), so a
 * node's network bandwidth is B_net = K * B_inter and the bottleneck of a
 * multi-node ring is min(B_intra, B_net): for large messages a multi-node
 * ring's busbw approaches the node's aggregate NIC bandwidth (NCCL
 * maintainers' rule of thumb, nccl-tests issue #119).
 *   nccl_ring: all-reduce 2(p-1) hops, 2(N-1) of them between nodes,
 *              bandwidth term 2(p-1)/p n / min(B_intra, B_net); RS / AG:
 *              p-1 hops, N-1 between nodes, (p-1)/p n.  One node: B_intra;
 *              one GPU per node: B_net.
 *   nccl_tree: all-reduce only; a chain through the g GPUs of each node and a
 *              pipelined double binary tree between nodes: latency
 *              2((g-1) alpha_intra + floor(lg N) alpha_inter), bandwidth 2n
 *              (each node sends and receives n up and n down) at 0.92 of
 *              the bottleneck (tuning.cc: busBw * .92) -- ~2n/B, not the
 *              binomial 2 ceil(lg p) n/B.
 *   pat:       RS / AG with one GPU per node (tuning.cc ncclPatEnable):
 *              ceil(lg p) hops, (p-1)/p n at 0.75 of B_net (busBw * .75).
 *   nvls:      NVLink SHARP inside one node (fs_coll_model.nvls, p <= g):
 *              all-reduce 2 alpha_intra + n / (5/6 B_intra) (tuning.cc:
 *              algbw = busBw * 5/6); RS / AG alpha_intra + (p-1)/p n / B_intra
 *              (what a ring moves through each NVLink, in one switch step).
 *   CollNet (SHARP switches) and NVLS across nodes are not modelled.
 *
 * All-to-all (FS_ALLTOALL; n is one rank's send buffer, n/p to each rank,
 * busbw = algbw (p-1)/p as nccl-tests' alltoall_perf).  A rank sends
 * (r-1)/p n to the r-1 other ranks of its node (r = min(p, g)) and
 * (p-r)/p n off the node, where all g GPUs send at once: each gets K/g of
 * the node's NICs (K B_nic / g; more than one NIC when K > g).
 *   pairwise:  MPI, p-1 exchange steps of n/p (Thakur, Rabenseifner & Gropp
 *              2005: (p-1) alpha + (p-1)/p n beta), a step to a peer of the
 *              same node on `intra`, to another node on the NIC share; steps
 *              are blocking sendrecvs, so their times add.
 *   bruck:     MPI, ceil(lg p) steps of about n/2 each (Bruck et al. 1997;
 *              Thakur et al.: lg p alpha + n/2 lg p beta), for small
 *              messages; across nodes every step on the NIC share.
 *   nccl_a2a:  NCCL (grouped ncclSend/ncclRecv to every peer, nccl-tests
 *              alltoall_perf): p - 1 p2p rounds, each its hop's latency and
 *              n/p at NVLink (local peers) or the NIC share (the others),
 *              with NCCL's protocol choice (fs_nccl_time); the rounds add
 *              (the conservative end of their partial overlap).
 *
 * auto: the fastest algorithm of the model's library that can run there
 * (what NCCL would choose, by NCCL's own rule: least predicted time).  On an
 * NCCL model `ring` and `tree` name nccl_ring and nccl_tree
 * (fs_algo_resolve).
 *
 * Calibration (calib[a], fitted from measured collectives): bandwidths in
 * algorithm a's steps are multiplied by bw_efficiency and every hop's alpha
 * grows by step_overhead_us.
 */
#ifndef FS_COLLECTIVE_MODEL_H
#define FS_COLLECTIVE_MODEL_H

#include <stdbool.h>

#define FS_LINK_MAX_SEGMENTS 8

/* One protocol segment of a link.  bandwidth_GBps is 10^9 bytes/s; an
 * infinite bandwidth means the segment's time does not grow with size. */
typedef struct fs_segment {
    double from_bytes; /* first message size this segment applies to */
    double alpha_us;
    double bandwidth_GBps;
} fs_segment;

/* Piecewise Hockney link: nseg >= 1 segments in increasing from_bytes;
 * seg[0] also covers sizes below its from_bytes. */
typedef struct fs_link {
    int nseg;
    fs_segment seg[FS_LINK_MAX_SEGMENTS];
} fs_link;

/* Terms fitted from measured collectives by calibrate.c (calib helper); all zero = uncalibrated. */
typedef struct fs_coll_calib {
    /* achieved fraction of link bandwidth in the algorithm's steps, (0,1]; 0 means 1 */
    double bw_efficiency;
    /* extra latency per algorithm step (synchronisation, launch); >= 0 */
    double step_overhead_us;
    /* 95% prediction band of the time as factors (<= 1, >= 1); 0 = no band */
    double rel_lo, rel_hi;
    int max_ranks; /* largest measured rank count the terms came from; 0 = none */
    int points;    /* measured points used */
} fs_coll_calib;

/* (Named fs_collective: transports/collectives.h owns the name fs_coll.) */
typedef enum fs_collective {
    FS_ALLREDUCE,
    FS_REDUCE_SCATTER,
    FS_ALLGATHER,
    FS_ALLTOALL, /* n = each rank's send buffer (n/p to every rank), nccl-tests alltoall_perf */
    FS_COLL_COUNT
} fs_collective;

/* One enumerator per registry entry (collective_algos.def, in its order):
 * FS_ALGO_RING, FS_ALGO_RD, FS_ALGO_RABENSEIFNER, FS_ALGO_TREE (binomial),
 * FS_ALGO_HIER, FS_ALGO_AUTO, FS_ALGO_NCCL_RING, FS_ALGO_NCCL_TREE,
 * FS_ALGO_PAT, FS_ALGO_NVLS, ... */
typedef enum fs_algo {
#define FS_ALGO_DEF(ID, desc) FS_ALGO_##ID,
#include "collective_algos.def"
#undef FS_ALGO_DEF
    FS_ALGO_COUNT
} fs_algo;

/* Whose algorithms a model runs. */
typedef enum fs_coll_lib {
    FS_LIB_DEFAULT = 0, /* NCCL when ranks_per_node > 1 (a GPU cluster), else MPI */
    FS_LIB_MPI,
    FS_LIB_NCCL,
    FS_LIB_COUNT
} fs_coll_lib;

/* Everything a collective prediction needs besides p and n.  Callers set
 * fields by name; every field added after the first five means "not given"
 * at zero. */
typedef struct fs_coll_model {
    fs_link inter;            /* between nodes: ONE NIC's link (alpha, bandwidth of one NIC) */
    fs_link intra;            /* inside a node, NVLink-class (nseg == 0: same as inter) */
    int ranks_per_node;       /* g: GPUs (ranks) per node; <= 1 means one rank per node */
    int nics_per_node;        /* the node's NIC count (<= 0: 1); the model shares them */
    double gamma_us_per_byte; /* reduction cost; 0 ignores it */
    fs_coll_calib calib[FS_ALGO_COUNT]; /* per algorithm, from measured collectives */
    fs_coll_lib library;                /* 0: NCCL when ranks_per_node > 1, else MPI */
    int nvls;                           /* nonzero: NVLink SHARP switch in the node (H100+) */
} fs_coll_model;

/* Names as used on the command line and in results (the registry's: "ring",
 * "rd", "rabenseifner", "tree", "hier", "auto", "nccl_ring", "nccl_tree",
 * "pat", "nvls", "pairwise", "bruck", "nccl_a2a"; "allreduce",
 * "reduce_scatter", "allgather", "alltoall").  Parsers
 * return -1 for an unknown name; they also accept each entry's aliases
 * (recursive_doubling, hierarchical, dbtree, all_reduce, ...). */
const char *fs_algo_name(fs_algo a);
int fs_algo_parse(const char *name);
const char *fs_coll_name(fs_collective c);
int fs_coll_parse(const char *name);

/* Time of one m-byte message on the link, us.  nseg == 0 gives NAN.  Never
 * decreases with size: where a later segment's first size costs less (a
 * measured drop at a switch, or a scaled link), smaller messages cost that. */
double fs_link_time_us(const fs_link *l, double bytes);
/* The segment index used for m bytes. */
int fs_link_segment(const fs_link *l, double bytes);
/* A copy of l with every bandwidth multiplied by f (contention). */
fs_link fs_link_scaled(const fs_link *l, double f);

/* The library a model runs (resolves FS_LIB_DEFAULT). */
fs_coll_lib fs_coll_model_library(const fs_coll_model *m);
const char *fs_coll_lib_name(fs_coll_lib l);
/* "mpi", "nccl" or "default" (also "auto"); -1 for anything else. */
int fs_coll_lib_parse(const char *name);
/* The algorithm a names on this model: on an NCCL model ring and tree are
 * NCCL's (nccl_ring, nccl_tree); everything else is itself. */
fs_algo fs_algo_resolve(const fs_coll_model *m, fs_algo a);

/* Time of collective c with algorithm a at p >= 1 ranks and n >= 0 bytes,
 * in us.  For FS_ALGO_AUTO, *chosen (when not NULL) receives the winner;
 * otherwise it receives fs_algo_resolve(m, a).  Returns NAN when the
 * algorithm cannot run there (hier needs ranks_per_node > 1 dividing p; pat
 * one rank per node; nvls an NVLS node holding all p ranks; nccl_tree
 * all-reduce only). */
double fs_coll_time_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                       fs_algo *chosen);

/* The 95% prediction band of fs_coll_time_us: *lo_us <= result <= *hi_us (both equal to it when
 * the model carries no band). Widens the band when p exceeds 16x calib.max_ranks. */
double fs_coll_time_band_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                            fs_algo *chosen, double *lo_us, double *hi_us);

/* nccl-tests bus-bandwidth factor: 2(p-1)/p all-reduce, (p-1)/p RS, AG and
 * all-to-all. */
double fs_busbw_factor(fs_collective c, int p);
/* busbw in GB/s for n bytes in t_us (algbw = n / t). */
double fs_busbw_GBps(fs_collective c, int p, double n, double t_us);

/* A link of one segment (convenience for tests and --link options). */
fs_link fs_link_hockney(double alpha_us, double bandwidth_GBps);
/* The link's peak bandwidth: the largest segment bandwidth, GB/s. */
double fs_link_peak_GBps(const fs_link *l);

/* Extrapolation honesty: p / calib[a].max_ranks for the algorithm the model
 * uses at (c, a, p, n) (auto resolved); NAN when that algorithm is not
 * calibrated. Above 16 the calib helper warns. */
double fs_coll_extrapolation(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n);

#endif
