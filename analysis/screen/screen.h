/*
 * screen.h - name the slow node, NIC or link of a cluster from a matrix of
 * pair measurements (pure; `fabscale screen`, the report's heatmap).
 *
 * Input: measurements between hosts (fabscale-bench --bench pairwise: a
 * ring round, tournament rounds, confirmation rounds), each with its median
 * bandwidth at the largest size and median latency at the smallest.  Every
 * measurement is judged against the cluster's median of its own kind (the
 * ring loads every link at once, pairs do not) with robust statistics: it
 * is slow when it falls short of the median (bandwidth) or exceeds it
 * (latency) by more than z robust standard deviations (1.4826 x MAD), more
 * than a floor fraction of the median, and more than its own measured
 * noise; latency on a log scale (its noise is multiplicative: a descheduled
 * rank doubles one pair's figure, not adds to it).  Then:
 *  - node: a host whose measurements are mostly slow (>= node_fraction),
 *    with at least min_slow of them against at least two peers;
 *  - nic: the same, confined to one NIC of a host whose other NICs are not
 *    (needs per-NIC measurements);
 *  - link: a pair not explained by a node or NIC suspect, slow in at least
 *    min_slow measurements and in most of that pair's;
 *  - a pair slow only once is "unconfirmed" and never named.
 * Expected figures (per NIC, from the instance catalogue) add a cluster
 * verdict: the cluster's median falls short of the expected figure by more
 * than its measured noise.
 */
#ifndef FS_SCREEN_H
#define FS_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum fs_screen_phase {
    FS_SCREEN_RING,
    FS_SCREEN_TOURNAMENT,
    FS_SCREEN_CONFIRM,
} fs_screen_phase;

typedef struct fs_screen_meas {
    int src, dst;         /* host indices; src sent the payload */
    int src_nic, dst_nic; /* NIC indices (fs_screen_input.nic), -1 unknown */
    fs_screen_phase phase;
    double bw_GBps;   /* median bandwidth at the largest size; NAN absent */
    double bw_noise;  /* its relative noise (e.g. ci95 / mean); NAN unknown */
    double lat_us;    /* median latency at the smallest size; NAN absent */
    double lat_noise; /* relative, NAN unknown */
} fs_screen_meas;

typedef struct fs_screen_params {
    double z;              /* robust z to call a measurement slow (3.5) */
    double bw_floor;       /* and at least this fraction below the median (0.25) */
    double lat_floor;      /* latency: this fraction above the median (1.0) */
    double node_fraction;  /* of a host's measurements slow to call it a node (0.75) */
    double link_fraction;  /* of a pair's measurements slow to call it a link (0.66) */
    int min_slow;          /* slow measurements needed to name anything (2) */
    double expected_floor; /* cluster below expected by at least this fraction (0.10) */
} fs_screen_params;

/* The defaults above. */
fs_screen_params fs_screen_default_params(void);

typedef struct fs_screen_input {
    int nhosts;
    const char *const *hosts; /* names, may be NULL */
    int nnics;
    const int *nic_host; /* host of each NIC, NULL when nnics == 0 */
    const fs_screen_meas *m;
    int nm;
    /* Expected per-NIC figures (NAN unknown): bandwidth of one pair, latency. */
    double expected_bw_GBps, expected_lat_us;
    fs_screen_params p;
} fs_screen_input;

typedef enum fs_suspect_kind { FS_SUSPECT_NODE, FS_SUSPECT_NIC, FS_SUSPECT_LINK } fs_suspect_kind;

/* "node", "nic", "link". */
const char *fs_suspect_kind_name(fs_suspect_kind k);

typedef struct fs_screen_suspect {
    fs_suspect_kind kind;
    int host, peer, nic;           /* peer: links only; nic: nic only (else -1) */
    bool by_bandwidth, by_latency; /* which figure was slow */
    /* Evidence: the suspect's median over its measurements, the cluster's
     * median of the same kind, the expected figure (NAN unknown). */
    double bw_GBps, cluster_bw_GBps, expected_bw_GBps;
    double lat_us, cluster_lat_us, expected_lat_us;
    double robust_z; /* of the suspect's median bandwidth (latency, in ln units, if only that) */
    int slow, measured;
    double confidence; /* 0..1: slow/measured, discounted below 3 slow measurements */
} fs_screen_suspect;

typedef struct fs_screen_result {
    /* Cluster reference (pair rounds; ring separately). */
    double bw_median, bw_sigma, lat_median, ring_bw_median;
    double lat_sigma_log; /* robust sd of ln(latency) */
    double bw_noise;      /* typical relative noise of one measurement */
    bool below_expected_bw, below_expected_lat;
    int nsuspects;
    fs_screen_suspect *suspects;
    /* Per measurement: slow by bandwidth / latency (nm entries). */
    bool *slow_bw, *slow_lat;
    /* Pairs slow once only, not named (host indices, 2 per entry). */
    int nunconfirmed;
    int *unconfirmed;
    /* Per host: measurements and slow ones; median bandwidth. */
    int *host_measured, *host_slow;
    double *host_bw;
    /* nhosts x nhosts: median bandwidth from row to column (NAN unmeasured);
     * for the heatmap. */
    double *matrix_bw;
    bool healthy;
} fs_screen_result;

/* Classify.  Returns 0, or -1 when memory runs out or the input is
 * inconsistent (index out of range). */
int fs_screen_classify(const fs_screen_input *in, fs_screen_result *out);
void fs_screen_result_free(fs_screen_result *r);

#endif
