/*
 * train_moe.c - mixture-of-experts arithmetic (see train.h): MoE layers,
 * expert and active parameters, the all-to-all volume per micro-batch.
 */
#include <math.h>

#include "train.h"

int fs_moe_layers(const fs_workload *w)
{
    const fs_moe *e = &w->moe;
    if (e->experts <= 0 || !(w->layers > 0)) return 0;
    int every = e->every > 0 ? e->every : 1;
    double l = w->layers - (e->dense_layers > 0 ? e->dense_layers : 0);
    return l > 0 ? (int)floor(l / every) : 0;
}

double fs_moe_expert_params(const fs_workload *w)
{
    const fs_moe *e = &w->moe;
    if (e->experts <= 0) return 0;
    if (e->active_params > 0 && e->experts > e->topk && w->params > e->active_params)
        return (w->params - e->active_params) * e->experts / (e->experts - e->topk);
    if (e->ffn > 0 && w->hidden > 0)
        return fs_moe_layers(w) * (double)e->experts * 3 * w->hidden * e->ffn;
    return NAN;
}

double fs_moe_active_params(const fs_workload *w)
{
    const fs_moe *e = &w->moe;
    if (e->experts <= 0) return w->params;
    if (e->active_params > 0) return e->active_params;
    double x = fs_moe_expert_params(w);
    return isfinite(x) ? w->params - x * (e->experts - e->topk) / e->experts : NAN;
}

double fs_moe_a2a_bytes(const fs_workload *w, const fs_parallel *p, int b)
{
    const fs_moe *e = &w->moe;
    if (e->experts <= 0 || !(w->seq > 0) || !(w->hidden > 0)) return 0;
    double tokens = (double)b * w->seq / (p->tp > 1 ? p->tp : 1);
    double load = e->capacity > 0 ? e->capacity : (e->imbalance > 1 ? e->imbalance : 1);
    return tokens * e->topk * w->hidden * w->act_bytes * load;
}
