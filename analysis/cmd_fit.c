/*
 * cmd_fit.c - `fabscale fit RESULTS...`: per link, the piecewise Hockney
 * fit (alpha, bandwidth, protocol segments), n1/2, peak bandwidth, message
 * rate and residuals.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "link_fit.h"
#include "table.h"

static void help(void)
{
    printf(
        "usage: fabscale fit [options] RESULTS...\n\n"
        "Fits every point-to-point link (transport, provider, host pair) found in RESULTS:\n"
        "  - latency runs: time_us.p50 (half round trip) against bytes;\n"
        "  - bw runs: time per message = time_us.p50 / window.\n"
        "(Files without p50, such as OSU and nccl-tests output, use the mean.)\n"
        "Model per protocol segment: T(m) = alpha + m / bandwidth for latency points and\n"
        "gap + m / bandwidth for bw points (one bandwidth per segment).  Breakpoints (eager /\n"
        "rendezvous switches) are found in the data by dynamic programming, the segment count\n"
        "by BIC; the fit is kept monotone: a segment whose messages go faster than the last one's\n"
        "bandwidth (the link's peak) is capped at it, and where the measured time drops at a "
        "switch smaller\n"
        "messages are modelled at most that time (both are said under the table).  Weighted least "
        "squares (GSL) with weights 1/t^2, so every point counts by its\n"
        "relative error and small and large messages weigh alike.  Reported: alpha (us),\n"
        "bandwidth (GB/s = 10^9 B/s), n1/2 (size reaching half the peak bandwidth), peak\n"
        "bandwidth (largest measured), message rate (msgrate runs, else 1 / smallest bw time\n"
        "per message) and relative residuals.\n"
        "Runs that record no hosts (OSU logs) are a link per file, except that files which each\n"
        "measure something the others do not (fit lat.txt bw.txt mbw.txt) are one link; with\n"
        "collectives only (nccl-tests logs) a link is derived from them, read as a ring.  The\n"
        "output says what was assumed.\n"
        "Runs with per-NIC figures (fabscale-bench --nics) add one link per NIC of the sending\n"
        "host ([NIC host:domain]) and one for the host's NICs together ([node host]).\n\n"
        "options:\n"
        "  --max-segments N   at most N protocol segments per link (1..%d, default 4)\n"
        "  --min-sizes N      at least N distinct sizes per segment (default 3)\n"
        "  --points           also list every point with its model value and residual\n"
        "  --json             print JSON            --csv   print CSV (one row per segment)\n"
        "  -h, --help         this help\n",
        FS_LINK_MAX_SEGMENTS);
}

/* Whether any latency / bw run is there (else collectives may stand in). */
static bool has_p2p(const fs_results *r, size_t n)
{
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < r[f].nruns; i++)
            if (strcmp(r[f].runs[i].benchmark, "latency") == 0 ||
                strcmp(r[f].runs[i].benchmark, "bw") == 0)
                return true;
    return false;
}

static const char *kind_name(fs_fit_kind k)
{
    return k == FS_FIT_LATENCY ? "latency" : "bw";
}

