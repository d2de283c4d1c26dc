/*
 * test_train_moe.c - expert parallelism in the training-step model against
 * hand-computed cases (analysis/train/train.h, train_moe.c).
 *
 * A transformer of 1e8 parameters (h 1024, 8 layers, s 128, V 1000) made a
 * MoE of 4 experts, top-2, 6e7 active: the experts hold (1e8 - 6e7) x 4 / 2
 * = 8e7 parameters, the rest 2e7.  Nodes of 4 GPUs with NVLink at 100 GB/s
 * (alpha 0) and one NIC of 1 GB/s (alpha 0), so a GPU's NIC share is 0.25
 * GB/s.  One micro-batch of one sequence takes 1 ms.  An all-to-all moves
 * 1 x 128 tokens x 2 (top-k) x 1024 x 2 bytes = 524288 bytes per GPU.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "train.h"

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1, fabs(want))) fail_msg("got %.12g, want %.12g", got, want);
}

static fs_train_in moe(int ep)
{
    fs_train_in in;
    memset(&in, 0, sizeof in);
    in.w.params = 1e8;
    in.w.grad_bytes = 4;
    in.w.act_bytes = 2;
    in.w.state_bytes = 16;
    in.w.hidden = 1024;
    in.w.layers = 8;
    in.w.seq = 128;
    in.w.vocab = 1000;
    in.w.heads = 16;
    in.w.unit = FS_UNIT_TOKENS;
    in.w.moe = (fs_moe){.experts = 4, .topk = 2, .active_params = 6e7};
    in.par.tp = in.par.pp = 1;
    in.par.ep = ep;
    in.par.micro_batch = 1;
    in.par.micro_batches = 1;
    in.par.bucket_bytes = 1e6;
    in.cl.gpus_per_node = 4;
    in.cl.nics_per_node = 1;
    in.cl.nic = fs_link_hockney(0, 1);
    in.cl.intra = fs_link_hockney(0, 100);
    in.cl.mem_GB = NAN;
    in.mb_compute_us = 1000;
    return in;
}

static void arithmetic(void **state)
{
    (void)state;
    fs_train_in in = moe(4);
    near(fs_moe_expert_params(&in.w), 8e7);
    near(fs_moe_active_params(&in.w), 6e7);
    assert_int_equal(fs_moe_layers(&in.w), 8);
    near(fs_moe_a2a_bytes(&in.w, &in.par, 1), 524288);
    /* every other layer, after 2 dense ones: (8 - 2) / 2 = 3 */
    in.w.moe.every = 2;
    in.w.moe.dense_layers = 2;
    assert_int_equal(fs_moe_layers(&in.w), 3);
    /* from the FFN size instead: 3 MoE layers x 4 experts x 3 h F */
    in.w.moe.active_params = 0;
    in.w.moe.ffn = 2048;
    near(fs_moe_expert_params(&in.w), 3 * 4 * 3 * 1024.0 * 2048);
    near(fs_moe_active_params(&in.w), 1e8 - 3 * 2 * 3 * 1024.0 * 2048);
    /* TP 2 halves the tokens each rank routes; capacity pads to 1.25x;
     * dropless carries the routing imbalance */
    in.par.tp = 2;
    in.w.moe.capacity = 1.25;
    near(fs_moe_a2a_bytes(&in.w, &in.par, 1), 524288 / 2 * 1.25);
    in.w.moe.capacity = 0;
    in.w.moe.imbalance = 1.6;
    near(fs_moe_a2a_bytes(&in.w, &in.par, 4), 4 * 524288 / 2 * 1.6);
    /* training FLOPs from the active parameters: 3 passes x (2 s (A - V h)
     * + 4 s^2 h l) per sequence */
    fs_train_in t = moe(4);
    near(fs_train_flops_per_sample(&t.w, FS_RECOMPUTE_NONE),
         3 * (2.0 * 128 * (6e7 - 1000 * 1024.0) + 4.0 * 128 * 128 * 1024 * 8));
}

/* EP 4 inside a 4-GPU node at 4 GPUs: an all-to-all is 3 NVLink rounds of
 * 524288 / 4 bytes at 100 GB/s = 3 x 1.31072 us; 4 per MoE layer x 8
 * layers per micro-batch. */
