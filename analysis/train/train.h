/*
 * train.h - the training-step model: how long one optimizer step takes on
 * N GPUs and how much of it the GPUs spend on useful work.  Pure functions
 * (no I/O, no allocation); see ../shared/REFERENCE.md "Training-step model".
 *
 * Layout.  GPUs = tp x dp x pp, Megatron's order: tensor-parallel ranks
 * are adjacent (inside one node), then data-parallel, then pipeline
 * stages.  A node holds g GPUs, so a data-parallel group has min(dp, g/tp)
 * ranks per node.  Every GPU of a node communicates at the same time, so
 * each one gets nics * B_nic / g of the node's network (the fitted link is
 * one NIC's: one rank drives one NIC when fabscale-bench measures it).  A
 * data-parallel group with r ranks per node therefore has r * nics / g of
 * the node's NICs.  GPU clusters (g > 1) run NCCL's algorithms
 * (collective_model.h: nccl_ring, nccl_tree, pat, ...), the fastest at each
 * size unless --algorithm names one; tensor-parallel all-reduces run inside
 * the node on the intra-node link.
 *
 * Compute.  The accelerator sustains `tflops` on the model's kernels (a
 * measured kernel throughput, not an end-to-end MFU: the network, bubble and
 * tensor-parallel terms below are added on top).  t_mb = FLOPs of one
 * micro-batch, recompute included, / sustained; backward is 2/3 of it (3/4
 * with full recompute: the forward is run again).
 *
 * One step, per GPU: m micro-batches of b samples each.
 *  - DDP: the gradient (psi/(tp*pp) parameters x grad_bytes) is
 *    all-reduced in buckets (PyTorch default 25 MiB) launched as backward
 *    produces them (uniformly over the last micro-batch's backward), one
 *    at a time; exposed = end of the last bucket - end of backward.  The
 *    last bucket is only ready when backward ends, so its time is always
 *    exposed; the others hide when the network keeps up.  For a
 *    transformer the last bucket holds at least the embedding table's
 *    gradient (V h / tp elements: one tensor, never split, ready last).
 *  - ZeRO-1: reduce-scatter buckets the same way, then the updated
 *    parameters are all-gathered after the optimizer step (exposed):
 *    RS + AG = the DP volume.  ZeRO-2 reduce-scatters in every
 *    micro-batch's backward (gradients are partitioned) and all-gathers
 *    once.  ZeRO-3 / FSDP: per micro-batch, all-gather each unit (a layer;
 *    buckets for models without layers) before its forward, again before
 *    its backward, reduce-scatter after it: 1.5x the DP volume, one unit of
 *    prefetch, simulated event by event.
 *  - Tensor parallel: 4 all-reduces of b*s*h*act_bytes per layer per
 *    micro-batch (2 forward, 2 backward; 6 with full recompute), inside the
 *    node, not overlapped (with sequence parallelism they become as many
 *    reduce-scatter + all-gather pairs: the same volume).
 *  - Pipeline (1F1B): bubble = (p-1) micro-batch slots, i.e. a fraction
 *    (p-1)/(m+p-1) of the pipeline; interleaved 1F1B with v model chunks
 *    per GPU divides it by v ((p-1)/(v*m) of the ideal time, Narayanan et
 *    al. 2021 section 2.2.2).  Activations b*s*h*act_bytes cross each stage
 *    boundary forward and back, 1/tp of them per GPU (Megatron's
 *    scatter/gather, section 4.1): 2(v*m+p-2) messages on the critical path.
 *
 *  - Expert parallelism (MoE, train_moe.c): EP divides the data-parallel
 *    ranks (Megatron-Core's order tp-ep-dp-pp: an EP group is ep adjacent
 *    data-parallel ranks, inside one node when ep x tp <= g).  Per MoE
 *    layer and micro-batch: dispatch + combine all-to-alls in the forward
 *    and their gradients in the backward (4; 6 with full recompute, which
 *    runs the forward's again), each of fs_moe_a2a_bytes over the EP group
 *    (the all-to-all model, calibrated by measured all-to-alls).  Exposed
 *    unless DualPipe hides them behind the compute (max(0, a2a - t_mb) per
 *    micro-batch).  Expert weights are split over EP (and TP, Megatron-Core's
 *    default expert TP = TP); their gradients are reduced over the
 *    expert-data-parallel group (dp / ep ranks), filling the data-parallel
 *    stream's idle time during backward, the rest exposed.
 *
 * step = m*t_mb + tp + bubble + p2p + exposed data-parallel communication
 * + exposed all-to-all;
 * efficiency = useful model FLOPs / (step x sustained), i.e. the compute
 * without its recompute share over the step (recompute is not useful work).
 * The data-parallel collectives carry the network model's calibration and
 * band (fs_coll_time_band_us): the step is also evaluated with every one of
 * them at the low and the high end of its band (step_lo_us / step_hi_us).
 *
 * Memory per GPU = model states (ZeRO paper) + activations of the first
 * pipeline stage (Korthikanti et al. 2022, arXiv:2205.05198, section 4):
 * per layer and micro-batch s*b*h*(34 + 5*a*s/h) bytes with 16-bit
 * activations; tensor parallel t without sequence parallelism
 * s*b*h*(10 + 24/t + 5*a*s/(h*t)), with it s*b*h/t*(34 + 5*a*s/h); flash
 * attention and selective recompute drop the 5*a*s/h score term; full
 * recompute keeps only each layer's input (2*s*b*h, /t with sequence
 * parallelism) plus one layer's working set.  The first 1F1B stage holds
 * min(p, m) micro-batches of its l/p layers (x (1 + (p-1)/(p*v)) when
 * interleaved); without a pipeline it also holds the output layer's
 * 4*s*b*(h + V)/t (fp32 logits).  Other element sizes scale it by
 * act_bytes/2.  Non-transformers: activations unknown (not counted).
 */
