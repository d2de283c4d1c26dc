/*
 * transport.h - the one interface every benchmark and collective is written
 * against.  Implementations: mpi/mpi.c (MPI point-to-point, and the
 * library's own collectives through the optional `coll`) and ofi/ (libfabric
 * RDM endpoint).  A test may supply its own (the collectives' fake transport).
 *
 * Model: UCX libperf separates the measurement core from the runtime; here
 * the runtime (MPI) bootstraps ranks and exchanges addresses, and the data
 * path is whatever `ops` points at.  Posting an operation never allocates:
 * per-operation state lives in the caller's fs_req.
 *
 * Conventions
 *  - All calls return 0 on success or a negative FS_E* code; on failure
 *    tp->errmsg holds one line saying what went wrong.
 *  - Peers are ranks 0..nranks-1 of the launching communicator.
 *  - A buffer passed to isend/irecv/write must lie inside the fs_mr given
 *    with it (NULL is allowed only when tp->caps.needs_mr is false).
 *  - Messages of any size are accepted; a transport whose provider has a
 *    smaller max_msg_size chunks internally, and the receive posted for a
 *    message must have the same length as the send.
 */
#ifndef FS_TRANSPORT_H
#define FS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "coll_types.h"

/* Error codes (negative returns). FS_EINPUT means "the user asked for
 * something this transport/provider cannot do" and maps to exit status 2. */
enum {
    FS_OK = 0,
    FS_EINPUT = -2,   /* bad input: unknown provider, size too large, ... */
    FS_ERUNTIME = -1, /* the fabric or the library failed */
    FS_ETIMEOUT = -3, /* no progress within the watchdog deadline */
};

typedef struct fs_transport fs_transport;
typedef struct fs_mr fs_mr; /* transport-owned registration */

/* Caller-owned per-operation state.  Opaque; sized for a libfabric
 * fi_context2 plus chunking bookkeeping, so posting never allocates. */
typedef struct fs_req {
    _Alignas(16) unsigned char priv[256];
} fs_req;

/* What a peer needs to write into a registered buffer: its address (or
 * offset, when the provider uses offset-based RMA) and the key. */
typedef struct fs_rkey {
    uint64_t addr;
    uint64_t key;
} fs_rkey;

/* Selection and emulation options, shared by every transport. */
typedef struct fs_transport_opts {
    const char *provider; /* libfabric provider name (ofi), NULL = first RDM */
    const char *fabric;   /* libfabric fabric name, NULL = any */
    const char *domain;   /* libfabric domain name, NULL = any */
    /* One endpoint ("rail") per NIC: "all" (every domain of the provider and
     * fabric, one per device or interface) or comma-separated domain names;
     * NULL = one endpoint on the first domain. */
    const char *nics;
    bool need_rma;    /* fail with FS_EINPUT if RMA write is unavailable */
    bool emulate_efa; /* force EFA's strict paths on local providers */
    size_t max_bytes; /* largest message the run will post */
    double timeout_s; /* progress watchdog for waits; 0 = none */
    /* A rank with nothing to reap gives its core away (sched_yield) instead
     * of spinning: set when the host has more ranks than cores, as Open MPI
     * does when oversubscribed (fs_yield_when_idle). */
    bool yield_idle;
} fs_transport_opts;

/* What the transport negotiated; benchmarks read these, metadata records them. */
typedef struct fs_transport_caps {
    bool rma;            /* write_notify is available */
    bool needs_mr;       /* buffers must be registered (FI_MR_LOCAL) */
    size_t max_msg_size; /* largest single operation (larger ones are chunked) */
    size_t inject_size;  /* sends up to this size may be injected */
    size_t tx_depth;     /* operations that may be outstanding on send side */
    size_t rx_depth;     /* operations that may be outstanding on receive side */
} fs_transport_caps;

/* One NIC a transport uses (a "rail", --nics), for placement and
 * per-NIC accounting. */
typedef struct fs_rail_info {
    char domain[128]; /* libfabric domain: the device (efa, verbs) or interface (tcp) */
    char provider[64];
    char fabric[128];
    char pci[32];                /* PCI bus id ("0000:10:1b.0") when the provider gives it */
    uint64_t tx_bytes, rx_bytes; /* payload this rank posted on it since init */
    /* Inbound stream: bytes of receives that waited while the rail was
     * delivering, and the time between receive completions they took (a
     * window's stream, without its first message; 0 under ping-pong). */
    uint64_t rx_paced_bytes;
    double rx_paced_s;
} fs_rail_info;

