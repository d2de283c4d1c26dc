/*
 * test_train_model.c - the training-step model against hand-computed
 * cases (see analysis/train/train.h for the model).
 *
 * Most cases use one GPU per node, one NIC, alpha = 0 and B = 1 GB/s
 * (1000 bytes/us), so a ring all-reduce of n bytes over p ranks takes
 * 2(p-1)/p * n / 1000 us and reduce-scatter / all-gather half that;
 * ring and Rabenseifner tie and beat rd and tree, so "auto" gives these.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "train.h"

#define EPS 1e-9

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1, fabs(want))) fail_msg("got %.12g, want %.12g", got, want);
}

/* 4 GPUs, 1 per node; 1e6 parameters of 4 bytes = 4e6 bytes of gradient
 * in 1e6-byte buckets: k = 4, last bucket 1e6; 30 ms of compute (backward
 * 20 ms). */
static fs_train_in base(double gbps)
{
    fs_train_in in;
    memset(&in, 0, sizeof in);
    in.w.params = 1e6;
    in.w.grad_bytes = 4;
    in.w.act_bytes = 2;
    in.w.state_bytes = 16;
    in.w.unit = FS_UNIT_SAMPLES;
    in.par.tp = in.par.pp = 1;
    in.par.micro_batch = 8;
    in.par.micro_batches = 1;
    in.par.bucket_bytes = 1e6;
    in.cl.gpus_per_node = 1;
    in.cl.nics_per_node = 1;
    in.cl.nic = fs_link_hockney(0, gbps);
    in.cl.mem_GB = NAN;
    in.mb_compute_us = 30000;
    return in;
}

/* Each 1e6-byte all-reduce at 1 GB/s over 4 ranks takes 1500 us; buckets are
 * ready every 5000 us of the 20000 us backward, so all but the last hide:
 * exposed = the last bucket's 1500 us. */
static void dp_hidden(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    assert_int_equal(s.dp, 4);
    near(s.compute_us, 30000);
    near(s.dp_comm_us, 6000);
    near(s.dp_exposed_us, 1500);
    near(s.step_us, 31500);
    near(s.efficiency, 30000.0 / 31500.0);
    near(s.throughput, 4 * 8 / 31500e-6);
    assert_int_equal(s.limit, FS_LIMIT_DP);
    near(s.state_GB, 1e6 * 16 / 1e9);
}

/* At 0.1 GB/s each bucket takes 15000 us > the 5000 us between buckets:
 * the stream runs 5000..65000, exposed = 65000 - 20000 = 45000 us. */
static void dp_exposed(void **state)
{
    (void)state;
    fs_train_in in = base(0.1);
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.dp_comm_us, 60000);
    near(s.dp_exposed_us, 45000);
    near(s.step_us, 75000);
    near(s.efficiency, 0.4);
    in.par.no_overlap = true;
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.dp_exposed_us, 60000);
    /* the closed form itself, against the same event sequence */
    near(fs_bucket_exposed_us(4, 15000, 15000, 20000, 0.25), 45000);
    near(fs_bucket_exposed_us(1, 700, 700, 20000, 1), 700);
}

/* ZeRO-3 / FSDP: per micro-batch AG + AG + RS of the 4 units of 1e6 bytes:
 * 4 * (750 + 750 + 750) = 9000 us = 1.5 x the 6000 us of DDP.  Exposed: the
 * first forward gather, the first backward gather and the last
 * reduce-scatter, 3 x 750 us (worked event by event in the comment below). */
static void zero3_volume(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    fs_step ddp, z3, z1;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &ddp, &e), 0);
    in.par.mode = FS_DP_ZERO3;
    assert_int_equal(fs_train_step(&in, 4, &z3, &e), 0);
    near(z3.dp_comm_us, 9000);
    near(z3.dp_comm_us / ddp.dp_comm_us, 1.5);
    /* forward 10000 us in units of 2500, backward units of 5000: gathers of
     * 750 us keep ahead except the first of each pass; the last RS ends at
     * 31500 + 750 = 32250 */
    near(z3.dp_exposed_us, 2250);
    near(fs_fsdp_microbatch_us(4, 2500, 5000, 750, 750), 32250);
    near(z3.state_GB, 1e6 * 16 / 4 / 1e9);
    /* repeated per micro-batch under accumulation */
    in.par.micro_batches = 3;
    assert_int_equal(fs_train_step(&in, 4, &z3, &e), 0);
    near(z3.dp_comm_us, 3 * 9000);
    near(z3.dp_exposed_us, 3 * 2250);
    /* ZeRO-1: RS + AG = the DDP volume, once per step */
    in.par.mode = FS_DP_ZERO1;
    assert_int_equal(fs_train_step(&in, 4, &z1, &e), 0);
    near(z1.dp_comm_us, 6000);
    /* RS buckets (750 us) hide but the last; the AG of 4e6 bytes (3000 us) is after the step */
    near(z1.dp_exposed_us, 750 + 3000);
    /* ZeRO-2 reduce-scatters in every micro-batch */
    in.par.mode = FS_DP_ZERO2;
    assert_int_equal(fs_train_step(&in, 4, &z1, &e), 0);
    near(z1.dp_comm_us, 3 * 3000 + 3000);
    near(z1.dp_exposed_us, 3 * 750 + 3000);
}

