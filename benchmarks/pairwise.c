/*
 * pairwise.c - screen a cluster for its slow node, NIC or link.
 *
 * One rank per host takes part (the lowest rank on each host name: its
 * "leader"; the others idle in the runtime's collectives).  Hosts measure
 * each other in rounds of disjoint pairs (benchmarks/core/pairs.h): the
 * full screen is a ring round (every host streams to its successor at
 * once, which shows congestion and a slow cable where all links are busy)
 * plus the whole round-robin tournament, n(n-1)/2 pairs; --quick is the
 * ring plus ceil(log2 n) tournament rounds.  Both end with a confirmation
 * step: rank 0 flags robust outliers (median/MAD) among what was measured
 * and re-measures only pairs involving a suspect - its slow pairs again,
 * and, for --quick, a few partners it has not met - so `fabscale screen`
 * never names a host from one noisy sample and can tell a node (slow with
 * everyone) from a link (slow with one peer).
 *
 * Every pair measures, at each --sizes entry, ping-pong latency and windowed
 * bandwidth, within --time-per-size each (the initiator times a few
 * iterations, then tells its peer how many fit in the budget).  Each
 * measurement is a point of one "pairwise" run: time_us is the latency,
 * bandwidth_GBps the median of per-iteration bandwidth, and `extra` holds
 * the pair (host indices and names, NICs when the transport knows them,
 * round, phase), the bandwidth statistics and up to PW_KEEP samples of
 * each.  The run's extra "pairwise" records the schedule as it ran.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "pairs.h"
#include "stats.h"
#include "sweep.h"
#include "watchdog.h"

enum { TAG_LAT = 21, TAG_BW, TAG_ACK, TAG_CTRL, TAG_RING };
enum { PW_KEEP = 64, PW_WARMUP = 2, PW_CALIB = 3, PW_MIN_ITERS = 5 };
#define PW_CTRL_BYTES 64

/* Suspect trigger for the confirmation step: deliberately wider than
 * screen's verdict (re-measuring a healthy pair costs one round; missing a
 * suspect costs the diagnosis).  Bandwidth: a fixed fraction below the
 * median, no MAD (a slow node is on a third of 6 hosts' pairs and inflates
 * it); latency: on a log scale, where its noise is additive. */
#define TRIGGER_BW_REL 0.20 /* 20% below the median bandwidth */
#define TRIGGER_Z      3.5
#define TRIGGER_LAT_X  2.0 /* and twice the median latency */

typedef enum { PH_RING, PH_TOURNAMENT, PH_CONFIRM } pw_phase;
static const char *const phase_name[] = {"ring", "tournament", "confirm"};

/* One metric at one size, as the measuring rank sends it to rank 0. */
typedef struct pw_meas {
    fs_stats st; /* latency: half round trip in us; bandwidth: GB/s */
    long iterations;
    int kept;
    double samples[PW_KEEP];
} pw_meas;

/* What one rank measured in a round: (lat, bw) per size. */
typedef struct pw_rec {
    int valid;
    int src, dst; /* host indices: src sent the payload */
    pw_meas m[];  /* 2 * nsizes: [2k] latency, [2k+1] bandwidth */
} pw_rec;

typedef struct pw {
    fs_sweep_env *env;
    fs_transport *tp;
    const fs_options *o;
    fs_rte *rte;
    int rank, nranks;
    /* Hosts in order of their first rank; leader[h] is that rank. */
    int nh, *leader, my_host;
    char (*nic)[128];
    /* Buffers. */
    void *sbuf, *rbuf, *cbuf;
    fs_mr *smr, *rmr, *cmr;
    size_t buf_bytes;
    fs_req *reqs;
    int window;
    double *samples; /* room for max_n */
    long max_n;
    size_t rec_bytes;
    pw_rec *mine, *all; /* all: rank 0, nranks records */
    /* Rank 0: the run and what was measured (for the trigger). */
    fs_run *run;
    json_t *rounds;
    int measurements;
    fs_pair *done;
    double *done_bw, *done_lat;
    pw_phase *done_phase;
    int ndone, cap_done;
    char *errmsg;
    size_t errlen;
} pw;

