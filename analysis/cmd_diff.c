/*
 * cmd_diff.c - `fabscale diff A B`: two results files side by side per
 * point (ratio, whether it exceeds the noise each file recorded), what
 * changed between them, and a verdict a job can gate on.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "meta_diff.h"
#include "results.h"
#include "run_compare.h"
#include "table.h"

static void help(void)
{
    printf("usage: fabscale diff [options] A B\n\n"
           "Compares two results files (any format fabscale reads) point by point.\n"
           "Runs match on benchmark, transport, provider, algorithm, ranks, dtype and in-place;\n"
           "points on size.  Runs of one file with the same key (launches added with\n"
           "fabscale-bench --append) are one measurement repeated: per size the median of the\n"
           "launches not disturbed stands for the file, and their spread joins the noise.  A\n"
           "point is disturbed when its median time is 3x its fastest iteration (the ranks\n"
           "waited for a core): it is shown, never counted.  On a shared machine give both\n"
           "files a few launches, interleaved in time (A, B, A, B, ...).\n"
           "Per point: the headline statistic of its kind in A and B (p50 time for latency,\n"
           "bandwidth for bw, messages/s for message rate, busbw for collectives), B/A, and the\n"
           "noise: each file's 95%% half-width of the median (from its recorded min, p50, p90\n"
           "and iterations; the mean's CI where only that is recorded) and its launches'\n"
           "spread, worst / best - 1, combined in quadrature (as logarithms: each a factor),\n"
           "never below the run-to-run floor (default %.0f%%).  A point is significant when the\n"
           "change as a factor, max(B/A, A/B) - 1, exceeds its noise.  The verdict is a\n"
           "regression when, in some run, a significantly worse size has a neighbouring size\n"
           "worse too (or the run has one size): a real change moves a range of sizes, an\n"
           "isolated point is what many tests at 95%% produce by chance.  Points present in\n"
           "one file only are listed as such.  Also listed: what differs in the files' meta\n"
           "(MPI library, libfabric, providers, instance type, DMI, CPU, kernel, NICs, hosts,\n"
           "binding, fabscale version, every setting incl. FI_* and OMPI_MCA_*).\n\n"
           "options:\n"
           "  --threshold PCT        count a change only above PCT %% as well (default 0)\n"
           "  --noise-floor PCT      run-to-run floor of the noise (default %.0f, what launches\n"
           "                         of one build differed by on a loaded 2-core machine; a\n"
           "                         quiet cluster can use less)\n"
           "  --fail-on-regression   exit 1 when the verdict is a regression\n"
           "  --json                 print JSON\n"
           "  -h, --help             this help\n\n"
           "Exit status: 0 with the verdict (also a regression, unless --fail-on-regression),\n"
           "1 regression with --fail-on-regression (or a runtime failure), 2 bad usage or input.\n",
           100 * FS_COMPARE_DEFAULT_FLOOR, 100 * FS_COMPARE_DEFAULT_FLOOR);
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static const fs_run *run_of(const fs_point_delta *d)
{
    return d->run_a ? d->run_a : d->run_b;
}

static const char *side(const fs_point_delta *d)
{
    return !d->pa ? "only in B" : !d->pb ? "only in A" : NULL;
}

/* What happened at a point, in words. */
static const char *outcome(const fs_point_delta *all, size_t n, size_t i, double threshold)
{
    const fs_point_delta *d = &all[i];
    if (side(d)) return side(d);
    if (!isfinite(d->ratio)) return "not comparable";
    if (d->disturbed_a || d->disturbed_b)
        return d->disturbed_a && d->disturbed_b ? "disturbed in A and B"
               : d->disturbed_a                 ? "disturbed in A"
                                                : "disturbed in B";
    if (!d->significant) return "within noise";
    if (!fs_delta_counts(d, threshold))
        return d->worse ? "worse, below threshold" : "better, below threshold";
    if (!fs_delta_confirmed(all, n, i, threshold))
        return d->worse ? "worse, isolated" : "better, isolated";
    return d->worse ? "WORSE" : "better";
}

/* Launches of a key in a file: the most any of its sizes had. */
static int launches(const fs_point_delta *d, size_t n, bool in_a)
{
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        int k = in_a ? d[i].launches_a : d[i].launches_b;
        if (k > m) m = k;
    }
    return m;
}

static void run_label(const fs_point_delta *d, size_t n, char *buf, size_t len)
{
    const fs_run *r = run_of(d);
    int la = launches(d, n, true), lb = launches(d, n, false);
    char lt[64] = "";
    if (la > 1 || lb > 1) snprintf(lt, sizeof lt, ", median of %d launches in A, %d in B", la, lb);
    snprintf(buf, len, "%s %s/%s%s%s, %d ranks%s%s", r->benchmark, or_dash(r->transport),
             or_dash(r->provider), r->algorithm ? " " : "", r->algorithm ? r->algorithm : "",
             r->ranks,
             !d->run_a   ? " (only in B)"
             : !d->run_b ? " (only in A)"
                         : "",
             lt);
}

