/* train_report.c - the report's training-efficiency section (see train_report.h). */
#include "train_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "gnuplot.h"
#include "table.h"
#include "train_opts.h"
#include "train_out.h"

#define MAXM 8
#define MAXG 32

static const char *const default_models[] = {"resnet50", "bert-large", "llama2-70b", "gpt3-175b",
                                             "mixtral-8x7b"};

static void note_file(fs_report_out *out, const char *f)
{
    if (out && out->nfiles < FS_REPORT_MAX_FILES) snprintf(out->files[out->nfiles++], 64, "%s", f);
}

/* The model input for preset `model` with its default parallelism. */
static int input_for(const char *model, const fs_catalog *cat, const fs_instance *inst,
                     const fs_coll_model *net, fs_train_in *in, fs_err *err)
{
    fs_train_opts o;
    char *argv[] = {"train", "--model", (char *)model, NULL};
    int rc = fs_train_opts_parse(FS_CMD_TRAIN, 3, argv, &o, err);
    if (rc == 0) rc = fs_train_input(&o, cat, inst, net, in, err);
    fs_train_opts_free(&o);
    return rc;
}

static int chart(const char *dir, const char *gnuplot, const char *const *models, size_t nm,
                 const long *gpus, size_t ng, double eff[MAXM][MAXG], double floor_,
                 fs_report_out *out, fs_err *err)
{
    char dat[4200], svg[4200], gp[4200], log[4200];
    snprintf(dat, sizeof dat, "%s/train_efficiency.dat", dir);
    snprintf(svg, sizeof svg, "%s/train_efficiency.svg", dir);
    snprintf(gp, sizeof gp, "%s/train_efficiency.gp", dir);
    snprintf(log, sizeof log, "%s/train_efficiency.log", dir);
    FILE *f = fopen(dat, "w");
    if (!f) return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write: %s", dat, strerror(errno));
    for (size_t m = 0; m < nm; m++) {
        fprintf(f, "%s# %s\n", m ? "\n\n" : "", models[m]);
        for (size_t k = 0; k < ng; k++)
            if (isfinite(eff[m][k])) fprintf(f, "%ld %.6f\n", gpus[k], eff[m][k]);
    }
    if (fclose(f)) return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write", dat);
    if (!(f = fopen(gp, "w")))
        return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write: %s", gp, strerror(errno));
    fputs("set terminal svg size 860,500 dynamic enhanced font 'sans,11' background rgb "
          "'white'\nset output ",
          f);
    fs_gnuplot_quote(f, svg);
    /* no title: the page captions the figure, once */
    fputs("\nset xlabel 'GPUs'\nset ylabel 'efficiency = compute / step'\nset logscale "
          "x 2\n"
          "set yrange [0:1.05]\nset grid\nset key outside below noenhanced\nplot ",
          f);
    for (size_t m = 0; m < nm; m++) {
        fs_gnuplot_quote(f, dat);
        fprintf(f, " index %zu using 1:2 with linespoints pt 7 ps 0.6 title ", m);
        fs_gnuplot_quote(f, models[m]);
        fputs(", \\\n  ", f);
    }
    fprintf(f, "%.4f with lines dt 2 lc rgb 'gray' title 'floor %.2f'\nunset output\n", floor_,
            floor_);
    if (fclose(f)) return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write", gp);
    note_file(out, "train_efficiency.dat");
    note_file(out, "train_efficiency.gp");
    int rc = fs_gnuplot_run(gnuplot, gp, log, err);
    if (rc == 0) {
        note_file(out, "train_efficiency.svg");
        if (out) out->charts++;
    }
    return rc;
}

