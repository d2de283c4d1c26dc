/* rte_mpi.h - the runtime seam (fs_rte.h) over MPI: what fabscale-bench
 * launches with under mpirun. */
#ifndef FS_RTE_MPI_H
#define FS_RTE_MPI_H

#include "fs_rte.h"

/* Initialise MPI unless the program already did (then argc/argv may be
 * NULL) and return the runtime over a duplicate of MPI_COMM_WORLD, or NULL
 * when out of memory. */
fs_rte *fs_rte_mpi_init(int *argc, char ***argv);

/* Free the runtime; finalise MPI if fs_rte_mpi_init initialised it. */
void fs_rte_mpi_fini(fs_rte *rte);

#ifdef MPI_VERSION
/* The runtime's own communicator (what its collectives travel on), for a
 * test that watches it; include <mpi.h> first. */
MPI_Comm fs_rte_mpi_comm(fs_rte *rte);
#endif

#endif
