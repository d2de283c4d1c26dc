/* report_compare.c - the report's comparison section (see report_compare.h). */
#include "report_compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_compare.h"
#include "table.h"

static const char *run_label(const fs_run *run, char *buf, size_t len)
{
    char p[32] = "";
    if (run->ranks > 2 || fs_run_kind(run) == FS_KIND_COLLECTIVE)
        snprintf(p, sizeof p, " p=%d", run->ranks);
    snprintf(buf, len, "%s %s/%s%s%s%s%s", run->benchmark, run->transport ? run->transport : "?",
             run->provider ? run->provider : "?", run->algorithm ? " " : "",
             run->algorithm ? run->algorithm : "", p, run->in_place ? " in-place" : "");
    return buf;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* "better" / "worse" / "within noise" for a matched point. */
static const char *verdict(const fs_point_delta *d)
{
    if (!d->significant) return "no: within the noise";
    return d->worse ? "yes: B worse" : "yes: B better";
}

/* One row per run pair: sizes matched, median and range of B/A, points
 * beyond the noise each way. */
static void summary(fs_doc *d, const fs_point_delta *pd, size_t n)
{
    static const char *const head[] = {"run",
                                       "statistic",
                                       "sizes compared",
                                       "B/A median",
                                       "B/A range",
                                       "B better beyond noise",
                                       "B worse beyond noise"};
    fs_table t;
    if (fs_table_init(&t, 7, head)) return;
    t.right[0] = t.right[1] = false;
    double *ratios = malloc((n ? n : 1) * sizeof *ratios);
    if (!ratios) {
        fs_table_free(&t);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        size_t m = 0, better = 0, worse = 0;
        while (j < n && pd[j].run_a == pd[i].run_a && pd[j].run_b == pd[i].run_b) {
            if (isfinite(pd[j].ratio)) {
                ratios[m++] = pd[j].ratio;
                if (pd[j].significant) {
                    if (pd[j].worse)
                        worse++;
                    else
                        better++;
                }
            }
            j++;
        }
        char lab[300], c[6][64];
        const fs_run *run = pd[i].run_a ? pd[i].run_a : pd[i].run_b;
        run_label(run, lab, sizeof lab);
        if (!pd[i].run_a || !pd[i].run_b) {
            snprintf(c[0], sizeof c[0], "only in %s", pd[i].run_a ? "A" : "B");
            const char *cells[] = {lab, pd[i].stat, c[0], NULL, NULL, NULL, NULL};
            fs_table_row(&t, cells);
            i = j;
            continue;
        }
        qsort(ratios, m, sizeof *ratios, cmp_double);
        snprintf(c[0], sizeof c[0], "%zu", m);
        double med = m ? (m % 2 ? ratios[m / 2] : 0.5 * (ratios[m / 2 - 1] + ratios[m / 2])) : NAN;
        if (m) snprintf(c[2], sizeof c[2], "%.3g-%.3g", ratios[0], ratios[m - 1]);
        snprintf(c[3], sizeof c[3], "%zu", better);
        snprintf(c[4], sizeof c[4], "%zu", worse);
        char stat[96];
        snprintf(stat, sizeof stat, "%s (%s, %s)", pd[i].stat, pd[i].unit,
                 pd[i].higher_is_better ? "higher is better" : "lower is better");
        const char *cells[] = {
            lab,  stat, c[0], m ? fs_fmt(c[1], sizeof c[1], "%.3g", med) : NULL, m ? c[2] : NULL,
            c[3], c[4]};
        fs_table_row(&t, cells);
        i = j;
    }
    free(ratios);
    fs_doc_table_id(d, &t, "comparison-summary");
    fs_table_free(&t);
}

static void per_size(fs_doc *d, const fs_point_delta *pd, size_t n)
{
    static const char *const head[] = {
        "run", "size", "A", "B", "unit", "B/A", "noise (+-)", "difference exceeds the noise"};
    fs_table t;
    if (fs_table_init(&t, 8, head)) return;
    t.right[0] = t.right[4] = t.right[7] = false;
    for (size_t i = 0; i < n; i++) {
        const fs_point_delta *p = &pd[i];
        if (!p->run_a || !p->run_b) continue; /* listed in the summary */
        char lab[300], c[6][48];
        run_label(p->run_a, lab, sizeof lab);
        const char *cells[] = {
            lab,
            fs_fmt_bytes(c[0], sizeof c[0], p->bytes, false),
            isfinite(p->a) ? fs_fmt(c[1], sizeof c[1], "%.4g", p->a) : NULL,
            isfinite(p->b) ? fs_fmt(c[2], sizeof c[2], "%.4g", p->b) : NULL,
            p->unit,
            isfinite(p->ratio) ? fs_fmt(c[3], sizeof c[3], "%.3f", p->ratio) : NULL,
            isfinite(p->noise) ? fs_fmt(c[4], sizeof c[4], "%.0f%%", 100 * p->noise) : NULL,
            isfinite(p->ratio) ? verdict(p)
            : isfinite(p->a)   ? "only in A"
                               : "only in B"};
        fs_table_row(&t, cells);
    }
    if (t.nrows) fs_doc_table_id(d, &t, "comparison");
    fs_table_free(&t);
}

int fs_report_compare(fs_doc *d, const fs_results *r, size_t nr,
                      const char (*names)[FS_REPORT_NAME_LEN], fs_err *err)
{
    if (nr < 2) return 0;
    fs_doc_section(d, "comparison");
    fs_doc_heading(d, 2, "How the inputs compare");
    for (size_t k = 1; k < nr; k++) {
        fs_point_delta *pd;
        size_t n;
        int rc = fs_compare_results(&r[0], &r[k], &pd, &n, err);
        if (rc) return rc;
        char h[2 * FS_REPORT_NAME_LEN + 16];
        snprintf(h, sizeof h, "B = %s vs A = %s", names[k], names[0]);
        fs_doc_heading(d, 3, h);
        size_t nw = 0, nb = 0, matched = 0;
        for (size_t i = 0; i < n; i++) matched += isfinite(pd[i].ratio);
        fs_verdict v = fs_compare_verdict(pd, n, 0, &nw, &nb);
        if (matched == 0) {
            fs_doc_para(d,
                        "%s and %s measured nothing in common (no run with the same benchmark, "
                        "transport, provider, algorithm and rank count at the same size).",
                        names[k], names[0]);
        } else {
            fs_doc_para(d,
                        "Verdict: %s. Of %zu sizes measured by both, B is better beyond the noise "
                        "at %zu and worse at %zu.",
                        fs_verdict_name(v), matched, nb, nw);
            summary(d, pd, n);
            per_size(d, pd, n);
            fs_doc_note(d,
                        "B/A is the ratio of each kind's headline statistic (p50 time for "
                        "latency, bandwidth, message rate, busbw). Noise: the relative "
                        "difference the two files' own 95%% intervals explain, combined, and "
                        "never below a run-to-run floor of %.0f%% (two launches of the same "
                        "build differ by that much). A verdict needs a neighbouring size to "
                        "agree.",
                        100 * FS_COMPARE_DEFAULT_FLOOR);
        }
        free(pd);
    }
    fs_doc_section_end(d);
    return 0;
}
