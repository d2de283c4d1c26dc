/*
 * collective_model.c - collective cost models over a piecewise Hockney
 * link (see collective_model.h for the formulas and conventions).
 */
#include "collective_model.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const char *const algo_names[FS_ALGO_COUNT] = {"ring", "rd",   "rabenseifner",
                                                      "tree", "hier", "auto"};
static const char *const coll_names[FS_COLL_COUNT] = {"allreduce", "reduce_scatter", "allgather"};

const char *fs_algo_name(fs_algo a)
{
    return a < FS_ALGO_COUNT ? algo_names[a] : "?";
}
const char *fs_coll_name(fs_collective c)
{
    return c < FS_COLL_COUNT ? coll_names[c] : "?";
}

int fs_algo_parse(const char *name)
{
    static const struct {
        const char *alias;
        fs_algo a;
    } aliases[] = {{"recursive_doubling", FS_ALGO_RD},
                   {"recursive-doubling", FS_ALGO_RD},
                   {"rabenseifner", FS_ALGO_RABENSEIFNER},
                   {"rab", FS_ALGO_RABENSEIFNER},
                   {"binomial", FS_ALGO_TREE},
                   {"hierarchical", FS_ALGO_HIER},
                   {"two-level", FS_ALGO_HIER}};
    if (!name) return -1;
    for (int a = 0; a < FS_ALGO_COUNT; a++)
        if (strcasecmp(name, algo_names[a]) == 0) return a;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0) return (int)aliases[i].a;
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
    return -1;
}

int fs_link_segment(const fs_link *l, double bytes)
{
    int s = 0;
    while (s + 1 < l->nseg && l->seg[s + 1].from_bytes <= bytes) s++;
    return s;
}