static pw_rec *rec_at(pw *p, pw_rec *base, int i)
{
    return (pw_rec *)((char *)base + (size_t)i * p->rec_bytes);
}

static int pw_fail(pw *p, int rc)
{
    if (!p->errmsg[0]) snprintf(p->errmsg, p->errlen, "%s", p->tp->errmsg);
    p->env->harness->failed_alone = true; /* peers wait on this rank: end the job */
    return rc;
}

/* ---- one pair ---------------------------------------------------------- */

static int lat_iter(pw *p, int peer, bool init, size_t bytes)
{
    fs_transport *tp = p->tp;
    int rc;
    if (init) {
        rc = fs_send(tp, peer, p->sbuf, bytes, p->smr, TAG_LAT);
        return rc ? rc : fs_recv(tp, peer, p->rbuf, bytes, p->rmr, TAG_LAT);
    }
    rc = fs_recv(tp, peer, p->rbuf, bytes, p->rmr, TAG_LAT);
    return rc ? rc : fs_send(tp, peer, p->sbuf, bytes, p->smr, TAG_LAT);
}

static int bw_iter(pw *p, int peer, bool init, size_t bytes)
{
    fs_transport *tp = p->tp;
    int rc = 0, w = p->window;
    if (init) {
        for (int i = 0; i < w && !rc; i++)
            rc = tp->ops->isend(tp, peer, p->sbuf, bytes, p->smr, TAG_BW, &p->reqs[i]);
        if (!rc) rc = tp->ops->waitall(tp, p->reqs, w);
        return rc ? rc : fs_recv(tp, peer, p->cbuf, 4, p->cmr, TAG_ACK);
    }
    for (int i = 0; i < w && !rc; i++)
        rc = tp->ops->irecv(tp, peer, p->rbuf, bytes, p->rmr, TAG_BW, &p->reqs[i]);
    if (!rc) rc = tp->ops->waitall(tp, p->reqs, w);
    return rc ? rc : fs_send(tp, peer, p->cbuf, 4, p->cmr, TAG_ACK);
}

static void summarise(pw_meas *m, double *s, long n)
{
    m->iterations = n;
    m->kept = (int)(n < PW_KEEP ? n : PW_KEEP);
    memcpy(m->samples, s, (size_t)m->kept * sizeof *s); /* in measured order */
    fs_stats_compute(s, (size_t)n, &m->st);             /* sorts s */
}

/* One metric between this rank and peer: warm up, calibrate (initiator),
 * agree on the count, time it.  The initiator fills m. */
static int pair_metric(pw *p, int peer, bool init, bool bw, size_t bytes, pw_meas *m)
{
    int (*iter)(pw *, int, bool, size_t) = bw ? bw_iter : lat_iter;
    int rc = 0;
    for (int i = 0; i < PW_WARMUP && !rc; i++) rc = iter(p, peer, init, bytes);
    double t0 = fs_now_s();
    for (int i = 0; i < PW_CALIB && !rc; i++) rc = iter(p, peer, init, bytes);
    if (rc) return rc;
    long n = 0;
    if (init) {
        double per = (fs_now_s() - t0) / PW_CALIB;
        n = p->o->fixed_iters > 0 ? p->o->fixed_iters
                                  : (long)(p->o->time_per_size / (per > 0 ? per : 1e-9));
        if (n < PW_MIN_ITERS) n = PW_MIN_ITERS;
        if (n > p->max_n) n = p->max_n;
        memcpy(p->cbuf, &n, sizeof n);
        rc = fs_send(p->tp, peer, p->cbuf, PW_CTRL_BYTES, p->cmr, TAG_CTRL);
    } else {
        rc = fs_recv(p->tp, peer, p->cbuf, PW_CTRL_BYTES, p->cmr, TAG_CTRL);
        memcpy(&n, p->cbuf, sizeof n);
    }
    if (rc) return rc;
    if (n < 1 || n > p->max_n) {
        snprintf(p->errmsg, p->errlen, "pairwise: peer rank %d sent an iteration count %ld", peer,
                 n);
        return FS_ERUNTIME;
    }
    for (long i = 0; i < n && !rc; i++) {
        double t = fs_now_s();
        rc = iter(p, peer, init, bytes);
        double dt = fs_now_s() - t;
        /* Latency: half the round trip in us; bandwidth: GB/s. */
        p->samples[i] = bw ? (double)bytes * p->window / (dt > 0 ? dt : 1e-12) / 1e9 : dt * 0.5e6;
        fs_watchdog_beat();
    }
    if (!rc && init) summarise(m, p->samples, n);
    return rc;
}

