/*
 * train_model.c - one training step at N GPUs (see train.h for the model).
 */
#include <math.h>
#include <stddef.h>

#include "train.h"

#define DEFAULT_BUCKET (25.0 * 1048576.0) /* PyTorch DDP bucket_cap_mb = 25 (MiB) */

const char *fs_limit_name(fs_limit l)
{
    static const char *const n[] = {"compute", "dp-comm", "tp-comm", "bubble", "pp-p2p"};
    return (unsigned)l < sizeof n / sizeof n[0] ? n[l] : "?";
}

const char *fs_dp_mode_name(fs_dp_mode m)
{
    static const char *const n[] = {"ddp", "zero1", "zero2", "zero3"};
    return (unsigned)m < sizeof n / sizeof n[0] ? n[m] : "?";
}

static bool transformer(const fs_workload *w)
{
    return w->hidden > 0 && w->layers > 0 && w->seq > 0 && w->vocab > 0;
}

static double mb_compute(const fs_train_in *in)
{
    if (in->mb_compute_us > 0) return in->mb_compute_us;
    double f = fs_train_flops_per_sample(&in->w, in->par.recompute);
    if (!(f > 0) || !(in->tflops > 0)) return NAN;
    /* TP and PP split one replica's work over tp * pp GPUs */
    return f * in->par.micro_batch / (in->par.tp * in->par.pp) / (in->tflops * 1e12) * 1e6;
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
    if (p->pp > 1 && p->pp > w->layers)
        return fs_err_set(err, FS_EXIT_INPUT, "--pp %d is more than the workload's %.0f layers",
                          p->pp, w->layers);
    if (p->pp > 1 && p->mode == FS_DP_ZERO3)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--zero 3 (FSDP) with --pp %d: pipeline stages with fully sharded parameters are not "
            "modelled (DeepSpeed and Megatron do not combine them)",
            p->pp);
    if (p->micro_batch < 1) return fs_err_set(err, FS_EXIT_INPUT, "--micro-batch must be >= 1");
    int dp = gpus / (p->tp * p->pp);
    if (p->global_batch > 0) {
        double per = (double)p->micro_batch * dp;
        double m = p->global_batch / per;
        if (m < 1 || m != floor(m))
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--global-batch %.0f is not a multiple of micro-batch %d x "
                              "data-parallel %d (at %d GPUs)",
                              p->global_batch, p->micro_batch, dp, gpus);
    } else if (p->micro_batches < 1) {
        return fs_err_set(err, FS_EXIT_INPUT, "--accum (micro-batches per step) must be >= 1");
    }
    if (!(in->mb_compute_us > 0)) {
        if (!(fs_train_flops_per_sample(w, p->recompute) > 0))
            return fs_err_set(
                err, FS_EXIT_INPUT,
                "the workload has no FLOPs count: give --compute-ms, --flops-per-sample or the "
                "architecture (--hidden --layers --seq --vocab)");
        if (!(in->tflops > 0))
            return fs_err_set(
                err, FS_EXIT_INPUT,
                "no compute speed: give --compute-ms, --tflops, or --instance TYPE (peak x --mfu)");
    }
    return 0;
}

/* Collective time of n bytes over a group of p, us. */
static double coll(const fs_coll_model *m, fs_collective c, int p, double n)
{
    if (p <= 1 || n <= 0) return 0;
    return fs_coll_time_us(m, c, FS_ALGO_AUTO, p, n, NULL);
}

/* k buckets of at most s bytes covering total: full count and remainder. */
static int buckets(double total, double s, double *rem)
{
    int k = (int)ceil(total / s);
    if (k < 1) k = 1;
    *rem = total - (k - 1) * s;
    return k;
}

