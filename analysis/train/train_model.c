/*
 * train_model.c - one training step at N GPUs (see train.h for the model).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "train.h"

#define DEFAULT_BUCKET (25.0 * 1048576.0) /* PyTorch DDP bucket_cap_mb = 25 (MiB) */

const char *fs_limit_name(fs_limit l)
{
    static const char *const n[] = {"compute", "dp-comm", "tp-comm", "bubble", "pp-p2p", "ep-a2a"};
    return (unsigned)l < sizeof n / sizeof n[0] ? n[l] : "?";
}

const char *fs_recompute_name(fs_recompute r)
{
    static const char *const n[] = {"none", "full", "selective"};
    return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "?";
}

static bool transformer(const fs_workload *w)
{
    return w->hidden > 0 && w->layers > 0 && w->seq > 0 && w->vocab > 0;
}

/* Micro-batch size and count at dp replicas: b as given and m = --accum,
 * or with a global batch B the largest b' <= b dividing B/dp and m = B/(b' dp).
 * 0, or FS_EXIT_INPUT when B cannot be split over dp replicas. */
static int batch_shape(const fs_parallel *p, int dp, int gpus, int *b, int *m, fs_err *err)
{
    *b = p->micro_batch;
    *m = p->micro_batches;
    if (!(p->global_batch > 0)) return 0;
    double per = p->global_batch / dp;
    if (per < 1 || per != floor(per))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--global-batch %.0f is not a multiple of data-parallel %d (at %d GPUs)",
                          p->global_batch, dp, gpus);
    long r = (long)per, bb = *b < r ? *b : r;
    while (r % bb) bb--;
    *b = (int)bb;
    *m = (int)(r / bb);
    return 0;
}

/* Compute of one micro-batch of b samples, us. */
static double mb_compute(const fs_train_in *in, int b)
{
    if (in->mb_compute_us > 0) return in->mb_compute_us * b / in->par.micro_batch;
    double f = fs_train_flops_per_sample(&in->w, in->par.recompute);
    if (!(f > 0) || !(in->tflops > 0)) return NAN;
    /* TP and PP split one replica's work over tp * pp GPUs */
    return f * b / (in->par.tp * in->par.pp) / (in->tflops * 1e12) * 1e6;
}

/* Share of the compute that is useful work (the rest is recompute). */
static double useful_share(const fs_workload *w, fs_recompute r)
{
    if (r == FS_RECOMPUTE_NONE) return 1;
    double with = fs_train_flops_per_sample(w, r),
           without = fs_train_flops_per_sample(w, FS_RECOMPUTE_NONE);
    if (with > 0 && without > 0) return without / with;
    return r == FS_RECOMPUTE_FULL ? 0.75 : 1; /* 3 of 4 passes */
}

/* Expert parallelism and the MoE routing: one line naming the option. */
static int moe_check(const fs_train_in *in, int gpus, fs_err *err)
{
    const fs_moe *e = &in->w.moe;
    const fs_parallel *p = &in->par;
    int ep = p->ep > 1 ? p->ep : 1;
    if (e->experts <= 0) {
        if (ep > 1)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--ep %d: the workload has no experts (give --experts N, or a MoE "
                              "preset)",
                              ep);
        return 0;
    }
    if (!transformer(&in->w))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--experts: a mixture of experts needs a transformer workload (hidden, "
                          "layers, seq and vocab)");
    if (e->topk < 1 || e->topk > e->experts)
        return fs_err_set(err, FS_EXIT_INPUT, "--topk %d: must be between 1 and --experts %d",
                          e->topk, e->experts);
    if (e->every != 0 && e->every != 1 && e->every != 2)
        return fs_err_set(err, FS_EXIT_INPUT, "--moe-every %d: MoE layers every 1 or 2 layers",
                          e->every);
    if (fs_moe_layers(&in->w) < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "--experts: no MoE layer among %.0f layers",
                          in->w.layers);
    if (e->capacity < 0 || !isfinite(e->capacity))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--capacity %g: a capacity factor > 0 (or 0: dropless)", e->capacity);
    if (e->experts % ep)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--ep %d does not divide the %d experts (each EP rank holds the same "
                          "number of experts)",
                          ep, e->experts);
    if (gpus % ((long long)p->tp * p->pp * ep))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--gpus %d is not divisible by TP x PP x EP = %d x %d x %d (EP divides "
                          "the data-parallel ranks)",
                          gpus, p->tp, p->pp, ep);
    if (ep > 1 && p->tp > 1 && !p->seq_parallel)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--ep %d with --tp %d needs sequence parallelism (Megatron-Core requires "
                          "it for MoE with TP): drop --no-seq-parallel",
                          ep, p->tp);
    if (ep > 1 && p->mode == FS_DP_ZERO3)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--ep %d with --zero 3: fully sharded expert parameters are not "
                          "modelled (Megatron-Core shards optimizer states only)",
                          ep);
    double x = fs_moe_expert_params(&in->w), a = fs_moe_active_params(&in->w);
    if (!(x > 0) || !(x < in->w.params) || !(a > 0) || !(a <= in->w.params))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--experts: the expert parameters are unknown or exceed --params: give "
                          "--active-params N or --ffn F (the expert FFN's hidden size)");
    return 0;
}