static void print_text(const char *pa, const char *pb, const fs_meta_change *ch, size_t nch,
                       const fs_point_delta *d, size_t n, double threshold, fs_verdict v,
                       size_t nworse, size_t nbetter)
{
    printf("A: %s\nB: %s\n\n", pa, pb);
    if (nch) {
        printf("What differs between A and B:\n");
        for (size_t i = 0; i < nch; i++)
            printf("  %-22s A: %s\n  %-22s B: %s\n", ch[i].what, or_dash(ch[i].a), "",
                   or_dash(ch[i].b));
    } else {
        printf("What differs between A and B: nothing either file records.\n");
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && d[j].run_a == d[i].run_a && d[j].run_b == d[i].run_b) j++;
        char lab[512];
        run_label(&d[i], j - i, lab, sizeof lab);
        printf("\n%s: %s (%s, %s is better)\n", lab, d[i].stat, d[i].unit,
               d[i].higher_is_better ? "higher" : "lower");
        static const char *const head[] = {"bytes", "A", "B", "B/A", "noise_%", "result"};
        fs_table t;
        if (fs_table_init(&t, 6, head)) return;
        t.right[5] = false;
        for (size_t k = i; k < j; k++) {
            char b0[32], b1[32], b2[32], b3[32], b4[32];
            const char *cells[] = {fs_fmt_bytes(b0, sizeof b0, d[k].bytes, false),
                                   fs_fmt(b1, sizeof b1, "%.4g", d[k].a),
                                   fs_fmt(b2, sizeof b2, "%.4g", d[k].b),
                                   fs_fmt(b3, sizeof b3, "%.3f", d[k].ratio),
                                   side(&d[k]) ? NULL
                                               : fs_fmt(b4, sizeof b4, "%.1f", 100 * d[k].noise),
                                   outcome(d, n, k, threshold)};
            fs_table_row(&t, cells);
        }
        fs_table_print(&t, stdout, false);
        fs_table_free(&t);
        i = j;
    }
    size_t disturbed = 0;
    for (size_t i = 0; i < n; i++) disturbed += d[i].disturbed_a || d[i].disturbed_b;
    if (disturbed)
        printf("\n%zu of %zu sizes disturbed (median 3x the fastest iteration: the ranks waited "
               "for a core): shown, not judged.\n",
               disturbed, n);
    if (launches(d, n, true) < 2 || launches(d, n, false) < 2)
        printf("\nA file holds one launch per size: its run-to-run spread is unknown and the "
               "floor stands for it.  On a shared machine one build's launches differed by up "
               "to 1.9x at undisturbed sizes; give both files 3 launches (--append), "
               "interleaved.\n");
    printf("\nverdict: %s (%zu point%s worse, %zu better beyond the noise, each confirmed by a "
           "neighbouring size)\n",
           fs_verdict_name(v), nworse, nworse == 1 ? "" : "s", nbetter);
}

static json_t *file_json(const fs_results *r)
{
    return json_pack("{s:s,s:s,s:s?,s:s?}", "file", r->path ? r->path : "", "format",
                     fs_format_name(r->format), "start_time", r->meta.start_time, "version",
                     r->meta.version);
}

static json_t *run_json(const fs_point_delta *d)
{
    const fs_run *r = run_of(d);
    return json_pack("{s:s,s:s?,s:s?,s:s?,s:i,s:b,s:b,s:s,s:s,s:b,s:[]}", "benchmark", r->benchmark,
                     "transport", r->transport, "provider", r->provider, "algorithm", r->algorithm,
                     "ranks", r->ranks, "in_a", d->run_a != NULL, "in_b", d->run_b != NULL,
                     "statistic", d->stat, "unit", d->unit, "higher_is_better", d->higher_is_better,
                     "points");
}

static json_t *point_json(const fs_point_delta *d, size_t n, size_t i, double threshold)
{
    const fs_point_delta *p = &d[i];
    json_t *j = json_object();
    json_object_set_new(j, "bytes", json_real(p->bytes));
    json_object_set_new(j, "a", fs_cli_num(p->a));
    json_object_set_new(j, "b", fs_cli_num(p->b));
    json_object_set_new(j, "launches_a", json_integer(p->launches_a));
    json_object_set_new(j, "launches_b", json_integer(p->launches_b));
    json_object_set_new(j, "ratio", fs_cli_num(p->ratio));
    json_object_set_new(j, "noise", fs_cli_num(p->noise));
    json_object_set_new(j, "ci_a", fs_cli_num(p->ci_a));
    json_object_set_new(j, "ci_b", fs_cli_num(p->ci_b));
    json_object_set_new(j, "spread_a", fs_cli_num(p->spread_a));
    json_object_set_new(j, "spread_b", fs_cli_num(p->spread_b));
    json_object_set_new(j, "disturbed_a", json_boolean(p->disturbed_a));
    json_object_set_new(j, "disturbed_b", json_boolean(p->disturbed_b));
    json_object_set_new(j, "significant", json_boolean(p->significant));
    json_object_set_new(j, "worse", json_boolean(p->worse));
    json_object_set_new(j, "confirmed", json_boolean(fs_delta_confirmed(d, n, i, threshold)));
    json_object_set_new(j, "result", json_string(outcome(d, n, i, threshold)));
    return j;
}