int fs_train_step(const fs_train_in *in, int gpus, fs_step *o, fs_err *err)
{
    int rc = fs_train_check(in, gpus, err);
    if (rc) return rc;
    const fs_workload *w = &in->w;
    const fs_parallel *p = &in->par;
    const fs_cluster *c = &in->cl;
    int g = c->gpus_per_node, tp = p->tp, pp = p->pp, dp = gpus / (tp * pp);
    int m = p->global_batch > 0 ? (int)(p->global_batch / ((double)p->micro_batch * dp))
                                : p->micro_batches;
    double tmb = mb_compute(in);
    double bwd = tmb * (p->recompute ? 0.75 : 2.0 / 3.0), fwd = tmb - bwd;

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
    fs_coll_model tpm = {.inter = intra,
                         .ranks_per_node = 1,
                         .nics_per_node = 1,
                         .gamma_us_per_byte = c->gamma_us_per_byte};

    double psi = w->params / (tp * pp), gbytes = psi * w->grad_bytes;
    double bucket = p->bucket_bytes > 0 ? p->bucket_bytes : DEFAULT_BUCKET, rem;
    int k = buckets(gbytes, bucket, &rem);
    double frac = bucket / gbytes;
    double comm = 0, exposed = 0;
    if (dp > 1) {
        switch (p->mode) {
        case FS_DP_DDP: {
            double t = coll(&dpm, FS_ALLREDUCE, dp, bucket), tr = coll(&dpm, FS_ALLREDUCE, dp, rem);
            comm = (k - 1) * t + tr;
            exposed = p->no_overlap ? comm : fs_bucket_exposed_us(k, t, tr, bwd, frac);
            break;
        }
        case FS_DP_ZERO1:
        case FS_DP_ZERO2: {
            double t = coll(&dpm, FS_REDUCE_SCATTER, dp, bucket),
                   tr = coll(&dpm, FS_REDUCE_SCATTER, dp, rem);
            double ag =
                (k - 1) * coll(&dpm, FS_ALLGATHER, dp, bucket) + coll(&dpm, FS_ALLGATHER, dp, rem);
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
            double ag = coll(&dpm, FS_ALLGATHER, dp, u), rs = coll(&dpm, FS_REDUCE_SCATTER, dp, u);
            double per_mb = units * (2 * ag + rs);
            comm = m * per_mb;
            exposed =
                p->no_overlap
                    ? comm
                    : m * (fs_fsdp_microbatch_us(units, fwd / units, bwd / units, ag, rs) - tmb);
            break;
        }
        }
    }
    double tp_mb = 0, act = 0;
    if (transformer(w)) act = p->micro_batch * w->seq * w->hidden * w->act_bytes;
    if (tp > 1)
        tp_mb = (p->recompute ? 6 : 4) * (w->layers / pp) * coll(&tpm, FS_ALLREDUCE, tp, act);
    double bubble = 0, p2p = 0;
    if (pp > 1) {
        bubble = (pp - 1) * (tmb + tp_mb);
        const fs_link *pl = (long)tp * dp >= g ? &inter : &intra; /* next stage on another node? */
        /* Megatron's scatter/gather optimisation: each TP rank sends 1/tp of it */
        p2p = 2.0 * (m + pp - 2) * fs_link_time_us(pl, act / tp);
    }

    o->gpus = gpus;
    o->nodes = (gpus + g - 1) / g;
    o->dp = dp;
    o->micro_batches = m;
    o->global_batch = (double)p->micro_batch * m * dp;
    o->mb_compute_us = tmb;
    o->compute_us = m * tmb;
    o->dp_comm_us = comm;
    o->dp_exposed_us = exposed;
    o->tp_us = m * tp_mb;
    o->bubble_us = bubble;
    o->p2p_us = p2p;
    o->step_us = o->compute_us + o->tp_us + bubble + p2p + exposed;
    o->efficiency = o->compute_us / o->step_us;
    o->throughput = o->global_batch * fs_train_units_per_sample(w) / (o->step_us * 1e-6);
    o->state_GB = fs_train_state_bytes(w, p->mode, psi, dp) / 1e9;
    o->fits = !isfinite(c->mem_GB) || o->state_GB <= c->mem_GB;
    double terms[] = {exposed, o->tp_us, bubble, p2p};
    fs_limit lim[] = {FS_LIMIT_DP, FS_LIMIT_TP, FS_LIMIT_BUBBLE, FS_LIMIT_P2P};
    o->limit = FS_LIMIT_COMPUTE;
    double worst = 0.01 * o->step_us; /* below 1% of the step nothing but compute limits */
    for (int i = 0; i < 4; i++)
        if (terms[i] > worst) {
            worst = terms[i];
            o->limit = lim[i];
        }
    return 0;
}
