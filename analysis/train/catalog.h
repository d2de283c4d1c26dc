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
 * The data directory is fs_datadir()'s (datadir.h): $FABSCALE_DATADIR, else
 * ../share/fabscale beside the running program, else the source tree's when
 * running from the build tree.
 */
#ifndef FS_CATALOG_H
#define FS_CATALOG_H

#include <stddef.h>

#include "diag.h"
#include "train.h"

/* Arithmetic precisions with their own dense peak. */
typedef enum fs_precision {
    FS_PREC_FP32,
    FS_PREC_TF32,
    FS_PREC_FP16,
    FS_PREC_BF16,
    FS_PREC_FP8,
    FS_PREC_COUNT
} fs_precision;

/* "fp32", "tf32", "fp16", "bf16", "fp8"; parse returns -1 when unknown. */
const char *fs_precision_name(fs_precision p);
int fs_precision_parse(const char *s);

/* How an instance-hour is bought: rates of different options are not comparable. */
typedef enum fs_purchase {
    FS_BUY_ON_DEMAND,
    FS_BUY_CAPACITY_BLOCK,
    FS_BUY_SPOT,
    FS_BUY_RESERVED,
    FS_BUY_COUNT
} fs_purchase;

/* "on-demand", "capacity-block", "spot", "reserved"; -1 when unknown. */
const char *fs_purchase_name(fs_purchase p);
int fs_purchase_parse(const char *s);

typedef struct fs_instance {
    char name[64];
    char cloud[32], accelerator[96], intra_link[96], nic[64];
    int accelerators;           /* per node */
    int nics;                   /* network cards used for accelerator traffic */
    double nic_Gbps;            /* line rate of one */
    double mem_GB;              /* accelerator memory, 1e9 bytes (from _GiB or _GB in the file) */
    double mem_GiB;             /* as the file gives it in GiB (0: given in GB) */
    double peak[FS_PREC_COUNT]; /* dense TFLOP/s per accelerator; 0: not available */
    double intra_GBps;          /* accelerator to accelerator, one direction */
    double intra_alpha_us;      /* NAN unknown (the model then uses 0) */
    char source[512];           /* first cited source */
    char origin[256];           /* file the entry (last) came from */
} fs_instance;

typedef struct fs_preset {
    char name[64];
    char kind[32]; /* "transformer", "cnn", ... */
    fs_workload w;
    /* Defaults for the parallelism (0: not given). */
    int tp, pp, micro_batch, micro_batches, zero, interleave;
    int ep;                                 /* expert parallel degree (MoE; 0: not given) */
    char a2a_overlap[16];                   /* "none" or "dualpipe" ("": none) */
    int flash_attention, sequence_parallel; /* -1 not given, else 0 / 1 */
    double global_batch;                    /* samples per step of the published recipe; 0 */
    double sustained_fraction;              /* of the precision's dense peak; 0: kind default */
    char framework[32]; /* megatron, ddp, deepspeed, fsdp, horovod ("" unknown) */
    char precision[16]; /* compute precision ("" : bf16) */
    char recompute[16]; /* none, full, selective ("" : none) */
    char source[512], defaults_source[512], sustained_source[512], origin[256];
} fs_preset;

typedef struct fs_price {
    char instance[64];
    double usd_per_hour;
    fs_purchase option;
    char option_name[32]; /* as read */
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
