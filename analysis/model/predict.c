/* predict.c - measured collectives against the model (see predict.h). */
#include "predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* fabscale-bench's probe size, when a file does not say */
#define FS_PROBE_BYTES_DEFAULT 8

fs_algo fs_algo_of_run(const char *algorithm)
{
    int a = fs_algo_parse(algorithm);
    if (a < 0 || a == FS_ALGO_HIER) return FS_ALGO_AUTO;
    return (fs_algo)a;
}

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

size_t fs_link_for_run(const fs_link_fit *links, size_t nl, const fs_results *r, const fs_run *run)
{
    size_t any = nl;
    for (size_t i = 0; i < nl; i++) {
        if (!eq(links[i].transport, run->transport) || !eq(links[i].provider, run->provider))
            continue;
        const char *src = run->source ? run->source : r->path;
        if (src && strcmp(links[i].source, src) == 0) return i;
        if (any == nl) any = i;
    }
    return any < nl ? any : FS_NO_LINK;
}

/* The values of a run's link_probe.one_way_us (at most max); 0 when none. */
static size_t probe_values(const fs_run *run, double *v, size_t max)
{
    json_t *a = run->extra
                    ? json_object_get(json_object_get(run->extra, "link_probe"), "one_way_us")
                    : NULL;
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(a, i, x) if (n < max && json_is_number(x) && json_number_value(x) > 0)
        v[n++] = json_number_value(x);
    return n;
}

/* Whether hosts a and b (either order; NULL: unknown) are link l's pair.
 * Unknown on either side: nothing says they are not. */
static bool link_hosts(const fs_link_fit *l, const char *a, const char *b)
{
    if (!l->host_a[0] || !a || !b) return true;
    return (strcmp(a, l->host_a) == 0 && strcmp(b, l->host_b) == 0) ||
           (strcmp(b, l->host_a) == 0 && strcmp(a, l->host_b) == 0);
}

/* The probes of the runs the link was fitted to (links.c's: latency and
 * bw runs of one pair, its transport, provider and hosts; from its own
 * file when it knows no hosts): the least and the greatest in *lo, *hi
 * (NAN when none recorded one). */
static void fit_probes(const fs_results *r, size_t nr, const fs_link_fit *l, double *lo, double *hi)
{
    *lo = *hi = NAN;
    for (size_t f = 0; f < nr; f++)
        for (size_t i = 0; i < r[f].nruns; i++) {
            const fs_run *run = &r[f].runs[i];
            const char *src = run->source ? run->source : r[f].path;
            if (!(strcmp(run->benchmark, "latency") == 0 || strcmp(run->benchmark, "bw") == 0) ||
                run->pairs > 1 || !eq(run->transport, l->transport) ||
                !eq(run->provider, l->provider))
                continue;
            if (l->host_a[0] ? !run->peer_hosts[0] || !run->peer_hosts[1] ||
                                   !link_hosts(l, run->peer_hosts[0], run->peer_hosts[1])
                             : run->peer_hosts[0] || !src || strcmp(src, l->source) != 0)
                continue;
            double v[8];
            size_t n = probe_values(run, v, 8);
            for (size_t k = 0; k < n; k++) {
                if (!(v[k] >= *lo)) *lo = v[k];
                if (!(v[k] <= *hi)) *hi = v[k];
            }
        }
}

/* The hosts of a collective run's probe, ranks 0 and ranks/2, from the
 * file's meta.rank_host (NULL when it does not say). */
static void probe_hosts(const fs_results *f, const fs_run *run, const char **a, const char **b)
{
    json_t *rh = f->meta.extra ? json_object_get(f->meta.extra, "rank_host") : NULL;
    *a = run->ranks >= 2 ? json_string_value(json_array_get(rh, 0)) : NULL;
    *b = run->ranks >= 2 ? json_string_value(json_array_get(rh, (size_t)run->ranks / 2)) : NULL;
}

/* How far apart, as a factor >= 1. */
static double apart(double a, double b)
{
    return a > b ? a / b : b / a;
}

