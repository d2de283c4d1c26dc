/*
 * report.c - the report: first what the interconnect does and what it
 * means for training (report_headline.c), then, with several inputs, how
 * they compare; then the evidence: how far to trust the model, charts
 * (latency, bandwidth, busbw vs size, fit and model vs measured, every file
 * overlaid, drawn by gnuplot into SVG), the fitted links, point-to-point and
 * collective measurements, measured vs model, predictions at scale,
 * training efficiency, optional sections, and the sources.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gnuplot.h"
#include "link_fit.h"
#include "predict.h"
#include "report_compare.h"
#include "report_doc.h"
#include "report_headline.h"
#include "report_names.h"
#include "report_sections.h"
#include "report_style.h"
#include "table.h"
#include "train_report.h"
#include "catalog.h"

/* ---- chart data ---- */

typedef struct series {
    char label[400]; /* as long as the labels build_charts() makes */
    double *x, *y;
    size_t n, cap;
    bool model;   /* a model curve: dashed, in its measurement's colour, no legend entry */
    size_t style; /* fs_report_style index: a measurement's own, a model's its measurement's */
} series;

typedef struct chart {
    const char *name, *caption, *xlabel, *ylabel;
    bool logy;
    const char *model_key; /* the one legend entry for all model curves */
    series *s;
    size_t ns;
    size_t nstyles; /* measured series so far */
} chart;

/* A measured series gets the chart's next style; a model curve (model
 * true) the style of the measured series last added. */
static series *chart_series(chart *c, const char *label, bool model)
{
    series *ns = realloc(c->s, (c->ns + 1) * sizeof *ns);
    if (!ns) return NULL;
    c->s = ns;
    series *s = &ns[c->ns++];
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s", label);
    s->model = model;
    if (!model) c->nstyles++;
    s->style = c->nstyles ? c->nstyles - 1 : 0;
    return s;
}

static int series_add(series *s, double x, double y)
{
    if (!(x > 0) || !isfinite(y) || !(y > 0)) return 0; /* log axes */
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 32;
        double *nx = realloc(s->x, nc * sizeof *nx);
        if (nx) s->x = nx;
        double *ny = realloc(s->y, nc * sizeof *ny);
        if (ny) s->y = ny;
        if (!nx || !ny) return -1;
        s->cap = nc;
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
    return 0;
}

static void chart_free(chart *c)
{
    for (size_t i = 0; i < c->ns; i++) {
        free(c->s[i].x);
        free(c->s[i].y);
    }
    free(c->s);
    c->s = NULL;
    c->ns = 0;
}

static size_t chart_points(const chart *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ns; i++) n += c->s[i].n;
    return n;
}

static double run_time(const fs_point *p)
{
    return isfinite(p->time_us.p50) ? p->time_us.p50 : p->time_us.mean;
}

static bool is_coll(const char *b)
{
    return fs_coll_parse(b) >= 0;
}

/* Bandwidth of one point of a bandwidth or message-rate run: as recorded,
 * else a window of messages over the window's time. */
static double point_bw(const fs_run *run, const fs_point *p)
{
    if (isfinite(p->bandwidth_GBps)) return p->bandwidth_GBps;
    return p->bytes * (run->window ? run->window : 1) / (run_time(p) * 1e3);
}

/* ---- writing ---- */

typedef struct rep {
    const fs_report_opts *o;
    const fs_results *r;
    size_t nr;
    fs_link_fit *links;
    size_t nl;
    char fit_note[600];
    fs_coll_model model;
    fs_model_info info;
    size_t model_link;
    fs_check *checks;
    size_t nchecks, no_ranks, no_link;
    fs_report_out *out;
    fs_err *err;
    char gnuplot[1024];
    char (*names)[FS_REPORT_NAME_LEN]; /* per file: its shortest unique path */
} rep;

static void path_in(char *buf, size_t len, const char *dir, const char *file)
{
    snprintf(buf, len, "%s/%s", dir, file);
}

static void note_file(rep *R, const char *f)
{
    if (R->out->nfiles < FS_REPORT_MAX_FILES)
        snprintf(R->out->files[R->out->nfiles++], 64, "%s", f);
}

