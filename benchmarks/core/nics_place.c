/* nics_place.c - the collective side of nics.h: placement, and the
 * per-run and per-point NIC records gathered from every rank. */
#include "nics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofi.h"

static hwloc_topology_t load_io_topology(void)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo)) return NULL;
    hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (hwloc_topology_load(topo)) {
        hwloc_topology_destroy(topo);
        return NULL;
    }
    return topo;
}

/* Bind to core `slot` (wrapping) of NUMA node `node`. */
static int bind_in_node(hwloc_topology_t topo, int node, int slot, char *errmsg, size_t len)
{
    hwloc_obj_t numa = hwloc_get_numanode_obj_by_os_index(topo, (unsigned)node);
    if (!numa || hwloc_bitmap_iszero(numa->cpuset)) return 0; /* nothing to bind to */
    int ncores = hwloc_get_nbobjs_inside_cpuset_by_type(topo, numa->cpuset, HWLOC_OBJ_CORE);
    hwloc_obj_t core = ncores > 0
                           ? hwloc_get_obj_inside_cpuset_by_type(topo, numa->cpuset, HWLOC_OBJ_CORE,
                                                                 (unsigned)(slot % ncores))
                           : NULL;
    hwloc_const_cpuset_t set = core ? core->cpuset : numa->cpuset;
    if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS)) {
        snprintf(errmsg, len, "hwloc could not bind to a core of NUMA node %d (the NICs' node)",
                 node);
        return -1;
    }
    return 0;
}

int fs_nics_place(fs_rte *rte, const fs_hostmap *hosts, const fs_transport_opts *opts, char *errmsg,
                  size_t len)
{
    fs_rail_info rails[FS_NICS_MAX];
    int n = fs_ofi_pick_rails(opts, rails, FS_NICS_MAX, errmsg, len);
    hwloc_topology_t topo = n > 0 ? load_io_topology() : NULL;
    /* The decision is taken on the mask the launcher left, before
     * fs_bind_rank narrows it (and records who placed the rank). */
    bool bind = false;
    if (topo) {
        char cpus[1024] = "", allowed[1024] = "";
        hwloc_bitmap_t cur = hwloc_bitmap_alloc();
        if (hwloc_get_cpubind(topo, cur, HWLOC_CPUBIND_PROCESS) == 0)
            hwloc_bitmap_list_snprintf(cpus, sizeof cpus, cur);
        hwloc_bitmap_free(cur);
        hwloc_bitmap_list_snprintf(allowed, sizeof allowed,
                                   hwloc_topology_get_allowed_cpuset(topo));
        bool none = fs_launcher_says_unbound(getenv("OMPI_MCA_hwloc_base_binding_policy"),
                                             getenv("SLURM_CPU_BIND_TYPE"));
        fs_bind_decide(true, none, cpus, allowed, &bind);
    }
    /* Collective: every rank takes part, whatever its own answer. */
    char bmsg[512] = "";
    int rc = fs_bind_rank(rte, hosts, bmsg, sizeof bmsg);
    if (n < 0) {
        rc = n;
    } else if (rc) {
        snprintf(errmsg, len, "%s", bmsg);
    } else if (bind && topo) {
        int numa[FS_NICS_MAX], slot;
        if (n > FS_NICS_MAX) n = FS_NICS_MAX;
        for (int i = 0; i < n; i++) numa[i] = fs_nic_numa(topo, rails[i].domain, rails[i].pci);
        int home = fs_nics_home(numa, n, hosts->local_rank, &slot);
        if (home >= 0) rc = bind_in_node(topo, home, slot, errmsg, len);
    }
    if (topo) hwloc_topology_destroy(topo);
    return rc;
}

/* Hosts in order of first appearance: host_of[r] indexes first_rank[]. */
static int host_index(const fs_hostmap *h, int *host_of, int *first_rank)
{
    int nhosts = 0;
    for (int r = 0; r < h->nranks; r++) {
        int k = 0;
        while (k < nhosts && strcmp(h->name[first_rank[k]], h->name[r]) != 0) k++;
        if (k == nhosts) first_rank[nhosts++] = r;
        host_of[r] = k;
    }
    return nhosts;
}

static int rails_of(fs_transport *tp, fs_rail_info *out)
{
    if (!tp->ops->rails) return 0;
    int n = tp->ops->rails(tp, out, FS_NICS_MAX);
    return n > FS_NICS_MAX ? FS_NICS_MAX : n;
}

