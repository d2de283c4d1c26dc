/*
 * train_cands.h - the instance types `compare` and `plan` put side by side:
 * one per RESULTS file (its type from meta.instance_type or --instance
 * FILE=TYPE, its link fitted from the file) plus catalogue types named
 * with --instance TYPE.  Each type has its own link: --link TYPE=ALPHA,BW,
 * else its RESULTS file's fitted link, else its catalogue NICs' line rate
 * with --nominal ALPHA_US.  One bare --link ALPHA,BW is accepted only for
 * types whose NICs have the same line rate, and no given link may be
 * faster than the type's line rate.
 */
#ifndef FS_TRAIN_CANDS_H
#define FS_TRAIN_CANDS_H

#include <stddef.h>
#include <stdio.h>

#include "catalog.h"
#include "train_opts.h"

typedef struct fs_cand {
    const fs_instance *inst;
    fs_coll_model net; /* the network: one NIC's link (net.inter), calibration */
    fs_link nic;       /* = net.inter */
    char link_label[700];
    char from[300]; /* the results file, or "catalogue" */
    char warn[400]; /* a given link far below the NIC's line rate, ... ("" none) */
} fs_cand;

/* *out is malloc'ed; 0 or FS_EXIT_INPUT / FS_EXIT_RUNTIME with the reason. */
int fs_cands_build(const char *cmd, const fs_train_opts *o, const fs_catalog *cat, fs_cand **out,
                   size_t *n, fs_err *err);

/* FS_EXIT_INPUT when the candidates' prices are of different purchase
 * options (on-demand beside capacity blocks is not a comparison). */
int fs_cands_check_purchase(const fs_cand *c, size_t n, const fs_catalog *cat, const char *cmd,
                            fs_err *err);

/* Comma-separated instance types without a price, into buf ("" when all
 * have one). */
const char *fs_cands_missing_prices(const fs_cand *c, size_t n, const fs_catalog *cat, char *buf,
                                    size_t len);

/* The price of each candidate that has one, with its date and source. */
void fs_cands_print_prices(FILE *out, const fs_cand *c, size_t n, const fs_catalog *cat);

#endif