/* Write chart c's data and gnuplot commands; the script is run once for all. */
static int chart_script(rep *R, const chart *c, FILE *gp)
{
    char dat[4200], svg[4200], fn[64];
    snprintf(fn, sizeof fn, "%s.dat", c->name);
    path_in(dat, sizeof dat, R->o->dir, fn);
    FILE *f = fopen(dat, "w");
    if (!f)
        return fs_err_set(R->err, FS_EXIT_RUNTIME, "%s: cannot write: %s", dat, strerror(errno));
    size_t used = 0;
    for (size_t i = 0; i < c->ns; i++) {
        if (c->s[i].n == 0) continue;
        if (used++) fputs("\n\n", f);
        fprintf(f, "# %s\n", c->s[i].label);
        for (size_t k = 0; k < c->s[i].n; k++)
            fprintf(f, "%.10g %.10g\n", c->s[i].x[k], c->s[i].y[k]);
    }
    if (fclose(f)) return fs_err_set(R->err, FS_EXIT_RUNTIME, "%s: cannot write", dat);
    note_file(R, fn);
    snprintf(fn, sizeof fn, "%s.svg", c->name);
    path_in(svg, sizeof svg, R->o->dir, fn);
    fputs("set terminal svg size 860,500 dynamic enhanced font 'sans,11' background rgb "
          "'white'\nset output ",
          gp);
    fs_gnuplot_quote(gp, svg);
    /* no title: the page captions the figure, once */
    fprintf(gp, "\nreset\nset xlabel '%s'\nset ylabel '%s'\n", c->xlabel, c->ylabel);
    fprintf(gp,
            "set logscale x 2\nset format x '%%.0b%%B'\n%s\nset grid\nset key outside below "
            "noenhanced\n",
            c->logy ? "set logscale y\nset format y '%g'" : "unset logscale y");
    fputs("plot ", gp);
    size_t idx = 0;
    bool models = false;
    for (size_t i = 0; i < c->ns; i++) {
        if (c->s[i].n == 0) continue;
        char st[160];
        fputs(idx ? ", \\\n  " : "", gp);
        fs_gnuplot_quote(gp, dat);
        fprintf(
            gp, " index %zu using 1:2 with %s ", idx,
            fs_report_style_gnuplot(fs_report_style(c->s[i].style), c->s[i].model, st, sizeof st));
        if (c->s[i].model) {
            fputs("notitle", gp);
            models = true;
        } else {
            fputs("title ", gp);
            fs_gnuplot_quote(gp, c->s[i].label);
        }
        idx++;
    }
    if (models && c->model_key) { /* one legend entry for every model curve */
        fputs(", \\\n  NaN with lines lw 2 lc rgb '#555555' dt 2 title ", gp);
        fs_gnuplot_quote(gp, c->model_key);
    }
    fputs("\nunset output\n", gp);
    return 0;
}

static void build_charts(rep *R, chart *ch)
{
    const fs_results *r = R->r;
    char lab[400];
    for (size_t f = 0; f < R->nr; f++)
        for (size_t i = 0; i < r[f].nruns; i++) {
            const fs_run *run = &r[f].runs[i];
            const char *b = run->benchmark;
            fs_kind k = fs_run_kind(run);
            int which = k == FS_KIND_LATENCY                                  ? 0
                        : k == FS_KIND_BANDWIDTH || k == FS_KIND_MESSAGE_RATE ? 1
                        : k == FS_KIND_COLLECTIVE && is_coll(b)               ? 2
                                                                              : -1;
            if (which < 0) continue;
            if (which == 2)
                snprintf(lab, sizeof lab, "%s: %s %s %s p=%d%s", R->names[f], b,
                         run->transport ? run->transport : "?",
                         run->algorithm ? run->algorithm : "native", run->ranks,
                         run->in_place ? " in-place" : "");
            else
                snprintf(lab, sizeof lab, "%s: %s %s/%s%s", R->names[f], b,
                         run->transport ? run->transport : "?", run->provider ? run->provider : "?",
                         run->pairs > 1 ? " (pairs)" : "");
            series *s = chart_series(&ch[which], lab, false);
            if (!s) return;
            for (size_t j = 0; j < run->npoints; j++) {
                const fs_point *p = &run->points[j];
                double y;
                if (which == 0)
                    y = run_time(p);
                else if (which == 1)
                    y = point_bw(run, p);
                else
                    y = isfinite(p->busbw_GBps)
                            ? p->busbw_GBps
                            : (run->ranks > 0 ? fs_busbw_GBps((fs_collective)fs_coll_parse(b),
                                                              run->ranks, p->bytes, run_time(p))
                                              : NAN);
                series_add(s, p->bytes, y);
            }
        }
    /* fit: measured latency / per-message points and, dashed, the model curves */
    for (size_t li = 0; li < R->nl; li++) {
        const fs_link_fit *l = &R->links[li];
        char ll[360];
        fs_link_label(l, ll, sizeof ll);
        double lo = INFINITY, hi = 0;
        for (int kind = 0; kind < 2; kind++) {
            snprintf(lab, sizeof lab, "link %zu %.200s: %s", li + 1, ll,
                     kind ? "bw, time per message" : "latency");
            series *s = NULL;
            for (size_t k = 0; k < l->npoints; k++) {
                if ((int)l->points[k].kind != kind) continue;
                if (!s && !(s = chart_series(&ch[3], lab, false))) return;
                series_add(s, l->points[k].bytes, l->points[k].time_us);
                if (l->points[k].bytes > 0) lo = fmin(lo, l->points[k].bytes);
                hi = fmax(hi, l->points[k].bytes);
            }
            if (!s) continue;
            series *m = chart_series(&ch[3], "", true);
            if (!m) return;
            for (int k = 0; k <= 200 && hi > 0; k++) {
                double x = lo * pow(hi / lo, k / 200.0);
                series_add(m, x, fs_fit_time_us(&l->fit, (fs_fit_kind)kind, x));
            }
        }
    }
    /* model vs measured collectives: each run's measurement, then its model dashed */
    const fs_run *last = NULL;
    size_t ms = 0, mm = 0; /* indices: adding a series moves the array */
    for (size_t i = 0; i < R->nchecks; i++) {
        const fs_check *c = &R->checks[i];
        if (c->run != last) {
            last = c->run;
            snprintf(lab, sizeof lab, "%s: %s %s p=%d%s", R->names[c->file], fs_coll_name(c->coll),
                     c->run->algorithm ? c->run->algorithm : "native", c->ranks,
                     c->run->in_place ? " in-place" : "");
            if (!chart_series(&ch[4], lab, false)) return;
            ms = ch[4].ns - 1;
            if (!chart_series(&ch[4], "", true)) return;
            mm = ch[4].ns - 1;
        }
        series_add(&ch[4].s[ms], c->bytes, c->measured_busbw);
        series_add(&ch[4].s[mm], c->bytes, c->model_busbw);
    }
}