/* ---- rounds ------------------------------------------------------------ */

static void nan_meas(pw_meas *m)
{
    m->st = (fs_stats){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0};
    m->iterations = 0;
    m->kept = 0;
}

static void clear_mine(pw *p)
{
    memset(p->mine, 0, p->rec_bytes);
    for (size_t k = 0; k < 2 * p->o->sizes.n; k++) nan_meas(&p->mine->m[k]);
}

static json_t *stats_json(const fs_stats *s)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "min", s->min, "p50", s->p50,
                     "mean", s->mean, "p90", s->p90, "p99", s->p99, "max", s->max, "stdev",
                     s->stdev, "ci95", s->ci95);
}

static json_t *samples_json(const pw_meas *m)
{
    json_t *a = json_array();
    for (int i = 0; i < m->kept; i++) json_array_append_new(a, json_real(m->samples[i]));
    return a;
}

static void remember(pw *p, fs_pair pr, double bw, double lat, pw_phase ph)
{
    if (p->ndone == p->cap_done) {
        int cap = p->cap_done ? 2 * p->cap_done : 64;
        fs_pair *d = realloc(p->done, (size_t)cap * sizeof *d);
        double *b = realloc(p->done_bw, (size_t)cap * sizeof *b);
        double *l = realloc(p->done_lat, (size_t)cap * sizeof *l);
        pw_phase *f = realloc(p->done_phase, (size_t)cap * sizeof *f);
        if (d) p->done = d;
        if (b) p->done_bw = b;
        if (l) p->done_lat = l;
        if (f) p->done_phase = f;
        if (!d || !b || !l || !f) return;
        p->cap_done = cap;
    }
    p->done[p->ndone] = pr;
    p->done_bw[p->ndone] = bw;
    p->done_lat[p->ndone] = lat;
    p->done_phase[p->ndone] = ph;
    p->ndone++;
}

/* Rank 0: turn the round's records into points, the table and the file. */
static void record_round(pw *p, pw_phase ph, const fs_pair *pairs, int k)
{
    const fs_options *o = p->o;
    size_t ns = o->sizes.n;
    fs_watchdog_lock();
    json_t *jr = json_pack("{s:s, s:[]}", "phase", phase_name[ph], "pairs");
    for (int i = 0; i < k; i++)
        json_array_append_new(json_object_get(jr, "pairs"),
                              json_pack("[i,i]", pairs[i].a, pairs[i].b));
    json_array_append_new(p->rounds, jr);
    int index = (int)json_array_size(p->rounds) - 1;
    for (int r = 0; r < p->nranks; r++) {
        pw_rec *rec = rec_at(p, p->all, r);
        if (!rec->valid) continue;
        p->measurements++;
        const char *sn = p->env->hosts->name[p->leader[rec->src]];
        const char *dn = p->env->hosts->name[p->leader[rec->dst]];
        /* The ring measures bandwidth at the largest size only. */
        for (size_t s = ph == PH_RING ? ns - 1 : 0; s < ns; s++) {
            const pw_meas *lat = &rec->m[2 * s], *bw = &rec->m[2 * s + 1];
            fs_err err = {0};
            fs_point *pt = p->run ? fs_run_new_point(p->run, &err) : NULL;
            if (pt) {
                pt->bytes = (double)o->sizes.v[s];
                pt->iterations = (double)lat->iterations;
                if (lat->iterations) pt->time_us = lat->st;
                pt->bandwidth_GBps = bw->st.p50;
                pt->extra = json_pack(
                    "{s:{s:i, s:i, s:s, s:s, s:s?, s:s?, s:i, s:s}, s:I, s:o, s:o, s:o}", "pair",
                    "src", rec->src, "dst", rec->dst, "src_host", sn, "dst_host", dn, "src_nic",
                    p->nic[rec->src][0] ? p->nic[rec->src] : NULL, "dst_nic",
                    p->nic[rec->dst][0] ? p->nic[rec->dst] : NULL, "round", index, "phase",
                    phase_name[ph], "bandwidth_iterations", (json_int_t)bw->iterations,
                    "bandwidth_stats_GBps", bw->iterations ? stats_json(&bw->st) : json_null(),
                    "latency_samples_us", samples_json(lat), "bandwidth_samples_GBps",
                    samples_json(bw));
            }
            if (!o->quiet || s + 1 == ns)
                fprintf(stdout, "%-10s %3d  %-16s -> %-16s %10zu %14.2f %16.6f\n", phase_name[ph],
                        index, sn, dn, o->sizes.v[s], lat->st.p50, bw->st.p50);
        }
        /* The trigger looks at the largest size's bandwidth and the
         * smallest size's latency (where each is the link's, not overhead). */
        remember(p, (fs_pair){rec->src, rec->dst}, rec->m[2 * ns - 1].st.p50, rec->m[0].st.p50, ph);
    }
    fflush(stdout);
    char werr[512]; /* unused: a failed write is said by fs_sweep_save itself */
    fs_sweep_save(p->env, false, werr, sizeof werr);
    fs_watchdog_unlock();
}

