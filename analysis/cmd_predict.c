/*
 * cmd_predict.c - `fabscale predict`: collective time and busbw at any
 * rank count from a fitted link, per algorithm, and the model's error at
 * every measured collective point in the results.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collective_algo.h"
#include "cmd.h"
#include "predict.h"
#include "sizes.h"
#include "table.h"

static void help(void)
{
    printf(
        "usage: fabscale predict [options] RESULTS...\n"
        "       fabscale predict --link ALPHA_US:GBPS [options]\n\n"
        "Predicts all-reduce, reduce-scatter, all-gather and all-to-all time and bus bandwidth\n"
        "at the given rank counts from the link fitted by `fabscale fit` (piecewise Hockney),\n"
        "for ring, recursive doubling (rd), Rabenseifner, binomial tree, the hierarchical\n"
        "two-level model (hier), NCCL's algorithms on GPU nodes, pairwise / Bruck / NCCL's\n"
        "all-to-all, and auto (the fastest per size).  Sizes are the whole vector (nccl-tests\n"
        "convention; all-to-all: one rank's send buffer, n/p per peer); busbw = algbw x\n"
        "2(p-1)/p (all-reduce) or (p-1)/p.  Where RESULTS hold\n"
        "measured collectives (fabscale, OSU, nccl-tests), they calibrate the model: per\n"
        "algorithm the achieved fraction of link bandwidth, an overhead per step and the\n"
        "reduction throughput; nccl-tests logs alone give a link derived from their curve.\n"
        "Every prediction carries its 95%% band (from the out-of-sample residuals and the\n"
        "link fit's), and the model's error at every measured point is printed in sample,\n"
        "out of sample (calibrated without that size) and before calibration: (model -\n"
        "measured) / measured, measured = p50 where recorded, else the mean.  A warning\n"
        "says when the link changed between the latency benchmark and a collective, so that\n"
        "the errors measure that change: the runs' link probes (fabscale-bench's 8-byte\n"
        "ping-pong before and after each run) more than 1.5x apart among the point-to-point\n"
        "runs, or a collective's more than 1.5x outside theirs; without probes, fabscale's\n"
        "own collective faster than the fastest message measured on its link.\n\n"
        "options:\n"
        "  --ranks LIST          rank counts: 2,8,64 or MIN:MAX[:FACTOR] (default 2:1024)\n"
        "  --sizes LIST          sizes: 8,1K,1M or MIN:MAX[:FACTOR] (default 8:1G:8)\n"
        "  --collective LIST     allreduce,reduce_scatter,allgather,alltoall or all (default\n"
        "                        allreduce)\n"
        "  --algorithm LIST      "
        "ring,rd,rabenseifner,tree,hier,auto,nccl_ring,nccl_tree,pat,nvls,\n"
        "                        pairwise,bruck,nccl_a2a (each shown for the collectives it runs)\n"
        "                        (default: the model library's that apply, and auto)\n"
        "  --link L              the link to model: N (from `fit`), TRANSPORT/PROVIDER, or\n"
        "                        ALPHA_US:GBPS (no RESULTS needed); default: the first link\n"
        "                        between two different hosts, else the first link\n"
        "  --ranks-per-node G    hierarchical model: G ranks per node (enables hier)\n"
        "  --intra-GBps B        intra-node bandwidth for hier (default: a same-host link in\n"
        "  --intra-alpha-us A    RESULTS); intra-node latency (default 0)\n"
        "  --nics-per-node K     NICs a node's ranks share in hier's inter-node phase (default 1)\n"
        "  --reduce-GBps R       reduction throughput (gamma = 1/R); default: reduction ignored\n"
        "  --osu-ranks N         rank count of measured collectives that do not record it\n"
        "                        (OSU output does not)\n"
        "  --no-check            skip the comparison with measured collectives\n"
        "  --json / --csv        machine-readable output (CSV: predictions, a blank line, then\n"
        "                        the measured-vs-model table)\n"
        "  -h, --help            this help\n\n" FS_SIZE_GRAMMAR_HELP);
}

typedef struct popts {
    long *ranks;
    size_t nranks;
    double *sizes;
    size_t nsizes;
    int colls[FS_COLL_COUNT];
    size_t ncolls;
    int algos[FS_ALGO_COUNT];
    size_t nalgos;
    bool algos_given;
    fs_model_opts mo;
    long osu_ranks;
    bool check;
    bool banded; /* the model carries a band (calibrated) */
    fs_out out;
} popts;

