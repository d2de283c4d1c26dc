/*
 * collectives_auto.c - what `auto` runs.
 *
 * The cost models put recursive doubling first while latency dominates
 * (lg p steps), Rabenseifner next (2 lg p steps, the bandwidth-optimal
 * volume) and the ring last (2(p-1) steps, but one neighbour and a pipeline
 * that overlaps transfer and sum when the fabric moves data on its own).
 * Measured on libfabric shm here with 2 ranks (p50, scripts/bench-allreduce):
 * rd leads up to 256 KiB, ring and rabenseifner from 512 KiB; and a message
 * past the provider's inject size (shm: 4 KiB) costs a CMA round trip, so at
 * 8 KiB rabenseifner's injected half-vectors beat rd's one whole vector 3x.
 * A rank count that is not a power of two costs rd and rabenseifner an extra
 * whole vector (the fold), which the ring never pays.
 *
 * All-to-all: pairwise exchange posts its p-1 steps together for small
 * blocks, so it pays p-1 messages' overheads at once; Bruck pays ceil(lg p)
 * messages in sequence and about lg p / 2 times the volume plus packing.
 * Measured on libfabric shm here (p50, fabscale-bench -b alltoall -a
 * pairwise,bruck): at 2 ranks both take one step and Bruck's rotations cost
 * it (8 KiB: 1.17 us against 0.69); at 5 and 8 ranks on 2 cores Bruck's
 * p50 was lower up to 1 KiB per peer (5 ranks: 68-77 us against 11-12 ms;
 * 8 ranks, 1 KiB: 10.0 ms against 13.5) and pairwise's from 4 KiB (8 ranks:
 * 11.7 ms against 16.1).  Those ranks shared 2 loaded cores, where fewer
 * synchronising steps count most; 4 ranks were mixed.  All-to-all-v has
 * only pairwise.
 *
 * The rule names the algorithms it was measured with; whatever it picks
 * must pass fs_coll_alg_ok, else the first registry entry that does runs,
 * so `auto` never refuses what some algorithm can do.  A new algorithm
 * becomes a choice here once it has been measured against these.
 */
#include "collectives.h"

extern const fs_coll_algorithm fs_coll_ring, fs_coll_rd, fs_coll_rabenseifner, fs_coll_pairwise,
    fs_coll_bruck;

/* All-to-all: Bruck up to this many bytes per peer from this many ranks
 * (the measurements above). */
#define FS_A2A_BRUCK_MAX       1024u
#define FS_A2A_BRUCK_MIN_RANKS 5

static const fs_coll_algorithm *rule(fs_coll_op op, size_t bytes, int nranks, size_t inject_size)
{
    if (nranks <= 1) return &fs_coll_ring;
    bool pow2 = (nranks & (nranks - 1)) == 0;
    bool rs_injects = pow2 && bytes > inject_size && bytes / 2 <= inject_size;
    switch (op) {
    case FS_COLL_ALLREDUCE:
        if (rs_injects) return &fs_coll_rabenseifner;
        if (bytes <= (256u << 10)) return &fs_coll_rd;
        if (pow2 && bytes <= (4u << 20)) return &fs_coll_rabenseifner;
        return &fs_coll_ring;
    case FS_COLL_REDUCE_SCATTER:
        return pow2 && bytes <= (4u << 20) ? &fs_coll_rabenseifner : &fs_coll_ring;
    case FS_COLL_ALLGATHER:
        return bytes <= (256u << 10) ? &fs_coll_rd : &fs_coll_ring;
    case FS_COLL_ALLTOALL:
        return bytes / (size_t)nranks <= FS_A2A_BRUCK_MAX && nranks >= FS_A2A_BRUCK_MIN_RANKS
                   ? &fs_coll_bruck
                   : &fs_coll_pairwise;
    case FS_COLL_ALLTOALLV:
        return &fs_coll_pairwise;
    }
    return &fs_coll_ring;
}

const fs_coll_algorithm *fs_coll_auto(fs_coll_op op, size_t bytes, int nranks, size_t inject_size)
{
    char why[200];
    const fs_coll_algorithm *a = rule(op, bytes, nranks, inject_size);
    if (!fs_coll_alg_ok(op, a, nranks, why, sizeof why)) return a;
    for (int i = 0; fs_coll_algorithms[i]; i++)
        if (!fs_coll_alg_ok(op, fs_coll_algorithms[i], nranks, why, sizeof why))
            return fs_coll_algorithms[i];
    return NULL;
}
