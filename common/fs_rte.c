/* fs_rte.c - the process's heartbeat counter, and the variable-size
 * gather for runtimes that have none (see fs_rte.h). */
#include "fs_rte.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

atomic_ulong fs_rte_heartbeats;

/* Every rank learns the longest length (a reduction of one double: exact
 * for any length a buffer can have), sends that many bytes, and the
 * receivers move each rank's first lens[r] bytes to displs[r].  Costs
 * size x longest bytes where data lands: a fallback for the in-process
 * test runtimes, not for a job of thousands of ranks. */
static int gatherv_fixed(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                         const size_t *displs, int root)
{
    double mylen = (double)len, longest = 0;
    if (fs_rte_reduce(rte, &mylen, &longest, 1, FS_RTE_MAX, FS_RTE_ALL)) return -1;
    size_t slot = (size_t)longest > 0 ? (size_t)longest : 1, n = (size_t)rte->size;
    bool lands = root == FS_RTE_ALL || root == rte->rank;
    char *sbuf = calloc(1, slot), *rbuf = lands ? malloc(n * slot) : NULL;
    /* A rank without room cannot take part with the same size as the
     * others, and a collective cannot be left half done. */
    if (!sbuf || (lands && !rbuf)) fs_rte_abort(rte, 1, "fabscale: out of memory in a gather");
    if (len) memcpy(sbuf, mine, len);
    int rc = fs_rte_gather(rte, sbuf, rbuf, slot, root);
    for (size_t r = 0; rc == 0 && lands && r < n; r++)
        if (lens[r]) memcpy((char *)all + displs[r], rbuf + r * slot, lens[r]);
    free(sbuf);
    free(rbuf);
    return rc;
}

int fs_rte_gatherv(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                   const size_t *displs, int root)
{
    if (rte->ops->gatherv) return rte->ops->gatherv(rte, mine, len, all, lens, displs, root);
    return gatherv_fixed(rte, mine, len, all, lens, displs, root);
}
