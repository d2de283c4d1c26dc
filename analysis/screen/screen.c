/* screen.c - robust classification of a pair matrix (see screen.h). */
#include "screen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

fs_screen_params fs_screen_default_params(void)
{
    /* z 3.5 is Iglewicz and Hoaglin's cut for modified z-scores.  The floors
     * keep a quiet cluster (MAD near 0) from naming a host 3 % slower than
     * the rest: a slow link on a real fabric costs a large fraction (a port
     * at a lower speed, a NIC on a narrower PCIe link), and 25 % is above
     * what run-to-run noise reaches on a busy machine.  Latency swings 2-3x
     * between runs on VMs (DESIGN.md), hence its floor of 100 %. */
    return (fs_screen_params){
        .z = 3.5,
        .bw_floor = 0.25,
        .lat_floor = 1.0,
        .node_fraction = 0.75,
        .link_fraction = 0.66,
        .min_slow = 2,
        .expected_floor = 0.10,
    };
}

const char *fs_suspect_kind_name(fs_suspect_kind k)
{
    return k == FS_SUSPECT_NODE ? "node" : k == FS_SUSPECT_NIC ? "nic" : "link";
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of the finite values; scratch has room for n.  NAN when none. */
static double median(const double *v, int n, double *scratch)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) scratch[k++] = v[i];
    if (!k) return NAN;
    qsort(scratch, (size_t)k, sizeof *scratch, cmp_double);
    return k % 2 ? scratch[k / 2] : 0.5 * (scratch[k / 2 - 1] + scratch[k / 2]);
}

/* Robust centre and spread of v[i] for measurements that pass `use`. */
static void robust(const double *v, const bool *use, int n, double *scratch, double *dev,
                   double *med, double *sigma)
{
    for (int i = 0; i < n; i++) dev[i] = use[i] ? v[i] : NAN;
    *med = median(dev, n, scratch);
    for (int i = 0; i < n; i++) dev[i] = use[i] && isfinite(v[i]) ? fabs(v[i] - *med) : NAN;
    *sigma = 1.4826 * median(dev, n, scratch);
}

static bool involves(const fs_screen_meas *m, int h)
{
    return m->src == h || m->dst == h;
}

static int add_suspect(fs_screen_result *r, fs_screen_suspect s)
{
    fs_screen_suspect *g = realloc(r->suspects, (size_t)(r->nsuspects + 1) * sizeof *g);
    if (!g) return -1;
    r->suspects = g;
    r->suspects[r->nsuspects++] = s;
    return 0;
}

void fs_screen_result_free(fs_screen_result *r)
{
    free(r->suspects);
    free(r->slow_bw);
    free(r->slow_lat);
    free(r->unconfirmed);
    free(r->host_measured);
    free(r->host_slow);
    free(r->host_bw);
    free(r->matrix_bw);
    memset(r, 0, sizeof *r);
}

/* The suspect's evidence over the measurements selected by sel. */
static fs_screen_suspect evidence(const fs_screen_input *in, const fs_screen_result *r,
                                  const bool *sel, double *scratch, double *tmp)
{
    fs_screen_suspect s = {.peer = -1, .nic = -1};
    int n = in->nm;
    for (int i = 0; i < n; i++) {
        if (!sel[i]) continue;
        s.measured++;
        if (r->slow_bw[i] || r->slow_lat[i]) s.slow++;
        s.by_bandwidth |= r->slow_bw[i];
        s.by_latency |= r->slow_lat[i];
    }
    for (int i = 0; i < n; i++)
        tmp[i] = sel[i] && in->m[i].phase != FS_SCREEN_RING ? in->m[i].bw_GBps : NAN;
    s.bw_GBps = median(tmp, n, scratch);
    for (int i = 0; i < n; i++) tmp[i] = sel[i] ? in->m[i].lat_us : NAN;
    s.lat_us = median(tmp, n, scratch);
    if (!isfinite(s.bw_GBps)) { /* only ring measurements: judge against the ring */
        for (int i = 0; i < n; i++) tmp[i] = sel[i] ? in->m[i].bw_GBps : NAN;
        s.bw_GBps = median(tmp, n, scratch);
    }
    s.cluster_bw_GBps = r->bw_median;
    s.cluster_lat_us = r->lat_median;
    s.expected_bw_GBps = in->expected_bw_GBps;
    s.expected_lat_us = in->expected_lat_us;
    if (s.by_bandwidth || !s.by_latency)
        s.robust_z = r->bw_sigma > 0 ? (r->bw_median - s.bw_GBps) / r->bw_sigma : INFINITY;
    else
        s.robust_z =
            r->lat_sigma_log > 0 ? log(s.lat_us / r->lat_median) / r->lat_sigma_log : INFINITY;
    double frac = s.measured ? (double)s.slow / s.measured : 0;
    s.confidence = frac * (s.slow >= 3 ? 1.0 : s.slow / 3.0);
    return s;
}