static fs_train_in transformer(void)
{
    fs_train_in in = base(1.0);
    in.w.params = 1e8;
    in.w.hidden = 1024;
    in.w.layers = 8;
    in.w.seq = 128;
    in.w.vocab = 1000;
    in.w.heads = 16;
    in.w.unit = FS_UNIT_TOKENS;
    in.par.micro_batch = 1;
    in.mb_compute_us = 1000;
    return in;
}

/* Pipeline of p = 4 stages, m = 12 micro-batches of 1 ms: bubble = 3 ms =
 * (p-1)/(m+p-1) = 3/15 of the 15 ms pipeline; activations of 1 x 128 x 1024
 * x 2 bytes (262.144 us at 1 GB/s) cross 2(m+p-2) = 28 times. */
static void pipeline_bubble(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.par.pp = 4;
    in.par.micro_batches = 12;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    assert_int_equal(s.dp, 1);
    near(s.compute_us, 12000);
    near(s.bubble_us, 3000);
    near(s.bubble_us / (s.compute_us + s.bubble_us), 3.0 / 15.0);
    near(s.p2p_us, 28 * 262.144);
    near(s.dp_comm_us, 0);
    near(s.step_us, 12000 + 3000 + 28 * 262.144);
    assert_int_equal(s.limit, FS_LIMIT_P2P);
    near(s.throughput, 12 * 128 / (s.step_us * 1e-6));
}

/* Tensor parallel 2 inside a 2-GPU node at 100 GB/s: 4 all-reduces per layer
 * of 262144 bytes, each n/B = 2.62144 us (ring over 2: 2 x 1/2 x n / B). */
static void tensor_parallel(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.par.tp = 2;
    in.cl.gpus_per_node = 2;
    in.cl.intra = fs_link_hockney(0, 100);
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 2, &s, &e), 0);
    near(s.tp_us, 4 * 8 * 2.62144);
    in.par.recompute = true; /* two more in the recomputed forward */
    assert_int_equal(fs_train_step(&in, 2, &s, &e), 0);
    near(s.tp_us, 6 * 8 * 2.62144);
}

/* A sweep of GPU counts at a fixed per-GPU batch: efficiency never rises
 * with the count, and lowering the network bandwidth lowers it and makes it
 * fall at every step past one node. */
static void sweep_monotonic(void **state)
{
    (void)state;
    fs_train_in in = base(12.5);
    in.w.params = 25.6e6;
    in.mb_compute_us = 50000;
    in.par.bucket_bytes = 0; /* 25 MiB */
    in.cl.gpus_per_node = 8;
    in.cl.nics_per_node = 4;
    in.cl.nic = fs_link_hockney(20, 12.5);
    in.cl.intra = fs_link_hockney(2, 300);
    double prev_hi = 2, prev_lo = 2;
    for (int g = 8; g <= 65536; g *= 2) {
        fs_step hi, lo;
        fs_err e = {0};
        fs_train_in slow = in;
        slow.cl.nic = fs_link_hockney(20, 1.25);
        assert_int_equal(fs_train_step(&in, g, &hi, &e), 0);
        assert_int_equal(fs_train_step(&slow, g, &lo, &e), 0);
        assert_true(hi.efficiency <= prev_hi + EPS);
        assert_true(lo.efficiency <= prev_lo + EPS);
        assert_true(lo.efficiency <= hi.efficiency + EPS);
        if (g > 8) {
            assert_true(lo.efficiency < prev_lo);
            assert_true(lo.efficiency < hi.efficiency);
        }
        prev_hi = hi.efficiency;
        prev_lo = lo.efficiency;
    }
    assert_true(prev_lo < 0.9 * prev_hi);
}

