/*
 * test_plan.c - capacity plans on hand-computable cases: 1 s of compute per
 * sample per GPU, a job of 360000 samples, a 10-hour deadline.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

static fs_train_in job_in(double gbps)
{
    fs_train_in in;
    memset(&in, 0, sizeof in);
    in.w.params = 1e6;
    in.w.grad_bytes = 4;
    in.w.act_bytes = 2;
    in.w.state_bytes = 16;
    in.w.unit = FS_UNIT_SAMPLES;
    in.par.tp = in.par.pp = 1;
    in.par.micro_batch = 1;
    in.par.micro_batches = 1;
    in.cl.gpus_per_node = 1;
    in.cl.nics_per_node = 1;
    in.cl.nic = fs_link_hockney(0, gbps);
    in.cl.mem_GB = NAN;
    in.mb_compute_us = 1e6;
    return in;
}

static const long counts[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
#define NC (sizeof counts / sizeof counts[0])

/* An (almost) free network: 8 GPUs take 12.5 h, 16 take 6.25 h: the plan is
 * 16 GPUs, and at 2 USD per node-hour 16 x 2 x 6.25 = 200 USD. */
static void meets(void **state)
{
    (void)state;
    fs_train_in in = job_in(1e6);
    fs_plan_job job = {360000, 10, 0.9};
    fs_plan_result r;
    fs_err e = {0};
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.status, FS_PLAN_OK);
    assert_true(r.have_step);
    assert_int_equal(r.step.gpus, 16);
    assert_true(fabs(r.hours - 6.25) < 1e-6);
    assert_true(fabs(r.cost_usd - 200) < 1e-4);
    assert_string_equal(r.why, "");
    /* no price: everything but the cost */
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, NAN, &r, &e), 0);
    assert_int_equal(r.step.gpus, 16);
    assert_true(isnan(r.cost_usd));
}

/* 1 MB/s: the all-reduce of 4 MB costs ~8 s per 1 s step; the deadline is
 * met only at 128 GPUs, far below the floor. */
static void below_floor(void **state)
{
    (void)state;
    fs_train_in in = job_in(0.001);
    fs_plan_job job = {360000, 10, 0.9};
    fs_plan_result r;
    fs_err e = {0};
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.status, FS_PLAN_BELOW_FLOOR);
    assert_int_equal(r.step.gpus, 128);
    assert_true(r.step.efficiency < 0.2);
    assert_true(r.hours <= 10);
    fs_step s64;
    assert_int_equal(fs_train_step(&in, 64, &s64, &e), 0);
    assert_true(360000 / s64.throughput / 3600 > 10);
    assert_non_null(strstr(r.why, "meets the deadline only below the floor"));
}

/* A half-hour deadline with at most 8 GPUs: too slow; the answer shows the
 * largest count above the floor. */
static void too_slow(void **state)
{
    (void)state;
    fs_train_in in = job_in(1e6);
    fs_plan_job job = {360000, 0.5, 0.9};
    fs_plan_result r;
    fs_err e = {0};
    assert_int_equal(fs_plan_type(&in, counts, 4, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.status, FS_PLAN_TOO_SLOW);
    assert_int_equal(r.step.gpus, 8);
    assert_true(fabs(r.hours - 12.5) < 1e-6);
    assert_non_null(strstr(r.why, "misses the deadline"));
}

static void no_fit(void **state)
{
    (void)state;
    fs_train_in in = job_in(1e6);
    in.cl.mem_GB = 0.001; /* 16 MB of states do not fit */
    fs_plan_job job = {360000, 10, 0.9};
    fs_plan_result r;
    fs_err e = {0};
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.status, FS_PLAN_NO_FIT);
    assert_false(r.have_step);
    /* ZeRO-3 shards the states: at dp >= 16 they fit (1 MB each) */
    in.par.mode = FS_DP_ZERO3;
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.status, FS_PLAN_OK);
    assert_int_equal(r.step.gpus, 16);
}

/* Whole nodes only, and an impossible layout is an error. */
static void layouts(void **state)
{
    (void)state;
    fs_train_in in = job_in(1e6);
    in.cl.gpus_per_node = 8;
    in.cl.intra = fs_link_hockney(0, 1e6);
    fs_plan_job job = {360000, 100, 0.9};
    fs_plan_result r;
    fs_err e = {0};
    const long few[] = {4, 2, 8}; /* 4 GPUs would do (25 h) but are half a node */
    assert_int_equal(fs_plan_type(&in, few, 3, &job, 2.0, &r, &e), 0);
    assert_int_equal(r.step.gpus, 8);
    const long halves[] = {2, 4};
    assert_int_equal(fs_plan_type(&in, halves, 2, &job, 2.0, &r, &e), FS_EXIT_INPUT);
    assert_non_null(strstr(e.msg, "no count in the list is a whole number of 8-GPU nodes"));
    in.par.tp = 2; /* a CNN cannot be split by tensor parallelism */
    memset(&e, 0, sizeof e);
    assert_int_equal(fs_plan_type(&in, counts, NC, &job, 2.0, &r, &e), FS_EXIT_INPUT);
    assert_non_null(strstr(e.msg, "--tp/--pp need a transformer workload"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(meets),  cmocka_unit_test(below_floor), cmocka_unit_test(too_slow),
        cmocka_unit_test(no_fit), cmocka_unit_test(layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
