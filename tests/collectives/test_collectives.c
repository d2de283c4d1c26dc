/*
 * test_collectives.c - the collectives on the fake transport, p = 1..9.
 *
 * Results: every algorithm in the registry (and auto), operation and type
 * against the exact expected sums, at sizes that split evenly, unevenly and into fewer elements
 * than ranks, under tight (1 send, 2 receives) and loose flow-control limits.
 *
 * Schedules: with float64 data where rank r's element i is i*1024 + 2^r, a
 * partial sum over ranks S is |S|*i*1024 + mask(S), so the first and last
 * element of every message say which elements it carries and whose
 * contributions they hold.  Each algorithm's textbook schedule (written
 * here independently, as sets) lists for every step who sends which element
 * range with which contributors to whom; the logged messages must cover it
 * exactly, chunks included, and nothing else may be sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collectives_impl.h"
#include "fake_transport.h"

#define MAXP 9

/* ------------------------------------------------------------------ */
/* One collective on every rank of a fake world.                        */

typedef struct case_arg {
    fs_coll_op op;
    const fs_coll_algorithm *alg; /* NULL: auto */
    fs_coll_dtype dt;
    size_t count, chunk;
    int iters;
    bool sched; /* float64 schedule-encoding data instead of fs_coll_fill */
    char err[MAXP][256];
} case_arg;

static double sched_value(size_t i, int r)
{
    return (double)i * 1024.0 + (double)(1u << r);
}

static void fill_input(case_arg *a, void *buf, size_t first, size_t n, int r, int p)
{
    if (!a->sched) {
        fs_coll_fill(a->dt, buf, n, first, r, p);
        return;
    }
    for (size_t j = 0; j < n; j++) ((double *)buf)[j] = sched_value(first + j, r);
}

static double expect(case_arg *a, size_t i, int p, size_t blk)
{
    if (a->op == FS_COLL_ALLGATHER) {
        int owner = (int)(i / blk);
        return a->sched ? sched_value(i, owner) : fs_coll_value(a->dt, i, owner, p);
    }
    if (a->sched) return (double)p * (double)i * 1024.0 + (double)((1u << p) - 1);
    return fs_coll_sum_value(a->dt, i, p);
}

static int rank_main(fs_transport *tp, void *arg)
{
    case_arg *a = arg;
    int r = tp->rank, p = tp->nranks, rc;
    size_t es = fs_coll_dtype_size(a->dt), n = a->count * es;
    size_t blk = a->count / (size_t)p;
    size_t in_n = a->op == FS_COLL_ALLGATHER ? blk : a->count;
    size_t out_n = a->op == FS_COLL_REDUCE_SCATTER ? blk : a->count;
    size_t first_in = a->op == FS_COLL_ALLGATHER ? (size_t)r * blk : 0;
    size_t first_out = a->op == FS_COLL_REDUCE_SCATTER ? (size_t)r * blk : 0;
    fs_coll c;
    if ((rc = fs_coll_init(&c, tp, n))) return rc;
    c.chunk_bytes = a->chunk;
    char *sbuf = malloc(in_n * es + 1), *rbuf = malloc(out_n * es + 1);
    fs_mr *smr = NULL, *rmr = NULL;
    if (!sbuf || !rbuf) {
        rc = FS_ERUNTIME;
        goto out;
    }
    if ((rc = tp->ops->mr_reg(tp, sbuf, in_n * es, &smr))) goto out;
    if ((rc = tp->ops->mr_reg(tp, rbuf, out_n * es, &rmr))) goto out;
    fill_input(a, sbuf, first_in, in_n, r, p);
    for (int it = 0; it < a->iters; it++) {
        memset(rbuf, 0xFF, out_n * es);
        rc = fs_coll_run(&c, a->op, a->alg, sbuf, smr, rbuf, rmr, a->count, a->dt);
        if (rc) goto out;
        for (size_t j = 0; j < out_n; j++) {
            double got = fs_coll_get(a->dt, rbuf, j), want = expect(a, first_out + j, p, blk);
            if (got != want) {
                snprintf(a->err[r], sizeof a->err[r],
                         "iteration %d: rank %d element %zu is %g, expected %g", it, r,
                         first_out + j, got, want);
                break;
            }
        }
        /* The input must come back untouched. */
        case_arg copy = *a;
        char *chk = malloc(in_n * es + 1);
        if (chk) {
            fill_input(&copy, chk, first_in, in_n, r, p);
            if (memcmp(chk, sbuf, in_n * es))
                snprintf(a->err[r], sizeof a->err[r], "rank %d: input buffer modified", r);
            free(chk);
        }
    }
out:
    if (smr) tp->ops->mr_dereg(tp, smr);
    if (rmr) tp->ops->mr_dereg(tp, rmr);
    free(sbuf);
    free(rbuf);
    fs_coll_fini(&c);
    return rc;
}

static void run_case(case_arg *a, int p, size_t tx, size_t rx, fake_world **keep)
{
    fake_world *w = fake_world_new(p, tx, rx);
    assert_non_null(w);
    memset(a->err, 0, sizeof a->err);
    int rc = fake_world_run(w, rank_main, a);
    if (rc)
        fail_msg("%s %s %s p=%d count=%zu: %s", fs_coll_op_name(a->op), fs_coll_alg_name(a->alg),
                 fs_coll_dtype_name(a->dt), p, a->count, fake_world_error(w));
    for (int r = 0; r < p; r++)
        if (a->err[r][0])
            fail_msg("%s %s %s p=%d count=%zu tx=%zu rx=%zu: %s", fs_coll_op_name(a->op),
                     fs_coll_alg_name(a->alg), fs_coll_dtype_name(a->dt), p, a->count, tx, rx,
                     a->err[r]);
    if (keep)
        *keep = w;
    else
        fake_world_free(w);
}