struct fs_transport_ops {
    const char *name; /* "mpi", "ofi", ... */
    /* Collective over all ranks: open the endpoint and exchange addresses. */
    int (*init)(fs_transport *tp, const fs_transport_opts *opts);
    void (*fini)(fs_transport *tp);
    int (*mr_reg)(fs_transport *tp, void *buf, size_t len, fs_mr **mr);
    void (*mr_dereg)(fs_transport *tp, fs_mr *mr);
    /* Tagged, two-sided; tag is matched together with the peer. */
    int (*isend)(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag,
                 fs_req *req);
    int (*irecv)(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag,
                 fs_req *req);
    /* Wait for all n requests; drives progress. */
    int (*waitall)(fs_transport *tp, fs_req *reqs, int n);
    /* Optional blocking send / receive, for a transport whose library has a
     * faster path than post-and-wait (MPI_Send skips the request).  NULL:
     * fs_send / fs_recv post and wait. */
    int (*send)(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag);
    int (*recv)(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag);
    /* Collective: publish (addr,key) of mr to every rank; peers[r] is rank r's. */
    int (*rma_expose)(fs_transport *tp, fs_mr *mr, fs_rkey *peers);
    /* One-sided write of len bytes to dst+offset at peer that the target
     * counts on arrival (wait_notify). */
    int (*write_notify)(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                        const fs_rkey *dst, uint64_t offset, fs_req *req);
    /* Target side: wait until `count` write notifications have arrived. */
    int (*wait_notify)(fs_transport *tp, long count);
    /* Optional: the library's own collective over all ranks (MPI_Allreduce,
     * ..., MPI_Alltoall; not FS_COLL_ALLTOALLV: collv), the benchmarks'
     * algorithm "native".  count is the whole vector
     * (coll_types.h); buffers need no registration.  NULL: the transport has
     * none. */
    int (*coll)(fs_transport *tp, fs_coll_op op, const void *sbuf, void *rbuf, size_t count,
                fs_coll_dtype dt);
    /* Optional: the library's own all-to-all-v (MPI_Alltoallv) with this
     * rank's row of the layout v (elements, coll_types.h).  NULL: none. */
    int (*collv)(fs_transport *tp, const void *sbuf, void *rbuf, const fs_coll_v *v,
                 fs_coll_dtype dt);
    /* Optional: the rails in use, at most max of them into out (rail i is
     * the one peers' rail i talks to); returns how many there are.  NULL:
     * the transport does not know its NICs (MPI). */
    int (*rails)(fs_transport *tp, fs_rail_info *out, int max);
    /* Add this transport's negotiated attributes to a run's JSON object. */
    void (*describe)(fs_transport *tp, json_t *run);
};

struct fs_transport {
    const struct fs_transport_ops *ops;
    int rank, nranks;
    fs_transport_caps caps;
    char provider[64]; /* what was actually selected, for the results */
    char fabric[128];
    char domain[128];
    char errmsg[512];
    void *priv; /* implementation state */
};

/* Registry of the transports compiled in, NULL-terminated. */
extern const struct fs_transport_ops fs_transport_mpi;
extern const struct fs_transport_ops fs_transport_ofi;
extern const struct fs_transport_ops *const fs_transports[];

/* Look up by name; NULL when unknown. */
const struct fs_transport_ops *fs_transport_find(const char *name);

/* Tag of fs_transport_connect's messages: below the collectives' tag bit
 * and apart from the benchmarks' own small tags. */
#define FS_CONNECT_TAG 63u

/* Collective among the ranks that name each other: one empty message each
 * way with every peer in peers[0..n), over every rail, waited for.  A
 * provider that connects on first use (tcp;ofi_rxm sets up a connection
 * and allocates its buffer pool then: 0.65 s each on a loaded 2-core
 * machine; verbs;ofi_rxm; EFA's handshake) does it here, untimed, and not
 * in a benchmark's first timed iterations.  peers must be symmetric (r
 * names s iff s names r).  0 or the failing call's FS_E* code. */
int fs_transport_connect(fs_transport *tp, const int *peers, int n);

/* Convenience wrappers: blocking send / receive of one message. */
int fs_send(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag);
int fs_recv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag);

/* Record a one-line error in tp->errmsg (printf-style) and return code. */
int fs_transport_fail(fs_transport *tp, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
