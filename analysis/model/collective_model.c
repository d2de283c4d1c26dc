/*
 * collective_model.c - links, names and the dispatch of collective cost
 * models through the algorithm registry (collective_algos.def; the
 * formulas live in the algo_*.c files, see collective_model.h).
 */
#include "collective_model.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "collective_algo.h"

static const fs_algo_desc *const registry[FS_ALGO_COUNT] = {
#define FS_ALGO_DEF(ID, desc) &desc,
#include "collective_algos.def"
#undef FS_ALGO_DEF
};

/* auto has no cost function of its own: it takes the fastest of its library's. */
const fs_algo_desc fs_algo_auto = {
    "auto",
    {NULL},
    FS_LIB_DEFAULT,
    FS_OPS_ALL | FS_OP(FS_ALLTOALL),
    "the fastest algorithm of the model's library (what NCCL / MPI would choose)",
    "least predicted time, as NCCL's tuner (ncclTopoGetAlgoTime)",
    NULL};

static const char *const coll_names[FS_COLL_COUNT] = {"allreduce", "reduce_scatter", "allgather",
                                                      "alltoall"};
static const char *const lib_names[FS_LIB_COUNT] = {"default", "mpi", "nccl"};

const fs_algo_desc *fs_algo_get(fs_algo a)
{
    return (unsigned)a < FS_ALGO_COUNT ? registry[a] : NULL;
}

const char *fs_algo_name(fs_algo a)
{
    return (unsigned)a < FS_ALGO_COUNT ? registry[a]->name : "?";
}

const char *fs_coll_name(fs_collective c)
{
    return (unsigned)c < FS_COLL_COUNT ? coll_names[c] : "?";
}

const char *fs_coll_lib_name(fs_coll_lib l)
{
    return (unsigned)l < FS_LIB_COUNT ? lib_names[l] : "?";
}

int fs_coll_lib_parse(const char *name)
{
    if (!name) return -1;
    for (int l = 0; l < FS_LIB_COUNT; l++)
        if (strcasecmp(name, lib_names[l]) == 0) return l;
    return strcasecmp(name, "auto") == 0 ? FS_LIB_DEFAULT : -1;
}

int fs_algo_parse(const char *name)
{
    if (!name) return -1;
    for (int a = 0; a < FS_ALGO_COUNT; a++) {
        if (strcasecmp(name, registry[a]->name) == 0) return a;
        for (int k = 0; k < 4 && registry[a]->aliases[k]; k++)
            if (strcasecmp(name, registry[a]->aliases[k]) == 0) return a;
    }
    return -1;
}

int fs_coll_parse(const char *name)
{
    if (!name) return -1;
    for (int c = 0; c < FS_COLL_COUNT; c++)
        if (strcasecmp(name, coll_names[c]) == 0) return c;
    if (strcasecmp(name, "all_reduce") == 0) return FS_ALLREDUCE;
    if (strcasecmp(name, "reducescatter") == 0 || strcasecmp(name, "reduce-scatter") == 0)
        return FS_REDUCE_SCATTER;
    if (strcasecmp(name, "all_gather") == 0) return FS_ALLGATHER;
    if (strcasecmp(name, "all_to_all") == 0 || strcasecmp(name, "all-to-all") == 0)
        return FS_ALLTOALL;
    return -1;
}

int fs_link_segment(const fs_link *l, double bytes)
{
    int s = 0;
    while (s + 1 < l->nseg && l->seg[s + 1].from_bytes <= bytes) s++;
    return s;
}

double fs_xfer_us(double bytes, double GBps)
{
    /* GB/s = 10^9 B/s = 10^3 B/us */
    return isinf(GBps) ? 0 : bytes / (GBps * 1e3);
}

/* A message never costs more than a larger one: past a protocol switch that
 * makes the time drop (a fit's, or a link whose bandwidth contention or
 * calibration scaled) the library would pad it or switch protocol early,
 * so the time is the least over this segment and the first size of every
 * later one. */
