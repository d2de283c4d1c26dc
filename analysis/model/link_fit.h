/*
 * link_fit.h - piecewise Hockney fits of point-to-point links.
 *
 * What is fitted: for each link, the `latency` runs' time_us.p50 (half a
 * round trip) against bytes, and the `bw` runs' time per message
 * (time_us.p50 / window).  Each kind has its own intercept: alpha (latency,
 * the Hockney alpha used by the collective models) and the streaming gap
 * (bw).  Per protocol segment both kinds share one bandwidth (LogGP's G)
 * unless the data say otherwise: a separate streaming bandwidth is kept
 * when BIC prefers it (seen on shared memory, where a window of large
 * messages outgrows the caches and streams slower than a ping-pong).  Breakpoints
 * (protocol switches) are chosen by dynamic programming over the measured
 * sizes, the number of segments by BIC; then a segment whose messages go
 * faster than the last one's bandwidth (the link's peak) is capped at it, and a drop in time
 * at a switch is recorded (fs_link_time_us caps the sizes below it, so the
 * link's time never decreases with size).  Weights are 1/t^2 so every point
 * counts by its relative error and small messages weigh as much as large
 * ones.  Each segment's regression is GSL's weighted least squares.
 *
 * A link is (transport, provider, host pair) from the runs; runs with more
 * than one pair do not describe one link and are left out of the fit.
 * Points more than 3x slower than their neighbours allow (a time grows at
 * most in proportion to the size and does not exceed the next size's) are
 * outliers - a descheduled rank, a page-fault storm - and are left out of
 * the fit; they are still listed, with their residual, and counted.
 */
#ifndef FS_LINK_FIT_H
#define FS_LINK_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "collective_model.h"
#include "diag.h"
#include "results.h"

typedef enum fs_fit_kind { FS_FIT_LATENCY, FS_FIT_STREAM } fs_fit_kind;

typedef struct fs_fit_point {
    double bytes;
    double time_us;
    fs_fit_kind kind;
} fs_fit_point;

typedef struct fs_fit_opts {
    int max_segments; /* <= FS_LINK_MAX_SEGMENTS; 0: 4 */
    int min_sizes;    /* distinct sizes per segment, 0: 3 */
} fs_fit_opts;

typedef struct fs_fit {
    fs_link link; /* alpha from latency points (or the gap when there are none) */
    double gap_us[FS_LINK_MAX_SEGMENTS];      /* streaming intercept, NAN without bw points */
    double stream_GBps[FS_LINK_MAX_SEGMENTS]; /* streaming bandwidth (= link's when shared), NAN */
    double to_bytes[FS_LINK_MAX_SEGMENTS];    /* largest measured size in the segment */
    size_t seg_points[FS_LINK_MAX_SEGMENTS];
    double rms_rel_residual, max_rel_residual;
    size_t npoints;
    /* Kept physical: messages of the segment starting at capped_at_bytes[i]
     * went faster than the last segment's bandwidth (the link's peak): its
     * bandwidth is capped at the last one's and its alpha refitted; at drop_at_bytes[i] the
     * measured time drops at a switch, and the link's time for smaller sizes
     * is capped at the time there (fs_link_time_us). */
    int ncapped, ndrops;
    double capped_at_bytes[FS_LINK_MAX_SEGMENTS];
    double drop_at_bytes[FS_LINK_MAX_SEGMENTS];
} fs_fit;

/* Pure: fit the points (any order).  Returns 0 or FS_EXIT_INPUT when
 * there are too few usable points (fewer than 2 distinct sizes). */
int fs_fit_piecewise(const fs_fit_point *pts, size_t n, const fs_fit_opts *o, fs_fit *out,
                     fs_err *err);
/* The fitted time of a point of this kind. */
double fs_fit_time_us(const fs_fit *f, fs_fit_kind kind, double bytes);

typedef struct fs_link_fit {
    char transport[32], provider[64];
    char host_a[256], host_b[256]; /* "" when the runs do not say */
    char source[512];              /* first file the link's runs came from */
    char assumed[400];             /* what was assumed to form the link (merged files, derived
                                      from collectives), "" when nothing */
    char nic[160]; /* fs_links_per_nic: "HOST:DOMAIN" one NIC, "HOST" the node's NICs together */
    int rails;     /* NICs its runs spread each message stream over (--nics; 1 without):
                      its bandwidth is theirs together */
    fs_fit fit;
    double n_half_bytes;       /* size at which the latency model reaches half the peak bandwidth */
    double peak_GBps;          /* largest measured bandwidth of one message stream */
    double msg_rate_Mps;       /* from msgrate runs, else from the smallest bw size; NAN */
    const char *msg_rate_from; /* "msgrate", "bw" or NULL */
    size_t npoints;
    fs_fit_point *points; /* what was fitted, sorted by kind then bytes */
    double *residual;     /* (measured - model) / model per point */
    bool *excluded;       /* per point: an outlier left out of the fit */
    size_t nexcluded;
} fs_link_fit;

/* Group the runs of all files by link and fit each.  Returns 0 with
 * *nout >= 1, FS_EXIT_INPUT when no run can be fitted (message says why). */
int fs_links_from_results(const fs_results *r, size_t nr, const fs_fit_opts *o, fs_link_fit **out,
                          size_t *nout, fs_err *err);
/* When RESULTS hold collectives only (nccl-tests logs): one link per file
 * and transport derived from the out-of-place all-reduce / reduce-scatter /
 * all-gather runs with a rank count, read as a ring (each of its 2(p-1) or
 * p-1 steps moves n/p bytes: points (n/p, t/steps) fitted as latency
 * points, so the bandwidth is the ring's busbw).  `assumed` says so. */
int fs_links_from_collectives(const fs_results *r, size_t nr, const fs_fit_opts *o,
                              fs_link_fit **out, size_t *nout, fs_err *err);
/* Runs with per-NIC figures (fabscale-bench --nics: a point's "nics"
 * member): one link per NIC of each receiving host ("h1:fsc1", from the
 * rate bytes streamed in on that NIC at every bw size: its path from the
 * sender's NIC of the same rail) and one per sending host ("h0", all its
 * NICs together: the node's aggregate), fitted like the others.
 * Returns 0 (*nout 0 when no run has per-NIC figures), or FS_EXIT_INPUT /
 * FS_EXIT_RUNTIME with err. */
int fs_links_per_nic(const fs_results *r, size_t nr, const fs_fit_opts *o, fs_link_fit **out,
                     size_t *nout, fs_err *err);
void fs_links_free(fs_link_fit *l, size_t n);
/* True when both ends are the same known host. */
int fs_link_is_intra(const fs_link_fit *l);
/* Honesty: true when the link never left one host - both ends the same
 * host, a shared-memory provider or transport (shm, sm2, vader, sm, self,
 * posix, cma, xpmem, ...) or loopback addresses; why gets the reason. */
bool fs_link_same_host(const fs_link_fit *l, char *why, size_t len);
/* True when such a link is asked to model the network between nodes: the
 * model uses it as `inter` for p ranks spanning more than one node
 * (p > ranks_per_node).  why gets one sentence for a warning. */
bool fs_link_same_host_for_network(const fs_link_fit *l, const fs_coll_model *m, int p, char *why,
                                   size_t len);
/* "transport/provider host_a<->host_b" for tables. */
const char *fs_link_label(const fs_link_fit *l, char *buf, size_t len);

#endif