static json_t *link_json(const fs_link_fit *l, bool points)
{
    json_t *segs = json_array();
    for (int s = 0; s < l->fit.link.nseg; s++) {
        const fs_segment *sg = &l->fit.link.seg[s];
        json_array_append_new(segs, json_pack("{s:f,s:f,s:o,s:o,s:o,s:o,s:I}", "from_bytes",
                                              sg->from_bytes, "to_bytes", l->fit.to_bytes[s],
                                              "alpha_us", fs_cli_num(sg->alpha_us),
                                              "bandwidth_GBps", fs_cli_num(sg->bandwidth_GBps),
                                              "gap_us", fs_cli_num(l->fit.gap_us[s]), "stream_GBps",
                                              fs_cli_num(l->fit.stream_GBps[s]), "points",
                                              (json_int_t)l->fit.seg_points[s]));
    }
    json_t *j = json_pack(
        "{s:s,s:s,s:[s?s?],s:s,s:o,s:o,s:o,s:o,s:s?,s:o,s:o,s:I}", "transport", l->transport,
        "provider", l->provider, "hosts", l->host_a[0] ? l->host_a : NULL,
        l->host_b[0] ? l->host_b : NULL, "source", l->source, "segments", segs, "n_half_bytes",
        fs_cli_num(l->n_half_bytes), "peak_GBps", fs_cli_num(l->peak_GBps), "msg_rate_Mps",
        fs_cli_num(l->msg_rate_Mps), "msg_rate_from", l->msg_rate_from, "rms_rel_residual",
        fs_cli_num(l->fit.rms_rel_residual), "max_rel_residual",
        fs_cli_num(l->fit.max_rel_residual), "npoints", (json_int_t)l->npoints);
    if (j) json_object_set_new(j, "outliers", json_integer((json_int_t)l->nexcluded));
    if (j && l->nic[0]) json_object_set_new(j, "nic", json_string(l->nic));
    if (j) json_object_set_new(j, "nics", json_integer(l->rails > 1 ? l->rails : 1));
    if (j) json_object_set_new(j, "assumed", l->assumed[0] ? json_string(l->assumed) : json_null());
    if (j) {
        json_t *cp = json_array(), *dr = json_array();
        for (int k = 0; k < l->fit.ncapped; k++)
            json_array_append_new(cp, json_real(l->fit.capped_at_bytes[k]));
        for (int k = 0; k < l->fit.ndrops; k++)
            json_array_append_new(dr, json_real(l->fit.drop_at_bytes[k]));
        json_object_set_new(j, "capped_at_bytes", cp);
        json_object_set_new(j, "drop_at_bytes", dr);
    }
    if (j && points) {
        json_t *pts = json_array();
        for (size_t i = 0; i < l->npoints; i++) {
            const fs_fit_point *p = &l->points[i];
            json_array_append_new(pts,
                                  json_pack("{s:s,s:f,s:f,s:f,s:f,s:b}", "kind", kind_name(p->kind),
                                            "bytes", p->bytes, "time_us", p->time_us, "model_us",
                                            fs_fit_time_us(&l->fit, p->kind, p->bytes), "residual",
                                            l->residual[i], "outlier", l->excluded[i]));
        }
        json_object_set_new(j, "points", pts);
    }
    return j;
}

