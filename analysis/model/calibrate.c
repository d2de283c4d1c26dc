/* calibrate.c - measured collectives calibrate the model (see calibrate.h). */
#include "calibrate.h"

#include "collective_algo.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFF_MIN      0.02
#define EFF_PRIOR    0.9
#define PRIOR_WEIGHT 0.003
/* softplus(V_PRIOR) ~ 0.007: "no overhead" without pinning v at -inf */
#define V_PRIOR (-5.0)
/* Runs group by algorithm and by kind of collective: all-to-all moves no
 * reduced data through a pipeline, so a library's (auto) all-to-all gets
 * terms of its own, apart from its all-reduce. */
#define NKEYS (2 * FS_ALGO_COUNT)
/* efficiency and overhead per group, and gamma */
#define MAX_PARAMS (2 * NKEYS + 1)

static double logistic(double u)
{
    return 1 / (1 + exp(-u));
}
static double softplus(double v)
{
    return v > 30 ? v : log1p(exp(v));
}

/* What one fit varies and over which points. */
typedef struct problem {
    const fs_coll_model *base;
    const fs_calib_point *pts;
    const bool *use; /* points of this fit */
    size_t n, nuse;
    bool link_mode; /* vary the link's alpha and bandwidth, not the calib terms */
    int ngroups;
    int key_group[NKEYS];        /* point_key -> group of those runs, -1 */
    int group_of[FS_ALGO_COUNT]; /* model algorithm -> group whose terms it takes, -1 */
    int pe[NKEYS], po[NKEYS];    /* per group: parameter index or -1 */
    int pg;                      /* gamma's parameter or -1 */
    int np;
    double prior[MAX_PARAMS];
    double alpha0, beta0; /* scales: us, us per byte */
} problem;

static void apply(const problem *P, const double *x, fs_coll_model *m)
{
    *m = *P->base;
    if (P->link_mode) {
        /* alpha >= 0, bandwidth > 0, around the starting guesses */
        m->inter = fs_link_hockney(P->alpha0 * softplus(x[0]), 1e-3 / (P->beta0 * exp(x[1])));
        return;
    }
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        int g = P->group_of[a];
        if (g < 0) continue;
        fs_coll_calib *k = &m->calib[a];
        k->bw_efficiency = P->pe[g] >= 0 ? EFF_MIN + (1 - EFF_MIN) * logistic(x[P->pe[g]]) : 1;
        k->step_overhead_us = P->po[g] >= 0 ? P->alpha0 * softplus(x[P->po[g]]) : 0;
    }
    if (P->pg >= 0) m->gamma_us_per_byte = P->beta0 * softplus(x[P->pg]);
}

static bool a2a_only(fs_algo a)
{
    const fs_algo_desc *d = fs_algo_get(a);
    return d && d->ops == FS_OP(FS_ALLTOALL);
}

static int point_key(const fs_calib_point *p)
{
    return (int)p->algo + (p->coll == FS_ALLTOALL ? FS_ALGO_COUNT : 0);
}

static int point_group(const problem *P, const fs_calib_point *p)
{
    return P->key_group[point_key(p)];
}

static double model_time(const fs_coll_model *m, const fs_calib_point *p)
{
    return fs_coll_time_us(m, p->coll, p->algo, p->ranks, p->bytes, NULL);
}

/* Residuals pass through Cauchy's loss at this scale (a log ratio, ~10%):
 * a point that a descheduled rank made 30x slower weighs like one 30% off,
 * not like ten thousand good points. */
#define LOSS_SCALE 0.1

static double cauchy(double r)
{
    double c = LOSS_SCALE;
    return copysign(c * sqrt(log1p((r / c) * (r / c))), r);
}

/* log(model / measured): the relative error, symmetric in both directions. */
static double log_ratio(double model, double measured)
{
    double r = log(model / measured);
    return isfinite(r) ? r : 30; /* a model that cannot run there: far off */
}

static int residuals(const gsl_vector *xv, void *params, gsl_vector *f)
{
    const problem *P = params;
    const double *x = gsl_vector_const_ptr(xv, 0);
    fs_coll_model m;
    apply(P, x, &m);
    size_t k = 0;
    for (size_t i = 0; i < P->n; i++)
        if (P->use[i])
            gsl_vector_set(f, k++,
                           cauchy(log_ratio(model_time(&m, &P->pts[i]), P->pts[i].measured_us)));
    for (int j = 0; j < P->np; j++) gsl_vector_set(f, k++, PRIOR_WEIGHT * (x[j] - P->prior[j]));
    return GSL_SUCCESS;
}

