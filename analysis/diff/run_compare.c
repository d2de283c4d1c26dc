/*
 * run_compare.c - point-by-point comparison of two results (run_compare.h).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "run_compare.h"

/* ---- matching ---- */

static bool same_str(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* A datatype absent on one side matches any: fabscale's point-to-point
 * runs record none where OSU's say MPI_CHAR, and the bytes are the same. */
static bool same_key(const fs_run *x, const fs_run *y)
{
    return same_str(x->benchmark, y->benchmark) && same_str(x->transport, y->transport) &&
           same_str(x->provider, y->provider) && same_str(x->algorithm, y->algorithm) &&
           (!x->dtype || !y->dtype || strcmp(x->dtype, y->dtype) == 0) && x->ranks == y->ranks &&
           x->in_place == y->in_place;
}

/* The first run of r with run's key: a file's launches of one
 * measurement are the runs with its key; this one names them. */
static const fs_run *first_with_key(const fs_results *r, const fs_run *run)
{
    for (size_t j = 0; j < r->nruns; j++)
        if (same_key(&r->runs[j], run)) return &r->runs[j];
    return NULL;
}

/* ---- the statistic ---- */

typedef struct stat_def {
    const char *name, *unit;
    bool higher_better;
    double (*get)(const fs_point *p);
} stat_def;

static double time_p50(const fs_point *p)
{
    return p->time_us.p50;
}
/* OSU and nccl-tests report an average only. */
static double time_mean(const fs_point *p)
{
    return p->time_us.mean;
}
static double bw(const fs_point *p)
{
    return p->bandwidth_GBps;
}
static double rate(const fs_point *p)
{
    return p->msg_rate_Mps;
}
static double busbw(const fs_point *p)
{
    return p->busbw_GBps;
}
static double algbw(const fs_point *p)
{
    return p->algbw_GBps;
}

static const stat_def S_P50 = {"time_us.p50", "us", false, time_p50};
static const stat_def S_MEAN = {"time_us.mean", "us", false, time_mean};
static const stat_def S_BW = {"bandwidth_GBps", "GB/s", true, bw};
static const stat_def S_RATE = {"msg_rate_Mps", "Mmsg/s", true, rate};
static const stat_def S_BUSBW = {"busbw_GBps", "GB/s", true, busbw};
static const stat_def S_ALGBW = {"algbw_GBps", "GB/s", true, algbw};

/* Candidates in order of preference for a kind (NULL-terminated). */
static const stat_def *const *candidates(fs_kind k)
{
    static const stat_def *const lat[] = {&S_P50, &S_MEAN, NULL};
    static const stat_def *const band[] = {&S_BW, &S_P50, &S_MEAN, NULL};
    static const stat_def *const mr[] = {&S_RATE, &S_BW, &S_P50, &S_MEAN, NULL};
    static const stat_def *const coll[] = {&S_BUSBW, &S_ALGBW, &S_P50, &S_MEAN, NULL};
    switch (k) {
    case FS_KIND_BANDWIDTH:
        return band;
    case FS_KIND_MESSAGE_RATE:
        return mr;
    case FS_KIND_COLLECTIVE:
        return coll;
    default:
        return lat;
    }
}

static bool usable(double v)
{
    return isfinite(v) && v > 0;
}

/* The first candidate both present points carry (pa or pb may be NULL);
 * the first candidate when neither has any. */
static const stat_def *pick(fs_kind k, const fs_point *pa, const fs_point *pb)
{
    const stat_def *const *c = candidates(k);
    for (size_t i = 0; c[i]; i++)
        if ((!pa || usable(c[i]->get(pa))) && (!pb || usable(c[i]->get(pb)))) return c[i];
    return c[0];
}

/* ---- noise ---- */

/*
 * The default floor, FS_COMPARE_DEFAULT_FLOOR = 25%.  Measured on this
 * 2-core VM with seven other projects' builds and tests beside it (load
 * 7-22): fabscale-bench latency, bw, msgrate and allreduce over MPI at
 * 1 B - 4 MiB, 6 launches of one build.  At sizes neither side disturbed,
 * B/A as a factor:
 *   one launch per file (15 pairs, 1006 sizes): median 9%, 90th
 *     percentile 60%, 28% of sizes beyond 25%;
 *   3 launches per file (2 pairs, 168 sizes): median 5%, 90th percentile
 *     35%; up to 64 KiB median 3%, 90th percentile 20%, 7.6% beyond 25%.
 * 25% is about the 95th percentile of the steady sizes with 3 launches per
 * file, where the launches' own spread and the neighbour rule of the
 * verdict take the rest, and a quarter of the 2x change (a change of 1.0
 * as a factor) issue 15 asks diff to flag.  With one launch per file on a
 * machine this busy no floor separates the two: launches of one build
 * differed by up to 1.9x at undisturbed sizes.  A quiet cluster can pass
 * a lower floor (--noise-floor).
 */

/*
 * The 95% half-width of a median from the summary a file keeps.  The
 * median of n samples has standard error 1 / (2 f(m) sqrt(n)), f(m) the
 * density at the median (asymptotic order statistics).  The file holds
 * min, p50 and p90, so f is taken as a mean density beside the median:
 * 0.5 / (p50 - min) below it, 0.4 / (p90 - p50) above it.  Timings on a
 * shared machine put preempted iterations in the upper tail (seen here:
 * p50 82 us, p90 in milliseconds), which says nothing about how well the
 * median is pinned; the lower side is bounded by the hardware.  So the
 * larger of the two densities (the narrower interval) is used: for a
 * normal distribution either overstates the error (the upper one by 28%),
 * and an understatement is caught by the run-to-run floor, which is the
 * larger term wherever the file is well sampled.
 * Half-width = 1.96 / (2 f sqrt(n)).  Files without percentiles (OSU and
 * nccl-tests averages) give the mean's recorded CI, or 1.96 stdev /
 * sqrt(n).
 */
double fs_point_rel_ci95(const fs_point *p)
{
    const fs_stats *t = &p->time_us;
    double n = isfinite(p->iterations) && p->iterations > 0 ? p->iterations : (double)t->n;
    if (usable(t->p50) && n >= 2) {
        double w = INFINITY; /* 1 / (2 f) */
        if (isfinite(t->min) && t->min <= t->p50) w = (t->p50 - t->min) / (2 * 0.5);
        if (isfinite(t->p90) && t->p90 >= t->p50 && (t->p90 - t->p50) / (2 * 0.4) < w)
            w = (t->p90 - t->p50) / (2 * 0.4);
        if (isfinite(w)) return 1.96 * w / sqrt(n) / t->p50;
    }
    if (usable(t->mean) && isfinite(t->ci95) && t->ci95 >= 0) return t->ci95 / t->mean;
    if (usable(t->mean) && isfinite(t->stdev) && n >= 2) return 1.96 * t->stdev / sqrt(n) / t->mean;
    return NAN;
}

/* How far a ratio is from 1 as a factor, the same for halving and
 * doubling: max(r, 1/r) - 1. */
static double change(double ratio)
{
    return (ratio >= 1 ? ratio : 1 / ratio) - 1;
}

/*
 * Disturbed points.  On a shared machine a size is sometimes measured while
 * the benchmark's ranks wait for a core: on this 2-core VM at load 7-22,
 * one size in seven of a launch had its median 10 to 30000 times the
 * healthy value while the sizes beside it were normal.  The file shows it:
 * the median is many times the fastest iteration of the same point, which
 * ran at the path's speed.  A change of the path itself (a slower link, a
 * copy instead of RDMA, another protocol) slows every iteration alike and
 * keeps median and minimum together.  Of 858 points measured here (four
 * benchmarks, 1 B - 4 MiB, 9 launches) p50 / min was below 1.5 for 69%,
 * below 3 for 81%, 3-10 for 5% and 10 or more for 14%: two populations,
 * split at 3.  The price: a regression that makes most iterations, but
 * not all, take a slow path looks disturbed and is shown, not counted.
 */
static bool disturbed(const fs_point *p)
{
    const fs_stats *t = &p->time_us;
    return usable(t->min) && usable(t->p50) && t->p50 >= FS_COMPARE_DISTURBED * t->min;
}

static double sq(double x)
{
    return isfinite(x) ? x * x : 0;
}

/*
 * Every term is a relative width as a factor (1 + x), like the change it
 * is weighed against; they add in quadrature as logarithms, the half-width
 * of log(b / a), and the sum goes back to a factor.  For widths of a few
 * percent this is the plain root of the sum of squares; for the wide ones
 * it keeps a side whose launches differ by 3x from counting as less than a
 * 3x change.
 */
static double lsq(double x)
{
    return isfinite(x) && x > -1 ? sq(log1p(x)) : 0;
}

static void judge(fs_point_delta *d, double floor)
{
    double q = expm1(sqrt(lsq(d->ci_a) + lsq(d->ci_b) + lsq(d->spread_a) + lsq(d->spread_b)));
    d->noise = q > floor ? q : floor;
    d->ratio = usable(d->a) && usable(d->b) ? d->b / d->a : NAN;
    d->significant = isfinite(d->ratio) && change(d->ratio) > d->noise;
    d->worse = d->significant && (d->higher_is_better ? d->ratio < 1 : d->ratio > 1);
}

/* The point of size `bytes` in the first launch of the key that has one. */
static const fs_point *first_point(const fs_results *r, const fs_run *key, double bytes)
{
    for (size_t j = 0; key && j < r->nruns; j++)
        for (size_t k = 0; same_key(&r->runs[j], key) && k < r->runs[j].npoints; k++)
            if (r->runs[j].points[k].bytes == bytes) return &r->runs[j].points[k];
    return NULL;
}

/* What a file says at one size: the point standing for its launches,
 * how many launches measured the size, their spread. */
typedef struct side_sum {
    const fs_point *p;
    int launches;
    double spread;
} side_sum;

/*
 * Launches of one key are one measurement repeated.  Per size, the
 * launches whose point is not disturbed (all, when every one is) are
 * ranked best first by s, and the median one stands for the file (the
 * better of the two middle ones for an even count): a launch that got the
 * cores to itself for a while is as much an outlier as one that waited for
 * them (seen here: one launch of three at 3x the others' small-message
 * bandwidth).  Their spread, worst / best - 1 (a factor, as the change
 * is), is the run-to-run half-width the file itself carries; for 2-5
 * launches of a narrow normal spread it is about the 95% half-width of
 * their median.  It was (worst - best) / median, which is the same for a
 * narrow spread but can never reach 1 when the median sits at the worst
 * end: this VM's small-message latency over shared memory switches
 * between two levels, 0.15-0.25 us and 0.5-0.7 us, for seconds at a
 * time as the host moves its vCPUs (osu_latency shows it too: 3-4 of 40
 * launches at 128 B), so one launch at 0.22 and two at 0.65 had a spread
 * of 0.68 against a 1.95 change to a file of three fast launches -- same
 * build, called a regression.  As a factor the spread is 2.0 and covers
 * the change.
 */
static int summarise(const fs_results *r, const fs_run *key, double bytes, const stat_def *s,
                     side_sum *out, fs_err *err)
{
    *out = (side_sum){NULL, 0, NAN};
    size_t cap = 0;
    for (size_t j = 0; key && j < r->nruns; j++) cap += same_key(&r->runs[j], key);
    const fs_point **v = cap ? malloc(cap * sizeof *v) : NULL;
    if (cap && !v) return fs_oom(err);
    size_t m = 0, clean = 0;
    for (size_t j = 0; key && j < r->nruns; j++)
        for (size_t k = 0; same_key(&r->runs[j], key) && k < r->runs[j].npoints; k++) {
            const fs_point *p = &r->runs[j].points[k];
            if (p->bytes != bytes || m == cap) continue;
            out->launches++;
            /* undisturbed first */
            if (!disturbed(p)) {
                if (m > clean) v[m] = v[clean];
                v[clean++] = p;
                m++;
            } else {
                v[m++] = p;
            }
        }
    size_t n = clean ? clean : m;
    /* best first; unusable values last (insertion sort: a handful) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            double x = s->get(v[j - 1]), y = s->get(v[j]);
            bool swap = usable(y) && (!usable(x) || (s->higher_better ? y > x : y < x));
            if (!swap) break;
            const fs_point *t = v[j - 1];
            v[j - 1] = v[j];
            v[j] = t;
        }
    size_t nu = 0;
    while (nu < n && usable(s->get(v[nu]))) nu++;
    if (n) out->p = v[nu ? (nu - 1) / 2 : 0];
    if (nu >= 2) {
        double x = s->get(v[0]), y = s->get(v[nu - 1]);
        out->spread = (x > y ? x / y : y / x) - 1;
    }
    free(v);
    return 0;
}

/* The delta at one size of the keys ra (in a) and rb (in b), either NULL. */
static int make(const fs_results *a, const fs_run *ra, const fs_results *b, const fs_run *rb,
                double bytes, double floor, fs_point_delta *out, fs_err *err)
{
    fs_point_delta d = {.run_a = ra, .run_b = rb, .bytes = bytes};
    const fs_point *fa = first_point(a, ra, bytes), *fb = first_point(b, rb, bytes);
    const stat_def *s = pick(fs_run_kind(ra ? ra : rb), fa, fb);
    side_sum sa, sb;
    if (summarise(a, fa ? ra : NULL, bytes, s, &sa, err) ||
        summarise(b, fb ? rb : NULL, bytes, s, &sb, err))
        return FS_EXIT_RUNTIME;
    d.stat = s->name;
    d.unit = s->unit;
    d.higher_is_better = s->higher_better;
    d.pa = sa.p;
    d.pb = sb.p;
    d.launches_a = sa.launches;
    d.launches_b = sb.launches;
    d.spread_a = sa.spread;
    d.spread_b = sb.spread;
    d.a = d.pa ? s->get(d.pa) : NAN;
    d.b = d.pb ? s->get(d.pb) : NAN;
    d.ci_a = d.pa ? fs_point_rel_ci95(d.pa) : NAN;
    d.ci_b = d.pb ? fs_point_rel_ci95(d.pb) : NAN;
    d.disturbed_a = d.pa && disturbed(d.pa);
    d.disturbed_b = d.pb && disturbed(d.pb);
    judge(&d, floor);
    *out = d;
    return 0;
}

/* ---- building the list ---- */

typedef struct list {
    fs_point_delta *v;
    size_t n, cap;
} list;

static int push(list *l, fs_point_delta d, fs_err *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        fs_point_delta *v = realloc(l->v, cap * sizeof *v);
        if (!v) return fs_oom(err);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = d;
    return 0;
}

static int by_bytes(const void *x, const void *y)
{
    const fs_point_delta *a = x, *b = y;
    if (a->bytes != b->bytes) return a->bytes < b->bytes ? -1 : 1;
    /* same size, one side each: A's first (stable for duplicates) */
    return (a->pa == NULL) - (b->pa == NULL);
}

static int add(const fs_results *a, const fs_run *ra, const fs_results *b, const fs_run *rb,
               double bytes, double floor, list *l, fs_err *err)
{
    fs_point_delta d;
    return make(a, ra, b, rb, bytes, floor, &d, err) ? FS_EXIT_RUNTIME : push(l, d, err);
}

/* Whether a size already appeared in r's launches of key before `before`. */
static bool seen(const fs_results *r, const fs_run *key, const fs_point *before)
{
    for (size_t j = 0; key && j < r->nruns; j++)
        for (size_t k = 0; same_key(&r->runs[j], key) && k < r->runs[j].npoints; k++) {
            const fs_point *p = &r->runs[j].points[k];
            if (p == before) return false;
            if (p->bytes == before->bytes) return true;
        }
    return false;
}

/* The deltas of the key ra of a and rb of b (either NULL) appended to l:
 * every size either has once, by size. */
static int compare_keys(const fs_results *a, const fs_run *ra, const fs_results *b,
                        const fs_run *rb, double floor, list *l, fs_err *err)
{
    size_t first = l->n;
    int rc = 0;
    for (size_t j = 0; ra && j < a->nruns && !rc; j++)
        for (size_t k = 0; same_key(&a->runs[j], ra) && k < a->runs[j].npoints && !rc; k++) {
            const fs_point *p = &a->runs[j].points[k];
            if (!seen(a, ra, p)) rc = add(a, ra, b, rb, p->bytes, floor, l, err);
        }
    for (size_t j = 0; rb && j < b->nruns && !rc; j++)
        for (size_t k = 0; same_key(&b->runs[j], rb) && k < b->runs[j].npoints && !rc; k++) {
            const fs_point *p = &b->runs[j].points[k];
            if (!seen(b, rb, p) && !first_point(a, ra, p->bytes))
                rc = add(a, ra, b, rb, p->bytes, floor, l, err);
        }
    if (!rc) qsort(l->v + first, l->n - first, sizeof *l->v, by_bytes);
    return rc;
}

int fs_compare_results_opts(const fs_results *a, const fs_results *b, const fs_compare_opts *opts,
                            fs_point_delta **out, size_t *n, fs_err *err)
{
    double floor = opts && opts->floor >= 0 ? opts->floor : FS_COMPARE_DEFAULT_FLOOR;
    list l = {0};
    int rc = 0;
    for (size_t i = 0; i < a->nruns && !rc; i++) {
        const fs_run *ra = &a->runs[i];
        if (first_with_key(a, ra) == ra)
            rc = compare_keys(a, ra, b, first_with_key(b, ra), floor, &l, err);
    }
    /* Keys of b that a lacks: every point alone. */
    for (size_t j = 0; j < b->nruns && !rc; j++) {
        const fs_run *rb = &b->runs[j];
        if (first_with_key(b, rb) == rb && !first_with_key(a, rb))
            rc = compare_keys(a, NULL, b, rb, floor, &l, err);
    }
    if (rc) {
        free(l.v);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

int fs_compare_results(const fs_results *a, const fs_results *b, fs_point_delta **out, size_t *n,
                       fs_err *err)
{
    return fs_compare_results_opts(a, b, NULL, out, n, err);
}

/* ---- verdict ---- */

const char *fs_verdict_name(fs_verdict v)
{
    switch (v) {
    case FS_VERDICT_REGRESSION:
        return "regression";
    case FS_VERDICT_IMPROVEMENT:
        return "improvement";
    default:
        return "no significant change";
    }
}

int fs_delta_counts(const fs_point_delta *d, double threshold)
{
    return d->significant && !d->disturbed_a && !d->disturbed_b && change(d->ratio) > threshold;
}

/*
 * Each point is a test at the 95% level (or beyond it, at the floor), and
 * a comparison holds dozens of points: some isolated point will cross its
 * noise by chance.  A change in a library, a provider or a link moves a
 * range of sizes (a protocol, a copy path, a rate), so a run's change is
 * believed when two neighbouring sizes of it moved the same way, or when
 * the run has a single size to judge by.
 */
static bool hit(const fs_point_delta *d, double threshold, bool worse)
{
    return fs_delta_counts(d, threshold) && (bool)d->worse == worse;
}

/* The nearest matched delta from i in direction step (+1/-1), or n. */
static size_t neighbour(const fs_point_delta *d, size_t n, size_t i, int step)
{
    for (size_t j = i + (size_t)step; j < n; j += (size_t)step) /* wraps past 0 to >= n */
        if (isfinite(d[j].ratio)) return j;
    return n;
}

static bool same_runs(const fs_point_delta *x, const fs_point_delta *y)
{
    return x->run_a == y->run_a && x->run_b == y->run_b;
}

int fs_delta_confirmed(const fs_point_delta *all, size_t n_all, size_t i, double threshold)
{
    const fs_point_delta *p = &all[i];
    bool worse = p->worse;
    if (!hit(p, threshold, worse)) return 0;
    /* the run pair's deltas: all[first .. first + n) */
    size_t first = i, end = i + 1;
    while (first > 0 && same_runs(&all[first - 1], p)) first--;
    while (end < n_all && same_runs(&all[end], p)) end++;
    const fs_point_delta *d = all + first;
    size_t n = end - first, k = i - first, matched = 0;
    for (size_t j = 0; j < n; j++) matched += isfinite(d[j].ratio);
    size_t lo = neighbour(d, n, k, -1), hi = neighbour(d, n, k, +1);
    return matched == 1 || (lo < n && hit(&d[lo], threshold, worse)) ||
           (hi < n && hit(&d[hi], threshold, worse));
}

fs_verdict fs_compare_verdict(const fs_point_delta *d, size_t n, double threshold, size_t *nworse,
                              size_t *nbetter)
{
    size_t w = 0, b = 0;
    for (size_t i = 0; i < n; i++)
        if (fs_delta_confirmed(d, n, i, threshold)) {
            w += d[i].worse != 0;
            b += d[i].worse == 0;
        }
    if (nworse) *nworse = w;
    if (nbetter) *nbetter = b;
    return w ? FS_VERDICT_REGRESSION : b ? FS_VERDICT_IMPROVEMENT : FS_VERDICT_NO_CHANGE;
}