int fs_train_check(const fs_train_in *in, int gpus, fs_err *err)
{
    const fs_workload *w = &in->w;
    const fs_parallel *p = &in->par;
    const fs_cluster *c = &in->cl;
    if (gpus < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "--gpus: %d is not a GPU count (must be >= 1)", gpus);
    if (!(w->params > 0) || !isfinite(w->params))
        return fs_err_set(err, FS_EXIT_INPUT, "workload: the parameter count must be > 0");
    if (!(w->grad_bytes > 0) || !(w->act_bytes > 0) || !(w->state_bytes > 0))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "workload: gradient, activation and state bytes must be > 0");
    if (c->gpus_per_node < 1 || c->nics_per_node < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "cluster: GPUs and NICs per node must be >= 1");
    if (c->nic.nseg < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "cluster: no network link (give RESULTS or --link)");
    if (p->tp < 1 || p->pp < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "--tp and --pp must be >= 1 (got %d and %d)", p->tp,
                          p->pp);
    if (p->tp > c->gpus_per_node)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--tp %d is larger than the %d GPUs per node (tensor parallelism stays inside a node)",
            p->tp, c->gpus_per_node);
    if (c->gpus_per_node % p->tp)
        return fs_err_set(err, FS_EXIT_INPUT, "--tp %d does not divide the %d GPUs per node", p->tp,
                          c->gpus_per_node);
    if (gpus % ((long long)p->tp * p->pp))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--gpus %d is not divisible by TP x PP = %d x %d = %d", gpus, p->tp,
                          p->pp, p->tp * p->pp);
    if ((p->tp > 1 || p->pp > 1) && !transformer(w))
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--tp/--pp need a transformer workload (hidden, layers, seq and vocab all > 0)");
    if (p->recompute == FS_RECOMPUTE_SELECTIVE && !transformer(w))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--recompute=selective recomputes attention: it needs a transformer "
                          "workload (use --recompute for full recompute)");
    if (p->pp > 1 && p->pp > w->layers)
        return fs_err_set(err, FS_EXIT_INPUT, "--pp %d is more than the workload's %.0f layers",
                          p->pp, w->layers);
    if (p->pp > 1 && p->mode == FS_DP_ZERO3)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--zero 3 (FSDP) with --pp %d: pipeline stages with fully sharded parameters are not "
            "modelled (DeepSpeed and Megatron do not combine them)",
            p->pp);
    int rc = moe_check(in, gpus, err);
    if (rc) return rc;
    if (p->micro_batch < 1) return fs_err_set(err, FS_EXIT_INPUT, "--micro-batch must be >= 1");
    if (!(p->global_batch > 0) && p->micro_batches < 1)
        return fs_err_set(err, FS_EXIT_INPUT, "--accum (micro-batches per step) must be >= 1");
    int dp = gpus / (p->tp * p->pp), b, m;
    rc = batch_shape(p, dp, gpus, &b, &m, err);
    if (rc) return rc;
    if (p->interleave > 1) {
        if (p->pp < 2)
            return fs_err_set(err, FS_EXIT_INPUT, "--interleave %d needs a pipeline (--pp >= 2)",
                              p->interleave);
        if (m % p->pp)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--interleave %d: %d micro-batches per step is not a multiple of "
                              "--pp %d (Megatron's interleaved schedule needs one)",
                              p->interleave, m, p->pp);
        if (fmod(w->layers, (double)p->pp * p->interleave) != 0)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--interleave %d: %.0f layers do not split into %d x %d chunks",
                              p->interleave, w->layers, p->pp, p->interleave);
    }
    if (transformer(w) && !p->flash_attn && p->recompute != FS_RECOMPUTE_SELECTIVE &&
        !(w->heads > 0))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "the attention scores' memory needs the head count: give --heads N "
                          "(or --flash-attn)");
    if (!(in->mb_compute_us > 0)) {
        if (!(fs_train_flops_per_sample(w, p->recompute) > 0))
            return fs_err_set(
                err, FS_EXIT_INPUT,
                "the workload has no FLOPs count: give --compute-ms, --flops-per-sample or the "
                "architecture (--hidden --layers --seq --vocab)");
        if (!(in->tflops > 0))
            return fs_err_set(err, FS_EXIT_INPUT,
                              "no compute speed: give --compute-ms, --tflops, or --instance TYPE "
                              "(its peak x --sustained)");
    }
    return 0;
}