static void sources_table(rep *R, fs_doc *d)
{
    static const char *const head[] = {
        "name in this report", "file",       "format", "runs", "points", "hosts",
        "instance type",       "recorded by"};
    fs_table t;
    if (fs_table_init(&t, 8, head)) return;
    t.right[0] = t.right[1] = t.right[2] = t.right[5] = t.right[6] = t.right[7] = false;
    for (size_t f = 0; f < R->nr; f++) {
        const fs_results *r = &R->r[f];
        size_t pts = 0;
        for (size_t i = 0; i < r->nruns; i++) pts += r->runs[i].npoints;
        char nr[32], np[32], hosts[300] = "", by[400];
        snprintf(nr, sizeof nr, "%zu", r->nruns);
        snprintf(np, sizeof np, "%zu", pts);
        for (size_t h = 0; h < r->meta.nhosts; h++) {
            size_t l = strlen(hosts);
            snprintf(hosts + l, sizeof hosts - l, "%s%s", h ? ", " : "", r->meta.hosts[h]);
        }
        snprintf(by, sizeof by, "%s%s%s%s%s", r->meta.version ? r->meta.version : "",
                 r->meta.mpi_library ? "; " : "", r->meta.mpi_library ? r->meta.mpi_library : "",
                 r->meta.libfabric_version ? "; libfabric " : "",
                 r->meta.libfabric_version ? r->meta.libfabric_version : "");
        const char *cells[] = {R->names[f],
                               r->path,
                               fs_format_name(r->format),
                               nr,
                               np,
                               hosts[0] ? hosts : NULL,
                               r->meta.instance_type,
                               by[0] ? by : NULL};
        fs_table_row(&t, cells);
    }
    fs_doc_table(d, &t);
    fs_table_free(&t);
    for (size_t f = 0; f < R->nr; f++)
        if (R->r[f].format == FS_FORMAT_FABSCALE && !R->r[f].meta.complete)
            fs_doc_para(d, "Note: %s is marked incomplete (the run was cut short).", R->r[f].path);
}

static void links_table(rep *R, fs_doc *d)
{
    static const char *const head[] = {"link",         "segment",        "from", "to",
                                       "alpha_us",     "bandwidth_GBps", "n1/2", "peak_GBps",
                                       "msg_rate_M/s", "rms residual"};
    fs_table t;
    if (fs_table_init(&t, 10, head)) return;
    t.right[0] = false;
    for (size_t li = 0; li < R->nl; li++) {
        const fs_link_fit *l = &R->links[li];
        for (int s = 0; s < l->fit.link.nseg; s++) {
            char b[10][48], ll[400], lab[360];
            snprintf(ll, sizeof ll, "%zu: %s", li + 1, fs_link_label(l, lab, sizeof lab));
            snprintf(b[1], 48, "%d", s + 1);
            const fs_segment *sg = &l->fit.link.seg[s];
            const char *cells[] = {
                s ? "" : ll,
                b[1],
                fs_fmt_bytes(b[2], 48, sg->from_bytes, false),
                fs_fmt_bytes(b[3], 48, l->fit.to_bytes[s], false),
                fs_fmt(b[4], 48, "%.3f", sg->alpha_us),
                isinf(sg->bandwidth_GBps) ? "inf" : fs_fmt(b[5], 48, "%.4g", sg->bandwidth_GBps),
                s ? "" : fs_fmt_bytes(b[6], 48, round(l->n_half_bytes), false),
                s ? "" : fs_fmt(b[7], 48, "%.4g", l->peak_GBps),
                s ? "" : fs_fmt(b[8], 48, "%.4g", l->msg_rate_Mps),
                s ? "" : fs_fmt(b[9], 48, "%.1f%%", 100 * l->fit.rms_rel_residual)};
            fs_table_row(&t, cells);
        }
    }
    fs_doc_table(d, &t);
    fs_table_free(&t);
}

