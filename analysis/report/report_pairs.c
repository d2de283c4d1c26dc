/* report_pairs.c - pair-matrix heatmap with suspects marked (see report_pairs.h). */
#include "report_pairs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gnuplot.h"
#include "screen.h"
#include "screen_input.h"
#include "table.h"

static void note_file(fs_report_out *out, const char *f)
{
    if (out && out->nfiles < FS_REPORT_MAX_FILES) snprintf(out->files[out->nfiles++], 64, "%s", f);
}

static int cant_write(fs_err *err, const char *path)
{
    return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write: %s", path, strerror(errno));
}

/* Matrix (row = sender, column = receiver; NaN unmeasured) and the cells
 * to mark, then the script; gnuplot draws pairs_K.svg. */
static int heatmap(const char *dir, const char *gnuplot, int k, const fs_screen_run *in,
                   const fs_screen_result *res, fs_report_out *out, fs_err *err)
{
    char dat[4200], marks[4200], svg[4200], gp[4200], log[4200], name[64];
    snprintf(dat, sizeof dat, "%s/pairs_%d.dat", dir, k);
    snprintf(marks, sizeof marks, "%s/pairs_%d_suspects.dat", dir, k);
    snprintf(svg, sizeof svg, "%s/pairs_%d.svg", dir, k);
    snprintf(gp, sizeof gp, "%s/pairs_%d.gp", dir, k);
    snprintf(log, sizeof log, "%s/pairs_%d.log", dir, k);
    int nh = in->nhosts;
    double hi = 0;
    FILE *f = fopen(dat, "w");
    if (!f) return cant_write(err, dat);
    for (int a = 0; a < nh; a++) {
        for (int b = 0; b < nh; b++) {
            double v = res->matrix_bw[a * nh + b];
            if (isfinite(v) && v > hi) hi = v;
            fprintf(f, "%s%.6g", b ? " " : "", isfinite(v) ? v : NAN);
        }
        fputc('\n', f);
    }
    if (fclose(f)) return cant_write(err, dat);
    /* Suspects: a node's own (diagonal) cell and every measured cell of its
     * row and column; a link's two cells. */
    if (!(f = fopen(marks, "w"))) return cant_write(err, marks);
    fprintf(f, "# column(receiver) row(sender) kind\n");
    for (int s = 0; s < res->nsuspects; s++) {
        const fs_screen_suspect *x = &res->suspects[s];
        if (x->kind == FS_SUSPECT_LINK) {
            fprintf(f, "%d %d link\n%d %d link\n", x->peer, x->host, x->host, x->peer);
            continue;
        }
        fprintf(f, "%d %d %s\n", x->host, x->host, fs_suspect_kind_name(x->kind));
        for (int q = 0; q < nh; q++) {
            if (isfinite(res->matrix_bw[x->host * nh + q])) fprintf(f, "%d %d row\n", q, x->host);
            if (isfinite(res->matrix_bw[q * nh + x->host])) fprintf(f, "%d %d row\n", x->host, q);
        }
    }
    fprintf(f, "-1 -1 none\n"); /* never empty: gnuplot refuses an empty file */
    if (fclose(f)) return cant_write(err, marks);

    if (!(f = fopen(gp, "w"))) return cant_write(err, gp);
    fputs("set terminal svg size 760,640 dynamic enhanced font 'sans,11' background rgb "
          "'white'\nset output ",
          f);
    fs_gnuplot_quote(f, svg);
    fprintf(f, "\nset title 'Pair bandwidth (GB/s), sender (row) to receiver (column); "
               "suspects circled' noenhanced\n");
    fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\n", nh - 1, nh - 1);
    fputs("set xtics rotate by 45 right noenhanced (", f);
    for (int h = 0; h < nh; h++) {
        fprintf(f, "%s", h ? ", " : "");
        fs_gnuplot_quote(f, in->hosts[h]);
        fprintf(f, " %d", h);
    }
    fputs(")\nset ytics noenhanced (", f);
    for (int h = 0; h < nh; h++) {
        fprintf(f, "%s", h ? ", " : "");
        fs_gnuplot_quote(f, in->hosts[h]);
        fprintf(f, " %d", h);
    }
    fputs(")\nset xlabel 'receiver'\nset ylabel 'sender'\nset cblabel 'GB/s'\n", f);
    fprintf(f, "set cbrange [0:%.6g]\n", hi > 0 ? hi : 1);
    fputs("set palette defined (0 '#b2182b', 0.5 '#fee08b', 1 '#1a9850')\n"
          "set key outside below\nplot ",
          f);
    fs_gnuplot_quote(f, dat);
    fputs(" matrix with image notitle, \\\n  ", f);
    fs_gnuplot_quote(f, marks);
    fputs(" using 1:(strcol(3) eq 'row' ? $2 : 1/0) with points pt 6 ps 2.2 lw 1.5 lc rgb 'black' "
          "title 'pair of a suspect node or NIC', \\\n  ",
          f);
    fs_gnuplot_quote(f, marks);
    fputs(" using 1:(strcol(3) eq 'link' ? $2 : 1/0) with points pt 6 ps 3 lw 2.5 lc rgb "
          "'black' title 'suspect link', \\\n  ",
          f);
    fs_gnuplot_quote(f, marks);
    fputs(" using 1:(strcol(3) eq 'node' || strcol(3) eq 'nic' ? $2 : 1/0) with points pt 2 "
          "ps 3 lw 2.5 lc rgb 'black' title 'suspect node or NIC'\nunset output\n",
          f);
    if (fclose(f)) return cant_write(err, gp);
    snprintf(name, sizeof name, "pairs_%d.dat", k);
    note_file(out, name);
    snprintf(name, sizeof name, "pairs_%d.gp", k);
    note_file(out, name);
    int rc = fs_gnuplot_run(gnuplot, gp, log, err);
    if (rc == 0) {
        snprintf(name, sizeof name, "pairs_%d.svg", k);
        note_file(out, name);
        if (out) out->charts++;
    }
    return rc;
}

