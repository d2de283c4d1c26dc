/* alltoall.c - every rank sends a block to every rank (MPI_Alltoall): the
 * dispatch and combine of a mixture-of-experts layer without skew.
 * bytes = a rank's whole send buffer (bytes/p per peer, nccl-tests'
 * alltoall_perf); busbw = algbw * (n-1)/n. */
#include "collective.h"

FS_COLLECTIVE_BENCH(alltoall, FS_COLL_ALLTOALL, 1,
                    "a block from every rank to every rank; size = send buffer (MPI_Alltoall)");