/* Every rank: measure the disjoint pairs of one round, collect on rank 0. */
static int pair_round(pw *p, pw_phase ph, const fs_pair *pairs, int k)
{
    int peer = -1;
    bool init = false;
    clear_mine(p);
    for (int i = 0; i < k && p->my_host >= 0; i++) {
        if (pairs[i].a == p->my_host) {
            peer = p->leader[pairs[i].b];
            init = true;
            p->mine->src = pairs[i].a;
            p->mine->dst = pairs[i].b;
        } else if (pairs[i].b == p->my_host) {
            peer = p->leader[pairs[i].a];
        }
    }
    fs_watchdog_beat();
    if (fs_rte_barrier(p->rte)) return FS_ERUNTIME;
    int rc = 0;
    for (size_t s = 0; peer >= 0 && !rc && s < p->o->sizes.n; s++) {
        size_t bytes = p->o->sizes.v[s];
        fs_watchdog_context("pairwise", p->tp->ops->name, p->tp->provider, bytes, peer);
        rc = pair_metric(p, peer, init, false, bytes, &p->mine->m[2 * s]);
        if (!rc) rc = pair_metric(p, peer, init, true, bytes, &p->mine->m[2 * s + 1]);
    }
    if (rc) return pw_fail(p, rc);
    p->mine->valid = init;
    fs_watchdog_beat();
    if (fs_rte_gather(p->rte, p->mine, p->all, p->rec_bytes, 0)) return FS_ERUNTIME;
    if (p->rank == 0) record_round(p, ph, pairs, k);
    return 0;
}

/* Every rank: the ring round at the largest size.  Each leader streams a
 * window to its successor while receiving one from its predecessor; the
 * receiver times its link from a common start (a barrier per iteration:
 * the links are drained by then, every receiver having finished). */
