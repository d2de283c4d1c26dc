/*
 * cmd_screen.c - `fabscale screen RESULTS [--instance TYPE] [--json]
 * [--fail-on-suspect]`: which node, NIC or link of the cluster is slow,
 * from fabscale-bench --bench pairwise (analysis/screen/screen.h), and the
 * slow NIC of a host from --nics runs' per-NIC figures (screen_rails.h).
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "results.h"
#include "screen.h"
#include "screen_input.h"
#include "screen_rails.h"

static void help(void)
{
    printf("usage: fabscale screen [options] RESULTS...\n\n"
           "Names the slow node, NIC or link of a cluster from the pair matrix that\n"
           "`fabscale-bench --bench pairwise [--quick]` measured (one rank per host; a ring\n"
           "round, round-robin tournament rounds, and confirmation rounds that re-measure\n"
           "only pairs involving a suspect).  Each measurement (bandwidth at the largest\n"
           "size, latency at the smallest) is compared with the cluster's median: it is slow\n"
           "when it misses the median by more than 3.5 robust standard deviations (1.4826 x\n"
           "MAD), more than 25%% (bandwidth) or 100%% (latency), and more than its own noise.\n"
           "  node  most of a host's measurements slow, against 2 or more peers;\n"
           "  nic   the same, on one NIC of a host whose other NICs are fine;\n"
           "  link  one pair slow in 2 or more measurements that no node explains.\n"
           "A pair slow only once is listed as unconfirmed, never named.  With an instance\n"
           "type (--instance, or the file's own), the cluster is also held to the expected\n"
           "point-to-point figures of analysis/data/instances.json (with their sources), and\n"
           "any all-reduce run in RESULTS to the published busbw at its node count and size.\n"
           "Runs with per-NIC figures (fabscale-bench --nics, bw or bibw) name a NIC whose\n"
           "inbound rate at the largest size falls more than 25%% (and more than the\n"
           "point's noise) below the median of its host's other NICs in the same run: the\n"
           "path into it (the NIC, its link, or the sender's NIC of the same rail).\n\n"
           "options:\n"
           "  --instance TYPE     expected figures of this catalogue instance type\n"
           "  --fail-on-suspect   exit 1 when a suspect is named or the cluster is below\n"
           "                      expectation (to gate a job)\n"
           "  --json              print JSON: {\"healthy\", \"suspects\": [{\"host\", \"kind\",\n"
           "                      \"peer\", \"evidence\"}], \"runs\", ...}\n"
           "  -h, --help          this help\n\n"
           "Exit status: 0 with the verdict, 1 with --fail-on-suspect and a suspect,\n"
           "2 bad usage or input.\n");
}

typedef struct screened {
    const char *path;
    fs_screen_run in;
    fs_screen_result res;
} screened;

static json_t *name_or_null(const fs_screen_run *in, int h)
{
    return h >= 0 && h < in->nhosts ? json_string(in->hosts[h]) : json_null();
}

static json_t *suspect_json(const screened *s, const fs_screen_suspect *x)
{
    const fs_run *run = s->in.run;
    json_t *ev =
        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:b, s:b}", "bandwidth_GBps",
                  fs_cli_num(x->bw_GBps), "cluster_bandwidth_GBps", fs_cli_num(x->cluster_bw_GBps),
                  "expected_bandwidth_GBps", fs_cli_num(x->expected_bw_GBps), "latency_us",
                  fs_cli_num(x->lat_us), "cluster_latency_us", fs_cli_num(x->cluster_lat_us),
                  "expected_latency_us", fs_cli_num(x->expected_lat_us), "robust_z",
                  fs_cli_num(x->robust_z), "slow_measurements", x->slow, "measurements",
                  x->measured, "by_bandwidth", x->by_bandwidth, "by_latency", x->by_latency);
    if (x->bw_GBps > 0 && x->cluster_bw_GBps > 0)
        json_object_set_new(ev, "ratio_to_cluster", json_real(x->bw_GBps / x->cluster_bw_GBps));
    return json_pack(
        "{s:o, s:s, s:o, s:o, s:o, s:f, s:o, s:o, s:s}", "host", name_or_null(&s->in, x->host),
        "kind", fs_suspect_kind_name(x->kind), "peer", name_or_null(&s->in, x->peer), "nic",
        x->kind == FS_SUSPECT_NIC && s->in.nics[x->host] ? json_string(s->in.nics[x->host])
                                                         : json_null(),
        "evidence", ev, "confidence", x->confidence, "transport",
        run->transport ? json_string(run->transport) : json_null(), "provider",
        run->provider ? json_string(run->provider) : json_null(), "file", s->path);
}

static json_t *run_json(const screened *s)
{
    const fs_screen_run *in = &s->in;
    const fs_screen_result *r = &s->res;
    json_t *hosts = json_array(), *matrix = json_array(), *unc = json_array(),
           *per_host = json_array();
    for (int a = 0; a < in->nhosts; a++) {
        json_array_append_new(hosts, json_string(in->hosts[a]));
        json_t *row = json_array();
        for (int b = 0; b < in->nhosts; b++)
            json_array_append_new(row, fs_cli_num(r->matrix_bw[a * in->nhosts + b]));
        json_array_append_new(matrix, row);
        json_array_append_new(per_host,
                              json_pack("{s:s, s:o, s:i, s:i}", "host", in->hosts[a],
                                        "bandwidth_GBps", fs_cli_num(r->host_bw[a]), "measurements",
                                        r->host_measured[a], "slow", r->host_slow[a]));
    }
    for (int u = 0; u < r->nunconfirmed; u++)
        json_array_append_new(unc, json_pack("{s:s, s:s}", "host", in->hosts[r->unconfirmed[2 * u]],
                                             "peer", in->hosts[r->unconfirmed[2 * u + 1]]));
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:b, s:b}, s:o, s:o, s:{s:o, s:o}}",
        "file", s->path, "transport",
        in->run->transport ? json_string(in->run->transport) : json_null(), "provider",
        in->run->provider ? json_string(in->run->provider) : json_null(), "mode",
        in->mode ? json_string(in->mode) : json_null(), "schedule", "hosts",
        json_integer(in->nhosts), "rounds_before_confirm",
        in->rounds_before_confirm >= 0 ? json_integer(in->rounds_before_confirm) : json_null(),
        "rounds", in->rounds_total >= 0 ? json_integer(in->rounds_total) : json_null(),
        "measurements", in->measurements >= 0 ? json_integer(in->measurements) : json_null(),
        "all_pairs", in->all_pairs >= 0 ? json_integer(in->all_pairs) : json_null(), "cluster",
        "bandwidth_GBps", fs_cli_num(r->bw_median), "bandwidth_robust_sd_GBps",
        fs_cli_num(r->bw_sigma), "bandwidth_noise", fs_cli_num(r->bw_noise), "latency_us",
        fs_cli_num(r->lat_median), "latency_robust_sd_ln", fs_cli_num(r->lat_sigma_log),
        "ring_bandwidth_GBps", fs_cli_num(r->ring_bw_median), "below_expected_bandwidth",
        r->below_expected_bw, "below_expected_latency", r->below_expected_lat, "hosts_detail",
        per_host, "unconfirmed", unc, "matrix", "hosts", hosts, "bandwidth_GBps", matrix);
}

/* A measured all-reduce held to the catalogue's published busbw at the same
 * node count and size: below it by more than the point's own noise (its
 * ci95 / mean) and the floor is a finding. */
