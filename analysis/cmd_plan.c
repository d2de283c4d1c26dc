/*
 * cmd_plan.c - `fabscale plan --model ... --tokens N --deadline D
 * RESULTS... [--instance TYPE,...]`: for each instance type, the GPU count
 * and cost that train the job before the deadline above the efficiency
 * floor, or what stands in the way.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "cmd.h"
#include "plan.h"
#include "table.h"
#include "train_cands.h"
#include "train_opts.h"
#include "train_out.h"

static void help(void)
{
    printf("usage: fabscale plan --model PRESET --tokens N|--samples N --deadline D RESULTS...\n"
           "                     [--instance TYPE,... --link TYPE=ALPHA,BW|--nominal ALPHA_US] "
           "[options]\n\n"
           "For each instance type: the smallest GPU count (whole nodes) that trains the job "
           "before the\n"
           "deadline with efficiency at or above --min-efficiency, the time it takes and what it "
           "costs;\n"
           "or, when none does, the best count and what stands in the way.  A count whose states "
           "and\nactivations do not fit is never proposed: the 'why' names the option that would "
           "make it fit.\nThe batch per step is the preset's global batch (or --global-batch); "
           "with --accum the\nper-GPU batch is fixed instead and the plan says how large a step "
           "becomes.\n\n"
           "  --tokens N | --samples N   the job (e.g. 300B tokens, 90M samples)\n"
           "  --deadline D               hours, or with h, d or w (30d)\n"
           "  --gpus LIST                counts to consider (default 1:65536, powers of two)\n"
           "  --min-efficiency F         the floor (default 0.9)\n\n");
    fs_train_opts_help(FS_CMD_PLAN);
}

typedef struct prow {
    const fs_cand *c;
    fs_train_in in;
    fs_plan_result p;
    fs_step base;
    double scaling;
    const fs_price *price;
    bool error;
    char err[600];
} prow;

static const char *status_word(const prow *r)
{
    if (r->error) return "impossible";
    return r->p.status == FS_PLAN_OK ? "yes" : "no";
}

static int print_table(const fs_train_opts *o, const prow *rows, size_t n)
{
    bool csv = o->out == FS_OUT_CSV;
    /* a2a_ms (the exposed MoE all-to-all, column 11) only for expert parallelism */
    bool moe = n > 0 && rows[0].in.w.moe.experts > 0 && rows[0].in.par.ep > 1;
    const char *head[] = {"instance",     "from",     "meets",      "gpus",  "nodes",
                          "efficiency",   "expected", "tflops_gpu", "mfu",   "scaling",
                          "step_ms",      "a2a_ms",   "mem_GB",     "hours", "days",
                          "usd_per_hour", "purchase", "usd_total",  "why"};
    enum { A2A = 11 };
    size_t nc = 19, sh = moe ? 1 : 0;
    if (!moe) {
        memmove(&head[A2A], &head[A2A + 1], (18 - A2A) * sizeof head[0]);
        nc--;
    }
    fs_table t;
    if (fs_table_init(&t, nc, head)) return FS_EXIT_RUNTIME;
    t.right[0] = t.right[1] = t.right[2] = t.right[15 + sh] = t.right[17 + sh] = false;
    for (size_t i = 0; i < n; i++) {
        const prow *r = &rows[i];
        char b[19][64];
        const char *from = strrchr(r->c->from, '/');
        bool h = r->p.have_step;
        const fs_step *x = &r->p.step;
        snprintf(b[3], 64, "%d", x->gpus);
        snprintf(b[4], 64, "%d", x->nodes);
        const char *cells[19] = {
            r->c->inst->name,
            from ? from + 1 : r->c->from,
            status_word(r),
            h ? b[3] : NULL,
            h ? b[4] : NULL,
            !h    ? NULL
            : csv ? fs_fmt(b[5], 64, "%.3f", x->efficiency)
                  : fs_fmt_band(b[5], 64, "%.3f", x->efficiency, x->eff_lo, x->eff_hi),
            h ? fs_fmt(b[6], 64, "%.3f", x->expected_eff) : NULL,
            h ? fs_fmt(b[7], 64, "%.4g", x->tflops_per_gpu) : NULL,
            h ? fs_fmt(b[8], 64, "%.3f", x->mfu) : NULL,
            h ? fs_fmt(b[9], 64, "%.3f", r->scaling) : NULL,
            !h    ? NULL
            : csv ? fs_fmt(b[10], 64, "%.4g", x->step_us / 1e3)
                  : fs_fmt_band(b[10], 64, "%.4g", x->step_us / 1e3, x->step_lo_us / 1e3,
                                x->step_hi_us / 1e3),
            h ? fs_fmt(b[18], 64, "%.4g", x->a2a_exposed_us / 1e3) : NULL,
            h ? fs_fmt(b[11], 64, "%.3g", x->mem_GB) : NULL,
            h ? fs_fmt(b[12], 64, "%.4g", r->p.hours) : NULL,
            h ? fs_fmt(b[13], 64, "%.3g", r->p.hours / 24) : NULL,
            r->price ? fs_fmt(b[14], 64, "%.4g", r->price->usd_per_hour) : NULL,
            r->price ? fs_purchase_name(r->price->option) : NULL,
            h ? fs_fmt(b[16], 64, "%.4g", r->p.cost_usd) : NULL,
            r->error      ? r->err
            : r->p.why[0] ? r->p.why
                          : NULL};
        if (o->no_cost) cells[15] = cells[16] = cells[17] = NULL;
        if (!moe) memmove(&cells[A2A], &cells[A2A + 1], (18 - A2A) * sizeof cells[0]);
        if (fs_table_row(&t, cells)) {
            fs_table_free(&t);
            return FS_EXIT_RUNTIME;
        }
    }
    fs_table_print(&t, stdout, o->out == FS_OUT_CSV);
    fs_table_free(&t);
    return 0;
}

