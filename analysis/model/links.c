/*
 * links.c - from measured runs to fitted links: group latency / bw /
 * msgrate runs by (transport, provider, host pair), fit each group
 * piecewise, and derive n1/2, peak bandwidth, message rate and residuals.
 * Pure: no I/O.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link_fit.h"

static double point_time(const fs_point *p)
{
    return isfinite(p->time_us.p50) ? p->time_us.p50 : p->time_us.mean;
}

/* The link a run measures; false for runs that do not describe one. */
static bool run_key(const fs_results *r, const fs_run *run, fs_link_fit *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->transport, sizeof k->transport, "%s", run->transport ? run->transport : "?");
    snprintf(k->provider, sizeof k->provider, "%s", run->provider ? run->provider : "?");
    const char *a = run->peer_hosts[0] ? run->peer_hosts[0] : "";
    const char *b = run->peer_hosts[1] ? run->peer_hosts[1] : "";
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    snprintf(k->host_a, sizeof k->host_a, "%s", a);
    snprintf(k->host_b, sizeof k->host_b, "%s", b);
    /* Without hosts, runs from different files may be different clusters:
     * keep them apart. */
    snprintf(k->source, sizeof k->source, "%s", run->source ? run->source : r->path ? r->path : "");
    /* A --nics run over K NICs measures their aggregate: never one link
     * with single-NIC runs of the same hosts. */
    json_int_t rails =
        json_integer_value(json_object_get(json_object_get(run->extra, "nics"), "count"));
    k->rails = rails > 1 && rails <= 1024 ? (int)rails : 1;
    return true;
}

static bool same_link(const fs_link_fit *x, const fs_link_fit *y)
{
    bool hosts = x->host_a[0] || x->host_b[0];
    return strcmp(x->transport, y->transport) == 0 && strcmp(x->provider, y->provider) == 0 &&
           strcmp(x->host_a, y->host_a) == 0 && strcmp(x->host_b, y->host_b) == 0 &&
           x->rails == y->rails && (hosts || strcmp(x->source, y->source) == 0);
}

static bool is_fit_run(const fs_run *run)
{
    return (strcmp(run->benchmark, "latency") == 0 || strcmp(run->benchmark, "bw") == 0) &&
           run->pairs <= 1;
}

static int push_point(fs_link_fit *l, size_t *cap, fs_fit_point p)
{
    if (l->npoints == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        fs_fit_point *np = realloc(l->points, nc * sizeof *np);
        if (!np) return -1;
        l->points = np;
        *cap = nc;
    }
    l->points[l->npoints++] = p;
    return 0;
}

static int cmp_kind_bytes(const void *a, const void *b)
{
    const fs_fit_point *x = a, *y = b;
    if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
    return (x->bytes > y->bytes) - (x->bytes < y->bytes);
}

/* Mark points far slower than their neighbours of the same kind allow.
 * Points are sorted by kind then bytes; each size is represented by its
 * median time. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t screen_outliers(const fs_fit_point *p, size_t n, bool *out)
{
    size_t k = 0, nsz = 0, excl = 0;
    double *med = malloc((n ? n : 1) * sizeof *med), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    double *msz = malloc((n ? n : 1) * sizeof *msz);
    size_t *first = malloc((n + 1) * sizeof *first);
    for (size_t i = 0; i < n; i++) out[i] = false;
    if (!med || !tmp || !msz || !first) goto done;
    /* distinct (kind, size) groups */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j].kind == p[i].kind && p[j].bytes == p[i].bytes)
            tmp[j - i] = p[j].time_us, j++;
        qsort(tmp, j - i, sizeof *tmp, cmp_double);
        med[nsz] = (j - i) % 2 ? tmp[(j - i) / 2] : 0.5 * (tmp[(j - i) / 2 - 1] + tmp[(j - i) / 2]);
        msz[nsz] = p[i].bytes;
        first[nsz++] = i;
        i = j;
    }
    first[nsz] = n;
    for (k = 0; k < nsz; k++) {
        fs_fit_kind kind = p[first[k]].kind;
        bool hasl = k > 0 && p[first[k - 1]].kind == kind && msz[k - 1] > 0;
        bool hasr = k + 1 < nsz && p[first[k + 1]].kind == kind;
        if (!hasl && !hasr) continue;
        double bound = 0;
        if (hasl) bound = med[k - 1] * (msz[k] > msz[k - 1] ? msz[k] / msz[k - 1] : 1);
        if (hasr && med[k + 1] > bound) bound = med[k + 1];
        for (size_t i = first[k]; i < first[k + 1]; i++)
            if (p[i].time_us > 3 * bound) out[i] = true, excl++;
    }
