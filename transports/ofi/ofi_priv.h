/*
 * ofi_priv.h - state shared by the files of the libfabric transport:
 *   ofi.c       endpoint life cycle and the ops table
 *   ofi_info.c  hints, provider/fabric/domain selection, --list-providers
 *   ofi_rails.c which domains become rails under --nics (pure), and the
 *               rail a message takes
 *   ofi_mr.c    registration and RMA key exchange
 *   ofi_xfer.c  posting, chunking, queue limits, completion progress
 *   ofi_attr.c  negotiated attributes for the results (describe)
 *   ofi_boot.c  the MPI bootstrap (address exchange only, never data)
 */
#ifndef FS_OFI_PRIV_H
#define FS_OFI_PRIV_H

#include "transport.h"

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_eq.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>
#include <rdma/fi_tagged.h>

/* The API version we compile against: 1.17 on Debian, 2.x from AWS. */
#define OFI_API_VERSION FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION)

/* --emulate-efa: the limits EFA imposes, forced on local providers. */
#define OFI_EMU_CHUNK    8192u /* efa-direct max_msg_size (one MTU) */
#define OFI_EMU_TX_QUEUE 8u    /* device queue: the 9th send gets -FI_EAGAIN */

/* --nics: at most this many rails (one endpoint per NIC; p5 has 32). */
#define OFI_MAX_RAILS 32
/* Tags below this are striped over the rails message by message (a
 * window's messages share a tag); larger ones (the collectives' per-step
 * tags) go to the rail their tag hashes to. */
#define OFI_SEQ_TAGS 64

/* Distinct chunk counts of RMA writes that may be partly arrived at once. */
#define OFI_PARTIAL_SLOTS 32

enum ofi_kind { OFI_SEND = 1, OFI_RECV = 2, OFI_WRITE = 3 };

struct ofi_req;

/* One libfabric operation in flight.  The context must come first: the
 * completion's op_context points at it. */
typedef struct ofi_op {
    struct fi_context2 ctx;
    struct ofi_req *req;
    struct ofi_op *next_free; /* pool free list */
    size_t len;               /* bytes this operation carries */
    uint64_t mark;            /* receives: the rail's pace_rx.done when posted */
    bool pooled;              /* from the pool, else embedded in the request */
} ofi_op;

/* What lives in the caller's fs_req.  The embedded op serves an unchunked
 * message; extra chunks in flight take ops from the preallocated pool, so
 * posting never allocates. */
typedef struct ofi_req {
    ofi_op op;
    struct ofi_state *st; /* the rail it was posted on */
    struct ofi_req *next; /* pending FIFO link */
    char *buf;
    void *desc;
    size_t len;
    size_t nchunks, posted, done; /* counted in chunks */
    uint64_t tag;
    uint64_t raddr, rkey; /* writes */
    fi_addr_t addr;
    int peer;
    int err; /* 0 or negative FS_E* */
    uint8_t kind;
    bool queued;  /* on a pending FIFO */
    bool op_busy; /* the embedded op is in flight */
} ofi_req;

_Static_assert(sizeof(ofi_req) <= sizeof(((fs_req *)0)->priv), "fs_req too small for ofi_req");
_Static_assert(_Alignof(ofi_req) <= 16, "fs_req alignment too small for ofi_req");

/* A NIC's inbound stream rate, from receive completions alone (--nics).
 * A completion counts, with the time since the rail's previous receive
 * completion, only if its receive was posted before that one: it was
 * waiting while its bytes were on the wire.  The first receive of a window
 * (posted after the previous window ended), acknowledgements and ping-pong
 * receives never count, so the rate is window-stream time only, whatever
 * the sender's start-up; neither clocks across hosts nor the sender's
 * socket buffering enter it.  Completions read together share one clock
 * reading: the interval counts once, with all their counted bytes. */
typedef struct ofi_pace {
    uint64_t done;  /* receive operations completed */
    double last;    /* time of the latest receive completion */
    uint64_t bytes; /* bytes of the counted completions */
    double secs;    /* the intervals they took */
} ofi_pace;

/* One CQ read at time t: ofi_pace_rx for each receive completed in it
 * (mark: p->done when it was posted), then ofi_pace_end. */
typedef struct ofi_pace_read {
    uint64_t done0;
    bool any, counted;
} ofi_pace_read;

static inline ofi_pace_read ofi_pace_begin(const ofi_pace *p)
{
    return (ofi_pace_read){p->done, false, false};
}

