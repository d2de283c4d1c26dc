/*
 * cmd_train.c - `fabscale train RESULTS|--link ... --model PRESET --gpus LIST`:
 * the training-step model at each GPU count, and the largest count that
 * stays above --min-efficiency.
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
#include "train_opts.h"
#include "train_out.h"

static void help(void)
{
    printf(
        "usage: fabscale train RESULTS... --model PRESET --gpus LIST [options]\n"
        "       fabscale train --link ALPHA_US,GB/s --instance TYPE --params N ... --gpus LIST\n"
        "       fabscale train --nominal ALPHA_US --instance TYPE --model PRESET --gpus LIST\n\n"
        "Training-step time at each GPU count: compute, data-parallel communication and how much "
        "of it\n"
        "hides behind backward, tensor-parallel and pipeline costs, efficiency (useful FLOPs / "
        "step x\nsustained), MFU, TFLOP/s per GPU, scaling against --baseline-gpus, memory "
        "(states +\nactivations), which term limits it; then the largest count above "
        "--min-efficiency.\n"
        "Exit status 2 when the layout fits in memory at no listed count.\n"
        "The network link is the one fitted from RESULTS (as `fabscale fit` shows it), taken as "
        "one\n"
        "NIC's: each GPU gets NICs x bandwidth / GPUs-per-node of it (a fabscale-bench --nics\n"
        "run's link, K NICs measured together, counts as K NICs: aggregate / K per NIC).\n\n"
        "  --gpus LIST             GPU counts: 8,64,512 or 8:4096 (powers of two); required\n"
        "  --min-efficiency F      the floor for the summary line (default 0.9)\n\n");
    fs_train_opts_help(FS_CMD_TRAIN);
}

static int table_out(const fs_train_opts *o, const fs_train_in *in, const fs_step *s,
                     const double *scaling, size_t n)
{
    bool csv = o->out == FS_OUT_CSV;
    /* MoE with expert parallelism: the exposed all-to-all after p2p_ms */
    bool moe = in->w.moe.experts > 0 && in->par.ep > 1;
    char tput[32];
    snprintf(tput, sizeof tput, "%s_per_s", fs_unit_name(in));
    /* text: bands in the cells; CSV: their ends in columns of their own */
    const char *names[] = {
        "gpus",       "nodes",    "dp",         "global_batch", "micro_batch",   "compute_ms",
        "exposed_ms", "tp_ms",    "bubble_ms",  "p2p_ms",       "a2a_ms",        "step_ms",
        "efficiency", "expected", "tflops_gpu", "mfu",          "scaling",       tput,
        "mem_GB",     "limit",    "step_ms_lo", "step_ms_hi",   "efficiency_lo", "efficiency_hi"};
    enum { A2A = 10, LIMIT = 19, NCOL = 24 };
    size_t last = csv ? NCOL : LIMIT + 1;
    const char *head[NCOL];
    size_t nc = 0, limit_col = 0;
    for (size_t k = 0; k < last; k++)
        if (k != A2A || moe) {
            if (k == LIMIT) limit_col = nc;
            head[nc++] = names[k];
        }
    fs_table t;
    if (fs_table_init(&t, nc, head)) return FS_EXIT_RUNTIME;
    t.right[limit_col] = false;
    for (size_t i = 0; i < n; i++) {
        char b[NCOL][64];
        const fs_step *x = &s[i];
        snprintf(b[0], 64, "%d", x->gpus);
        snprintf(b[1], 64, "%d", x->nodes);
        snprintf(b[2], 64, "%d", x->dp);
        snprintf(b[3], 64, "%.0f", x->global_batch);
        snprintf(b[4], 64, "%d", x->micro_batch);
        const char *all[NCOL] = {
            b[0],
            b[1],
            b[2],
            b[3],
            b[4],
            fs_fmt(b[5], 64, "%.4g", x->compute_us / 1e3),
            fs_fmt(b[6], 64, "%.4g", x->dp_exposed_us / 1e3),
            fs_fmt(b[7], 64, "%.4g", x->tp_us / 1e3),
            fs_fmt(b[8], 64, "%.4g", x->bubble_us / 1e3),
            fs_fmt(b[9], 64, "%.4g", x->p2p_us / 1e3),
            fs_fmt(b[10], 64, "%.4g", x->a2a_exposed_us / 1e3),
            csv ? fs_fmt(b[11], 64, "%.4g", x->step_us / 1e3)
                : fs_fmt_band(b[11], 64, "%.4g", x->step_us / 1e3, x->step_lo_us / 1e3,
                              x->step_hi_us / 1e3),
            csv ? fs_fmt(b[12], 64, "%.3f", x->efficiency)
                : fs_fmt_band(b[12], 64, "%.3f", x->efficiency, x->eff_lo, x->eff_hi),
            fs_fmt(b[13], 64, "%.3f", x->expected_eff),
            fs_fmt(b[14], 64, "%.4g", x->tflops_per_gpu),
            fs_fmt(b[15], 64, "%.3f", x->mfu),
            fs_fmt(b[16], 64, "%.3f", scaling[i]),
            fs_fmt(b[17], 64, "%.4g", x->throughput),
            fs_fmt(b[18], 64, x->fits ? "%.3g" : "%.3g!", x->mem_GB),
            fs_limit_name(x->limit),
            fs_fmt(b[20], 64, "%.4g", x->step_lo_us / 1e3),
            fs_fmt(b[21], 64, "%.4g", x->step_hi_us / 1e3),
            fs_fmt(b[22], 64, "%.3f", x->eff_lo),
            fs_fmt(b[23], 64, "%.3f", x->eff_hi)};
        const char *cells[NCOL];
        size_t k2 = 0;
        for (size_t k = 0; k < last; k++)
            if (k != A2A || moe) cells[k2++] = all[k];
        if (fs_table_row(&t, cells)) {
            fs_table_free(&t);
            return FS_EXIT_RUNTIME;
        }
    }
    fs_table_print(&t, stdout, csv);
    fs_table_free(&t);
    return 0;
}

