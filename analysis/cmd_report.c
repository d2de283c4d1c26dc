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
        "SVG): the sources, the fitted links, point-to-point and collective measurements, the\n"
        "model's error at every measured collective point and all-reduce predictions at scale.\n"
        "Charts (latency, bandwidth and busbw vs size, fitted model, measured vs model; several\n"
        "files overlaid for comparison) are drawn by gnuplot when it is installed ($FS_GNUPLOT\n"
        "overrides the binary); without it the same numbers are in the tables.\n\n"
        "options:\n"
        "  -o, --out DIR      output directory (created if missing)\n"
        "  --title TEXT       report title (default \"fabscale report\")\n"
        "  --no-charts        tables only\n"
        "  --osu-ranks N      rank count of collectives that do not record it (OSU)\n"
        "  --json / --csv     list what was written as JSON / CSV\n"
        "  -h, --help         this help\n");
}

int fs_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
        {"no-charts", no_argument, NULL, 'n'}, {"osu-ranks", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},      {"csv", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    fs_report_opts ro = {NULL, NULL, true, 0};
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
        case 'j':
            out = FS_OUT_JSON;
            break;
        case 'c':
            out = FS_OUT_CSV;
            break;
        case 'h':
            help();
            return 0;
        default:
            return fs_cli_bad_option("report", c, optopt, argv, optind);
        }
    }
    if (!ro.dir) {
        fs_err_set(&err, FS_EXIT_INPUT, "report: no output directory: give --out DIR");
        return fs_cli_fail(&err);
    }
    int nf = argc - optind;
    fs_results *r;
    if (fs_cli_load("report", argv + optind, nf, &r, &err)) return fs_cli_fail(&err);
    fs_report_out ro_out;
    int rc = fs_report_write(&ro, r, (size_t)nf, &ro_out, &err);
    fs_results_free_all(r, (size_t)nf);
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
}