static inline void ofi_pace_rx(ofi_pace *p, ofi_pace_read *rd, uint64_t mark, size_t len)
{
    if (mark < rd->done0) {
        p->bytes += len;
        rd->counted = true;
    }
    rd->any = true;
    p->done++;
}

static inline void ofi_pace_end(ofi_pace *p, const ofi_pace_read *rd, double t)
{
    if (rd->counted) p->secs += t - p->last;
    if (rd->any) p->last = t;
}

typedef struct ofi_fifo {
    ofi_req *head, *tail;
} ofi_fifo;

/* One registration per rail (each domain has its own); RMA uses rail 0's. */
struct fs_mr {
    struct fid_mr *mr[OFI_MAX_RAILS]; /* NULL for an empty buffer */
    void *desc[OFI_MAX_RAILS];        /* fi_mr_desc, passed when needed */
    char *buf;
    size_t len;
    uint64_t key; /* rail 0's fi_mr_key: what peers must use */
};

/* One rail: an endpoint with its own domain, CQ and AV on one NIC. */
typedef struct ofi_state {
    int index;            /* rail number */
    struct fi_info *info; /* the selected entry (owned copy) */
    struct fid_fabric *fabric;
    struct fid_domain *domain;
    struct fid_av *av;
    struct fid_cq *cq;
    struct fid_ep *ep;
    fi_addr_t *addrs; /* addrs[r]: rank r */
    int rank, nranks;

    /* Decisions taken from the returned attributes. */
    bool tagged;       /* FI_TAGGED available (not on efa-direct) */
    bool rma;          /* FI_RMA and >= 4 bytes of remote CQ data */
    bool virt_addr;    /* FI_MR_VIRT_ADDR: RMA targets are addresses */
    bool pass_desc;    /* FI_MR_LOCAL (or emulation): descriptors required */
    bool emulate;      /* --emulate-efa */
    bool efa;          /* provider is efa: error hints apply */
    bool pace;         /* --nics: time receive completions (per-NIC rates) */
    bool yield_idle;   /* waits sched_yield when idle (fs_transport_opts) */
    size_t chunk;      /* largest single operation (min over ranks) */
    size_t inject;     /* sends up to this size are injected */
    size_t tx_depth;   /* tx_attr->size */
    size_t rx_depth;   /* rx_attr->size */
    size_t max_bytes;  /* largest message the run declared */
    uint64_t next_key; /* unique requested keys when the provider takes ours */
    double timeout_s;

    /* Runtime. */
    size_t tx_out, rx_out; /* operations posted and not completed */
    ofi_fifo txq, rxq;     /* requests with chunks still to post */
    ofi_op *pool, *free_ops;
    size_t pool_len;
    long notified; /* whole RMA writes arrived, not yet consumed */
    struct {
        uint32_t n, cnt;
    } partial[OFI_PARTIAL_SLOTS];
    int fatal;        /* sticky error not tied to one request */
    char cq_err[400]; /* last completion error, for waitall's message */

    /* Counters reported in the attributes. */
    uint64_t eagain;  /* -FI_EAGAIN answers seen */
    uint64_t chunked; /* messages split into several operations */
    uint64_t injected;
    uint64_t tx_bytes, rx_bytes; /* payload posted (sends, writes) and received */
    uint64_t deferred;           /* requests queued here because the provider could not take them */
    size_t tx_hwm, rx_hwm;       /* most operations in the provider at once (a full window?) */

    ofi_pace pace_rx; /* the NIC's inbound stream rate (--nics) */

    /* EFA: emulated RDMA (fi_getopt, libfabric >= 1.18), -1 unknown. */
    int emulated_read, emulated_write;
} ofi_state;

/* The transport (tp->priv): its rails, and the per-peer message counts
 * that stripe a window over them the same way on both sides. */
typedef struct ofi_rails {
    ofi_state *rail; /* [nrails] */
    int nrails;
    int rank, nranks;
    /* [2][nranks][OFI_SEQ_TAGS]: sends to / receives from peer with a
     * small tag so far; NULL with one rail. */
    uint32_t *seq;
    bool hooked; /* ofi_progress_hook registered with the launcher */
} ofi_rails;