/* The NIC link and where it came from: --link ALPHA,BW (checked against
 * the instance's NICs), --nominal (the instance's line rate), or RESULTS. */
static int get_link(const fs_train_opts *o, const fs_instance *inst, const fs_results *r,
                    fs_coll_model *net, char *label, size_t len, char *warn, size_t wlen,
                    fs_err *err)
{
    bool bits = false;
    memset(net, 0, sizeof *net);
    fs_link *nic = &net->inter;
    int spec = o->link ? fs_train_link_spec(o->link, nic, &bits, err) : 0;
    if (spec < 0) return FS_EXIT_INPUT;
    if (spec) {
        int rc = fs_train_link_check(o->link, nic, bits, inst, warn, wlen, err);
        if (rc) return rc;
        snprintf(label, len, "given (alpha %.3g us, %.4g GB/s)", nic->seg[0].alpha_us,
                 nic->seg[0].bandwidth_GBps);
        return 0;
    }
    if (isfinite(o->nominal_alpha_us) && !r) {
        if (!inst)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "train: --nominal uses the catalogue's NIC line rate: give "
                              "--instance TYPE");
        *nic = fs_link_hockney(o->nominal_alpha_us, inst->nic_Gbps / 8.0);
        snprintf(label, len, "nominal %s line rate %.4g Gb/s, alpha %.3g us",
                 inst->nic[0] ? inst->nic : "NIC", inst->nic_Gbps, o->nominal_alpha_us);
        return 0;
    }
    if (!r)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "train: no network link: give RESULTS (fabscale-bench, OSU or nccl-tests output), "
            "--link ALPHA_US,GB/s or --nominal ALPHA_US with --instance TYPE");
    if (isfinite(o->nominal_alpha_us))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "train: --nominal is for types without RESULTS; these RESULTS give "
                          "the link");
    return fs_train_link_from_results(r, (size_t)o->nfiles, o->link, net, label, len, warn, wlen,
                                      err);
}

