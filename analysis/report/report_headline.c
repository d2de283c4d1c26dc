/* report_headline.c - the report's first screen (see report_headline.h). */
#include "report_headline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_fit.h"
#include "predict.h"
#include "table.h"
#include "train_opts.h"

static const long default_nodes[] = {2, 16, 128};
static const long default_gpus[] = {64, 512, 4096};
static const char *const default_models[] = {"llama2-70b", "bert-large"};

typedef struct hl_lists {
    const long *nodes, *gpus;
    const char *const *models;
    size_t nnodes, ngpus, nmodels;
    double bytes;
} hl_lists;

static hl_lists lists(const fs_headline_opts *o)
{
    hl_lists l = {default_nodes, default_gpus, default_models, 3, 3, 2, 1073741824.0};
    if (o && o->nodes && o->nnodes) l.nodes = o->nodes, l.nnodes = o->nnodes;
    if (o && o->gpus && o->ngpus) l.gpus = o->gpus, l.ngpus = o->ngpus;
    if (o && o->models && o->nmodels) l.models = o->models, l.nmodels = o->nmodels;
    if (o && o->busbw_bytes > 0) l.bytes = o->busbw_bytes;
    if (l.nnodes > FS_HL_MAX) l.nnodes = FS_HL_MAX;
    if (l.ngpus > FS_HL_MAX) l.ngpus = FS_HL_MAX;
    if (l.nmodels > FS_HL_MAX) l.nmodels = FS_HL_MAX;
    return l;
}

/* The model input for preset `model` with its default parallelism, as
 * `fabscale train --model MODEL` builds it. */
static int train_input(const char *model, const fs_catalog *cat, const fs_instance *inst,
                       const fs_coll_model *net, fs_train_in *in, fs_err *err)
{
    fs_train_opts to;
    char *argv[] = {"train", "--model", (char *)model, NULL};
    int rc = fs_train_opts_parse(FS_CMD_TRAIN, 3, argv, &to, err);
    if (rc == 0) rc = fs_train_input(&to, cat, inst, net, in, err);
    fs_train_opts_free(&to);
    return rc;
}

/* Training at each GPU count on net, the file's calibrated network (one
 * NIC's link, as `fabscale train` takes it; NULL: none, e says why). */
static void train_row(fs_headline_row *row, const fs_coll_model *net, const fs_err *e,
                      const fs_catalog *cat, const fs_instance *inst, const hl_lists *L)
{
    for (size_t m = 0; m < L->nmodels; m++) {
        fs_train_in in;
        fs_err me = {0};
        bool ok = net && train_input(L->models[m], cat, inst, net, &in, &me) == 0;
        for (size_t g = 0; g < L->ngpus; g++) {
            fs_headline_train *t = &row->train[row->ntrain++];
            t->model = L->models[m];
            t->gpus = L->gpus[g];
            t->eff = t->lo = t->hi = NAN;
            t->limit = FS_LIMIT_COMPUTE;
            t->why[0] = '\0';
            if (!net) {
                snprintf(t->why, sizeof t->why, "no link: %.180s", e->msg);
                continue;
            }
            if (!ok) {
                snprintf(t->why, sizeof t->why, "%.195s", me.msg);
                continue;
            }
            fs_step s;
            fs_err se = {0};
            if (fs_train_step(&in, (int)L->gpus[g], &s, &se)) {
                snprintf(t->why, sizeof t->why, "%.195s", se.msg);
                continue;
            }
            if (!s.fits) {
                char hint[96];
                fs_train_fit_hint(&in, (int)L->gpus[g], hint, sizeof hint);
                snprintf(t->why, sizeof t->why, "does not fit in memory (%.1f GB per GPU)%s%s",
                         s.mem_GB, hint[0] ? "; try " : "", hint);
                continue;
            }
            t->eff = s.efficiency;
            /* a longer step is a lower efficiency: the ends are the step's band */
            t->lo = s.eff_lo;
            t->hi = s.eff_hi;
            t->limit = s.limit;
        }
    }
}

/* Network figures of link li of file r (FS_NO_LINK: derived from its
 * collectives).  The model is built and calibrated once, as `fabscale
 * train` builds it (one rank per node: how the collectives were measured);
 * busbw puts it in the instance's node shape, and *net receives it for the
 * training figures.  Returns false (e says why) when there is no model. */