double fs_link_time_us(const fs_link *l, double bytes)
{
    if (l->nseg <= 0) return NAN;
    int k = fs_link_segment(l, bytes);
    const fs_segment *s = &l->seg[k];
    double t = s->alpha_us + fs_xfer_us(bytes, s->bandwidth_GBps);
    for (int j = k + 1; j < l->nseg; j++) {
        const fs_segment *u = &l->seg[j];
        t = fmin(t, u->alpha_us + fs_xfer_us(fmax(bytes, u->from_bytes), u->bandwidth_GBps));
    }
    return t;
}

fs_link fs_link_scaled(const fs_link *l, double f)
{
    fs_link r = *l;
    for (int s = 0; s < r.nseg; s++) r.seg[s].bandwidth_GBps *= f;
    return r;
}

fs_link fs_link_hockney(double alpha_us, double bandwidth_GBps)
{
    fs_link l;
    memset(&l, 0, sizeof l);
    l.nseg = 1;
    l.seg[0] = (fs_segment){0, alpha_us, bandwidth_GBps};
    return l;
}

double fs_link_peak_GBps(const fs_link *l)
{
    double b = l->nseg > 0 ? 0 : NAN;
    for (int s = 0; s < l->nseg; s++) b = fmax(b, l->seg[s].bandwidth_GBps);
    return b;
}

fs_coll_lib fs_coll_model_library(const fs_coll_model *m)
{
    if (m->library == FS_LIB_MPI || m->library == FS_LIB_NCCL) return m->library;
    return m->ranks_per_node > 1 ? FS_LIB_NCCL : FS_LIB_MPI;
}

fs_algo fs_algo_resolve(const fs_coll_model *m, fs_algo a)
{
    if (fs_coll_model_library(m) == FS_LIB_NCCL) {
        if (a == FS_ALGO_RING) return FS_ALGO_NCCL_RING;
        if (a == FS_ALGO_TREE) return FS_ALGO_NCCL_TREE;
    }
    return a;
}

int fs_nccl_nodes(const fs_coll_ctx *x, int p)
{
    return (p + x->g - 1) / x->g;
}

double fs_nccl_bottleneck_GBps(const fs_coll_ctx *x, const fs_segment *net, const fs_segment *nvl,
                               int p)
{
    double nics = x->nics * net->bandwidth_GBps;
    if (fs_nccl_nodes(x, p) == 1) return nvl->bandwidth_GBps;
    if (x->g == 1) return nics;
    return fmin(nvl->bandwidth_GBps, nics);
}

/* A protocol used at every size runs at most at the link's asymptotic
 * (last segment's) bandwidth. */
static fs_segment protocol(const fs_link *l, int s)
{
    fs_segment r = l->seg[s];
    r.bandwidth_GBps = fmin(r.bandwidth_GBps, l->seg[l->nseg - 1].bandwidth_GBps);
    return r;
}

double fs_nccl_time(const fs_coll_ctx *x, fs_nccl_cost cost, fs_collective c, int p, double n)
{
    double best = NAN;
    for (int i = 0; i < x->inter.nseg; i++)
        for (int j = 0; j < x->intra.nseg; j++) {
            fs_segment net = protocol(&x->inter, i), nvl = protocol(&x->intra, j);
            double t = cost(x, &net, &nvl, c, p, n);
            if (!(t >= best)) best = isnan(t) ? best : t;
        }
    return best;
}

/* The algorithm's calibration applied to a link: bandwidth x efficiency,
 * alpha + overhead per step. */
static fs_link calibrated(const fs_link *l, const fs_coll_calib *k)
{
    fs_link r = *l;
    double e = k->bw_efficiency > 0 && k->bw_efficiency <= 1 ? k->bw_efficiency : 1;
    double o = k->step_overhead_us > 0 ? k->step_overhead_us : 0;
    for (int s = 0; s < r.nseg; s++) {
        r.seg[s].bandwidth_GBps *= e;
        r.seg[s].alpha_us += o;
    }
    return r;
}