static int ring_round(pw *p)
{
    int nh = p->nh;
    fs_pair *pairs = malloc((size_t)nh * sizeof *pairs);
    if (!pairs) return FS_ERUNTIME;
    fs_pairs_ring(nh, pairs);
    size_t ns = p->o->sizes.n, bytes = p->o->sizes.v[ns - 1];
    int me = p->my_host, w = p->window, rc = 0;
    int succ = me >= 0 ? p->leader[(me + 1) % nh] : -1;
    int pred = me >= 0 ? p->leader[(me - 1 + nh) % nh] : -1;
    clear_mine(p);
    fs_watchdog_context("pairwise", p->tp->ops->name, p->tp->provider, bytes, pred);
    long n = PW_WARMUP + 1; /* warm-up, then one to calibrate */
    double t_calib = 0;
    for (long i = 0, timed = -1; !rc && i < n; i++) {
        fs_watchdog_beat();
        if (fs_rte_barrier(p->rte)) return FS_ERUNTIME;
        if (me >= 0) {
            double t0 = fs_now_s(), t1;
            for (int j = 0; j < w && !rc; j++)
                rc = p->tp->ops->irecv(p->tp, pred, p->rbuf, bytes, p->rmr, TAG_RING, &p->reqs[j]);
            for (int j = 0; j < w && !rc; j++)
                rc = p->tp->ops->isend(p->tp, succ, p->sbuf, bytes, p->smr, TAG_RING,
                                       &p->reqs[w + j]);
            if (!rc) rc = p->tp->ops->waitall(p->tp, p->reqs, w);
            t1 = fs_now_s();
            if (!rc) rc = p->tp->ops->waitall(p->tp, p->reqs + w, w);
            if (timed >= 0) p->samples[timed++] = (double)bytes * w / (t1 - t0) / 1e9;
            if (i == PW_WARMUP) t_calib = t1 - t0;
        }
        if (rc) break;
        if (i == PW_WARMUP) {
            /* Rank 0 sizes the timed part from the slowest receiver. */
            double slowest = t_calib;
            if (fs_rte_reduce(p->rte, &t_calib, &slowest, 1, FS_RTE_MAX, 0)) return FS_ERUNTIME;
            long more = p->o->fixed_iters > 0
                            ? p->o->fixed_iters
                            : (long)(p->o->time_per_size / (slowest > 0 ? slowest : 1e-9));
            if (more < PW_MIN_ITERS) more = PW_MIN_ITERS;
            if (more > p->max_n) more = p->max_n;
            if (fs_rte_bcast(p->rte, &more, sizeof more, 0)) return FS_ERUNTIME;
            n += more;
            timed = 0;
        }
    }
    if (rc) {
        free(pairs);
        return pw_fail(p, rc);
    }
    if (me >= 0) {
        /* This rank received: the link is pred -> me. */
        p->mine->valid = 1;
        p->mine->src = (me - 1 + nh) % nh;
        p->mine->dst = me;
        summarise(&p->mine->m[2 * ns - 1], p->samples, n - PW_WARMUP - 1);
    }
    if (fs_rte_gather(p->rte, p->mine, p->all, p->rec_bytes, 0)) rc = FS_ERUNTIME;
    if (!rc && p->rank == 0) record_round(p, PH_RING, pairs, nh);
    free(pairs);
    return rc;
}

/* Rank 0: the pairs to measure again, packed into rounds; broadcast to all.
 * Returns the number of pairs (their rounds in round[]), or -1. */
static int confirm_plan(pw *p, fs_pair **pairs_out, int **round_out, int *nrounds)
{
    int m = 0;
    fs_pair *pairs = NULL;
    int *round = NULL;
    if (p->rank == 0) {
        int n = p->ndone;
        bool *slow = calloc((size_t)(n ? n : 1), sizeof *slow);
        bool *flag = calloc((size_t)(n ? n : 1), sizeof *flag);
        double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
        /* Ring and pair rounds load the hosts differently: each is judged
         * against its own kind. */
        for (int ph = PH_RING; slow && flag && v && ph <= PH_TOURNAMENT; ph++) {
            for (int i = 0; i < n; i++)
                v[i] = p->done_phase[i] == (pw_phase)ph ? p->done_bw[i] : NAN;
            double *scratch = malloc((size_t)(n ? n : 1) * sizeof *scratch);
            double med = scratch ? fs_pairs_median(v, n, scratch) : NAN;
            free(scratch);
            if (isfinite(med)) fs_pairs_outliers(v, n, false, 0, TRIGGER_BW_REL * med, flag);
            for (int i = 0; i < n && isfinite(med); i++) slow[i] |= flag[i];
            for (int i = 0; i < n; i++)
                v[i] = p->done_phase[i] == (pw_phase)ph && p->done_lat[i] > 0 ? log(p->done_lat[i])
                                                                              : NAN;
            fs_pairs_outliers(v, n, true, TRIGGER_Z, log(TRIGGER_LAT_X), flag);
            for (int i = 0; i < n; i++) slow[i] |= flag[i];
        }
        int extra = p->o->quick ? fs_pairs_log2_ceil(p->nh) : 0;
        pairs = malloc((size_t)(n + p->nh * (extra + 1)) * sizeof *pairs);
        if (slow && flag && v && pairs)
            m = fs_pairs_confirm_set(p->nh, p->done, slow, n, extra, pairs);
        round = malloc((size_t)(m ? m : 1) * sizeof *round);
        *nrounds = round ? fs_pairs_pack(p->nh, pairs, m, round) : 0;
        free(slow);
        free(flag);
        free(v);
    }
    if (fs_rte_bcast(p->rte, &m, sizeof m, 0) || fs_rte_bcast(p->rte, nrounds, sizeof *nrounds, 0))
        return -1;
    if (p->rank != 0) {
        pairs = malloc((size_t)(m ? m : 1) * sizeof *pairs);
        round = malloc((size_t)(m ? m : 1) * sizeof *round);
    }
    if (!pairs || !round) return -1;
    if (m && (fs_rte_bcast(p->rte, pairs, (size_t)m * sizeof *pairs, 0) ||
              fs_rte_bcast(p->rte, round, (size_t)m * sizeof *round, 0)))
        return -1;
    *pairs_out = pairs;
    *round_out = round;
    return m;
}

