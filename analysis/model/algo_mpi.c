/*
 * algo_mpi.c - the MPI flat algorithms (ring, recursive doubling,
 * Rabenseifner, binomial tree) over one piecewise link: each step of m
 * bytes costs T(m) of its own segment, plus gamma per reduced byte
 * (Thakur, Rabenseifner & Gropp 2005; see collective_model.h).
 */
#include <math.h>

#include "collective_algo.h"

int fs_floor_lg(int p)
{
    int k = 0;
    while (k < 30 && (1 << (k + 1)) <= p) k++;
    return k;
}

int fs_ceil_lg(int p)
{
    int k = fs_floor_lg(p);
    return (1 << k) < p ? k + 1 : k;
}

static double allreduce_flat(const fs_link *L, double g, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = fs_floor_lg(p), pp = 1 << k;
    /* Folding: extra ranks send n to a partner (and it reduces), then get n back. */
    double fold = pp == p ? 0 : 2 * fs_link_time_us(L, n) + n * g;
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return 2.0 * (p - 1) * fs_link_time_us(L, n / p) + (double)(p - 1) / p * n * g;
    case FS_ALGO_RD:
        return k * (fs_link_time_us(L, n) + n * g) + fold;
    case FS_ALGO_RABENSEIFNER:
        for (int i = 1; i <= k; i++) {
            double m = n / (double)(1 << i);
            t += 2 * fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_TREE:
        return fs_ceil_lg(p) * (2 * fs_link_time_us(L, n) + n * g);
    default:
        return NAN;
    }
}

static double reduce_scatter_flat(const fs_link *L, double g, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = fs_floor_lg(p), pp = 1 << k;
    double fold = pp == p ? 0 : fs_link_time_us(L, n) + n * g + fs_link_time_us(L, n / p);
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return (p - 1) * fs_link_time_us(L, n / p) + (double)(p - 1) / p * n * g;
    case FS_ALGO_RD:
        /* Thakur et al.: step j exchanges (and reduces) all but 2^(j-1) blocks. */
        for (int j = 1; j <= k; j++) {
            double m = n - (double)(1 << (j - 1)) * n / pp;
            t += fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_RABENSEIFNER:
        /* recursive halving */
        for (int i = 1; i <= k; i++) {
            double m = n / (double)(1 << i);
            t += fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_TREE: {
        /* binomial reduce of n to a root, then binomial scatter */
        int c = fs_ceil_lg(p);
        t = c * (fs_link_time_us(L, n) + n * g);
        for (int i = 1; i <= c; i++) t += fs_link_time_us(L, n / (double)(1 << i));
        return t;
    }
    default:
        return NAN;
    }
}

static double allgather_flat(const fs_link *L, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = fs_floor_lg(p), pp = 1 << k;
    double fold = pp == p ? 0 : fs_link_time_us(L, n / p) + fs_link_time_us(L, n);
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return (p - 1) * fs_link_time_us(L, n / p);
    case FS_ALGO_RD:
    case FS_ALGO_RABENSEIFNER: /* Rabenseifner's all-gather half is recursive doubling */
        for (int i = 0; i < k; i++) t += fs_link_time_us(L, (double)(1 << i) * n / pp);
        return t + fold;
    case FS_ALGO_TREE: {
        /* binomial gather to a root, then binomial broadcast of n */
        int c = fs_ceil_lg(p);
        for (int i = 1; i <= c; i++) t += fs_link_time_us(L, n / (double)(1 << i));
        return t + c * fs_link_time_us(L, n);
    }
    default:
        return NAN;
    }
}

double fs_mpi_flat(const fs_link *L, double gamma, fs_collective c, fs_algo a, int p, double n)
{
    switch (c) {
    case FS_ALLREDUCE:
        return allreduce_flat(L, gamma, a, p, n);
    case FS_REDUCE_SCATTER:
        return reduce_scatter_flat(L, gamma, a, p, n);
    case FS_ALLGATHER:
        return allgather_flat(L, a, p, n);
    default:
        return NAN;
    }
}

double fs_mpi_best_flat(const fs_link *L, double gamma, fs_collective c, int p, double n)
{
    static const fs_algo flat[] = {FS_ALGO_RING, FS_ALGO_RD, FS_ALGO_RABENSEIFNER, FS_ALGO_TREE};
    double tb = INFINITY;
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++)
        tb = fmin(tb, fs_mpi_flat(L, gamma, c, flat[i], p, n));
    return tb;
}

/* Flat algorithms: inside the node when all ranks fit in one. */
static const fs_link *flat_link(const fs_coll_ctx *x, int p)
{
    return p <= x->g ? &x->intra : &x->inter;
}

static double ring(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_mpi_flat(flat_link(x, p), x->gamma, c, FS_ALGO_RING, p, n);
}
static double rd(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_mpi_flat(flat_link(x, p), x->gamma, c, FS_ALGO_RD, p, n);
}
static double rabenseifner(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_mpi_flat(flat_link(x, p), x->gamma, c, FS_ALGO_RABENSEIFNER, p, n);
}
static double tree(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    return fs_mpi_flat(flat_link(x, p), x->gamma, c, FS_ALGO_TREE, p, n);
}

#define TRG "Thakur, Rabenseifner & Gropp 2005"

const fs_algo_desc fs_algo_ring = {
    "ring",
    {NULL},
    FS_LIB_MPI,
    FS_OPS_ALL,
    "ring: p-1 steps of n/p (all-reduce: reduce-scatter then all-gather)",
    TRG ": 2(p-1) alpha + 2(p-1)/p n beta + (p-1)/p n gamma",
    ring};
const fs_algo_desc fs_algo_rd = {
    "rd",
    {"recursive_doubling", "recursive-doubling", NULL},
    FS_LIB_MPI,
    FS_OPS_ALL,
    "recursive doubling: lg p exchanges (non-powers of two folded)",
    TRG ": lg p (alpha + n beta + n gamma); fold: one exchange before and after",
    rd};
const fs_algo_desc fs_algo_rabenseifner = {
    "rabenseifner",
    {"rab", NULL},
    FS_LIB_MPI,
    FS_OPS_ALL,
    "Rabenseifner: recursive halving then recursive doubling (folded)",
    TRG ": 2 lg p alpha + 2(p-1)/p n beta + (p-1)/p n gamma",
    rabenseifner};
const fs_algo_desc fs_algo_tree = {
    "tree",
    {"binomial", NULL},
    FS_LIB_MPI,
    FS_OPS_ALL,
    "binomial tree: reduce / gather to a root, broadcast / scatter back",
    TRG ": 2 ceil(lg p) (alpha + n beta) + ceil(lg p) n gamma",
    tree};