/* ofi_rails.c */
/* Which fi_info entries of `list` (fi_getinfo's answer, in its order)
 * become rails: spec "all" takes the first entry of every distinct domain
 * (device for efa/verbs, interface for tcp) - loopback only when it is
 * the only one -, a comma-separated list the named domains in its order;
 * NULL the first entry.  fabric (NULL = any) filters first.  Pure: out[]
 * points into list.  Returns the count (>= 1), 0 when no entry has the
 * fabric, or FS_EINPUT with one line in why (an unknown or repeated name,
 * more than max). */
int ofi_rails_pick(const struct fi_info *list, const char *fabric, const char *spec,
                   const struct fi_info **out, int max, char *why, size_t len);

/* A tag's rail when it is not counted: the same on every rank. */
static inline uint32_t ofi_tag_mix(uint32_t t)
{
    t ^= t >> 16;
    t *= 0x7feb352du;
    t ^= t >> 15;
    return t;
}

/* The rail the next message to (send) or from (receive) peer with tag
 * takes; peer must be in range.  Inline: it is on the latency path. */
static inline ofi_state *ofi_rail_for(ofi_rails *R, int peer, uint32_t tag, bool send)
{
    if (R->nrails == 1) return R->rail;
    uint32_t k;
    if (tag < OFI_SEQ_TAGS)
        k = R->seq[((size_t)!send * (size_t)R->nranks + (size_t)peer) * OFI_SEQ_TAGS + tag]++;
    else
        k = ofi_tag_mix(tag);
    return &R->rail[k % (uint32_t)R->nrails];
}

/* ofi_info.c */
/* Fill R->rail[i].info for every rail, R->nrails. */
int ofi_select(fs_transport *tp, ofi_rails *R, const fs_transport_opts *opts);
/* "FI_MR_LOCAL|FI_MR_PROV_KEY" style text of mr_mode bits, via fi_tostr. */
void ofi_mr_mode_str(uint64_t mr_mode, char *buf, size_t len);
/* Every mr_mode bit these headers define (to accept whatever a provider
 * requires when listing or diagnosing). */
int ofi_all_mr_bits(void);
/* The same as a JSON array of names. */
json_t *ofi_mr_mode_json(uint64_t mr_mode);

/* ofi_mr.c */
int ofi_mr_reg(fs_transport *tp, void *buf, size_t len, fs_mr **mr);
void ofi_mr_dereg(fs_transport *tp, fs_mr *mr);
int ofi_rma_expose(fs_transport *tp, fs_mr *mr, fs_rkey *peers);

/* ofi_xfer.c */
int ofi_isend(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr, uint32_t tag,
              fs_req *req);
int ofi_irecv(fs_transport *tp, int peer, void *buf, size_t len, fs_mr *mr, uint32_t tag,
              fs_req *req);
int ofi_write_notify(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                     const fs_rkey *dst, uint64_t offset, fs_req *req);
int ofi_waitall(fs_transport *tp, fs_req *reqs, int n);
int ofi_wait_notify(fs_transport *tp, long count);
/* Post what is queued and read the CQ once, without waiting: the launcher
 * calls it (arg: the ofi_state) while this rank waits outside the
 * transport, so the provider's buffered bytes keep moving.  An error is
 * kept in st->fatal for the next wait to report. */
void ofi_progress_hook(void *arg); /* arg: the ofi_rails */
/* Build the operation pool once the queue depths are known. */
int ofi_pool_init(ofi_state *st);

/* ofi_attr.c */
void ofi_describe(fs_transport *tp, json_t *attributes);
void ofi_query_efa_opts(ofi_state *st);
int ofi_rails_info(fs_transport *tp, fs_rail_info *out, int max);
/* "0000:10:1b.0" from fi->nic's PCI attributes, "" when absent. */
void ofi_pci_id(const struct fi_info *fi, char *buf, size_t len);

/* ofi_boot.c: the launcher's collectives (MPI). */
int ofi_boot_rank(int *rank, int *nranks);
int ofi_boot_allgather(const void *mine, void *all, size_t len);
/* Every rank learns the worst (most negative) of the ranks' codes. */
int ofi_boot_agree(int rc);
size_t ofi_boot_min_size(size_t v);
/* Have the launcher call fn(arg) while it waits in its collectives (the
 * endpoint's manual progress), and stop doing so. */
int ofi_boot_add_progress(void (*fn)(void *), void *arg);
void ofi_boot_remove_progress(void (*fn)(void *), void *arg);
void ofi_boot_fini(void);

/* One-line message for a libfabric error code, with the likely cause for
 * EFA's well-known failures. */
const char *ofi_hint(const ofi_state *st, int fi_err, int prov_errno);

#endif