/* The collective run of link li whose probe is furthest outside the range
 * of the fit's runs' probes, beyond FS_PROBE_SHIFT. */
static bool probe_shift(const fs_results *r, const fs_check *c, size_t n, const fs_link_fit *links,
                        size_t li, double lo, double hi, fs_link_shift *s)
{
    if (!isfinite(lo)) return false;
    *s = (fs_link_shift){FS_SHIFT_PROBE, li, NULL, lo, hi, FS_PROBE_BYTES_DEFAULT, NAN, 1};
    const fs_run *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (c[i].link != li || c[i].run == last) continue;
        last = c[i].run;
        const char *ha, *hb; /* a probe between other hosts measured another link */
        probe_hosts(&r[c[i].file], c[i].run, &ha, &hb);
        if (!link_hosts(&links[li], ha, hb)) continue;
        double v[8];
        size_t k = probe_values(c[i].run, v, 8);
        for (size_t j = 0; j < k; j++) {
            double q = v[j] > hi ? v[j] / hi : v[j] < lo ? v[j] / lo : 1;
            if (apart(q, 1) > FS_PROBE_SHIFT && apart(q, 1) > apart(s->ratio, 1)) {
                s->check = &c[i];
                s->us = v[j];
                s->ratio = q;
            }
        }
    }
    json_t *b = s->check
                    ? json_object_get(json_object_get(s->check->run->extra, "link_probe"), "bytes")
                    : NULL;
    if (json_is_number(b)) s->ref_bytes = json_number_value(b);
    return s->check != NULL;
}

/* fabscale's own collective on link li faster than FS_LINK_SHIFT of the
 * fastest message its latency benchmark measured: the point furthest below. */
static bool faster_than_link(const fs_check *c, size_t n, const fs_link_fit *links, size_t li,
                             fs_link_shift *s)
{
    const fs_link_fit *l = &links[li];
    *s = (fs_link_shift){
        FS_SHIFT_FASTER_THAN_LINK, li, NULL, INFINITY, NAN, NAN, NAN, FS_LINK_SHIFT};
    for (size_t i = 0; i < l->npoints; i++)
        if (l->points[i].kind == FS_FIT_LATENCY && !(l->excluded && l->excluded[i]) &&
            l->points[i].time_us > 0 && l->points[i].time_us < s->ref_us) {
            s->ref_us = l->points[i].time_us;
            s->ref_bytes = l->points[i].bytes;
        }
    if (!isfinite(s->ref_us)) return false;
    s->ref_hi_us = s->ref_us;
    for (size_t i = 0; i < n; i++) {
        const char *alg = c[i].run->algorithm;
        if (c[i].link != li || c[i].ranks < 2 || !alg || strcmp(alg, "native") == 0) continue;
        double q = c[i].measured_us / s->ref_us;
        if (q < s->ratio) {
            s->ratio = q;
            s->us = c[i].measured_us;
            s->check = &c[i];
        }
    }
    return s->check != NULL;
}

size_t fs_link_shifts(const fs_results *r, size_t nr, const fs_check *c, size_t n,
                      const fs_link_fit *links, size_t nl, fs_link_shift *out, size_t max)
{
    size_t k = 0;
    for (size_t li = 0; li < nl && k < max; li++) {
        double lo, hi;
        fit_probes(r, nr, &links[li], &lo, &hi);
        if (hi / lo > FS_PROBE_SHIFT) /* false when NAN */
            out[k++] = (fs_link_shift){FS_SHIFT_DURING_FIT, li, NULL, lo, hi, NAN, NAN, hi / lo};
        if (k < max && (probe_shift(r, c, n, links, li, lo, hi, &out[k]) ||
                        faster_than_link(c, n, links, li, &out[k])))
            k++;
    }
    return k;
}

/* "0.25" or "0.25 to 0.27" (%.4g) */
static const char *range_words(char *buf, size_t len, double lo, double hi)
{
    if (lo == hi)
        snprintf(buf, len, "%.4g", lo);
    else
        snprintf(buf, len, "%.4g to %.4g", lo, hi);
    return buf;
}