static const char *model_desc(char *buf, size_t len, const fs_link_fit *links, size_t li, size_t ii,
                              const fs_coll_model *m, const fs_model_info *info)
{
    char lab[400], il[400];
    if (info->link_derived)
        snprintf(lab, sizeof lab,
                 "link derived from the measured collectives (alpha %.3g us, %.4g GB/s)",
                 m->inter.seg[0].alpha_us, m->inter.seg[0].bandwidth_GBps);
    else if (li == FS_NO_LINK)
        snprintf(lab, sizeof lab, "given link (alpha %.3g us, %.4g GB/s)", m->inter.seg[0].alpha_us,
                 m->inter.seg[0].bandwidth_GBps);
    else {
        char l2[360];
        snprintf(lab, sizeof lab, "link %zu %s, %d segment(s)", li + 1,
                 fs_link_label(&links[li], l2, sizeof l2), m->inter.nseg);
    }
    if (m->ranks_per_node > 1) {
        if (ii != FS_NO_LINK) {
            char l2[360];
            snprintf(il, sizeof il, "; %d ranks/node, intra link %zu %s, %d NIC(s)/node",
                     m->ranks_per_node, ii + 1, fs_link_label(&links[ii], l2, sizeof l2),
                     m->nics_per_node);
        } else {
            snprintf(il, sizeof il,
                     "; %d ranks/node, intra %.4g GB/s alpha %.3g us, %d NIC(s)/node",
                     m->ranks_per_node, m->intra.seg[0].bandwidth_GBps, m->intra.seg[0].alpha_us,
                     m->nics_per_node);
        }
    } else {
        snprintf(il, sizeof il, "; one rank per node");
    }
    char gm[80];
    if (info->calib.gamma_fitted)
        snprintf(gm, sizeof gm, "reduction %.3g GB/s (calibrated)", 1e-3 / m->gamma_us_per_byte);
    else if (m->gamma_us_per_byte > 0)
        snprintf(gm, sizeof gm, "reduction %.3g GB/s (--reduce-GBps)", 1e-3 / m->gamma_us_per_byte);
    else
        snprintf(gm, sizeof gm, "reduction cost %s",
                 info->calibrated ? "in the calibrated efficiency" : "ignored");
    snprintf(buf, len, "%s%s; %s; %s", lab, il, gm,
             info->calibrated ? "calibrated by the measured collectives on this link"
                              : "not calibrated (no measured collectives on this link)");
    return buf;
}

/* The model's error, printed before any prediction: what a reader must
 * know first. */
static void error_summary_text(const fs_model_info *info, const fs_coll_model *m)
{
    const fs_calib_summary *s = &info->calib;
    char h[160], i[160], b[160];
    if (!info->calibrated) {
        printf("model error: unknown - no measured collectives on this link to check it against "
               "(measure an all-reduce to calibrate the model and see its error)\n");
        return;
    }
    if (!s->headline.n) {
        printf("model error: not measurable out of sample - calibrated by %zu point(s) of a "
               "single size (in sample %s); measure more sizes\n",
               s->points, fs_calib_error_str(&s->in, NULL, i, sizeof i));
        return;
    }
    printf("MODEL ERROR OUT OF SAMPLE: %s\n",
           fs_calib_error_str(&s->headline, s->headline_kind, h, sizeof h));
    if (s->cv.n && strcmp(s->headline_kind, "leave-one-size-out") != 0)
        printf("  leave-one-size-out: %s\n", fs_calib_error_str(&s->cv, NULL, h, sizeof h));
    printf("  in sample (calibrated): %s\n", fs_calib_error_str(&s->in, NULL, i, sizeof i));
    if (!info->link_derived)
        printf("  point-to-point only (uncalibrated): %s\n",
               fs_calib_error_str(&s->base, NULL, b, sizeof b));
    if (info->link_derived) {
        const fs_coll_calib *k = &m->calib[FS_ALGO_AUTO];
        printf("  95%% band of the time: %.2f-%.2f x the model\n", k->rel_lo, k->rel_hi);
        return;
    }
    /* the measured algorithms; the others borrow the library's (auto) terms */
    printf("  calibrated terms (95%% band of the time):");
    const char *sep = "";
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        const fs_coll_calib *k = &m->calib[a];
        if (k->points <= 0) continue;
        printf("%s %s %.1f%% of the link bandwidth + %.3g us per step (%.2f-%.2f)", sep,
               fs_algo_name((fs_algo)a), 100 * (k->bw_efficiency > 0 ? k->bw_efficiency : 1),
               k->step_overhead_us, k->rel_lo, k->rel_hi);
        sep = ";";
    }
    printf("\n");
}