static const fs_coll_op ops[] = {FS_COLL_ALLREDUCE, FS_COLL_REDUCE_SCATTER, FS_COLL_ALLGATHER};

/* The registry's algorithms, then auto (NULL): nalgs() + 1 entries. */
static size_t nalgs(void)
{
    size_t n = 0;
    while (fs_coll_algorithms[n]) n++;
    return n;
}
static const fs_coll_algorithm *alg_or_auto(size_t i)
{
    return i < nalgs() ? fs_coll_algorithms[i] : NULL;
}
/* A registered algorithm by name (the test fails if it is missing). */
static const fs_coll_algorithm *A(const char *name)
{
    const fs_coll_algorithm *a = NULL;
    if (fs_coll_alg_parse(name, &a) || !a) fail_msg("algorithm %s is not registered", name);
    return a;
}

static bool applicable(fs_coll_op op, const fs_coll_algorithm *alg, int p)
{
    char why[200];
    return fs_coll_alg_ok(op, alg, p, why, sizeof why) == 0;
}

/* ------------------------------------------------------------------ */
/* Results.                                                             */

static void test_results(void **state)
{
    (void)state;
    static const fs_coll_dtype dts[] = {FS_COLL_FLOAT32, FS_COLL_FLOAT64, FS_COLL_BFLOAT16};
    /* tx/rx depths: the tightest the interface allows, and roomy. */
    static const size_t depth[][2] = {{1, 2}, {64, 64}};
    case_arg a;
    for (int p = 1; p <= MAXP; p++)
        for (size_t oi = 0; oi < 3; oi++)
            for (size_t ai = 0; ai <= nalgs(); ai++) {
                if (!applicable(ops[oi], alg_or_auto(ai), p)) continue;
                for (size_t di = 0; di < 3; di++) {
                    size_t counts[4];
                    int nc = 0;
                    if (ops[oi] == FS_COLL_ALLREDUCE) {
                        counts[nc++] = 1;                    /* fewer elements than ranks */
                        counts[nc++] = (size_t)(3 * p + 2);  /* uneven blocks */
                        counts[nc++] = (size_t)(40 * p + 5); /* several chunks */
                    } else {
                        counts[nc++] = (size_t)p;
                        counts[nc++] = (size_t)(7 * p);
                        counts[nc++] = (size_t)(40 * p);
                    }
                    for (int ci = 0; ci < nc; ci++)
                        for (size_t k = 0; k < 2; k++) {
                            a = (case_arg){.op = ops[oi],
                                           .alg = alg_or_auto(ai),
                                           .dt = dts[di],
                                           .count = counts[ci],
                                           .chunk = 24,
                                           .iters = 3};
                            run_case(&a, p, depth[k][0], depth[k][1], NULL);
                        }
                }
            }
}

/* ------------------------------------------------------------------ */
/* Schedules.                                                           */

typedef struct emsg {
    int src, dst, step;
    size_t lo, hi; /* element range */
    bool owner;    /* all-gather: element i carries only its owner's value */
    uint32_t mask; /* reductions: the contributors */
    unsigned char *cov;
} emsg;

typedef struct elist {
    emsg m[512];
    int n;
} elist;

static void add(elist *L, int src, int dst, int step, size_t lo, size_t hi, bool owner,
                uint32_t mask)
{
    if (lo == hi) return; /* algorithms skip empty messages */
    assert_true(L->n < 512);
    L->m[L->n++] = (emsg){src, dst, step, lo, hi, owner, mask, NULL};
}

/* Independent fold arithmetic (the textbook one). */
typedef struct tfold {
    int p, p2, rem, lg;
} tfold;
static tfold tf(int p)
{
    tfold f = {p, 1, 0, 0};
    while (f.p2 * 2 <= p) f.p2 *= 2, f.lg++;
    f.rem = p - f.p2;
    return f;
}
static int t_newrank(tfold f, int r)
{
    return r < 2 * f.rem ? (r % 2 ? r / 2 : -1) : r - f.rem;
}
static int t_real(tfold f, int u)
{
    return u < f.rem ? 2 * u + 1 : u + f.rem;
}
static int t_first(tfold f, int u)
{
    return u < f.rem ? 2 * u : u + f.rem;
}
static uint32_t t_units(tfold f, int a, int b) /* ranks behind newranks [a, b) */
{
    uint32_t m = 0;
    for (int u = a; u < b; u++)
        for (int q = t_first(f, u); q <= t_real(f, u); q++) m |= 1u << q;
    return m;
}
static uint32_t t_all(int p)
{
    return (1u << p) - 1;
}
static int tmod(int a, int p)
{
    return ((a % p) + p) % p;
}

static void sched_ring(elist *L, fs_coll_op op, int p, size_t count)
{
    if (p == 1) return;
    int steps = op == FS_COLL_ALLREDUCE ? 2 * (p - 1) : p - 1;
    for (int r = 0; r < p; r++)
        for (int g = 0; g < steps; g++) {
            int b = op == FS_COLL_REDUCE_SCATTER ? tmod(r - g - 1, p) : tmod(r - g, p);
            uint32_t m = 0;
            for (int j = 0; j <= g && j < p; j++) m |= 1u << tmod(r - j, p);
            if (g >= p - 1) m = t_all(p);
            add(L, r, (r + 1) % p, g, fs_split_off(count, p, b), fs_split_off(count, p, b + 1),
                op == FS_COLL_ALLGATHER, m);
        }
}