const char *fs_link_shift_str(const fs_link_shift *s, const fs_link_fit *links, char *buf,
                              size_t len)
{
    const fs_check *x = s->check;
    const fs_link_fit *l = &links[s->link];
    const char *alg = x && x->run->algorithm ? x->run->algorithm : "native";
    char b1[48];
    static const char tail[] =
        "the model's errors on this link measure that change, not the model alone";
    if (s->kind == FS_SHIFT_DURING_FIT)
        snprintf(buf, len,
                 "%s/%s: its latency probe read %.4g to %.4g us around the point-to-point "
                 "benchmarks the link was fitted to (%.2fx): the link changed while they ran (a "
                 "shared or virtual machine moving its cores, other traffic), so the fit mixes "
                 "two states of it; %s",
                 l->transport, l->provider, s->ref_us, s->ref_hi_us, s->ratio, tail);
    else if (s->kind == FS_SHIFT_PROBE)
        snprintf(buf, len,
                 "%s/%s: its %.0f B latency probe read %s us around the point-to-point benchmarks "
                 "and %.4g us around the %s %s on %d ranks (%.2fx %s): the link changed between "
                 "the benchmarks (a shared or virtual machine moving its cores, other traffic); %s",
                 l->transport, l->provider, s->ref_bytes,
                 range_words(b1, sizeof b1, s->ref_us, s->ref_hi_us), s->us, alg,
                 fs_coll_name(x->coll), x->ranks, s->ratio,
                 s->ratio > 1 ? "the slowest" : "the fastest", tail);
    else
        snprintf(buf, len,
                 "%s/%s: the %s %s of %.0f B on %d ranks took %.3g us, %.2fx the fastest message "
                 "the latency benchmark measured on that link (%.3g us at %.0f B); no collective "
                 "finishes before one message arrives, so the link ran faster when the "
                 "collectives were measured than when its point-to-point was (a shared or "
                 "virtual machine moving its cores): %s",
                 l->transport, l->provider, alg, fs_coll_name(x->coll), x->bytes, x->ranks, s->us,
                 s->ratio, s->ref_us, s->ref_bytes, tail);
    return buf;
}

/* The measured points, without a model yet. */
static int collect(const fs_results *r, size_t nr, const fs_link_fit *links, size_t nl,
                   bool force_base, int default_ranks, fs_check **out, size_t *n, size_t *no_ranks,
                   size_t *no_link, fs_err *err)
{
    *out = NULL;
    *n = 0;
    *no_ranks = *no_link = 0;
    size_t cap = 0;
    for (size_t f = 0; f < nr; f++)
        for (size_t i = 0; i < r[f].nruns; i++) {
            const fs_run *run = &r[f].runs[i];
            int coll = fs_coll_parse(run->benchmark);
            if (coll < 0) continue;
            int p = run->ranks > 0 ? run->ranks : default_ranks;
            if (p < 1) {
                (*no_ranks)++;
                continue;
            }
            size_t li = force_base ? FS_NO_LINK : fs_link_for_run(links, nl, &r[f], run);
            if (!force_base && li == FS_NO_LINK) {
                (*no_link)++;
                continue;
            }
            fs_algo a = fs_algo_of_run(run->algorithm);
            for (size_t j = 0; j < run->npoints; j++) {
                const fs_point *pt = &run->points[j];
                bool p50 = isfinite(pt->time_us.p50);
                double meas = p50 ? pt->time_us.p50 : pt->time_us.mean;
                if (!(meas > 0) || !(pt->bytes > 0)) continue;
                if (*n == cap) {
                    cap = cap ? 2 * cap : 64;
                    fs_check *nc = realloc(*out, cap * sizeof *nc);
                    if (!nc) {
                        free(*out);
                        *out = NULL;
                        *n = 0;
                        return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                    }
                    *out = nc;
                }
                fs_check *c = &(*out)[(*n)++];
                memset(c, 0, sizeof *c);
                c->file = f;
                c->run = run;
                c->point = pt;
                c->link = li;
                c->coll = (fs_collective)coll;
                c->algo = c->chosen = a;
                c->ranks = p;
                c->bytes = pt->bytes;
                c->from_p50 = p50;
                c->measured_us = meas;
                c->model_us = c->cv_us = c->base_us = NAN;
                c->rel_err = c->cv_rel_err = c->base_rel_err = NAN;
                c->lo_us = c->hi_us = NAN;
            }
        }
    return 0;
}