/* By default a table shows the algorithms of the model's library (MPI's,
 * or NCCL's on a GPU cluster), auto, and hier where nodes hold several
 * ranks. */
static bool of_library(const fs_coll_model *m, fs_algo a)
{
    const fs_algo_desc *d = fs_algo_get(a);
    return d && (d->library == FS_LIB_DEFAULT || d->library == fs_coll_model_library(m));
}

static json_t *error_json(const fs_calib_error *e, const char *kind)
{
    json_t *j = json_pack("{s:I,s:o,s:o}", "points", (json_int_t)e->n, "median",
                          fs_cli_num(e->median), "max", fs_cli_num(e->max));
    if (kind) json_object_set_new(j, "kind", json_string(kind));
    return j;
}

/* What the model rests on, for --json: errors in and out of sample and
 * the calibrated terms per algorithm. */
static json_t *calibration_json(const fs_model_info *info, const fs_coll_model *m)
{
    const fs_calib_summary *s = &info->calib;
    json_t *terms = json_array();
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        const fs_coll_calib *k = &m->calib[a];
        if (a == FS_ALGO_HIER || !(k->rel_hi > 0)) continue;
        json_array_append_new(
            terms, json_pack("{s:s,s:f,s:f,s:f,s:f,s:i,s:i}", "algorithm", fs_algo_name((fs_algo)a),
                             "bw_efficiency", k->bw_efficiency > 0 ? k->bw_efficiency : 1.0,
                             "step_overhead_us", k->step_overhead_us, "rel_lo", k->rel_lo, "rel_hi",
                             k->rel_hi, "points", k->points, "max_ranks", k->max_ranks));
    }
    return json_pack(
        "{s:b,s:b,s:b,s:I,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "calibrated", info->calibrated,
        "link_derived", info->link_derived, "gamma_fitted", s->gamma_fitted, "points",
        (json_int_t)s->points, "sizes", s->sizes, "rank_counts", s->rank_counts, "out_of_sample",
        error_json(&s->headline, s->headline_kind), "leave_one_size_out", error_json(&s->cv, NULL),
        "leave_one_rank_count_out", error_json(&s->cv_rank, NULL), "in_sample",
        error_json(&s->in, NULL), "uncalibrated", error_json(&s->base, NULL), "reduce_GBps",
        fs_cli_num(m->gamma_us_per_byte > 0 ? 1e-3 / m->gamma_us_per_byte : NAN), "terms", terms);
}

/* "1234 (1100-1400)"; the value alone when the model carries no band (not
 * calibrated): a zero-width band would claim a certainty nobody measured. */
static void band_cell(char *buf, double t, double lo, double hi)
{
    if (!(hi > lo))
        snprintf(buf, 48, "%.4g", t);
    else if (t < 1e5)
        snprintf(buf, 48, "%.4g (%.4g-%.4g)", t, lo, hi);
    else
        snprintf(buf, 48, "%.4g (%.3g-%.3g)", t, lo, hi);
}

/* Does algorithm a run collective c (auto runs every one)? */
static bool runs(fs_algo a, fs_collective c)
{
    const fs_algo_desc *d = fs_algo_get(a);
    return d && (a == FS_ALGO_AUTO || (d->ops & FS_OP(c)));
}

