/*
 * catalog_entries.c - the three kinds of catalogue entries: their fields,
 * defaults and consistency rules, merged into the catalogue by name.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "catalog_entries.h"
#include "catalog_fields.h"

#define S(T, m) offsetof(T, m), sizeof(((T *)0)->m)
#define D(T, m) offsetof(T, m), sizeof(double)
#define I(T, m) offsetof(T, m), sizeof(int)

static const fs_field inst_fields[] = {
    {"name", FS_F_STR, S(fs_instance, name), true, 0, false},
    {"cloud", FS_F_STR, S(fs_instance, cloud), true, 0, false},
    {"accelerator", FS_F_STR, S(fs_instance, accelerator), true, 0, false},
    {"accelerators", FS_F_INT, I(fs_instance, accelerators), true, 1, false},
    {"accelerator_memory_GiB", FS_F_NUM, D(fs_instance, mem_GiB), false, 0, true},
    {"accelerator_memory_GB", FS_F_NUM, D(fs_instance, mem_GB), false, 0, true},
    {"peak_fp32_tflops", FS_F_NUM, D(fs_instance, peak[FS_PREC_FP32]), false, 0, true},
    {"peak_tf32_tflops", FS_F_NUM, D(fs_instance, peak[FS_PREC_TF32]), false, 0, true},
    {"peak_fp16_tflops", FS_F_NUM, D(fs_instance, peak[FS_PREC_FP16]), false, 0, true},
    {"peak_bf16_tflops", FS_F_NUM, D(fs_instance, peak[FS_PREC_BF16]), false, 0, true},
    {"peak_fp8_tflops", FS_F_NUM, D(fs_instance, peak[FS_PREC_FP8]), false, 0, true},
    {"intra_link", FS_F_STR, S(fs_instance, intra_link), false, 0, false},
    {"intra_GBps", FS_F_NUM, D(fs_instance, intra_GBps), true, 0, true},
    {"intra_alpha_us", FS_F_NUM, D(fs_instance, intra_alpha_us), false, 0, false},
    {"nics", FS_F_INT, I(fs_instance, nics), true, 1, false},
    {"nic_Gbps", FS_F_NUM, D(fs_instance, nic_Gbps), true, 0, true},
    {"nic", FS_F_STR, S(fs_instance, nic), false, 0, false},
    {"sources", FS_F_SOURCES, S(fs_instance, source), true, 0, false},
    {"source", FS_F_SOURCES, S(fs_instance, source), false, 0, false},
    {"notes", FS_F_IGNORE, 0, 0, false, 0, false},
    /* Published measurements with sources and dates; fabscale screen reads
     * them itself (analysis/screen/screen_input.c). */
    {"expected", FS_F_IGNORE, 0, 0, false, 0, false},
};

static const fs_field work_fields[] = {
    {"name", FS_F_STR, S(fs_preset, name), true, 0, false},
    {"kind", FS_F_STR, S(fs_preset, kind), true, 0, false},
    {"unit", FS_F_IGNORE, 0, 0, false, 0, false}, /* read by hand: a word */
    {"params", FS_F_NUM, D(fs_preset, w.params), true, 0, true},
    {"hidden", FS_F_NUM, D(fs_preset, w.hidden), false, 0, true},
    {"layers", FS_F_NUM, D(fs_preset, w.layers), false, 0, true},
    {"seq", FS_F_NUM, D(fs_preset, w.seq), false, 0, true},
    {"vocab", FS_F_NUM, D(fs_preset, w.vocab), false, 0, true},
    {"heads", FS_F_NUM, D(fs_preset, w.heads), false, 0, true},
    {"kv_heads", FS_F_IGNORE, 0, 0, false, 0, false},
    {"ffn_hidden", FS_F_IGNORE, 0, 0, false, 0, false},
    {"forward_macs", FS_F_NUM, D(fs_preset, w.fwd_macs), false, 0, true},
    {"flops_per_sample", FS_F_NUM, D(fs_preset, w.flops_per_sample), false, 0, true},
    {"grad_bytes", FS_F_NUM, D(fs_preset, w.grad_bytes), true, 0, true},
    {"act_bytes", FS_F_NUM, D(fs_preset, w.act_bytes), false, 0, true},
    {"state_bytes", FS_F_NUM, D(fs_preset, w.state_bytes), false, 0, true},
    {"micro_batch", FS_F_INT, I(fs_preset, micro_batch), false, 1, false},
    {"micro_batches", FS_F_INT, I(fs_preset, micro_batches), false, 1, false},
    {"tp", FS_F_INT, I(fs_preset, tp), false, 1, false},
    {"pp", FS_F_INT, I(fs_preset, pp), false, 1, false},
    {"zero", FS_F_INT, I(fs_preset, zero), false, 0, false},
    {"interleave", FS_F_INT, I(fs_preset, interleave), false, 1, false},
    {"flash_attention", FS_F_INT, I(fs_preset, flash_attention), false, 0, false},
    {"sequence_parallel", FS_F_INT, I(fs_preset, sequence_parallel), false, 0, false},
    {"global_batch", FS_F_NUM, D(fs_preset, global_batch), false, 0, true},
    {"sustained_fraction", FS_F_NUM, D(fs_preset, sustained_fraction), false, 0, true},
    {"sustained_source", FS_F_STR, S(fs_preset, sustained_source), false, 0, false},
    {"framework", FS_F_STR, S(fs_preset, framework), false, 0, false},
    {"precision", FS_F_STR, S(fs_preset, precision), false, 0, false},
    {"recompute", FS_F_STR, S(fs_preset, recompute), false, 0, false},
    {"param_bytes", FS_F_NUM, D(fs_preset, w.param_bytes), false, 0, true},
    {"experts", FS_F_INT, I(fs_preset, w.moe.experts), false, 1, false},
    {"topk", FS_F_INT, I(fs_preset, w.moe.topk), false, 1, false},
    {"capacity", FS_F_NUM, D(fs_preset, w.moe.capacity), false, 0, false},
    {"moe_every", FS_F_INT, I(fs_preset, w.moe.every), false, 1, false},
    {"dense_layers", FS_F_INT, I(fs_preset, w.moe.dense_layers), false, 0, false},
    {"expert_ffn_hidden", FS_F_NUM, D(fs_preset, w.moe.ffn), false, 0, true},
    {"active_params", FS_F_NUM, D(fs_preset, w.moe.active_params), false, 0, true},
    {"ep", FS_F_INT, I(fs_preset, ep), false, 1, false},
    {"a2a_overlap", FS_F_STR, S(fs_preset, a2a_overlap), false, 0, false},
    {"defaults_source", FS_F_STR, S(fs_preset, defaults_source), false, 0, false},
    {"sources", FS_F_SOURCES, S(fs_preset, source), true, 0, false},
    {"source", FS_F_SOURCES, S(fs_preset, source), false, 0, false},
    {"notes", FS_F_IGNORE, 0, 0, false, 0, false},
};

