/* nics.c - the pure side of nics.h: where a NIC sits, where a rank goes,
 * and the per-NIC record of a point (nics_place.c gathers and places). */
#include "nics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An OS device named like the domain: "eth0" == "eth0", or "rdmap16s27"
 * for "rdmap16s27-rdm". */
static bool osdev_matches(const char *osdev, const char *domain)
{
    size_t n = strlen(osdev);
    return strncmp(osdev, domain, n) == 0 && (domain[n] == '\0' || domain[n] == '-');
}

static int numa_of(hwloc_topology_t topo, hwloc_obj_t dev)
{
    hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, dev);
    if (!anc || !anc->nodeset || hwloc_bitmap_weight(anc->nodeset) != 1) return -1;
    return hwloc_bitmap_first(anc->nodeset);
}

int fs_nic_numa(hwloc_topology_t topo, const char *domain, const char *pci)
{
    if (!topo || !domain) return -1;
    hwloc_obj_t best = NULL;
    size_t best_len = 0;
    for (hwloc_obj_t o = hwloc_get_next_osdev(topo, NULL); o; o = hwloc_get_next_osdev(topo, o)) {
        if (!o->name || !osdev_matches(o->name, domain)) continue;
        /* The longest match: "mlx5_1" rather than a device named "mlx5". */
        if (strlen(o->name) > best_len) {
            best = o;
            best_len = strlen(o->name);
        }
    }
    if (best) return numa_of(topo, best);
    if (pci && *pci) {
        hwloc_obj_t dev = hwloc_get_pcidev_by_busidstring(topo, pci);
        if (dev) return numa_of(topo, dev);
    }
    return -1;
}

int fs_nics_home(const int *numa, int nrails, int local, int *slot)
{
    *slot = 0;
    if (nrails <= 0) return -1;
    int shared = -2; /* -2: no rail known yet, -1: rails on different nodes */
    for (int i = 0; i < nrails; i++) {
        if (numa[i] < 0) continue;
        if (shared == -2)
            shared = numa[i];
        else if (shared != numa[i])
            shared = -1;
    }
    if (shared == -2) return -1;
    if (shared >= 0) {
        *slot = local;
        return shared;
    }
    int home = numa[local % nrails];
    if (home < 0) return -1;
    for (int l = 0; l < local; l++) *slot += numa[l % nrails] == home;
    return home;
}

static json_t *gbps(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *fs_nics_point_json(const fs_rail_delta *d, int nranks, int nrails, const int *host_of,
                           const fs_hostmap *hosts, double bw_GBps)
{
    int nhosts = 0;
    for (int r = 0; r < nranks; r++)
        if (host_of[r] + 1 > nhosts) nhosts = host_of[r] + 1;
    double total = 0;
    for (size_t k = 0; k < (size_t)nranks * (size_t)nrails; k++) total += d[k].tx_bytes;
    json_t *jh = json_array();
    for (int h = 0; h < nhosts; h++) {
        const char *name = "?";
        double host_bytes = 0;
        json_t *jr = json_array();
        for (int r = 0; r < nranks; r++)
            if (host_of[r] == h) {
                name = hosts->name[r];
                break;
            }
        for (int i = 0; i < nrails; i++) {
            double b = 0, paced = 0, rate = 0;
            bool timed = false;
            for (int r = 0; r < nranks; r++) {
                if (host_of[r] != h) continue;
                const fs_rail_delta *x = &d[(size_t)r * (size_t)nrails + (size_t)i];
                b += x->tx_bytes;
                paced += x->rx_paced_bytes;
                /* The host's ranks stream through the NIC at once: rates add. */
                if (x->rx_paced_bytes > 0 && x->rx_paced_s > 0) {
                    rate += x->rx_paced_bytes / x->rx_paced_s * 1e-9;
                    timed = true;
                }
            }
            host_bytes += b;
            double share = total > 0 ? b / total : 0;
            json_array_append_new(jr, json_pack("{s:i, s:I, s:f, s:I, s:o}", "rail", i, "tx_bytes",
                                                (json_int_t)b, "share", share, "rx_stream_bytes",
                                                (json_int_t)paced, "rx_GBps",
                                                timed ? gbps(rate) : json_null()));
        }
        double hs = total > 0 ? host_bytes / total : 0;
        json_array_append_new(jh, json_pack("{s:s, s:I, s:o, s:o}", "host", name, "tx_bytes",
                                            (json_int_t)host_bytes, "bandwidth_GBps",
                                            gbps(bw_GBps * hs), "rails", jr));
    }
    return json_pack("{s:I, s:o, s:o}", "tx_bytes", (json_int_t)total, "bandwidth_GBps",
                     gbps(bw_GBps), "hosts", jh);
}