/* ---- set-up ------------------------------------------------------------ */

static int find_hosts(pw *p)
{
    const fs_hostmap *hm = p->env->hosts;
    p->leader = malloc((size_t)p->nranks * sizeof *p->leader);
    p->nic = calloc((size_t)p->nranks, sizeof *p->nic);
    if (!p->leader || !p->nic) return FS_ERUNTIME;
    p->nh = 0;
    p->my_host = -1;
    for (int r = 0; r < p->nranks; r++) {
        bool seen = false;
        for (int h = 0; h < p->nh && !seen; h++)
            seen = strcmp(hm->name[p->leader[h]], hm->name[r]) == 0;
        if (seen) continue;
        if (r == p->rank) p->my_host = p->nh;
        p->leader[p->nh++] = r;
    }
    /* The NIC each rank's endpoint uses, where the transport names it:
     * libfabric's domain (an EFA device, a TCP interface). */
    char mine[128] = "";
    if (strcmp(p->tp->ops->name, "ofi") == 0) snprintf(mine, sizeof mine, "%s", p->tp->domain);
    char(*all)[128] = calloc((size_t)p->nranks, sizeof *all);
    if (!all || fs_rte_allgather(p->rte, mine, all, sizeof mine)) {
        free(all);
        return FS_ERUNTIME;
    }
    for (int h = 0; h < p->nh; h++) memcpy(p->nic[h], all[p->leader[h]], sizeof all[0]);
    free(all);
    return 0;
}

static int alloc_buffers(pw *p)
{
    fs_transport *tp = p->tp;
    const fs_options *o = p->o;
    size_t depth = tp->caps.tx_depth < tp->caps.rx_depth ? tp->caps.tx_depth : tp->caps.rx_depth;
    p->window = o->window;
    if (depth && (size_t)p->window > depth) p->window = (int)depth;
    p->buf_bytes = o->sizes.v[o->sizes.n - 1];
    if (p->buf_bytes < 4) p->buf_bytes = 4;
    p->max_n = o->fixed_iters > o->max_iters ? o->fixed_iters : o->max_iters;
    if (p->max_n > 100000) p->max_n = 100000;
    if (p->max_n < PW_MIN_ITERS) p->max_n = PW_MIN_ITERS;
    p->rec_bytes = sizeof(pw_rec) + 2 * o->sizes.n * sizeof(pw_meas);
    p->reqs = calloc((size_t)(2 * p->window + 2), sizeof *p->reqs);
    p->samples = malloc((size_t)p->max_n * sizeof *p->samples);
    p->mine = malloc(p->rec_bytes);
    if (p->rank == 0) p->all = malloc(p->rec_bytes * (size_t)p->nranks);
    if (!p->reqs || !p->samples || !p->mine || (p->rank == 0 && !p->all) ||
        posix_memalign(&p->sbuf, 4096, p->buf_bytes) ||
        posix_memalign(&p->rbuf, 4096, p->buf_bytes) ||
        posix_memalign(&p->cbuf, 4096, PW_CTRL_BYTES)) {
        snprintf(p->errmsg, p->errlen, "pairwise: cannot allocate %zu-byte buffers", p->buf_bytes);
        return FS_ERUNTIME;
    }
    memset(p->sbuf, 0, p->buf_bytes);
    memset(p->rbuf, 0, p->buf_bytes);
    memset(p->cbuf, 0, PW_CTRL_BYTES);
    int rc = tp->ops->mr_reg(tp, p->sbuf, p->buf_bytes, &p->smr);
    if (!rc) rc = tp->ops->mr_reg(tp, p->rbuf, p->buf_bytes, &p->rmr);
    if (!rc) rc = tp->ops->mr_reg(tp, p->cbuf, PW_CTRL_BYTES, &p->cmr);
    if (rc) snprintf(p->errmsg, p->errlen, "%s", tp->errmsg);
    return rc;
}