#ifndef FS_TRAIN_H
#define FS_TRAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "collective_model.h"
#include "diag.h"

/* Mixture of experts (experts > 0; all zero: a dense model).  Every MoE
 * layer routes each token to topk of `experts` FFN experts; the experts
 * are spread over the EP ranks (expert parallelism), so the tokens travel
 * by all-to-all: dispatch before the experts, combine after them, in the
 * forward and again (their gradients) in the backward. */
typedef struct fs_moe {
    int experts;          /* routed experts per MoE layer */
    int topk;             /* experts per token */
    double capacity;      /* capacity factor: expert buffers padded to capacity x the fair share
                             (GShard, Switch); 0: dropless (Megatron-Core's and DeepSeek's default) */
    int every;            /* a MoE layer every `every` layers (1 or 2; 0: 1) */
    int dense_layers;     /* leading dense layers before the first MoE one (DeepSeek-V3: 3) */
    double ffn;           /* an expert's FFN hidden size (0: unknown) */
    double active_params; /* parameters one token uses; 0: from ffn (a gated FFN, 3 h ffn per
                             expert, as Mixtral and DeepSeek-V3) */
    double imbalance;     /* max/mean tokens an EP rank receives (fs_skew_imbalance); <= 1:
                             balanced routing */
} fs_moe;

/* What throughput counts: transformers in tokens, others in samples. */
typedef enum fs_unit { FS_UNIT_SAMPLES, FS_UNIT_TOKENS } fs_unit;

typedef struct fs_workload {
    double params;      /* psi */
    double grad_bytes;  /* bytes per gradient element as reduced (and per parameter gathered) */
    double act_bytes;   /* bytes per activation element (TP / PP messages, activation memory) */
    double state_bytes; /* model-state bytes per parameter: 16 = mixed-precision Adam */
    double param_bytes; /* bytes per parameter as the model holds it (0: = grad_bytes) */
    /* Transformer architecture: all > 0, or all 0 for other models. */
    double hidden, layers, seq, vocab;
    double heads; /* attention heads (0 unknown: needs flash attention for memory) */
    /* Other models: forward multiply-accumulates per sample (0 unknown). */
    double fwd_macs;
    /* Training FLOPs per sample when known directly (0: from the above). */
    double flops_per_sample;
    fs_unit unit;
    fs_moe moe;
} fs_workload;

typedef enum fs_dp_mode { FS_DP_DDP, FS_DP_ZERO1, FS_DP_ZERO2, FS_DP_ZERO3 } fs_dp_mode;

/* Activation recomputation: none, full (every layer's forward again) or
 * selective (only the attention core, Korthikanti et al. 2022). */