done:
    free(med);
    free(tmp);
    free(msz);
    free(first);
    return excl;
}

/* Smallest size where the latency model reaches half of `peak` GB/s. */
static double n_half(const fs_fit *f, double peak, double max_bytes)
{
    if (!(peak > 0)) return NAN;
    double target = peak / 2, prev = 0;
    for (double m = 1; m <= max_bytes * 1.0001; m *= 1.0442737824274138 /* 2^(1/16) */) {
        double bw = m / (fs_fit_time_us(f, FS_FIT_LATENCY, m) * 1e3);
        if (bw >= target) {
            double lo = prev, hi = m;
            for (int i = 0; i < 60; i++) {
                double mid = 0.5 * (lo + hi);
                if (mid / (fs_fit_time_us(f, FS_FIT_LATENCY, mid) * 1e3) >= target)
                    hi = mid;
                else
                    lo = mid;
            }
            return hi;
        }
        prev = m;
    }
    return NAN;
}

/* Fit every link that has enough sizes; drop the others.  Takes links
 * (and their points) whatever happens; rc is the caller's status so far;
 * `none` says what was missing when no run could be used. */
static int fit_all(fs_link_fit *links, size_t nl, const fs_fit_opts *o, int rc, size_t fit_runs,
                   const fs_results *r, size_t nr, const char *none, fs_link_fit **out,
                   size_t *nout, fs_err *err)
{
    size_t kept = 0;
    char why[600] = "";
    for (size_t li = 0; li < nl && rc == 0; li++) {
        fs_link_fit *l = &links[li];
        fs_err fe = {0};
        if (l->npoints) qsort(l->points, l->npoints, sizeof *l->points, cmp_kind_bytes);
        l->excluded = calloc(l->npoints ? l->npoints : 1, sizeof *l->excluded);
        fs_fit_point *kept_pts = malloc((l->npoints ? l->npoints : 1) * sizeof *kept_pts);
        if (!l->excluded || !kept_pts) {
            free(kept_pts);
            free(l->excluded);
            free(l->points);
            rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
            continue;
        }
        l->nexcluded = screen_outliers(l->points, l->npoints, l->excluded);
        size_t nk = 0;
        for (size_t j = 0; j < l->npoints; j++)
            if (!l->excluded[j]) kept_pts[nk++] = l->points[j];
        int frc = fs_fit_piecewise(kept_pts, nk, o, &l->fit, &fe);
        free(kept_pts);
        if (frc != 0) {
            free(l->excluded);
            if (fe.status == FS_EXIT_RUNTIME) rc = fs_err_set(err, FS_EXIT_RUNTIME, "%s", fe.msg);
            char lab[200];
            if (!why[0])
                snprintf(why, sizeof why, "%.190s: %.400s", fs_link_label(l, lab, sizeof lab),
                         fe.msg);
            free(l->points);
            continue;
        }
        l->residual = malloc((l->npoints ? l->npoints : 1) * sizeof *l->residual);
        if (!l->residual) {
            free(l->points);
            free(l->excluded);
            rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
            continue;
        }
        double maxb = 0;
        for (size_t j = 0; j < l->npoints; j++) {
            double f = fs_fit_time_us(&l->fit, l->points[j].kind, l->points[j].bytes);
            l->residual[j] = (l->points[j].time_us - f) / f;
            if (l->points[j].bytes > maxb) maxb = l->points[j].bytes;
        }
        l->n_half_bytes = n_half(&l->fit, l->peak_GBps, maxb);
        links[kept++] = *l;
    }
    if (rc == 0 && kept == 0) {
        if (fit_runs == 0)
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s%s: %s", nr ? r[0].path : "(no files)",
                            nr > 1 ? " and the other files" : "", none);
        else
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s: no link could be fitted: %s",
                            nr ? r[0].path : "(no files)", why);
    }
    if (rc) {
        fs_links_free(links, kept);
        return rc;
    }
    *out = links;
    *nout = kept;
    return 0;
}