double fs_link_time_us(const fs_link *l, double bytes)
{
    if (l->nseg <= 0) return NAN;
    const fs_segment *s = &l->seg[fs_link_segment(l, bytes)];
    /* GB/s = 10^9 B/s = 10^3 B/us */
    return isinf(s->bandwidth_GBps) ? s->alpha_us : s->alpha_us + bytes / (s->bandwidth_GBps * 1e3);
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

static int floor_lg(int p)
{
    int k = 0;
    while (k < 30 && (1 << (k + 1)) <= p) k++;
    return k;
}

static int ceil_lg(int p)
{
    int k = floor_lg(p);
    return (1 << k) < p ? k + 1 : k;
}

/* The flat algorithms: every step on link L, p ranks, n bytes. */

static double allreduce_flat(const fs_link *L, double g, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = floor_lg(p), pp = 1 << k;
    /* Folding: extra ranks send n to a partner (and it reduces), then get n back. */
    double fold = pp == p ? 0 : 2 * fs_link_time_us(L, n) + n * g;
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return 2.0 * (p - 1) * fs_link_time_us(L, n / p) + (double)(p - 1) / p * n * g;
    case FS_ALGO_RD:
        return k * (fs_link_time_us(L, n) + n * g) + fold;
    case FS_ALGO_RABENSEIFNER:
        for (int i = 1; i <= k; i++) {
            double m = n / (double)(1 << i);
            t += 2 * fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_TREE: {
        int c = ceil_lg(p);
        return c * (2 * fs_link_time_us(L, n) + n * g);
    }
    default:
        return NAN;
    }
}

static double reduce_scatter_flat(const fs_link *L, double g, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = floor_lg(p), pp = 1 << k;
    double fold = pp == p ? 0 : fs_link_time_us(L, n) + n * g + fs_link_time_us(L, n / p);
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return (p - 1) * fs_link_time_us(L, n / p) + (double)(p - 1) / p * n * g;
    case FS_ALGO_RD:
        /* Thakur et al.: step j exchanges (and reduces) all but 2^(j-1) blocks. */
        for (int j = 1; j <= k; j++) {
            double m = n - (double)(1 << (j - 1)) * n / pp;
            t += fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_RABENSEIFNER:
        /* recursive halving */
        for (int i = 1; i <= k; i++) {
            double m = n / (double)(1 << i);
            t += fs_link_time_us(L, m) + m * g;
        }
        return t + fold;
    case FS_ALGO_TREE: {
        /* binomial reduce of n to a root, then binomial scatter */
        int c = ceil_lg(p);
        t = c * (fs_link_time_us(L, n) + n * g);
        for (int i = 1; i <= c; i++) t += fs_link_time_us(L, n / (double)(1 << i));
        return t;
    }
    default:
        return NAN;
    }
}

static double allgather_flat(const fs_link *L, fs_algo a, int p, double n)
{
    if (p <= 1) return 0;
    int k = floor_lg(p), pp = 1 << k;
    double fold = pp == p ? 0 : fs_link_time_us(L, n / p) + fs_link_time_us(L, n);
    double t = 0;
    switch (a) {
    case FS_ALGO_RING:
        return (p - 1) * fs_link_time_us(L, n / p);
    case FS_ALGO_RD:
    case FS_ALGO_RABENSEIFNER: /* Rabenseifner's all-gather half is recursive doubling */
        for (int i = 0; i < k; i++) t += fs_link_time_us(L, (double)(1 << i) * n / pp);
        return t + fold;
    case FS_ALGO_TREE: {
        /* binomial gather to a root, then binomial broadcast of n */
        int c = ceil_lg(p);
        for (int i = 1; i <= c; i++) t += fs_link_time_us(L, n / (double)(1 << i));
        return t + c * fs_link_time_us(L, n);
    }
    default:
        return NAN;
    }
}

static double flat(const fs_link *L, double g, fs_collective c, fs_algo a, int p, double n)
{
    switch (c) {
    case FS_ALLREDUCE:
        return allreduce_flat(L, g, a, p, n);
    case FS_REDUCE_SCATTER:
        return reduce_scatter_flat(L, g, a, p, n);
    case FS_ALLGATHER:
        return allgather_flat(L, a, p, n);
    default:
        return NAN;
    }
}

/* The fastest flat algorithm (used by auto and by hier's inter-node phase). */
static double best_flat(const fs_link *L, double g, fs_collective c, int p, double n, fs_algo *best)
{
    double tb = INFINITY;
    *best = FS_ALGO_RING;
    for (int a = FS_ALGO_RING; a <= FS_ALGO_TREE; a++) {
        double t = flat(L, g, c, (fs_algo)a, p, n);
        if (t < tb) {
            tb = t;
            *best = (fs_algo)a;
        }
    }
    return tb;
}

static double hier(const fs_coll_model *m, fs_collective c, int p, double n)
{
    int g = m->ranks_per_node;
    if (g <= 1 || p % g != 0) return NAN;
    int nodes = p / g, nics = m->nics_per_node > 0 ? m->nics_per_node : 1;
    const fs_link *intra = m->intra.nseg > 0 ? &m->intra : &m->inter;
    fs_link inter = fs_link_scaled(&m->inter, nics >= g ? 1.0 : (double)nics / g);
    double gm = m->gamma_us_per_byte;
    fs_algo unused;
    switch (c) {
    case FS_ALLREDUCE:
        return reduce_scatter_flat(intra, gm, FS_ALGO_RING, g, n) +
               best_flat(&inter, gm, FS_ALLREDUCE, nodes, n / g, &unused) +
               allgather_flat(intra, FS_ALGO_RING, g, n);
    case FS_REDUCE_SCATTER:
        return reduce_scatter_flat(intra, gm, FS_ALGO_RING, g, n) +
               best_flat(&inter, gm, FS_REDUCE_SCATTER, nodes, n / g, &unused);
    case FS_ALLGATHER:
        return best_flat(&inter, gm, FS_ALLGATHER, nodes, n / g, &unused) +
               allgather_flat(intra, FS_ALGO_RING, g, n);
    default:
        return NAN;
    }
}

double fs_coll_time_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                       fs_algo *chosen)
{
    if (chosen) *chosen = a;
    if (p < 1 || n < 0 || c >= FS_COLL_COUNT || m->inter.nseg <= 0) return NAN;
    const fs_link *L = &m->inter;
    if (m->intra.nseg > 0 && p <= m->ranks_per_node) L = &m->intra;
    if (a == FS_ALGO_HIER) return hier(m, c, p, n);
    if (a != FS_ALGO_AUTO) return flat(L, m->gamma_us_per_byte, c, a, p, n);
    fs_algo best;
    double tb = best_flat(L, m->gamma_us_per_byte, c, p, n, &best);
    double th = hier(m, c, p, n);
    if (th < tb) {
        tb = th;
        best = FS_ALGO_HIER;
    }
    if (chosen) *chosen = best;
    return tb;
}

/* Calibrated band, widened in log space by log2(p / max_ranks) / 4 once p
 * exceeds 16x the largest measured rank count (the band is the calibration
 * spread at the measured scale; extrapolation adds error in proportion to
 * how many doublings lie beyond it). */
double fs_coll_time_band_us(const fs_coll_model *m, fs_collective c, fs_algo a, int p, double n,
                            fs_algo *chosen, double *lo_us, double *hi_us)
{
    fs_algo ch;
    double t = fs_coll_time_us(m, c, a, p, n, &ch);
    if (chosen) *chosen = ch;
    double lo = t, hi = t;
    const fs_coll_calib *k = ch < FS_ALGO_COUNT ? &m->calib[ch] : NULL;
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
