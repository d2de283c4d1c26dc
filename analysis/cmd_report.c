/*
 * cmd_report.c - `fabscale report RESULTS... --out DIR`.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "report.h"
#include "table.h"

static void help(void)
{
    printf(
        "usage: fabscale report [options] RESULTS... --out DIR\n\n"
        "Writes DIR/report.md and DIR/report.html (one self-contained page, charts inlined as\n"
        "SVG).  The first screen answers what the interconnect does and what it means for\n"
        "training: per link and instance type, latency, peak bandwidth, n1/2, all-reduce busbw\n"
        "at a large size on the node counts asked, and training efficiency at the GPU counts\n"
        "asked with its 95%% band and the term that limits it.  With two or more files a\n"
        "comparison follows.  Then the evidence: how far to trust the model, the fitted links,\n"
        "point-to-point and collective measurements, the model's error at every measured\n"
        "collective point, predictions at scale, training efficiency per workload, sources.\n"
        "Charts (latency, bandwidth and busbw vs size, fitted model, measured vs model; several\n"
        "files overlaid, each named by the shortest part of its path that tells it apart) are\n"
        "drawn by gnuplot when it is installed ($FS_GNUPLOT overrides the binary); without it\n"
        "the same numbers are in the tables.\n\n"
        "options:\n"
        "  -o, --out DIR         output directory (created if missing)\n"
        "  --title TEXT          report title (default \"fabscale report\")\n"
        "  --nodes LIST          node counts of the headline all-reduce busbw (default 2,16,128)\n"
        "  --size BYTES          its all-reduce size (default 1G)\n"
        "  --gpus LIST           GPU counts of the headline training efficiency\n"
        "                        (default 64,512,4096)\n"
        "  --model PRESET[,..]   workload presets of the headline\n"
        "                        (default llama2-70b,bert-large)\n"
        "  --instance TYPE       instance type of files that do not record one\n"
        "  --no-charts           tables only\n"
        "  --osu-ranks N         rank count of collectives that do not record it (OSU)\n"
        "  --json / --csv        list what was written as JSON / CSV\n"
        "  -h, --help            this help\n");
}

int fs_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"title", required_argument, NULL, 't'},
                                         {"no-charts", no_argument, NULL, 'n'},
                                         {"osu-ranks", required_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"nodes", required_argument, NULL, 'N'},
                                         {"gpus", required_argument, NULL, 'g'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"instance", required_argument, NULL, 'i'},
                                         {"size", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    fs_report_opts ro = {.charts = true};
    long *nodes = NULL, *gpus = NULL;
    char *models_buf = NULL;
    const char *models[8];
    int rc = 0;
    fs_out out = FS_OUT_TEXT;
    fs_err err = {0};
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        long *v;
        size_t n;
        switch (c) {
        case 'o':
            ro.dir = optarg;
            break;
        case 't':
            ro.title = optarg;
            break;
        case 'n':
            ro.charts = false;
            break;
        case 'r':
            if (fs_cli_ints("--osu-ranks", optarg, 1, 1L << 24, &v, &n, &err))
                return fs_cli_fail(&err);
            ro.osu_ranks = (int)v[0];
            free(v);
            break;
        case 'N':
            free(nodes);
            if (fs_cli_ints("--nodes", optarg, 1, 1L << 20, &nodes, &ro.nnodes, &err)) goto bad;
            if (ro.nnodes > 8) {
                fs_err_set(&err, FS_EXIT_INPUT, "--nodes %s: at most 8 node counts", optarg);
                goto bad;
            }
            ro.nodes = nodes;
            break;
        case 'g':
            free(gpus);
            if (fs_cli_ints("--gpus", optarg, 1, 1L << 24, &gpus, &ro.ngpus, &err)) goto bad;
            if (ro.ngpus > 8) {
                fs_err_set(&err, FS_EXIT_INPUT, "--gpus %s: at most 8 GPU counts", optarg);
                goto bad;
            }
            ro.gpus = gpus;
            break;
        case 'm':
            free(models_buf);
            if (!(models_buf = strdup(optarg))) {
                fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
                goto bad;
            }
            ro.nmodels = 0;
            for (char *sv, *tok = strtok_r(models_buf, ",", &sv); tok;
                 tok = strtok_r(NULL, ",", &sv)) {
                if (ro.nmodels == 8) {
                    fs_err_set(&err, FS_EXIT_INPUT, "--model %s: at most 8 presets", optarg);
                    goto bad;
                }
                models[ro.nmodels++] = tok;
            }
            if (!ro.nmodels) {
                fs_err_set(&err, FS_EXIT_INPUT, "--model: give a preset name");
                goto bad;
            }
            ro.models = models;
            break;
        case 'i':
            ro.instance = optarg;
            break;
        case 's':
            if (fs_cli_size("--size", optarg, &ro.busbw_bytes, &err)) goto bad;
            if (!(ro.busbw_bytes > 0)) {
                fs_err_set(&err, FS_EXIT_INPUT, "--size %s: must be above 0 bytes", optarg);
                goto bad;
            }
            break;
        case 'j':
            out = FS_OUT_JSON;
            break;
        case 'c':
            out = FS_OUT_CSV;
            break;
        case 'h':
            help();
            goto end;
        default:
            rc = fs_cli_bad_option("report", c, optopt, argv, optind);
            goto end;
        }
    }
    if (!ro.dir) {
        fs_err_set(&err, FS_EXIT_INPUT, "report: no output directory: give --out DIR");
        goto bad;
    }
    int nf = argc - optind;
    fs_results *r;
    if (fs_cli_load("report", argv + optind, nf, &r, &err)) goto bad;
    /* OSU's collective sizes are per process until the ranks are known. */
    if (fs_cli_osu_ranks(r, (size_t)nf, ro.osu_ranks, NULL, &err)) {
        fs_results_free_all(r, (size_t)nf);
        goto bad;
    }
    fs_report_out ro_out;
    rc = fs_report_write(&ro, r, (size_t)nf, &ro_out, &err);
    fs_results_free_all(r, (size_t)nf);
    free(nodes);
    free(gpus);
    free(models_buf);
    if (rc) return fs_cli_fail(&err);
    if (out == FS_OUT_JSON) {
        json_t *files = json_array();
        for (size_t i = 0; i < ro_out.nfiles; i++)
            json_array_append_new(files, json_string(ro_out.files[i]));
        return fs_cli_print_json(json_pack("{s:s,s:o,s:i,s:s?}", "dir", ro.dir, "files", files,
                                           "charts", ro_out.charts, "note",
                                           ro_out.note[0] ? ro_out.note : NULL));
    }
    if (out == FS_OUT_CSV) {
        static const char *const head[] = {"dir", "file"};
        fs_table t;
        if (fs_table_init(&t, 2, head)) return FS_EXIT_RUNTIME;
        for (size_t i = 0; i < ro_out.nfiles; i++) {
            const char *cells[] = {ro.dir, ro_out.files[i]};
            fs_table_row(&t, cells);
        }
        fs_table_print(&t, stdout, true);
        fs_table_free(&t);
        return 0;
    }
    printf("wrote %s/report.md and %s/report.html (%d chart%s)\n", ro.dir, ro.dir, ro_out.charts,
           ro_out.charts == 1 ? "" : "s");
    if (ro_out.note[0]) printf("note: %s\n", ro_out.note);
    return 0;
bad:
    rc = fs_cli_fail(&err);
end:
    free(nodes);
    free(gpus);
    free(models_buf);
    return rc;
}