static void sched_rd(elist *L, fs_coll_op op, int p, size_t count)
{
    if (p == 1) return;
    tfold f = tf(p);
    size_t blk = count / (size_t)p;
    bool ag = op == FS_COLL_ALLGATHER;
    for (int r = 0; r < p; r++) {
        int nr = t_newrank(f, r);
        if (nr < 0) {
            add(L, r, r + 1, 0, ag ? r * blk : 0, ag ? (r + 1) * blk : count, ag, 1u << r);
            continue;
        }
        for (int i = 0; i < f.lg; i++) {
            int d = 1 << i, mine = nr & ~(d - 1);
            size_t lo = ag ? t_first(f, mine) * blk : 0;
            size_t hi = ag ? t_first(f, mine + d) * blk : count;
            add(L, r, t_real(f, nr ^ d), 1 + i, lo, hi, ag, t_units(f, mine, mine + d));
        }
        if (r < 2 * f.rem) add(L, r, r - 1, f.lg + 1, 0, count, ag, t_all(p));
    }
}

static void sched_rab(elist *L, fs_coll_op op, int p, size_t count)
{
    if (p == 1) return;
    tfold f = tf(p);
    size_t blk = count / (size_t)p;
    bool rs = op == FS_COLL_REDUCE_SCATTER;
#define PART(u) (rs ? (size_t)t_first(f, (u)) * blk : fs_split_off(count, f.p2, (u)))
    for (int r = 0; r < p; r++) {
        int nr = t_newrank(f, r);
        if (nr < 0) {
            add(L, r, r + 1, 0, 0, count, false, 1u << r);
            continue;
        }
        int lo = 0, hi = f.p2, step = 1;
        for (int d = f.p2 / 2; d >= 1; d /= 2, step++) {
            /* Contributors so far: newranks agreeing with nr below bit 2d. */
            uint32_t m = 0;
            for (int u = 0; u < f.p2; u++)
                if ((u & (2 * d - 1)) == (nr & (2 * d - 1))) m |= t_units(f, u, u + 1);
            int mid = lo + d;
            bool upper = nr & d;
            add(L, r, t_real(f, nr ^ d), step, PART(upper ? lo : mid), PART(upper ? mid : hi),
                false, m);
            if (upper)
                lo = mid;
            else
                hi = mid;
        }
        if (!rs)
            for (int d = 1; d < f.p2; d *= 2, step++) {
                int mine = nr & ~(d - 1);
                add(L, r, t_real(f, nr ^ d), step, PART(mine), PART(mine + d), false, t_all(p));
            }
        if (r < 2 * f.rem)
            add(L, r, r - 1, step, rs ? (size_t)(r - 1) * blk : 0, rs ? (size_t)r * blk : count,
                false, t_all(p));
    }
#undef PART
}

static void sched_tree(elist *L, fs_coll_op op, int p, size_t count)
{
    int lg = 0;
    while ((1 << lg) < p) lg++;
    size_t blk = count / (size_t)p;
    bool ag = op == FS_COLL_ALLGATHER, rs = op == FS_COLL_REDUCE_SCATTER;
    for (int r = 0; r < p; r++) {
        int low = r & -r, bit = 0;
        while (r && (1 << bit) != low) bit++;
        if (r) {
            int end = r + low < p ? r + low : p;
            uint32_t m = 0;
            for (int q = r; q < end; q++) m |= 1u << q;
            add(L, r, r - low, bit, ag ? (size_t)r * blk : 0, ag ? (size_t)end * blk : count, ag,
                m);
        }
        int top = r ? low : 1 << lg;
        for (int mk = top / 2; mk >= 1; mk /= 2) {
            int ch = r + mk, b = 0;
            if (ch >= p) continue;
            while ((1 << b) != mk) b++;
            int chend = ch + mk < p ? ch + mk : p;
            add(L, r, ch, lg + (lg - 1 - b), rs ? (size_t)ch * blk : 0,
                rs ? (size_t)chend * blk : count, ag, t_all(p));
        }
    }
}

/* Decode a float64 schedule value: element index and contributor mask. */
static bool decode(const unsigned char *b, size_t *idx, uint32_t *mask)
{
    double v;
    memcpy(&v, b, 8);
    if (!(v >= 0) || v != (double)(uint64_t)v) return false;
    uint64_t u = (uint64_t)v;
    uint32_t m = (uint32_t)(u % 1024);
    int k = __builtin_popcount(m);
    if (!k || (u - m) % (1024u * (uint64_t)k)) return false;
    *idx = (size_t)((u - m) / (1024u * (uint64_t)k));
    *mask = m;
    return true;
}