typedef struct ar_check {
    const char *path;
    int nodes;
    double bytes, busbw, expected, tol;
    const fs_expected_ar *src;
    bool below;
} ar_check;

static int ar_checks(const fs_results *docs, int nfiles, char **paths, const fs_expected *ex,
                     ar_check **out)
{
    int n = 0;
    *out = NULL;
    for (int f = 0; ex && f < nfiles; f++) {
        int nodes = (int)docs[f].meta.nhosts;
        for (size_t i = 0; nodes > 0 && i < docs[f].nruns; i++) {
            const fs_run *run = &docs[f].runs[i];
            if (strcmp(run->benchmark, "allreduce") != 0) continue;
            for (int e = 0; e < ex->nar; e++) {
                const fs_expected_ar *a = &ex->ar[e];
                if (a->nodes != nodes) continue;
                for (size_t k = 0; k < run->npoints; k++) {
                    const fs_point *pt = &run->points[k];
                    if (pt->bytes != a->bytes || !isfinite(pt->busbw_GBps)) continue;
                    ar_check *g = realloc(*out, (size_t)(n + 1) * sizeof *g);
                    if (!g) return n;
                    *out = g;
                    double noise = pt->time_us.mean > 0 && isfinite(pt->time_us.ci95)
                                       ? pt->time_us.ci95 / pt->time_us.mean
                                       : 0;
                    double tol = fmax(fs_screen_default_params().expected_floor, noise);
                    g[n] = (ar_check){paths[f],
                                      nodes,
                                      pt->bytes,
                                      pt->busbw_GBps,
                                      a->busbw_GBps,
                                      tol,
                                      a,
                                      pt->busbw_GBps < a->busbw_GBps * (1 - tol)};
                    n++;
                }
            }
        }
    }
    return n;
}