/* Text: one table per collective, a column per algorithm. */
static int predictions_text(const popts *o, const fs_coll_model *m)
{
    for (size_t ci = 0; ci < o->ncolls; ci++) {
        fs_collective coll = (fs_collective)o->colls[ci];
        const char *head[FS_ALGO_COUNT + 4];
        size_t nh = 0;
        head[nh++] = "ranks";
        head[nh++] = "size";
        for (size_t a = 0; a < o->nalgos; a++)
            if (runs((fs_algo)o->algos[a], coll)) head[nh++] = fs_algo_name((fs_algo)o->algos[a]);
        head[nh++] = "fastest";
        head[nh++] = "busbw_GBps";
        printf("%s%s: time (us) per algorithm and busbw of the fastest, %s\n", ci ? "\n" : "",
               fs_coll_name(coll),
               o->banded ? "each with its 95% band"
                         : "without a band (not calibrated: the error is unknown)");
        fs_table t;
        if (fs_table_init(&t, nh, head)) return FS_EXIT_RUNTIME;
        for (size_t ri = 0; ri < o->nranks; ri++)
            for (size_t si = 0; si < o->nsizes; si++) {
                int p = (int)o->ranks[ri];
                double n = o->sizes[si], best = INFINITY;
                fs_algo bestA = FS_ALGO_AUTO;
                char cell[FS_ALGO_COUNT + 4][48];
                const char *cells[FS_ALGO_COUNT + 4];
                size_t k = 0;
                snprintf(cell[k], 48, "%d", p);
                cells[k] = cell[k];
                k++;
                cells[k] = fs_fmt_bytes(cell[k], 48, n, false);
                k++;
                double blo = NAN, bhi = NAN;
                for (size_t a = 0; a < o->nalgos; a++) {
                    fs_algo alg = (fs_algo)o->algos[a], ch;
                    if (!runs(alg, coll)) continue;
                    double lo, hi;
                    double tus = fs_coll_time_band_us(m, coll, alg, p, n, &ch, &lo, &hi);
                    if (tus < best) best = tus, bestA = ch, blo = lo, bhi = hi;
                    band_cell(cell[k], tus, lo, hi);
                    cells[k] = isfinite(tus) ? cell[k] : NULL;
                    k++;
                }
                cells[k++] = isfinite(best) ? fs_algo_name(bestA) : NULL;
                /* a longer time is a lower busbw: the band flips */
                band_cell(cell[k], fs_busbw_GBps(coll, p, n, best), fs_busbw_GBps(coll, p, n, bhi),
                          fs_busbw_GBps(coll, p, n, blo));
                cells[k] = isfinite(best) ? cell[k] : NULL;
                k++;
                if (fs_table_row(&t, cells)) {
                    fs_table_free(&t);
                    return FS_EXIT_RUNTIME;
                }
            }
        fs_table_print(&t, stdout, false);
        fs_table_free(&t);
    }
    return 0;
}

/* CSV and JSON: one row per (collective, ranks, size, algorithm). */
static int predictions_rows(const popts *o, const fs_coll_model *m, json_t *jarr)
{
    static const char *const head[] = {
        "collective", "ranks",      "bytes",      "algorithm",  "chosen",        "time_us",
        "time_lo_us", "time_hi_us", "algbw_GBps", "busbw_GBps", "busbw_lo_GBps", "busbw_hi_GBps"};
    fs_table t;
    if (!jarr && fs_table_init(&t, 12, head)) return FS_EXIT_RUNTIME;
    for (size_t ci = 0; ci < o->ncolls; ci++)
        for (size_t ri = 0; ri < o->nranks; ri++)
            for (size_t si = 0; si < o->nsizes; si++)
                for (size_t a = 0; a < o->nalgos; a++) {
                    fs_collective coll = (fs_collective)o->colls[ci];
                    fs_algo alg = (fs_algo)o->algos[a], ch;
                    if (!runs(alg, coll)) continue;
                    int p = (int)o->ranks[ri];
                    double n = o->sizes[si];
                    double lo, hi;
                    double tus = fs_coll_time_band_us(m, coll, alg, p, n, &ch, &lo, &hi);
                    double algbw = tus > 0 ? n / (tus * 1e3) : NAN,
                           bus = fs_busbw_GBps(coll, p, n, tus),
                           bus_lo = fs_busbw_GBps(coll, p, n, hi),
                           bus_hi = fs_busbw_GBps(coll, p, n, lo);
                    if (jarr) {
                        /* lo / hi: the 95% band's bounds of each quantity */
                        json_array_append_new(
                            jarr,
                            json_pack("{s:s,s:i,s:f,s:s,s:s,s:o,s:o,s:o,s:{s:o,s:o},s:{s:o,s:o}}",
                                      "collective", fs_coll_name(coll), "ranks", p, "bytes", n,
                                      "algorithm", fs_algo_name(alg), "chosen", fs_algo_name(ch),
                                      "time_us", fs_cli_num(tus), "algbw_GBps", fs_cli_num(algbw),
                                      "busbw_GBps", fs_cli_num(bus), "lo", "time_us",
                                      fs_cli_num(lo), "busbw_GBps", fs_cli_num(bus_lo), "hi",
                                      "time_us", fs_cli_num(hi), "busbw_GBps", fs_cli_num(bus_hi)));
                        continue;
                    }
                    char b[9][40];
                    snprintf(b[0], 40, "%d", p);
                    const char *row[] = {fs_coll_name(coll),
                                         b[0],
                                         fs_fmt(b[1], 40, "%.0f", n),
                                         fs_algo_name(alg),
                                         fs_algo_name(ch),
                                         fs_fmt(b[2], 40, "%.6g", tus),
                                         fs_fmt(b[5], 40, "%.6g", lo),
                                         fs_fmt(b[6], 40, "%.6g", hi),
                                         fs_fmt(b[3], 40, "%.6g", algbw),
                                         fs_fmt(b[4], 40, "%.6g", bus),
                                         fs_fmt(b[7], 40, "%.6g", bus_lo),
                                         fs_fmt(b[8], 40, "%.6g", bus_hi)};
                    if (fs_table_row(&t, row)) {
                        fs_table_free(&t);
                        return FS_EXIT_RUNTIME;
                    }
                }
    if (!jarr) {
        fs_table_print(&t, stdout, true);
        fs_table_free(&t);
    }
    return 0;
}

