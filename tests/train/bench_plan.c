/*
 * bench_plan.c - how long a plan takes: 10 workload presets x 4 instance
 * types x GPU counts 8..65536 (powers of two), from reading the shipped
 * catalogues to the last plan.  Prints the min and median of 21 runs.
 * Not a test: timings on a shared machine are not something to assert.
 *
 * usage: train_bench [RUNS]   (FABSCALE_DATADIR points at the catalogues)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "catalog.h"
#include "plan.h"
#include "train_opts.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *const presets[] = {"resnet50",   "resnet101", "vgg16",     "bert-base",
                                      "bert-large", "gpt2-xl",   "llama2-7b", "llama2-13b",
                                      "llama2-70b", "gpt3-175b"};
static const char *const types[] = {"p4d.24xlarge", "p5.48xlarge", "p5en.48xlarge",
                                    "trn1.32xlarge"};

/* One full plan; returns the number of (preset, type) pairs planned. */
static int run(int *ok_out)
{
    fs_catalog cat;
    fs_err e = {0};
    fs_train_opts o;
    char *argv[] = {"plan", "--model", "resnet50", NULL};
    if (fs_train_opts_parse(FS_CMD_PLAN, 3, argv, &o, &e) || fs_train_catalog(&o, &cat, &e)) {
        fprintf(stderr, "train_bench: %s\n", e.msg);
        exit(1);
    }
    long counts[14];
    for (int i = 0; i < 14; i++) counts[i] = 8L << i; /* 8 .. 65536 */
    int pairs = 0, ok = 0;
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        o.model = presets[p];
        const fs_preset *pr = fs_catalog_workload(&cat, presets[p]);
        double units = pr->w.unit == FS_UNIT_TOKENS ? 1e12 : 1e9;
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            const fs_instance *inst = fs_catalog_instance(&cat, types[t]);
            fs_coll_model nic = {.inter = fs_link_hockney(15, inst->nic_Gbps / 8)};
            fs_train_in in;
            fs_plan_result r;
            fs_plan_job job = {units, 30 * 24, 0.9};
            if (fs_train_input(&o, &cat, inst, &nic, &in, &e)) {
                fprintf(stderr, "train_bench: %s\n", e.msg);
                exit(1);
            }
            if (fs_plan_type(&in, counts, 14, &job, 10.0, &r, &e) == 0 && r.status == FS_PLAN_OK)
                ok++;
            pairs++;
        }
    }
    fs_catalog_free(&cat);
    fs_train_opts_free(&o);
    *ok_out = ok;
    return pairs;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1) runs = 1;
    double *t = malloc(runs * sizeof *t);
    int pairs = 0, ok = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        pairs = run(&ok);
        t[i] = now_ms() - t0;
    }
    qsort(t, runs, sizeof *t, cmp);
    printf("plan: %d presets x %zu types = %d plans over 14 GPU counts (8..65536), %d meet 30 days "
           "above 0.9\n",
           (int)(sizeof presets / sizeof presets[0]), sizeof types / sizeof types[0], pairs, ok);
    printf("including reading the catalogues: min %.3f ms, median %.3f ms over %d runs (target < "
           "50 ms)\n",
           t[0], t[runs / 2], runs);
    free(t);
    return 0;
}