static void check_schedule(fake_world *w, elist *L, int p, const char *what)
{
    for (int e = 0; e < L->n; e++) {
        L->m[e].cov = calloc(L->m[e].hi - L->m[e].lo, 1);
        assert_non_null(L->m[e].cov);
    }
    for (int r = 0; r < p; r++) {
        size_t n;
        const fake_rec *rec = fake_world_sends(w, r, &n);
        for (size_t k = 0; k < n; k++) {
            int step = fs_coll_tag_step(rec[k].tag);
            size_t i0 = 0, i1 = 0;
            uint32_t m0 = 0, m1 = 0;
            if (rec[k].len % 8 || !decode(rec[k].head, &i0, &m0) || !decode(rec[k].tail, &i1, &m1))
                fail_msg("%s p=%d: rank %d step %d sent undecodable data", what, p, r, step);
            if (i1 < i0 || i1 - i0 + 1 != rec[k].len / 8)
                fail_msg("%s p=%d: rank %d step %d sent a non-contiguous range", what, p, r, step);
            emsg *e = NULL;
            for (int j = 0; j < L->n; j++)
                if (L->m[j].src == r && L->m[j].dst == rec[k].dst && L->m[j].step == step)
                    e = &L->m[j];
            if (!e)
                fail_msg("%s p=%d: rank %d sent to %d at step %d, which the schedule lacks", what,
                         p, r, rec[k].dst, step);
            if (i0 < e->lo || i1 >= e->hi)
                fail_msg("%s p=%d: rank %d -> %d step %d: elements [%zu,%zu] outside [%zu,%zu)",
                         what, p, r, e->dst, step, i0, i1, e->lo, e->hi);
            uint32_t w0 = e->mask, w1 = e->mask;
            if (e->owner) {
                /* The owner of element i is the rank whose block holds it. */
                w0 = m0 == (m0 & -m0) ? m0 : 0; /* must be a single rank */
                w1 = m1 == (m1 & -m1) ? m1 : 0;
            }
            if (m0 != w0 || m1 != w1)
                fail_msg("%s p=%d: rank %d -> %d step %d: contributors %#x..%#x, expected %#x",
                         what, p, r, e->dst, step, m0, m1, e->mask);
            for (size_t i = i0; i <= i1; i++) {
                if (e->cov[i - e->lo])
                    fail_msg("%s p=%d: rank %d -> %d step %d sent element %zu twice", what, p, r,
                             e->dst, step, i);
                e->cov[i - e->lo] = 1;
            }
        }
    }
    for (int j = 0; j < L->n; j++) {
        for (size_t i = 0; i < L->m[j].hi - L->m[j].lo; i++)
            if (!L->m[j].cov[i])
                fail_msg("%s p=%d: rank %d -> %d step %d never sent element %zu", what, p,
                         L->m[j].src, L->m[j].dst, L->m[j].step, L->m[j].lo + i);
        free(L->m[j].cov);
    }
}

/* All-gather data has no contributor set to compare, only owners: check
 * that the owner of each logged end element is the rank whose block holds
 * it, using the element index the value encodes. */
static void check_owners(fake_world *w, int p, size_t count, const char *what)
{
    size_t blk = count / (size_t)p;
    for (int r = 0; r < p; r++) {
        size_t n;
        const fake_rec *rec = fake_world_sends(w, r, &n);
        for (size_t k = 0; k < n; k++) {
            size_t i = 0;
            uint32_t m = 0;
            assert_true(decode(rec[k].head, &i, &m));
            if (m != 1u << (i / blk)) fail_msg("%s p=%d: element %zu carries %#x", what, p, i, m);
            assert_true(decode(rec[k].tail, &i, &m));
            if (m != 1u << (i / blk)) fail_msg("%s p=%d: element %zu carries %#x", what, p, i, m);
        }
    }
}

/* The textbook schedules written here, by algorithm name.  An algorithm
 * without one is still checked by test_results. */
typedef void (*sched_fn)(elist *L, fs_coll_op op, int p, size_t count);
static sched_fn schedule_of(const fs_coll_algorithm *alg)
{
    static const struct {
        const char *name;
        sched_fn fn;
    } known[] = {
        {"ring", sched_ring}, {"rd", sched_rd}, {"rabenseifner", sched_rab}, {"tree", sched_tree}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(alg->name, known[i].name) == 0) return known[i].fn;
    return NULL;
}

static void schedule_case(fs_coll_op op, const fs_coll_algorithm *alg, int p, size_t count,
                          size_t chunk)
{
    case_arg a = {.op = op,
                  .alg = alg,
                  .dt = FS_COLL_FLOAT64,
                  .count = count,
                  .chunk = chunk,
                  .iters = 1,
                  .sched = true};
    fake_world *w;
    run_case(&a, p, 3, 8, &w);
    static elist L;
    L.n = 0;
    schedule_of(alg)(&L, op, p, count);
    char what[96];
    snprintf(what, sizeof what, "%s %s count=%zu chunk=%zu", fs_coll_op_name(op),
             fs_coll_alg_name(alg), count, chunk);
    check_schedule(w, &L, p, what);
    if (op == FS_COLL_ALLGATHER) check_owners(w, p, count, what);
    fake_world_free(w);
}

static void test_schedules(void **state)
{
    (void)state;
    for (int p = 1; p <= MAXP; p++)
        for (size_t oi = 0; oi < 3; oi++)
            for (size_t ai = 0; ai < nalgs(); ai++) {
                const fs_coll_algorithm *alg = fs_coll_algorithms[ai];
                if (!schedule_of(alg) || !applicable(ops[oi], alg, p)) continue;
                size_t counts[] = {ops[oi] == FS_COLL_ALLREDUCE ? (size_t)(5 * p + 3)
                                                                : (size_t)(5 * p),
                                   (size_t)(24 * p)};
                for (int ci = 0; ci < 2; ci++) {
                    schedule_case(ops[oi], alg, p, counts[ci], 1u << 20); /* one chunk */
                    schedule_case(ops[oi], alg, p, counts[ci], 16);       /* many chunks */
                }
            }
}

/* ------------------------------------------------------------------ */
/* Ring pipeline: chunk count and flow-control limits.                  */

