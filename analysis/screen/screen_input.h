/*
 * screen_input.h - a "pairwise" run of a results document as screen's
 * measurements, and the expected figures of an instance type.
 */
#ifndef FS_SCREEN_INPUT_H
#define FS_SCREEN_INPUT_H

#include "diag.h"
#include "results_doc.h"
#include "screen.h"

typedef struct fs_screen_run {
    const fs_run *run;
    int nhosts;
    char **hosts;
    char **nics; /* per host, NULL entries when unknown */
    fs_screen_meas *m;
    int nm;
    const char *mode; /* "full" / "quick" (the run's), NULL unknown */
    int rounds_before_confirm, rounds_total, measurements, all_pairs;
} fs_screen_run;

/* One measurement per (round, src, dst): bandwidth at the largest size,
 * latency at the smallest.  0, or FS_EXIT_INPUT with err naming the run. */
int fs_screen_run_read(const fs_run *run, const char *path, fs_screen_run *out, fs_err *err);
void fs_screen_run_free(fs_screen_run *r);

/* Expected figures of an instance type (analysis/data/instances.json,
 * member "expected"); NAN where the catalogue has none. */
typedef struct fs_expected_ar {
    int nodes;
    double bytes, busbw_GBps;
    char source[512], date[32];
} fs_expected_ar;

typedef struct fs_expected {
    char instance[64];
    double bw_GBps, lat_us; /* one pair over one NIC */
    char bw_source[512], bw_date[32], lat_source[512], lat_date[32];
    int nar;
    fs_expected_ar ar[16]; /* all-reduce busbw by node count */
} fs_expected;

/* Look TYPE up in the shipped catalogue.  0; FS_EXIT_INPUT for an unknown
 * type (the message lists the known ones); FS_EXIT_RUNTIME when the file
 * cannot be read. */
int fs_expected_load(const char *type, fs_expected *out, fs_err *err);

#endif
