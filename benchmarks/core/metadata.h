/* metadata.h - what a result needs to be reproducible: where each rank ran,
 * on what hardware, with which libraries. */
#ifndef FS_METADATA_H
#define FS_METADATA_H

#include <stdbool.h>

#include <jansson.h>

#include "fs_rte.h"

/* Who placed a rank: the launcher (mpirun --bind-to, srun --cpu-bind: its
 * mask is narrower than every CPU the process may use), fabscale-bench
 * (--bind core on a rank the launcher left unbound), or nobody. */
typedef enum fs_bound_by { FS_BOUND_NOBODY, FS_BOUND_LAUNCHER, FS_BOUND_FABSCALE } fs_bound_by;

/* The decision, pure: with --bind core (want_core), bind only a rank the
 * launcher left unbound, i.e. whose mask (cpus, an hwloc list such as
 * "0-3") covers every CPU it is allowed (allowed: the topology's allowed
 * set, what cgroups and taskset leave), and was not told to leave unbound
 * (launcher_none: mpirun --bind-to none, srun --cpu-bind=none; see
 * fs_launcher_says_unbound).  A wider launcher binding (a NUMA node, a
 * socket: NIC-local placement) is kept as it is.  Returns who places the
 * rank; *bind is set when fabscale-bench must bind it. */
fs_bound_by fs_bind_decide(bool want_core, bool launcher_none, const char *cpus,
                           const char *allowed, bool *bind);

/* Whether the launcher was explicitly asked not to bind, from what it
 * exports to each rank: Open MPI's OMPI_MCA_hwloc_base_binding_policy
 * (ompi_policy, "none" after --bind-to none) and Slurm's
 * SLURM_CPU_BIND_TYPE (slurm_type, "none" after --cpu-bind=none); NULL when
 * unset.  Pure. */
bool fs_launcher_says_unbound(const char *ompi_policy, const char *slurm_type);

/* Who placed this rank, as the results record it ("launcher",
 * "fabscale-bench", "none"). */
const char *fs_bound_by_name(fs_bound_by b);

/* Collective: with --bind core, bind this rank to its own core (by
 * node-local rank: its index among the ranks with its host name) when
 * fs_bind_decide says so.  Returns 0, or -1 with errmsg. */
int fs_bind_rank(fs_rte *rte, char *errmsg, size_t len);

/* Collective: gather hosts, bindings (and who made them: rank_bound_by),
 * topology, versions.  Returns the "meta" object on rank 0 (NULL
 * elsewhere). */
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