static void print_text(const fs_link_fit *links, size_t n, bool points)
{
    for (size_t i = 0; i < n; i++) {
        const fs_link_fit *l = &links[i];
        char lab[400], b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
        size_t nlat = 0;
        for (size_t k = 0; k < l->npoints; k++) nlat += l->points[k].kind == FS_FIT_LATENCY;
        printf("%slink %zu: %s  (%zu points: %zu latency, %zu bw; %zu outlier%s left out)\n",
               i ? "\n" : "", i + 1, fs_link_label(l, lab, sizeof lab), l->npoints, nlat,
               l->npoints - nlat, l->nexcluded, l->nexcluded == 1 ? "" : "s");
        if (l->assumed[0]) printf("assumed: %s\n", l->assumed);
        static const char *const head[] = {"segment",        "from",   "to",          "alpha_us",
                                           "bandwidth_GBps", "gap_us", "stream_GBps", "points"};
        fs_table t;
        if (fs_table_init(&t, 8, head)) return;
        for (int s = 0; s < l->fit.link.nseg; s++) {
            const fs_segment *sg = &l->fit.link.seg[s];
            char idx[16], np[24];
            snprintf(idx, sizeof idx, "%d", s + 1);
            snprintf(np, sizeof np, "%zu", l->fit.seg_points[s]);
            const char *cells[] = {
                idx,
                fs_fmt_bytes(b1, sizeof b1, sg->from_bytes, false),
                fs_fmt_bytes(b2, sizeof b2, l->fit.to_bytes[s], false),
                fs_fmt(b3, sizeof b3, "%.3f", sg->alpha_us),
                isinf(sg->bandwidth_GBps) ? "inf"
                                          : fs_fmt(b4, sizeof b4, "%.4g", sg->bandwidth_GBps),
                fs_fmt(b5, sizeof b5, "%.3f", l->fit.gap_us[s]),
                isinf(l->fit.stream_GBps[s]) ? "inf"
                                             : fs_fmt(b6, sizeof b6, "%.4g", l->fit.stream_GBps[s]),
                np};
            fs_table_row(&t, cells);
        }
        fs_table_print(&t, stdout, false);
        fs_table_free(&t);
        printf(
            "n1/2 %s B  peak %s GB/s  message rate %s M/s%s%s%s  residuals rms %.1f%% max %.1f%%\n",
            fs_fmt(b1, sizeof b1, "%.0f", l->n_half_bytes) ? b1 : "-",
            fs_fmt(b2, sizeof b2, "%.4g", l->peak_GBps) ? b2 : "-",
            fs_fmt(b6, sizeof b6, "%.4g", l->msg_rate_Mps) ? b6 : "-",
            l->msg_rate_from ? " (from " : "", l->msg_rate_from ? l->msg_rate_from : "",
            l->msg_rate_from ? ")" : "", 100 * l->fit.rms_rel_residual,
            100 * l->fit.max_rel_residual);
        for (int k = 0; k < l->fit.ncapped; k++)
            printf("monotone: messages of the segment from %s B went faster than the last one's "
                   "bandwidth (the link's peak): capped at it, alpha refitted\n",
                   fs_fmt(b1, sizeof b1, "%.0f", l->fit.capped_at_bytes[k]));
        for (int k = 0; k < l->fit.ndrops; k++)
            printf("monotone: the measured time drops at the switch at %s B; smaller messages "
                   "are modelled at most that time\n",
                   fs_fmt(b1, sizeof b1, "%.0f", l->fit.drop_at_bytes[k]));
        if (points) {
            static const char *const ph[] = {"kind",     "bytes",      "measured_us",
                                             "model_us", "residual_%", "note"};
            if (fs_table_init(&t, 6, ph)) return;
            t.right[5] = false;
            t.right[0] = false;
            for (size_t k = 0; k < l->npoints; k++) {
                const fs_fit_point *p = &l->points[k];
                const char *cells[] = {
                    kind_name(p->kind),
                    fs_fmt(b1, sizeof b1, "%.0f", p->bytes),
                    fs_fmt(b2, sizeof b2, "%.4g", p->time_us),
                    fs_fmt(b3, sizeof b3, "%.4g", fs_fit_time_us(&l->fit, p->kind, p->bytes)),
                    fs_fmt(b4, sizeof b4, "%+.2f", 100 * l->residual[k]),
                    l->excluded[k] ? "outlier, not fitted" : ""};
                fs_table_row(&t, cells);
            }
            fs_table_print(&t, stdout, false);
            fs_table_free(&t);
        }
    }
}

static void print_csv(const fs_link_fit *links, size_t n)
{
    static const char *const head[] = {
        "link",           "transport",    "provider",         "host_a",          "host_b",
        "source",         "segment",      "from_bytes",       "to_bytes",        "alpha_us",
        "bandwidth_GBps", "gap_us",       "stream_GBps",      "points",          "n_half_bytes",
        "peak_GBps",      "msg_rate_Mps", "rms_rel_residual", "max_rel_residual"};
    fs_table t;
    if (fs_table_init(&t, 19, head)) return;
    for (size_t i = 0; i < n; i++) {
        const fs_link_fit *l = &links[i];
        for (int s = 0; s < l->fit.link.nseg; s++) {
            const fs_segment *sg = &l->fit.link.seg[s];
            char b[15][32];
            snprintf(b[0], 32, "%zu", i + 1);
            snprintf(b[1], 32, "%d", s + 1);
            snprintf(b[2], 32, "%zu", l->fit.seg_points[s]);
            const char *cells[] = {
                b[0],
                l->transport,
                l->provider,
                l->host_a,
                l->host_b,
                l->source,
                b[1],
                fs_fmt(b[3], 32, "%.0f", sg->from_bytes),
                fs_fmt(b[4], 32, "%.0f", l->fit.to_bytes[s]),
                fs_fmt(b[5], 32, "%.6g", sg->alpha_us),
                isinf(sg->bandwidth_GBps) ? "inf" : fs_fmt(b[6], 32, "%.6g", sg->bandwidth_GBps),
                fs_fmt(b[7], 32, "%.6g", l->fit.gap_us[s]),
                isinf(l->fit.stream_GBps[s]) ? "inf"
                                             : fs_fmt(b[13], 32, "%.6g", l->fit.stream_GBps[s]),
                b[2],
                fs_fmt(b[8], 32, "%.0f", l->n_half_bytes),
                fs_fmt(b[9], 32, "%.6g", l->peak_GBps),
                fs_fmt(b[10], 32, "%.6g", l->msg_rate_Mps),
                fs_fmt(b[11], 32, "%.6g", l->fit.rms_rel_residual),
                fs_fmt(b[12], 32, "%.6g", l->fit.max_rel_residual)};
            fs_table_row(&t, cells);
        }
    }
    fs_table_print(&t, stdout, true);
    fs_table_free(&t);
}