static void fmt_num(char *buf, size_t len, double v, const char *fmt)
{
    if (isfinite(v))
        snprintf(buf, len, fmt, v);
    else
        snprintf(buf, len, "-");
}

static void print_text(const screened *s, int n, const fs_expected *ex, bool healthy)
{
    for (int k = 0; k < n; k++) {
        const fs_screen_run *in = &s[k].in;
        const fs_screen_result *r = &s[k].res;
        printf("%s: pairwise%s%s%s over %s/%s, %d hosts", s[k].path, in->mode ? " (" : "",
               in->mode ? in->mode : "", in->mode ? ")" : "",
               in->run->transport ? in->run->transport : "?",
               in->run->provider ? in->run->provider : "?", in->nhosts);
        if (in->rounds_total >= 0)
            printf(", %d rounds (%d before confirmation), %d measurements (all pairs: %d)",
                   in->rounds_total, in->rounds_before_confirm, in->measurements, in->all_pairs);
        printf("\n");
        char b1[32], b2[32], b3[32], b4[32];
        fmt_num(b1, sizeof b1, r->bw_median, "%.4g");
        fmt_num(b2, sizeof b2, r->bw_noise * 100, "%.1f%%");
        fmt_num(b3, sizeof b3, r->lat_median, "%.4g");
        fmt_num(b4, sizeof b4, r->ring_bw_median, "%.4g");
        printf("cluster: pair bandwidth median %s GB/s (noise %s), latency median %s us, ring "
               "bandwidth median %s GB/s\n",
               b1, b2, b3, b4);
        if (ex && (isfinite(ex->bw_GBps) || isfinite(ex->lat_us))) {
            fmt_num(b1, sizeof b1, ex->bw_GBps, "%.4g");
            fmt_num(b2, sizeof b2, ex->lat_us, "%.4g");
            printf("expected (%s, one pair over one NIC): bandwidth %s GB/s%s, latency %s us%s\n",
                   ex->instance, b1, r->below_expected_bw ? " - BELOW" : "", b2,
                   r->below_expected_lat ? " - ABOVE" : "");
            if (isfinite(ex->bw_GBps)) printf("  bandwidth: %s (%s)\n", ex->bw_source, ex->bw_date);
            if (isfinite(ex->lat_us)) printf("  latency: %s (%s)\n", ex->lat_source, ex->lat_date);
        } else if (ex) {
            printf("expected (%s): the catalogue has no one-direction point-to-point figure for "
                   "it (analysis/data/instances.json, \"expected\")\n",
                   ex->instance);
        }
        if (r->nsuspects) {
            printf("%-5s %-16s %-16s %12s %12s %11s %11s %7s %9s %10s\n", "kind", "host", "peer",
                   "bw_GBps", "cluster_bw", "lat_us", "cluster_lat", "z", "slow/all", "confidence");
            for (int i = 0; i < r->nsuspects; i++) {
                const fs_screen_suspect *x = &r->suspects[i];
                char c1[32], c2[32], c3[32], c4[32], c5[32], sl[32];
                fmt_num(c1, sizeof c1, x->bw_GBps, "%.4g");
                fmt_num(c2, sizeof c2, x->cluster_bw_GBps, "%.4g");
                fmt_num(c3, sizeof c3, x->lat_us, "%.4g");
                fmt_num(c4, sizeof c4, x->cluster_lat_us, "%.4g");
                fmt_num(c5, sizeof c5, x->robust_z, "%.1f");
                snprintf(sl, sizeof sl, "%d/%d", x->slow, x->measured);
                printf("%-5s %-16s %-16s %12s %12s %11s %11s %7s %9s %10.2f\n",
                       fs_suspect_kind_name(x->kind), in->hosts[x->host],
                       x->peer >= 0 ? in->hosts[x->peer] : "-", c1, c2, c3, c4, c5, sl,
                       x->confidence);
            }
        }
        for (int u = 0; u < r->nunconfirmed; u++)
            printf("unconfirmed: %s <-> %s slow once, not again (not named)\n",
                   in->hosts[r->unconfirmed[2 * u]], in->hosts[r->unconfirmed[2 * u + 1]]);
    }
    int total = 0;
    for (int k = 0; k < n; k++) total += s[k].res.nsuspects;
    printf("verdict: %s", healthy ? "healthy" : "UNHEALTHY");
    if (total) printf(" (%d suspect%s)", total, total == 1 ? "" : "s");
    printf("\n");
}