/* Megatron's formula (Narayanan et al. 2021, eq. 3) for GPT-3 175B, per
 * sequence: 96 s l h^2 (1 + s/6h + V/16lh) with recompute, 72 ... V/12lh
 * without; 6 x MACs for a CNN. */
static void flops(void **state)
{
    (void)state;
    fs_workload w = {0};
    w.params = 175e9;
    w.hidden = 12288;
    w.layers = 96;
    w.seq = 2048;
    w.vocab = 51200;
    double s = 2048, l = 96, h = 12288, v = 51200;
    near(fs_train_flops_per_sample(&w, true),
         96 * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h)));
    near(fs_train_flops_per_sample(&w, false),
         72 * s * l * h * h * (1 + s / (6 * h) + v / (12 * l * h)));
    /* ~ 6 x params per token without recompute */
    assert_true(fabs(fs_train_flops_per_sample(&w, false) / s / (6 * w.params) - 1) < 0.04);
    fs_workload c = {0};
    c.fwd_macs = 4.09e9;
    near(fs_train_flops_per_sample(&c, false), 6 * 4.09e9);
    c.flops_per_sample = 1e10;
    near(fs_train_flops_per_sample(&c, false), 1e10);
    fs_workload none = {0};
    assert_true(isnan(fs_train_flops_per_sample(&none, false)));
}

/* ZeRO paper accounting, psi = 1e9, 2-byte gradients, K = 12, dp = 4. */
static void state_bytes(void **state)
{
    (void)state;
    fs_workload w = {0};
    w.grad_bytes = 2;
    w.state_bytes = 16;
    near(fs_train_state_bytes(&w, FS_DP_DDP, 1e9, 4), 16e9);
    near(fs_train_state_bytes(&w, FS_DP_ZERO1, 1e9, 4), 4e9 + 12e9 / 4);
    near(fs_train_state_bytes(&w, FS_DP_ZERO2, 1e9, 4), 2e9 + 14e9 / 4);
    near(fs_train_state_bytes(&w, FS_DP_ZERO3, 1e9, 4), 16e9 / 4);
}

static void expect_bad(fs_train_in *in, int gpus, const char *frag)
{
    fs_err e = {0};
    fs_step s;
    assert_int_equal(fs_train_step(in, gpus, &s, &e), FS_EXIT_INPUT);
    if (!strstr(e.msg, frag)) fail_msg("message \"%s\" lacks \"%s\"", e.msg, frag);
    assert_null(strchr(e.msg, '\n'));
}

static void expect_bad_msg(fs_train_in *in, int gpus, const char *frag)
{
    expect_bad(in, gpus, frag);
}

static void bad_layouts(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.cl.gpus_per_node = 8;
    in.cl.intra = fs_link_hockney(0, 100);
    in.par.tp = 16;
    expect_bad(&in, 64, "--tp 16 is larger than the 8 GPUs per node");
    in.par.tp = 3;
    expect_bad(&in, 48, "--tp 3 does not divide the 8 GPUs per node");
    in.par.tp = 8;
    in.par.pp = 2;
    expect_bad(&in, 24, "--gpus 24 is not divisible by TP x PP = 8 x 2 = 16");
    in.par.mode = FS_DP_ZERO3;
    expect_bad(&in, 32, "--zero 3 (FSDP) with --pp 2");
    in.par.mode = FS_DP_DDP;
    in.par.pp = 16;
    expect_bad(&in, 128, "--pp 16 is more than the workload's 8 layers");
    in.par.pp = 1;
    in.par.global_batch = 100;
    expect_bad(&in, 64, "--global-batch 100 is not a multiple of data-parallel 8 (at 64 GPUs)");
    in.par.global_batch = 0;
    expect_bad(&in, 0, "--gpus: 0 is not a GPU count");
    fs_train_in cnn = base(1);
    cnn.par.tp = 2;
    cnn.cl.gpus_per_node = 2;
    expect_bad(&cnn, 4, "--tp/--pp need a transformer workload");
    cnn = base(1);
    cnn.w.params = -1;
    expect_bad(&cnn, 4, "parameter count must be > 0");
    cnn = base(1);
    cnn.mb_compute_us = 0;
    expect_bad(&cnn, 4, "the workload has no FLOPs count");
    cnn.w.fwd_macs = 1e9;
    expect_bad(&cnn, 4, "no compute speed");
    cnn.tflops = 100; /* 6e9 FLOPs x 8 samples / 1e14 = 480 us */
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&cnn, 4, &s, &e), 0);
    near(s.mb_compute_us, 480);
}