static bool is_msgrate_run(const fs_run *run)
{
    return strcmp(run->benchmark, "msgrate") == 0 && run->pairs <= 1;
}

enum { K_LAT = 1, K_BW = 2, K_MR = 4 };

static unsigned kind_bit(const fs_run *run)
{
    return strcmp(run->benchmark, "latency") == 0 ? K_LAT : is_msgrate_run(run) ? K_MR : K_BW;
}

/* Groups of runs by link.  Runs that record no hosts are kept apart per
 * file (they may be different clusters), except that files which each
 * measure something the others do not (latency in one, bandwidth in
 * another, message rate in a third: OSU's usual osu_latency / osu_bw /
 * osu_mbw_mr logs) over the same transport and provider are taken as one
 * link; the link says so in `assumed`. */
typedef struct grp {
    fs_link_fit key;
    unsigned kinds;
    size_t root; /* the group it was merged into (itself when none) */
} grp;

static size_t group_of(grp **g, size_t *ng, const fs_link_fit *key, unsigned kind, int *rc,
                       fs_err *err)
{
    size_t i = 0;
    while (i < *ng && !same_link(&(*g)[i].key, key)) i++;
    if (i == *ng) {
        grp *ng2 = realloc(*g, (*ng + 1) * sizeof **g);
        if (!ng2) {
            *rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
            return 0;
        }
        *g = ng2;
        (*g)[i] = (grp){*key, 0, i};
        ++*ng;
    }
    (*g)[i].kinds |= kind;
    return i;
}

