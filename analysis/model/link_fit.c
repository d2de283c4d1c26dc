/*
 * link_fit.c - piecewise Hockney fit of one link's points (see link_fit.h).
 *
 * Model per segment: t = a_kind + m * s, a_kind being alpha for latency
 * points and the streaming gap for bw points, s = 1/bandwidth shared.
 * Weighted least squares with w = 1/t^2 (relative errors).  The search
 * over breakpoints uses closed-form normal equations on prefix sums (cheap:
 * O(segments * candidates^2)); the chosen segments are then fitted with
 * GSL, with alpha >= 0 and bandwidth > 0 enforced by dropping the column
 * that broke the bound.
 */
#include "link_fit.h"

#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAND 256 /* breakpoint candidates: distinct sizes, bucketed beyond this */

typedef struct sums {
    double w[2], wm[2], wmm[2], wt[2], wmt[2];
    double nk[2]; /* points of each kind */
    double n;
} sums;

static void sums_add(sums *a, const sums *b, double sign)
{
    for (int k = 0; k < 2; k++) {
        a->w[k] += sign * b->w[k];
        a->wm[k] += sign * b->wm[k];
        a->wmm[k] += sign * b->wmm[k];
        a->wt[k] += sign * b->wt[k];
        a->wmt[k] += sign * b->wmt[k];
        a->nk[k] += sign * b->nk[k];
    }
    a->n += sign * b->n;
}

/* Weighted RSS of the best unconstrained fit of a range (normal equations):
 * one intercept and slope per kind present (the flexible model, so
 * breakpoints do not depend on whether the kinds agree). */
static double range_rss(const sums *S)
{
    double rss = 0;
    for (int k = 0; k < 2; k++) {
        if (!(S->w[k] > 0)) continue;
        double W = S->w[k], M = S->wm[k], Q = S->wmm[k], T = S->wt[k], MT = S->wmt[k];
        double den = Q - M * M / W;
        double sl = den > 1e-300 ? (MT - M * T / W) / den : 0;
        double a = (T - M * sl) / W;
        /* sum w t^2 = the number of points, since w = 1/t^2 */
        rss += S->nk[k] - 2 * (a * T + sl * MT) + a * a * W + 2 * a * sl * M + sl * sl * Q;
    }
    return rss > 0 ? rss : 0;
}

static int cmp_pt(const void *a, const void *b)
{
    const fs_fit_point *x = a, *y = b;
    return (x->bytes > y->bytes) - (x->bytes < y->bytes);
}

/* Columns of a segment's design matrix. */
enum { COL_ALPHA, COL_GAP, COL_SLOPE, COL_SLOPE_LAT, COL_SLOPE_STREAM, NCOL };

static double column(int c, const fs_fit_point *p)
{
    bool lat = p->kind == FS_FIT_LATENCY;
    switch (c) {
    case COL_ALPHA:
        return lat;
    case COL_GAP:
        return !lat;
    case COL_SLOPE:
        return p->bytes;
    case COL_SLOPE_LAT:
        return lat ? p->bytes : 0;
    default:
        return lat ? 0 : p->bytes;
    }
}

/* GSL weighted least squares on the columns in use[]; intercepts below zero
 * are fixed at zero and slopes at or below zero dropped (flat), refitting
 * each time.  coef[c] is 0 for a dropped column.  Returns the weighted
 * RSS, NAN if GSL could not allocate. */