/* With global batch fixed, micro-batches per step shrink as GPUs grow. */
static void strong_scaling(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    in.par.micro_batch = 2;
    in.par.global_batch = 64;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    assert_int_equal(s.micro_batches, 8);
    near(s.global_batch, 64);
    near(s.compute_us, 8 * 30000);
    assert_int_equal(fs_train_step(&in, 32, &s, &e), 0);
    assert_int_equal(s.micro_batches, 1);
}

/* Memory: states larger than the accelerator are flagged. */
static void memory_fit(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    in.w.params = 1e9;
    in.par.bucket_bytes = 0;
    in.cl.mem_GB = 10;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.state_GB, 16);
    assert_false(s.fits);
    in.par.mode = FS_DP_ZERO3;
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.state_GB, 4);
    assert_true(s.fits);
}

/* Llama-2-70B's shapes (s 4096, h 8192, a 64, l 80, V 32000) at b = 1, TP 8:
 * Korthikanti et al. 2022's per-layer s b h (34 + 5 a s / h), worked by hand
 * (s b h = 33554432 bytes at 2 bytes per element, halved in the formula). */
static fs_workload llama70(void)
{
    fs_workload w = {0};
    w.params = 70e9;
    w.hidden = 8192;
    w.layers = 80;
    w.heads = 64;
    w.seq = 4096;
    w.vocab = 32000;
    w.act_bytes = 2;
    return w;
}

static void activation_memory(void **state)
{
    (void)state;
    fs_workload w = llama70();
    fs_parallel p = {0};
    p.tp = 8;
    p.pp = 1;
    p.seq_parallel = true;
    p.flash_attn = true;
    /* SP + flash: 34 s b h / 8 = 142606336 per layer x 80, plus the output
     * layer 4 s b (h + V) / 8 = 82313216 */
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 142606336.0 + 82313216);
    /* neither: s b h (10 + (24 + 5 a s / h) / t) = 33 s b h per layer: the 89 GB */
    p.seq_parallel = p.flash_attn = false;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 88666013696.0);
    /* flash attention alone drops the score term: 13 s b h per layer */
    p.flash_attn = true;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 13 * 33554432.0 + 82313216);
    /* selective recompute drops it too */
    p.flash_attn = false;
    p.recompute = FS_RECOMPUTE_SELECTIVE;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 13 * 33554432.0 + 82313216);
    /* full recompute with SP: each layer's input 2 s b h / 8, plus one layer's working set */
    p.recompute = FS_RECOMPUTE_FULL;
    p.seq_parallel = p.flash_attn = true;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 8388608.0 + 142606336 + 82313216);
    /* 1F1B, 4 stages: the first holds min(p, m) = 4 micro-batches of its 20 layers, no output
     * layer; interleaved with 2 chunks x (1 + 3/8); fewer micro-batches than stages: m of them */
    p.recompute = FS_RECOMPUTE_NONE;
    p.pp = 4;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 142606336.0);
    p.interleave = 2;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 80 * 142606336.0 * 1.375);
    p.interleave = 1;
    near(fs_train_activation_bytes(&w, &p, 1, 2), 40 * 142606336.0);
    /* micro-batch 2 doubles it, fp32 activations double it */
    near(fs_train_activation_bytes(&w, &p, 2, 16), 2 * 80 * 142606336.0);
    w.act_bytes = 4;
    near(fs_train_activation_bytes(&w, &p, 1, 16), 2 * 80 * 142606336.0);
    /* not a transformer: unknown */
    fs_workload cnn = {0};
    cnn.fwd_macs = 4e9;
    assert_true(isnan(fs_train_activation_bytes(&cnn, &p, 32, 1)));
}