typedef enum fs_recompute {
    FS_RECOMPUTE_NONE,
    FS_RECOMPUTE_FULL,
    FS_RECOMPUTE_SELECTIVE
} fs_recompute;

/* What hides the MoE all-to-alls: nothing (Megatron-Core's default: the
 * dispatch and combine sit between the router and the experts on the
 * critical path), or DeepSeek-V3's DualPipe (arXiv:2412.19437 section
 * 3.2.1: a forward and a backward chunk run together, each one's
 * all-to-all behind the other's compute). */
typedef enum fs_a2a_overlap { FS_A2A_OVERLAP_NONE, FS_A2A_OVERLAP_DUALPIPE } fs_a2a_overlap;

typedef struct fs_parallel {
    int tp, pp;
    int ep; /* expert parallel: EP ranks share one replica's experts; <= 1 none */
    fs_a2a_overlap a2a_overlap; /* what hides the all-to-alls */
    int interleave;             /* v: model chunks per GPU (interleaved 1F1B); <= 1: plain 1F1B */
    fs_dp_mode mode;
    int micro_batch;     /* b: samples per micro-batch per replica */
    int micro_batches;   /* m: per step (accumulation / pipeline); ignored with global_batch */
    double global_batch; /* > 0: fixed samples per step (m and b adapt); 0: m as given */
    double bucket_bytes; /* gradient bucket; <= 0: 25 MiB */
    bool no_overlap;     /* data-parallel communication after backward */
    fs_recompute recompute;
    bool seq_parallel; /* Megatron sequence parallelism (with tp > 1) */
    bool flash_attn;   /* attention scores not stored (FlashAttention) */
    bool fixed_algo;   /* data-parallel collectives use `algo`, else the fastest */
    fs_algo algo;
} fs_parallel;

typedef struct fs_cluster {
    int gpus_per_node;        /* g >= 1 */
    int nics_per_node;        /* >= 1 */
    fs_link nic;              /* one NIC, fitted or given */
    fs_link intra;            /* GPU to GPU inside a node, one direction; nseg 0: = nic */
    double gamma_us_per_byte; /* reduction cost; 0 ignores it */
    double mem_GB;            /* accelerator memory, 1e9 bytes; NAN unknown */
    /* the network's calibration from measured collectives (fs_model_build):
     * its efficiency terms and the band the step is also evaluated at */
    fs_coll_calib calib[FS_ALGO_COUNT];
} fs_cluster;

typedef struct fs_train_in {
    fs_workload w;
    fs_parallel par;
    fs_cluster cl;
    double mb_compute_us; /* > 0: compute of one micro-batch, given */
    double tflops;        /* else FLOPs / this sustained TFLOP/s per GPU */
    double peak_tflops;   /* the precision's dense peak (MFU); 0 unknown */
    double overhead;      /* framework overhead: expected = efficiency x (1 - overhead) */
} fs_train_in;

typedef enum fs_limit {
    FS_LIMIT_COMPUTE,
    FS_LIMIT_DP, /* exposed data-parallel / ZeRO communication */
    FS_LIMIT_TP,
    FS_LIMIT_BUBBLE,
    FS_LIMIT_P2P,
    FS_LIMIT_A2A /* exposed MoE all-to-all (expert parallelism) */
} fs_limit;

typedef struct fs_step {
    int gpus, nodes, dp, micro_batch, micro_batches;
    double global_batch;  /* samples per step */
    double mb_compute_us; /* one micro-batch */
    double compute_us;    /* m * t_mb (recompute included) */
    double useful_us;     /* of which useful (without recompute) */
    double dp_comm_us;    /* data-parallel communication per step, serialised */
    double dp_exposed_us; /* of which not hidden behind backward */
    double tp_us, bubble_us, p2p_us;
    double a2a_us;         /* MoE all-to-all per step, serialised (0 for dense models) */
    double a2a_exposed_us; /* of which not hidden (the step carries this) */
    double a2a_bytes;      /* one all-to-all's send buffer per GPU */
    int ep;                /* expert-parallel degree used */
    bool a2a_intra;        /* the EP group stays inside a node */
    double step_us, step_lo_us, step_hi_us; /* lo / hi: collectives at their band's ends */
    double efficiency, eff_lo, eff_hi;      /* useful / step */
    double expected_eff;                    /* efficiency x (1 - framework overhead) */
    double throughput;                      /* tokens or samples per second */
    double tflops_per_gpu;                  /* useful model TFLOP/s per GPU; NAN unknown */
    double hw_tflops_per_gpu;               /* with recompute: Megatron's published count */
    double mfu;                             /* tflops_per_gpu / peak; NAN unknown */
    double state_GB;                        /* model states per GPU */
    double act_GB;                          /* activations per GPU; NAN unknown */
    double mem_GB;                          /* states + known activations */
    bool fits;                              /* mem_GB <= memory (true when memory unknown) */
    fs_limit limit;
} fs_step;