/* Collective time of n bytes over a group of p, us; band < 0 / > 0: the
 * low / high end of the model's band. */
static double coll(const fs_coll_model *m, fs_algo a, fs_collective c, int p, double n, int band)
{
    if (p <= 1 || n <= 0) return 0;
    double lo, hi, t = fs_coll_time_band_us(m, c, a, p, n, NULL, &lo, &hi);
    return band < 0 ? lo : band > 0 ? hi : t;
}

/* k buckets of at most s bytes covering total: full count and remainder. */
static int buckets(double total, double s, double *rem)
{
    int k = (int)ceil(total / s);
    if (k < 1) k = 1;
    *rem = total - (k - 1) * s;
    return k;
}

/* One step with the collectives at `band` (0 estimate, -1 low, +1 high). */
static int step_at(const fs_train_in *in, int gpus, int band, fs_step *o, fs_err *err)
{
    const fs_workload *w = &in->w;
    const fs_parallel *p = &in->par;
    const fs_cluster *c = &in->cl;
    int g = c->gpus_per_node, tp = p->tp, pp = p->pp, dp = gpus / (tp * pp), b, m;
    int v = p->interleave > 1 ? p->interleave : 1;
    int rc = batch_shape(p, dp, gpus, &b, &m, err);
    if (rc) return rc;
    double tmb = mb_compute(in, b);
    double bwd = tmb * (p->recompute == FS_RECOMPUTE_FULL ? 0.75 : 2.0 / 3.0), fwd = tmb - bwd;

    /* Links: each GPU's share of the node's NICs; NVLink-like links inside. */
    fs_link inter = fs_link_scaled(&c->nic, (double)c->nics_per_node / g);
    fs_link intra = c->intra.nseg > 0 ? c->intra : c->nic;
    int dp_per_node = dp < g / tp ? dp : g / tp;
    /* nics_per_node = ranks_per_node: the share is already in `inter` */
    fs_coll_model dpm = {.inter = inter,
                         .intra = intra,
                         .ranks_per_node = dp_per_node,
                         .nics_per_node = dp_per_node,
                         .gamma_us_per_byte = c->gamma_us_per_byte};
    memcpy(dpm.calib, c->calib, sizeof dpm.calib);
    /* GPU clusters run NCCL, whatever the group's shape (TP 8 leaves one
     * data-parallel rank per node) */
    fs_coll_lib lib = g > 1 ? FS_LIB_NCCL : FS_LIB_DEFAULT;
    dpm.library = lib;
    fs_coll_model tpm = {.inter = intra,
                         .intra = intra,
                         .ranks_per_node = tp,
                         .nics_per_node = 1,
                         .gamma_us_per_byte = c->gamma_us_per_byte,
                         .library = lib};

    fs_algo da = p->fixed_algo ? p->algo : FS_ALGO_AUTO;
    /* MoE: the experts' parameters are split over EP as well; the rest is
     * replicated as in a dense model */
    int ep = p->ep > 1 ? p->ep : 1;
    double xparams = fs_moe_expert_params(w);
    if (!(xparams > 0)) xparams = 0;
    double psi = (w->params - xparams) / (tp * pp), gbytes = psi * w->grad_bytes;
    double psi_x = xparams / ((double)ep * tp * pp);
    double bucket0 = p->bucket_bytes > 0 ? p->bucket_bytes : DEFAULT_BUCKET, bucket = bucket0, rem;
    int k = buckets(gbytes, bucket, &rem);
    /* The last bucket ready holds the first layers' gradients: for a
     * transformer the embedding table (V h / tp elements), one tensor that
     * no bucket splits.  When it is larger than the remainder it is the last
     * bucket and the rest is spread over equal buckets before it. */
    double emb = transformer(w) ? w->vocab * w->hidden / tp * w->grad_bytes : 0;
    if (p->mode != FS_DP_ZERO3 && emb > rem && emb < gbytes) {
        double r2;
        int k2 = buckets(gbytes - emb, bucket, &r2);
        k = k2 + 1;
        bucket = (gbytes - emb) / k2;
        rem = emb;
    }
    double frac = bucket / gbytes;
    double comm = 0, exposed = 0;
    if (dp > 1) {
        switch (p->mode) {
        case FS_DP_DDP: {
            double t = coll(&dpm, da, FS_ALLREDUCE, dp, bucket, band),
                   tr = coll(&dpm, da, FS_ALLREDUCE, dp, rem, band);
            comm = (k - 1) * t + tr;
            exposed = p->no_overlap ? comm : fs_bucket_exposed_us(k, t, tr, bwd, frac);
            break;
        }
        case FS_DP_ZERO1:
        case FS_DP_ZERO2: {
            double t = coll(&dpm, da, FS_REDUCE_SCATTER, dp, bucket, band),
                   tr = coll(&dpm, da, FS_REDUCE_SCATTER, dp, rem, band);
            double ag = (k - 1) * coll(&dpm, da, FS_ALLGATHER, dp, bucket, band) +
                        coll(&dpm, da, FS_ALLGATHER, dp, rem, band);
            int times =
                p->mode == FS_DP_ZERO2 ? m : 1; /* partitioned gradients: every micro-batch */
            double rs = (k - 1) * t + tr;
            comm = times * rs + ag;
            exposed =
                (p->no_overlap ? times * rs : times * fs_bucket_exposed_us(k, t, tr, bwd, frac)) +
                ag;
            break;
        }
        case FS_DP_ZERO3: {
            int units = transformer(w) ? (int)ceil(w->layers) : k;
            double u = gbytes / units;
            double ag = coll(&dpm, da, FS_ALLGATHER, dp, u, band),
                   rs = coll(&dpm, da, FS_REDUCE_SCATTER, dp, u, band);
            double per_mb = units * (2 * ag + rs);
            comm = m * per_mb;
            exposed =
                p->no_overlap
                    ? comm
                    : m * (fs_fsdp_microbatch_us(units, fwd / units, bwd / units, ag, rs) - tmb);
            break;
        }
        }
        if (!isfinite(comm))
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--algorithm %s cannot run the data-parallel group of %d ranks "
                              "(%d per node) at %d GPUs",
                              fs_algo_name(p->algo), dp, dp_per_node, gpus);
    }
    /* Expert gradients: reduced over the expert-data-parallel group (dp/ep
     * ranks, ep x tp GPUs apart) on the same stream, filling its idle time
     * during backward; the rest, and ZeRO's all-gather, exposed. */
    int edp = dp / ep;
    if (psi_x > 0 && edp > 1) {
        int eper = (long)ep * tp >= g ? 1 : g / (ep * tp);
        if (eper > edp) eper = edp;
        fs_coll_model edm = dpm;
        edm.ranks_per_node = edm.nics_per_node = eper;
        double eb = psi_x * w->grad_bytes, erem;
        int ke = buckets(eb, bucket0, &erem);
        bool ar = p->mode == FS_DP_DDP;
        fs_collective rc1 = ar ? FS_ALLREDUCE : FS_REDUCE_SCATTER;
        double during = (ke - 1) * coll(&edm, da, rc1, edp, bucket0, band) +
                        coll(&edm, da, rc1, edp, erem, band);
        double after = ar ? 0
                          : (ke - 1) * coll(&edm, da, FS_ALLGATHER, edp, bucket0, band) +
                                coll(&edm, da, FS_ALLGATHER, edp, erem, band);
        int times = p->mode == FS_DP_ZERO2 ? m : 1;
        during *= times;
        double idle = fmax(0, times * bwd - (comm - exposed));
        comm += during + after;
        exposed += (p->no_overlap ? during : fmax(0, during - idle)) + after;
        if (!isfinite(comm))
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--algorithm %s cannot run the expert-data-parallel group of %d "
                              "ranks at %d GPUs",
                              fs_algo_name(p->algo), edp, gpus);
    }
    double tp_mb = 0, act = 0;
    if (transformer(w)) act = b * w->seq * w->hidden * w->act_bytes;
    if (tp > 1) {
        /* inside the node: the fastest algorithm whatever --algorithm says */
        double t = coll(&tpm, FS_ALGO_AUTO, FS_ALLREDUCE, tp, act, band);
        tp_mb = (p->recompute == FS_RECOMPUTE_FULL ? 6 : 4) * (w->layers / pp) * t;
    }
    /* MoE all-to-alls over the EP group: ep adjacent data-parallel ranks
     * (tp GPUs apart), g / tp of them per node once they span nodes */
    double a2a_mb = 0, a2a_mb_exp = 0, abytes = 0;
    bool a2a_intra = (long)ep * tp <= g;
    int nmoe = fs_moe_layers(w);
    if (nmoe > 0 && ep > 1) {
        abytes = fs_moe_a2a_bytes(w, p, b);
        fs_coll_model epm = dpm;
        epm.ranks_per_node = epm.nics_per_node = a2a_intra ? ep : g / tp;
        double t = coll(&epm, FS_ALGO_AUTO, FS_ALLTOALL, ep, abytes, band);
        int calls = p->recompute == FS_RECOMPUTE_FULL ? 6 : 4;
        a2a_mb = calls * ((double)nmoe / pp) * t;
        a2a_mb_exp = p->a2a_overlap == FS_A2A_OVERLAP_DUALPIPE ? fmax(0, a2a_mb - tmb) : a2a_mb;
    }
    double bubble = 0, p2p = 0;
    if (pp > 1) {
        bubble = (pp - 1) * (tmb + tp_mb + a2a_mb_exp) / v;
        const fs_link *pl = (long)tp * dp >= g ? &inter : &intra; /* next stage on another node? */
        /* Megatron's scatter/gather optimisation: each TP rank sends 1/tp of it */
        p2p = 2.0 * ((double)v * m + pp - 2) * fs_link_time_us(pl, act / tp);
    }

    o->gpus = gpus;
    o->nodes = (gpus + g - 1) / g;
    o->dp = dp;
    o->micro_batch = b;
    o->micro_batches = m;
    o->global_batch = (double)b * m * dp;
    o->mb_compute_us = tmb;
    o->compute_us = m * tmb;
    o->useful_us = o->compute_us * useful_share(w, p->recompute);
    o->dp_comm_us = comm;
    o->dp_exposed_us = exposed;
    o->tp_us = m * tp_mb;
    o->bubble_us = bubble;
    o->p2p_us = p2p;
    o->a2a_us = m * a2a_mb;
    o->a2a_exposed_us = m * a2a_mb_exp;
    o->a2a_bytes = abytes;
    o->ep = ep;
    o->a2a_intra = a2a_intra;
    o->step_us = o->compute_us + o->tp_us + bubble + p2p + exposed + o->a2a_exposed_us;
    o->step_lo_us = o->step_hi_us = o->step_us;
    o->efficiency = o->eff_lo = o->eff_hi = o->useful_us / o->step_us;
    o->expected_eff = o->efficiency * (1 - (in->overhead > 0 ? in->overhead : 0));
    o->throughput = o->global_batch * fs_train_units_per_sample(w) / (o->step_us * 1e-6);
    double f = fs_train_flops_per_sample(w, FS_RECOMPUTE_NONE);
    o->tflops_per_gpu = f > 0 ? f * o->global_batch / gpus / o->step_us * 1e-6 : NAN;
    double fh = fs_train_flops_per_sample(w, p->recompute);
    o->hw_tflops_per_gpu = fh > 0 ? fh * o->global_batch / gpus / o->step_us * 1e-6 : NAN;
    o->mfu = in->peak_tflops > 0 ? o->tflops_per_gpu / in->peak_tflops : NAN;
    o->state_GB =
        (fs_train_state_bytes(w, p->mode, psi, dp) + fs_train_state_bytes(w, p->mode, psi_x, edp)) /
        1e9;
    o->act_GB = fs_train_activation_bytes(w, p, b, m) / 1e9;
    o->mem_GB = o->state_GB + (isfinite(o->act_GB) ? o->act_GB : 0);
    o->fits = !isfinite(c->mem_GB) || o->mem_GB <= c->mem_GB;
    double terms[] = {exposed, o->tp_us, bubble, p2p, o->a2a_exposed_us};
    fs_limit lim[] = {FS_LIMIT_DP, FS_LIMIT_TP, FS_LIMIT_BUBBLE, FS_LIMIT_P2P, FS_LIMIT_A2A};
    o->limit = FS_LIMIT_COMPUTE;
    double worst = 0.01 * o->step_us; /* below 1% of the step nothing but compute limits */
    for (int i = 0; i < 5; i++)
        if (terms[i] > worst) {
            worst = terms[i];
            o->limit = lim[i];
        }
    return 0;
}