static const fs_field price_fields[] = {
    {"instance", FS_F_STR, S(fs_price, instance), true, 0, false},
    {"usd_per_hour", FS_F_NUM, D(fs_price, usd_per_hour), true, 0, true},
    {"as_of", FS_F_STR, S(fs_price, as_of), true, 0, false},
    {"sources", FS_F_SOURCES, S(fs_price, source), true, 0, false},
    {"source", FS_F_SOURCES, S(fs_price, source), false, 0, false},
    {"purchase_option", FS_F_STR, S(fs_price, option_name), true, 0, false},
    {"region", FS_F_IGNORE, 0, 0, false, 0, false},
    {"kind", FS_F_IGNORE, 0, 0, false, 0, false},
    {"notes", FS_F_IGNORE, 0, 0, false, 0, false},
};

#define N(a) (sizeof a / sizeof a[0])

/* Grow an array of `size`-byte elements by one; NULL when out of memory. */
static void *grow(void **arr, size_t *n, size_t size)
{
    char *na = realloc(*arr, (*n + 1) * size);
    if (!na) return NULL;
    *arr = na;
    memset(na + *n * size, 0, size);
    return na + (*n)++ * size;
}

static const char *entry_name(json_t *obj, const char *key)
{
    json_t *n = json_object_get(obj, key);
    return json_is_string(n) ? json_string_value(n) : NULL;
}

int fs_catalog_merge_instance(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err)
{
    ctx->name = entry_name(obj, "name");
    if (!ctx->name || !*ctx->name) return fs_entry_err(ctx, "name", err, "needs a \"name\" string");
    fs_instance *old = (fs_instance *)fs_catalog_instance(c, ctx->name);
    fs_instance e;
    if (old) {
        e = *old;
    } else {
        memset(&e, 0, sizeof e);
        e.intra_alpha_us = NAN;
    }
    int rc = fs_fields_read(inst_fields, N(inst_fields), obj, &e, !old, ctx, err);
    if (rc) return rc;
    bool gib = json_object_get(obj, "accelerator_memory_GiB") != NULL,
         gb = json_object_get(obj, "accelerator_memory_GB") != NULL;
    if (gib && gb)
        return fs_entry_err(ctx, "accelerator_memory_GB", err,
                            "give accelerator_memory_GiB or accelerator_memory_GB, not both");
    if (gib) e.mem_GB = e.mem_GiB * 1.073741824; /* 2^30 / 1e9 */
    if (gb) e.mem_GiB = 0;
    if (!(e.mem_GB > 0))
        return fs_entry_err(ctx, NULL, err,
                            "missing \"accelerator_memory_GiB\" (or accelerator_memory_GB)");
    bool peak = false;
    for (int i = 0; i < FS_PREC_COUNT; i++) peak |= e.peak[i] > 0;
    if (!peak)
        return fs_entry_err(ctx, NULL, err,
                            "no peak: give peak_bf16_tflops (and peak_fp32/tf32/fp16/fp8_tflops)");
    snprintf(e.origin, sizeof e.origin, "%s", ctx->path);
    if (old) {
        *old = e;
        return 0;
    }
    fs_instance *slot = grow((void **)&c->inst, &c->ninst, sizeof *slot);
    if (!slot) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    *slot = e;
    return 0;
}

