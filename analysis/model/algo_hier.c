/*
 * algo_hier.c - the MPI two-level model: ring inside the node, the fastest
 * flat algorithm on n/g across the nodes, with the node's K NICs shared by
 * its g ranks (each drives K/g of them: all of them together, also when a
 * node has more NICs than ranks).
 */
#include <math.h>

#include "collective_algo.h"

static double hier(const fs_coll_ctx *x, fs_collective c, int p, double n)
{
    int g = x->g;
    if (g <= 1 || p % g != 0) return NAN;
    int nodes = p / g;
    fs_link inter = fs_link_scaled(&x->inter, (double)x->nics / g);
    double gm = x->gamma;
    switch (c) {
    case FS_ALLREDUCE:
        return fs_mpi_flat(&x->intra, gm, FS_REDUCE_SCATTER, FS_ALGO_RING, g, n) +
               fs_mpi_best_flat(&inter, gm, FS_ALLREDUCE, nodes, n / g) +
               fs_mpi_flat(&x->intra, gm, FS_ALLGATHER, FS_ALGO_RING, g, n);
    case FS_REDUCE_SCATTER:
        return fs_mpi_flat(&x->intra, gm, FS_REDUCE_SCATTER, FS_ALGO_RING, g, n) +
               fs_mpi_best_flat(&inter, gm, FS_REDUCE_SCATTER, nodes, n / g);
    case FS_ALLGATHER:
        return fs_mpi_best_flat(&inter, gm, FS_ALLGATHER, nodes, n / g) +
               fs_mpi_flat(&x->intra, gm, FS_ALLGATHER, FS_ALGO_RING, g, n);
    default:
        return NAN;
    }
}

const fs_algo_desc fs_algo_hier = {
    "hier",
    {"hierarchical", "two-level", NULL},
    FS_LIB_MPI,
    FS_OPS_ALL,
    "two-level: ring inside nodes, fastest flat algorithm across them",
    "REFERENCE.md 'Hierarchical'; NICs shared K/g per rank",
    hier};