const char *fs_limit_name(fs_limit l);
const char *fs_recompute_name(fs_recompute r);

/* Training FLOPs of one sample: Megatron's 72 (96 with full recompute)
 * s l h^2 (1 + s/(6h) + V/(12 l h)) (V/(16 l h) with recompute) for
 * transformers, plus 4 s^2 h l for selective recompute (the attention
 * core's forward again); 6 (8) x forward MACs otherwise.  NAN when unknown. */
double fs_train_flops_per_sample(const fs_workload *w, fs_recompute r);
/* Units (tokens or samples) in one sample. */
double fs_train_units_per_sample(const fs_workload *w);
/* Model-state bytes per GPU (ZeRO paper accounting) for psi_local params. */
double fs_train_state_bytes(const fs_workload *w, fs_dp_mode mode, double psi_local, int dp);
/* Activation bytes per GPU at its peak (see above) with micro-batches of b
 * samples, m per step; NAN for non-transformers. */
double fs_train_activation_bytes(const fs_workload *w, const fs_parallel *p, int b, int m);

/* MoE arithmetic (train_moe.c).  MoE layers: (layers - dense_layers) /
 * every, rounded down; 0 for a dense model. */
int fs_moe_layers(const fs_workload *w);
/* Parameters of all routed experts of all MoE layers: (params - active)
 * x E / (E - k) when the active count is known (total = dense + E X_1,
 * active = dense + k X_1), else moe_layers x E x 3 h ffn; NAN unknown. */
double fs_moe_expert_params(const fs_workload *w);
/* Parameters one token uses: active_params, else params - (E - k) / E x
 * the experts' parameters; params for a dense model. */
double fs_moe_active_params(const fs_workload *w);
/* One all-to-all's send buffer per GPU for a micro-batch of b samples:
 * b s / tp tokens (sequence parallel: each TP rank routes its share) x
 * topk x hidden x act_bytes x (capacity factor when padded to capacity,
 * else the routing imbalance: the busiest rank gates the exchange). */
double fs_moe_a2a_bytes(const fs_workload *w, const fs_parallel *p, int b);

/* Is this configuration possible at `gpus`?  0 or FS_EXIT_INPUT with one
 * line naming the option at fault. */
int fs_train_check(const fs_train_in *in, int gpus, fs_err *err);
/* The step at `gpus` (runs fs_train_check first). */
int fs_train_step(const fs_train_in *in, int gpus, fs_step *out, fs_err *err);

/* The first single change (sequence parallelism, flash attention,
 * selective / full recompute, a higher ZeRO stage, twice the TP or PP,
 * micro-batch 1) that makes the layout fit at `gpus`, as the option that
 * gives it ("--recompute=selective"); "" when none does. */
const char *fs_train_fit_hint(const fs_train_in *in, int gpus, char *buf, size_t len);

/* Exposed communication of k equal buckets of duration t (the last one tr)
 * launched as backward of length t_bwd produces them: the first k-1 ready
 * at i * t_bwd * bucket / total, the last at t_bwd.  Returns end - t_bwd. */
double fs_bucket_exposed_us(int k, double t, double tr, double t_bwd, double frac_per_bucket);

/* FSDP / ZeRO-3 micro-batch: k units, forward and backward compute per
 * unit cf and cb, all-gather ag and reduce-scatter rs per unit; one unit
 * of prefetch on a single communication stream.  Returns the micro-batch
 * time (compute + what the communication adds). */
double fs_fsdp_microbatch_us(int k, double cf, double cb, double ag, double rs);

#endif