/* What one rank says of one rail in a run's record. */
typedef struct rail_rec {
    fs_rail_info r;
    int numa;
} rail_rec;

json_t *fs_nics_run(fs_rte *rte, fs_transport *tp, const fs_hostmap *hosts)
{
    fs_rail_info rails[FS_NICS_MAX];
    int n = rails_of(tp, rails);
    if (n <= 0) return NULL;
    /* Every rank opened n rails (the transport checked); each host's
     * first rank speaks for it. */
    rail_rec *mine = calloc((size_t)n, sizeof *mine);
    rail_rec *all = rte->rank == 0 ? calloc((size_t)n * (size_t)rte->size, sizeof *all) : NULL;
    hwloc_topology_t topo = load_io_topology();
    for (int i = 0; mine && i < n; i++) {
        mine[i].r = rails[i];
        mine[i].numa = fs_nic_numa(topo, rails[i].domain, rails[i].pci);
    }
    if (topo) hwloc_topology_destroy(topo);
    if (!mine) mine = calloc((size_t)n, sizeof *mine); /* still take part */
    int grc = fs_rte_gather(rte, mine, all, (size_t)n * sizeof *mine, 0);
    free(mine);
    if (rte->rank != 0 || grc || !all) {
        free(all);
        return NULL;
    }
    int *host_of = calloc((size_t)hosts->nranks, sizeof *host_of);
    int *first = calloc((size_t)hosts->nranks, sizeof *first);
    json_t *out = NULL;
    if (host_of && first) {
        int nhosts = host_index(hosts, host_of, first);
        json_t *jh = json_array();
        for (int h = 0; h < nhosts; h++) {
            json_t *jr = json_array();
            for (int i = 0; i < n; i++) {
                const rail_rec *rr = &all[(size_t)first[h] * (size_t)n + (size_t)i];
                const fs_rail_info *r = &rr->r;
                json_array_append_new(
                    jr, json_pack("{s:i, s:s, s:s, s:s, s:o, s:o}", "rail", i, "domain", r->domain,
                                  "provider", r->provider, "fabric", r->fabric, "pci",
                                  r->pci[0] ? json_string(r->pci) : json_null(), "numa",
                                  rr->numa >= 0 ? json_integer(rr->numa) : json_null()));
            }
            json_array_append_new(
                jh, json_pack("{s:s, s:o}", "host", hosts->name[first[h]], "rails", jr));
        }
        out = json_pack("{s:i, s:o}", "count", n, "hosts", jh);
    }
    free(host_of);
    free(first);
    free(all);
    return out;
}

void fs_nics_snap_take(fs_transport *tp, fs_nics_snap *s)
{
    fs_rail_info rails[FS_NICS_MAX];
    s->n = rails_of(tp, rails);
    for (int i = 0; i < s->n; i++) {
        s->tx[i] = rails[i].tx_bytes;
        s->rx_paced[i] = rails[i].rx_paced_bytes;
        s->rx_paced_s[i] = rails[i].rx_paced_s;
    }
}

json_t *fs_nics_point(fs_rte *rte, fs_transport *tp, const fs_nics_snap *before,
                      const fs_hostmap *hosts, double bw_GBps)
{
    if (before->n <= 0) return NULL;
    fs_nics_snap now;
    fs_nics_snap_take(tp, &now);
    int n = before->n;
    fs_rail_delta mine[FS_NICS_MAX];
    for (int i = 0; i < n; i++)
        mine[i] = (fs_rail_delta){(double)(now.tx[i] - before->tx[i]),
                                  (double)(now.rx_paced[i] - before->rx_paced[i]),
                                  now.rx_paced_s[i] - before->rx_paced_s[i]};
    fs_rail_delta *all = rte->rank == 0 ? calloc((size_t)rte->size * (size_t)n, sizeof *all) : NULL;
    int grc = fs_rte_gather(rte, mine, all, (size_t)n * sizeof *mine, 0);
    json_t *out = NULL;
    if (rte->rank == 0 && all && !grc) {
        int *host_of = calloc((size_t)hosts->nranks, sizeof *host_of);
        int *first = calloc((size_t)hosts->nranks, sizeof *first);
        if (host_of && first) {
            host_index(hosts, host_of, first);
            out = fs_nics_point_json(all, rte->size, n, host_of, hosts, bw_GBps);
        }
        free(host_of);
        free(first);
    }
    free(all);
    return out;
}