/* One line per link that changed between its benchmarks (fs_link_shifts):
 * on stderr, and in the JSON's warnings. */
static void shift_warnings(const fs_results *r, size_t nr, const fs_check *c, size_t n,
                           const fs_link_fit *links, size_t nl, json_t *jwarn)
{
    fs_link_shift s[8];
    size_t k = fs_link_shifts(r, nr, c, n, links, nl, s, sizeof s / sizeof s[0]);
    for (size_t i = 0; i < k; i++) {
        char line[FS_WARN_LEN * 2];
        fs_link_shift_str(&s[i], links, line, sizeof line);
        fprintf(stderr, "fabscale predict: warning: %s\n", line);
        if (jwarn) json_array_append_new(jwarn, json_string(line));
    }
}

static int checks(const popts *o, const fs_results *r, size_t nr, const fs_link_fit *links,
                  size_t nl, const fs_model_info *info, json_t *jarr, json_t *jwarn)
{
    fs_check *c;
    size_t n, no_ranks, no_link;
    fs_err err = {0};
    /* --link names the model for every run; else each run uses the link
     * measured with its own transport and provider */
    if (fs_predict_check(r, nr, links, nl, &info->base, o->mo.link != NULL || info->force_base,
                         (int)o->osu_ranks, &c, &n, &no_ranks, &no_link, &err))
        return fs_cli_fail(&err);
    bool csv = o->out == FS_OUT_CSV;
    shift_warnings(r, nr, c, n, links, nl, jwarn); /* none with --link: c[].link is FS_NO_LINK */
    if (o->out == FS_OUT_TEXT) {
        if (n == 0 && no_ranks == 0 && no_link == 0) {
            printf("\nno measured collectives in the results to check the model against\n");
            free(c);
            return 0;
        }
        printf("\nmodel vs measured: error = (model - measured) / measured; out of sample: the "
               "model calibrated without that size; uncalibrated: point-to-point fit alone\n");
    }
    static const char *const head[] = {"file",
                                       "collective",
                                       "algorithm",
                                       "model_algo",
                                       "ranks",
                                       "size",
                                       "measured",
                                       "measured_us",
                                       "model_us",
                                       "model_lo_us",
                                       "model_hi_us",
                                       "error_%",
                                       "error_out_of_sample_%",
                                       "error_uncalibrated_%",
                                       "measured_busbw_GBps",
                                       "model_busbw_GBps"};
    fs_table t;
    if (o->out != FS_OUT_JSON) {
        if (fs_table_init(&t, 16, head)) {
            free(c);
            return FS_EXIT_RUNTIME;
        }
        t.right[0] = t.right[1] = t.right[2] = t.right[3] = false;
    }
    for (size_t i = 0; i < n; i++) {
        char b[12][40];
        const char *alg = c[i].run->algorithm ? c[i].run->algorithm : "native";
        if (o->out == FS_OUT_JSON) {
            json_t *row = json_pack(
                "{s:s,s:s,s:s,s:s,s:i,s:f,s:s,s:f,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}",
                "file", r[c[i].file].path, "collective", fs_coll_name(c[i].coll), "algorithm", alg,
                "model_algorithm", fs_algo_name(c[i].chosen), "ranks", c[i].ranks, "bytes",
                c[i].bytes, "measured", c[i].from_p50 ? "p50" : "mean", "measured_us",
                c[i].measured_us, "model_us", fs_cli_num(c[i].model_us), "lo",
                fs_cli_num(c[i].lo_us), "hi", fs_cli_num(c[i].hi_us), "rel_error",
                fs_cli_num(c[i].rel_err), "cv_us", fs_cli_num(c[i].cv_us), "cv_rel_error",
                fs_cli_num(c[i].cv_rel_err), "uncalibrated_us", fs_cli_num(c[i].base_us),
                "uncalibrated_rel_error", fs_cli_num(c[i].base_rel_err), "measured_busbw_GBps",
                fs_cli_num(c[i].measured_busbw), "model_busbw_GBps", fs_cli_num(c[i].model_busbw),
                "in_place", c[i].run->in_place);
            json_object_set_new(row, "transport", json_string(c[i].run->transport));
            json_object_set_new(row, "provider", json_string(c[i].run->provider));
            json_array_append_new(jarr, row);
            continue;
        }
        const char *cells[] = {r[c[i].file].path,
                               fs_coll_name(c[i].coll),
                               alg,
                               fs_algo_name(c[i].chosen),
                               (snprintf(b[0], 40, "%d", c[i].ranks), b[0]),
                               fs_fmt_bytes(b[1], 40, c[i].bytes, csv),
                               c[i].from_p50 ? "p50" : "mean",
                               fs_fmt(b[2], 40, "%.4g", c[i].measured_us),
                               fs_fmt(b[3], 40, "%.4g", c[i].model_us),
                               fs_fmt(b[7], 40, "%.4g", c[i].lo_us),
                               fs_fmt(b[8], 40, "%.4g", c[i].hi_us),
                               fs_fmt(b[4], 40, "%+.1f", 100 * c[i].rel_err),
                               fs_fmt(b[9], 40, "%+.1f", 100 * c[i].cv_rel_err),
                               fs_fmt(b[10], 40, "%+.1f", 100 * c[i].base_rel_err),
                               fs_fmt(b[5], 40, "%.4g", c[i].measured_busbw),
                               fs_fmt(b[6], 40, "%.4g", c[i].model_busbw)};
        if (fs_table_row(&t, cells)) {
            free(c);
            fs_table_free(&t);
            return FS_EXIT_RUNTIME;
        }
    }
    if (o->out != FS_OUT_JSON) {
        if (csv) fputc('\n', stdout);
        fs_table_print(&t, stdout, csv);
        fs_table_free(&t);
    }
    if (o->out == FS_OUT_TEXT) {
        const fs_run *last = NULL;
        for (size_t i = 0; i < n; i++) {
            if (c[i].run == last) continue;
            last = c[i].run;
            printf("%s %s %s ranks %d: median |error| out of sample %.1f%% (in sample %.1f%%, "
                   "uncalibrated %.1f%%)\n",
                   r[c[i].file].path, fs_coll_name(c[i].coll),
                   last->algorithm ? last->algorithm : "native", c[i].ranks,
                   100 * fs_check_median_abs(c, n, last, FS_ERR_OUT_OF_SAMPLE),
                   100 * fs_check_median_abs(c, n, last, FS_ERR_IN_SAMPLE),
                   100 * fs_check_median_abs(c, n, last, FS_ERR_UNCALIBRATED));
        }
        if (no_ranks)
            printf("%zu measured collective run(s) without a rank count not compared (give "
                   "--osu-ranks N)\n",
                   no_ranks);
        if (no_link)
            printf("%zu measured collective run(s) not compared: no point-to-point link measured "
                   "with their transport/provider (choose one with --link)\n",
                   no_link);
    }
    free(c);
    return 0;
}

