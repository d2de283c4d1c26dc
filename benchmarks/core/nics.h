/*
 * nics.h - --nics on the measuring side: where each NIC sits (hwloc), a
 * rank placed next to its NICs, and what each NIC carried, per run and per
 * point.  The transport opens the NICs ("rails", transport.h's rails op);
 * this file only looks at them.
 */
#ifndef FS_NICS_H
#define FS_NICS_H

#include <stdint.h>

#include <hwloc.h>
#include <jansson.h>

#include "fs_rte.h"
#include "metadata.h"
#include "transport.h"

#define FS_NICS_MAX 32

/* The NUMA node (OS index) of the NIC behind a libfabric domain: hwloc's
 * OS device (network interface, OpenFabrics device) named like the domain
 * - exactly (tcp: "eth0"), or as its stem before a '-' (efa:
 * "rdmap16s27-rdm", verbs: "mlx5_0-dgram") - or else the PCI device of
 * pci ("0000:10:1b.0", may be NULL or ""); then the nodeset of its first
 * non-I/O ancestor when that is exactly one node.  -1 when hwloc does not
 * know (a virtual interface, a topology loaded without I/O).  Pure over
 * topo. */
int fs_nic_numa(hwloc_topology_t topo, const char *domain, const char *pci);

/* Where the node-local rank `local` goes, given each rail's NUMA node
 * (numa[i], -1 unknown): the node every known rail shares, or else its
 * own rail's (rail local % nrails, NCCL's one NIC per rank) when known.
 * Returns the node or -1 (leave the rank where it is); *slot is its index
 * among the node-local ranks before it that go to the same node (the core
 * to take there).  Pure. */
int fs_nics_home(const int *numa, int nrails, int local, int *slot);

/* Collective, instead of fs_bind_rank under --nics --bind core: the rails
 * opts would open are looked up (fs_ofi_pick_rails), and a rank the
 * launcher left unbound (fs_bind_decide) goes to a core of its home NUMA
 * node (fs_nics_home), else where fs_bind_rank puts it.  A launcher's
 * binding is kept.  Returns 0, FS_EINPUT for an unknown NIC name, or -1,
 * with one line in errmsg. */
int fs_nics_place(fs_rte *rte, const fs_hostmap *hosts, const fs_transport_opts *opts, char *errmsg,
                  size_t len);

/* Collective: the rails of tp on every host, for a run's extra:
 * {"hosts": [{"host", "rails": [{"domain", "provider", "fabric", "pci",
 * "numa"}]}]} (pci and numa null when unknown).  NULL on ranks but 0, and
 * on every rank when the transport has no rails op or a single rail was
 * not asked for (n == 0). */
json_t *fs_nics_run(fs_rte *rte, fs_transport *tp, const fs_hostmap *hosts);

/* This rank's per-rail counters, before a point. */
typedef struct fs_nics_snap {
    int n; /* rails; 0 when the transport has none */
    uint64_t tx[FS_NICS_MAX];
    uint64_t rx_paced[FS_NICS_MAX];
    double rx_paced_s[FS_NICS_MAX];
} fs_nics_snap;
void fs_nics_snap_take(fs_transport *tp, fs_nics_snap *s);

/* One rank's figures on one rail during a point (fs_rail_info's, as
 * differences). */
typedef struct fs_rail_delta {
    double tx_bytes;       /* payload it sent on the rail */
    double rx_paced_bytes; /* bytes that arrived while receives waited */
    double rx_paced_s;     /* and the time they took */
} fs_rail_delta;

/* Pure: given each rank's figures per rail during a point
 * (d[r * nrails + i]), its host index (host_of[r] < nhosts) and the
 * point's bandwidth (GB/s, every pair together), the per-NIC record:
 * {"tx_bytes": all, "bandwidth_GBps": bw, "hosts": [{"host": name,
 * "tx_bytes", "bandwidth_GBps", "rails": [{"rail": i, "tx_bytes", "share",
 * "rx_stream_bytes", "rx_GBps"}]}]}.  A host's bandwidth is the point's
 * times the share of the bytes it sent.  A NIC's rx_GBps is the rate at
 * which bytes streamed in on it (summed over the host's ranks, each its
 * paced bytes over its paced time): measured per NIC, so a slow NIC shows
 * even though even striping gives every NIC the same bytes.  It is null
 * where nothing streamed in (a sender's NICs, ping-pong, the collectives'
 * one message per step).  bw may be NAN (bandwidth_GBps null). */
json_t *fs_nics_point_json(const fs_rail_delta *d, int nranks, int nrails, const int *host_of,
                           const fs_hostmap *hosts, double bw_GBps);

/* Collective after a point: every rank's bytes since `before` to rank 0,
 * which returns fs_nics_point_json (NULL elsewhere, or without rails). */
json_t *fs_nics_point(fs_rte *rte, fs_transport *tp, const fs_nics_snap *before,
                      const fs_hostmap *hosts, double bw_GBps);

#endif
