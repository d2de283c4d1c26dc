/*
 * cmd_compare.c - `fabscale compare RESULTS_A RESULTS_B ... --model ...`:
 * the same workload on each measured instance type, side by side, with
 * cost per step and per million tokens / samples.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "cmd.h"
#include "table.h"
#include "train_cands.h"
#include "train_opts.h"
#include "train_out.h"

static void help(void)
{
    printf(
        "usage: fabscale compare RESULTS_A RESULTS_B ... --model PRESET [--gpus LIST] [options]\n\n"
        "The same workload on each instance type: efficiency, step time, throughput, and with "
        "prices\n"
        "the cost per step and per million tokens (samples for non-transformers).  Each RESULTS "
        "file is\n"
        "one instance type (its meta.instance_type, or --instance FILE=TYPE) and gives its fitted "
        "link;\n"
        "--instance TYPE adds catalogue types with --link TYPE=ALPHA,BW or --nominal.  A missing "
        "price\nleaves its cost cells empty, is named on stderr, and the exit status is 2 "
        "(--no-cost: no cost\ncolumns); so does a layout that does not fit, and prices of "
        "different purchase options.\n\n"
        "  --gpus LIST             GPU counts (default 1024)\n\n");
    fs_train_opts_help(FS_CMD_COMPARE);
}

typedef struct row {
    const fs_cand *c;
    fs_train_in in;
    fs_step s, base;
    double scaling;
    const fs_price *price;
    double usd_step, usd_million;
} row;

static int print_table(const fs_train_opts *o, const row *rows, size_t n)
{
    bool csv = o->out == FS_OUT_CSV;
    char tput[32], per[40];
    snprintf(tput, sizeof tput, "%s_per_s", fs_unit_name(&rows[0].in));
    snprintf(per, sizeof per, "usd_per_M_%s", fs_unit_name(&rows[0].in));
    /* a2a_ms (the exposed MoE all-to-all, column 7) only for expert parallelism */
    bool moe = rows[0].in.w.moe.experts > 0 && rows[0].in.par.ep > 1;
    const char *head[] = {"instance", "from",         "gpus",   "nodes",      "efficiency",
                          "expected", "step_ms",      "a2a_ms", "tflops_gpu", "mfu",
                          "scaling",  tput,           "limit",  "mem_GB",     "usd_per_hour",
                          "purchase", "usd_per_step", per};
    enum { A2A = 7 };
    size_t nc = o->no_cost ? 14 : 18;
    if (!moe) {
        memmove(&head[A2A], &head[A2A + 1], (17 - A2A) * sizeof head[0]);
        nc--;
    }
    size_t sh = moe ? 1 : 0; /* columns after a2a_ms move by this */
    fs_table t;
    if (fs_table_init(&t, nc, head)) return FS_EXIT_RUNTIME;
    t.right[0] = t.right[1] = t.right[11 + sh] = false;
    if (nc > 14 + sh) t.right[14 + sh] = false;
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        char b[18][64];
        const char *from = strrchr(r->c->from, '/');
        snprintf(b[2], 64, "%d", r->s.gpus);
        snprintf(b[3], 64, "%d", r->s.nodes);
        const fs_step *x = &r->s;
        const char *cells[18] = {
            r->c->inst->name,
            from ? from + 1 : r->c->from,
            b[2],
            b[3],
            csv ? fs_fmt(b[4], 64, "%.3f", x->efficiency)
                : fs_fmt_band(b[4], 64, "%.3f", x->efficiency, x->eff_lo, x->eff_hi),
            fs_fmt(b[5], 64, "%.3f", x->expected_eff),
            csv ? fs_fmt(b[6], 64, "%.4g", x->step_us / 1e3)
                : fs_fmt_band(b[6], 64, "%.4g", x->step_us / 1e3, x->step_lo_us / 1e3,
                              x->step_hi_us / 1e3),
            fs_fmt(b[17], 64, "%.4g", x->a2a_exposed_us / 1e3),
            fs_fmt(b[7], 64, "%.4g", x->tflops_per_gpu),
            fs_fmt(b[8], 64, "%.3f", x->mfu),
            fs_fmt(b[9], 64, "%.3f", r->scaling),
            fs_fmt(b[10], 64, "%.4g", x->throughput),
            fs_limit_name(x->limit),
            fs_fmt(b[12], 64, x->fits ? "%.3g" : "%.3g!", x->mem_GB),
            r->price ? fs_fmt(b[13], 64, "%.4g", r->price->usd_per_hour) : NULL,
            r->price ? fs_purchase_name(r->price->option) : NULL,
            fs_fmt(b[15], 64, "%.4g", r->usd_step),
            fs_fmt(b[16], 64, "%.4g", r->usd_million)};
        if (!moe) memmove(&cells[A2A], &cells[A2A + 1], (17 - A2A) * sizeof cells[0]);
        if (fs_table_row(&t, cells)) {
            fs_table_free(&t);
            return FS_EXIT_RUNTIME;
        }
    }
    fs_table_print(&t, stdout, csv);
    fs_table_free(&t);
    return 0;
}