static double rel(double model, double measured)
{
    return (model - measured) / measured;
}

/* Calibrate `base` by the checks of link `li` and fill in their model
 * times; *out (when not NULL) receives the calibrated model.  A base
 * without a link derives one from the points.  *used is false when there
 * was no usable point. */
static int calibrate_checks(fs_check *c, size_t n, size_t li, const fs_coll_model *base,
                            double link_rms, fs_coll_model *out, fs_calib_summary *s, bool *used,
                            fs_err *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += c[i].link == li;
    *used = false;
    if (!k) return 0;
    fs_calib_point *pts = malloc(k * sizeof *pts);
    double *v = malloc(3 * k * sizeof *v);
    if (!pts || !v) {
        free(pts);
        free(v);
        return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    }
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].link == li)
            pts[k++] =
                (fs_calib_point){c[i].coll, c[i].algo, c[i].ranks, c[i].bytes, c[i].measured_us};
    fs_coll_model m = *base;
    fs_calib_summary sum;
    fs_err e2 = {0};
    double *bu = v, *mu = v + k, *cu = v + 2 * k;
    int rc;
    if (base->inter.nseg <= 0) {
        for (size_t i = 0; i < k; i++) bu[i] = NAN;
        rc = fs_calibrate_link(&m, pts, k, &sum, mu, cu, &e2);
    } else {
        fs_calib_opts o = {link_rms, true};
        rc = fs_calibrate(&m, pts, k, &o, &sum, bu, mu, cu, &e2);
    }
    if (rc == FS_EXIT_INPUT)
        rc = 0; /* nothing usable: the checks stay without a model */
    else if (rc == 0)
        *used = true;
    else
        *err = e2;
    if (*used) {
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (c[i].link != li) continue;
            fs_check *x = &c[i];
            x->model_us = fs_coll_time_band_us(&m, x->coll, x->algo, x->ranks, x->bytes, &x->chosen,
                                               &x->lo_us, &x->hi_us);
            x->cv_us = cu[k];
            x->base_us = bu[k];
            k++;
            x->rel_err = rel(x->model_us, x->measured_us);
            x->cv_rel_err = rel(x->cv_us, x->measured_us);
            x->base_rel_err = rel(x->base_us, x->measured_us);
            x->measured_busbw = fs_busbw_GBps(x->coll, x->ranks, x->bytes, x->measured_us);
            x->model_busbw = fs_busbw_GBps(x->coll, x->ranks, x->bytes, x->model_us);
        }
        if (out) *out = m;
        if (s) *s = sum;
    }
    free(pts);
    free(v);
    return rc;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The link fit's relative spread, robust (1.4826 x the median |residual|
 * of the fitted points): the rms of a link whose sweep caught one
 * descheduled point says more about that point than about the link. */
static double link_rms(const fs_link_fit *links, size_t nl, size_t li)
{
    if (li >= nl || !links[li].residual) return 0;
    const fs_link_fit *l = &links[li];
    double *v = malloc((l->npoints ? l->npoints : 1) * sizeof *v);
    if (!v) return l->fit.rms_rel_residual;
    size_t k = 0;
    for (size_t i = 0; i < l->npoints; i++)
        if (!(l->excluded && l->excluded[i]) && isfinite(l->residual[i]))
            v[k++] = fabs(l->residual[i]);
    double r = 0;
    if (k) {
        qsort(v, k, sizeof *v, cmp_d);
        r = 1.4826 * (k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]));
    }
    free(v);
    return r;
}