int fs_train_step(const fs_train_in *in, int gpus, fs_step *o, fs_err *err)
{
    int rc = fs_train_check(in, gpus, err);
    if (rc == 0) rc = step_at(in, gpus, 0, o, err);
    fs_step lo, hi;
    if (rc == 0) rc = step_at(in, gpus, -1, &lo, err);
    if (rc == 0) rc = step_at(in, gpus, +1, &hi, err);
    if (rc) return rc;
    /* the low end of the collectives gives the short step and the high efficiency */
    o->step_lo_us = lo.step_us;
    o->step_hi_us = hi.step_us;
    o->eff_lo = hi.efficiency;
    o->eff_hi = lo.efficiency;
    return 0;
}

const char *fs_train_fit_hint(const fs_train_in *in, int gpus, char *buf, size_t len)
{
    const fs_parallel *p = &in->par;
    fs_train_in t;
    struct {
        const char *opt;
        bool applies;
    } c[] = {
        {"--seq-parallel", p->tp > 1 && !p->seq_parallel},
        {"--flash-attn", !p->flash_attn && transformer(&in->w)},
        {"--recompute=selective", p->recompute == FS_RECOMPUTE_NONE && transformer(&in->w)},
        {"--recompute", p->recompute != FS_RECOMPUTE_FULL},
        {"--zero", p->mode < FS_DP_ZERO3},
        {"--tp", p->tp * 2 <= in->cl.gpus_per_node && transformer(&in->w)},
        {"--pp", transformer(&in->w) && p->pp * 2 <= in->w.layers && p->mode != FS_DP_ZERO3},
        {"--micro-batch 1", p->micro_batch > 1},
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        if (!c[i].applies) continue;
        t = *in;
        char opt[64];
        snprintf(opt, sizeof opt, "%s", c[i].opt);
        switch (i) {
        case 0:
            t.par.seq_parallel = true;
            break;
        case 1:
            t.par.flash_attn = true;
            break;
        case 2:
            t.par.recompute = FS_RECOMPUTE_SELECTIVE;
            break;
        case 3:
            t.par.recompute = FS_RECOMPUTE_FULL;
            break;
        case 4:
            t.par.mode = p->mode + 1;
            snprintf(opt, sizeof opt, "--zero %d", (int)t.par.mode);
            break;
        case 5:
            t.par.tp = p->tp * 2;
            snprintf(opt, sizeof opt, "--tp %d", t.par.tp);
            break;
        case 6:
            t.par.pp = p->pp * 2;
            snprintf(opt, sizeof opt, "--pp %d", t.par.pp);
            break;
        default:
            t.par.micro_batch = 1;
            break;
        }
        fs_step s;
        fs_err e = {0};
        if (fs_train_step(&t, gpus, &s, &e) == 0 && s.fits) {
            snprintf(buf, len, "%s", opt);
            break;
        }
    }
    return buf;
}
