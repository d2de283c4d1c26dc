/*
 * train_out.h - how train, compare and plan describe their inputs and
 * steps: one-line summaries for text, jansson objects for --json.
 */
#ifndef FS_TRAIN_OUT_H
#define FS_TRAIN_OUT_H

#include <stddef.h>

#include "train.h"

/* "gpt3-175b: 175 B params, transformer h 12288 l 96 s 2048 V 51200, 1.08e+12 FLOPs/sample" */
const char *fs_desc_workload(const char *name, const fs_train_in *in, char *buf, size_t len);
/* "TP 8 x PP 16, DDP (25 MiB buckets, overlapped), micro-batch 1 x 128 per step" */
const char *fs_desc_parallel(const fs_train_in *in, char *buf, size_t len);
/* "8 GPUs/node, 32 NICs/node, intra 450 GB/s" */
const char *fs_desc_cluster(const fs_train_in *in, char *buf, size_t len);
/* "bf16 peak 989 TFLOP/s x sustained 0.60 = 594 TFLOP/s per GPU on the kernels ..." or
 * "given: 120 ms per micro-batch" */
const char *fs_desc_compute(const fs_train_in *in, const char *precision, char *buf, size_t len);
/* The MoE all-to-all at step s: "all-to-all (EP 8, inside a node): 4 per MoE
 * layer per micro-batch of 58.7 MB per GPU, 12.1 ms per step, 12.1 ms
 * exposed (no overlap: Megatron-Core's default)". */
const char *fs_desc_a2a(const fs_train_in *in, const fs_step *s, char *buf, size_t len);
/* "0.81 (0.76-0.85)" with fmt for each number; the value alone when lo == hi. */
const char *fs_fmt_band(char *buf, size_t len, const char *fmt, double v, double lo, double hi);
/* "tokens" or "samples" */
const char *fs_unit_name(const fs_train_in *in);
/* Human form of a count: 175e9 -> "175 B", 25.6e6 -> "25.6 M". */
const char *fs_fmt_count(char *buf, size_t len, double v);

/* The baseline of the scaling column: the step at `want` GPUs, or (want
 * 0) at the smallest count from one node up the layout can use.  0, or
 * FS_EXIT_INPUT naming --baseline-gpus. */
int fs_train_baseline(const fs_train_in *in, int want, fs_step *s, fs_err *err);
/* Per-GPU throughput of s relative to the baseline's. */
double fs_train_scaling(const fs_step *s, const fs_step *base);
/* "needs 47.3 GB per GPU at 256 GPUs (states 35.8 + activations 11.5), more
 * than the 42.9 GB of p4d.24xlarge: fits with --recompute=selective" */
const char *fs_desc_nofit(const fs_train_in *in, const fs_step *s, const char *type, char *buf,
                          size_t len);
/* A weak-scaling note when the global batch differs between steps, else "". */
const char *fs_desc_weak_scaling(const fs_train_in *in, const fs_step *s, size_t n, char *buf,
                                 size_t len);

/* JSON (json_t *, returned as void * to keep jansson out of this header). */
void *fs_json_inputs(const char *name, const fs_train_in *in);
void *fs_json_step(const fs_step *s, const fs_train_in *in);

#endif
