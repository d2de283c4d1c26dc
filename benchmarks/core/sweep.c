/* sweep.c - drive one benchmark over the size list. */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nics.h"
#include "probe.h"
#include "results.h"
#include "table.h"
#include "watchdog.h"

#include "path_proof.h" /* issue 18: NIC counters around each run */

static int save(fs_sweep_env *env, bool complete, bool final)
{
    if (!env->doc) return 0;
    env->doc->meta.complete = complete;
    int rc = fs_bench_output_write(&env->json_out, env->doc, final, stderr);
    rc |= fs_bench_output_write(&env->csv_out, env->doc, final, stderr);
    return rc ? -1 : 0;
}

int fs_sweep_save(fs_sweep_env *env, bool complete, char *errmsg, size_t len)
{
    if (len) errmsg[0] = '\0';
    save(env, complete, false);
    return 0;
}

int fs_sweep_save_final(fs_sweep_env *env, bool complete)
{
    return save(env, complete, true);
}

const char *fs_sweep_json_path(const fs_sweep_env *env)
{
    if (!env->json_out.path) return NULL;
    if (env->json_out.fallback[0]) return env->json_out.fallback;
    return env->json_out.failing ? NULL : env->json_out.path;
}

static const char *dtype_name(fs_dtype t)
{
    return t == FS_FLOAT64 ? "float64" : t == FS_BFLOAT16 ? "bfloat16" : "float32";
}

static char *str_or_null(const char *s)
{
    return s && *s ? fs_strdup(s) : NULL;
}

/* A new run in the document (NULL when memory runs out). */
static fs_run *add_run(const fs_sweep_env *env, fs_transport *tp, const fs_bench *b,
                       const fs_bench_ctx *c)
{
    fs_err err = {0};
    fs_run *run = fs_results_new_run(env->doc, b->name, &err);
    if (!run) return NULL;
    run->kind = fs_kind_parse(fs_metric_name(b->metric));
    run->transport = str_or_null(tp->ops->name);
    run->provider = str_or_null(tp->provider);
    run->fabric = str_or_null(tp->fabric);
    run->domain = str_or_null(tp->domain);
    run->algorithm = str_or_null(c->algorithm);
    if (b->participation == FS_BENCH_COLLECTIVE) run->dtype = fs_strdup(dtype_name(c->dtype));
    run->ranks = c->nranks;
    if (b->participation == FS_BENCH_PAIRS) run->pairs = c->pairs;
    if (b->windowed) run->window = c->window;
    if (b->participation == FS_BENCH_PAIRS) {
        run->peer_hosts[0] = fs_strdup(env->hosts->name[0]);
        run->peer_hosts[1] = fs_strdup(env->hosts->name[c->nranks / 2]);
    }
    run->validated = env->opt->validate;
    run->attributes = json_object();
    if (tp->ops->describe) tp->ops->describe(tp, run->attributes);
    run->notes = json_array();
    if (b->run_extra) {
        if (!run->extra) run->extra = json_object();
        b->run_extra(c, run->extra);
    }
    return run;
}

/* The link probe (probe.h), before the points and after them: on rank 0
 * appended to the run's link_probe, {"bytes", "one_way_us": [before,
 * after], "iterations": [...]}; every rank agrees on its outcome. */
static int probe_link(fs_sweep_env *env, fs_bench_ctx *c, fs_run *run)
{
    fs_transport *tp = c->tp;
    fs_watchdog_context("link probe", tp->ops->name, tp->provider, FS_PROBE_BYTES,
                        c->rank == 0               ? c->nranks / 2
                        : c->rank == c->nranks / 2 ? 0
                                                   : -1);
    double us;
    long n;
    int rc = fs_agree_error(env->rte, fs_link_probe(c, &us, &n), c->errmsg, c->errmsg_len);
    if (rc || !run || c->nranks < 2) return rc;
    fs_watchdog_lock();
    if (!run->extra) run->extra = json_object();
    json_t *p = json_object_get(run->extra, "link_probe");
    if (!p) {
        p = json_pack("{s:i,s:[],s:[]}", "bytes", FS_PROBE_BYTES, "one_way_us", "iterations");
        json_object_set_new(run->extra, "link_probe", p);
    }
    json_array_append_new(json_object_get(p, "one_way_us"),
                          isfinite(us) ? json_real(us) : json_null());
    json_array_append_new(json_object_get(p, "iterations"), json_integer(n));
    fs_watchdog_unlock();
    return 0;
}