static void test_ring_pipeline(void **state)
{
    (void)state;
    /* 4 ranks, 4096 float64: blocks of 8192 bytes; 512-byte chunks ask for
     * 16 chunks; rx_depth 8 caps them at 4, tx_depth 3 the sends. */
    case_arg a = {.op = FS_COLL_ALLREDUCE,
                  .alg = A("ring"),
                  .dt = FS_COLL_FLOAT64,
                  .count = 4096,
                  .chunk = 512,
                  .iters = 1,
                  .sched = true};
    fake_world *w;
    run_case(&a, 4, 3, 8, &w);
    for (int r = 0; r < 4; r++) {
        size_t n;
        const fake_rec *rec = fake_world_sends(w, r, &n);
        assert_int_equal(n, 2 * 3 * 4); /* 2(p-1) steps x 4 chunks */
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(rec[k].len, 8192 / 4);
            assert_int_equal(fs_coll_tag_chunk(rec[k].tag), k % 4);
            assert_int_equal(fs_coll_tag_step(rec[k].tag), k / 4);
        }
        assert_int_equal(fake_world_max_tx(w, r), 3);
        assert_in_range(fake_world_max_rx(w, r), 5, 8); /* two steps' receives overlap */
    }
    fake_world_free(w);

    /* Roomy limits: 16 chunks per step. */
    run_case(&a, 4, 64, 64, &w);
    size_t n;
    fake_world_sends(w, 1, &n);
    assert_int_equal(n, 2 * 3 * 16);
    assert_true(fake_world_max_tx(w, 1) > 3);
    fake_world_free(w);
}

/* ------------------------------------------------------------------ */
/* Names, rounding, choices, kernels, data.                             */

/* The refusal for alg lacking op names exactly the registered algorithms
 * that have op (then auto), and not alg. */
static void check_alternatives(const char *why, fs_coll_op op, const fs_coll_algorithm *alg)
{
    char form[64];
    snprintf(form, sizeof form, "algorithm %s has no %s form; use ", alg->name,
             fs_coll_op_name(op));
    const char *use = strstr(why, form);
    if (!use) fail_msg("refusal \"%s\" lacks \"%s\"", why, form);
    use += strlen(form);
    char list[200];
    snprintf(list, sizeof list, "%s", use);
    int named = 0;
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (strcmp(t, "or") == 0 || strcmp(t, "auto") == 0) continue;
        const fs_coll_algorithm *x = A(t);
        assert_ptr_not_equal(x, alg);
        assert_non_null(x->run[op]);
        named++;
    }
    int want = 0;
    for (size_t i = 0; i < nalgs(); i++) want += fs_coll_algorithms[i]->run[op] != NULL;
    assert_int_equal(named, want);
    assert_non_null(strstr(use, "auto"));
}

/* fs_coll_peers: symmetric (connecting is pairwise), never self, all
 * others when asked, O(log p) otherwise, and it holds every partner of
 * the ring and of recursive doubling at powers of two. */
static void test_coll_peers(void **state)
{
    (void)state;
    for (int p = 2; p <= 70; p++) {
        int *a = malloc((size_t)p * sizeof *a);
        bool *in = calloc((size_t)p * (size_t)p, sizeof *in);
        for (int r = 0; r < p; r++) {
            assert_int_equal(fs_coll_peers(r, p, true, a), p - 1);
            int n = fs_coll_peers(r, p, false, a);
            int lg = 0;
            while ((1 << lg) < p) lg++;
            assert_true(n >= 1 && n <= 4 * lg);
            for (int i = 0; i < n; i++) {
                assert_true(a[i] != r && a[i] >= 0 && a[i] < p);
                if (i) assert_true(a[i] > a[i - 1]);
                in[(size_t)r * p + a[i]] = true;
            }
            assert_true(in[(size_t)r * p + (r + 1) % p]);
            assert_true(in[(size_t)r * p + (r + p - 1) % p]);
            if ((p & (p - 1)) == 0)
                for (int k = 1; k < p; k <<= 1) assert_true(in[(size_t)r * p + (r ^ k)]);
        }
        for (int r = 0; r < p; r++)
            for (int q = 0; q < p; q++)
                if (in[(size_t)r * p + q] != in[(size_t)q * p + r])
                    fail_msg("p=%d: %d names %d but not the other way", p, r, q);
        free(a), free(in);
    }
}

typedef struct connect_arg {
    bool all;
} connect_arg;

static int connect_main(fs_transport *tp, void *arg)
{
    const connect_arg *a = arg;
    int *peers = malloc((size_t)tp->nranks * sizeof *peers);
    int n = fs_coll_peers(tp->rank, tp->nranks, a->all, peers);
    int rc = fs_transport_connect(tp, peers, n);
    free(peers);
    return rc;
}

/* fs_transport_connect: one message each way with every peer (the fake
 * transport is rendezvous-only and bounded at 4 outstanding each way, so
 * batches must post receives first and stay within the depths), just
 * above the inject size, on the reserved tag. */
