/*
 * train_flops.c - work and memory of one sample / one GPU: training FLOPs
 * (Megatron's formula for transformers, 3 passes of the forward MACs for
 * the rest), model-state bytes under DDP and ZeRO, and activation memory
 * (Korthikanti et al. 2022).
 */
#include <math.h>

#include "train.h"

static bool is_transformer(const fs_workload *w)
{
    return w->hidden > 0 && w->layers > 0 && w->seq > 0 && w->vocab > 0;
}

double fs_train_flops_per_sample(const fs_workload *w, fs_recompute r)
{
    if (w->flops_per_sample > 0) {
        /* given without recompute: full recompute adds one forward (1/3) */
        return w->flops_per_sample * (r == FS_RECOMPUTE_FULL ? 4.0 / 3.0 : 1.0);
    }
    if (is_transformer(w) && w->moe.experts > 0) {
        /* A MoE transformer: what one token uses, 2 FLOPs per active
         * parameter and pass (Kaplan et al. 2020, arXiv:2001.08361, the 6N
         * count DeepSeek-V3 and Mixtral's MFU figures use), less the input
         * embedding (a lookup), plus attention's 4 s^2 h per layer and pass
         * as above. */
        double s = w->seq, l = w->layers, h = w->hidden, v = w->vocab;
        double a = fs_moe_active_params(w), passes = r == FS_RECOMPUTE_FULL ? 4 : 3;
        if (!(a > v * h)) return NAN;
        double f = passes * (2.0 * s * (a - v * h) + 4.0 * s * s * h * l);
        if (r == FS_RECOMPUTE_SELECTIVE) f += 4.0 * s * s * h * l;
        return f;
    }
    if (is_transformer(w)) {
        /* Narayanan et al. 2021 (arXiv:2104.04473), eq. 3, per sequence (B = 1):
         * 24 s l h^2 (1 + s/6h) per pass plus the logit layer 2 s h V per pass;
         * 3 passes (forward, backward = 2 forward), 4 with full recompute (the
         * logit layer is not recomputed: V/(16 l h) then).  Selective
         * recompute runs the attention core's forward again: QK^T and the
         * product with V, 2 x 2 s^2 h per layer. */
        double s = w->seq, l = w->layers, h = w->hidden, v = w->vocab;
        double passes = r == FS_RECOMPUTE_FULL ? 4 : 3;
        double f = 24.0 * passes * s * l * h * h * (1 + s / (6 * h)) + 6.0 * s * h * v;
        if (r == FS_RECOMPUTE_SELECTIVE) f += 4.0 * s * s * h * l;
        return f;
    }
    if (w->fwd_macs > 0) return 2.0 * w->fwd_macs * (r == FS_RECOMPUTE_FULL ? 4 : 3);
    return NAN;
}

double fs_train_units_per_sample(const fs_workload *w)
{
    return w->unit == FS_UNIT_TOKENS && w->seq > 0 ? w->seq : 1;
}

double fs_train_state_bytes(const fs_workload *w, fs_dp_mode mode, double psi_local, int dp)
{
    /* Rajbhandari et al. 2020 (ZeRO), section 3: parameters (param_bytes)
     * and gradients (grad_bytes: Megatron keeps fp32 gradient buffers for a
     * bf16 model) plus the optimizer's K bytes; ZeRO-1 partitions the
     * optimizer, ZeRO-2 also the gradients, ZeRO-3 everything. */
    double p = w->param_bytes > 0 ? w->param_bytes : w->grad_bytes, g = w->grad_bytes;
    double k = w->state_bytes - p - g, d = dp > 0 ? dp : 1;
    if (k < 0) k = 0;
    switch (mode) {
    case FS_DP_ZERO1:
        return psi_local * (p + g + k / d);
    case FS_DP_ZERO2:
        return psi_local * (p + (g + k) / d);
    case FS_DP_ZERO3:
        return psi_local * (p + g + k) / d;
    default:
        return psi_local * (p + g + k);
    }
}

/* Bytes of one layer for one micro-batch, 16-bit activations (Korthikanti
 * et al. 2022, eqs. 1-4): the 34 s b h of the layer's tensors and
 * 5 a s^2 b of attention scores, split by TP / SP as Megatron splits them. */
static double layer_bytes(const fs_workload *w, const fs_parallel *p, int b, bool scores)
{
    double sbh = w->seq * b * w->hidden, t = p->tp;
    double att = scores ? 5.0 * w->heads * w->seq / w->hidden : 0;
    if (p->seq_parallel && t > 1) return sbh / t * (34 + att);
    return sbh * (10 + (24 + att) / t);
}

double fs_train_activation_bytes(const fs_workload *w, const fs_parallel *p, int b, int m)
{
    if (!is_transformer(w)) return NAN;
    int pp = p->pp > 1 ? p->pp : 1, v = p->interleave > 1 ? p->interleave : 1;
    double t = p->tp > 1 ? p->tp : 1;
    /* scores are stored unless flash attention or selective recompute drop them */
    bool scores = !p->flash_attn && p->recompute == FS_RECOMPUTE_NONE;
    double inflight = pp == 1 ? 1 : (m < pp ? m : pp);
    double layers = ceil(w->layers / pp) * inflight * (v > 1 ? 1 + (pp - 1.0) / (pp * v) : 1);
    double bytes;
    if (p->recompute == FS_RECOMPUTE_FULL) {
        double input = 2.0 * w->seq * b * w->hidden / (p->seq_parallel ? t : 1);
        bytes = input * layers + layer_bytes(w, p, b, !p->flash_attn);
    } else {
        bytes = layer_bytes(w, p, b, scores) * layers;
    }
    /* the output layer's input, layer norm and fp32 logits live on the last
     * stage: the first one only without a pipeline */
    if (pp == 1) bytes += 4.0 * w->seq * b * (w->hidden + w->vocab) / t;
    return bytes * w->act_bytes / 2.0;
}