static json_t *to_json(const fs_results *a, const fs_results *b, const fs_meta_change *ch,
                       size_t nch, const fs_point_delta *d, size_t n, double floor,
                       double threshold, fs_verdict v, size_t nworse, size_t nbetter)
{
    json_t *changes = json_array(), *runs = json_array(), *pts = NULL;
    for (size_t i = 0; i < nch; i++)
        json_array_append_new(
            changes, json_pack("{s:s,s:s?,s:s?}", "what", ch[i].what, "a", ch[i].a, "b", ch[i].b));
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || d[i].run_a != d[i - 1].run_a || d[i].run_b != d[i - 1].run_b) {
            json_t *r = run_json(&d[i]);
            json_array_append_new(runs, r);
            pts = json_object_get(r, "points");
        }
        json_array_append_new(pts, point_json(d, n, i, threshold));
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:f,s:f,s:s,s:I,s:I}", "a", file_json(a), "b", file_json(b),
                     "changes", changes, "runs", runs, "noise_floor", floor, "threshold", threshold,
                     "verdict", fs_verdict_name(v), "worse_points", (json_int_t)nworse,
                     "better_points", (json_int_t)nbetter);
}

static int percent(const char *opt, const char *s, double *v, fs_err *err)
{
    if (fs_cli_number(opt, s, true, v, err)) return FS_EXIT_INPUT;
    if (*v >= 1000)
        return fs_err_set(err, FS_EXIT_INPUT, "%s: %s%% is not a relative change (give PCT < 1000)",
                          opt, s);
    *v /= 100;
    return 0;
}

int fs_cmd_diff(int argc, char **argv)
{
    static const struct option opts[] = {{"threshold", required_argument, NULL, 't'},
                                         {"noise-floor", required_argument, NULL, 'f'},
                                         {"fail-on-regression", no_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    fs_compare_opts co = {FS_COMPARE_DEFAULT_FLOOR};
    double threshold = 0;
    bool json = false, fail = false;
    fs_err err = {0};
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (percent("--threshold", optarg, &threshold, &err)) return fs_cli_fail(&err);
            break;
        case 'f':
            if (percent("--noise-floor", optarg, &co.floor, &err)) return fs_cli_fail(&err);
            break;
        case 'r':
            fail = true;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            help();
            return 0;
        default:
            return fs_cli_bad_option("diff", c, optopt, argv, optind);
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr,
                "fabscale diff: give two results files, A and B (got %d; see fabscale "
                "diff --help)\n",
                argc - optind);
        return FS_EXIT_INPUT;
    }
    fs_results *r = NULL;
    if (fs_cli_load("diff", argv + optind, 2, &r, &err)) return fs_cli_fail(&err);
    fs_point_delta *d = NULL;
    fs_meta_change *ch = NULL;
    size_t n = 0, nch = 0, matched = 0;
    int rc = fs_compare_results_opts(&r[0], &r[1], &co, &d, &n, &err);
    if (!rc) rc = fs_meta_diff(&r[0], &r[1], &ch, &nch, &err);
    for (size_t i = 0; !rc && i < n; i++) matched += d[i].pa && d[i].pb;
    if (!rc && !matched)
        rc = fs_err_set(&err, FS_EXIT_INPUT,
                        "diff: no point of %s matches one of %s (runs match on benchmark, "
                        "transport, provider, algorithm and ranks; points on size)",
                        argv[optind], argv[optind + 1]);
    if (rc) {
        free(d);
        fs_meta_changes_free(ch, nch);
        fs_results_free_all(r, 2);
        return fs_cli_fail(&err);
    }
    size_t nworse, nbetter;
    fs_verdict v = fs_compare_verdict(d, n, threshold, &nworse, &nbetter);
    if (json)
        rc = fs_cli_print_json(
            to_json(&r[0], &r[1], ch, nch, d, n, co.floor, threshold, v, nworse, nbetter));
    else
        print_text(argv[optind], argv[optind + 1], ch, nch, d, n, threshold, v, nworse, nbetter);
    free(d);
    fs_meta_changes_free(ch, nch);
    fs_results_free_all(r, 2);
    if (rc) return rc;
    return fail && v == FS_VERDICT_REGRESSION ? FS_EXIT_RUNTIME : FS_EXIT_OK;
}