/* Distinct hosts other than h on the selected slow measurements. */
static int slow_peers(const fs_screen_input *in, const fs_screen_result *r, const bool *sel, int h)
{
    int count = 0;
    for (int q = 0; q < in->nhosts; q++) {
        if (q == h) continue;
        for (int i = 0; i < in->nm; i++) {
            if (sel[i] && (r->slow_bw[i] || r->slow_lat[i]) && involves(&in->m[i], q)) {
                count++;
                break;
            }
        }
    }
    return count;
}

int fs_screen_classify(const fs_screen_input *in, fs_screen_result *r)
{
    memset(r, 0, sizeof *r);
    const fs_screen_params *p = &in->p;
    int n = in->nm, nh = in->nhosts, nn = in->nnics;
    for (int i = 0; i < n; i++) {
        const fs_screen_meas *m = &in->m[i];
        if (m->src < 0 || m->src >= nh || m->dst < 0 || m->dst >= nh || m->src == m->dst ||
            m->src_nic >= nn || m->dst_nic >= nn)
            return -1;
    }
    size_t z = (size_t)(n > 0 ? n : 1), zh = (size_t)(nh > 0 ? nh : 1);
    double *scratch = malloc(z * sizeof *scratch), *work = malloc(z * sizeof *work);
    double *bw = calloc(z, sizeof *bw), *lat = calloc(z, sizeof *lat);
    bool *use = calloc(z, sizeof *use), *sel = calloc(z, sizeof *sel);
    bool *node = calloc(zh, sizeof *node), *nicbad = calloc((size_t)(nn > 0 ? nn : 1), 1);
    bool *cand = calloc(zh, sizeof *cand), *allh = malloc(zh * sizeof *allh);
    double *score = calloc(zh, sizeof *score), *ss = calloc(zh, sizeof *ss);
    r->slow_bw = calloc(z, sizeof *r->slow_bw);
    r->slow_lat = calloc(z, sizeof *r->slow_lat);
    r->host_measured = calloc(zh, sizeof *r->host_measured);
    r->host_slow = calloc(zh, sizeof *r->host_slow);
    r->host_bw = calloc(zh, sizeof *r->host_bw);
    r->matrix_bw = calloc(zh * zh, sizeof *r->matrix_bw);
    int rc = -1;
    if (!scratch || !work || !bw || !lat || !use || !sel || !node || !nicbad || !cand || !allh ||
        !score || !ss || !r->slow_bw || !r->slow_lat || !r->host_measured || !r->host_slow ||
        !r->host_bw || !r->matrix_bw)
        goto out;

    /* References: tournament rounds when there are any (confirmation rounds
     * re-measure suspects and would pull the median towards them), else
     * every pair round; the ring against the ring. */
    bool have_tour = false;
    for (int i = 0; i < n; i++) have_tour |= in->m[i].phase == FS_SCREEN_TOURNAMENT;
    for (int i = 0; i < n; i++)
        use[i] =
            have_tour ? in->m[i].phase == FS_SCREEN_TOURNAMENT : in->m[i].phase != FS_SCREEN_RING;
    for (int i = 0; i < n; i++) {
        bw[i] = in->m[i].bw_GBps;
        /* Latency noise is multiplicative and heavy-tailed (a descheduled
         * rank, an interrupt): judge it on a log scale. */
        lat[i] = in->m[i].lat_us > 0 ? log(in->m[i].lat_us) : NAN;
    }
    robust(bw, use, n, scratch, work, &r->bw_median, &r->bw_sigma);
    robust(lat, use, n, scratch, work, &r->lat_median, &r->lat_sigma_log);
    r->lat_median = exp(r->lat_median);
    double ring_sigma;
    for (int i = 0; i < n; i++) sel[i] = in->m[i].phase == FS_SCREEN_RING;
    robust(bw, sel, n, scratch, work, &r->ring_bw_median, &ring_sigma);
    /* A slow node is on 2/N of the pairs of every round (a third of them on
     * 6 hosts), which inflates the MAD until the node hides inside it.  Its
     * hosts' own medians are not fooled (the node's are all slow, a peer
     * has one slow pair among several): hosts whose median falls out of
     * line are set aside, and the spread is taken from the others. */
    /* Only a few hosts may be set aside (a third at most): when more stray,
     * the cluster is noisy rather than faulty, and the full spread is the
     * honest one. */
    for (int h = 0; h < nh; h++) allh[h] = true;
    bool *use0 = sel;                      /* the pair rounds' selection, kept per pass below */
    for (int pass = 0; pass < 2; pass++) { /* 0: bandwidth, 1: ln latency */
        int ncand = 0;
        for (int h = 0; h < nh; h++) {
            for (int i = 0; i < n; i++) {
                const fs_screen_meas *m = &in->m[i];
                bool ring = m->phase == FS_SCREEN_RING;
                work[i] = NAN;
                if (!involves(m, h)) continue;
                if (pass == 0)
                    work[i] = bw[i] / (ring ? r->ring_bw_median : r->bw_median);
                else if (!ring)
                    work[i] = lat[i] - log(r->lat_median);
            }
            score[h] = median(work, n, scratch);
        }
        /* Only the floor: on a few hosts the MAD of host medians is itself
         * noisy (a slow node's ring neighbours carry two of its slow pairs),
         * and setting a host aside names nothing - it only keeps it out of
         * the spread. */
        double mh, sh;
        robust(score, allh, nh, scratch, ss, &mh, &sh);
        for (int h = 0; h < nh; h++) {
            double dev = pass == 0 ? mh - score[h] : score[h] - mh;
            cand[h] = isfinite(score[h]) && isfinite(mh) &&
                      dev > (pass == 0 ? p->bw_floor : log1p(p->lat_floor));
            ncand += cand[h];
        }
        if (ncand == 0 || 3 * ncand > nh) continue;
        int left = 0;
        for (int i = 0; i < n; i++) {
            bool touched = cand[in->m[i].src] || cand[in->m[i].dst];
            use0[i] = use[i] && !touched;
            left += use0[i];
        }
        if (left < 3) continue; /* the spread of the hosts not set aside */
        double m_unused;
        if (pass == 0) {
            robust(bw, use0, n, scratch, work, &m_unused, &r->bw_sigma);
            for (int i = 0; i < n; i++)
                use0[i] =
                    in->m[i].phase == FS_SCREEN_RING && !cand[in->m[i].src] && !cand[in->m[i].dst];
            robust(bw, use0, n, scratch, work, &m_unused, &ring_sigma);
        } else {
            robust(lat, use0, n, scratch, work, &m_unused, &r->lat_sigma_log);
        }
    }

    for (int i = 0; i < n; i++) work[i] = in->m[i].bw_noise;
    r->bw_noise = median(work, n, scratch);
    if (!isfinite(r->bw_noise) && r->bw_median > 0) r->bw_noise = r->bw_sigma / r->bw_median;

    /* Each measurement against its reference, beyond the statistical
     * spread, the floor and its own noise. */
    for (int i = 0; i < n; i++) {
        const fs_screen_meas *m = &in->m[i];
        bool ring = m->phase == FS_SCREEN_RING;
        double med = ring ? r->ring_bw_median : r->bw_median, sg = ring ? ring_sigma : r->bw_sigma;
        if (isfinite(m->bw_GBps) && isfinite(med)) {
            double noise = isfinite(m->bw_noise) ? m->bw_noise : 0;
            double limit = fmax(p->z * sg, fmax(p->bw_floor, noise) * med);
            r->slow_bw[i] = med - m->bw_GBps > limit;
        }
        if (!ring && isfinite(m->lat_us) && isfinite(r->lat_median)) {
            double noise = isfinite(m->lat_noise) ? m->lat_noise : 0;
            double limit = fmax(p->z * r->lat_sigma_log, log1p(fmax(p->lat_floor, noise)));
            r->slow_lat[i] = m->lat_us > 0 && log(m->lat_us / r->lat_median) > limit;
        }
    }

    /* Per host and the matrix. */
    for (int h = 0; h < nh; h++) {
        for (int i = 0; i < n; i++) {
            if (!involves(&in->m[i], h)) continue;
            r->host_measured[h]++;
            r->host_slow[h] += r->slow_bw[i] || r->slow_lat[i];
        }
        for (int i = 0; i < n; i++)
            work[i] = involves(&in->m[i], h) && in->m[i].phase != FS_SCREEN_RING ? bw[i] : NAN;
        r->host_bw[h] = median(work, n, scratch);
    }
    for (int a = 0; a < nh; a++)
        for (int b = 0; b < nh; b++) {
            for (int i = 0; i < n; i++)
                work[i] = in->m[i].src == a && in->m[i].dst == b ? bw[i] : NAN;
            r->matrix_bw[a * nh + b] = median(work, n, scratch);
        }

    /* NICs: a NIC slow with most of its peers while another NIC of the same
     * host is not is the NIC's fault, not the node's. */
    for (int e = 0; e < nn; e++) {
        int h = in->nic_host[e];
        for (int i = 0; i < n; i++) sel[i] = in->m[i].src_nic == e || in->m[i].dst_nic == e;
        fs_screen_suspect s = evidence(in, r, sel, scratch, work);
        nicbad[e] = s.slow >= p->min_slow && s.slow >= p->node_fraction * s.measured &&
                    slow_peers(in, r, sel, h) >= 2;
    }
    for (int h = 0; h < nh; h++) {
        int bad = 0, good = 0;
        for (int e = 0; e < nn; e++) {
            if (in->nic_host[e] != h) continue;
            int measured = 0;
            for (int i = 0; i < n; i++) measured += in->m[i].src_nic == e || in->m[i].dst_nic == e;
            if (nicbad[e])
                bad++;
            else if (measured)
                good++;
        }
        if (bad && good) {
            for (int e = 0; e < nn; e++) {
                if (in->nic_host[e] != h || !nicbad[e]) continue;
                for (int i = 0; i < n; i++) sel[i] = in->m[i].src_nic == e || in->m[i].dst_nic == e;
                fs_screen_suspect s = evidence(in, r, sel, scratch, work);
                s.kind = FS_SUSPECT_NIC;
                s.host = h;
                s.nic = e;
                if (add_suspect(r, s)) goto out;
            }
            continue;
        }
        for (int e = 0; e < nn; e++)
            if (in->nic_host[e] == h) nicbad[e] = false; /* the node's, if anyone's */
        for (int i = 0; i < n; i++) sel[i] = involves(&in->m[i], h);
        fs_screen_suspect s = evidence(in, r, sel, scratch, work);
        if (s.slow >= p->min_slow && s.slow >= p->node_fraction * s.measured &&
            slow_peers(in, r, sel, h) >= 2) {
            s.kind = FS_SUSPECT_NODE;
            s.host = h;
            node[h] = true;
            if (add_suspect(r, s)) goto out;
        }
    }

    /* Links: what no node or NIC explains. */
    for (int a = 0; a < nh; a++) {
        for (int b = a + 1; b < nh; b++) {
            if (node[a] || node[b]) continue;
            int first_src = a;
            bool any = false;
            for (int i = 0; i < n; i++) {
                const fs_screen_meas *m = &in->m[i];
                sel[i] = involves(m, a) && involves(m, b) &&
                         !(m->src_nic >= 0 && nicbad[m->src_nic]) &&
                         !(m->dst_nic >= 0 && nicbad[m->dst_nic]);
                if (sel[i] && (r->slow_bw[i] || r->slow_lat[i]) && !any) {
                    first_src = m->src;
                    any = true;
                }
            }
            if (!any) continue;
            fs_screen_suspect s = evidence(in, r, sel, scratch, work);
            if (s.slow >= p->min_slow && s.slow >= p->link_fraction * s.measured) {
                s.kind = FS_SUSPECT_LINK;
                s.host = first_src;
                s.peer = first_src == a ? b : a;
                if (add_suspect(r, s)) goto out;
            } else {
                int *u = realloc(r->unconfirmed, (size_t)(r->nunconfirmed + 1) * 2 * sizeof *u);
                if (!u) goto out;
                r->unconfirmed = u;
                u[2 * r->nunconfirmed] = first_src;
                u[2 * r->nunconfirmed + 1] = first_src == a ? b : a;
                r->nunconfirmed++;
            }
        }
    }

    /* The cluster against what its instance type should do. */
    double bw_tol = fmax(p->expected_floor, isfinite(r->bw_noise) ? r->bw_noise : 0);
    if (isfinite(in->expected_bw_GBps) && isfinite(r->bw_median))
        r->below_expected_bw = r->bw_median < in->expected_bw_GBps * (1 - bw_tol);
    double lat_tol = fmax(p->expected_floor, expm1(r->lat_sigma_log));
    if (isfinite(in->expected_lat_us) && isfinite(r->lat_median))
        r->below_expected_lat = r->lat_median > in->expected_lat_us * (1 + lat_tol);
    r->healthy = r->nsuspects == 0 && !r->below_expected_bw && !r->below_expected_lat;
    rc = 0;
out:
    free(scratch);
    free(work);
    free(bw);
    free(lat);
    free(use);
    free(sel);
    free(node);
    free(nicbad);
    free(cand);
    free(allh);
    free(score);
    free(ss);
    if (rc) fs_screen_result_free(r);
    return rc;
}
