/*
 * screen_rails.h - name a slow NIC from per-NIC figures (issue 18).
 *
 * fabscale-bench --nics records, per point, the rate at which bytes
 * streamed in on each NIC of each receiving host (a point's "nics" member,
 * rx_GBps, benchmarks/core/nics.h).  The NICs of one host run the same
 * benchmark at the same time, so they are each other's reference: a NIC
 * whose rate at the run's largest size falls below the median of its
 * host's other NICs by more than a floor (25 %, as screen's pair rule) and
 * more than the point's own noise (ci95 / mean) is named.  What is named
 * is the path into that NIC: the NIC itself, its link, or the sending
 * host's NIC of the same rail (a 2-host bw run cannot tell them apart; a
 * bibw run measures both directions).
 * named.  Pure, apart from reading the run.
 */
#ifndef FS_SCREEN_RAILS_H
#define FS_SCREEN_RAILS_H

#include <stdbool.h>

#include "results_doc.h"

typedef struct fs_rail_meas {
    const fs_run *run;        /* NICs are compared within their run only */
    char host[256], nic[128]; /* nic: the domain ("fsc1", "rdmap16s27-rdm"), else "railN" */
    double bytes;             /* the size measured */
    double bw_GBps;
    double noise; /* relative (ci95 / mean of the point), 0 unknown */
} fs_rail_meas;

/* The receiving hosts' NICs at the largest size of a bw / bibw run with
 * per-NIC figures, appended to *m (*n entries).  0, or -1 when memory runs
 * out; a run without them adds nothing. */
int fs_rail_meas_read(const fs_run *run, fs_rail_meas **m, int *n);

typedef struct fs_rail_suspect {
    int meas;           /* index of the slow NIC's measurement */
    double others_GBps; /* median of the same host's other NICs */
    double ratio;       /* bw / others */
    double tolerance;   /* max(floor, noise) it fell short by more than */
} fs_rail_suspect;

/* NICs slower than their host's others (see the top).  Hosts with one NIC
 * name nothing.  0, or -1 when memory runs out. */
int fs_rail_screen(const fs_rail_meas *m, int n, double floor, fs_rail_suspect **out, int *nout);

#endif