/* Pair ranks [0,n/2) with [n/2,2(n/2)); only the first pair unless all_pairs. */
static void pair_up(const fs_bench *b, fs_bench_ctx *c)
{
    int half = c->nranks / 2, r = c->rank;
    c->pairs = b->all_pairs ? half : 1;
    c->peer = -1;
    c->initiator = false;
    if (b->participation != FS_BENCH_PAIRS) return;
    if (r < c->pairs) {
        c->peer = r + half;
        c->initiator = true;
    } else if (r >= half && r < half + c->pairs) {
        c->peer = r - half;
    }
}

static int check_runnable(const fs_sweep_env *env, fs_transport *tp, const fs_bench *b,
                          fs_bench_ctx *c)
{
    if (c->nranks < b->min_ranks) {
        fs_bench_fail(c, "%s needs at least %d ranks (this launch has %d)", b->name, b->min_ranks,
                      c->nranks);
        return FS_EINPUT;
    }
    if (b->needs_rma && !tp->caps.rma) {
        fs_bench_fail(c, "%s needs RMA write, which transport %s (provider %s) does not offer",
                      b->name, tp->ops->name, tp->provider);
        return FS_EINPUT;
    }
    (void)env;
    return 0;
}

int fs_sweep_run(fs_sweep_env *env, fs_transport *tp, const fs_bench *b, const char *algorithm,
                 char *errmsg, size_t len)
{
    if (b->run) return b->run(env, tp, errmsg, len);
    const fs_options *o = env->opt;
    fs_bench_ctx c = {
        .tp = tp,
        .rank = tp->rank,
        .nranks = tp->nranks,
        .algorithm = algorithm,
        .dtype = o->dtype,
        .skew = o->skew,
        .errmsg = errmsg,
        .errmsg_len = len,
    };
    pair_up(b, &c);
    if (env->status) fs_status_run(env->status);
    int rc = check_runnable(env, tp, b, &c);
    if (rc) return fs_agree_error(env->rte, rc, errmsg, len);

    c.window = b->windowed ? o->window : 1;
    json_t *notes = json_array();
    if (b->windowed) {
        size_t depth =
            tp->caps.tx_depth < tp->caps.rx_depth ? tp->caps.tx_depth : tp->caps.rx_depth;
        if ((size_t)c.window > depth) {
            char note[160];
            snprintf(note, sizeof note, "window %d capped at the provider's queue depth %zu",
                     c.window, depth);
            json_array_append_new(notes, json_string(note));
            c.window = (int)depth;
        }
    }
    size_t max_bytes = o->sizes.v[o->sizes.n - 1];
    c.buf_bytes = b->buffer_bytes ? b->buffer_bytes(max_bytes, c.nranks, c.window) : max_bytes;
    if (c.buf_bytes == 0) c.buf_bytes = 1;
    c.reqs = calloc((size_t)(2 * c.window + 2), sizeof *c.reqs);
    c.rkeys = calloc((size_t)c.nranks, sizeof *c.rkeys);
    if (posix_memalign(&c.sbuf, 4096, c.buf_bytes) || posix_memalign(&c.rbuf, 4096, c.buf_bytes) ||
        !c.reqs || !c.rkeys) {
        rc = fs_bench_fail(&c, "cannot allocate %zu-byte buffers", c.buf_bytes);
    }
    /* Each step of the set-up that ends is progress for the watchdog
     * (touching and registering large buffers takes a while). */
    if (!rc) {
        memset(c.sbuf, 0, c.buf_bytes);
        memset(c.rbuf, 0, c.buf_bytes);
        fs_watchdog_beat();
        rc = tp->ops->mr_reg(tp, c.sbuf, c.buf_bytes, &c.smr);
        fs_watchdog_beat();
        if (!rc) rc = tp->ops->mr_reg(tp, c.rbuf, c.buf_bytes, &c.rmr);
        fs_watchdog_beat();
        if (rc) snprintf(errmsg, len, "%s", tp->errmsg);
    }
    rc = fs_agree_error(env->rte, rc, errmsg, len);
    if (!rc && b->needs_rma) {
        fs_watchdog_wait_begin(); /* collective */
        rc = tp->ops->rma_expose(tp, c.rmr, c.rkeys);
        fs_watchdog_wait_end();
        if (rc) snprintf(errmsg, len, "%s", tp->errmsg);
        rc = fs_agree_error(env->rte, rc, errmsg, len);
    }
    if (!rc && b->algorithm_ok) rc = fs_agree_error(env->rte, b->algorithm_ok(&c), errmsg, len);
    bool set_up = false;
    if (!rc && b->setup) {
        fs_watchdog_wait_begin(); /* collective */
        int src = b->setup(&c);
        fs_watchdog_wait_end();
        rc = fs_agree_error(env->rte, src, errmsg, len);
        set_up = rc == 0;
    }

    fs_run *run = NULL;
    /* --nics: each host's NICs (collective; rank 0 gets them). */
    json_t *nics = !rc && o->nics ? fs_nics_run(env->rte, tp, env->hosts) : NULL;
    if (!rc && env->harness->rank == 0) {
        fs_watchdog_lock();
        run = add_run(env, tp, b, &c);
        if (run) json_array_extend(run->notes, notes);
        if (run && nics) {
            if (!run->extra) run->extra = json_object();
            json_object_set(run->extra, "nics", nics);
        }
        fs_watchdog_unlock();
        char title[512];
        snprintf(title, sizeof title, "transport %s, provider %s%s%s, %d ranks, %d pair%s%s%s",
                 tp->ops->name, tp->provider, tp->fabric[0] ? ", fabric " : "", tp->fabric,
                 c.nranks, c.pairs, c.pairs == 1 ? "" : "s", algorithm ? ", algorithm " : "",
                 algorithm ? algorithm : "");
        if (b->participation == FS_BENCH_COLLECTIVE)
            snprintf(title, sizeof title, "transport %s, provider %s, %d ranks, algorithm %s",
                     tp->ops->name, tp->provider, c.nranks, algorithm ? algorithm : "-");
        if (o->format == FS_TABLE_OSU)
            fs_bench_table_osu_header(stdout, b, &c);
        else
            fs_bench_table_header(stdout, b, title);
    }
    json_decref(notes);
    json_decref(nics);

    fs_harness_cfg cfg = {
        .precision = o->precision,
        .time_per_size = o->time_per_size,
        .min_time = o->min_time,
        .min_iters = o->min_iters,
        .min_iters_hard = o->min_iters_given,
        .max_iters = o->max_iters,
        .fixed_iters = o->fixed_iters,
        .warmup = o->warmup,
        .validate = o->validate,
    };
    double last_moved = -1;
    if (!rc) rc = probe_link(env, &c, run);
    fs_path_proof *proof = run ? fs_path_proof_begin() : NULL; /* NIC counters around the run */
    for (size_t k = 0; !rc && k < o->sizes.n; k++) {
        c.bytes = o->sizes.v[k];
        /* A collective moves whole elements: sizes that round to what was
         * just measured would only repeat the point (1, 2, 4 B of float32). */
        if (b->participation == FS_BENCH_COLLECTIVE && b->bytes_per_iter) {
            double moved = b->bytes_per_iter(&c);
            if (moved == last_moved) {
                if (env->status) fs_status_point_done(env->status, -1);
                continue;
            }
            last_moved = moved;
        }
        double t_point = fs_now_s();
        if (env->status)
            fs_status_point(env->status, b->name, tp->ops->name, tp->provider, k + 1, o->sizes.n,
                            c.bytes);
        fs_bench_point p;
        fs_watchdog_context(b->name, tp->ops->name, tp->provider, c.bytes,
                            b->participation == FS_BENCH_PAIRS ? c.peer : -1);
        fs_nics_snap nsnap = {0};
        if (o->nics) fs_nics_snap_take(tp, &nsnap);
        rc = fs_harness_point(env->harness, b, &c, &cfg, &p);
        /* --nics: what each NIC sent during the point (collective). */
        json_t *nics_point =
            !rc ? fs_nics_point(env->rte, tp, &nsnap, env->hosts, p.bandwidth_GBps) : NULL;
        if (rc) {
            /* Say what was being measured and, for a pair, who went quiet. */
            char why[512];
            snprintf(why, sizeof why, "%s", errmsg[0] ? errmsg : tp->errmsg);
            if (!env->harness->failed_alone) {
                snprintf(errmsg, len, "%s", why);
            } else if (b->participation == FS_BENCH_PAIRS && rc == FS_ETIMEOUT) {
                snprintf(errmsg, len, "%s over %s/%s at %zu bytes: %s; rank %d did not answer",
                         b->name, tp->ops->name, tp->provider, c.bytes, why, c.peer);
            } else {
                snprintf(errmsg, len, "%s over %s/%s at %zu bytes: %s", b->name, tp->ops->name,
                         tp->provider, c.bytes, why);
            }
            break;
        }
        if (env->harness->rank == 0) {
            fs_watchdog_lock();
            fs_err perr = {0};
            fs_point *rp = run ? fs_run_new_point(run, &perr) : NULL;
            if (rp) fs_bench_point_to_result(&p, rp);
            /* What ran at this size ("auto" resolves per size). */
            const char *ran = b->algorithm_at ? b->algorithm_at(&c) : NULL;
            if (rp && ran) rp->algorithm = fs_strdup(ran);
            if (rp && b->point_extra) {
                if (!rp->extra) rp->extra = json_object();
                b->point_extra(&c, rp->extra);
            }
            if (rp && nics_point) {
                if (!rp->extra) rp->extra = json_object();
                json_object_set(rp->extra, "nics", nics_point);
            }
            if (p.window_vs_median < 0.5) {
                char note[300];
                snprintf(note, sizeof note,
                         "%s at %zu bytes: the pairs' rate over the window (reported) is %.0f%% "
                         "of what their median iteration implies: they stalled (descheduled "
                         "ranks or contention); the p50 column is the undisturbed pace",
                         b->name, c.bytes, 100 * p.window_vs_median);
                if (run) json_array_append_new(run->notes, json_string(note));
                if (!o->quiet) fprintf(stderr, "fabscale-bench: note: %s\n", note);
            }
            if (p.bytes != c.bytes) {
                char note[300];
                snprintf(note, sizeof note,
                         "%zu bytes rounded to %zu: whole %s elements (reduce_scatter, "
                         "allgather and alltoall: whole blocks per rank; alltoallv: the mean a "
                         "rank sends as --skew routes it, tokens over capacity dropped)",
                         c.bytes, p.bytes, dtype_name(c.dtype));
                if (run) json_array_append_new(run->notes, json_string(note));
            }
            if (o->format == FS_TABLE_OSU)
                fs_bench_table_osu_row(stdout, b, &c, &p);
            else
                fs_bench_table_row(stdout, b, &p);
            if (env->status) fs_status_point_done(env->status, fs_now_s() - t_point);
            /* Save after every size: a crash later loses nothing measured
             * (a failing write is said once; the end writes a fallback). */
            char werr[8];
            fs_sweep_save(env, false, werr, sizeof werr);
            fs_watchdog_unlock();
        }
        json_decref(nics_point);
    }
    if (run && tp->ops->describe) {
        /* Again after the points, so what the transport counts (chunked
         * messages, -FI_EAGAIN retries, ...) includes this run. */
        fs_watchdog_lock();
        json_t *attrs = json_object();
        tp->ops->describe(tp, attrs);
        json_decref(run->attributes);
        run->attributes = attrs;
        fs_watchdog_unlock();
    }
    fs_path_proof_end(proof, tp, run, env->hosts);
    /* after the counters: the probe's messages are not the run's */
    if (!rc) rc = probe_link(env, &c, run);
    if (set_up && b->teardown) b->teardown(&c);
    if (c.smr) tp->ops->mr_dereg(tp, c.smr);
    if (c.rmr) tp->ops->mr_dereg(tp, c.rmr);
    free(c.sbuf);
    free(c.rbuf);
    free(c.reqs);
    free(c.rkeys);
    return rc;
}