int fs_cmd_predict(int argc, char **argv)
{
    static const struct option opts[] = {{"ranks", required_argument, NULL, 'r'},
                                         {"sizes", required_argument, NULL, 's'},
                                         {"collective", required_argument, NULL, 'C'},
                                         {"algorithm", required_argument, NULL, 'a'},
                                         {"link", required_argument, NULL, 'l'},
                                         {"ranks-per-node", required_argument, NULL, 'g'},
                                         {"intra-GBps", required_argument, NULL, 'B'},
                                         {"intra-alpha-us", required_argument, NULL, 'A'},
                                         {"nics-per-node", required_argument, NULL, 'N'},
                                         {"reduce-GBps", required_argument, NULL, 'R'},
                                         {"osu-ranks", required_argument, NULL, 'o'},
                                         {"no-check", no_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char *const coll_words[] = {
        "allreduce", "reduce_scatter", "allgather", "alltoall", "all", NULL};
    /* every algorithm of the model's registry */
    const char *algo_words[FS_ALGO_COUNT + 1];
    for (int a = 0; a < FS_ALGO_COUNT; a++) algo_words[a] = fs_algo_name((fs_algo)a);
    algo_words[FS_ALGO_COUNT] = NULL;
    popts o;
    memset(&o, 0, sizeof o);
    o.mo.intra_GBps = o.mo.intra_alpha_us = o.mo.reduce_GBps = NAN;
    o.check = true;
    fs_err err = {0};
    int c, rc = 0;
    long *lv = NULL;
    size_t n;
    opterr = 0;
    optind = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            free(o.ranks);
            rc = fs_cli_ints("--ranks", optarg, 1, 1L << 24, &o.ranks, &o.nranks, &err);
            break;
        case 's':
            free(o.sizes);
            rc = fs_cli_sizes("--sizes", optarg, &o.sizes, &o.nsizes, &err);
            break;
        case 'C': {
            int w[8];
            rc = fs_cli_words("--collective", optarg, coll_words, w, 8, &n, &err);
            o.ncolls = 0;
            for (size_t i = 0; rc == 0 && i < n; i++) {
                if (w[i] == FS_COLL_COUNT) { /* "all" */
                    for (int k = 0; k < FS_COLL_COUNT; k++) o.colls[k] = k;
                    o.ncolls = FS_COLL_COUNT;
                    break;
                }
                if (o.ncolls < FS_COLL_COUNT) o.colls[o.ncolls++] = w[i];
            }
            break;
        }
        case 'a':
            rc = fs_cli_words("--algorithm", optarg, algo_words, o.algos, FS_ALGO_COUNT, &o.nalgos,
                              &err);
            o.algos_given = true;
            break;
        case 'l':
            o.mo.link = optarg;
            break;
        case 'g':
        case 'N':
        case 'o':
            rc = fs_cli_ints(c == 'g'   ? "--ranks-per-node"
                             : c == 'N' ? "--nics-per-node"
                                        : "--osu-ranks",
                             optarg, 1, 1L << 24, &lv, &n, &err);
            if (rc == 0) {
                if (c == 'g')
                    o.mo.ranks_per_node = (int)lv[0];
                else if (c == 'N')
                    o.mo.nics_per_node = (int)lv[0];
                else
                    o.osu_ranks = lv[0];
            }
            free(lv);
            lv = NULL;
            break;
        case 'B':
            rc = fs_cli_number("--intra-GBps", optarg, false, &o.mo.intra_GBps, &err);
            break;
        case 'A':
            rc = fs_cli_number("--intra-alpha-us", optarg, true, &o.mo.intra_alpha_us, &err);
            break;
        case 'R':
            rc = fs_cli_number("--reduce-GBps", optarg, false, &o.mo.reduce_GBps, &err);
            break;
        case 'n':
            o.check = false;
            break;
        case 'j':
            o.out = FS_OUT_JSON;
            break;
        case 'c':
            o.out = FS_OUT_CSV;
            break;
        case 'h':
            help();
            free(o.ranks);
            free(o.sizes);
            return 0;
        default:
            free(o.ranks);
            free(o.sizes);
            return fs_cli_bad_option("predict", c, optopt, argv, optind);
        }
    }
    fs_results *r = NULL;
    int nf = argc - optind;
    fs_link_fit *links = NULL;
    size_t nl = 0;
    if (rc == 0 && !o.ranks)
        rc = fs_cli_ints("--ranks", "2:1024", 1, 1L << 24, &o.ranks, &o.nranks, &err);
    if (rc == 0 && !o.sizes) rc = fs_cli_sizes("--sizes", "8:1G:8", &o.sizes, &o.nsizes, &err);
    if (rc == 0 && o.ncolls == 0) o.colls[o.ncolls++] = FS_ALLREDUCE;
    bool synthetic = o.mo.link && strchr(o.mo.link, ':');
    if (rc == 0 && (nf > 0 || !synthetic)) {
        rc = fs_cli_load("predict", argv + optind, nf, &r, &err);
        /* OSU's collective sizes are per process until the ranks are known. */
        if (rc == 0) rc = fs_cli_osu_ranks(r, (size_t)nf, (int)o.osu_ranks, NULL, &err);
        /* Measured collectives alone are still worth checking with --link A:B,
         * and without it they give a link of their own (fs_model_build). */
        if (rc == 0 &&
            fs_links_from_results(r, (size_t)nf, NULL, &links, &nl, &err) == FS_EXIT_RUNTIME)
            rc = FS_EXIT_RUNTIME;
        if (rc == 0) memset(&err, 0, sizeof err);
    }
    fs_coll_model m;
    size_t li = FS_NO_LINK, ii = FS_NO_LINK;
    fs_model_info info;
    o.mo.results = r;
    o.mo.nresults = nf > 0 ? (size_t)nf : 0;
    o.mo.default_ranks = (int)o.osu_ranks;
    o.mo.info = &info;
    if (rc == 0) rc = fs_model_build(links, nl, &o.mo, &m, &li, &ii, &err);
    if (rc == 0 && !o.algos_given) {
        for (int a = FS_ALGO_RING; a < FS_ALGO_COUNT; a++)
            if (a == FS_ALGO_HIER ? m.ranks_per_node > 1 : of_library(&m, (fs_algo)a))
                o.algos[o.nalgos++] = a;
    }
    if (rc == 0 && m.ranks_per_node <= 1)
        for (size_t a = 0; a < o.nalgos; a++)
            if (o.algos[a] == FS_ALGO_HIER)
                rc = fs_err_set(&err, FS_EXIT_INPUT,
                                "--algorithm hier needs --ranks-per-node G (G > 1)");
    if (rc) {
        free(o.ranks);
        free(o.sizes);
        fs_links_free(links, nl);
        fs_results_free_all(r, nf > 0 ? (size_t)nf : 0);
        return fs_cli_fail(&err);
    }
    char desc[1200];
    model_desc(desc, sizeof desc, links, li, ii, &m, &info);
    /* Warnings: one line each, on stderr (and in the JSON). */
    long maxp = 0;
    for (size_t i = 0; i < o.nranks; i++)
        if (o.ranks[i] > maxp) maxp = o.ranks[i];
    char warn[4][FS_WARN_LEN];
    size_t nw = fs_model_warnings(&info, &m, (int)maxp, warn, 4);
    for (size_t i = 0; i < nw; i++) fprintf(stderr, "fabscale predict: %s\n", warn[i]);
    json_t *jpred = o.out == FS_OUT_JSON ? json_array() : NULL;
    json_t *jcheck = o.out == FS_OUT_JSON ? json_array() : NULL;
    json_t *jw = o.out == FS_OUT_JSON ? json_array() : NULL;
    for (size_t i = 0; jw && i < nw; i++) json_array_append_new(jw, json_string(warn[i]));
    if (o.out == FS_OUT_TEXT) {
        printf("model: %s\n", desc);
        error_summary_text(&info, &m);
        printf("\n");
    }
    o.banded = info.calibrated;
    rc = o.out == FS_OUT_TEXT ? predictions_text(&o, &m) : predictions_rows(&o, &m, jpred);
    if (rc == 0 && o.check && r) rc = checks(&o, r, (size_t)nf, links, nl, &info, jcheck, jw);
    if (o.out == FS_OUT_JSON) {
        json_t *root = json_pack("{s:s,s:o,s:o,s:o,s:o}", "model", desc, "calibration",
                                 calibration_json(&info, &m), "warnings", jw, "predictions", jpred,
                                 "measured_vs_model", jcheck);
        if (rc == 0)
            rc = fs_cli_print_json(root);
        else
            json_decref(root);
    }
    free(o.ranks);
    free(o.sizes);
    fs_links_free(links, nl);
    fs_results_free_all(r, nf > 0 ? (size_t)nf : 0);
    return rc;
}