int fs_cmd_screen(int argc, char **argv)
{
    enum { OPT_INSTANCE = 256, OPT_FAIL, OPT_JSON, OPT_CSV };
    static const struct option lo[] = {
        {"instance", required_argument, 0, OPT_INSTANCE},
        {"fail-on-suspect", no_argument, 0, OPT_FAIL},
        {"json", no_argument, 0, OPT_JSON},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *instance = NULL;
    bool fail = false, json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case OPT_INSTANCE:
            instance = optarg;
            break;
        case OPT_FAIL:
            fail = true;
            break;
        case OPT_JSON:
            json = true;
            break;
        case 'h':
            help();
            return FS_EXIT_OK;
        default:
            return fs_cli_bad_option("screen", c, optopt, argv, optind);
        }
    }
    fs_err err = {0};
    int nfiles = argc - optind;
    fs_results *docs = NULL;
    int rc = fs_cli_load("screen", argv + optind, nfiles, &docs, &err);
    if (rc) return fs_cli_fail(&err);

    fs_expected ex, *exp = NULL;
    /* The type the user names, else the one the file recorded (EC2 DMI)
     * when the catalogue knows it. */
    const char *type = instance ? instance : docs[0].meta.instance_type;
    if (type) {
        fs_err e2 = {0};
        int erc = fs_expected_load(type, &ex, &e2);
        if (erc == 0) {
            exp = &ex;
        } else if (instance) {
            fs_results_free_all(docs, (size_t)nfiles);
            return fs_cli_fail(&e2);
        }
    }

    screened *s = NULL;
    int n = 0;
    for (int f = 0; f < nfiles && !rc; f++) {
        for (size_t i = 0; i < docs[f].nruns && !rc; i++) {
            const fs_run *run = &docs[f].runs[i];
            if (strcmp(run->benchmark, "pairwise") != 0) continue;
            screened *g = realloc(s, (size_t)(n + 1) * sizeof *g);
            if (!g) {
                rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
                break;
            }
            s = g;
            screened *x = &s[n];
            memset(x, 0, sizeof *x);
            x->path = argv[optind + f];
            rc = fs_screen_run_read(run, x->path, &x->in, &err);
            if (rc) {
                fs_screen_run_free(&x->in);
                break;
            }
            n++;
            fs_screen_input si = {
                .nhosts = x->in.nhosts,
                .hosts = (const char *const *)x->in.hosts,
                .m = x->in.m,
                .nm = x->in.nm,
                .expected_bw_GBps = exp ? exp->bw_GBps : NAN,
                .expected_lat_us = exp ? exp->lat_us : NAN,
                .p = fs_screen_default_params(),
            };
            if (fs_screen_classify(&si, &x->res))
                rc = fs_err_set(&err, FS_EXIT_RUNTIME, "%s: screening failed (out of memory)",
                                x->path);
        }
    }
    ar_check *ac = NULL;
    int nac = rc ? 0 : ar_checks(docs, nfiles, argv + optind, exp, &ac);
    /* Per-NIC figures (--nics): a NIC slower than its host's others. */
    fs_rail_meas *rm = NULL;
    fs_rail_suspect *rs = NULL;
    int nrm = 0, nrs = 0;
    const char **rpath = NULL; /* file of each rail measurement */
    for (int f = 0; f < nfiles && !rc; f++)
        for (size_t i = 0; i < docs[f].nruns && !rc; i++) {
            int before = nrm;
            if (fs_rail_meas_read(&docs[f].runs[i], &rm, &nrm)) {
                rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
                break;
            }
            if (nrm == before) continue; /* a run without per-NIC figures */
            const char **g = realloc(rpath, (size_t)nrm * sizeof *g);
            if (!g) {
                rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
                break;
            }
            rpath = g;
            for (int k = before; k < nrm; k++) rpath[k] = argv[optind + f];
        }
    if (!rc && fs_rail_screen(rm, nrm, fs_screen_default_params().bw_floor, &rs, &nrs))
        rc = fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    if (!rc && n == 0 && nac == 0 && nrm == 0)
        rc = fs_err_set(&err, FS_EXIT_INPUT,
                        "screen: no pairwise run and no per-NIC figures in the RESULTS given "
                        "(measure with fabscale-bench --bench pairwise, one rank per host, or "
                        "--nics all --bench bw)");
    bool healthy = nrs == 0;
    for (int k = 0; !rc && k < n; k++) healthy &= s[k].res.healthy;
    for (int k = 0; !rc && k < nac; k++) healthy &= !ac[k].below;
    if (!rc && json) {
        json_t *sus = json_array(), *runs = json_array();
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < s[k].res.nsuspects; i++)
                json_array_append_new(sus, suspect_json(&s[k], &s[k].res.suspects[i]));
            json_array_append_new(runs, run_json(&s[k]));
        }
        for (int k = 0; k < nrs; k++) {
            const fs_rail_meas *x = &rm[rs[k].meas];
            json_array_append_new(
                sus, json_pack("{s:s, s:s, s:n, s:s, s:{s:f, s:f, s:f, s:f, s:f}, s:s, s:s}",
                               "host", x->host, "kind", "nic", "peer", "nic", x->nic, "evidence",
                               "bytes", x->bytes, "bandwidth_GBps", x->bw_GBps,
                               "host_other_nics_GBps", rs[k].others_GBps, "ratio_to_other_nics",
                               rs[k].ratio, "tolerance", rs[k].tolerance, "benchmark",
                               x->run->benchmark, "file", rpath[rs[k].meas]));
        }
        json_t *nics = json_array();
        for (int k = 0; k < nrm; k++)
            json_array_append_new(
                nics, json_pack("{s:s, s:s, s:s, s:f, s:f, s:s}", "host", rm[k].host, "nic",
                                rm[k].nic, "benchmark", rm[k].run->benchmark, "bytes", rm[k].bytes,
                                "bandwidth_GBps", rm[k].bw_GBps, "file", rpath[k]));
        json_t *jex = json_null();
        if (exp)
            jex = json_pack("{s:s, s:o, s:s, s:s, s:o, s:s, s:s}", "instance", exp->instance,
                            "bandwidth_GBps", fs_cli_num(exp->bw_GBps), "bandwidth_source",
                            exp->bw_source, "bandwidth_date", exp->bw_date, "latency_us",
                            fs_cli_num(exp->lat_us), "latency_source", exp->lat_source,
                            "latency_date", exp->lat_date);
        json_t *checks = json_array();
        for (int k = 0; k < nac; k++)
            json_array_append_new(
                checks,
                json_pack("{s:s, s:s, s:i, s:I, s:f, s:f, s:f, s:b, s:s, s:s}", "file", ac[k].path,
                          "benchmark", "allreduce", "nodes", ac[k].nodes, "bytes",
                          (json_int_t)ac[k].bytes, "busbw_GBps", ac[k].busbw, "expected_busbw_GBps",
                          ac[k].expected, "tolerance", ac[k].tol, "below_expected", ac[k].below,
                          "source", ac[k].src->source, "date", ac[k].src->date));
        rc = fs_cli_print_json(json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "healthy", healthy,
                                         "suspects", sus, "expected", jex, "expected_checks",
                                         checks, "runs", runs, "nics", nics));
    } else if (!rc) {
        for (int k = 0; k < nac; k++)
            printf("%s: all-reduce on %d nodes at %.0f B: busbw %.4g GB/s, expected %.4g "
                   "(%s, %s): %s\n",
                   ac[k].path, ac[k].nodes, ac[k].bytes, ac[k].busbw, ac[k].expected,
                   ac[k].src->source, ac[k].src->date,
                   ac[k].below ? "BELOW by more than the noise" : "within the noise");
        for (int k = 0; k < nrm; k++) {
            bool slow = false;
            for (int j = 0; j < nrs; j++) slow |= rs[j].meas == k;
            printf("%s: %s NIC %s:%s at %.0f B: %.4g GB/s inbound%s\n", rpath[k],
                   rm[k].run->benchmark, rm[k].host, rm[k].nic, rm[k].bytes, rm[k].bw_GBps,
                   slow ? " - SLOW" : "");
        }
        for (int k = 0; k < nrs; k++) {
            const fs_rail_meas *x = &rm[rs[k].meas];
            printf("nic   %s:%s %.4g GB/s inbound, %.0f%% of its host's other NICs (%.4g GB/s; "
                   "more than %.0f%% short): this NIC, its link, or the sender's NIC of the "
                   "same rail\n",
                   x->host, x->nic, x->bw_GBps, 100 * rs[k].ratio, rs[k].others_GBps,
                   100 * rs[k].tolerance);
        }
        if (n) {
            print_text(s, n, exp, healthy);
        } else {
            printf("verdict: %s", healthy ? "healthy" : "UNHEALTHY");
            if (nrs) printf(" (%d suspect%s)", nrs, nrs == 1 ? "" : "s");
            printf("\n");
        }
    }
    free(ac);
    free(rm);
    free(rs);
    free(rpath);
    for (int k = 0; k < n; k++) {
        fs_screen_result_free(&s[k].res);
        fs_screen_run_free(&s[k].in);
    }
    free(s);
    fs_results_free_all(docs, (size_t)nfiles);
    if (err.status) return fs_cli_fail(&err);
    if (rc) return rc;
    return fail && !healthy ? FS_EXIT_RUNTIME : FS_EXIT_OK;
}