static void test_transport_connect(void **state)
{
    (void)state;
    int sizes[] = {2, 3, 5, 8, 13};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        for (int all = 0; all < 2; all++) {
            int p = sizes[t];
            fake_world *w = fake_world_new(p, 4, 4);
            connect_arg a = {all != 0};
            if (fake_world_run(w, connect_main, &a))
                fail_msg("p=%d all=%d: %s", p, all, fake_world_error(w));
            int *peers = malloc((size_t)p * sizeof *peers);
            for (int r = 0; r < p; r++) {
                size_t n;
                const fake_rec *rec = fake_world_sends(w, r, &n);
                int want = fs_coll_peers(r, p, all != 0, peers);
                assert_int_equal((int)n, want);
                for (size_t k = 0; k < n; k++) {
                    assert_int_equal(rec[k].tag, FS_CONNECT_TAG);
                    assert_int_equal(rec[k].dst, peers[k]);
                    assert_int_equal(rec[k].len, 1); /* inject size 0 here */
                }
            }
            free(peers);
            fake_world_free(w);
        }
    }
}

static void test_registry(void **state)
{
    (void)state;
    /* Every entry: a unique name the parser finds, a summary, an operation. */
    assert_true(nalgs() >= 1);
    for (size_t i = 0; i < nalgs(); i++) {
        const fs_coll_algorithm *a = fs_coll_algorithms[i], *b = NULL;
        assert_non_null(a->name);
        assert_true(a->summary && a->summary[0]);
        assert_int_equal(fs_coll_alg_parse(a->name, &b), 0);
        assert_ptr_equal(a, b);
        assert_string_equal(fs_coll_alg_name(a), a->name);
        assert_string_not_equal(a->name, "auto");
        assert_string_not_equal(a->name, "native");
        int nops = 0;
        for (int op = 0; op < FS_COLL_NOPS; op++) nops += a->run[op] != NULL;
        assert_true(nops >= 1);
    }
    const fs_coll_algorithm *alg = A("ring");
    assert_int_equal(fs_coll_alg_parse("auto", &alg), 0);
    assert_null(alg);
    assert_string_equal(fs_coll_alg_name(NULL), "auto");
    assert_int_equal(fs_coll_alg_parse("native", &alg), -1);
    assert_int_equal(fs_coll_alg_parse("Ring", &alg), -1);
    assert_int_equal(fs_coll_alg_parse(NULL, &alg), -1);

    /* Refusals name the algorithms that would run. */
    char why[200];
    for (size_t i = 0; i < nalgs(); i++)
        for (size_t oi = 0; oi < 3; oi++) {
            const fs_coll_algorithm *a = fs_coll_algorithms[i];
            int rc = fs_coll_alg_ok(ops[oi], a, 4, why, sizeof why);
            if (a->run[ops[oi]]) {
                assert_int_equal(rc, 0);
            } else {
                assert_int_equal(rc, FS_EINPUT);
                check_alternatives(why, ops[oi], a);
            }
        }
    assert_int_equal(fs_coll_alg_ok(FS_COLL_REDUCE_SCATTER, A("rd"), 4, why, sizeof why),
                     FS_EINPUT);
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLGATHER, A("rabenseifner"), 3, why, sizeof why),
                     FS_EINPUT);
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, NULL, 0, why, sizeof why), FS_EINPUT);
    char list[200];
    /* The list: every algorithm with the operation, in registry order,
     * then auto, the last two joined by " or ". */
    for (size_t oi = 0; oi < 3; oi++) {
        char want[200] = "";
        size_t k = 0, n = 0;
        for (size_t i = 0; i < nalgs(); i++)
            if (fs_coll_algorithms[i]->run[ops[oi]])
                k += (size_t)snprintf(want + k, sizeof want - k, "%s%s", n++ ? ", " : "",
                                      fs_coll_algorithms[i]->name);
        snprintf(want + k, sizeof want - k, "%sauto", n ? " or " : "");
        assert_string_equal(fs_coll_alg_list(ops[oi], NULL, list, sizeof list), want);
    }
    for (int p = 1; p <= 9; p++)
        for (size_t oi = 0; oi < 3; oi++)
            assert_int_equal(fs_coll_alg_ok(ops[oi], A("ring"), p, why, sizeof why), 0);
    /* The ring's own check: 2(p-1) steps must fit the tag's 16-bit field. */
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, A("ring"), 32769, why, sizeof why), 0);
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, A("ring"), 32770, why, sizeof why),
                     FS_EINPUT);
    assert_non_null(strstr(why, "65538 steps"));
}

static void test_rounding(void **state)
{
    (void)state;
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLREDUCE, 1024, FS_COLL_FLOAT32, 3), 1024);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLREDUCE, 1023, FS_COLL_FLOAT32, 3), 1020);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLREDUCE, 1, FS_COLL_FLOAT64, 3), 8);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_REDUCE_SCATTER, 1024, FS_COLL_FLOAT32, 3), 1020);
    assert_int_equal(fs_coll_round_count(FS_COLL_REDUCE_SCATTER, 1024, FS_COLL_FLOAT32, 3), 255);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLGATHER, 4, FS_COLL_BFLOAT16, 5), 10);
    assert_int_equal(fs_coll_round_bytes(FS_COLL_ALLGATHER, 1 << 20, FS_COLL_FLOAT32, 4), 1 << 20);
}