int fs_predict_check(const fs_results *r, size_t nr, const fs_link_fit *links, size_t nl,
                     const fs_coll_model *base, bool force_base, int default_ranks, fs_check **out,
                     size_t *n, size_t *no_ranks, size_t *no_link, fs_err *err)
{
    int rc = collect(r, nr, links, nl, force_base || base->inter.nseg <= 0, default_ranks, out, n,
                     no_ranks, no_link, err);
    if (rc) return rc;
    /* One calibration per link: every run is modelled on its own link,
     * calibrated by the collectives measured on that link. */
    for (size_t i = 0; i < *n && rc == 0; i++) {
        size_t li = (*out)[i].link;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) seen = (*out)[j].link == li;
        if (seen) continue;
        fs_coll_model m = *base;
        if (li != FS_NO_LINK) m.inter = links[li].fit.link;
        bool used;
        rc = calibrate_checks(*out, *n, li, &m, link_rms(links, nl, li), NULL, NULL, &used, err);
    }
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

double fs_check_median_abs(const fs_check *c, size_t n, const fs_run *run, fs_check_error kind)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NAN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double e = kind == FS_ERR_OUT_OF_SAMPLE  ? c[i].cv_rel_err
                   : kind == FS_ERR_UNCALIBRATED ? c[i].base_rel_err
                                                 : c[i].rel_err;
        if ((!run || c[i].run == run) && isfinite(e)) v[k++] = fabs(e);
    }
    double med = NAN;
    if (k) {
        qsort(v, k, sizeof *v, cmp_d);
        med = k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    }
    free(v);
    return med;
}

/* The model's band without measured collectives: the link fit's residual,
 * measured on a pair. */
static void link_band(fs_coll_model *m, double rms)
{
    if (!(rms > 0)) return;
    double h = 1.96 * log1p(rms);
    for (int a = 0; a < FS_ALGO_COUNT; a++)
        m->calib[a] = (fs_coll_calib){0, 0, exp(-h), exp(h), 2, 0};
}

/* Calibrate the built model by the collectives measured on its link (see
 * fs_model_build) and describe it in o->info. */
static int calibrate_model(const fs_link_fit *links, size_t nl, const fs_model_opts *o,
                           fs_coll_model *m, size_t li, fs_err *err)
{
    fs_model_info local, *info = o->info ? o->info : &local;
    memset(info, 0, sizeof *info);
    info->base = *m;
    info->max_measured_ranks = li != FS_NO_LINK ? 2 : 0; /* a fitted link: a pair */
    info->link = li != FS_NO_LINK ? &links[li] : NULL;
    /* A --link ALPHA:GBPS or derived link stands for every run. */
    info->force_base = li == FS_NO_LINK;
    if (o->results) {
        fs_check *c;
        size_t n, no_ranks, no_link;
        int rc = collect(o->results, o->nresults, links, nl, info->force_base, o->default_ranks, &c,
                         &n, &no_ranks, &no_link, err);
        if (rc) return rc;
        rc = calibrate_checks(c, n, li, m, link_rms(links, nl, li), m, &info->calib,
                              &info->calibrated, err);
        free(c);
        if (rc) return rc;
        if (m->inter.nseg <= 0 && no_ranks)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "no link: the measured collectives do not record their rank count "
                              "(OSU): give --osu-ranks N, or RESULTS with latency/bw runs");
    }
    if (m->inter.nseg <= 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "no link: give RESULTS with latency/bw runs or measured collectives, or "
                          "--link ALPHA_US:GBPS");
    info->link_derived = info->calib.link_derived;
    if (info->calibrated && info->calib.max_ranks > info->max_measured_ranks)
        info->max_measured_ranks = info->calib.max_ranks;
    if (!info->calibrated) link_band(m, link_rms(links, nl, li));
    return 0;
}