/* Point-to-point runs: each column holds one quantity of one kind of run
 * (a latency run has no bandwidth, a bandwidth run's window time is not a
 * latency). */
static void p2p_table(rep *R, fs_doc *d)
{
    static const char *const head[] = {"file",
                                       "benchmark",
                                       "transport/provider",
                                       "sizes",
                                       "latency at smallest size (us)",
                                       "peak bandwidth (GB/s) at size",
                                       "message rate (M/s) at smallest size",
                                       "statistic"};
    fs_table t;
    if (fs_table_init(&t, 8, head)) return;
    t.right[0] = t.right[1] = t.right[2] = t.right[7] = false;
    for (size_t f = 0; f < R->nr; f++)
        for (size_t i = 0; i < R->r[f].nruns; i++) {
            const fs_run *run = &R->r[f].runs[i];
            fs_kind k = fs_run_kind(run);
            if (run->npoints == 0 ||
                (k != FS_KIND_LATENCY && k != FS_KIND_BANDWIDTH && k != FS_KIND_MESSAGE_RATE))
                continue;
            const fs_point *p0 = &run->points[0], *pn = &run->points[run->npoints - 1];
            char b[8][64], tp[160];
            snprintf(b[0], 64, "%.28s..%.28s",
                     fs_fmt_bytes(b[6], 32, p0->bytes, false) ? b[6] : "?",
                     fs_fmt_bytes(b[7], 32, pn->bytes, false) ? b[7] : "?");
            const char *lat = NULL, *peak = NULL, *rate = NULL;
            if (k == FS_KIND_LATENCY) {
                lat = fs_fmt(b[1], 64, "%.4g", run_time(p0));
            } else {
                double pk = NAN, at = NAN;
                for (size_t j = 0; j < run->npoints; j++) {
                    double bw = point_bw(run, &run->points[j]);
                    if (isfinite(bw) && !(bw <= pk)) pk = bw, at = run->points[j].bytes;
                }
                if (isfinite(pk)) {
                    char sz[32];
                    snprintf(b[2], 64, "%.4g at %s", pk, fs_fmt_bytes(sz, sizeof sz, at, false));
                    peak = b[2];
                }
                /* messages per us = M/s: a window of messages over the window's time */
                double mr = isfinite(p0->msg_rate_Mps)
                                ? p0->msg_rate_Mps
                                : (run->window ? run->window : 1) / run_time(p0);
                rate = fs_fmt(b[3], 64, "%.4g", mr);
            }
            snprintf(tp, sizeof tp, "%s/%s", run->transport ? run->transport : "?",
                     run->provider ? run->provider : "?");
            const char *cells[] = {
                R->names[f], run->benchmark, tp,   b[0],
                lat,         peak,           rate, isfinite(p0->time_us.p50) ? "p50" : "mean"};
            fs_table_row(&t, cells);
        }
    if (t.nrows)
        fs_doc_table_id(d, &t, "p2p-runs");
    else
        fs_doc_para(d, "None in these files.");
    fs_table_free(&t);
}