static void test_auto(void **state)
{
    (void)state;
    char why[200];
    /* auto: latency-bound small vectors, bandwidth-bound large ones. */
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 8, 4, 0), A("rd"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 64 << 20, 4, 0), A("ring"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 256 << 10, 2, 0), A("rd"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 1 << 20, 2, 0), A("rabenseifner"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 1 << 20, 4, 0), A("rabenseifner"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 1 << 20, 3, 0), A("ring")); /* no fold */
    /* Half-vectors that inject beat a whole vector that does not. */
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 8192, 2, 4096), A("rabenseifner"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 4096, 2, 4096), A("rd"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLREDUCE, 8192, 3, 4096), A("rd"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_REDUCE_SCATTER, 1 << 20, 6, 0), A("ring"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_ALLGATHER, 8, 4, 0), A("rd"));
    assert_ptr_equal(fs_coll_auto(FS_COLL_REDUCE_SCATTER, 64 << 20, 4, 0), A("ring"));
    for (size_t oi = 0; oi < 3; oi++)
        for (size_t b = 1; b < (64u << 20); b *= 4)
            for (int p = 1; p <= 9; p++) {
                const fs_coll_algorithm *a = fs_coll_auto(ops[oi], b, p, 4096);
                assert_non_null(a);
                assert_int_equal(fs_coll_alg_ok(ops[oi], a, p, why, sizeof why), 0);
            }
    /* Where its measured choice cannot run, auto falls back to the first
     * registry entry that can: the ring's tags run out past 32769 ranks. */
    const fs_coll_algorithm *a = fs_coll_auto(FS_COLL_ALLREDUCE, 64 << 20, 40000, 0);
    assert_ptr_not_equal(a, A("ring"));
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, a, 40000, why, sizeof why), 0);
    for (size_t i = 0; fs_coll_algorithms[i] != a; i++)
        assert_int_not_equal(
            fs_coll_alg_ok(FS_COLL_ALLREDUCE, fs_coll_algorithms[i], 40000, why, sizeof why), 0);
}

/* An algorithm with a `usable` check and one operation, run through
 * fs_coll_run: the check is consulted on every call, before any traffic. */
static int pow2_only(fs_coll_op op, int nranks, char *why, size_t whylen)
{
    (void)op;
    if ((nranks & (nranks - 1)) == 0) return 0;
    snprintf(why, whylen, "algorithm pow2 needs a power-of-two rank count, not %d", nranks);
    return FS_EINPUT;
}
static int pow2_allreduce(fs_coll *c, const void *sbuf, fs_mr *smr, void *rbuf, fs_mr *rmr,
                          size_t count, fs_coll_dtype dt)
{
    return A("rd")->run[FS_COLL_ALLREDUCE](c, sbuf, smr, rbuf, rmr, count, dt);
}
static const fs_coll_algorithm pow2_alg = {
    .name = "pow2",
    .summary = "recursive doubling without the fold",
    .run = {[FS_COLL_ALLREDUCE] = pow2_allreduce},
    .usable = pow2_only,
};

static void test_usable(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, &pow2_alg, 4, why, sizeof why), 0);
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLREDUCE, &pow2_alg, 3, why, sizeof why), FS_EINPUT);
    assert_non_null(strstr(why, "not 3"));
    assert_int_equal(fs_coll_alg_ok(FS_COLL_ALLGATHER, &pow2_alg, 4, why, sizeof why), FS_EINPUT);
    check_alternatives(why, FS_COLL_ALLGATHER, &pow2_alg);
    for (int p = 1; p <= 4; p++) {
        case_arg a = {.op = FS_COLL_ALLREDUCE,
                      .alg = &pow2_alg,
                      .dt = FS_COLL_FLOAT32,
                      .count = 13,
                      .chunk = 24,
                      .iters = 2};
        if (p != 3) {
            run_case(&a, p, 4, 4, NULL);
            continue;
        }
        fake_world *w = fake_world_new(p, 4, 4);
        assert_int_not_equal(fake_world_run(w, rank_main, &a), 0);
        assert_non_null(strstr(fake_world_error(w), "power-of-two rank count, not 3"));
        fake_world_free(w);
    }
}

/* Invalid requests fail with FS_EINPUT and a message, before any traffic. */
static int bad_calls(fs_transport *tp, void *arg)
{
    (void)arg;
    fs_coll c;
    int rc = fs_coll_init(&c, tp, 64);
    if (rc) return rc;
    static char buf[128];
    fs_mr *mr;
    tp->ops->mr_reg(tp, buf, sizeof buf, &mr);
    int bad = 0;
    tp->errmsg[0] = 0;
    bad += fs_coll_run(&c, FS_COLL_ALLGATHER, A("rabenseifner"), buf, mr, buf + 64, mr, 6,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "has no allgather form");
    bad += fs_coll_run(&c, FS_COLL_REDUCE_SCATTER, A("ring"), buf, mr, buf + 64, mr, 7,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "equal blocks");
    bad += fs_coll_run(&c, FS_COLL_ALLREDUCE, A("ring"), buf, mr, buf + 64, mr, 17,
                       FS_COLL_FLOAT32) == FS_EINPUT &&
           strstr(tp->errmsg, "exceed");
    tp->ops->mr_dereg(tp, mr);
    fs_coll_fini(&c);
    return bad == 3 ? 0 : FS_ERUNTIME;
}

static void test_bad_input(void **state)
{
    (void)state;
    fake_world *w = fake_world_new(2, 4, 4);
    if (fake_world_run(w, bad_calls, NULL)) fail_msg("%s", fake_world_error(w));
    fake_world_free(w);
}

static int chunk_env(fs_transport *tp, void *arg)
{
    size_t *got = arg;
    fs_coll c;
    tp->errmsg[0] = 0;
    int rc = fs_coll_init(&c, tp, 64);
    if (rc) return rc == FS_EINPUT && strstr(tp->errmsg, "FS_COLL_CHUNK") ? 0 : rc;
    *got = c.chunk_bytes;
    fs_coll_fini(&c);
    return 0;
}

