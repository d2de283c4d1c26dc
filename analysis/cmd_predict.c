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
#include "cmd.h"
#include "predict.h"
#include "sizes.h"
#include "table.h"

static void help(void)
{
    printf(
        "usage: fabscale predict [options] RESULTS...\n"
        "       fabscale predict --link ALPHA_US:GBPS [options]\n\n"
        "Predicts all-reduce, reduce-scatter and all-gather time and bus bandwidth at the given\n"
        "rank counts from the link fitted by `fabscale fit` (piecewise Hockney), for ring,\n"
        "recursive doubling (rd), Rabenseifner, binomial tree, the hierarchical two-level model\n"
        "(hier) and auto (the fastest per size).  Sizes are the whole vector (nccl-tests\n"
        "convention); busbw = algbw x 2(p-1)/p (all-reduce) or (p-1)/p.  Where RESULTS hold\n"
        "measured collectives, the model's error at every measured point is printed:\n"
        "(model - measured) / measured, measured = p50 where recorded, else the mean.\n\n"
        "options:\n"
        "  --ranks LIST          rank counts: 2,8,64 or MIN:MAX[:FACTOR] (default 2:1024)\n"
        "  --sizes LIST          sizes: 8,1K,1M or MIN:MAX[:FACTOR] (default 8:1G:8)\n"
        "  --collective LIST     allreduce,reduce_scatter,allgather or all (default allreduce)\n"
        "  --algorithm LIST      ring,rd,rabenseifner,tree,hier,auto (default: all that apply)\n"
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
    fs_out out;
} popts;

static const char *model_desc(char *buf, size_t len, const fs_link_fit *links, size_t li, size_t ii,
                              const fs_coll_model *m)
{
    char lab[400], il[400];
    if (li == FS_NO_LINK)
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
    snprintf(buf, len, "%s%s; gamma %s", lab, il,
             m->gamma_us_per_byte > 0 ? "from --reduce-GBps" : "0 (reduction cost ignored)");
    return buf;
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
        for (size_t a = 0; a < o->nalgos; a++) head[nh++] = fs_algo_name((fs_algo)o->algos[a]);
        head[nh++] = "fastest";
        head[nh++] = "busbw_GBps";
        printf("%s%s: time (us) per algorithm; busbw of the fastest\n", ci ? "\n" : "",
               fs_coll_name(coll));
        fs_table t;
        if (fs_table_init(&t, nh, head)) return FS_EXIT_RUNTIME;
        for (size_t ri = 0; ri < o->nranks; ri++)
            for (size_t si = 0; si < o->nsizes; si++) {
                int p = (int)o->ranks[ri];
                double n = o->sizes[si], best = INFINITY;
                fs_algo bestA = FS_ALGO_AUTO;
                char cell[FS_ALGO_COUNT + 4][40];
                const char *cells[FS_ALGO_COUNT + 4];
                size_t k = 0;
                snprintf(cell[k], 40, "%d", p);
                cells[k] = cell[k];
                k++;
                cells[k] = fs_fmt_bytes(cell[k], 40, n, false);
                k++;
                for (size_t a = 0; a < o->nalgos; a++) {
                    fs_algo alg = (fs_algo)o->algos[a], ch;
                    double tus = fs_coll_time_us(m, coll, alg, p, n, &ch);
                    if (tus < best) best = tus, bestA = ch;
                    cells[k] = fs_fmt(cell[k], 40, tus < 1e5 ? "%.4g" : "%.4e", tus);
                    k++;
                }
                cells[k++] = isfinite(best) ? fs_algo_name(bestA) : NULL;
                cells[k] = fs_fmt(cell[k], 40, "%.4g", fs_busbw_GBps(coll, p, n, best));
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
    static const char *const head[] = {"collective", "ranks",   "bytes",      "algorithm",
                                       "chosen",     "time_us", "algbw_GBps", "busbw_GBps"};
    fs_table t;
    if (!jarr && fs_table_init(&t, 8, head)) return FS_EXIT_RUNTIME;
    for (size_t ci = 0; ci < o->ncolls; ci++)
        for (size_t ri = 0; ri < o->nranks; ri++)
            for (size_t si = 0; si < o->nsizes; si++)
                for (size_t a = 0; a < o->nalgos; a++) {
                    fs_collective coll = (fs_collective)o->colls[ci];
                    fs_algo alg = (fs_algo)o->algos[a], ch;
                    int p = (int)o->ranks[ri];
                    double n = o->sizes[si];
                    double tus = fs_coll_time_us(m, coll, alg, p, n, &ch);
                    double algbw = tus > 0 ? n / (tus * 1e3) : NAN,
                           bus = fs_busbw_GBps(coll, p, n, tus);
                    if (jarr) {
                        json_array_append_new(
                            jarr, json_pack("{s:s,s:i,s:f,s:s,s:s,s:o,s:o,s:o}", "collective",
                                            fs_coll_name(coll), "ranks", p, "bytes", n, "algorithm",
                                            fs_algo_name(alg), "chosen", fs_algo_name(ch),
                                            "time_us", fs_cli_num(tus), "algbw_GBps",
                                            fs_cli_num(algbw), "busbw_GBps", fs_cli_num(bus)));
                        continue;
                    }
                    char b[5][40];
                    snprintf(b[0], 40, "%d", p);
                    const char *row[] = {fs_coll_name(coll),
                                         b[0],
                                         fs_fmt(b[1], 40, "%.0f", n),
                                         fs_algo_name(alg),
                                         fs_algo_name(ch),
                                         fs_fmt(b[2], 40, "%.6g", tus),
                                         fs_fmt(b[3], 40, "%.6g", algbw),
                                         fs_fmt(b[4], 40, "%.6g", bus)};
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

static int checks(const popts *o, const fs_results *r, size_t nr, const fs_link_fit *links,
                  size_t nl, const fs_coll_model *m, json_t *jarr)
{
    fs_check *c;
    size_t n, no_ranks, no_link;
    fs_err err = {0};
    /* --link names the model for every run; else each run uses the link
     * measured with its own transport and provider */
    if (fs_predict_check(r, nr, links, nl, m, o->mo.link != NULL, (int)o->osu_ranks, &c, &n,
                         &no_ranks, &no_link, &err))
        return fs_cli_fail(&err);
    bool csv = o->out == FS_OUT_CSV;
    if (o->out == FS_OUT_TEXT) {
        if (n == 0 && no_ranks == 0 && no_link == 0) {
            printf("\nno measured collectives in the results to check the model against\n");
            free(c);
            return 0;
        }
        printf("\nmodel vs measured: error = (model - measured) / measured\n");
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
                                       "error_%",
                                       "measured_busbw_GBps",
                                       "model_busbw_GBps"};
    fs_table t;
    if (o->out != FS_OUT_JSON) {
        if (fs_table_init(&t, 12, head)) {
            free(c);
            return FS_EXIT_RUNTIME;
        }
        t.right[0] = t.right[1] = t.right[2] = t.right[3] = false;
    }
    for (size_t i = 0; i < n; i++) {
        char b[8][40];
        const char *alg = c[i].run->algorithm ? c[i].run->algorithm : "native";
        if (o->out == FS_OUT_JSON) {
            json_array_append_new(
                jarr,
                json_pack("{s:s,s:s,s:s,s:s,s:i,s:f,s:s,s:f,s:o,s:o,s:o,s:o,s:b}", "file",
                          r[c[i].file].path, "collective", fs_coll_name(c[i].coll), "algorithm",
                          alg, "model_algorithm", fs_algo_name(c[i].chosen), "ranks", c[i].ranks,
                          "bytes", c[i].bytes, "measured", c[i].from_p50 ? "p50" : "mean",
                          "measured_us", c[i].measured_us, "model_us", fs_cli_num(c[i].model_us),
                          "rel_error", fs_cli_num(c[i].rel_err), "measured_busbw_GBps",
                          fs_cli_num(c[i].measured_busbw), "model_busbw_GBps",
                          fs_cli_num(c[i].model_busbw), "in_place", c[i].run->in_place));
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
                               fs_fmt(b[4], 40, "%+.1f", 100 * c[i].rel_err),
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
            printf("%s %s %s ranks %d: median |error| %.1f%%\n", r[c[i].file].path,
                   fs_coll_name(c[i].coll), last->algorithm ? last->algorithm : "native",
                   c[i].ranks, 100 * fs_check_median_abs(c, n, last));
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
    static const char *const coll_words[] = {"allreduce", "reduce_scatter", "allgather", "all",
                                             NULL};
    static const char *const algo_words[] = {"ring", "rd", "rabenseifner", "tree", "hier",
                                             "auto", NULL};
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
                if (w[i] == 3) {
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
        if (rc == 0) rc = fs_links_from_results(r, (size_t)nf, NULL, &links, &nl, &err);
        /* Measured collectives alone are still worth checking with --link A:B. */
        if (rc == FS_EXIT_INPUT && synthetic) {
            rc = 0;
            memset(&err, 0, sizeof err);
        }
    }
    fs_coll_model m;
    size_t li = FS_NO_LINK, ii = FS_NO_LINK;
    if (rc == 0) rc = fs_model_build(links, nl, &o.mo, &m, &li, &ii, &err);
    if (rc == 0 && !o.algos_given) {
        for (int a = FS_ALGO_RING; a < FS_ALGO_COUNT; a++)
            if (a != FS_ALGO_HIER || m.ranks_per_node > 1) o.algos[o.nalgos++] = a;
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
    model_desc(desc, sizeof desc, links, li, ii, &m);
    json_t *jpred = o.out == FS_OUT_JSON ? json_array() : NULL;
    json_t *jcheck = o.out == FS_OUT_JSON ? json_array() : NULL;
    if (o.out == FS_OUT_TEXT) printf("model: %s\n\n", desc);
    rc = o.out == FS_OUT_TEXT ? predictions_text(&o, &m) : predictions_rows(&o, &m, jpred);
    if (rc == 0 && o.check && r) rc = checks(&o, r, (size_t)nf, links, nl, &m, jcheck);
    if (o.out == FS_OUT_JSON) {
        json_t *root = json_pack("{s:s,s:o,s:o}", "model", desc, "predictions", jpred,
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
