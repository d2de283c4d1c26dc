/*
 * collective_model.h - cost models of all-reduce, reduce-scatter and
 * all-gather, as pure functions of a fitted link (no I/O, no allocation).
 *
 * A link is piecewise Hockney: a message of m bytes costs
 *     T(m) = alpha_s + m / B_s
 * in the segment s whose from_bytes is the largest one <= m (protocol
 * switches such as eager -> rendezvous change both alpha and B).  Every
 * algorithm is written as the sequence of message sizes its critical path
 * sends, so a step of m bytes costs T(m) of its segment; with one segment
 * the formulas reduce to Thakur, Rabenseifner & Gropp (2005), see
 * ../shared/REFERENCE.md "Cost models".  gamma is the reduction cost per
 * byte (us/byte).
 *
 * Sizes: n is the full vector in bytes, the nccl-tests convention: the
 * all-reduce buffer, the reduce-scatter input (each rank keeps n/p), the
 * all-gather output (each rank contributes n/p).
 *
 * Non-power-of-two p for rd / Rabenseifner: fold to p' = 2^floor(lg p); the
 * p - p' extra ranks hand their data to a partner first (one exchange plus
 * its reduction) and get their result back last.  Ring runs on any p; the
 * binomial tree takes ceil(lg p) rounds.
 *
 * Flat algorithms place every step on one link: `intra` when all p ranks
 * fit in one node (p <= ranks_per_node), else `inter`.  The hierarchical
 * model (g = ranks_per_node ranks on each of N = p/g nodes) is:
 *   all-reduce:     ring RS inside the node (n) -> all-reduce of n/g across
 *                   the N nodes (fastest flat algorithm) -> ring AG inside.
 *   reduce-scatter: ring RS inside (n) -> RS of n/g across nodes.
 *   all-gather:     AG of n/g across nodes -> ring AG inside (n).
 * During the inter-node phase g ranks per node share the node's
 * nics_per_node NICs: each sees inter bandwidth * min(1, nics/g).
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
    double bw_efficiency; /* achieved fraction of link bandwidth in the algorithm's steps, (0,1]; 0
                             means 1 */
    double step_overhead_us; /* extra latency per algorithm step (synchronisation, launch); >= 0 */
    double rel_lo,
        rel_hi;    /* 95% prediction band of the time as factors (<= 1, >= 1); 0 = no band */
    int max_ranks; /* largest measured rank count the terms came from; 0 = none */
    int points;    /* measured points used */
} fs_coll_calib;

/* (Named fs_collective: transports/collectives.h owns the name fs_coll.) */
typedef enum fs_collective {
    FS_ALLREDUCE,
    FS_REDUCE_SCATTER,
    FS_ALLGATHER,
    FS_COLL_COUNT
} fs_collective;

typedef enum fs_algo {
    FS_ALGO_RING,         /* ring: reduce-scatter + all-gather */
    FS_ALGO_RD,           /* recursive doubling */
    FS_ALGO_RABENSEIFNER, /* recursive halving + recursive doubling */
    FS_ALGO_TREE,         /* binomial reduce + broadcast (scatter / gather) */
    FS_ALGO_HIER,         /* two-level: inside nodes, then across nodes */
    FS_ALGO_AUTO,         /* the fastest of the above at this p and n */
    FS_ALGO_COUNT
} fs_algo;

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
} fs_coll_model;

/* Names as used on the command line and in results ("ring", "rd",
 * "rabenseifner", "tree", "hier", "auto"; "allreduce", "reduce_scatter",
 * "allgather").  Parsers return -1 for an unknown name; they also accept
 * the usual aliases (recursive_doubling, hierarchical, all_reduce, ...). */
const char *fs_algo_name(fs_algo a);
int fs_algo_parse(const char *name);
const char *fs_coll_name(fs_collective c);
int fs_coll_parse(const char *name);

/* Time of one m-byte message on the link, us.  nseg == 0 gives NAN. */
double fs_link_time_us(const fs_link *l, double bytes);
/* The segment index used for m bytes. */
int fs_link_segment(const fs_link *l, double bytes);
/* A copy of l with every bandwidth multiplied by f (contention). */
fs_link fs_link_scaled(const fs_link *l, double f);

/* Time of collective c with algorithm a at p >= 1 ranks and n >= 0 bytes,
 * in us.  For FS_ALGO_AUTO, *chosen (when not NULL) receives the winner;
 * otherwise it receives a.  Returns NAN when the algorithm cannot run
 * there: hier needs ranks_per_node > 1 dividing p. */
double fs_coll_time_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                       fs_algo *chosen);

/* The 95% prediction band of fs_coll_time_us: *lo_us <= result <= *hi_us (both equal to it when
 * the model carries no band). Widens the band when p exceeds 16x calib.max_ranks. */
double fs_coll_time_band_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                            fs_algo *chosen, double *lo_us, double *hi_us);

/* nccl-tests bus-bandwidth factor: 2(p-1)/p all-reduce, (p-1)/p RS and AG. */
double fs_busbw_factor(fs_collective c, int p);
/* busbw in GB/s for n bytes in t_us (algbw = n / t). */
double fs_busbw_GBps(fs_collective c, int p, double n, double t_us);

/* A link of one segment (convenience for tests and --link options). */
fs_link fs_link_hockney(double alpha_us, double bandwidth_GBps);

#endif