static void test_chunk_env(void **state)
{
    (void)state;
    size_t got = 0;
    fake_world *w = fake_world_new(1, 4, 4);
    unsetenv("FS_COLL_CHUNK");
    assert_int_equal(fake_world_run(w, chunk_env, &got), 0);
    assert_int_equal(got, 1u << 20);
    /* shm copies with the receiving CPU: whole blocks. */
    fs_transport *tp = fake_world_transport(w, 0);
    snprintf(tp->provider, sizeof tp->provider, "shm");
    assert_int_equal(fake_world_run(w, chunk_env, &got), 0);
    assert_true(got == SIZE_MAX);
    setenv("FS_COLL_CHUNK", "4096", 1);
    assert_int_equal(fake_world_run(w, chunk_env, &got), 0);
    assert_int_equal(got, 4096);
    static const char *const bad[] = {"", "12abc", "0", "-5"};
    for (size_t i = 0; i < 4; i++) {
        got = 7;
        setenv("FS_COLL_CHUNK", bad[i], 1);
        assert_int_equal(fake_world_run(w, chunk_env, &got), 0);
        assert_int_equal(got, 7); /* refused, nothing initialised */
    }
    unsetenv("FS_COLL_CHUNK");
    fake_world_free(w);
}

static void test_sum_kernels(void **state)
{
    (void)state;
    /* Lengths around the 64-byte vector body, in place and not. */
    for (size_t n = 0; n < 70; n++) {
        float a[70] = {0}, b[70] = {0}, d[70] = {0};
        double da[70] = {0}, db[70] = {0}, dd[70] = {0};
        uint16_t ha[70] = {0}, hb[70] = {0}, hd[70] = {0};
        for (size_t i = 0; i < n; i++) {
            a[i] = (float)i * 0.5f, b[i] = 3.0f - (float)i;
            da[i] = (double)i * 0.25, db[i] = 1e10 + (double)i;
            ha[i] = fs_float_to_bf16((float)i), hb[i] = fs_float_to_bf16(2.0f * (float)i);
        }
        fs_coll_sum(FS_COLL_FLOAT32, d, a, b, n);
        fs_coll_sum(FS_COLL_FLOAT64, dd, da, db, n);
        fs_coll_sum(FS_COLL_BFLOAT16, hd, ha, hb, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(d[i] == a[i] + b[i]);
            assert_true(dd[i] == da[i] + db[i]);
            assert_true(fs_bf16_to_float(hd[i]) ==
                        fs_bf16_to_float(fs_float_to_bf16(3.0f * (float)i)));
        }
        fs_coll_sum(FS_COLL_FLOAT32, a, a, b, n); /* in place, both orders */
        fs_coll_sum(FS_COLL_FLOAT64, db, da, db, n);
        fs_coll_sum(FS_COLL_BFLOAT16, hb, ha, hb, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(a[i] == d[i]);
            assert_true(db[i] == dd[i]);
            assert_int_equal(hb[i], hd[i]);
        }
    }
    /* bfloat16: round to nearest even, NaN kept. */
    assert_int_equal(fs_float_to_bf16(1.0f), 0x3F80);
    assert_int_equal(fs_float_to_bf16(257.0f), fs_float_to_bf16(256.0f)); /* tie to even */
    assert_int_equal(fs_float_to_bf16(259.0f), fs_float_to_bf16(260.0f)); /* tie to even */
    assert_true(fs_bf16_to_float(fs_float_to_bf16(258.0f)) == 258.0f);
    uint16_t nan = fs_float_to_bf16(0.0f / 0.0f * 0.0f + __builtin_nanf(""));
    assert_true(fs_bf16_to_float(nan) != fs_bf16_to_float(nan));
}

static void test_exact_data(void **state)
{
    (void)state;
    static const fs_coll_dtype dts[] = {FS_COLL_FLOAT32, FS_COLL_FLOAT64, FS_COLL_BFLOAT16};
    static const int ps[] = {1, 2, 3, 9, 64, 256, 257, 1000};
    static const double limit[] = {16777216.0, 9007199254740992.0, 256.0};
    for (size_t di = 0; di < 3; di++)
        for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++)
            for (size_t i = 0; i < 2000; i += 7) {
                double s = fs_coll_sum_value(dts[di], i, ps[pi]);
                assert_true(s <= limit[di]);
                /* Every value is an integer the type holds exactly. */
                char buf[8];
                fs_coll_fill(dts[di], buf, 1, i, ps[pi] - 1, ps[pi]);
                assert_true(fs_coll_get(dts[di], buf, 0) ==
                            fs_coll_value(dts[di], i, ps[pi] - 1, ps[pi]));
            }
    /* Values differ between neighbouring elements and ranks. */
    assert_true(fs_coll_value(FS_COLL_FLOAT32, 0, 0, 4) != fs_coll_value(FS_COLL_FLOAT32, 1, 0, 4));
    assert_true(fs_coll_value(FS_COLL_FLOAT32, 0, 0, 4) != fs_coll_value(FS_COLL_FLOAT32, 0, 1, 4));
    /* Past 256 ranks bfloat16 falls back to sparse 0/1 values. */
    double ones = 0;
    for (int r = 0; r < 1000; r++) ones += fs_coll_value(FS_COLL_BFLOAT16, 5, r, 1000);
    assert_true(ones >= 1 && ones <= 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_usable),
        cmocka_unit_test(test_sum_kernels),
        cmocka_unit_test(test_exact_data),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_chunk_env),
        cmocka_unit_test(test_ring_pipeline),
        cmocka_unit_test(test_schedules),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_coll_peers),
        cmocka_unit_test(test_transport_connect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