static void coll_table(rep *R, fs_doc *d)
{
    static const char *const head[] = {"file",
                                       "collective",
                                       "algorithm",
                                       "ranks",
                                       "sizes",
                                       "busbw at largest size (GB/s)",
                                       "model median |error| out of sample (in sample)"};
    fs_table t;
    if (fs_table_init(&t, 7, head)) return;
    t.right[0] = t.right[1] = t.right[2] = false;
    for (size_t f = 0; f < R->nr; f++)
        for (size_t i = 0; i < R->r[f].nruns; i++) {
            const fs_run *run = &R->r[f].runs[i];
            if (!is_coll(run->benchmark) || run->npoints == 0) continue;
            const fs_point *p0 = &run->points[0], *pn = &run->points[run->npoints - 1];
            char b[8][64];
            snprintf(b[0], 64, "%.28s..%.28s",
                     fs_fmt_bytes(b[6], 32, p0->bytes, false) ? b[6] : "?",
                     fs_fmt_bytes(b[7], 32, pn->bytes, false) ? b[7] : "?");
            double bus = pn->busbw_GBps;
            if (!isfinite(bus) && run->ranks > 0)
                bus = fs_busbw_GBps((fs_collective)fs_coll_parse(run->benchmark), run->ranks,
                                    pn->bytes, run_time(pn));
            snprintf(b[1], 64, "%d", run->ranks);
            double med = fs_check_median_abs(R->checks, R->nchecks, run, FS_ERR_OUT_OF_SAMPLE);
            double in = fs_check_median_abs(R->checks, R->nchecks, run, FS_ERR_IN_SAMPLE);
            snprintf(b[3], 64, "%.1f%% (%.1f%%)", 100 * med, 100 * in);
            char alg[64];
            snprintf(alg, sizeof alg, "%s%s", run->algorithm ? run->algorithm : "native",
                     run->in_place ? " (in-place)" : "");
            const char *cells[] = {R->names[f],
                                   run->benchmark,
                                   alg,
                                   run->ranks ? b[1] : NULL,
                                   b[0],
                                   fs_fmt(b[2], 64, "%.4g", bus),
                                   isfinite(med) ? b[3] : NULL};
            fs_table_row(&t, cells);
        }
    if (t.nrows)
        fs_doc_table_id(d, &t, "collective-runs");
    else
        fs_doc_para(d, "None in these files.");
    fs_table_free(&t);
}

static void checks_table(rep *R, fs_doc *d)
{
    static const char *const head[] = {"file",
                                       "collective",
                                       "algorithm",
                                       "ranks",
                                       "size",
                                       "measured_us",
                                       "model_us (95% band)",
                                       "error",
                                       "error out of sample",
                                       "uncalibrated error",
                                       "measured busbw",
                                       "model busbw"};
    fs_table t;
    if (fs_table_init(&t, 12, head)) return;
    t.right[0] = t.right[1] = t.right[2] = false;
    for (size_t i = 0; i < R->nchecks; i++) {
        const fs_check *c = &R->checks[i];
        char b[10][64], alg[80];
        snprintf(alg, sizeof alg, "%s -> %s", c->run->algorithm ? c->run->algorithm : "native",
                 fs_algo_name(c->chosen));
        snprintf(b[0], 64, "%d", c->ranks);
        if (isfinite(c->model_us))
            snprintf(b[3], 64, "%.4g (%.4g-%.4g)", c->model_us, c->lo_us, c->hi_us);
        const char *cells[] = {R->names[c->file],
                               fs_coll_name(c->coll),
                               alg,
                               b[0],
                               fs_fmt_bytes(b[1], 64, c->bytes, false),
                               fs_fmt(b[2], 64, "%.4g", c->measured_us),
                               isfinite(c->model_us) ? b[3] : NULL,
                               fs_fmt(b[4], 64, "%+.1f%%", 100 * c->rel_err),
                               fs_fmt(b[7], 64, "%+.1f%%", 100 * c->cv_rel_err),
                               fs_fmt(b[8], 64, "%+.1f%%", 100 * c->base_rel_err),
                               fs_fmt(b[5], 64, "%.4g", c->measured_busbw),
                               fs_fmt(b[6], 64, "%.4g", c->model_busbw)};
        fs_table_row(&t, cells);
    }
    fs_doc_table(d, &t);
    fs_table_free(&t);
}

static void scale_table(rep *R, fs_doc *d)
{
    static const int ranks[] = {8, 64, 512, 4096, 32768};
    static const double sizes[] = {1048576.0, 16777216.0, 268435456.0};
    static const char *const head[] = {
        "ranks",          "size", "fastest", "time_us (95% band)", "busbw_GBps (95% band)",
        "ring busbw_GBps"};
    fs_table t;
    if (fs_table_init(&t, 6, head)) return;
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; i++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            fs_algo ch;
            double lo, hi;
            double tu = fs_coll_time_band_us(&R->model, FS_ALLREDUCE, FS_ALGO_AUTO, ranks[i],
                                             sizes[k], &ch, &lo, &hi);
            double tr =
                fs_coll_time_us(&R->model, FS_ALLREDUCE, FS_ALGO_RING, ranks[i], sizes[k], NULL);
            char b[6][64];
            snprintf(b[0], 64, "%d", ranks[i]);
            snprintf(b[2], 64, "%.4g (%.4g-%.4g)", tu, lo, hi);
            /* a longer time is a lower busbw: the band flips */
            snprintf(b[3], 64, "%.4g (%.4g-%.4g)",
                     fs_busbw_GBps(FS_ALLREDUCE, ranks[i], sizes[k], tu),
                     fs_busbw_GBps(FS_ALLREDUCE, ranks[i], sizes[k], hi),
                     fs_busbw_GBps(FS_ALLREDUCE, ranks[i], sizes[k], lo));
            const char *cells[] = {
                b[0],
                fs_fmt_bytes(b[1], 64, sizes[k], false),
                fs_algo_name(ch),
                b[2],
                b[3],
                fs_fmt(b[4], 64, "%.4g", fs_busbw_GBps(FS_ALLREDUCE, ranks[i], sizes[k], tr))};
            fs_table_row(&t, cells);
        }
    fs_doc_table(d, &t);
    fs_table_free(&t);
}