static int print_json(const fs_train_opts *o, const prow *rows, size_t n, const char *weak)
{
    json_t *j = fs_json_inputs(o->model, &rows[0].in);
    json_object_del(j, "cluster");
    json_object_set_new(j, "job",
                        json_pack("{s:f,s:s,s:f,s:f}", "total", o->total_units, "unit",
                                  o->total_unit == FS_UNIT_TOKENS ? "tokens" : "samples",
                                  "deadline_hours", o->deadline_h, "min_efficiency", o->min_eff));
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const prow *r = &rows[i];
        json_t *x = json_pack("{s:s,s:s,s:s,s:s}", "instance", r->c->inst->name, "from", r->c->from,
                              "link", r->c->link_label, "meets_deadline", status_word(r));
        static const char *const status[] = {"ok", "below_floor", "too_slow", "no_fit"};
        json_object_set_new(x, "status",
                            json_string(r->error ? "impossible" : status[r->p.status]));
        json_t *st = r->p.have_step ? fs_json_step(&r->p.step, &r->in) : json_null();
        if (r->p.have_step) {
            json_object_set_new(st, "scaling", fs_cli_num(r->scaling));
            json_object_set_new(st, "baseline_gpus",
                                r->base.gpus ? json_integer(r->base.gpus) : json_null());
        }
        json_object_set_new(x, "step", st);
        json_object_set_new(x, "hours", r->p.have_step ? fs_cli_num(r->p.hours) : json_null());
        if (!o->no_cost) {
            json_object_set_new(x, "usd_per_hour",
                                r->price ? json_real(r->price->usd_per_hour) : json_null());
            json_object_set_new(x, "purchase_option",
                                r->price ? json_string(fs_purchase_name(r->price->option))
                                         : json_null());
            json_object_set_new(x, "usd_total",
                                r->p.have_step ? fs_cli_num(r->p.cost_usd) : json_null());
        }
        const char *why = r->error ? r->err : r->p.why;
        json_object_set_new(x, "why", why[0] ? json_string(why) : json_null());
        json_array_append_new(arr, x);
    }
    json_object_set_new(j, "plans", arr);
    json_t *w = json_array();
    if (weak && weak[0]) json_array_append_new(w, json_string(weak));
    json_object_set_new(j, "warnings", w);
    return fs_cli_print_json(j);
}

static long *default_counts(size_t *n)
{
    long *g = malloc(17 * sizeof *g);
    if (!g) return NULL;
    for (int i = 0; i <= 16; i++) g[i] = 1L << i;
    *n = 17;
    return g;
}