/* What makes a workload usable by the model. */
static int check_workload(fs_preset *p, json_t *obj, const fs_entry_ctx *ctx, fs_err *err)
{
    bool tf = strcasecmp(p->kind, "transformer") == 0;
    fs_workload *w = &p->w;
    if (tf && !(w->hidden > 0 && w->layers > 0 && w->seq > 0 && w->vocab > 0))
        return fs_entry_err(ctx, NULL, err, "a transformer needs hidden, layers, seq and vocab");
    if (!tf && !(w->fwd_macs > 0) && !(w->flops_per_sample > 0))
        return fs_entry_err(ctx, NULL, err, "kind \"%s\" needs forward_macs or flops_per_sample",
                            p->kind);
    if (p->zero > 3)
        return fs_entry_err(ctx, "zero", err, "zero must be 0, 1, 2 or 3 (got %d)", p->zero);
    if (p->flash_attention > 1 || p->sequence_parallel > 1)
        return fs_entry_err(ctx, NULL, err, "flash_attention and sequence_parallel are 0 or 1");
    if (p->precision[0] && fs_precision_parse(p->precision) < 0)
        return fs_entry_err(ctx, "precision", err,
                            "precision \"%s\" is not fp32, tf32, fp16, bf16 or fp8", p->precision);
    if (p->recompute[0] && strcmp(p->recompute, "none") && strcmp(p->recompute, "full") &&
        strcmp(p->recompute, "selective"))
        return fs_entry_err(ctx, "recompute", err,
                            "recompute \"%s\" is not none, full or selective", p->recompute);
    if (p->sustained_fraction > 1)
        return fs_entry_err(ctx, "sustained_fraction", err,
                            "sustained_fraction is a fraction of the peak in (0, 1]");
    json_t *u = json_object_get(obj, "unit");
    if (u) {
        const char *s = json_is_string(u) ? json_string_value(u) : "";
        if (strcmp(s, "tokens") == 0)
            w->unit = FS_UNIT_TOKENS;
        else if (strcmp(s, "samples") == 0)
            w->unit = FS_UNIT_SAMPLES;
        else
            return fs_entry_err(ctx, "unit", err, "unit must be \"tokens\" or \"samples\"");
        if (w->unit == FS_UNIT_TOKENS && !(w->seq > 0))
            return fs_entry_err(ctx, "unit", err, "unit \"tokens\" needs seq (tokens per sample)");
    }
    return 0;
}

int fs_catalog_merge_workload(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err)
{
    ctx->name = entry_name(obj, "name");
    if (!ctx->name || !*ctx->name) return fs_entry_err(ctx, "name", err, "needs a \"name\" string");
    fs_preset *old = (fs_preset *)fs_catalog_workload(c, ctx->name);
    fs_preset e;
    if (old) {
        e = *old;
    } else {
        memset(&e, 0, sizeof e);
        e.flash_attention = e.sequence_parallel = -1;
        e.w.act_bytes = 2;    /* bf16 activations */
        e.w.state_bytes = 16; /* mixed-precision Adam (ZeRO paper, K = 12) */
    }
    int rc = fs_fields_read(work_fields, N(work_fields), obj, &e, !old, ctx, err);
    if (rc) return rc;
    if (!old || json_object_get(obj, "kind"))
        e.w.unit = strcasecmp(e.kind, "transformer") == 0 ? FS_UNIT_TOKENS : FS_UNIT_SAMPLES;
    if ((rc = check_workload(&e, obj, ctx, err))) return rc;
    snprintf(e.origin, sizeof e.origin, "%s", ctx->path);
    if (old) {
        *old = e;
        return 0;
    }
    fs_preset *slot = grow((void **)&c->work, &c->nwork, sizeof *slot);
    if (!slot) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    *slot = e;
    return 0;
}

int fs_catalog_merge_price(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err)
{
    ctx->name = entry_name(obj, "instance");
    if (!ctx->name || !*ctx->name)
        return fs_entry_err(ctx, "instance", err, "needs an \"instance\" string");
    fs_price *old = (fs_price *)fs_catalog_price(c, ctx->name);
    fs_price e;
    memset(&e, 0, sizeof e);
    /* a price is replaced whole: its number, date and source go together */
    int rc = fs_fields_read(price_fields, N(price_fields), obj, &e, true, ctx, err);
    if (rc) return rc;
    int opt = fs_purchase_parse(e.option_name);
    if (opt < 0)
        return fs_entry_err(ctx, "purchase_option", err,
                            "purchase_option \"%s\" is not on-demand, capacity-block, spot or "
                            "reserved",
                            e.option_name);
    e.option = (fs_purchase)opt;
    snprintf(e.origin, sizeof e.origin, "%s", ctx->path);
    if (old) {
        *old = e;
        return 0;
    }
    fs_price *slot = grow((void **)&c->price, &c->nprice, sizeof *slot);
    if (!slot) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    *slot = e;
    return 0;
}