/* Near the top: how far to trust the model, in one paragraph, and why not. */
static void model_summary(rep *R, fs_doc *d)
{
    const fs_model_info *in = &R->info;
    const fs_calib_summary *s = &in->calib;
    char h[160], i[160], b[160];
    fs_doc_heading(d, 3, "How far to trust the model");
    if (in->calibrated && s->headline.n) {
        fs_doc_para(d,
                    "Model error out of sample (points not used to calibrate it): %s. In sample: "
                    "%s. Point-to-point fit alone, before calibration: %s.",
                    fs_calib_error_str(&s->headline, s->headline_kind, h, sizeof h),
                    fs_calib_error_str(&s->in, NULL, i, sizeof i),
                    in->link_derived ? "no point-to-point link (derived from the collectives)"
                                     : fs_calib_error_str(&s->base, NULL, b, sizeof b));
    } else if (in->calibrated) {
        fs_doc_para(d,
                    "The model is calibrated by %zu measured collective point(s) of one size "
                    "and rank count: its error cannot be measured out of sample (in sample: %s). "
                    "Measure more sizes to know it.",
                    s->points, fs_calib_error_str(&s->in, NULL, i, sizeof i));
    } else {
        fs_doc_para(d, "No measured collectives on the model's link: its predictions come from "
                       "the point-to-point fit alone and their error is unknown. Measure an "
                       "all-reduce to calibrate and check it.");
    }
    char w[4][FS_WARN_LEN];
    size_t nw = fs_model_warnings(in, &R->model, 32768, w, 4);
    for (size_t k = 0; k < nw; k++) fs_doc_para(d, "%s", w[k]);
    fs_link_shift sh[8];
    size_t ns = fs_link_shifts(R->r, R->nr, R->checks, R->nchecks, R->links, R->nl, sh, 8);
    for (size_t k = 0; k < ns; k++) {
        char line[2 * FS_WARN_LEN];
        fs_doc_para(d, "Warning: %s.", fs_link_shift_str(&sh[k], R->links, line, sizeof line));
    }
}

static int draw(rep *R, chart *ch, size_t nch)
{
    char script[4200], log[4200];
    path_in(script, sizeof script, R->o->dir, "charts.gp");
    path_in(log, sizeof log, R->o->dir, "gnuplot.log");
    FILE *gp = fopen(script, "w");
    if (!gp)
        return fs_err_set(R->err, FS_EXIT_RUNTIME, "%s: cannot write: %s", script, strerror(errno));
    int rc = 0;
    for (size_t i = 0; i < nch && rc == 0; i++)
        if (chart_points(&ch[i])) rc = chart_script(R, &ch[i], gp);
    if (fclose(gp) && rc == 0) rc = fs_err_set(R->err, FS_EXIT_RUNTIME, "%s: cannot write", script);
    note_file(R, "charts.gp");
    if (rc == 0) rc = fs_gnuplot_run(R->gnuplot, script, log, R->err);
    if (rc == 0)
        for (size_t i = 0; i < nch; i++)
            if (chart_points(&ch[i])) {
                char fn[64];
                snprintf(fn, sizeof fn, "%s.svg", ch[i].name);
                note_file(R, fn);
                R->out->charts++;
            }
    return rc;
}

static void chart_here(rep *R, fs_doc *d, const chart *c)
{
    if (!R->out->charts || !chart_points(c)) return;
    char fn[64], path[4200];
    snprintf(fn, sizeof fn, "%s.svg", c->name);
    path_in(path, sizeof path, R->o->dir, fn);
    fs_doc_chart(d, fn, path, c->caption);
}

/* Names, the fitted links, the model and its checks: everything the
 * sections read.  0, or an error that ends the report. */