/* Least squares from x (in/out).  Returns 0 or -1 (out of memory). */
static int solve(const problem *P, double *x)
{
    size_t nres = P->nuse + (size_t)P->np;
    gsl_multifit_nlinear_fdf fdf = {0};
    fdf.f = residuals;
    fdf.n = nres;
    fdf.p = (size_t)P->np;
    fdf.params = (void *)P;
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, nres, (size_t)P->np);
    if (!w) return -1;
    gsl_vector_view xv = gsl_vector_view_array(x, (size_t)P->np);
    int info;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_vector *f0 = gsl_vector_alloc(nres);
    if (f0 && residuals(&xv.vector, (void *)P, f0) == GSL_SUCCESS &&
        gsl_multifit_nlinear_init(&xv.vector, &fdf, w) == GSL_SUCCESS) {
        gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 1e-10, NULL, NULL, &info, w);
        /* Whatever the stopping reason, keep the position if it is better
         * than the start (a trust region never should be worse; a NAN
         * would be). */
        const gsl_vector *r = gsl_multifit_nlinear_position(w);
        double c1 = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w)), c0 = gsl_blas_dnrm2(f0);
        bool finite = isfinite(c1);
        for (int j = 0; j < P->np; j++) finite = finite && isfinite(gsl_vector_get(r, (size_t)j));
        if (finite && c1 <= c0)
            for (int j = 0; j < P->np; j++) x[j] = gsl_vector_get(r, (size_t)j);
    }
    gsl_vector_free(f0);
    gsl_set_error_handler(old);
    gsl_multifit_nlinear_free(w);
    return 0;
}

static int count_distinct(const double *v, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && v[j] != v[i]) j++;
        if (j == i) k++;
    }
    return k;
}

/* The most measured group whose runs are all-to-all (a2a) or not, -1. */
static int most_measured(const problem *P, const int *npts, bool a2a)
{
    int best = -1;
    for (int k = 0; k < NKEYS; k++) {
        int g = P->key_group[k];
        if (g >= 0 && (k >= FS_ALGO_COUNT) == a2a && (best < 0 || npts[g] > npts[best])) best = g;
    }
    return best;
}

/* Groups, parameters and priors for the calib terms from the points in use. */
static void setup_terms(problem *P, bool fit_gamma)
{
    P->ngroups = 0;
    P->np = 0;
    P->pg = -1;
    for (int k = 0; k < NKEYS; k++) P->key_group[k] = -1;
    int npts[NKEYS] = {0};
    bool reducing[NKEYS] = {0}, gather[NKEYS] = {0};
    double sizes[NKEYS][64];
    int nsz[NKEYS] = {0};
    for (size_t i = 0; i < P->n; i++) {
        if (!P->use[i]) continue;
        const fs_calib_point *p = &P->pts[i];
        int key = point_key(p);
        if (P->key_group[key] < 0) P->key_group[key] = P->ngroups++;
        int g = P->key_group[key];
        npts[g]++;
        if (p->coll == FS_ALLGATHER)
            gather[g] = true;
        else if (p->coll != FS_ALLTOALL)
            reducing[g] = true;
        if (nsz[g] < 64) sizes[g][nsz[g]++] = p->bytes;
    }
    for (int g = 0; g < P->ngroups; g++) {
        P->pe[g] = P->np;
        P->prior[P->np++] = log((EFF_PRIOR - EFF_MIN) / (1 - EFF_PRIOR));
        /* an overhead per step needs sizes to tell it from bandwidth */
        P->po[g] = -1;
        if (count_distinct(sizes[g], (size_t)nsz[g]) >= 3) {
            P->po[g] = P->np;
            P->prior[P->np++] = V_PRIOR;
        }
        if (fit_gamma && reducing[g] && gather[g] && P->pg < 0) {
            P->pg = P->np;
            P->prior[P->np++] = V_PRIOR;
        }
    }
    /* Algorithms without runs of their own take the library's (auto) terms
     * of their kind (all-to-all or not), else those of the most measured
     * algorithm of their kind, else of the other kind. */
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        bool a2a = a2a_only((fs_algo)a);
        int off = a2a ? FS_ALGO_COUNT : 0;
        int g = P->key_group[a + off];
        if (g < 0) g = P->key_group[FS_ALGO_AUTO + off];
        if (g < 0) g = most_measured(P, npts, a2a);
        if (g < 0) g = most_measured(P, npts, !a2a);
        P->group_of[a] = g;
    }
}

