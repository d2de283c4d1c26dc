/*
 * catalog.h - instance types, workload presets and prices, read from JSON
 * data files (never from code).
 *
 * The shipped files live in analysis/data/ (installed to share/fabscale):
 * instances.json (schema fabscale.instances/1), workloads.json
 * (fabscale.workloads/1) and prices-example.json (fabscale.prices/1, an
 * example that says where and when its numbers came from).  A user file
 * (--catalog FILE) may hold "instances", "workloads" and "prices" arrays:
 * an entry with a known name overrides only the fields it gives, a new name
 * must give every required field.  Every entry names its source.
 *
 * The data directory is $FABSCALE_DATADIR when set, else the installed one
 * when it exists, else the source tree's (running from a build directory).
 */
#ifndef FS_CATALOG_H
#define FS_CATALOG_H

#include <stddef.h>

#include "diag.h"
#include "train.h"

typedef struct fs_instance {
    char name[64];
    char cloud[32], accelerator[96], intra_link[96], nic[64];
    int accelerators;      /* per node */
    int nics;              /* network cards used for accelerator traffic */
    double nic_Gbps;       /* line rate of one */
    double mem_GB;         /* accelerator memory */
    double peak_tflops;    /* dense BF16 per accelerator */
    double intra_GBps;     /* accelerator to accelerator, one direction */
    double intra_alpha_us; /* NAN unknown (the model then uses 0) */
    char source[512];      /* first cited source */
    char origin[256];      /* file the entry (last) came from */
} fs_instance;

typedef struct fs_preset {
    char name[64];
    char kind[32]; /* "transformer", "cnn", ... */
    fs_workload w;
    /* Defaults for the parallelism (0: not given). */
    int tp, pp, micro_batch, micro_batches, zero;
    char source[512], defaults_source[256], origin[256];
} fs_preset;

typedef struct fs_price {
    char instance[64];
    double usd_per_hour;
    char as_of[128], source[512], origin[256];
} fs_price;

typedef struct fs_catalog {
    fs_instance *inst;
    size_t ninst;
    fs_preset *work;
    size_t nwork;
    fs_price *price;
    size_t nprice;
    char datadir[1024];
} fs_catalog;

/* Read the shipped instances.json and workloads.json.  0, or FS_EXIT_INPUT
 * / FS_EXIT_RUNTIME with "FILE:LINE: why". */
int fs_catalog_load_default(fs_catalog *c, fs_err *err);
/* Merge a user catalogue file (instances, workloads and/or prices). */
int fs_catalog_load_file(fs_catalog *c, const char *path, fs_err *err);
/* Merge a prices file; "example" is the shipped prices-example.json. */
int fs_catalog_load_prices(fs_catalog *c, const char *path, fs_err *err);
/* "TYPE=USD_PER_HOUR" from the command line. */
int fs_catalog_set_price(fs_catalog *c, const char *spec, fs_err *err);
void fs_catalog_free(fs_catalog *c);

const fs_instance *fs_catalog_instance(const fs_catalog *c, const char *name);
const fs_preset *fs_catalog_workload(const fs_catalog *c, const char *name);
const fs_price *fs_catalog_price(const fs_catalog *c, const char *instance);
/* "a, b, c" of the known names, for error messages. */
const char *fs_catalog_workload_names(const fs_catalog *c, char *buf, size_t len);
const char *fs_catalog_instance_names(const fs_catalog *c, char *buf, size_t len);

/* Parse JSON text already in memory (path only names it in messages):
 * what fs_catalog_load_file does after reading the file. */
int fs_catalog_merge_text(fs_catalog *c, const char *text, size_t len, const char *path,
                          fs_err *err);

#endif
