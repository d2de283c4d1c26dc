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
/* "989 TFLOP/s peak x MFU 0.40 = 396 TFLOP/s per GPU" or "given: 120 ms per micro-batch" */
const char *fs_desc_compute(const fs_train_in *in, double peak, double mfu, char *buf, size_t len);
/* "tokens" or "samples" */
const char *fs_unit_name(const fs_train_in *in);
/* Human form of a count: 175e9 -> "175 B", 25.6e6 -> "25.6 M". */
const char *fs_fmt_count(char *buf, size_t len, double v);

/* JSON (json_t *, returned as void * to keep jansson out of this header). */
void *fs_json_inputs(const char *name, const fs_train_in *in);
void *fs_json_step(const fs_step *s, const fs_train_in *in);

#endif