static void free_all(pw *p)
{
    if (p->smr) p->tp->ops->mr_dereg(p->tp, p->smr);
    if (p->rmr) p->tp->ops->mr_dereg(p->tp, p->rmr);
    if (p->cmr) p->tp->ops->mr_dereg(p->tp, p->cmr);
    free(p->sbuf);
    free(p->rbuf);
    free(p->cbuf);
    free(p->reqs);
    free(p->samples);
    free(p->mine);
    free(p->all);
    free(p->leader);
    free(p->nic);
    free(p->done);
    free(p->done_bw);
    free(p->done_lat);
    free(p->done_phase);
}

static fs_run *new_run(pw *p)
{
    fs_err err = {0};
    fs_run *run = fs_results_new_run(p->env->doc, "pairwise", &err);
    if (!run) return NULL;
    fs_transport *tp = p->tp;
    run->transport = fs_strdup(tp->ops->name);
    run->provider = tp->provider[0] ? fs_strdup(tp->provider) : NULL;
    run->fabric = tp->fabric[0] ? fs_strdup(tp->fabric) : NULL;
    run->domain = tp->domain[0] ? fs_strdup(tp->domain) : NULL;
    run->ranks = p->nranks;
    run->pairs = p->nh / 2;
    run->window = p->window;
    run->validated = false;
    run->attributes = json_object();
    if (tp->ops->describe) tp->ops->describe(tp, run->attributes);
    run->notes = json_array();
    if (p->nranks > p->nh)
        json_array_append_new(run->notes,
                              json_string("one rank per host measures (the lowest rank on each "
                                          "host); the others idle"));
    json_t *hosts = json_array(), *nics = json_array(), *leaders = json_array(),
           *sizes = json_array();
    for (int h = 0; h < p->nh; h++) {
        json_array_append_new(hosts, json_string(p->env->hosts->name[p->leader[h]]));
        json_array_append_new(nics, p->nic[h][0] ? json_string(p->nic[h]) : json_null());
        json_array_append_new(leaders, json_integer(p->leader[h]));
    }
    for (size_t s = 0; s < p->o->sizes.n; s++)
        json_array_append_new(sizes, json_integer((json_int_t)p->o->sizes.v[s]));
    p->rounds = json_array();
    run->extra =
        json_pack("{s:{s:s, s:o, s:o, s:o, s:o, s:f, s:I, s:o}}", "pairwise", "mode",
                  p->o->quick ? "quick" : "full", "hosts", hosts, "nics", nics, "leaders", leaders,
                  "sizes", sizes, "time_per_measurement_s", p->o->time_per_size, "all_pairs",
                  (json_int_t)((long)p->nh * (p->nh - 1) / 2), "rounds", json_incref(p->rounds));
    return run;
}

/* Rank 0: the schedule's totals, once known. */
static void finish_schedule(pw *p, int before_confirm)
{
    if (!p->run) return;
    fs_watchdog_lock();
    json_t *s = json_object_get(p->run->extra, "pairwise");
    json_object_set_new(s, "rounds_before_confirm", json_integer(before_confirm));
    json_object_set_new(s, "rounds_total", json_integer((json_int_t)json_array_size(p->rounds)));
    json_object_set_new(s, "measurements", json_integer(p->measurements));
    fs_watchdog_unlock();
}