int fs_cmd_train(int argc, char **argv)
{
    fs_train_opts o;
    fs_err err = {0};
    fs_catalog cat = {0};
    fs_results *r = NULL;
    fs_step *steps = NULL;
    double *scaling = NULL;
    int rc = fs_train_opts_parse(FS_CMD_TRAIN, argc, argv, &o, &err);
    if (rc == 0 && o.help) {
        help();
        fs_train_opts_free(&o);
        return 0;
    }
    if (rc == 0 && !o.ngpus)
        rc = fs_err_set(&err, FS_EXIT_INPUT, "train: give --gpus LIST (e.g. 8,64,512 or 8:4096)");
    if (rc == 0 && o.ninstances > 1)
        rc = fs_err_set(&err, FS_EXIT_INPUT,
                        "train: one --instance TYPE (use `fabscale compare` for several)");
    if (rc == 0) rc = fs_train_catalog(&o, &cat, &err);
    if (rc == 0 && o.nfiles > 0) rc = fs_cli_load("train", o.files, o.nfiles, &r, &err);
    fs_coll_model net;
    char link_label[900] = "", note[300] = "", warn[400] = "";
    const fs_instance *inst = NULL;
    if (rc == 0 && o.ninstances) {
        if (!(inst = fs_catalog_instance(&cat, o.instances[0]))) {
            char known[1024];
            rc = fs_err_set(&err, FS_EXIT_INPUT,
                            "--instance \"%s\": unknown type (known: %s; add one with --catalog)",
                            o.instances[0], fs_catalog_instance_names(&cat, known, sizeof known));
        }
    } else if (rc == 0 && r) {
        const char *t = fs_train_instance_of(&o, o.files[0], &r[0]);
        if (t && !(inst = fs_catalog_instance(&cat, t)))
            snprintf(note, sizeof note,
                     "the results say instance type \"%.100s\", which the catalogue does not know",
                     t);
    }
    if (rc == 0)
        rc = get_link(&o, inst, r, &net, link_label, sizeof link_label, warn, sizeof warn, &err);
    fs_train_in in;
    if (rc == 0) rc = fs_train_input(&o, &cat, inst, &net, &in, &err);
    if (rc == 0 && (!(steps = calloc(o.ngpus, sizeof *steps)) ||
                    !(scaling = calloc(o.ngpus, sizeof *scaling))))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    for (size_t i = 0; rc == 0 && i < o.ngpus; i++)
        rc = fs_train_step(&in, (int)o.gpus[i], &steps[i], &err);
    fs_step base;
    if (rc == 0) rc = fs_train_baseline(&in, o.baseline_gpus, &base, &err);
    if (rc) goto out;
    if (warn[0]) fprintf(stderr, "fabscale: warning: %s\n", warn);

    int largest = 0;
    size_t nofit = 0, first_nofit = 0;
    for (size_t i = 0; i < o.ngpus; i++) {
        scaling[i] = fs_train_scaling(&steps[i], &base);
        if (steps[i].efficiency >= o.min_eff && steps[i].fits && steps[i].gpus > largest)
            largest = steps[i].gpus;
        if (!steps[i].fits && nofit++ == 0) first_nofit = i;
    }
    char prov[1200], weak[400], nofit_msg[600] = "";
    fs_train_provenance(&o, &cat, &in, prov, sizeof prov);
    fs_desc_weak_scaling(&in, steps, o.ngpus, weak, sizeof weak);
    if (nofit)
        fs_desc_nofit(&in, &steps[first_nofit], inst ? inst->name : NULL, nofit_msg,
                      sizeof nofit_msg);
    const char *model = o.model ? o.model : NULL;
    if (o.out == FS_OUT_JSON) {
        json_t *j = fs_json_inputs(model, &in);
        json_t *rows = json_array();
        for (size_t i = 0; i < o.ngpus; i++) {
            json_t *x = fs_json_step(&steps[i], &in);
            json_object_set_new(x, "scaling", fs_cli_num(scaling[i]));
            json_array_append_new(rows, x);
        }
        json_object_set_new(j, "instance", inst ? json_string(inst->name) : json_null());
        json_object_set_new(j, "precision",
                            json_string(fs_precision_name(fs_train_precision(&o, &cat))));
        json_object_set_new(j, "link", json_string(link_label));
        json_object_set_new(j, "provenance", json_string(prov));
        json_object_set_new(j, "baseline_gpus", base.gpus ? json_integer(base.gpus) : json_null());
        json_object_set_new(j, "rows", rows);
        json_object_set_new(j, "min_efficiency", json_real(o.min_eff));
        json_object_set_new(j, "largest_gpus_above_min_efficiency",
                            largest ? json_integer(largest) : json_null());
        json_t *w = json_array();
        if (weak[0]) json_array_append_new(w, json_string(weak));
        if (warn[0]) json_array_append_new(w, json_string(warn));
        if (nofit) json_array_append_new(w, json_string(nofit_msg));
        json_object_set_new(j, "warnings", w);
        rc = fs_cli_print_json(j);
    } else if (o.out == FS_OUT_CSV) {
        rc = table_out(&o, &in, steps, scaling, o.ngpus);
    } else {
        char b[1200];
        printf("workload:    %s\n", fs_desc_workload(model, &in, b, sizeof b));
        printf("parallelism: %s\n", fs_desc_parallel(&in, b, sizeof b));
        printf("defaults:    %s\n", prov);
        printf("cluster:     %s%s%s\n", inst ? inst->name : "", inst ? ": " : "",
               fs_desc_cluster(&in, b, sizeof b));
        printf("network:     %s, one NIC\n", link_label);
        printf("compute:     %s\n",
               fs_desc_compute(&in, fs_precision_name(fs_train_precision(&o, &cat)), b, sizeof b));
        if (note[0]) printf("note:        %s\n", note);
        printf("\n");
        rc = table_out(&o, &in, steps, scaling, o.ngpus);
        if (in.w.moe.experts > 0 && in.par.ep > 1)
            printf("\n%s\n", fs_desc_a2a(&in, &steps[o.ngpus - 1], b, sizeof b));
        printf("\nefficiency = useful model FLOPs / (step x sustained), the network's cap; "
               "expected = x (1 - overhead);\nmfu = model FLOPs / (step x peak); scaling = "
               "per-GPU throughput / that at %d GPUs (--baseline-gpus)\n",
               base.gpus);
        if (largest)
            printf("largest GPU count with efficiency >= %.2f: %d\n", o.min_eff, largest);
        else
            printf("no listed GPU count keeps efficiency >= %.2f%s\n", o.min_eff,
                   nofit ? " in memory" : "");
        if (weak[0]) printf("note: %s\n", weak);
        if (nofit)
            printf("note: '!' marks counts whose model states and activations do not fit: %s\n",
                   nofit_msg);
    }
    if (rc == 0 && nofit == o.ngpus)
        rc = fs_err_set(&err, FS_EXIT_INPUT, "train: the layout fits at no listed count: %s",
                        nofit_msg);
out:
    if (rc && err.msg[0]) fs_cli_fail(&err);
    free(steps);
    free(scaling);
    if (r) fs_results_free_all(r, (size_t)o.nfiles);
    fs_catalog_free(&cat);
    fs_train_opts_free(&o);
    return rc;
}