static bool network_row(fs_headline_row *row, const fs_results *r, const fs_link_fit *links,
                        size_t nl, size_t li, const fs_instance *inst, const hl_lists *L,
                        int osu_ranks, fs_coll_model *net, fs_err *e)
{
    row->lat_us = row->lat_bytes = row->peak_GBps = row->n_half_bytes = row->msg_rate_Mps = NAN;
    row->oos_median = NAN;
    if (li != FS_NO_LINK) {
        const fs_link_fit *l = &links[li];
        fs_link_label(l, row->link, sizeof row->link);
        for (size_t k = 0; k < l->npoints; k++) /* sorted by kind, then bytes */
            if (l->points[k].kind == FS_FIT_LATENCY && !l->excluded[k]) {
                row->lat_us = l->points[k].time_us;
                row->lat_bytes = l->points[k].bytes;
                break;
            }
        row->peak_GBps = l->peak_GBps;
        row->n_half_bytes = l->n_half_bytes;
        row->msg_rate_Mps = l->msg_rate_Mps;
    } else {
        snprintf(row->link, sizeof row->link, "derived from the measured collectives");
    }
    char choice[32];
    snprintf(choice, sizeof choice, "%zu", li + 1);
    fs_model_info info;
    fs_model_opts mo = {.link = li == FS_NO_LINK ? NULL : choice,
                        .intra_GBps = NAN,
                        .intra_alpha_us = NAN,
                        .reduce_GBps = NAN,
                        .results = r,
                        .nresults = 1,
                        .default_ranks = osu_ranks,
                        .info = &info};
    size_t lidx, iidx;
    row->nnodes = L->nnodes;
    for (size_t k = 0; k < L->nnodes; k++) {
        row->nodes[k] = L->nodes[k];
        row->busbw[k] = row->busbw_lo[k] = row->busbw_hi[k] = NAN;
        row->algo[k] = FS_ALGO_AUTO;
    }
    if (fs_model_build(links, nl, &mo, net, &lidx, &iidx, e)) {
        snprintf(row->note + strlen(row->note), sizeof row->note - strlen(row->note),
                 "%sall-reduce not modelled: %.300s", row->note[0] ? " " : "", e->msg);
        return false;
    }
    fs_coll_model m = *net;
    row->ranks_per_node = 1;
    if (inst && inst->accelerators > 1 && inst->intra_GBps > 0) {
        m.ranks_per_node = row->ranks_per_node = inst->accelerators;
        m.nics_per_node = inst->nics;
        m.intra = fs_link_hockney(isfinite(inst->intra_alpha_us) ? inst->intra_alpha_us : 0,
                                  inst->intra_GBps);
    }
    row->calibrated = info.calibrated;
    if (info.calibrated && info.calib.headline.n) row->oos_median = info.calib.headline.median;
    for (size_t k = 0; k < L->nnodes; k++) {
        int p = (int)(L->nodes[k] * row->ranks_per_node);
        double lo, hi;
        double t = fs_coll_time_band_us(&m, FS_ALLREDUCE, FS_ALGO_AUTO, p, L->bytes, &row->algo[k],
                                        &lo, &hi);
        row->busbw[k] = fs_busbw_GBps(FS_ALLREDUCE, p, L->bytes, t);
        row->busbw_lo[k] = fs_busbw_GBps(FS_ALLREDUCE, p, L->bytes, hi); /* the band flips */
        row->busbw_hi[k] = fs_busbw_GBps(FS_ALLREDUCE, p, L->bytes, lo);
    }
    char w[2][FS_WARN_LEN];
    int pmax = (int)(L->nodes[L->nnodes - 1] * row->ranks_per_node);
    size_t nw = fs_model_warnings(&info, &m, pmax, w, 1);
    if (nw)
        snprintf(row->note + strlen(row->note), sizeof row->note - strlen(row->note), "%s%s",
                 row->note[0] ? " " : "", w[0]);
    return true;
}

static int add_row(fs_headline_row **rows, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        fs_headline_row *nr = realloc(*rows, nc * sizeof *nr);
        if (!nr) return -1;
        *rows = nr;
        *cap = nc;
    }
    memset(&(*rows)[*n], 0, sizeof **rows);
    (*n)++;
    return 0;
}