static void suspects_table(fs_doc *d, const fs_screen_run *in, const fs_screen_result *res)
{
    static const char *const head[] = {"kind",      "host",     "peer",
                                       "bw (GB/s)", "cluster",  "latency (us)",
                                       "cluster",   "slow/all", "confidence"};
    fs_table t;
    if (fs_table_init(&t, 9, head)) return;
    for (int s = 0; s < res->nsuspects; s++) {
        const fs_screen_suspect *x = &res->suspects[s];
        char b[6][32], sl[32];
        snprintf(sl, sizeof sl, "%d/%d", x->slow, x->measured);
        const char *cells[9] = {fs_suspect_kind_name(x->kind),
                                in->hosts[x->host],
                                x->peer >= 0 ? in->hosts[x->peer] : "-",
                                fs_fmt(b[0], 32, "%.4g", x->bw_GBps),
                                fs_fmt(b[1], 32, "%.4g", x->cluster_bw_GBps),
                                fs_fmt(b[2], 32, "%.4g", x->lat_us),
                                fs_fmt(b[3], 32, "%.4g", x->cluster_lat_us),
                                sl,
                                fs_fmt(b[4], 32, "%.2f", x->confidence)};
        fs_table_row(&t, cells);
    }
    fs_doc_table(d, &t);
    fs_table_free(&t);
}

int fs_report_pairs_section(fs_doc *d, const char *dir, const char *gnuplot, const fs_results *r,
                            size_t nr, fs_report_out *out, fs_err *err)
{
    int k = 0, rc = 0;
    for (size_t f = 0; f < nr && !rc; f++) {
        for (size_t i = 0; i < r[f].nruns && !rc; i++) {
            const fs_run *run = &r[f].runs[i];
            if (strcmp(run->benchmark, "pairwise") != 0) continue;
            if (k == 0) fs_doc_heading(d, 2, "Cluster screen (pair matrix)");
            fs_screen_run in;
            fs_err e = {0};
            const char *path = r[f].path ? r[f].path : "results";
            if (fs_screen_run_read(run, path, &in, &e)) {
                fs_doc_para(d, "Pairwise run not screened: %s", e.msg);
                fs_screen_run_free(&in);
                continue;
            }
            fs_screen_input si = {.nhosts = in.nhosts,
                                  .hosts = (const char *const *)in.hosts,
                                  .m = in.m,
                                  .nm = in.nm,
                                  .expected_bw_GBps = NAN,
                                  .expected_lat_us = NAN,
                                  .p = fs_screen_default_params()};
            fs_screen_result res;
            if (fs_screen_classify(&si, &res)) {
                fs_screen_run_free(&in);
                return fs_err_set(err, FS_EXIT_RUNTIME, "%s: screening failed (out of memory)",
                                  path);
            }
            fs_doc_para(d,
                        "%s: %s screen of %d hosts over %s/%s, %d measurements in %d rounds "
                        "(all pairs: %d). Pair bandwidth median %.4g GB/s, latency median "
                        "%.4g us. Verdict (fabscale screen): %s%s",
                        path, in.mode ? in.mode : "pairwise", in.nhosts,
                        run->transport ? run->transport : "?", run->provider ? run->provider : "?",
                        in.measurements, in.rounds_total, in.all_pairs, res.bw_median,
                        res.lat_median, res.nsuspects ? "suspects named below" : "no suspect",
                        res.nunconfirmed ? "; pairs slow once but not on re-measurement are "
                                           "not named"
                                         : ".");
            if (res.nsuspects) suspects_table(d, &in, &res);
            if (gnuplot) {
                rc = heatmap(dir, gnuplot, k, &in, &res, out, err);
                char file[64], svg[4200];
                snprintf(file, sizeof file, "pairs_%d.svg", k);
                snprintf(svg, sizeof svg, "%s/%s", dir, file);
                if (!rc) fs_doc_chart(d, file, svg, "pair bandwidth heatmap");
            }
            k++;
            fs_screen_result_free(&res);
            fs_screen_run_free(&in);
        }
    }
    return rc;
}