static int print_json(const fs_train_opts *o, const row *rows, size_t n, const char *missing)
{
    json_t *j = fs_json_inputs(o->model, &rows[0].in);
    json_object_del(j, "cluster"); /* per row */
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        json_t *x = fs_json_step(&r->s, &r->in);
        json_object_set_new(x, "instance", json_string(r->c->inst->name));
        json_object_set_new(x, "from", json_string(r->c->from));
        json_object_set_new(x, "link", json_string(r->c->link_label));
        json_object_set_new(x, "scaling", fs_cli_num(r->scaling));
        json_object_set_new(x, "baseline_gpus",
                            r->base.gpus ? json_integer(r->base.gpus) : json_null());
        if (!o->no_cost) {
            json_object_set_new(x, "price",
                                r->price ? json_pack("{s:f,s:s,s:s,s:s}", "usd_per_hour",
                                                     r->price->usd_per_hour, "purchase_option",
                                                     fs_purchase_name(r->price->option), "as_of",
                                                     r->price->as_of, "source", r->price->source)
                                         : json_null());
            json_object_set_new(x, "usd_per_step", fs_cli_num(r->usd_step));
            json_object_set_new(x, "usd_per_million_units", fs_cli_num(r->usd_million));
        }
        json_array_append_new(arr, x);
    }
    json_object_set_new(j, "rows", arr);
    json_t *miss = json_array();
    for (const char *p = missing; *p;) {
        size_t l = strcspn(p, ",");
        json_array_append_new(miss, json_stringn(p, l));
        p += l;
        while (*p == ',' || *p == ' ') p++;
    }
    json_object_set_new(j, "missing_prices", miss);
    return fs_cli_print_json(j);
}