static int prepare(rep *R, bool *have_model)
{
    const char **paths = malloc((R->nr ? R->nr : 1) * sizeof *paths);
    R->names = malloc((R->nr ? R->nr : 1) * sizeof *R->names);
    if (!paths || !R->names) {
        free(paths);
        return fs_err_set(R->err, FS_EXIT_RUNTIME, "out of memory");
    }
    for (size_t f = 0; f < R->nr; f++) paths[f] = R->r[f].path;
    fs_report_short_names(paths, R->nr, R->names);
    free(paths);
    fs_err fe = {0};
    int rc = fs_links_from_results(R->r, R->nr, NULL, &R->links, &R->nl, &fe);
    if (rc == FS_EXIT_RUNTIME) return fs_err_set(R->err, rc, "%s", fe.msg);
    if (rc) snprintf(R->fit_note, sizeof R->fit_note, "%.590s", fe.msg);
    fs_model_opts mo = {.intra_GBps = NAN,
                        .intra_alpha_us = NAN,
                        .reduce_GBps = NAN,
                        .results = R->r,
                        .nresults = R->nr,
                        .default_ranks = R->o->osu_ranks,
                        .info = &R->info};
    size_t ii;
    fs_err me = {0};
    rc = fs_model_build(R->links, R->nl, &mo, &R->model, &R->model_link, &ii, &me);
    if (rc == FS_EXIT_RUNTIME) return fs_err_set(R->err, rc, "%s", me.msg);
    *have_model = rc == 0;
    if (*have_model)
        return fs_predict_check(R->r, R->nr, R->links, R->nl, &R->info.base, R->info.force_base,
                                R->o->osu_ranks, &R->checks, &R->nchecks, &R->no_ranks, &R->no_link,
                                R->err);
    return 0;
}

/* The first screen: per link and instance type, the network and training. */
static int headline(rep *R, fs_doc *d)
{
    const fs_report_opts *o = R->o;
    fs_headline_opts ho = {o->nodes,   o->nnodes,   o->gpus,        o->ngpus,    o->models,
                           o->nmodels, o->instance, o->busbw_bytes, o->osu_ranks};
    fs_catalog cat = {0}; /* the loader merges into it: it must start empty */
    fs_err ce = {0};
    bool have_cat = fs_catalog_load_default(&cat, &ce) == 0;
    fs_headline_row *rows;
    size_t n;
    int rc = fs_headline_build(R->r, R->nr, (const char(*)[FS_REPORT_NAME_LEN])R->names,
                               have_cat ? &cat : NULL, ce.msg, &ho, &rows, &n, R->err);
    fs_catalog_free(&cat);
    if (rc) return rc;
    fs_headline_write(d, rows, n, &ho);
    free(rows);
    return 0;
}