static double wls(const fs_fit_point *pts, size_t n, bool use[NCOL], double coef[NCOL])
{
    double chisq = NAN;
    for (int attempt = 0; attempt < NCOL; attempt++) {
        size_t p = 0;
        for (int c = 0; c < NCOL; c++) p += use[c];
        for (int c = 0; c < NCOL; c++) coef[c] = 0;
        if (p == 0 || p > n) return NAN;
        gsl_matrix *X = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
        gsl_vector *y = gsl_vector_alloc(n), *w = gsl_vector_alloc(n), *cv = gsl_vector_alloc(p);
        gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p);
        chisq = NAN;
        if (X && cov && y && w && cv && ws) {
            for (size_t i = 0; i < n; i++) {
                size_t col = 0;
                for (int c = 0; c < NCOL; c++)
                    if (use[c]) gsl_matrix_set(X, i, col++, column(c, &pts[i]));
                gsl_vector_set(y, i, pts[i].time_us);
                gsl_vector_set(w, i, 1.0 / (pts[i].time_us * pts[i].time_us));
            }
            gsl_multifit_wlinear(X, w, y, cv, cov, &chisq, ws);
            size_t col = 0;
            for (int c = 0; c < NCOL; c++)
                if (use[c]) coef[c] = gsl_vector_get(cv, col++);
        }
        gsl_multifit_linear_free(ws);
        gsl_matrix_free(cov);
        gsl_matrix_free(X);
        gsl_vector_free(cv);
        gsl_vector_free(w);
        gsl_vector_free(y);
        if (isnan(chisq)) return NAN;
        int bad = -1;
        for (int c = COL_SLOPE; c < NCOL && bad < 0; c++)
            if (use[c] && coef[c] <= 0) bad = c;
        for (int c = COL_ALPHA; c <= COL_GAP && bad < 0; c++)
            if (use[c] && coef[c] < 0) bad = c;
        if (bad < 0) return chisq;
        use[bad] = false;
    }
    return chisq;
}

typedef struct segfit {
    double alpha, gap, slope_lat, slope_stream; /* NAN intercept: kind absent */
    bool separate;
} segfit;

/* Fit one segment; with both kinds, the shared-bandwidth model unless BIC
 * prefers separate bandwidths. */
static void segment_fit(const fs_fit_point *pts, size_t n, segfit *out)
{
    bool has[2] = {false, false};
    for (size_t i = 0; i < n; i++) has[pts[i].kind] = true;
    bool use[NCOL] = {has[0], has[1], true, false, false};
    double coef[NCOL];
    double rss = wls(pts, n, use, coef);
    out->alpha = has[0] ? coef[COL_ALPHA] : NAN;
    out->gap = has[1] ? coef[COL_GAP] : NAN;
    out->slope_lat = out->slope_stream = coef[COL_SLOPE];
    out->separate = false;
    if (!(has[0] && has[1]) || n < 6) return;
    bool use2[NCOL] = {true, true, false, true, true};
    double coef2[NCOL];
    double rss2 = wls(pts, n, use2, coef2);
    double N = (double)n, floor_ = N * 1e-14;
    double bic1 = N * log(fmax(rss, floor_) / N) + 3 * log(N);
    double bic2 = N * log(fmax(rss2, floor_) / N) + 4 * log(N);
    if (isfinite(rss2) && bic2 < bic1 - 2) { /* a clear preference, not noise */
        out->alpha = coef2[COL_ALPHA];
        out->gap = coef2[COL_GAP];
        out->slope_lat = coef2[COL_SLOPE_LAT];
        out->slope_stream = coef2[COL_SLOPE_STREAM];
        out->separate = true;
    }
}

double fs_fit_time_us(const fs_fit *f, fs_fit_kind kind, double bytes)
{
    int s = fs_link_segment(&f->link, bytes);
    bool stream = kind == FS_FIT_STREAM && isfinite(f->gap_us[s]);
    double B =
        stream && !isnan(f->stream_GBps[s]) ? f->stream_GBps[s] : f->link.seg[s].bandwidth_GBps;
    double a = stream ? f->gap_us[s] : f->link.seg[s].alpha_us;
    return isinf(B) ? a : a + bytes / (B * 1e3);
}

/* Fit the segments between the distinct-size bounds into out. */
static void fit_segments(const fs_fit_point *pts, const size_t *start, const size_t *bounds,
                         int kbest, fs_fit *out)
{
    out->link.nseg = kbest;
    for (int sgi = 0; sgi < kbest; sgi++) {
        size_t a = start[bounds[sgi]], b = start[bounds[sgi + 1]];
        segfit sf;
        segment_fit(pts + a, b - a, &sf);
        fs_segment *sg = &out->link.seg[sgi];
        sg->from_bytes = pts[a].bytes;
        /* the link (what collectives see) is the ping-pong's; a segment
         * measured only by bw points falls back to the streaming fit */
        bool lat = isfinite(sf.alpha);
        double sl = lat ? sf.slope_lat : sf.slope_stream;
        sg->alpha_us = lat ? sf.alpha : sf.gap;
        sg->bandwidth_GBps = sl > 0 ? 1.0 / (sl * 1e3) : INFINITY;
        out->gap_us[sgi] = sf.gap;
        out->stream_GBps[sgi] = isnan(sf.gap)         ? NAN
                                : sf.slope_stream > 0 ? 1.0 / (sf.slope_stream * 1e3)
                                                      : INFINITY;
        out->to_bytes[sgi] = pts[b - 1].bytes;
        out->seg_points[sgi] = b - a;
    }
}