int fs_headline_build(const fs_results *r, size_t nr, const char (*names)[FS_REPORT_NAME_LEN],
                      const fs_catalog *cat, const char *cat_error, const fs_headline_opts *o,
                      fs_headline_row **rows, size_t *n, fs_err *err)
{
    hl_lists L = lists(o);
    *rows = NULL;
    *n = 0;
    size_t cap = 0;
    for (size_t f = 0; f < nr; f++) {
        fs_link_fit *links = NULL;
        size_t nl = 0;
        fs_err le = {0};
        int rc = fs_links_from_results(&r[f], 1, NULL, &links, &nl, &le);
        if (rc == FS_EXIT_RUNTIME) {
            free(*rows);
            *rows = NULL;
            *n = 0;
            return fs_err_set(err, rc, "%s", le.msg);
        }
        if (rc) nl = 0;
        const char *type = r[f].meta.instance_type && *r[f].meta.instance_type
                               ? r[f].meta.instance_type
                           : o ? o->instance
                               : NULL;
        const fs_instance *inst = cat && type ? fs_catalog_instance(cat, type) : NULL;
        for (size_t li = 0; li < (nl ? nl : 1); li++) {
            if (add_row(rows, n, &cap)) {
                fs_links_free(links, nl);
                free(*rows);
                *rows = NULL;
                *n = 0;
                return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
            }
            fs_headline_row *row = &(*rows)[*n - 1];
            row->file = f;
            snprintf(row->name, sizeof row->name, "%s", names[f]);
            snprintf(row->instance, sizeof row->instance, "%s", type ? type : "");
            size_t idx = nl ? li : FS_NO_LINK;
            fs_coll_model net;
            fs_err ne = {0};
            bool have_net =
                network_row(row, &r[f], links, nl, idx, inst, &L, o ? o->osu_ranks : 0, &net, &ne);
            char why[300] = "";
            if (!cat)
                snprintf(why, sizeof why, "training not modelled: %.250s",
                         cat_error ? cat_error : "no catalogue");
            else if (!type)
                snprintf(why, sizeof why,
                         "training not modelled: the file does not record its instance type "
                         "(give --instance TYPE)");
            else if (!inst)
                snprintf(why, sizeof why,
                         "training not modelled: instance type %.64s is not in the catalogue",
                         type);
            if (why[0]) {
                size_t l = strlen(row->note);
                snprintf(row->note + l, sizeof row->note - l, "%s%s", l ? " " : "", why);
            } else {
                train_row(row, have_net ? &net : NULL, &ne, cat, inst, &L);
            }
        }
        fs_links_free(links, nl);
    }
    return 0;
}

/* "5.76 (2.87-11.0)"; "-" for NAN. */
static const char *band(char *b, size_t len, double v, double lo, double hi, const char *fmt)
{
    if (!isfinite(v)) return NULL;
    char f[64];
    snprintf(f, sizeof f, "%s (%s-%s)", fmt, fmt, fmt);
    if (isfinite(lo) && isfinite(hi) && (lo != v || hi != v))
        snprintf(b, len, f, v, lo, hi);
    else
        snprintf(b, len, fmt, v);
    return b;
}

static void network_table(fs_doc *d, const fs_headline_row *rows, size_t n, const hl_lists *L)
{
    char hb[FS_HL_MAX][96], sz[32];
    const char *head[7 + FS_HL_MAX] = {"file",
                                       "link",
                                       "instance type",
                                       "latency (us)",
                                       "peak bandwidth (GB/s)",
                                       "n1/2",
                                       "model error out of sample"};
    fs_fmt_bytes(sz, sizeof sz, L->bytes, false);
    for (size_t k = 0; k < L->nnodes; k++) {
        snprintf(hb[k], sizeof hb[k], "all-reduce %s busbw GB/s, %ld nodes", sz, L->nodes[k]);
        head[7 + k] = hb[k];
    }
    fs_table t;
    if (fs_table_init(&t, 7 + L->nnodes, head)) return;
    t.right[0] = t.right[1] = t.right[2] = false;
    for (size_t i = 0; i < n; i++) {
        const fs_headline_row *w = &rows[i];
        char c[7 + FS_HL_MAX][96], lb[32];
        const char *cells[7 + FS_HL_MAX];
        cells[0] = w->name;
        cells[1] = w->link;
        cells[2] = w->instance[0] ? w->instance : NULL;
        cells[3] = NULL;
        if (isfinite(w->lat_us)) {
            snprintf(c[3], sizeof c[3], "%.3g at %s%s", w->lat_us,
                     fs_fmt_bytes(lb, sizeof lb, w->lat_bytes, false),
                     w->lat_bytes < 1024 ? " B" : "");
            cells[3] = c[3];
        }
        cells[4] = isfinite(w->peak_GBps) ? fs_fmt(c[4], sizeof c[4], "%.4g", w->peak_GBps) : NULL;
        cells[5] = isfinite(w->n_half_bytes)
                       ? fs_fmt_bytes(c[5], sizeof c[5], round(w->n_half_bytes), false)
                       : NULL;
        if (isfinite(w->oos_median))
            snprintf(c[6], sizeof c[6], "median %.1f%%", 100 * w->oos_median);
        else
            snprintf(c[6], sizeof c[6], "%s",
                     w->calibrated ? "unknown (one measured size)" : "unknown (no collectives)");
        cells[6] = c[6];
        for (size_t k = 0; k < L->nnodes; k++)
            cells[7 + k] = k < w->nnodes ? band(c[7 + k], sizeof c[7 + k], w->busbw[k],
                                                w->busbw_lo[k], w->busbw_hi[k], "%.3g")
                                         : NULL;
        fs_table_row(&t, cells);
    }
    fs_doc_table_id(d, &t, "headline-network");
    fs_table_free(&t);
}