static const char *base_name(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static void merge_hostless(grp *g, size_t ng)
{
    for (size_t j = 1; j < ng; j++) {
        const fs_link_fit *b = &g[j].key;
        if (b->host_a[0] || b->host_b[0]) continue;
        for (size_t i = 0; i < j; i++) {
            const fs_link_fit *a = &g[i].key;
            if (g[i].root != i || a->host_a[0] || a->host_b[0] ||
                strcmp(a->transport, b->transport) != 0 || strcmp(a->provider, b->provider) != 0 ||
                (g[i].kinds & g[j].kinds))
                continue;
            g[j].root = i;
            g[i].kinds |= g[j].kinds;
            break;
        }
    }
}

/* The link of root group i: its key (`source` stays the first file), and
 * when other files were merged into it, what was assumed, naming them. */
static void link_of_group(const grp *g, size_t ng, size_t i, fs_link_fit *l)
{
    *l = g[i].key;
    char names[300] = "";
    size_t n = 0;
    for (size_t j = 0; j < ng; j++) {
        if (g[j].root != i) continue;
        n++;
        size_t k = strlen(names);
        snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", base_name(g[j].key.source));
    }
    if (n < 2) return;
    unsigned kd = g[i].kinds;
    int w =
        snprintf(l->assumed, sizeof l->assumed,
                 "%s record no hosts; each measures what the others do not (%s%s%s%s%s), so they "
                 "are taken as one %s/%s link",
                 names, kd & K_LAT ? "latency" : "", kd & K_LAT && kd & K_BW ? ", " : "",
                 kd & K_BW ? "bandwidth" : "", kd & K_MR && kd & (K_LAT | K_BW) ? ", " : "",
                 kd & K_MR ? "message rate" : "", l->transport, l->provider);
    /* Many long file names: cut, and say so, rather than end mid-word unseen. */
    if (w >= (int)sizeof l->assumed) memcpy(l->assumed + sizeof l->assumed - 4, "...", 4);
}

int fs_links_from_results(const fs_results *r, size_t nr, const fs_fit_opts *o, fs_link_fit **out,
                          size_t *nout, fs_err *err)
{
    *out = NULL;
    *nout = 0;
    fs_link_fit *links = NULL;
    size_t nl = 0, *caps = NULL;
    size_t fit_runs = 0;
    int rc = 0;
    /* Which group every eligible run belongs to, then merge host-less ones. */
    grp *g = NULL;
    size_t ng = 0;
    for (size_t f = 0; f < nr && rc == 0; f++)
        for (size_t i = 0; i < r[f].nruns && rc == 0; i++) {
            const fs_run *run = &r[f].runs[i];
            if (!is_fit_run(run) && !is_msgrate_run(run)) continue;
            fs_link_fit key;
            run_key(&r[f], run, &key);
            group_of(&g, &ng, &key, kind_bit(run), &rc, err);
        }
    if (rc == 0) merge_hostless(g, ng);
    /* One link per root group that has latency or bandwidth runs. */
    size_t *link_of = calloc(ng ? ng : 1, sizeof *link_of);
    if (!link_of && rc == 0) rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
    for (size_t i = 0; i < ng && rc == 0; i++) {
        link_of[i] = (size_t)-1;
        if (g[i].root != i || !(g[i].kinds & (K_LAT | K_BW))) continue;
        fs_link_fit *nlinks = realloc(links, (nl + 1) * sizeof *nlinks);
        size_t *ncaps = realloc(caps, (nl + 1) * sizeof *ncaps);
        if (nlinks) links = nlinks;
        if (ncaps) caps = ncaps;
        if (!nlinks || !ncaps) {
            rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
            break;
        }
        link_of_group(g, ng, i, &links[nl]);
        links[nl].peak_GBps = links[nl].msg_rate_Mps = NAN;
        caps[nl] = 0;
        link_of[i] = nl++;
    }
    for (size_t i = 0; i < ng && rc == 0; i++) link_of[i] = link_of[g[i].root];
    for (size_t f = 0; f < nr && rc == 0; f++)
        for (size_t i = 0; i < r[f].nruns && rc == 0; i++) {
            const fs_run *run = &r[f].runs[i];
            if (!is_fit_run(run)) continue;
            fit_runs++;
            fs_link_fit key;
            run_key(&r[f], run, &key);
            size_t gi = 0;
            while (gi < ng && !same_link(&g[gi].key, &key)) gi++;
            size_t li = gi < ng ? link_of[gi] : (size_t)-1;
            if (li == (size_t)-1) continue;
            fs_link_fit *l = &links[li];
            bool lat = strcmp(run->benchmark, "latency") == 0;
            for (size_t j = 0; j < run->npoints; j++) {
                const fs_point *p = &run->points[j];
                double t = point_time(p);
                if (!lat) {
                    if (run->window > 0 && isfinite(t))
                        t /= run->window;
                    else if (p->bandwidth_GBps > 0)
                        t = p->bytes / (p->bandwidth_GBps * 1e3);
                    else
                        t = NAN;
                }
                if (!(t > 0) || !isfinite(p->bytes)) continue;
                if (push_point(l, &caps[li],
                               (fs_fit_point){p->bytes, t, lat ? FS_FIT_LATENCY : FS_FIT_STREAM})) {
                    rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                    break;
                }
                double bw = p->bytes / (t * 1e3); /* one stream's bandwidth */
                if (p->bytes > 0 && (isnan(l->peak_GBps) || bw > l->peak_GBps)) l->peak_GBps = bw;
                if (!lat && (isnan(l->msg_rate_Mps) || 1.0 / t > l->msg_rate_Mps)) {
                    l->msg_rate_Mps = 1.0 / t; /* messages per us = 10^6/s */
                    l->msg_rate_from = "bw";
                }
            }
        }
    free(caps);
    /* Message rate: msgrate runs of the same link win over bw's estimate. */
    for (size_t f = 0; f < nr && rc == 0; f++)
        for (size_t i = 0; i < r[f].nruns; i++) {
            const fs_run *run = &r[f].runs[i];
            if (!is_msgrate_run(run)) continue;
            fs_link_fit key;
            run_key(&r[f], run, &key);
            size_t gi = 0;
            while (gi < ng && !same_link(&g[gi].key, &key)) gi++;
            size_t li = gi < ng ? link_of[gi] : (size_t)-1;
            if (li == (size_t)-1) continue;
            if (links[li].msg_rate_from && strcmp(links[li].msg_rate_from, "bw") == 0)
                links[li].msg_rate_Mps = NAN;
            for (size_t j = 0; j < run->npoints; j++) {
                double mr = run->points[j].msg_rate_Mps;
                if (isfinite(mr) &&
                    (isnan(links[li].msg_rate_Mps) || mr > links[li].msg_rate_Mps)) {
                    links[li].msg_rate_Mps = mr;
                    links[li].msg_rate_from = "msgrate";
                }
            }
        }
    free(g);
    free(link_of);
    return fit_all(links, nl, o, rc, fit_runs, r, nr,
                   "no latency or bw runs (one pair) to fit a link from", out, nout, err);
}

/* ---- per NIC (fabscale-bench --nics) ---- */

/* The link named nic among links (of the run's key), appended when new. */
static fs_link_fit *nic_link(fs_link_fit **links, size_t *nl, size_t **caps, const fs_link_fit *key,
                             const char *nic)
{
    for (size_t i = 0; i < *nl; i++)
        if (same_link(&(*links)[i], key) && strcmp((*links)[i].nic, nic) == 0) return &(*links)[i];
    fs_link_fit *nlinks = realloc(*links, (*nl + 1) * sizeof *nlinks);
    if (!nlinks) return NULL;
    *links = nlinks;
    size_t *ncaps = realloc(*caps, (*nl + 1) * sizeof *ncaps);
    if (!ncaps) return NULL;
    *caps = ncaps;
    fs_link_fit *l = &nlinks[*nl];
    *l = *key;
    snprintf(l->nic, sizeof l->nic, "%s", nic);
    l->peak_GBps = l->msg_rate_Mps = NAN;
    (*caps)[*nl] = 0;
    ++*nl;
    return l;
}

/* One stream point (bytes at bw_GBps) into link l. */
static int nic_point(fs_link_fit *l, size_t *cap, double bytes, double bw_GBps)
{
    if (!(bw_GBps > 0) || !isfinite(bw_GBps) || !(bytes > 0) || !isfinite(bytes)) return 0;
    double t = bytes / (bw_GBps * 1e3); /* us per message at that NIC's rate */
    if (push_point(l, cap, (fs_fit_point){bytes, t, FS_FIT_STREAM})) return -1;
    if (isnan(l->peak_GBps) || bw_GBps > l->peak_GBps) l->peak_GBps = bw_GBps;
    return 0;
}

int fs_links_per_nic(const fs_results *r, size_t nr, const fs_fit_opts *o, fs_link_fit **out,
                     size_t *nout, fs_err *err)
{
    *out = NULL;
    *nout = 0;
    fs_link_fit *links = NULL;
    size_t nl = 0, *caps = NULL, runs = 0;
    int rc = 0;
    for (size_t f = 0; f < nr && rc == 0; f++)
        for (size_t i = 0; i < r[f].nruns && rc == 0; i++) {
            const fs_run *run = &r[f].runs[i];
            if (strcmp(run->benchmark, "bw") != 0 || run->pairs > 1) continue;
            fs_link_fit key;
            run_key(&r[f], run, &key);
            bool any = false;
            for (size_t j = 0; j < run->npoints && rc == 0; j++) {
                const fs_point *p = &run->points[j];
                const json_t *nics = json_object_get(p->extra, "nics");
                const json_t *hosts = json_object_get(nics, "hosts");
                double total = json_number_value(json_object_get(nics, "tx_bytes"));
                size_t hi, ri;
                const json_t *h, *rl;
                json_array_foreach(hosts, hi, h)
                {
                    const char *host = json_string_value(json_object_get(h, "host"));
                    if (!host) continue;
                    /* The node aggregate on a host that sent (1 % of the
                     * bytes at least: a receiver's NICs carry
                     * acknowledgements). */
                    double tx = json_number_value(json_object_get(h, "tx_bytes"));
                    if (tx > 0 && tx >= 0.01 * total) {
                        fs_link_fit *l = nic_link(&links, &nl, &caps, &key, host);
                        if (!l ||
                            nic_point(l, &caps[l - links], p->bytes,
                                      json_number_value(json_object_get(h, "bandwidth_GBps")))) {
                            rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                            break;
                        }
                        any = true;
                    }
                    /* Per NIC: the rate bytes streamed in on it (null on
                     * a host that only sent). */
                    json_array_foreach(json_object_get(h, "rails"), ri, rl)
                    {
                        double rate = json_number_value(json_object_get(rl, "rx_GBps"));
                        if (!(rate > 0)) continue;
                        json_int_t k = json_integer_value(json_object_get(rl, "rail"));
                        const char *dom = fs_run_nic_domain(run, host, k);
                        char nic[160];
                        if (dom)
                            snprintf(nic, sizeof nic, "%s:%s", host, dom);
                        else
                            snprintf(nic, sizeof nic, "%s:rail%lld", host, (long long)k);
                        fs_link_fit *l = nic_link(&links, &nl, &caps, &key, nic);
                        if (!l || nic_point(l, &caps[l - links], p->bytes, rate)) {
                            rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                            break;
                        }
                        any = true;
                    }
                    if (rc) break;
                }
            }
            runs += any;
        }
    free(caps);
    if (rc || nl == 0) {
        fs_links_free(links, nl);
        return rc;
    }
    return fit_all(links, nl, o, rc, runs, r, nr, "no bw runs with per-NIC figures", out, nout,
                   err);
}

/* Steps of a ring and the bytes of each: all-reduce 2(p-1) steps (reduce-
 * scatter then all-gather), reduce-scatter and all-gather p-1; each step
 * moves n/p over every rank's link.  An all-to-all (n = one rank's send
 * buffer) is read the same way, as its pairwise exchange: p-1 steps of n/p.
 * 0 for collectives without such a reading. */
static int ring_steps(const char *bench, int p)
{
    if (strcmp(bench, "allreduce") == 0) return 2 * (p - 1);
    if (strcmp(bench, "reduce_scatter") == 0 || strcmp(bench, "allgather") == 0 ||
        strcmp(bench, "alltoall") == 0)
        return p - 1;
    return 0;
}

int fs_links_from_collectives(const fs_results *r, size_t nr, const fs_fit_opts *o,
                              fs_link_fit **out, size_t *nout, fs_err *err)
{
    *out = NULL;
    *nout = 0;
    fs_link_fit *links = NULL;
    size_t nl = 0, *caps = NULL, used = 0;
    int rc = 0;
    for (size_t f = 0; f < nr && rc == 0; f++)
        for (size_t i = 0; i < r[f].nruns && rc == 0; i++) {
            const fs_run *run = &r[f].runs[i];
            int p = run->ranks, steps = ring_steps(run->benchmark, p);
            if (p < 2 || steps == 0 || run->in_place) continue;
            used++;
            /* one link per file and transport: the file's collectives ran on it */
            fs_link_fit key;
            run_key(&r[f], run, &key);
            key.host_a[0] = key.host_b[0] = '\0';
            size_t li = 0;
            while (li < nl && !(strcmp(links[li].source, key.source) == 0 &&
                                strcmp(links[li].transport, key.transport) == 0))
                li++;
            if (li == nl) {
                fs_link_fit *nlinks = realloc(links, (nl + 1) * sizeof *nlinks);
                size_t *ncaps = realloc(caps, (nl + 1) * sizeof *ncaps);
                if (nlinks) links = nlinks;
                if (ncaps) caps = ncaps;
                if (!nlinks || !ncaps) {
                    rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                    break;
                }
                links[nl] = key;
                links[nl].peak_GBps = links[nl].msg_rate_Mps = NAN;
                snprintf(links[nl].assumed, sizeof links[nl].assumed,
                         "no point-to-point runs: derived from the measured %s at %d ranks, read "
                         "as %s (each of its steps moves size/ranks bytes over every rank's "
                         "link: time per step = time / steps, so the bandwidth is the ring's "
                         "busbw); intra- and inter-node hops are not told apart",
                         run->benchmark, p,
                         strcmp(run->benchmark, "alltoall") == 0 ? "a pairwise exchange"
                                                                 : "a ring");
                caps[nl] = 0;
                nl++;
            }
            fs_link_fit *l = &links[li];
            for (size_t j = 0; j < run->npoints; j++) {
                const fs_point *pt = &run->points[j];
                double t = point_time(pt), m = pt->bytes / p;
                if (!(t > 0) || !(m > 0) || !isfinite(m)) continue;
                fs_fit_point fp = {m, t / steps, FS_FIT_LATENCY};
                if (push_point(l, &caps[li], fp)) {
                    rc = fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
                    break;
                }
                double bw = m / (fp.time_us * 1e3);
                if (isnan(l->peak_GBps) || bw > l->peak_GBps) l->peak_GBps = bw;
            }
        }
    free(caps);
    return fit_all(links, nl, o, rc, used, r, nr,
                   "no all-reduce, reduce-scatter, all-gather or all-to-all runs with a rank count "
                   "to derive a link from",
                   out, nout, err);
}

void fs_links_free(fs_link_fit *l, size_t n)
{
    if (!l) return;
    for (size_t i = 0; i < n; i++) {
        free(l[i].points);
        free(l[i].residual);
        free(l[i].excluded);
    }
    free(l);
}

int fs_link_is_intra(const fs_link_fit *l)
{
    return l->host_a[0] && strcmp(l->host_a, l->host_b) == 0;
}

const char *fs_link_label(const fs_link_fit *l, char *buf, size_t len)
{
    if (l->host_a[0] || l->host_b[0])
        snprintf(buf, len, "%s/%s %s<->%s", l->transport, l->provider,
                 l->host_a[0] ? l->host_a : "?", l->host_b[0] ? l->host_b : "?");
    else
        snprintf(buf, len, "%s/%s (%s)", l->transport, l->provider, l->source);
    size_t n = strlen(buf);
    if (l->nic[0] && n < len)
        snprintf(buf + n, len - n, strchr(l->nic, ':') ? " [NIC %s]" : " [node %s, all NICs]",
                 l->nic);
    else if (l->rails > 1 && n < len)
        snprintf(buf + n, len - n, " [%d NICs together]", l->rails);
    return buf;
}

/* Providers and transports that never leave the host. */
static bool same_host_provider(const char *p)
{
    static const char *const names[] = {"shm",  "sm2", "sm",    "vader",    "self", "posix",
                                        "sysv", "cma", "xpmem", "loopback", "lo",   NULL};
    for (int i = 0; names[i]; i++)
        if (strcasecmp(p, names[i]) == 0) return true;
    return false;
}

static bool loopback_host(const char *h)
{
    return strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
}

bool fs_link_same_host(const fs_link_fit *l, char *why, size_t len)
{
    const char *w = NULL;
    char buf[400];
    if (fs_link_is_intra(l)) {
        snprintf(buf, sizeof buf, "both ends were on host %s", l->host_a);
        w = buf;
    } else if (same_host_provider(l->provider) || same_host_provider(l->transport)) {
        snprintf(buf, sizeof buf, "%s/%s is shared memory inside one host", l->transport,
                 l->provider);
        w = buf;
    } else if (l->host_a[0] && loopback_host(l->host_a) && loopback_host(l->host_b)) {
        snprintf(buf, sizeof buf, "it was measured over loopback (%s)", l->host_a);
        w = buf;
    }
    if (w && why && len) snprintf(why, len, "%s", w);
    return w != NULL;
}

bool fs_link_same_host_for_network(const fs_link_fit *l, const fs_coll_model *m, int p, char *why,
                                   size_t len)
{
    int g = m->ranks_per_node > 1 ? m->ranks_per_node : 1;
    char w[400];
    if (p <= g || !fs_link_same_host(l, w, sizeof w)) return false;
    if (why && len)
        snprintf(why, len,
                 "the link between nodes was measured inside one host (%s): %d ranks on %d "
                 "node(s) of %d would cross a network it never saw",
                 w, p, (p + g - 1) / g, g);
    return true;
}