static double fit_once(problem *P, bool fit_gamma, double *x, int *np_out)
{
    if (!P->link_mode) setup_terms(P, fit_gamma);
    for (int j = 0; j < P->np; j++) x[j] = P->prior[j];
    if (P->link_mode) x[0] = 0.5413, x[1] = 0; /* softplus(0.5413) = 1: the guesses */
    *np_out = P->np;
    return solve(P, x);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static fs_calib_error error_of(const double *model, const fs_calib_point *pts, size_t n,
                               double *scratch)
{
    fs_calib_error e = {0, NAN, NAN};
    for (size_t i = 0; i < n; i++)
        if (isfinite(model[i]) && model[i] > 0)
            scratch[e.n++] = fabs(model[i] - pts[i].measured_us) / pts[i].measured_us;
    if (!e.n) return e;
    qsort(scratch, e.n, sizeof *scratch, cmp_d);
    e.median = e.n % 2 ? scratch[e.n / 2] : 0.5 * (scratch[e.n / 2 - 1] + scratch[e.n / 2]);
    e.max = scratch[e.n - 1];
    return e;
}

/* Out-of-sample predictions: withhold every point sharing key[i] in turn
 * (a size, a rank count), fit the rest, predict the withheld ones. */
static int cross_validate(problem *P, bool fit_gamma, const double *key, double *out, bool *use_buf)
{
    const bool *all = P->use;
    for (size_t i = 0; i < P->n; i++) out[i] = NAN;
    for (size_t i = 0; i < P->n; i++) {
        if (!all[i] || isfinite(out[i])) continue;
        size_t nuse = 0;
        for (size_t j = 0; j < P->n; j++) {
            use_buf[j] = all[j] && key[j] != key[i];
            nuse += use_buf[j];
        }
        if (nuse == 0) continue;
        problem Q = *P;
        Q.use = use_buf;
        Q.nuse = nuse;
        double x[MAX_PARAMS];
        int np;
        if (fit_once(&Q, fit_gamma, x, &np)) return -1;
        fs_coll_model m;
        apply(&Q, x, &m);
        for (size_t j = 0; j < P->n; j++)
            if (all[j] && key[j] == key[i]) out[j] = model_time(&m, &P->pts[j]);
    }
    return 0;
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The 95% band of each group from the out-of-sample log ratios d:
 * median(d) +- t * s * sqrt(1 + 1/k), s = 1.4826 MAD (the normal sigma,
 * robust: one glitched measurement neither shifts nor blows up the band). */
static void set_bands(fs_coll_model *m, const problem *P, const double *cv, double link_rms,
                      double *buf)
{
    double floor_h = 1.96 * log1p(link_rms > 0 ? link_rms : 0);
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        int g = P->group_of[a];
        if (g < 0) continue;
        size_t k = 0;
        int max_ranks = 0;
        for (size_t i = 0; i < P->n; i++) {
            if (!P->use[i] || point_group(P, &P->pts[i]) != g) continue;
            if (P->pts[i].ranks > max_ranks) max_ranks = P->pts[i].ranks;
            double d = cv ? log(P->pts[i].measured_us / cv[i]) : NAN;
            if (isfinite(d)) buf[k++] = d;
        }
        double mu = 0, h = floor_h;
        if (k >= 2) {
            mu = median_of(buf, k);
            for (size_t i = 0; i < k; i++) buf[i] = fabs(buf[i] - mu);
            double sd = 1.4826 * median_of(buf, k);
            double hc = gsl_cdf_tdist_Pinv(0.975, (double)k - 1) * sd * sqrt(1 + 1.0 / k);
            h = sqrt(hc * hc + floor_h * floor_h);
        }
        fs_coll_calib *c = &m->calib[a];
        c->rel_lo = exp(fmin(0, mu - h));
        c->rel_hi = exp(fmax(0, mu + h));
        c->max_ranks = max_ranks;
        /* points: measured with this algorithm (0 for one that borrows terms) */
        int npts = 0;
        for (size_t i = 0; i < P->n; i++)
            npts += P->use[i] && P->pts[i].algo == (fs_algo)a && point_group(P, &P->pts[i]) == g;
        c->points = P->link_mode ? (int)P->nuse : npts;
    }
}

typedef struct work {
    bool *use, *buf;
    double *key, *cvs, *cvr, *tmp, *scratch;
} work;

static void work_free(work *W)
{
    free(W->use);
    free(W->buf);
    free(W->key);
    free(W->cvs);
    free(W->cvr);
    free(W->tmp);
    free(W->scratch);
}

static int work_alloc(work *W, size_t n)
{
    memset(W, 0, sizeof *W);
    size_t k = n ? n : 1;
    W->use = calloc(k, sizeof *W->use);
    W->buf = calloc(k, sizeof *W->buf);
    W->key = calloc(k, sizeof *W->key);
    W->cvs = calloc(k, sizeof *W->cvs);
    W->cvr = calloc(k, sizeof *W->cvr);
    W->tmp = calloc(k, sizeof *W->tmp);
    W->scratch = calloc(k, sizeof *W->scratch);
    if (W->use && W->buf && W->key && W->cvs && W->cvr && W->tmp && W->scratch) return 0;
    work_free(W);
    return -1;
}

/* The shared part of both entry points, from a problem whose base model
 * is set. */
static int run(problem *P, fs_coll_model *m, const fs_calib_opts *o, fs_calib_summary *s,
               double *base_us, double *model_us, double *cv_us, work *W, fs_err *err)
{
    const fs_calib_point *pts = P->pts;
    size_t n = P->n;
    memset(s, 0, sizeof *s);
    s->link_derived = P->link_mode;
    for (size_t i = 0; i < n; i++) {
        W->tmp[i] = model_time(P->base, &pts[i]);
        W->use[i] = pts[i].measured_us > 0 && isfinite(pts[i].measured_us) && pts[i].bytes > 0 &&
                    pts[i].ranks >= 2 && (P->link_mode || (isfinite(W->tmp[i]) && W->tmp[i] > 0));
        P->nuse += W->use[i];
    }
    P->use = W->use;
    if (P->nuse == 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "no measured collective point to calibrate the model with");
    if (base_us)
        for (size_t i = 0; i < n; i++) base_us[i] = W->tmp[i];
    if (!P->link_mode) s->base = error_of(W->tmp, pts, n, W->scratch);

    bool fit_gamma = !o || o->fit_gamma;
    double x[MAX_PARAMS];
    int np;
    if (fit_once(P, fit_gamma, x, &np)) goto oom;
    s->gamma_fitted = P->pg >= 0;
    fs_coll_model fitted;
    apply(P, x, &fitted);
    for (size_t i = 0; i < n; i++) W->tmp[i] = W->use[i] ? model_time(&fitted, &pts[i]) : NAN;
    if (model_us)
        for (size_t i = 0; i < n; i++) model_us[i] = W->tmp[i];
    s->in = error_of(W->tmp, pts, n, W->scratch);

    /* distinct sizes and rank counts among the points used */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (W->use[i]) W->key[k++] = pts[i].bytes;
    s->sizes = count_distinct(W->key, k);
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (W->use[i]) {
            W->key[k++] = pts[i].ranks;
            if (pts[i].ranks > s->max_ranks) s->max_ranks = pts[i].ranks;
        }
    s->rank_counts = count_distinct(W->key, k);
    s->points = P->nuse;

    for (size_t i = 0; i < n; i++) W->cvs[i] = W->cvr[i] = NAN;
    if (s->sizes >= 2) {
        for (size_t i = 0; i < n; i++) W->key[i] = pts[i].bytes;
        if (cross_validate(P, fit_gamma, W->key, W->cvs, W->buf)) goto oom;
        s->cv = error_of(W->cvs, pts, n, W->scratch);
    }
    if (s->rank_counts >= 2) {
        for (size_t i = 0; i < n; i++) W->key[i] = pts[i].ranks;
        if (cross_validate(P, fit_gamma, W->key, W->cvr, W->buf)) goto oom;
        s->cv_rank = error_of(W->cvr, pts, n, W->scratch);
    }
    if (cv_us)
        for (size_t i = 0; i < n; i++) cv_us[i] = W->cvs[i];
    s->headline = s->cv;
    s->headline_kind = "leave-one-size-out";
    if (s->cv_rank.n && (!s->cv.n || !(s->cv.median >= s->cv_rank.median))) {
        s->headline = s->cv_rank;
        s->headline_kind = "leave-one-rank-count-out";
    }

    /* Bands from the out-of-sample residuals: rank-count withholding where
     * it exists (the harder question: predicting other scales), sizes
     * otherwise. */
    *m = fitted;
    set_bands(m, P,
              s->cv_rank.n ? W->cvr
              : s->cv.n    ? W->cvs
                           : NULL,
              o ? o->link_rel_rms : 0, W->scratch);
    return 0;
oom:
    return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
}

int fs_calibrate(fs_coll_model *m, const fs_calib_point *pts, size_t n, const fs_calib_opts *o,
                 fs_calib_summary *s, double *base_us, double *model_us, double *cv_us, fs_err *err)
{
    work W;
    if (work_alloc(&W, n)) return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    fs_coll_model base = *m;
    memset(base.calib, 0, sizeof base.calib);
    problem P = {0};
    P.base = &base;
    P.pts = pts;
    P.n = n;
    const fs_segment *last = &base.inter.seg[base.inter.nseg > 0 ? base.inter.nseg - 1 : 0];
    P.alpha0 = base.inter.nseg > 0 && last->alpha_us > 0 ? last->alpha_us : 1;
    P.beta0 = base.inter.nseg > 0 && last->bandwidth_GBps > 0 && isfinite(last->bandwidth_GBps)
                  ? 1e-3 / last->bandwidth_GBps
                  : 1e-3;
    int rc = run(&P, m, o, s, base_us, model_us, cv_us, &W, err);
    work_free(&W);
    return rc;
}

int fs_calibrate_link(fs_coll_model *m, const fs_calib_point *pts, size_t n, fs_calib_summary *s,
                      double *model_us, double *cv_us, fs_err *err)
{
    work W;
    if (work_alloc(&W, n)) return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    fs_coll_model base = *m;
    memset(base.calib, 0, sizeof base.calib);
    base.inter = fs_link_hockney(0, 1);
    problem P = {0};
    P.base = &base;
    P.pts = pts;
    P.n = n;
    P.link_mode = true;
    P.np = 2;
    P.prior[0] = 0.5413;
    P.prior[1] = 0;
    P.pg = -1;
    /* Starting guesses from the points: bandwidth from the largest message
     * (busbw is the link's share in every algorithm), alpha from the
     * smallest one's time per step. */
    double big = 0, small = INFINITY, tbig = NAN, tsmall = NAN;
    int pbig = 2, psmall = 2;
    fs_collective cbig = FS_ALLREDUCE;
    for (size_t i = 0; i < n; i++) {
        if (!(pts[i].measured_us > 0) || !(pts[i].bytes > 0) || pts[i].ranks < 2) continue;
        if (pts[i].bytes > big)
            big = pts[i].bytes, tbig = pts[i].measured_us, pbig = pts[i].ranks, cbig = pts[i].coll;
        if (pts[i].bytes < small)
            small = pts[i].bytes, tsmall = pts[i].measured_us, psmall = pts[i].ranks;
    }
    double bus = fs_busbw_GBps(cbig, pbig, big, tbig);
    P.beta0 = bus > 0 && isfinite(bus) ? 1e-3 / bus : 1e-3;
    P.alpha0 = tsmall > 0 && isfinite(tsmall) ? tsmall / (2.0 * (psmall - 1)) : 1;
    for (int a = 0; a < FS_ALGO_COUNT; a++) P.group_of[a] = 0;
    for (int k = 0; k < NKEYS; k++) P.key_group[k] = 0;
    int rc = run(&P, m, NULL, s, NULL, model_us, cv_us, &W, err);
    work_free(&W);
    return rc;
}

const char *fs_calib_error_str(const fs_calib_error *e, const char *kind, char *buf, size_t len)
{
    if (!e->n)
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, "median %.1f%%, max %.1f%% (%zu point%s%s%s)", 100 * e->median,
                 100 * e->max, e->n, e->n == 1 ? "" : "s", kind ? ", " : "", kind ? kind : "");
    return buf;
}
