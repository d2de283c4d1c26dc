/* reduce_scatter.c - rank r ends with block r of the sum (n blocks).
 * busbw = algbw * (n-1)/n (nccl-tests); bytes = the whole vector. */
#include "collective.h"

FS_COLLECTIVE_BENCH(reduce_scatter, FS_COLL_REDUCE_SCATTER, 1,
                    "sum over all ranks, rank r gets block r (MPI_Reduce_scatter_block)");
