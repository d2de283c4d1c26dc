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
        "       fabscale train --link ALPHA_US,GBPS --instance TYPE --params N ... --gpus LIST\n\n"
        "Training-step time at each GPU count: compute, data-parallel communication and how much "
        "of it\n"
        "hides behind backward, tensor-parallel and pipeline costs, efficiency = compute / step,\n"
        "throughput, and which term limits it; then the largest count above --min-efficiency.\n"
        "The network link is the one fitted from RESULTS (as `fabscale fit` shows it), taken as "
        "one\n"
        "NIC's: each GPU gets NICs x bandwidth / GPUs-per-node of it.\n\n"
        "  --gpus LIST             GPU counts: 8,64,512 or 8:4096 (powers of two); required\n"
        "  --min-efficiency F      the floor for the summary line (default 0.9)\n\n");
    fs_train_opts_help(FS_CMD_TRAIN);
}

static int table_out(const fs_train_opts *o, const fs_train_in *in, const fs_step *s, size_t n)
{
    char tput[32];
    snprintf(tput, sizeof tput, "%s_per_s", fs_unit_name(in));
    const char *head[] = {"gpus",       "nodes",      "dp",    "global_batch", "compute_ms",
                          "dp_comm_ms", "exposed_ms", "tp_ms", "bubble_ms",    "p2p_ms",
                          "step_ms",    "efficiency", tput,    "state_GB",     "limit"};
    fs_table t;
    if (fs_table_init(&t, 15, head)) return FS_EXIT_RUNTIME;
    t.right[14] = false;
    for (size_t i = 0; i < n; i++) {
        char b[15][48];
        const fs_step *x = &s[i];
        snprintf(b[0], 48, "%d", x->gpus);
        snprintf(b[1], 48, "%d", x->nodes);
        snprintf(b[2], 48, "%d", x->dp);
        snprintf(b[3], 48, "%.0f", x->global_batch);
        const char *cells[15] = {b[0],
                                 b[1],
                                 b[2],
                                 b[3],
                                 fs_fmt(b[4], 48, "%.4g", x->compute_us / 1e3),
                                 fs_fmt(b[5], 48, "%.4g", x->dp_comm_us / 1e3),
                                 fs_fmt(b[6], 48, "%.4g", x->dp_exposed_us / 1e3),
                                 fs_fmt(b[7], 48, "%.4g", x->tp_us / 1e3),
                                 fs_fmt(b[8], 48, "%.4g", x->bubble_us / 1e3),
                                 fs_fmt(b[9], 48, "%.4g", x->p2p_us / 1e3),
                                 fs_fmt(b[10], 48, "%.4g", x->step_us / 1e3),
                                 fs_fmt(b[11], 48, "%.3f", x->efficiency),
                                 fs_fmt(b[12], 48, "%.4g", x->throughput),
                                 fs_fmt(b[13], 48, x->fits ? "%.3g" : "%.3g!", x->state_GB),
                                 fs_limit_name(x->limit)};
        if (fs_table_row(&t, cells)) {
            fs_table_free(&t);
            return FS_EXIT_RUNTIME;
        }
    }
    fs_table_print(&t, stdout, o->out == FS_OUT_CSV);
    fs_table_free(&t);
    return 0;
}

/* The NIC link and where it came from. */
static int get_link(const fs_train_opts *o, fs_results **r, fs_link *nic, char *label, size_t len,
                    fs_err *err)
{
    *r = NULL;
    int spec = o->link ? fs_train_link_spec(o->link, nic, err) : 0;
    if (spec < 0) return FS_EXIT_INPUT;
    if (o->nfiles > 0) {
        int rc = fs_cli_load("train", o->files, o->nfiles, r, err);
        if (rc) return rc;
    }
    if (spec) {
        snprintf(label, len, "given (alpha %.3g us, %.4g GB/s)", nic->seg[0].alpha_us,
                 nic->seg[0].bandwidth_GBps);
        return 0;
    }
    if (!*r)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "train: no network link: give RESULTS (fabscale-bench, OSU or nccl-tests output) or "
            "--link ALPHA_US,GBPS");
    return fs_train_link_from_results(*r, (size_t)o->nfiles, o->link, nic, label, len, err);
}

int fs_cmd_train(int argc, char **argv)
{
    fs_train_opts o;
    fs_err err = {0};
    fs_catalog cat = {0};
    fs_results *r = NULL;
    fs_step *steps = NULL;
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
    fs_link nic;
    char link_label[900] = "", note[300] = "";
    if (rc == 0) rc = get_link(&o, &r, &nic, link_label, sizeof link_label, &err);
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
    fs_train_in in;
    if (rc == 0) rc = fs_train_input(&o, &cat, inst, &nic, &in, &err);
    if (rc == 0 && !(steps = calloc(o.ngpus, sizeof *steps)))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    for (size_t i = 0; rc == 0 && i < o.ngpus; i++)
        rc = fs_train_step(&in, (int)o.gpus[i], &steps[i], &err);
    if (rc) goto out;

    int largest = 0;
    bool nofit = false;
    for (size_t i = 0; i < o.ngpus; i++) {
        if (steps[i].efficiency >= o.min_eff && steps[i].fits && steps[i].gpus > largest)
            largest = steps[i].gpus;
        nofit |= !steps[i].fits;
    }
    const char *model = o.model ? o.model : NULL;
    if (o.out == FS_OUT_JSON) {
        json_t *j = fs_json_inputs(model, &in);
        json_t *rows = json_array();
        for (size_t i = 0; i < o.ngpus; i++)
            json_array_append_new(rows, fs_json_step(&steps[i], &in));
        json_object_set_new(j, "instance", inst ? json_string(inst->name) : json_null());
        json_object_set_new(j, "link", json_string(link_label));
        json_object_set_new(j, "rows", rows);
        json_object_set_new(j, "min_efficiency", json_real(o.min_eff));
        json_object_set_new(j, "largest_gpus_above_min_efficiency",
                            largest ? json_integer(largest) : json_null());
        rc = fs_cli_print_json(j);
        goto out;
    }
    if (o.out == FS_OUT_CSV) {
        rc = table_out(&o, &in, steps, o.ngpus);
        goto out;
    }
    char b[1200];
    printf("workload:    %s\n", fs_desc_workload(model, &in, b, sizeof b));
    printf("parallelism: %s\n", fs_desc_parallel(&in, b, sizeof b));
    printf("cluster:     %s%s%s\n", inst ? inst->name : "", inst ? ": " : "",
           fs_desc_cluster(&in, b, sizeof b));
    printf("network:     %s, one NIC\n", link_label);
    printf("compute:     %s\n",
           fs_desc_compute(&in, inst ? inst->peak_tflops : NAN, o.mfu, b, sizeof b));
    if (note[0]) printf("note:        %s\n", note);
    printf("\n");
    rc = table_out(&o, &in, steps, o.ngpus);
    printf("\n");
    if (largest)
        printf("largest GPU count with efficiency >= %.2f: %d\n", o.min_eff, largest);
    else
        printf("no listed GPU count keeps efficiency >= %.2f%s\n", o.min_eff,
               nofit ? " with model states in memory" : "");
    if (nofit)
        printf("note: '!' marks counts whose model states (activations not counted) exceed the "
               "%.4g GB of accelerator "
               "memory: use --zero, --tp or --pp\n",
               in.cl.mem_GB);
out:
    if (rc && err.msg[0]) fs_cli_fail(&err);
    free(steps);
    if (r) fs_results_free_all(r, (size_t)o.nfiles);
    fs_catalog_free(&cat);
    fs_train_opts_free(&o);
    return rc;
}