static void a2a_inside_node(void **state)
{
    (void)state;
    fs_train_in in = moe(4);
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    double t = 3 * 1.31072;
    assert_true(s.a2a_intra);
    assert_int_equal(s.ep, 4);
    near(s.a2a_bytes, 524288);
    near(s.a2a_us, 32 * t);
    near(s.a2a_exposed_us, 32 * t);
    near(s.step_us, 1000 + s.dp_exposed_us + 32 * t);
    /* model states: 2e7 replicated + 8e7 / 4 per GPU, 16 bytes each */
    near(s.state_GB, (2e7 + 2e7) * 16 / 1e9);
    /* full recompute runs the forward's two again: 6 per layer */
    in.par.recompute = FS_RECOMPUTE_FULL;
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.a2a_us, 48 * t);
    /* DualPipe hides them behind the 1 ms of compute */
    in.par.recompute = FS_RECOMPUTE_NONE;
    in.par.a2a_overlap = FS_A2A_OVERLAP_DUALPIPE;
    assert_int_equal(fs_train_step(&in, 4, &s, &e), 0);
    near(s.a2a_us, 32 * t);
    near(s.a2a_exposed_us, 0);
}

/* EP 8 over two nodes of 4 (8 experts, a small replicated part): 3 local
 * rounds of 65536 bytes at 100 GB/s and 4 remote ones at the GPU's 0.25
 * GB/s NIC share: 1.96608 + 1048.576 us, 32 times a step; the all-to-all
 * limits the step. */
static void a2a_across_nodes(void **state)
{
    (void)state;
    fs_train_in in = moe(4);
    in.w.moe.experts = 8;
    /* experts hold (8.1e7 - 2.1e7) x 8 / 6 = 8e7, the rest 1e6 */
    in.w.params = 8.1e7;
    in.w.moe.active_params = 2.1e7;
    in.par.ep = 8;
    fs_step s;
    fs_err e = {0};
    assert_int_equal(fs_train_step(&in, 8, &s, &e), 0);
    double t = 3 * 65536 / 100e3 + 4 * 65536 / 250.0;
    assert_false(s.a2a_intra);
    near(s.a2a_us, 32 * t);
    assert_int_equal(s.limit, FS_LIMIT_A2A);
    assert_true(s.a2a_exposed_us > s.dp_exposed_us);
    /* skewed routing: the busiest rank's 1.5x gates every exchange */
    in.w.moe.imbalance = 1.5;
    fs_step k;
    assert_int_equal(fs_train_step(&in, 8, &k, &e), 0);
    near(k.a2a_us, 32 * 1.5 * t);
}

/* Expert gradients reduce over dp / ep ranks: with EP equal to the
 * data-parallel size nothing of the experts is reduced, with EP 4 of 8
 * they are (and the step grows). */
static void expert_gradients(void **state)
{
    (void)state;
    fs_train_in in = moe(4);
    fs_step a, b;
    fs_err e = {0};
    in.w.moe.active_params = 1e8 - 8e7 / 2; /* experts 8e7 */
    in.par.ep = 4;
    assert_int_equal(fs_train_step(&in, 4, &a, &e), 0);
    fs_train_in dense = in;
    dense.par.ep = 1;
    dense.w.moe = (fs_moe){0};
    dense.w.params = 2e7; /* the replicated part alone */
    fs_step d;
    assert_int_equal(fs_train_step(&dense, 4, &d, &e), 0);
    near(a.dp_comm_us, d.dp_comm_us);
    in.par.ep = 2; /* dp 4 / ep 2: experts' grads over 2 ranks */
    assert_int_equal(fs_train_step(&in, 4, &b, &e), 0);
    assert_true(b.dp_comm_us > a.dp_comm_us);
}

static void expect_bad(fs_train_in *in, int gpus, const char *frag)
{
    fs_err e = {0};
    fs_step s;
    assert_int_equal(fs_train_step(in, gpus, &s, &e), FS_EXIT_INPUT);
    if (!strstr(e.msg, frag)) fail_msg("message \"%s\" lacks \"%s\"", e.msg, frag);
    assert_null(strchr(e.msg, '\n'));
}

static void bad_input(void **state)
{
    (void)state;
    fs_train_in in = moe(3);
    expect_bad(&in, 12, "--ep 3 does not divide the 4 experts");
    in = moe(4);
    expect_bad(&in, 6, "not divisible by TP x PP x EP");
    in = moe(4);
    in.w.moe.topk = 5;
    expect_bad(&in, 4, "--topk 5");
    in = moe(4);
    in.w.moe.every = 3;
    expect_bad(&in, 4, "--moe-every 3");
    in = moe(4);
    in.w.moe.capacity = -1;
    expect_bad(&in, 4, "--capacity");
    in = moe(4);
    in.w.moe = (fs_moe){0};
    expect_bad(&in, 4, "no experts");
    in = moe(4);
    in.w.moe.active_params = 2e8; /* more than the model */
    expect_bad(&in, 4, "expert parameters");
    in = moe(4);
    in.par.tp = 2;
    in.par.seq_parallel = false;
    expect_bad(&in, 8, "sequence parallelism");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arithmetic),       cmocka_unit_test(a2a_inside_node),
        cmocka_unit_test(a2a_across_nodes), cmocka_unit_test(expert_gradients),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
