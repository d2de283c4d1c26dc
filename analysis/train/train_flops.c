/*
 * train_flops.c - work and memory of one sample / one GPU: training FLOPs
 * (Megatron's formula for transformers, 3 passes of the forward MACs for
 * the rest) and model-state bytes under DDP and ZeRO.
 */
#include <math.h>

#include "train.h"

static bool is_transformer(const fs_workload *w)
{
    return w->hidden > 0 && w->layers > 0 && w->seq > 0 && w->vocab > 0;
}

double fs_train_flops_per_sample(const fs_workload *w, bool recompute)
{
    if (w->flops_per_sample > 0) return w->flops_per_sample;
    if (is_transformer(w)) {
        /* Narayanan et al. 2021 (arXiv:2104.04473), eq. 3, per sequence (B = 1):
         * 24 s l h^2 (1 + s/6h) per pass plus the logit layer 2 s h V per pass;
         * 3 passes (forward, backward = 2 forward), 4 with recompute (the logit
         * layer is not recomputed: V/(16 l h) then). */
        double s = w->seq, l = w->layers, h = w->hidden, v = w->vocab;
        double passes = recompute ? 4 : 3;
        return 24.0 * passes * s * l * h * h * (1 + s / (6 * h)) + 6.0 * s * h * v;
    }
    if (w->fwd_macs > 0) return 2.0 * w->fwd_macs * (recompute ? 4 : 3);
    return NAN;
}

double fs_train_units_per_sample(const fs_workload *w)
{
    return w->unit == FS_UNIT_TOKENS && w->seq > 0 ? w->seq : 1;
}

double fs_train_state_bytes(const fs_workload *w, fs_dp_mode mode, double psi_local, int dp)
{
    /* Rajbhandari et al. 2020 (ZeRO), section 3: parameters and gradients
     * (grad_bytes each) plus the optimizer's K bytes; ZeRO-1 partitions the
     * optimizer, ZeRO-2 also the gradients, ZeRO-3 everything. */
    double p = w->grad_bytes, k = w->state_bytes - 2 * p, d = dp > 0 ? dp : 1;
    if (k < 0) k = 0;
    switch (mode) {
    case FS_DP_ZERO1:
        return psi_local * (2 * p + k / d);
    case FS_DP_ZERO2:
        return psi_local * (p + (p + k) / d);
    case FS_DP_ZERO3:
        return psi_local * (2 * p + k) / d;
    default:
        return psi_local * (2 * p + k);
    }
}