/* A segment whose messages go faster than the last segment's bandwidth (the
 * asymptote is the link's peak: a middle segment above it lets a collective
 * with smaller steps beat the peak) gets the last one's bandwidth and its
 * alpha refitted by weighted least squares with that slope (the intercept
 * of t - m/B under weights 1/t^2). */
static void cap_segment(const fs_fit_point *pts, size_t a, size_t b, double peak, fs_segment *sg)
{
    bool lat = false;
    for (size_t i = a; i < b; i++) lat |= pts[i].kind == FS_FIT_LATENCY;
    double sw = 0, swr = 0;
    for (size_t i = a; i < b; i++) {
        if ((pts[i].kind == FS_FIT_LATENCY) != lat) continue;
        double w = 1.0 / (pts[i].time_us * pts[i].time_us);
        sw += w;
        swr += w * (pts[i].time_us - pts[i].bytes / (peak * 1e3));
    }
    sg->bandwidth_GBps = peak;
    sg->alpha_us = sw > 0 && swr > 0 ? swr / sw : 0;
}

static double seg_time(const fs_segment *s, double x)
{
    return s->alpha_us + (isinf(s->bandwidth_GBps) ? 0 : x / (s->bandwidth_GBps * 1e3));
}

int fs_fit_piecewise(const fs_fit_point *in, size_t n, const fs_fit_opts *o, fs_fit *out,
                     fs_err *err)
{
    memset(out, 0, sizeof *out);
    int kmax = o && o->max_segments > 0 ? o->max_segments : 4;
    if (kmax > FS_LINK_MAX_SEGMENTS) kmax = FS_LINK_MAX_SEGMENTS;
    int minsz = o && o->min_sizes > 0 ? o->min_sizes : 3;

    fs_fit_point *pts = malloc((n ? n : 1) * sizeof *pts);
    if (!pts) return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i].time_us > 0 && isfinite(in[i].time_us) && in[i].bytes >= 0 &&
            isfinite(in[i].bytes))
            pts[m++] = in[i];
    qsort(pts, m, sizeof *pts, cmp_pt);

    /* Distinct sizes and their prefix sums. */
    size_t K = 0;
    size_t *start = malloc((m + 1) * sizeof *start);
    sums *pre = calloc(m + 1, sizeof *pre);
    if (!start || !pre) {
        free(pts);
        free(start);
        free(pre);
        return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    }
    for (size_t i = 0; i < m; i++) {
        if (i == 0 || pts[i].bytes != pts[i - 1].bytes) {
            start[K] = i;
            pre[K + 1] = pre[K];
            K++;
        }
        sums *S = &pre[K];
        int k = pts[i].kind;
        double w = 1.0 / (pts[i].time_us * pts[i].time_us), b = pts[i].bytes, t = pts[i].time_us;
        S->w[k] += w;
        S->wm[k] += w * b;
        S->wmm[k] += w * b * b;
        S->wt[k] += w * t;
        S->wmt[k] += w * b * t;
        S->nk[k] += 1;
        S->n += 1;
    }
    start[K] = m;
    int rc = 0;
    if (K < 2) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%zu distinct message size(s): a fit needs at least 2",
                        K);
        goto done;
    }

    /* Candidate boundaries (indices into the distinct sizes). */
    size_t C = K <= MAX_CAND ? K : MAX_CAND;
    size_t cb[MAX_CAND + 1];
    for (size_t c = 0; c <= C; c++) cb[c] = K <= MAX_CAND ? c : (c * K + C / 2) / C;
    if (kmax > (int)(K / (size_t)minsz)) kmax = (int)(K / (size_t)minsz);
    if (kmax < 1) kmax = 1;

    /* DP: best[k][j] = least RSS covering sizes [0, cb[j]) with k segments. */
    static const double INF = 1e300;
    double best[FS_LINK_MAX_SEGMENTS + 1][MAX_CAND + 1];
    int from[FS_LINK_MAX_SEGMENTS + 1][MAX_CAND + 1];
    for (int k = 0; k <= kmax; k++)
        for (size_t j = 0; j <= C; j++) best[k][j] = INF, from[k][j] = -1;
    best[0][0] = 0;
    for (int k = 1; k <= kmax; k++)
        for (size_t j = 1; j <= C; j++)
            for (size_t i = 0; i < j; i++) {
                size_t len = cb[j] - cb[i];
                /* one segment may use any >= 2 sizes; several need minsz each */
                if (len < (size_t)(kmax == 1 ? 2 : minsz) || best[k - 1][i] >= INF) continue;
                sums S = pre[cb[j]];
                sums_add(&S, &pre[cb[i]], -1);
                double v = best[k - 1][i] + range_rss(&S);
                if (v < best[k][j]) best[k][j] = v, from[k][j] = (int)i;
            }
    /* Model selection by BIC on relative residuals. */
    int nk = (pre[K].w[0] > 0) + (pre[K].w[1] > 0);
    double N = (double)m, bic_best = INF;
    int kbest = 0;
    for (int k = 1; k <= kmax; k++) {
        if (best[k][C] >= INF) continue;
        double rss = fmax(best[k][C], N * 1e-12);
        double bic = N * log(rss / N) + (double)(k * 2 * nk + (k - 1)) * log(N);
        if (bic < bic_best - 1e-9) bic_best = bic, kbest = k;
    }
    if (kbest == 0) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "could not fit %zu sizes", K);
        goto done;
    }
    size_t bounds[FS_LINK_MAX_SEGMENTS + 1];
    for (int k = kbest, j = (int)C; k >= 0; k--) {
        bounds[k] = cb[j];
        if (k) j = from[k][j];
    }

    /* With bucketed candidates, move each breakpoint to the best distinct
     * size between its neighbours (one pass of exact coordinate descent). */
    if (K > MAX_CAND)
        for (int k = 1; k < kbest; k++) {
            size_t lo = bounds[k - 1] + (size_t)minsz, hi = bounds[k + 1] - (size_t)minsz;
            double bestv = INF;
            size_t bestb = bounds[k];
            for (size_t b = lo; b <= hi; b++) {
                sums A = pre[b], B = pre[bounds[k + 1]];
                sums_add(&A, &pre[bounds[k - 1]], -1);
                sums_add(&B, &pre[b], -1);
                double v = range_rss(&A) + range_rss(&B);
                if (v < bestv) bestv = v, bestb = b;
            }
            bounds[k] = bestb;
        }

    /* Final per-segment fits, kept physical. */
    fit_segments(pts, start, bounds, kbest, out);
    double peak = out->link.seg[kbest - 1].bandwidth_GBps;
    for (int k = 0; k + 1 < kbest; k++) {
        /* its best bandwidth: at the top of its range, where the next begins */
        double top = out->link.seg[k + 1].from_bytes;
        if (top / (seg_time(&out->link.seg[k], top) * 1e3) > peak * (1 + 1e-9)) {
            cap_segment(pts, start[bounds[k]], start[bounds[k + 1]], peak, &out->link.seg[k]);
            out->capped_at_bytes[out->ncapped++] = out->link.seg[k].from_bytes;
        }
    }
    /* A drop in time at a switch is measured (the library switches later
     * than it should); the fit keeps it, the link's time does not drop
     * (fs_link_time_us caps smaller sizes at the switch's time). */
    for (int k = 1; k < kbest; k++) {
        const fs_segment *x = &out->link.seg[k - 1], *y = &out->link.seg[k];
        if (seg_time(x, y->from_bytes) > seg_time(y, y->from_bytes) * (1 + 1e-9))
            out->drop_at_bytes[out->ndrops++] = y->from_bytes;
    }
    double sq = 0, mx = 0;
    for (size_t i = 0; i < m; i++) {
        double f = fs_fit_time_us(out, pts[i].kind, pts[i].bytes);
        double r = (pts[i].time_us - f) / f;
        sq += r * r;
        if (fabs(r) > mx) mx = fabs(r);
    }
    out->npoints = m;
    out->rms_rel_residual = sqrt(sq / (double)m);
    out->max_rel_residual = mx;
done:
    free(pts);
    free(start);
    free(pre);
    return rc;
}