int fs_train_report_section(fs_doc *d, const char *dir, const char *gnuplot, const fs_results *r,
                            size_t nr, const fs_train_report_opts *o, fs_report_out *out,
                            fs_err *err)
{
    fs_train_report_opts def = {0};
    if (!o) o = &def;
    const char *const *models = o->models ? o->models : default_models;
    size_t nm = o->models ? o->nmodels : sizeof default_models / sizeof default_models[0];
    long g_default[11];
    for (int i = 0; i < 11; i++) g_default[i] = 8L << i;
    const long *gpus = o->gpus ? o->gpus : g_default;
    size_t ng = o->gpus ? o->ngpus : 11;
    if (nm > MAXM) nm = MAXM;
    if (ng > MAXG) ng = MAXG;
    double floor_ = o->min_eff > 0 ? o->min_eff : 0.9;

    fs_doc_heading(d, 2, "Training efficiency (model)");
    fs_catalog cat = {0}; /* the loader merges into it: it must start empty */
    fs_err e = {0};
    if (fs_catalog_load_default(&cat, &e)) {
        fs_doc_para(d, "Not modelled: %s", e.msg);
        fs_catalog_free(&cat);
        return 0;
    }
    const char *type = o->instance;
    for (size_t i = 0; !type && i < nr; i++)
        if (r[i].meta.instance_type && *r[i].meta.instance_type) type = r[i].meta.instance_type;
    const fs_instance *inst = type ? fs_catalog_instance(&cat, type) : NULL;
    fs_coll_model nic;
    char label[700];
    if (!inst) {
        fs_doc_para(d,
                    "Not modelled: %s. `fabscale train RESULTS --instance TYPE --model PRESET "
                    "--gpus LIST` gives "
                    "this table for any instance type and workload.",
                    type ? "the results' instance type is not in the catalogue"
                         : "the results do not say which instance type they were measured on "
                           "(meta.instance_type)");
        fs_catalog_free(&cat);
        return 0;
    }
    if (fs_train_link_from_results(r, nr, NULL, &nic, label, sizeof label, NULL, 0, &e)) {
        fs_doc_para(d, "Not modelled: no network link could be fitted (%s).", e.msg);
        fs_catalog_free(&cat);
        return 0;
    }
    double eff[MAXM][MAXG];
    /* MoE workloads: the all-to-all at the largest count that ran */
    char a2a[MAXM][600];
    const char *head[1 + MAXM];
    head[0] = "gpus";
    for (size_t m = 0; m < nm; m++) {
        head[1 + m] = models[m];
        fs_train_in in;
        memset(&e, 0, sizeof e);
        bool ok = input_for(models[m], &cat, inst, &nic, &in, &e) == 0;
        a2a[m][0] = '\0';
        for (size_t k = 0; k < ng; k++) {
            fs_step s;
            fs_err e2 = {0};
            /* counts the preset's layout cannot use, or where it does not fit, stay empty */
            eff[m][k] =
                ok && fs_train_step(&in, (int)gpus[k], &s, &e2) == 0 && s.fits ? s.efficiency : NAN;
            if (isfinite(eff[m][k]) && in.w.moe.experts > 0 && in.par.ep > 1) {
                char b[560];
                snprintf(a2a[m], sizeof a2a[m], "%s: %s; the step's limit: %s.", models[m],
                         fs_desc_a2a(&in, &s, b, sizeof b), fs_limit_name(s.limit));
            }
        }
    }
    fs_doc_para(d,
                "Efficiency = useful model FLOPs / (step time x sustained FLOP/s) of one training "
                "step at each GPU count on %s (%d accelerators and %d NICs per node), each NIC "
                "behaving like the link %s. Each workload uses its preset's parallelism, batch, "
                "precision and framework, and the kernels' sustained fraction of peak its preset "
                "cites; counts where the layout cannot run or its states and activations do not "
                "fit in memory are empty. `fabscale train` shows every term (MFU, memory, the "
                "collectives' band) and takes other settings.",
                inst->name, inst->accelerators, inst->nics, label);
    fs_table t;
    int rc = 0;
    if (fs_table_init(&t, 1 + nm, head)) {
        fs_catalog_free(&cat);
        return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    }
    for (size_t k = 0; k < ng; k++) {
        char b[1 + MAXM][32];
        const char *cells[1 + MAXM];
        snprintf(b[0], 32, "%ld", gpus[k]);
        cells[0] = b[0];
        for (size_t m = 0; m < nm; m++) cells[1 + m] = fs_fmt(b[1 + m], 32, "%.3f", eff[m][k]);
        fs_table_row(&t, cells);
    }
    if (gnuplot) {
        char title[300];
        snprintf(title, sizeof title, "Training efficiency vs GPUs on %s (model)", inst->name);
        rc = chart(dir, gnuplot, models, nm, gpus, ng, eff, floor_, out, err);
        if (rc == 0) {
            char path[4200];
            snprintf(path, sizeof path, "%s/train_efficiency.svg", dir);
            fs_doc_chart(d, "train_efficiency.svg", path, title);
        }
    }
    fs_doc_table(d, &t);
    fs_table_free(&t);
    for (size_t m = 0; m < nm; m++)
        if (a2a[m][0]) fs_doc_para(d, "%s", a2a[m]);
    fs_catalog_free(&cat);
    return rc;
}