int fs_model_build(const fs_link_fit *links, size_t nl, const fs_model_opts *o, fs_coll_model *m,
                   size_t *link_idx, size_t *intra_idx, fs_err *err)
{
    memset(m, 0, sizeof *m);
    *link_idx = *intra_idx = FS_NO_LINK;
    const char *ls = o->link;
    double a, b;
    char tail;
    if (ls && sscanf(ls, "%lf:%lf%c", &a, &b, &tail) == 2) {
        if (!(a >= 0) || !(b > 0) || !isfinite(a) || !isfinite(b))
            return fs_err_set(err, FS_EXIT_INPUT, "--link %s: need ALPHA_US >= 0 and GBPS > 0", ls);
        m->inter = fs_link_hockney(a, b);
    } else if (ls) {
        char *end;
        long k = strtol(ls, &end, 10);
        if (*end == '\0') {
            if (k < 1 || (size_t)k > nl)
                return fs_err_set(err, FS_EXIT_INPUT, "--link %s: there are %zu fitted link(s)", ls,
                                  nl);
            *link_idx = (size_t)(k - 1);
        } else {
            for (size_t i = 0; i < nl && *link_idx == FS_NO_LINK; i++) {
                char tp[128];
                snprintf(tp, sizeof tp, "%s/%s", links[i].transport, links[i].provider);
                if (strcasecmp(tp, ls) == 0) *link_idx = i;
            }
            if (*link_idx == FS_NO_LINK) {
                char known[400] = "";
                for (size_t i = 0; i < nl; i++) {
                    size_t l = strlen(known);
                    snprintf(known + l, sizeof known - l, "%s%s/%s", i ? ", " : "",
                             links[i].transport, links[i].provider);
                }
                return fs_err_set(
                    err, FS_EXIT_INPUT,
                    "--link %s: no such link (fitted: %s; or give N or ALPHA_US:GBPS)", ls,
                    nl ? known : "none");
            }
        }
    } else if (nl > 0) {
        for (size_t i = 0; i < nl && *link_idx == FS_NO_LINK; i++)
            if (links[i].host_a[0] && links[i].host_b[0] && !fs_link_is_intra(&links[i]))
                *link_idx = i;
        if (*link_idx == FS_NO_LINK) *link_idx = 0;
    } /* else: no link measured; measured collectives may give one, below */
    if (*link_idx != FS_NO_LINK) m->inter = links[*link_idx].fit.link;

    m->ranks_per_node = o->ranks_per_node > 1 ? o->ranks_per_node : 1;
    m->nics_per_node = o->nics_per_node > 0 ? o->nics_per_node : 1;
    m->gamma_us_per_byte =
        isfinite(o->reduce_GBps) && o->reduce_GBps > 0 ? 1.0 / (o->reduce_GBps * 1e3) : 0;
    if (isfinite(o->intra_GBps)) {
        m->intra =
            fs_link_hockney(isfinite(o->intra_alpha_us) ? o->intra_alpha_us : 0, o->intra_GBps);
    } else if (m->ranks_per_node > 1) {
        for (size_t i = 0; i < nl && *intra_idx == FS_NO_LINK; i++)
            if (i != *link_idx && fs_link_is_intra(&links[i])) *intra_idx = i;
        if (*intra_idx == FS_NO_LINK)
            return fs_err_set(
                err, FS_EXIT_INPUT,
                "--ranks-per-node %d needs the intra-node bandwidth: give --intra-GBps "
                "(the results have no second, same-host link)",
                m->ranks_per_node);
        m->intra = links[*intra_idx].fit.link;
    }
    return calibrate_model(links, nl, o, m, *link_idx, err);
}

size_t fs_model_warnings(const fs_model_info *info, const fs_coll_model *m, int max_ranks,
                         char (*lines)[FS_WARN_LEN], size_t max)
{
    size_t k = 0;
    char why[FS_WARN_LEN - 40];
    if (info->link && k < max &&
        fs_link_same_host_for_network(info->link, m, max_ranks, why, sizeof why))
        snprintf(lines[k++], FS_WARN_LEN, "warning: %s", why);
    /* ratio to the largest rank count the model's terms were measured at */
    double x = fs_coll_extrapolation(m, FS_ALLREDUCE, FS_ALGO_AUTO, max_ranks, 1 << 20);
    if (x > 16 && k < max)
        snprintf(lines[k++], FS_WARN_LEN,
                 "warning: %d ranks is %.0fx the largest measured rank count (%.0f): beyond 16x "
                 "the model extrapolates, and its band widens with every doubling",
                 max_ranks, x, max_ranks / x);
    return k;
}
