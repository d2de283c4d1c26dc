/* metadata.h - what a result needs to be reproducible: where each rank ran,
 * on what hardware, with which libraries. */
#ifndef FS_METADATA_H
#define FS_METADATA_H

#include <stdbool.h>

#include <jansson.h>

#include "fs_rte.h"

/* Collective: bind this rank to its own core (by node-local rank: its
 * index among the ranks with its host name) unless the launcher already
 * bound it to one core.  Returns 0, or -1 with errmsg. */
int fs_bind_rank(fs_rte *rte, char *errmsg, size_t len);

/* Collective: gather hosts, bindings, topology, versions.  Returns the
 * "meta" object on rank 0 (NULL elsewhere). */
json_t *fs_metadata_collect(fs_rte *rte, int argc, char **argv);

/* Add to settings the environment variables that change how a run behaves
 * and are set in this process: FS_COLL_CHUNK, FS_YIELD, FS_FAULT, every
 * FI_* and the OMPI_MCA_* ones that are not mpirun's own plumbing, each
 * under its own (upper-case) name with its value as a string. */
void fs_metadata_add_env_knobs(json_t *settings);

/* Host names by rank (collective); rank_host[r] valid on every rank. */
typedef struct fs_hostmap {
    int nranks;
    char (*name)[256];
} fs_hostmap;
int fs_hostmap_gather(fs_rte *rte, fs_hostmap *m);
void fs_hostmap_free(fs_hostmap *m);

/* ISO-8601 UTC time now. */
void fs_utc_now(char *buf, size_t len);

#endif
