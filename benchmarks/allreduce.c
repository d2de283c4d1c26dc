/* allreduce.c - every rank ends with the sum of all ranks' vectors.
 * busbw = algbw * 2(n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

FS_COLLECTIVE_BENCH(allreduce, FS_COLL_ALLREDUCE, 2,
                    "sum over all ranks, every rank gets the whole vector (MPI_Allreduce)");
