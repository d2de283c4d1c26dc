/* train_out.c - summaries and JSON of training-model inputs and steps. */
#include "train_out.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>

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
    char p[32], arch[160] = "";
    if (w->hidden > 0)
        snprintf(arch, sizeof arch, ", transformer h %.0f l %.0f s %.0f V %.0f", w->hidden,
                 w->layers, w->seq, w->vocab);
    snprintf(buf, len,
             "%s: %s params%s, %.3g training FLOPs per sample%s, gradients %.0f bytes each",
             name ? name : "custom", fs_fmt_count(p, sizeof p, w->params), arch,
             fs_train_flops_per_sample(w, in->par.recompute),
             in->par.recompute ? " (with recompute)" : "", w->grad_bytes);
    return buf;
}

const char *fs_desc_parallel(const fs_train_in *in, char *buf, size_t len)
{
    const fs_parallel *p = &in->par;
    static const char *const mode[] = {"DDP", "ZeRO-1", "ZeRO-2", "ZeRO-3/FSDP"};
    double bucket = (p->bucket_bytes > 0 ? p->bucket_bytes : 25.0 * 1048576.0) / 1048576.0;
    char batch[96];
    if (p->global_batch > 0)
        snprintf(batch, sizeof batch, "global batch %.0f in micro-batches of %d", p->global_batch,
                 p->micro_batch);
    else
        snprintf(batch, sizeof batch, "micro-batch %d x %d per step per replica", p->micro_batch,
                 p->micro_batches);
    snprintf(buf, len, "TP %d x PP %d, %s (%.4g MiB buckets, %s), %s%s", p->tp, p->pp,
             mode[p->mode], bucket, p->no_overlap ? "after backward" : "overlapped with backward",
             batch, p->recompute ? ", activation recompute" : "");
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

const char *fs_desc_compute(const fs_train_in *in, double peak, double mfu, char *buf, size_t len)
{
    if (in->mb_compute_us > 0)
        snprintf(buf, len, "given: %.4g ms per micro-batch per GPU", in->mb_compute_us / 1e3);
    else if (isfinite(peak) && peak > 0)
        snprintf(buf, len, "%.4g TFLOP/s peak x MFU %.2f = %.4g TFLOP/s sustained per GPU", peak,
                 mfu, in->tflops);
    else
        snprintf(buf, len, "%.4g TFLOP/s sustained per GPU (given)", in->tflops);
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
        json_object_update_new(wl, json_pack("{s:f,s:f,s:f,s:f}", "hidden", w->hidden, "layers",
                                             w->layers, "seq", w->seq, "vocab", w->vocab));
    json_t *par =
        json_pack("{s:i,s:i,s:s,s:i,s:i,s:o,s:f,s:b,s:b}", "tp", p->tp, "pp", p->pp, "dp_mode",
                  mode[p->mode], "micro_batch", p->micro_batch, "micro_batches", p->micro_batches,
                  "global_batch", p->global_batch > 0 ? json_real(p->global_batch) : json_null(),
                  "bucket_bytes", p->bucket_bytes > 0 ? p->bucket_bytes : 25.0 * 1048576.0,
                  "overlap", !p->no_overlap, "recompute", p->recompute);
    json_t *cl = json_pack(
        "{s:i,s:i,s:o,s:o,s:o,s:o,s:o}", "gpus_per_node", c->gpus_per_node, "nics_per_node",
        c->nics_per_node, "nic_alpha_us", json_real(c->nic.seg[0].alpha_us), "nic_GBps",
        json_real(c->nic.seg[c->nic.nseg - 1].bandwidth_GBps), "intra_GBps",
        c->intra.nseg ? json_real(c->intra.seg[0].bandwidth_GBps) : json_null(), "intra_alpha_us",
        c->intra.nseg ? json_real(c->intra.seg[0].alpha_us) : json_null(), "memory_GB",
        fs_cli_num(c->mem_GB));
    json_t *comp =
        json_pack("{s:o,s:o}", "micro_batch_compute_ms",
                  in->mb_compute_us > 0 ? json_real(in->mb_compute_us / 1e3) : json_null(),
                  "sustained_tflops", in->tflops > 0 ? json_real(in->tflops) : json_null());
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
    json_object_set_new(o, "efficiency", fs_cli_num(s->efficiency));
    json_object_set_new(o, unit, fs_cli_num(s->throughput));
    json_object_set_new(o, "state_GB", fs_cli_num(s->state_GB));
    json_object_set_new(o, "fits", json_boolean(s->fits));
    json_object_set_new(o, "limit", json_string(fs_limit_name(s->limit)));
    return o;
}