static double run(const fs_coll_model *m, fs_algo a, fs_collective c, int p, double n)
{
    const fs_algo_desc *d = registry[a];
    if (!d->time_us || !(d->ops & FS_OP(c))) return NAN;
    if (p == 1) return 0;
    fs_coll_ctx x = {.m = m,
                     .inter = calibrated(&m->inter, &m->calib[a]),
                     .intra = calibrated(m->intra.nseg > 0 ? &m->intra : &m->inter, &m->calib[a]),
                     .g = m->ranks_per_node > 1 ? m->ranks_per_node : 1,
                     .nics = m->nics_per_node > 1 ? m->nics_per_node : 1,
                     .gamma = m->gamma_us_per_byte,
                     .nvls = m->nvls != 0};
    return d->time_us(&x, c, p, n);
}

double fs_coll_time_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                       fs_algo *chosen)
{
    fs_algo r = (unsigned)a < FS_ALGO_COUNT ? fs_algo_resolve(m, a) : a;
    if (chosen) *chosen = r;
    if (p < 1 || !(n >= 0) || (unsigned)c >= FS_COLL_COUNT || (unsigned)a >= FS_ALGO_COUNT ||
        m->inter.nseg <= 0)
        return NAN;
    if (r != FS_ALGO_AUTO) return run(m, r, c, p, n);
    fs_coll_lib lib = fs_coll_model_library(m);
    double tb = NAN;
    fs_algo best = FS_ALGO_AUTO;
    for (int i = 0; i < FS_ALGO_COUNT; i++) {
        if (registry[i]->library != lib) continue;
        double t = run(m, (fs_algo)i, c, p, n);
        if (t < tb || (isnan(tb) && !isnan(t))) tb = t, best = (fs_algo)i;
    }
    if (chosen) *chosen = best;
    return tb;
}

/* Calibrated band, widened in log space by log2(p / max_ranks) / 4 once p
 * exceeds 16x the largest measured rank count (the band is the calibration
 * spread at the measured scale; extrapolation adds error in proportion to
 * how many doublings lie beyond it: 16x = 4 doublings keeps the band). */
double fs_coll_time_band_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                            fs_algo *chosen, double *lo_us, double *hi_us)
{
    fs_algo ch;
    double t = fs_coll_time_us(m, c, a, p, n, &ch);
    if (chosen) *chosen = ch;
    double lo = t, hi = t;
    const fs_coll_calib *k = (unsigned)ch < FS_ALGO_COUNT ? &m->calib[ch] : NULL;
    if (isfinite(t) && k && k->rel_lo > 0 && k->rel_hi > 0) {
        double w = 1;
        if (k->max_ranks > 0 && p > 16.0 * k->max_ranks) w = log2((double)p / k->max_ranks) / 4;
        lo = t * pow(fmin(k->rel_lo, 1), w);
        hi = t * pow(fmax(k->rel_hi, 1), w);
    }
    if (lo_us) *lo_us = lo;
    if (hi_us) *hi_us = hi;
    return t;
}

double fs_coll_extrapolation(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n)
{
    fs_algo ch;
    fs_coll_time_us(m, c, a, p, n, &ch);
    if ((unsigned)ch >= FS_ALGO_COUNT || m->calib[ch].max_ranks <= 0) return NAN;
    return (double)p / m->calib[ch].max_ranks;
}

double fs_busbw_factor(fs_collective c, int p)
{
    if (p < 1) return NAN;
    return c == FS_ALLREDUCE ? 2.0 * (p - 1) / p : (double)(p - 1) / p;
}

double fs_busbw_GBps(fs_collective c, int p, double n, double t_us)
{
    if (!(t_us > 0)) return NAN;
    return n / (t_us * 1e3) * fs_busbw_factor(c, p);
}