/* One row per file, link and workload; one column per GPU count, each cell
 * the efficiency with its band and the term that limits it. */
static void training_table(fs_doc *d, const fs_headline_row *rows, size_t n, const hl_lists *L)
{
    char hb[FS_HL_MAX][64];
    const char *head[4 + FS_HL_MAX] = {"file", "link", "instance type", "workload"};
    for (size_t g = 0; g < L->ngpus; g++) {
        snprintf(hb[g], sizeof hb[g], "%ld GPUs: efficiency (95%% band), limit", L->gpus[g]);
        head[4 + g] = hb[g];
    }
    fs_table t;
    if (fs_table_init(&t, 4 + L->ngpus, head)) return;
    for (int c = 0; c < 4; c++) t.right[c] = false;
    for (size_t i = 0; i < n; i++) {
        const fs_headline_row *w = &rows[i];
        for (size_t k = 0; k + L->ngpus <= w->ntrain; k += L->ngpus) {
            char c[FS_HL_MAX][240];
            const char *cells[4 + FS_HL_MAX] = {w->name, w->link, w->instance, w->train[k].model};
            for (size_t g = 0; g < L->ngpus; g++) {
                const fs_headline_train *tr = &w->train[k + g];
                char e[96];
                if (isfinite(tr->eff))
                    snprintf(c[g], sizeof c[g], "%s, %s",
                             band(e, sizeof e, tr->eff, tr->lo, tr->hi, "%.3f"),
                             fs_limit_name(tr->limit));
                else
                    snprintf(c[g], sizeof c[g], "%s", tr->why);
                cells[4 + g] = c[g];
            }
            fs_table_row(&t, cells);
        }
    }
    if (t.nrows) fs_doc_table_id(d, &t, "headline-training");
    fs_table_free(&t);
}

void fs_headline_write(fs_doc *d, const fs_headline_row *rows, size_t n, const fs_headline_opts *o)
{
    hl_lists L = lists(o);
    fs_doc_section(d, "headline");
    fs_doc_heading(d, 2, "What the interconnect does");
    char sz[32];
    fs_fmt_bytes(sz, sizeof sz, L.bytes, false);
    bool shaped = false;
    for (size_t i = 0; i < n; i++) shaped |= rows[i].ranks_per_node > 1;
    network_table(d, rows, n, &L);
    fs_doc_note(
        d,
        "Per link measured in each file: latency is the measured p50 at the smallest "
        "size (half a round trip), peak bandwidth the largest measured of one stream, "
        "n1/2 the size reaching half of it; the model's error is its median |error| on measured "
        "collective points it was not calibrated with. All-reduce busbw at %s is the model's "
        "(fastest algorithm, nccl-tests convention) with its 95%% band, calibrated by the "
        "file's own measured collectives where it has them; %s.",
        sz,
        shaped ? "nodes of a known instance type hold all its GPUs, each NIC behaving "
                 "like the measured link; otherwise one rank per node"
               : "one rank per node");
    fs_doc_heading(d, 2, "What it means for training");
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) nt += rows[i].ntrain;
    if (nt) {
        training_table(d, rows, n, &L);
        fs_doc_note(d, "Efficiency = useful model FLOPs / (step time x sustained FLOP/s) of one "
                       "training step with the workload preset's parallelism, on the file's "
                       "instance type with each NIC behaving like the link; the band carries the "
                       "collective model's. The limit is the largest term beside compute: "
                       "dp-comm = exposed data-parallel communication (the network between "
                       "nodes), tp-comm = tensor-parallel communication (inside the node), "
                       "bubble = pipeline bubble, pp-p2p = pipeline messages, compute = the "
                       "network is hidden.");
    }
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].note[0]) continue;
        bool seen = false; /* one line per distinct note and file */
        for (size_t j = 0; j < i && !seen; j++)
            seen = rows[j].file == rows[i].file && strcmp(rows[j].note, rows[i].note) == 0;
        if (!seen) fs_doc_note(d, "%s, %s: %s", rows[i].name, rows[i].link, rows[i].note);
    }
    fs_doc_section_end(d);
}
