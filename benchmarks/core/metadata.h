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

/* Host names by rank, gathered once per launch (collective): each rank's
 * name at its own length (fs_rte_gatherv), so a rank holds the names once
 * each, not a fixed 256-byte slot per rank.  Valid on every rank. */
typedef struct fs_hostmap {
    int nranks;
    const char **name; /* name[r]: rank r's host name */
    int nhosts;        /* distinct names, in order of their first rank */
    int *host;         /* host[r]: index of rank r's host */
    int *leader;       /* leader[h]: the first (lowest) rank on host h */
    int local_rank;    /* this rank's index among the ranks of its host */
    int local_size;    /* ranks on this rank's host */
    char *names;       /* the gathered text name[] points into */
} fs_hostmap;
int fs_hostmap_gather(fs_rte *rte, fs_hostmap *m);
void fs_hostmap_free(fs_hostmap *m);

/* The hostmap of already gathered names: all holds nranks NUL-terminated
 * names back to back (what the gather delivers), taken over by m.  Pure
 * (no runtime); 0, or -1 when memory runs out (all is then freed). */
int fs_hostmap_build(fs_hostmap *m, int nranks, int rank, char *all);

/* Collective: with --bind core, bind this rank to its own core (by
 * node-local rank, from hosts) when fs_bind_decide says so.  Returns 0, or
 * -1 with errmsg. */
int fs_bind_rank(fs_rte *rte, const fs_hostmap *hosts, char *errmsg, size_t len);

/* Whether a rank waiting on libfabric completions should give its core away
 * (sched_yield) rather than spin: FS_YIELD ("0" or "1", env_yield, NULL when
 * unset) decides when given; else yes when the host's ranks outnumber its
 * online CPUs, the test Open MPI applies to its own ranks (degraded mode
 * when oversubscribed): a spinning rank there holds the core the rank it
 * waits for needs.  Pure. */
bool fs_yield_when_idle(int ranks_on_host, long cpus_online, const char *env_yield);

/* Collective: bindings (and who made them: rank_bound_by), topology per
 * host, versions.  Every rank loads its hwloc topology once (shared with
 * fs_bind_rank); only a host's leader (node-local rank 0) discovers I/O
 * devices and serialises the host's topology.  What reaches rank 0 is one
 * variable-size gather: a rank's binding and, from a leader, its host's
 * topology.  A host whose topology exceeds FS_META_TOPOLOGY_MAX bytes
 * keeps its counts and as many network devices as fit, and says so
 * ("network_devices_total", "truncated": true, and a line on stderr);
 * a host whose topology cannot be loaded is listed with "error".  Returns
 * the "meta" object on rank 0 (NULL elsewhere). */
json_t *fs_metadata_collect(fs_rte *rte, const fs_hostmap *hosts, int argc, char **argv);

/* The bytes a host's serialised topology may take at rank 0. */
#define FS_META_TOPOLOGY_MAX 65536

/* A host's topology object as serialised for the gather, at most max
 * bytes (NUL included): whole, or with the network device list cut to
 * what fits and "network_devices_total" and "truncated" added.  Returns a
 * malloc'd string, or NULL when even the counts do not fit.  Pure. */
char *fs_metadata_topology_text(json_t *topology, size_t max);

/* The fixed part of meta (version, command, start_time, ranks, hosts,
 * rank_host, rank_binding, rank_bound_by, topology) on rank 0 from the
 * gathered records: records holds nranks records back to back, each
 * "BINDING\0BOUND_BY\0TOPOLOGY\0" with TOPOLOGY empty except from a
 * host's leader.  Pure (fs_metadata_collect adds what this process reads:
 * instance type, versions). */
json_t *fs_metadata_assemble(const fs_hostmap *hosts, const char *records, size_t len, int argc,
                             char **argv);

/* Add to settings the environment variables that change how a run behaves
 * and are set in this process: FS_COLL_CHUNK, FS_YIELD, FS_FAULT, every
 * FI_* and the OMPI_MCA_* ones that are not mpirun's own plumbing, each
 * under its own (upper-case) name with its value as a string. */
void fs_metadata_add_env_knobs(json_t *settings);

/* ISO-8601 UTC time now. */
void fs_utc_now(char *buf, size_t len);

#endif