int fs_cmd_compare(int argc, char **argv)
{
    fs_train_opts o;
    fs_err err = {0};
    fs_catalog cat = {0};
    fs_cand *cands = NULL;
    size_t nc = 0, nrows = 0;
    row *rows = NULL;
    int rc = fs_train_opts_parse(FS_CMD_COMPARE, argc, argv, &o, &err);
    if (rc == 0 && o.help) {
        help();
        fs_train_opts_free(&o);
        return 0;
    }
    if (rc == 0 && !o.ngpus) {
        if ((o.gpus = malloc(sizeof *o.gpus))) {
            o.gpus[0] = 1024;
            o.ngpus = 1;
        } else {
            rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
        }
    }
    if (rc == 0) rc = fs_train_catalog(&o, &cat, &err);
    if (rc == 0) rc = fs_cands_build("compare", &o, &cat, &cands, &nc, &err);
    if (rc == 0 && !(rows = calloc(nc * o.ngpus, sizeof *rows)))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    for (size_t i = 0; rc == 0 && i < nc; i++)
        for (size_t k = 0; rc == 0 && k < o.ngpus; k++) {
            row *r = &rows[nrows];
            r->c = &cands[i];
            if ((rc = fs_train_input(&o, &cat, cands[i].inst, &cands[i].net, &r->in, &err)) ||
                (rc = fs_train_step(&r->in, (int)o.gpus[k], &r->s, &err)) ||
                (rc = fs_train_baseline(&r->in, o.baseline_gpus, &r->base, &err))) {
                char m[sizeof err.msg];
                snprintf(m, sizeof m, "%s", err.msg);
                err.status = 0;
                rc = fs_err_set(&err, FS_EXIT_INPUT, "%s: %.900s", cands[i].inst->name, m);
                break;
            }
            r->scaling = fs_train_scaling(&r->s, &r->base);
            r->price = o.no_cost ? NULL : fs_catalog_price(&cat, cands[i].inst->name);
            r->usd_step = r->usd_million = NAN;
            if (r->price) {
                r->usd_step = r->s.nodes * r->price->usd_per_hour * r->s.step_us / 3.6e9;
                r->usd_million =
                    r->usd_step / (r->s.global_batch * fs_train_units_per_sample(&r->in.w)) * 1e6;
            }
            nrows++;
        }
    if (rc == 0 && !o.no_cost && !o.mix_purchase)
        rc = fs_cands_check_purchase(cands, nc, &cat, "compare", &err);
    if (rc) goto out;
    for (size_t i = 0; i < nc; i++)
        if (cands[i].warn[0]) fprintf(stderr, "fabscale: warning: %s\n", cands[i].warn);

    char missing[1024] = "", nofit[700] = "";
    for (size_t i = 0; i < nrows && !nofit[0]; i++)
        if (!rows[i].s.fits) {
            char m[600];
            snprintf(nofit, sizeof nofit, "%s %s", rows[i].c->inst->name,
                     fs_desc_nofit(&rows[i].in, &rows[i].s, rows[i].c->inst->name, m, sizeof m));
        }
    if (!o.no_cost) fs_cands_missing_prices(cands, nc, &cat, missing, sizeof missing);
    if (o.out == FS_OUT_JSON) {
        rc = print_json(&o, rows, nrows, missing);
    } else if (o.out == FS_OUT_CSV) {
        rc = print_table(&o, rows, nrows);
    } else {
        char b[1200], b2[600], weak[400];
        printf("workload:    %s\n", fs_desc_workload(o.model, &rows[0].in, b, sizeof b));
        printf("parallelism: %s\n", fs_desc_parallel(&rows[0].in, b, sizeof b));
        printf("defaults:    %s\n", fs_train_provenance(&o, &cat, &rows[0].in, b, sizeof b));
        const char *prec = fs_precision_name(fs_train_precision(&o, &cat));
        for (size_t i = 0, k = 0; i < nc; i++, k += o.ngpus) {
            const fs_train_in *in = &rows[k].in;
            printf("%s:\n  cluster: %s\n  network: %s, one NIC\n  compute: %s\n",
                   cands[i].inst->name, fs_desc_cluster(in, b, sizeof b), cands[i].link_label,
                   fs_desc_compute(in, prec, b2, sizeof b2));
        }
        printf("\n");
        rc = print_table(&o, rows, nrows);
        if (rows[0].in.w.moe.experts > 0 && rows[0].in.par.ep > 1)
            for (size_t i = 0, k = 0; i < nc; i++, k += o.ngpus)
                printf(
                    "\n%s: %s", cands[i].inst->name,
                    fs_desc_a2a(&rows[k + o.ngpus - 1].in, &rows[k + o.ngpus - 1].s, b, sizeof b));
        printf("\n\nefficiency = useful model FLOPs / (step x sustained), the network's cap; "
               "expected = x (1 - overhead);\nmfu = model FLOPs / (step x peak); scaling = "
               "per-GPU throughput / that at the baseline (--baseline-gpus)\n");
        if (fs_desc_weak_scaling(&rows[0].in, &rows[0].s, o.ngpus, weak, sizeof weak)[0])
            printf("note: %s\n", weak);
        if (nofit[0]) printf("note: '!' marks layouts that do not fit: %s\n", nofit);
        if (!o.no_cost) fs_cands_print_prices(stdout, cands, nc, &cat);
    }
    if (rc == 0 && nofit[0]) rc = fs_err_set(&err, FS_EXIT_INPUT, "compare: %s", nofit);
    if (rc == 0 && missing[0])
        rc = fs_err_set(
            &err, FS_EXIT_INPUT,
            "compare: no price for %s: give --price TYPE=USD_PER_HOUR or --prices FILE|example "
            "(or --no-cost); "
            "their cost columns are empty",
            missing);
out:
    if (rc && err.msg[0]) fs_cli_fail(&err);
    free(rows);
    free(cands);
    fs_catalog_free(&cat);
    fs_train_opts_free(&o);
    return rc;
}
