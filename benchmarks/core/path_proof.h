/*
 * path_proof.h - proof of the path a run's bytes took (issue 18).
 *
 * The most common silent failure on a fast fabric is a fall-back: traffic
 * that left on TCP or on a NIC other than the one the benchmark names, or
 * without the device RDMA / FI_HMEM the buyer paid for.  So every run
 * records, in its "path_proof" member (run->extra, which the results
 * writer merges into the run's object):
 *   - the provider, fabric and domain(s) the transport used, whether device
 *     RDMA and FI_HMEM were negotiated (from the transport's attributes);
 *   - the byte counters of every NIC of the writing rank's host (rank 0)
 *     before and after the run: /sys/class/net/DEV/statistics/{tx,rx}_bytes
 *     and /sys/class/infiniband/DEV/ports/P/hw_counters/{tx,rx}_bytes (EFA)
 *     or .../counters/port_{xmit,rcv}_data (InfiniBand, 4-byte words);
 *   - a verdict: a warning (also on stderr) when the counters of the
 *     expected device(s) did not grow while the run moved bytes between
 *     hosts: the bytes went elsewhere.
 *
 * Parsing and the verdict are pure functions over a sysfs root (tests use
 * a fake tree in a temporary directory); only fs_path_proof_begin/end touch
 * the real /sys (FS_SYSFS_ROOT overrides it).
 */
#ifndef FS_PATH_PROOF_H
#define FS_PATH_PROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "metadata.h"
#include "results_doc.h"
#include "transport.h"

#define FS_NIC_NAME_MAX 96

/* One device's byte counters.  name is unique in a snapshot: "eth0" for a
 * network interface, "rdmap16s27/1" for port 1 of an RDMA device; device
 * is what a libfabric domain names ("eth0", "rdmap16s27"). */
typedef struct fs_nic_counter {
    char name[FS_NIC_NAME_MAX];
    char device[FS_NIC_NAME_MAX];
    bool rdma; /* /sys/class/infiniband */
    uint64_t tx_bytes, rx_bytes;
} fs_nic_counter;

typedef struct fs_nic_snapshot {
    size_t n;
    fs_nic_counter *v;
} fs_nic_snapshot;

/* Every device's counters under sysfs (normally "/sys"), sorted by name.
 * A missing class directory or counter file is no device (a host without
 * RDMA devices, a container without /sys/class/net).  Returns 0, or -1
 * when memory runs out (out is then empty). */
int fs_nic_snapshot_read(const char *sysfs, fs_nic_snapshot *out);
void fs_nic_snapshot_free(fs_nic_snapshot *s);

/* after - before for every device present in both (a counter that went
 * down, a reset or a wrap, counts from 0).  Returns 0 or -1 (memory). */
int fs_nic_delta(const fs_nic_snapshot *before, const fs_nic_snapshot *after,
                 fs_nic_snapshot *delta);

/* The sysfs device a libfabric domain runs on: the interface for tcp and
 * sockets ("eth0"), the RDMA device for efa and verbs ("rdmap16s27-rdm" ->
 * "rdmap16s27", "mlx5_0"); "" when the domain is no NIC (shm, sm2, an
 * unknown provider).  out has len bytes. */
void fs_path_domain_device(const char *provider, const char *domain, char *out, size_t len);

typedef enum fs_path_status {
    FS_PATH_UNCHECKED = 0, /* nothing to compare: no expected device, no counters, no bytes */
    FS_PATH_OK,
    FS_PATH_WARN, /* an expected device did not carry the run's bytes */
} fs_path_status;

typedef struct fs_path_verdict {
    fs_path_status status;
    char message[768];
} fs_path_verdict;

/* The verdict on a run that moved `moved` payload bytes between hosts
 * through this host (0: its ranks shared a host, no NIC needed) with the
 * counters' delta and the devices it was expected to use.  Every expected
 * device (matched on `device`, all its ports summed) must have grown by
 * at least moved / (4 * nexp) bytes, transmitted plus received: a rail
 * carries its share of the payload, and headers only add to it, so a
 * quarter of that share is a device that did not carry the run.  The
 * message names the device that fell short and where bytes went instead
 * (the busiest other device). */
void fs_path_judge(const fs_nic_snapshot *delta, const char *const *expected, size_t nexp,
                   double moved, fs_path_verdict *v);

/* What the transport's attributes (run.attributes) say was negotiated:
 * 1 yes, 0 no, -1 unknown.  device_rdma: RMA on the device itself (efa
 * when RMA was negotiated and libfabric does not emulate writes; verbs
 * when RMA was negotiated; never tcp, sockets, shm, udp).  hmem: FI_HMEM
 * in the negotiated "caps" (unknown when the transport records none). */
int fs_path_device_rdma(const char *provider, const json_t *attributes);
int fs_path_hmem(const json_t *attributes);

/* The run's path_proof object (pure): provider, fabric, domains,
 * negotiated, counters' delta per device, verdict. */
json_t *fs_path_proof_json(const char *provider, const char *fabric, const char *const *domains,
                           size_t ndomains, const json_t *attributes, const fs_nic_snapshot *delta,
                           const fs_path_verdict *v);

/* ---- the hook (rank 0, fs_sweep_run) ---- */

typedef struct fs_path_proof fs_path_proof;

/* Counters at the start of a run; NULL when memory runs out (the run then
 * has no proof, and says nothing). */
fs_path_proof *fs_path_proof_begin(void);
/* Counters at its end; records run->extra "path_proof" and prints a warning
 * on stderr when the verdict is one.  The payload the run moved between
 * hosts is sum(bytes x iterations x window) over its points (a lower
 * bound: warm-up, the other direction and collectives' steps add to it), 0 when the pair shares a
 * host (peer_hosts) or every rank of a collective does (hosts).  Frees pp (NULL is fine). */
void fs_path_proof_end(fs_path_proof *pp, fs_transport *tp, fs_run *run, const fs_hostmap *hosts);

#endif