static int pairwise_run(struct fs_sweep_env *env, fs_transport *tp, char *errmsg, size_t len)
{
    pw p = {.env = env,
            .tp = tp,
            .o = env->opt,
            .rte = env->rte,
            .rank = tp->rank,
            .nranks = tp->nranks,
            .errmsg = errmsg,
            .errlen = len};
    errmsg[0] = '\0';
    int rc = find_hosts(&p);
    if (!rc && p.nh < 2) {
        snprintf(errmsg, len, "pairwise needs ranks on at least 2 hosts (all %d ranks are on %s)",
                 p.nranks, env->hosts->name[0]);
        rc = FS_EINPUT;
    }
    if (!rc) rc = alloc_buffers(&p);
    rc = fs_agree_error(env->rte, rc, errmsg, len);
    if (!rc && p.rank == 0) {
        fs_watchdog_lock();
        p.run = new_run(&p);
        fs_watchdog_unlock();
        fprintf(stdout,
                "# fabscale-bench: pairwise (%s), transport %s, provider %s, %d hosts "
                "(%d ranks), window %d\n# %-8s %5s  %-16s    %-16s %10s %14s %16s\n",
                p.o->quick ? "quick" : "full", tp->ops->name, tp->provider, p.nh, p.nranks,
                p.window, "Phase", "Round", "From", "To", "Size", "Latency (us)",
                "Bandwidth (GB/s)");
    }
    /* The ring first: every link busy at once. */
    if (!rc) rc = ring_round(&p);
    int rounds = fs_pairs_rounds(p.nh);
    int *idx = malloc((size_t)(rounds ? rounds : 1) * sizeof *idx);
    fs_pair *pairs = malloc((size_t)(p.nh / 2 + 1) * sizeof *pairs);
    if (!idx || !pairs) rc = FS_ERUNTIME;
    int k = 0;
    if (!rc) {
        if (p.o->quick) {
            k = fs_pairs_quick_rounds(p.nh, idx);
        } else {
            for (k = 0; k < rounds; k++) idx[k] = k;
        }
    }
    for (int j = 0; !rc && j < k; j++) {
        int np = fs_pairs_round(p.nh, idx[j], pairs);
        rc = pair_round(&p, PH_TOURNAMENT, pairs, np);
    }
    if (p.rank == 0) finish_schedule(&p, 1 + k);
    /* Confirmation: only pairs that involve a suspect. */
    fs_pair *cpairs = NULL;
    int *cround = NULL, nconfirm = 0;
    int m = rc ? 0 : confirm_plan(&p, &cpairs, &cround, &nconfirm);
    if (m < 0) rc = FS_ERUNTIME;
    fs_pair *rp = m > 0 ? malloc((size_t)m * sizeof *rp) : NULL;
    for (int r = 0; !rc && m > 0 && r < nconfirm; r++) {
        int np = 0;
        for (int i = 0; i < m; i++)
            if (cround[i] == r) rp[np++] = cpairs[i];
        rc = pair_round(&p, PH_CONFIRM, rp, np);
    }
    if (p.rank == 0) {
        finish_schedule(&p, 1 + k);
        if (!p.o->quiet)
            fprintf(stderr,
                    "[fabscale-bench] pairwise: %d hosts, %d rounds before confirmation, %d "
                    "confirmation round%s, %d measurements (all pairs: %d)\n",
                    p.nh, 1 + k, nconfirm, nconfirm == 1 ? "" : "s", p.measurements,
                    p.nh * (p.nh - 1) / 2);
    }
    free(rp);
    free(cpairs);
    free(cround);
    free(idx);
    free(pairs);
    json_decref(p.rounds);
    free_all(&p);
    return rc;
}

const fs_bench fs_bench_pairwise = {
    .name = "pairwise",
    .summary = "screen: host pairs in round-robin rounds + a ring, latency and bandwidth "
               "(--quick: ring + log2 N rounds); see fabscale screen",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_BANDWIDTH,
    .windowed = true,
    .min_ranks = 2,
    .time_scale = 1.0,
    .run = pairwise_run,
};