/* The fit check counts activations, and names the option that makes it fit. */
static void activation_fit(void **state)
{
    (void)state;
    fs_train_in in = base(12.5);
    in.w = llama70();
    in.w.params = 1e9; /* states: 1e9 / 8 x 16 = 2 GB */
    in.w.grad_bytes = 2;
    in.w.state_bytes = 16;
    in.w.unit = FS_UNIT_TOKENS;
    in.par.tp = 8;
    in.par.micro_batch = 1;
    in.par.flash_attn = true;
    in.cl.gpus_per_node = 8;
    in.cl.intra = fs_link_hockney(0, 450);
    in.cl.mem_GB = 20;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 8, &s, &e), 0);
    near(s.state_GB, 2);
    near(s.act_GB, (80 * 13 * 33554432.0 + 82313216) / 1e9); /* 34.98 GB */
    near(s.mem_GB, s.state_GB + s.act_GB);
    assert_false(s.fits);
    char hint[64];
    assert_string_equal(fs_train_fit_hint(&in, 8, hint, sizeof hint), "--seq-parallel");
    in.par.seq_parallel = true;
    assert_int_equal(fs_train_step(&in, 8, &s, &e), 0);
    assert_true(s.fits);
    /* 3 GB: states 2 + the layer inputs of full recompute (0.9 GB) */
    in.cl.mem_GB = 3;
    assert_string_equal(fs_train_fit_hint(&in, 8, hint, sizeof hint), "--recompute");
    /* nothing helps 1 GB */
    in.cl.mem_GB = 1;
    assert_string_equal(fs_train_fit_hint(&in, 8, hint, sizeof hint), "");
}

/* Efficiency counts useful model FLOPs only: recompute lowers it (Megatron's
 * 96 vs 72 s l h^2 (1 + s/6h) plus 6 s h V: 79706456064 useful of
 * 106013130752 FLOPs per sample for the transformer() shapes); MFU and
 * TFLOP/s per GPU follow from the useful FLOPs. */
static void efficiency_definition(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.mb_compute_us = 0;
    in.tflops = 100;
    in.peak_tflops = 200;
    fs_step s;
    fs_err e = {0};
    near(fs_train_flops_per_sample(&in.w, FS_RECOMPUTE_NONE), 79706456064.0);
    near(fs_train_flops_per_sample(&in.w, FS_RECOMPUTE_FULL), 106013130752.0);
    near(fs_train_flops_per_sample(&in.w, FS_RECOMPUTE_SELECTIVE), 80243326976.0);
    assert_int_equal(fs_train_step(&in, 1, &s, &e), 0); /* one GPU: no communication */
    near(s.efficiency, 1);
    near(s.tflops_per_gpu, 100);
    near(s.mfu, 0.5);
    in.par.recompute = FS_RECOMPUTE_FULL;
    assert_int_equal(fs_train_step(&in, 1, &s, &e), 0);
    near(s.compute_us, 106013130752.0 / 100e12 * 1e6);
    near(s.efficiency, 79706456064.0 / 106013130752.0);
    near(s.tflops_per_gpu, 100 * 79706456064.0 / 106013130752.0);
    near(s.hw_tflops_per_gpu, 100); /* recompute counted: the sustained rate */
    near(s.mfu, s.tflops_per_gpu / 200);
    /* the framework overhead scales the expected efficiency */
    in.overhead = 0.1;
    assert_int_equal(fs_train_step(&in, 1, &s, &e), 0);
    near(s.expected_eff, 0.9 * s.efficiency);
    /* FLOPs given per sample: full recompute adds one forward */
    fs_workload w = {0};
    w.flops_per_sample = 3e9;
    near(fs_train_flops_per_sample(&w, FS_RECOMPUTE_FULL), 4e9);
}

/* Interleaved 1F1B (Narayanan et al. 2021): v chunks divide the bubble by v,
 * (p-1)/(v m) of the ideal time, and multiply the boundary crossings:
 * 2(v m + p - 2) messages. */
static void interleaved_bubble(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.par.pp = 4;
    in.par.micro_batches = 12;
    in.par.interleave = 2;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.bubble_us, 1500);
    near(s.bubble_us / s.compute_us, 3.0 / (2 * 12));
    near(s.p2p_us, 2 * (2 * 12 + 4 - 2) * 262.144);
    in.par.micro_batches = 10; /* not a multiple of p */
    expect_bad_msg(&in, 4, "--interleave 2: 10 micro-batches per step is not a multiple of --pp 4");
    in.par.micro_batches = 12;
    in.par.interleave = 3; /* 8 layers in 4 x 3 chunks */
    expect_bad_msg(&in, 4, "--interleave 3: 8 layers do not split into 4 x 3 chunks");
}

/* The collectives' band carries into the step: every data-parallel
 * collective at 0.8x and 1.5x of its time.  No overlap: the 60000 us of
 * all-reduce becomes 48000 and 90000. */
