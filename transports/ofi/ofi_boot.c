/*
 * ofi_boot.c - the launcher side of the libfabric transport: who am I, and
 * the few collectives that exchange endpoint names, keys and limits.  They
 * go through the runtime seam (fs_rte.h) the program hands over with
 * fs_ofi_set_rte: MPI under fabscale-bench, threads in a unit test.  The
 * data path never calls it.  Kept in its own file so the unit tests can
 * link a fake launcher instead.
 */
#include "ofi.h"
#include "ofi_priv.h"

#include "fs_rte.h"

/* Borrowed, not owned: the program's runtime outlives its transports. */
static fs_rte *boot_rte;

void fs_ofi_set_rte(fs_rte *rte)
{
    boot_rte = rte;
}

int ofi_boot_rank(int *rank, int *nranks)
{
    if (!boot_rte) return FS_ERUNTIME;
    *rank = boot_rte->rank;
    *nranks = boot_rte->size;
    return 0;
}

int ofi_boot_allgather(const void *mine, void *all, size_t len)
{
    return fs_rte_allgather(boot_rte, mine, all, len) ? FS_ERUNTIME : 0;
}

int ofi_boot_agree(int rc)
{
    double in = rc, worst = rc;
    if (fs_rte_reduce(boot_rte, &in, &worst, 1, FS_RTE_MIN, FS_RTE_ALL)) return FS_ERUNTIME;
    return (int)worst;
}

/* Doubles are exact to 2^53: a larger limit (8 PiB, "unlimited") is
 * clamped, so every rank still agrees on the same value. */
size_t ofi_boot_min_size(size_t v)
{
    const double cap = 9007199254740992.0; /* 2^53 */
    double in = (double)v > cap ? cap : (double)v, out = in;
    if (fs_rte_reduce(boot_rte, &in, &out, 1, FS_RTE_MIN, FS_RTE_ALL)) out = in;
    return (size_t)out;
}

int ofi_boot_add_progress(void (*fn)(void *), void *arg)
{
    return boot_rte && fs_rte_add_progress(boot_rte, fn, arg) ? FS_ERUNTIME : 0;
}

void ofi_boot_remove_progress(void (*fn)(void *), void *arg)
{
    if (boot_rte) fs_rte_remove_progress(boot_rte, fn, arg);
}

void ofi_boot_fini(void) {}
