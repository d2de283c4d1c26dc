/* allgather.c - every rank ends with every rank's block.
 * busbw = algbw * (n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

FS_COLLECTIVE_BENCH(allgather, FS_COLL_ALLGATHER, 1,
                    "every rank gets every rank's block (MPI_Allgather)");