static void band_propagation(void **state)
{
    (void)state;
    fs_train_in in = base(0.1);
    in.par.no_overlap = true;
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        in.cl.calib[a].rel_lo = 0.8;
        in.cl.calib[a].rel_hi = 1.5;
    }
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.step_us, 90000);
    near(s.step_lo_us, 30000 + 48000);
    near(s.step_hi_us, 30000 + 90000);
    near(s.efficiency, 30000.0 / 90000);
    near(s.eff_lo, 30000.0 / 120000);
    near(s.eff_hi, 30000.0 / 78000);
    /* one GPU: nothing to carry */
    assert_int_equal(fs_train_step(&in, 1, &s, &e), 0);
    near(s.step_lo_us, s.step_hi_us);
}

/* --global-batch with a list of GPU counts: the micro-batch shrinks to the
 * largest divisor of B/dp not above the given one, accumulation takes the rest. */
static void global_batch_adapts(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    in.par.global_batch = 24; /* micro-batch 8 given */
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 1, &s, &e), 0);
    assert_true(s.micro_batch == 8 && s.micro_batches == 3);
    assert_int_equal(fs_train_step(&in, 2, &s, &e), 0);
    assert_true(s.micro_batch == 6 && s.micro_batches == 2); /* 12 per replica */
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    assert_true(s.micro_batch == 6 && s.micro_batches == 1);
    near(s.mb_compute_us, 30000 * 6 / 8.0); /* a given compute time scales with the samples */
    near(s.global_batch, 24);
    expect_bad_msg(&in, 16, "--global-batch 24 is not a multiple of data-parallel 16 (at 16 GPUs)");
}

/* The last DDP bucket holds the embedding table: V h = 1000 x 1024 elements
 * x 4 bytes = 4.096e6 bytes of the 4e8-byte gradient (1e8 parameters), the
 * rest in ceil(395904000 / 1e6) = 396 equal buckets before it. */
static void embedding_bucket(void **state)
{
    (void)state;
    fs_train_in in = transformer();
    in.w.grad_bytes = 4;
    in.par.no_overlap = true; /* every bucket in sequence: the sum of their all-reduces */
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    /* ring over 4 at 1 GB/s: 1.5 x bytes / 1000 us, whatever the split */
    near(s.dp_comm_us, 1.5 * 4e8 / 1000);
    /* overlapped: only the embedding bucket's 1.5 x 4.096e6 / 1000 us stays exposed when the
     * backward (2/3 of 1 ms) cannot hide the others: the stream runs to the end */
    in.par.no_overlap = false;
    in.mb_compute_us = 1e6; /* a long backward hides all but the last */
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.dp_exposed_us, 1.5 * 4.096e6 / 1000);
}

/* --algorithm: a fixed algorithm for the data-parallel collectives; one
 * that cannot run the group is an error naming it. */
static void fixed_algorithm(void **state)
{
    (void)state;
    fs_train_in in = base(1.0);
    in.par.fixed_algo = true;
    in.par.algo = FS_ALGO_TREE;
    fs_step t, a;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &t, &e), 0);
    in.par.fixed_algo = false;
    assert_int_equal(fs_train_step(&in, 4, &a, &e), 0);
    assert_true(t.dp_comm_us > a.dp_comm_us); /* binomial tree: 2 lg p n beta > ring */
    in.par.fixed_algo = true;
    in.par.algo = FS_ALGO_HIER;
    expect_bad_msg(&in, 4, "--algorithm hier cannot run the data-parallel group of 4 ranks");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dp_hidden),
        cmocka_unit_test(dp_exposed),
        cmocka_unit_test(zero3_volume),
        cmocka_unit_test(pipeline_bubble),
        cmocka_unit_test(tensor_parallel),
        cmocka_unit_test(sweep_monotonic),
        cmocka_unit_test(flops),
        cmocka_unit_test(state_bytes),
        cmocka_unit_test(bad_layouts),
        cmocka_unit_test(strong_scaling),
        cmocka_unit_test(memory_fit),
        cmocka_unit_test(activation_memory),
        cmocka_unit_test(activation_fit),
        cmocka_unit_test(efficiency_definition),
        cmocka_unit_test(interleaved_bubble),
        cmocka_unit_test(band_propagation),
        cmocka_unit_test(global_batch_adapts),
        cmocka_unit_test(fixed_algorithm),
        cmocka_unit_test(embedding_bucket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
