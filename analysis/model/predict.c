/* predict.c - measured collectives against the model (see predict.h). */
#include "predict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int fs_predict_check(const fs_results *r, size_t nr, const fs_link_fit *links, size_t nl,
                     const fs_coll_model *base, bool force_base, int default_ranks, fs_check **out,
                     size_t *n, size_t *no_ranks, size_t *no_link, fs_err *err)
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
            fs_coll_model m = *base;
            size_t li = force_base ? FS_NO_LINK : fs_link_for_run(links, nl, &r[f], run);
            if (!force_base) {
                if (li == FS_NO_LINK) {
                    (*no_link)++;
                    continue;
                }
                m.inter = links[li].fit.link;
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
                c->algo = a;
                c->ranks = p;
                c->bytes = pt->bytes;
                c->from_p50 = p50;
                c->measured_us = meas;
                c->model_us = fs_coll_time_us(&m, c->coll, a, p, pt->bytes, &c->chosen);
                c->rel_err = (c->model_us - meas) / meas;
                c->measured_busbw = fs_busbw_GBps(c->coll, p, pt->bytes, meas);
                c->model_busbw = fs_busbw_GBps(c->coll, p, pt->bytes, c->model_us);
            }
        }
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double fs_check_median_abs(const fs_check *c, size_t n, const fs_run *run)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NAN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].run == run && isfinite(c[i].rel_err)) v[k++] = fabs(c[i].rel_err);
    double med = NAN;
    if (k) {
        qsort(v, k, sizeof *v, cmp_d);
        med = k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    }
    free(v);
    return med;
}

#include <stdio.h>

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
    } else {
        if (nl == 0)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "no link: give RESULTS with latency/bw runs or --link ALPHA_US:GBPS");
        for (size_t i = 0; i < nl && *link_idx == FS_NO_LINK; i++)
            if (links[i].host_a[0] && links[i].host_b[0] && !fs_link_is_intra(&links[i]))
                *link_idx = i;
        if (*link_idx == FS_NO_LINK) *link_idx = 0;
    }
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
    return 0;
}