int fs_cmd_fit(int argc, char **argv)
{
    static const struct option opts[] = {{"max-segments", required_argument, NULL, 'k'},
                                         {"min-sizes", required_argument, NULL, 'm'},
                                         {"points", no_argument, NULL, 'p'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    fs_fit_opts fo = {0, 0};
    fs_out out = FS_OUT_TEXT;
    bool points = false;
    fs_err err = {0};
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        long *v = NULL;
        size_t nv;
        switch (c) {
        case 'k':
        case 'm':
            if (fs_cli_ints(c == 'k' ? "--max-segments" : "--min-sizes", optarg, c == 'k' ? 1 : 2,
                            c == 'k' ? FS_LINK_MAX_SEGMENTS : 1000, &v, &nv, &err))
                return fs_cli_fail(&err);
            if (c == 'k')
                fo.max_segments = (int)v[0];
            else
                fo.min_sizes = (int)v[0];
            free(v);
            break;
        case 'p':
            points = true;
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
            return fs_cli_bad_option("fit", c, optopt, argv, optind);
        }
    }
    fs_results *r;
    int nf = argc - optind;
    if (fs_cli_load("fit", argv + optind, nf, &r, &err)) return fs_cli_fail(&err);
    fs_link_fit *links;
    size_t nl;
    int rc = fs_links_from_results(r, (size_t)nf, &fo, &links, &nl, &err);
    if (rc == FS_EXIT_INPUT && !has_p2p(r, (size_t)nf)) {
        /* nccl-tests logs alone: a link derived from the collectives */
        fs_err ce = {0};
        if (fs_links_from_collectives(r, (size_t)nf, &fo, &links, &nl, &ce) == 0)
            rc = 0;
        else if (ce.status == FS_EXIT_RUNTIME)
            err = ce, rc = FS_EXIT_RUNTIME;
    }
    if (rc) {
        fs_results_free_all(r, (size_t)nf);
        return fs_cli_fail(&err);
    }
    fs_link_fit *nics = NULL; /* --nics runs: per NIC and per node, after the links */
    size_t nn = 0;
    fs_err ne = {0};
    if (fs_links_per_nic(r, (size_t)nf, &fo, &nics, &nn, &ne) == 0 && nn) {
        fs_link_fit *all = realloc(links, (nl + nn) * sizeof *all);
        if (all) {
            memcpy(all + nl, nics, nn * sizeof *nics);
            links = all;
            nl += nn;
            free(nics);
        } else {
            fs_links_free(nics, nn);
        }
    } else if (ne.msg[0]) {
        fprintf(stderr, "fabscale fit: no per-NIC link: %s\n", ne.msg);
    }
    if (out == FS_OUT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nl; i++) json_array_append_new(arr, link_json(&links[i], points));
        rc = fs_cli_print_json(json_pack("{s:o}", "links", arr));
    } else if (out == FS_OUT_CSV) {
        print_csv(links, nl);
    } else {
        print_text(links, nl, points);
    }
    fs_links_free(links, nl);
    fs_results_free_all(r, (size_t)nf);
    return rc;
}
