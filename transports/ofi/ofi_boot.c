/*
 * ofi_boot.c - the launcher side of the libfabric transport: who am I, and
 * the few collectives that exchange endpoint names, keys and limits.  MPI
 * lives here only; the data path never calls it.  Kept in its own file so
 * the unit tests can link a fake launcher instead.
 */
#include "ofi_priv.h"

#include <limits.h>

#include <mpi.h>

/* One communicator shared by the transports open at a time (a sweep over
 * providers may open them one after another or side by side). */
static MPI_Comm boot_comm = MPI_COMM_NULL;
static int boot_refs;

int ofi_boot_rank(int *rank, int *nranks)
{
    if (boot_refs == 0 && MPI_Comm_dup(MPI_COMM_WORLD, &boot_comm) != MPI_SUCCESS)
        return FS_ERUNTIME;
    boot_refs++;
    MPI_Comm_rank(boot_comm, rank);
    MPI_Comm_size(boot_comm, nranks);
    return 0;
}

int ofi_boot_allgather(const void *mine, void *all, size_t len)
{
    if (len > INT_MAX) return FS_ERUNTIME;
    return MPI_Allgather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, boot_comm) ==
                   MPI_SUCCESS
               ? 0
               : FS_ERUNTIME;
}

int ofi_boot_agree(int rc)
{
    int worst = rc;
    if (MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MIN, boot_comm) != MPI_SUCCESS)
        return FS_ERUNTIME;
    return worst;
}

size_t ofi_boot_min_size(size_t v)
{
    unsigned long long in = v, out = v;
    MPI_Allreduce(&in, &out, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, boot_comm);
    return (size_t)out;
}

void ofi_boot_fini(void)
{
    if (boot_refs > 0 && --boot_refs == 0) MPI_Comm_free(&boot_comm);
}
