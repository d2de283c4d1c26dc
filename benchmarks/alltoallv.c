/* alltoallv.c - all-to-all with per-peer sizes from the MoE skew model
 * (--skew: uniform, Zipf over experts with top-k and capacity, or a matrix
 * file; common/skew.h), MPI_Alltoallv natively.  bytes = a rank's mean
 * send volume; busbw = algbw * (n-1)/n; each point records the imbalance
 * (max over ranks of bytes sent or received / mean). */
#include "collective.h"

FS_COLLECTIVE_BENCH(alltoallv, FS_COLL_ALLTOALLV, 1,
                    "all-to-all with skewed per-peer sizes (--skew; MPI_Alltoallv)");
