/* train_out.c - summaries and JSON of training-model inputs and steps. */
#include "train_out.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *fs_unit_name(const fs_train_in *in)
{
    return in->w.unit == FS_UNIT_TOKENS ? "tokens" : "samples";
}

const char *fs_fmt_count(char *buf, size_t len, double v)
{
    static const struct {
        double f;
        const char *s;
    } u[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (size_t i = 0; i < 4; i++)
        if (v >= u[i].f) {
            snprintf(buf, len, "%.4g %s", v / u[i].f, u[i].s);
            return buf;
        }
    snprintf(buf, len, "%.4g", v);
    return buf;
}

const char *fs_desc_workload(const char *name, const fs_train_in *in, char *buf, size_t len)
{
    const fs_workload *w = &in->w;
    char p[32], arch[320] = "";
    if (w->hidden > 0)
        snprintf(arch, sizeof arch, ", transformer h %.0f l %.0f a %.0f s %.0f V %.0f", w->hidden,
                 w->layers, w->heads, w->seq, w->vocab);
    if (w->moe.experts > 0) {
        size_t l = strlen(arch);
        char a[32];
        snprintf(arch + l, sizeof arch - l, ", MoE %d experts top-%d in %d layers, %s active",
                 w->moe.experts, w->moe.topk, fs_moe_layers(w),
                 fs_fmt_count(a, sizeof a, fs_moe_active_params(w)));
        l = strlen(arch);
        if (w->moe.capacity > 0)
            snprintf(arch + l, sizeof arch - l, ", capacity %.3g", w->moe.capacity);
        else
            snprintf(arch + l, sizeof arch - l, ", dropless, routing imbalance %.3g",
                     w->moe.imbalance > 1 ? w->moe.imbalance : 1);
    }
    snprintf(buf, len,
             "%s: %s params%s, %.3g training FLOPs per sample%s, gradients reduced at %.0f bytes",
             name ? name : "custom", fs_fmt_count(p, sizeof p, w->params), arch,
             fs_train_flops_per_sample(w, in->par.recompute),
             in->par.recompute == FS_RECOMPUTE_FULL        ? " (with full recompute)"
             : in->par.recompute == FS_RECOMPUTE_SELECTIVE ? " (with selective recompute)"
                                                           : "",
             w->grad_bytes);
    return buf;
}

const char *fs_desc_parallel(const fs_train_in *in, char *buf, size_t len)
{
    const fs_parallel *p = &in->par;
    static const char *const mode[] = {"DDP", "ZeRO-1", "ZeRO-2", "ZeRO-3/FSDP"};
    double bucket = (p->bucket_bytes > 0 ? p->bucket_bytes : 25.0 * 1048576.0) / 1048576.0;
    char batch[96], pipe[112] = "", attn[96];
    if (p->global_batch > 0)
        snprintf(batch, sizeof batch, "global batch %.0f in micro-batches of up to %d",
                 p->global_batch, p->micro_batch);
    else
        snprintf(batch, sizeof batch, "micro-batch %d x %d per step per replica", p->micro_batch,
                 p->micro_batches);
    if (p->interleave > 1) snprintf(pipe, sizeof pipe, " (interleaved, %d chunks)", p->interleave);
    snprintf(attn, sizeof attn, "%s%s, recompute %s",
             p->flash_attn ? "flash attention" : "attention scores stored",
             p->tp > 1 ? (p->seq_parallel ? ", sequence parallel" : ", no sequence parallelism")
                       : "",
             fs_recompute_name(p->recompute));
    if (p->ep > 1) {
        size_t l = strlen(pipe);
        snprintf(pipe + l, sizeof pipe - l, " x EP %d (all-to-all %s)", p->ep,
                 p->a2a_overlap == FS_A2A_OVERLAP_DUALPIPE ? "under DualPipe" : "not overlapped");
    }
    snprintf(buf, len, "TP %d x PP %d%s, %s (%.4g MiB buckets, %s, %s), %s, %s", p->tp, p->pp, pipe,
             mode[p->mode], bucket, p->no_overlap ? "after backward" : "overlapped with backward",
             p->fixed_algo ? fs_algo_name(p->algo) : "fastest algorithm", batch, attn);
    return buf;
}

const char *fs_desc_a2a(const fs_train_in *in, const fs_step *s, char *buf, size_t len)
{
    snprintf(buf, len,
             "all-to-all at %d GPUs (EP %d, %s): %d per MoE layer per micro-batch (dispatch and "
             "combine, forward and backward), %.4g MB per GPU each; %.4g ms per step, %.4g ms "
             "exposed (%s)",
             s->gpus, s->ep, s->a2a_intra ? "inside a node" : "across nodes",
             in->par.recompute == FS_RECOMPUTE_FULL ? 6 : 4, s->a2a_bytes / 1e6, s->a2a_us / 1e3,
             s->a2a_exposed_us / 1e3,
             in->par.a2a_overlap == FS_A2A_OVERLAP_DUALPIPE
                 ? "DualPipe hides it behind compute, DeepSeek-V3 arXiv:2412.19437 3.2.1"
                 : "on the critical path, Megatron-Core's default");
    return buf;
}

const char *fs_fmt_band(char *buf, size_t len, const char *fmt, double v, double lo, double hi)
{
    char a[32], b[32], c[32];
    snprintf(a, sizeof a, fmt, v);
    if (!isfinite(v)) snprintf(a, sizeof a, "-");
    if (!(hi > lo * (1 + 1e-9)) || !isfinite(lo) || !isfinite(hi)) {
        snprintf(buf, len, "%s", a);
        return buf;
    }
    snprintf(b, sizeof b, fmt, lo);
    snprintf(c, sizeof c, fmt, hi);
    snprintf(buf, len, "%s (%s-%s)", a, b, c);
    return buf;
}

const char *fs_desc_cluster(const fs_train_in *in, char *buf, size_t len)
{
    const fs_cluster *c = &in->cl;
    char intra[64] = "";
    if (c->intra.nseg > 0)
        snprintf(intra, sizeof intra, ", intra-node %.4g GB/s (alpha %.3g us)",
                 c->intra.seg[0].bandwidth_GBps, c->intra.seg[0].alpha_us);
    snprintf(buf, len, "%d GPUs/node, %d NIC(s)/node sharing the network link%s%s",
             c->gpus_per_node, c->nics_per_node, intra,
             isfinite(c->mem_GB) ? "" : ", accelerator memory unknown");
    return buf;
}

const char *fs_desc_compute(const fs_train_in *in, const char *precision, char *buf, size_t len)
{
    char over[96];
    snprintf(over, sizeof over, "; framework overhead %.0f%% off the network's cap",
             100 * in->overhead);
    if (in->mb_compute_us > 0)
        snprintf(buf, len, "given: %.4g ms per micro-batch per GPU%s", in->mb_compute_us / 1e3,
                 over);
    else if (in->peak_tflops > 0 && in->tflops > 0)
        snprintf(buf, len,
                 "%s peak %.4g TFLOP/s x sustained %.2f = %.4g TFLOP/s per GPU on the kernels "
                 "(MFU is an output)%s",
                 precision, in->peak_tflops, in->tflops / in->peak_tflops, in->tflops, over);
    else
        snprintf(buf, len, "%.4g TFLOP/s sustained per GPU (given)%s", in->tflops, over);
    return buf;
}

int fs_train_baseline(const fs_train_in *in, int want, fs_step *s, fs_err *err)
{
    if (want > 0) {
        fs_err e = {0};
        if (fs_train_step(in, want, s, &e) == 0) return 0;
        return fs_err_set(err, FS_EXIT_INPUT, "--baseline-gpus %d: %s", want, e.msg);
    }
    long a = in->cl.gpus_per_node, b = (long)in->par.tp * in->par.pp, x = a, y = b;
    while (y) {
        long t = x % y;
        x = y;
        y = t;
    }
    for (long k = a / x * b; k <= (1L << 24); k *= 2) {
        fs_err e = {0};
        if (fs_train_step(in, (int)k, s, &e) == 0) return 0;
    }
    memset(s, 0, sizeof *s);
    return 0;
}

double fs_train_scaling(const fs_step *s, const fs_step *base)
{
    if (!(base->gpus > 0) || !(base->throughput > 0)) return NAN;
    return (s->throughput / s->gpus) / (base->throughput / base->gpus);
}

const char *fs_desc_nofit(const fs_train_in *in, const fs_step *s, const char *type, char *buf,
                          size_t len)
{
    char hint[64], act[64] = "";
    fs_train_fit_hint(in, s->gpus, hint, sizeof hint);
    if (isfinite(s->act_GB)) snprintf(act, sizeof act, " + activations %.3g", s->act_GB);
    snprintf(buf, len,
             "needs %.3g GB per GPU at %d GPUs (states %.3g%s), more than the %.3g GB of %s%s%s",
             s->mem_GB, s->gpus, s->state_GB, act, in->cl.mem_GB, type ? type : "the accelerator",
             hint[0] ? ": fits with "
                     : ": no single change of --seq-parallel, --flash-attn, "
                       "--recompute, --zero, --tp, --pp or --micro-batch fits it",
             hint);
    return buf;
}

const char *fs_desc_weak_scaling(const fs_train_in *in, const fs_step *s, size_t n, char *buf,
                                 size_t len)
{
    buf[0] = '\0';
    if (in->par.global_batch > 0 || n < 2) return buf;
    const fs_step *lo = &s[0], *hi = &s[0];
    for (size_t i = 1; i < n; i++) {
        if (s[i].global_batch < lo->global_batch) lo = &s[i];
        if (s[i].global_batch > hi->global_batch) hi = &s[i];
    }
    if (hi->global_batch <= lo->global_batch) return buf;
    char a[32], b[32];
    double u = fs_train_units_per_sample(&in->w);
    snprintf(buf, len,
             "weak scaling: the per-GPU batch is fixed, so the global batch grows with the GPU "
             "count (%s %s per step at %d GPUs, %s at %d); a training recipe fixes it: give "
             "--global-batch N to compare at the same batch",
             fs_fmt_count(a, sizeof a, lo->global_batch * u), fs_unit_name(in), lo->gpus,
             fs_fmt_count(b, sizeof b, hi->global_batch * u), hi->gpus);
    return buf;
}

void *fs_json_inputs(const char *name, const fs_train_in *in)
{
    const fs_workload *w = &in->w;
    const fs_parallel *p = &in->par;
    const fs_cluster *c = &in->cl;
    static const char *const mode[] = {"ddp", "zero1", "zero2", "zero3"};
    json_t *wl =
        json_pack("{s:s?,s:o,s:o,s:o,s:s}", "preset", name, "params", json_real(w->params),
                  "grad_bytes", json_real(w->grad_bytes), "flops_per_sample",
                  fs_cli_num(fs_train_flops_per_sample(w, p->recompute)), "unit", fs_unit_name(in));
    if (wl && w->hidden > 0)
        json_object_update_new(wl, json_pack("{s:f,s:f,s:f,s:f,s:f}", "hidden", w->hidden, "layers",
                                             w->layers, "heads", w->heads, "seq", w->seq, "vocab",
                                             w->vocab));
    if (wl && w->moe.experts > 0)
        json_object_set_new(wl, "moe",
                            json_pack("{s:i,s:i,s:f,s:i,s:i,s:i,s:o,s:o,s:f}", "experts",
                                      w->moe.experts, "topk", w->moe.topk, "capacity",
                                      w->moe.capacity, "moe_every",
                                      w->moe.every > 0 ? w->moe.every : 1, "dense_layers",
                                      w->moe.dense_layers, "moe_layers", fs_moe_layers(w),
                                      "active_params", fs_cli_num(fs_moe_active_params(w)),
                                      "expert_params", fs_cli_num(fs_moe_expert_params(w)),
                                      "imbalance", w->moe.imbalance > 1 ? w->moe.imbalance : 1.0));
    json_t *par =
        json_pack("{s:i,s:i,s:s,s:i,s:i,s:o,s:f,s:b,s:s}", "tp", p->tp, "pp", p->pp, "dp_mode",
                  mode[p->mode], "micro_batch", p->micro_batch, "micro_batches", p->micro_batches,
                  "global_batch", p->global_batch > 0 ? json_real(p->global_batch) : json_null(),
                  "bucket_bytes", p->bucket_bytes > 0 ? p->bucket_bytes : 25.0 * 1048576.0,
                  "overlap", !p->no_overlap, "recompute", fs_recompute_name(p->recompute));
    json_object_update_new(
        par, json_pack("{s:i,s:b,s:b,s:s}", "interleave", p->interleave > 1 ? p->interleave : 1,
                       "sequence_parallel", p->seq_parallel, "flash_attention", p->flash_attn,
                       "algorithm", p->fixed_algo ? fs_algo_name(p->algo) : "auto"));
    json_object_update_new(
        par, json_pack("{s:i,s:s}", "ep", p->ep > 1 ? p->ep : 1, "a2a_overlap",
                       p->a2a_overlap == FS_A2A_OVERLAP_DUALPIPE ? "dualpipe" : "none"));
    json_t *cl = json_pack(
        "{s:i,s:i,s:o,s:o,s:o,s:o,s:o}", "gpus_per_node", c->gpus_per_node, "nics_per_node",
        c->nics_per_node, "nic_alpha_us", json_real(c->nic.seg[0].alpha_us), "nic_GBps",
        json_real(c->nic.seg[c->nic.nseg - 1].bandwidth_GBps), "intra_GBps",
        c->intra.nseg ? json_real(c->intra.seg[0].bandwidth_GBps) : json_null(), "intra_alpha_us",
        c->intra.nseg ? json_real(c->intra.seg[0].alpha_us) : json_null(), "memory_GB",
        fs_cli_num(c->mem_GB));
    json_t *comp =
        json_pack("{s:o,s:o,s:o,s:f}", "micro_batch_compute_ms",
                  in->mb_compute_us > 0 ? json_real(in->mb_compute_us / 1e3) : json_null(),
                  "sustained_tflops", in->tflops > 0 ? json_real(in->tflops) : json_null(),
                  "peak_tflops", in->peak_tflops > 0 ? json_real(in->peak_tflops) : json_null(),
                  "framework_overhead", in->overhead);
    return json_pack("{s:o,s:o,s:o,s:o}", "workload", wl, "parallelism", par, "cluster", cl,
                     "compute", comp);
}

void *fs_json_step(const fs_step *s, const fs_train_in *in)
{
    char unit[32];
    snprintf(unit, sizeof unit, "%s_per_s", fs_unit_name(in));
    json_t *o = json_pack("{s:i,s:i,s:i,s:i,s:f}", "gpus", s->gpus, "nodes", s->nodes, "dp", s->dp,
                          "micro_batches", s->micro_batches, "global_batch", s->global_batch);
    json_object_update_new(
        o, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "compute_ms", fs_cli_num(s->compute_us / 1e3),
                     "dp_comm_ms", fs_cli_num(s->dp_comm_us / 1e3), "dp_exposed_ms",
                     fs_cli_num(s->dp_exposed_us / 1e3), "tp_ms", fs_cli_num(s->tp_us / 1e3),
                     "bubble_ms", fs_cli_num(s->bubble_us / 1e3), "p2p_ms",
                     fs_cli_num(s->p2p_us / 1e3), "step_ms", fs_cli_num(s->step_us / 1e3)));
    json_object_set_new(o, "micro_batch", json_integer(s->micro_batch));
    json_object_set_new(o, "a2a_ms", fs_cli_num(s->a2a_us / 1e3));
    json_object_set_new(o, "a2a_exposed_ms", fs_cli_num(s->a2a_exposed_us / 1e3));
    json_object_set_new(o, "a2a_bytes", fs_cli_num(s->a2a_bytes));
    json_object_set_new(o, "a2a_intra_node", json_boolean(s->a2a_intra));
    json_object_set_new(o, "step_ms_lo", fs_cli_num(s->step_lo_us / 1e3));
    json_object_set_new(o, "step_ms_hi", fs_cli_num(s->step_hi_us / 1e3));
    json_object_set_new(o, "efficiency", fs_cli_num(s->efficiency));
    json_object_set_new(o, "efficiency_lo", fs_cli_num(s->eff_lo));
    json_object_set_new(o, "efficiency_hi", fs_cli_num(s->eff_hi));
    json_object_set_new(o, "expected_efficiency", fs_cli_num(s->expected_eff));
    json_object_set_new(o, "tflops_per_gpu", fs_cli_num(s->tflops_per_gpu));
    json_object_set_new(o, "mfu", fs_cli_num(s->mfu));
    json_object_set_new(o, "hardware_tflops_per_gpu", fs_cli_num(s->hw_tflops_per_gpu));
    json_object_set_new(o, unit, fs_cli_num(s->throughput));
    json_object_set_new(o, "state_GB", fs_cli_num(s->state_GB));
    json_object_set_new(o, "activation_GB", fs_cli_num(s->act_GB));
    json_object_set_new(o, "memory_GB", fs_cli_num(s->mem_GB));
    json_object_set_new(o, "fits", json_boolean(s->fits));
    json_object_set_new(o, "limit", json_string(fs_limit_name(s->limit)));
    return o;
}