int fs_report_write(const fs_report_opts *o, const fs_results *r, size_t nr, fs_report_out *out,
                    fs_err *err)
{
    memset(out, 0, sizeof *out);
    if (mkdir(o->dir, 0777) != 0 && errno != EEXIST)
        return fs_err_set(err, errno == ENOENT || errno == EACCES ? FS_EXIT_INPUT : FS_EXIT_RUNTIME,
                          "--out %s: cannot create: %s", o->dir, strerror(errno));
    struct stat st;
    if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fs_err_set(err, FS_EXIT_INPUT, "--out %s: not a directory", o->dir);
    rep R;
    memset(&R, 0, sizeof R);
    R.o = o;
    R.r = r;
    R.nr = nr;
    R.out = out;
    R.err = err;
    bool have_model = false;
    chart ch[5] = {{"latency", "Latency vs message size", "message size (bytes)",
                    "time, half a round trip (us)", true, NULL, NULL, 0, 0},
                   {"bandwidth", "Bandwidth vs message size", "message size (bytes)", "GB/s", false,
                    NULL, NULL, 0, 0},
                   {"busbw", "Collective bus bandwidth vs size", "vector size (bytes)",
                    "busbw (GB/s)", false, NULL, NULL, 0, 0},
                   {"fit", "Point-to-point: measured and fitted model", "message size (bytes)",
                    "time (us)", true, "dashed: the fitted piecewise Hockney model", NULL, 0, 0},
                   {"model", "Collectives: measured vs model busbw", "vector size (bytes)",
                    "busbw (GB/s)", false,
                    "dashed: the model of the run's algorithm (native: the fastest modelled)", NULL,
                    0, 0}};
    fs_doc d = {NULL, NULL};
    int rc = prepare(&R, &have_model);
    if (rc) goto done;
    build_charts(&R, ch);
    bool have_gnuplot = false;
    if (!o->charts) {
        snprintf(out->note, sizeof out->note, "charts not drawn (--no-charts)");
    } else if (!fs_gnuplot_find(R.gnuplot, sizeof R.gnuplot)) {
        snprintf(out->note, sizeof out->note,
                 "charts not drawn: gnuplot not found%s (install gnuplot-nox)",
                 getenv("FS_GNUPLOT") ? " at $FS_GNUPLOT" : " on PATH");
    } else if ((rc = draw(&R, ch, 5))) {
        goto done;
    } else {
        have_gnuplot = true;
    }

    char md[4200], html[4200];
    path_in(md, sizeof md, o->dir, "report.md");
    path_in(html, sizeof html, o->dir, "report.html");
    d.md = fopen(md, "w");
    d.html = fopen(html, "w");
    if (!d.md || !d.html) {
        rc = fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write: %s", o->dir, strerror(errno));
        goto done;
    }
    fs_report_ctx ctx = {o,
                         o->dir,
                         r,
                         nr,
                         (const char(*)[FS_REPORT_NAME_LEN])R.names,
                         have_gnuplot ? R.gnuplot : NULL,
                         out};
    fs_doc_begin(&d, o->title ? o->title : "fabscale report");

    /* ---- first screen: the answer ---- */
    if ((rc = headline(&R, &d))) goto close;
    if ((rc = fs_report_compare(&d, r, nr, (const char(*)[FS_REPORT_NAME_LEN])R.names, err)))
        goto close;
    if ((rc = fs_report_sections_write(&d, &ctx, FS_SECTION_FIRST_SCREEN, err))) goto close;

    /* ---- the evidence ---- */
    fs_doc_section(&d, "evidence");
    fs_doc_heading(&d, 2, "Evidence");
    fs_doc_para(&d,
                "Generated by fabscale %s. Times are p50 where the file records percentiles "
                "(fabscale), else averages (OSU, nccl-tests); GB/s = 10^9 bytes/s; files are "
                "named by the shortest part of their path that tells them apart (Sources, "
                "below).%s%s",
                FS_VERSION, out->note[0] ? " Note: " : "", out->note);
    if (have_model) model_summary(&R, &d);
    fs_doc_heading(&d, 3, "Fitted links");
    if (R.nl) {
        fs_doc_para(&d, "Piecewise Hockney T(m) = alpha + m / bandwidth per protocol segment, "
                        "fitted to latency p50 and bw time per message with relative weights; "
                        "n1/2 is the size reaching half the peak bandwidth.");
        links_table(&R, &d);
        chart_here(&R, &d, &ch[3]);
    } else {
        fs_doc_para(&d, "No link fitted: %s", R.fit_note);
    }
    fs_doc_heading(&d, 3, "Point-to-point");
    p2p_table(&R, &d);
    chart_here(&R, &d, &ch[0]);
    chart_here(&R, &d, &ch[1]);
    fs_doc_heading(&d, 3, "Collectives");
    coll_table(&R, &d);
    chart_here(&R, &d, &ch[2]);
    if (R.nchecks) {
        fs_doc_heading(&d, 3, "Measured vs model");
        fs_doc_para(&d, "Error = (model - measured) / measured at every measured collective point; "
                        "the model uses the link fitted from the same file's point-to-point runs, "
                        "calibrated by the collectives measured on that link, and the run's "
                        "algorithm (native / auto: the fastest modelled one). Out of sample: the "
                        "model calibrated without the point's message size. Uncalibrated: the "
                        "point-to-point fit alone.");
        chart_here(&R, &d, &ch[4]);
        checks_table(&R, &d);
    }
    if (R.no_ranks)
        fs_doc_para(
            &d,
            "%zu collective run(s) without a rank count were not compared (give --osu-ranks N).",
            R.no_ranks);
    if (R.no_link)
        fs_doc_para(
            &d,
            "%zu collective run(s) were not compared: no point-to-point link was measured with "
            "their transport/provider (fabscale predict --link chooses one).",
            R.no_link);
    if (have_model) {
        fs_doc_heading(&d, 3, "All-reduce at scale (model)");
        char ll[400] = "derived from the measured collectives";
        if (R.model_link != FS_NO_LINK) fs_link_label(&R.links[R.model_link], ll, sizeof ll);
        fs_doc_para(&d,
                    "From link %s, one rank per node%s, with the 95%% band; `fabscale predict` "
                    "takes other rank counts, algorithms and the hierarchical model.",
                    ll, R.info.calibrated ? ", calibrated by the measured collectives" : "");
        scale_table(&R, &d);
    }
    /* What the link does to training on the measured instance type, per workload. */
    if ((rc = fs_train_report_section(&d, o->dir, have_gnuplot ? R.gnuplot : NULL, r, nr, NULL, out,
                                      err)))
        goto close;
    if ((rc = fs_report_sections_write(&d, &ctx, FS_SECTION_EVIDENCE, err))) goto close;
    fs_doc_heading(&d, 3, "Sources");
    sources_table(&R, &d);
    fs_doc_section_end(&d);
close:
    fs_doc_end(&d);
done:;
    int bad = 0;
    if (d.md) bad |= ferror(d.md) | (fclose(d.md) != 0);
    if (d.html) bad |= ferror(d.html) | (fclose(d.html) != 0);
    if (bad && rc == 0)
        rc = fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write the report", o->dir);
    if (d.md && d.html && rc == 0) {
        note_file(&R, "report.md");
        note_file(&R, "report.html");
    }
    for (size_t i = 0; i < 5; i++) chart_free(&ch[i]);
    free(R.checks);
    free(R.names);
    fs_links_free(R.links, R.nl);
    return rc;
}
