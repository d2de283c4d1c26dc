/* metadata.h - what a result needs to be reproducible: where each rank ran,
 * on what hardware, with which libraries. */
#ifndef FS_METADATA_H
#define FS_METADATA_H

#include <stdbool.h>

#include <jansson.h>
#include <mpi.h>

/* Bind this rank to its own core (by node-local rank) unless the launcher
 * already bound it to one core.  Returns 0, or -1 with errmsg. */
int fs_bind_rank(MPI_Comm comm, char *errmsg, size_t len);

/* Collective: gather hosts, bindings, topology, versions.  Returns the
 * "meta" object on rank 0 (NULL elsewhere). */
json_t *fs_metadata_collect(MPI_Comm comm, int argc, char **argv);

/* Host names by rank (collective); rank_host[r] valid on every rank. */
typedef struct fs_hostmap {
    int nranks;
    char (*name)[256];
} fs_hostmap;
int fs_hostmap_gather(MPI_Comm comm, fs_hostmap *m);
void fs_hostmap_free(fs_hostmap *m);

/* ISO-8601 UTC time now. */
void fs_utc_now(char *buf, size_t len);

#endif