int fs_cmd_plan(int argc, char **argv)
{
    fs_train_opts o;
    fs_err err = {0};
    fs_catalog cat = {0};
    fs_cand *cands = NULL;
    size_t nc = 0;
    prow *rows = NULL;
    int rc = fs_train_opts_parse(FS_CMD_PLAN, argc, argv, &o, &err);
    if (rc == 0 && o.help) {
        help();
        fs_train_opts_free(&o);
        return 0;
    }
    if (rc == 0 && o.total_unit < 0)
        rc =
            fs_err_set(&err, FS_EXIT_INPUT, "plan: give the job's size: --tokens N or --samples N");
    if (rc == 0 && !(o.deadline_h > 0))
        rc = fs_err_set(&err, FS_EXIT_INPUT, "plan: give a --deadline (hours, or 30d, 2w)");
    if (rc == 0 && !o.ngpus && !(o.gpus = default_counts(&o.ngpus)))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    if (rc == 0) rc = fs_train_catalog(&o, &cat, &err);
    if (rc == 0) rc = fs_cands_build("plan", &o, &cat, &cands, &nc, &err);
    if (rc == 0 && !(rows = calloc(nc, sizeof *rows)))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    size_t impossible = 0;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        prow *r = &rows[i];
        r->c = &cands[i];
        if ((rc = fs_train_input(&o, &cat, cands[i].inst, &cands[i].net, &r->in, &err))) break;
        if ((int)r->in.w.unit != o.total_unit) {
            rc = fs_err_set(&err, FS_EXIT_INPUT,
                            "plan: this workload counts %s: give --%s instead of --%s",
                            fs_unit_name(&r->in), fs_unit_name(&r->in),
                            o.total_unit == FS_UNIT_TOKENS ? "tokens" : "samples");
            break;
        }
        r->price = o.no_cost ? NULL : fs_catalog_price(&cat, cands[i].inst->name);
        if ((rc = fs_train_baseline(&r->in, o.baseline_gpus, &r->base, &err))) break;
        fs_plan_job job = {o.total_units, o.deadline_h, o.min_eff};
        fs_err e = {0};
        if (fs_plan_type(&r->in, o.gpus, o.ngpus, &job, r->price ? r->price->usd_per_hour : NAN,
                         &r->p, &e)) {
            if (e.status == FS_EXIT_RUNTIME) {
                rc = fs_err_set(&err, e.status, "%s", e.msg);
                break;
            }
            r->error = true;
            snprintf(r->err, sizeof r->err, "%.590s", e.msg);
            if (impossible++ == 0) err = e;
        }
        if (r->p.have_step) r->scaling = fs_train_scaling(&r->p.step, &r->base);
    }
    if (rc == 0 && impossible == nc) {
        /* nothing could be planned at all: the layout itself is wrong */
        char m[sizeof err.msg];
        snprintf(m, sizeof m, "%s", err.msg);
        err.status = 0;
        rc = fs_err_set(&err, FS_EXIT_INPUT, "plan: %s", m);
    }
    if (rc == 0 && !o.no_cost && !o.mix_purchase)
        rc = fs_cands_check_purchase(cands, nc, &cat, "plan", &err);
    if (rc) goto out;
    memset(&err, 0, sizeof err);
    for (size_t i = 0; i < nc; i++)
        if (cands[i].warn[0]) fprintf(stderr, "fabscale: warning: %s\n", cands[i].warn);
    /* the per-GPU batch fixed: the step's batch grows with the count the plan picks */
    char weak[400] = "";
    if (!(rows[0].in.par.global_batch > 0)) {
        fs_step s[64];
        size_t k = 0;
        for (size_t i = 0; i < nc && k < 64; i++)
            if (rows[i].p.have_step) s[k++] = rows[i].p.step;
        if (k == 1) {
            char c[32];
            snprintf(weak, sizeof weak,
                     "the per-GPU batch is fixed, so a step at %d GPUs is %s %s; training recipes "
                     "fix the global batch: give --global-batch N",
                     s[0].gpus,
                     fs_fmt_count(c, sizeof c,
                                  s[0].global_batch * fs_train_units_per_sample(&rows[0].in.w)),
                     fs_unit_name(&rows[0].in));
        } else {
            fs_desc_weak_scaling(&rows[0].in, s, k, weak, sizeof weak);
        }
    }

    char missing[1024] = "";
    if (!o.no_cost) fs_cands_missing_prices(cands, nc, &cat, missing, sizeof missing);
    if (o.out == FS_OUT_JSON) {
        rc = print_json(&o, rows, nc, weak);
    } else if (o.out == FS_OUT_CSV) {
        rc = print_table(&o, rows, nc);
    } else {
        char b[1200], c1[40];
        printf("job:         %s %s before %.4g hours (%.3g days), efficiency >= %.2f\n",
               fs_fmt_count(c1, sizeof c1, o.total_units),
               o.total_unit == FS_UNIT_TOKENS ? "tokens" : "samples", o.deadline_h,
               o.deadline_h / 24, o.min_eff);
        printf("workload:    %s\n", fs_desc_workload(o.model, &rows[0].in, b, sizeof b));
        printf("parallelism: %s\n", fs_desc_parallel(&rows[0].in, b, sizeof b));
        printf("defaults:    %s\n", fs_train_provenance(&o, &cat, &rows[0].in, b, sizeof b));
        for (size_t i = 0; i < nc; i++)
            printf("network:     %s: %s, one NIC\n", cands[i].inst->name, cands[i].link_label);
        const char *prec = fs_precision_name(fs_train_precision(&o, &cat));
        for (size_t i = 0; i < nc; i++)
            printf("compute:     %s: %s\n", cands[i].inst->name,
                   fs_desc_compute(&rows[i].in, prec, b, sizeof b));
        printf("\n");
        rc = print_table(&o, rows, nc);
        printf("\nefficiency = useful model FLOPs / (step x sustained), the network's cap; "
               "expected = x (1 - overhead);\nmfu = model FLOPs / (step x peak); scaling = "
               "per-GPU throughput / that at the baseline (--baseline-gpus)\n");
        if (weak[0]) printf("note: %s\n", weak);
        if (!o.no_cost) fs_cands_print_prices(stdout, cands, nc, &cat);
    }
    if (rc == 0 && missing[0])
        rc = fs_err_set(
            &err, FS_EXIT_INPUT,
            "plan: no price for %s: give --price TYPE=USD_PER_HOUR or --prices FILE|example "
            "(or --no-cost); "
            "their cost is empty",
            missing);
out:
    if (rc && err.msg[0]) fs_cli_fail(&err);
    free(rows);
    free(cands);
    fs_catalog_free(&cat);
    fs_train_opts_free(&o);
    return rc;
}
