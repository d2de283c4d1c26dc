/*
 * train_opts.h - the options `fabscale train`, `compare` and `plan` share
 * (workload, compute, parallelism, cluster, catalogues, prices), and
 * turning them plus an instance type and a link into a model input.
 * Every parse error is one line naming the option; exit status 2.
 */
#ifndef FS_TRAIN_OPTS_H
#define FS_TRAIN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "cli.h"
#include "collective_model.h"
#include "results.h"
#include "train.h"

enum { FS_CMD_TRAIN = 1, FS_CMD_COMPARE = 2, FS_CMD_PLAN = 4 };

#define FS_TOPT_MAX 64

typedef struct fs_train_opts {
    int cmd; /* FS_CMD_* */
    /* workload: a preset and/or explicit numbers (NAN: not given) */
    const char *model;
    double params, grad_bytes, act_bytes, state_bytes, hidden, layers, seq, vocab, flops_per_sample;
    double heads;
    /* mixture of experts (0 / NAN / NULL: not given) */
    int experts, topk, moe_every, dense_layers; /* dense_layers -1: not given */
    double capacity, ffn, active_params;
    const char *skew; /* fs_skew spec: uniform | zipf:s=..,... | matrix:FILE */
    /* compute */
    double compute_ms, tflops, sustained; /* NAN: not given */
    int precision;                        /* fs_precision; -1 not given */
    double overhead;                      /* framework overhead; NAN: the default */
    /* parallelism (0 / -1: not given) */
    int tp, pp, zero, micro_batch, accum, interleave;
    int ep;                                  /* expert parallel degree; 0: the preset's, else 1 */
    int a2a_overlap;                         /* fs_a2a_overlap; -1: the preset's, else none */
    int recompute, seq_parallel, flash_attn; /* -1: not given */
    double global_batch, bucket_MiB;
    bool no_overlap;
    const char *framework; /* megatron, ddp, deepspeed, fsdp, horovod; NULL: the preset's */
    int algo;              /* fs_algo, -1: the fastest */
    /* cluster */
    const char *link; /* --link without TYPE=: ALPHA,BW | N | TRANSPORT/PROVIDER */
    const char *type_links[FS_TOPT_MAX]; /* --link TYPE=ALPHA,BW (compare, plan) */
    size_t ntype_links;
    double nominal_alpha_us; /* --nominal: catalogue line rate with this alpha */
    int gpus_per_node, nics_per_node;
    double intra_GBps, intra_alpha_us, reduce_GBps;
    const char
        *instances[FS_TOPT_MAX]; /* --instance TYPE[,TYPE] (copies, freed by fs_train_opts_free) */
    size_t ninstances;
    const char *maps[FS_TOPT_MAX]; /* --instance FILE=TYPE */
    size_t nmaps;
    /* catalogues and prices */
    const char *catalogs[FS_TOPT_MAX], *prices[FS_TOPT_MAX], *price_specs[FS_TOPT_MAX];
    size_t ncatalogs, nprices, nprice_specs;
    bool no_cost, mix_purchase;
    /* sweep and output */
    long *gpus;
    size_t ngpus;
    int baseline_gpus; /* 0: the smallest count the layout can use, from one node up */
    double min_eff;
    fs_out out;
    /* plan: a job */
    double total_units; /* tokens or samples */
    int total_unit;     /* -1 not given, else fs_unit */
    double deadline_h;
    /* operands */
    char **files;
    int nfiles;
    bool help;
} fs_train_opts;

/* Parse argv for command `cmd` (FS_CMD_*).  0, or FS_EXIT_INPUT (message
 * printed by the caller via fs_cli_fail). */
int fs_train_opts_parse(int cmd, int argc, char **argv, fs_train_opts *o, fs_err *err);
void fs_train_opts_free(fs_train_opts *o);
/* The options' help text shared by the three commands. */
void fs_train_opts_help(int cmd);

/* Catalogue: shipped files, --catalog files, --prices and --price. */
int fs_train_catalog(const fs_train_opts *o, fs_catalog *cat, fs_err *err);

/* The workload the options describe (a preset with overrides, or numbers);
 * *preset is the preset used (NULL for none). */
int fs_train_workload(const fs_train_opts *o, const fs_catalog *cat, fs_workload *w,
                      const fs_preset **preset, fs_err *err);

/* Everything the model needs, for one instance type (NULL: none) and one
 * NIC link.  Errors (a precision the instance lacks, ...): FS_EXIT_INPUT. */
int fs_train_input(const fs_train_opts *o, const fs_catalog *cat, const fs_instance *inst,
                   const fs_coll_model *net, fs_train_in *in, fs_err *err);

/* Which settings came from the preset, and the framework defaults used:
 * "from preset llama2-70b: tp 8, zero 1, ...; framework megatron: gradients
 * reduced in fp32 (4 B) ...".  "" without a preset. */
const char *fs_train_provenance(const fs_train_opts *o, const fs_catalog *cat,
                                const fs_train_in *in, char *buf, size_t len);

/* The compute precision the options (or the preset) choose. */
fs_precision fs_train_precision(const fs_train_opts *o, const fs_catalog *cat);

/* A link given as two numbers: "ALPHA,BW" or "ALPHA:BW"; ALPHA in us (or
 * with us / ns / ms), BW in GB/s when bare, or with GBps, GB/s, Gbps or
 * Gb/s.  1 when spec has that form (*l set, *bits_given true when the
 * bandwidth was written in bits), -1 with err when its numbers or units are
 * bad, 0 when it is not two numbers (a link name). */
int fs_train_link_spec(const char *spec, fs_link *l, bool *bits_given, fs_err *err);

/* Does link l (as spec gave it) contradict instance inst's NIC line rate?
 * FS_EXIT_INPUT when it is faster than the line rate; a warning in warn
 * (or "") when it is below half of it; else 0. */
int fs_train_link_check(const char *spec, const fs_link *l, bool bits_given,
                        const fs_instance *inst, char *warn, size_t wlen, fs_err *err);

/* The network measured in results r[0..nr), as `fabscale predict` builds
 * it: the link `choice` picks (NULL: the first between two hosts, else the
 * first) as one NIC's (out->inter; a --nics link measured over K NICs
 * together is divided by K, and label says so), calibrated by the results' measured
 * collectives (out->calib[], gamma).  label receives "file: link N
 * transport/provider a<->b ...", warn (may be NULL) fs_model_warnings'
 * reason not to trust it for a cluster (a same-host link), or "". */
int fs_train_link_from_results(const fs_results *r, size_t nr, const char *choice,
                               fs_coll_model *out, char *label, size_t len, char *warn, size_t wlen,
                               fs_err *err);

/* The instance type of results file `path` (meta or --instance FILE=TYPE);
 * NULL when unknown. */
const char *fs_train_instance_of(const fs_train_opts *o, const char *path, const fs_results *r);

/* Numbers with decimal suffixes: 25.6M, 175B (= G), 1.4T, 8K. */
int fs_parse_count(const char *opt, const char *s, double *v, fs_err *err);
/* Durations in hours: "720", "720h", "30d", "4w". */
int fs_parse_hours(const char *opt, const char *s, double *h, fs_err *err);

#endif
