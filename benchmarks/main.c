/* main.c - fabscale-bench: parse, bootstrap the runtime (MPI), sweep every
 * transport x provider x benchmark x algorithm, save results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "metadata.h"
#include "nics.h"
#include "options.h"
#include "results.h"
#include "rte_mpi.h"
#include "status.h"
#include "sweep.h"
#include "fault.h"
#include "watchdog.h"
#include "ofi.h"

#define EXIT_USAGE 2

static bool any_needs_rma(const fs_options *o)
{
    for (int i = 0; i < o->nbenches; i++)
        if (o->benches[i]->needs_rma) return true;
    return false;
}

/* Every transport x benchmark x algorithm the launch will run, checked
 * before anything is measured: an algorithm a transport cannot run (native
 * over ofi, ring for all-to-all) or a transport not compiled in is bad
 * input found in the first second, not after the runs before it.  The
 * checks are the benchmarks' own (algorithm_ok), on a transport that only
 * names its operations. */
static int check_plan(const fs_options *o, int nranks, char *msg, size_t len)
{
    for (int t = 0; t < o->ntransports; t++) {
        const struct fs_transport_ops *ops = fs_transport_find(o->transports[t]);
        if (!ops) {
            snprintf(msg, len, "transport %s is not compiled into this build", o->transports[t]);
            return FS_EINPUT;
        }
        fs_transport tp = {.ops = ops};
        for (int b = 0; b < o->nbenches; b++) {
            const fs_bench *bench = o->benches[b];
            if (!bench->has_algorithm || !bench->algorithm_ok) continue;
            int nalg = o->nalgorithms ? o->nalgorithms : 1;
            for (int a = 0; a < nalg; a++) {
                fs_bench_ctx c = {.tp = &tp,
                                  .nranks = nranks,
                                  .algorithm = o->nalgorithms ? o->algorithms[a]
                                               : ops->coll    ? "native"
                                                              : "auto",
                                  .errmsg = msg,
                                  .errmsg_len = len};
                if (bench->algorithm_ok(&c)) return FS_EINPUT;
            }
        }
    }
    return 0;
}

/* Bad input or runtime failure: one line from rank 0, results kept. */
static int finish(fs_sweep_env *env, int rc, const char *msg)
{
    fs_watchdog_stop();
    if (env->rte->rank == 0) {
        /* Results that went to a fallback file are kept, but the file the
         * user named is missing: that is a failure of the launch. */
        if (env->doc &&
            (fs_sweep_save_final(env, rc == 0) || env->json_out.fallback[0] ||
             env->csv_out.fallback[0]) &&
            !rc)
            rc = FS_ERUNTIME;
        if (rc && msg && *msg) fprintf(stderr, "fabscale-bench: %s\n", msg);
        const char *where = fs_sweep_json_path(env);
        if (rc && env->doc && where)
            fprintf(stderr, "fabscale-bench: results so far are in %s\n", where);
        if (!rc && env->doc && env->opt->progress != FS_PROGRESS_NONE)
            fprintf(stderr, "[fabscale-bench] done in %.1f s%s%s\n", fs_now_s() - env->t_launch,
                    where ? ", results in " : "", where ? where : "");
    }
    fs_bench_results_free(env->doc);
    fs_rte_mpi_fini(env->rte);
    return rc == 0 ? 0 : rc == FS_EINPUT ? EXIT_USAGE : 1;
}

/* Watchdog, rank 0: keep what was measured before the job is aborted. */
static void save_partial(void *arg)
{
    fs_sweep_env *env = arg;
    if (env->status) fs_status_end(env->status); /* the terminal's rows back */
    env->status = NULL;
    if (!env->doc || !env->opt->output) return;
    fs_sweep_save_final(env, false);
    const char *where = fs_sweep_json_path(env);
    if (where) fprintf(stderr, "fabscale-bench: results so far are in %s\n", where);
}

/* Output file policy, decided on rank 0 and shared: every output can be
 * written (checked now, before anything is measured), none is overwritten
 * without --force, and --append reads the existing document. */
static int check_output(const fs_options *o, fs_results **appended, char *msg, size_t len)
{
    bool may_exist = o->force || o->append;
    if (o->output && o->csv && strcmp(o->output, o->csv) == 0 && strcmp(o->output, "-") != 0) {
        snprintf(msg, len, "--output and --csv both name %s", o->output);
        return FS_EINPUT;
    }
    if (fs_bench_output_check(o->output, may_exist, msg, len) ||
        fs_bench_output_check(o->csv, may_exist, msg, len))
        return FS_EINPUT;
    struct stat st;
    if (o->append && stat(o->output, &st) == 0) {
        *appended = fs_bench_results_load(o->output, msg, len);
        return *appended ? 0 : FS_EINPUT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    fs_rte *rte = fs_rte_mpi_init(&argc, &argv);
    if (!rte) {
        fprintf(stderr, "fabscale-bench: cannot start the MPI runtime: out of memory\n");
        return 1;
    }
    /* The libfabric transport exchanges addresses and keys over it too. */
    fs_ofi_set_rte(rte);
    int rank = rte->rank;
    fs_options opt;
    char msg[1024] = "";
    fs_sweep_env env = {.opt = &opt, .rte = rte, .t_launch = fs_now_s()};

    int prc = fs_options_parse(argc, argv, &opt, msg, sizeof msg,
                               rank == 0 ? stdout : fopen("/dev/null", "w"));
    if (prc == FS_OPT_EXIT_OK) return finish(&env, 0, NULL);
    if (prc == FS_OPT_BAD) return finish(&env, FS_EINPUT, msg);
    env.json_out.path = opt.output;
    env.csv_out = (fs_bench_output){.path = opt.csv, .csv = true};

    if (opt.list_providers) {
        int rc = 0;
        if (rank == 0) rc = fs_ofi_list_providers(stdout, opt.json);
        fs_rte_bcast(rte, &rc, sizeof rc, 0);
        return finish(&env, rc, rc ? "fi_getinfo found no RDM provider on this host" : NULL);
    }

    /* From here on a rank that stops is noticed: start-up (binding, the
     * topology, metadata gathers, transport initialisation) is a set-up
     * phase with the waiting rank's limit (see watchdog.h). */
    int rc = fs_watchdog_start(opt.timeout, rte, save_partial, &env) ? FS_ERUNTIME : 0;
    if (rc) snprintf(msg, sizeof msg, "cannot start the watchdog thread");
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);

    rc = fs_fault_init(rank, msg, sizeof msg) ? FS_EINPUT : 0;
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);

    rc = check_plan(&opt, rte->size, msg, sizeof msg);
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);

    fs_results *appended = NULL;
    rc = rank == 0 ? check_output(&opt, &appended, msg, sizeof msg) : 0;
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);

    /* Host names, once for the launch: binding, metadata and the runs. */
    fs_hostmap hosts;
    rc = fs_hostmap_gather(rte, &hosts) ? FS_ERUNTIME : 0;
    if (rc) snprintf(msg, sizeof msg, "cannot gather the ranks' host names: out of memory");
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);
    env.hosts = &hosts;
    if (strcmp(opt.bind, "core") == 0 && opt.nics) {
        /* Next to the NICs (nics.h); an unknown NIC name ends the run here. */
        fs_transport_opts nopts = {.provider = opt.nproviders ? opt.providers[0] : NULL,
                                   .fabric = opt.fabric,
                                   .nics = opt.nics};
        rc = fs_nics_place(rte, &hosts, &nopts, msg, sizeof msg);
        if ((rc = fs_agree_error(rte,
                                 rc == FS_EINPUT ? FS_EINPUT
                                 : rc            ? FS_ERUNTIME
                                                 : 0,
                                 msg, sizeof msg)))
            return finish(&env, rc, msg);
    } else if (strcmp(opt.bind, "core") == 0) {
        rc = fs_bind_rank(rte, &hosts, msg, sizeof msg);
        if ((rc = fs_agree_error(rte, rc ? FS_ERUNTIME : 0, msg, sizeof msg)))
            return finish(&env, rc, msg);
    }
    /* Oversubscribed (or FS_YIELD): waiting ranks yield their core. */
    bool yield_idle =
        fs_yield_when_idle(hosts.local_size, sysconf(_SC_NPROCESSORS_ONLN), getenv("FS_YIELD"));
    json_t *meta = fs_metadata_collect(rte, &hosts, argc, argv);
    if (rank == 0) {
        /* What decides how the run behaves: the options, and the
         * environment knobs (FS_COLL_CHUNK, FS_YIELD, FS_FAULT, FI_*,
         * OMPI_MCA_*) under their own names. */
        json_t *settings = json_pack(
            "{s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:i, s:f}", "precision", opt.precision,
            "time_per_size_s", opt.time_per_size, "min_time_s", opt.min_time, "min_iterations",
            (json_int_t)opt.min_iters, "max_iterations", (json_int_t)opt.max_iters,
            "fixed_iterations", (json_int_t)opt.fixed_iters, "warmup_iterations",
            (json_int_t)opt.warmup, "window", opt.window, "timeout_s", opt.timeout);
        json_object_set_new(settings, "bind", json_string(opt.bind));
        /* Rank 0's host; an oversubscribed host elsewhere decides its own. */
        json_object_set_new(settings, "yield_when_idle", json_boolean(yield_idle));
        if (opt.nics) json_object_set_new(settings, "nics", json_string(opt.nics));
        fs_metadata_add_env_knobs(settings);
        json_object_set_new(meta, "settings", settings);
        fs_watchdog_lock(); /* the watchdog saves env.doc */
        if (appended) {
            /* Keep the file's own meta; record this launch's beside it. */
            fs_bench_results_add_launch(appended, meta);
            env.doc = appended;
        } else {
            env.doc = fs_bench_results_new(meta);
        }
        fs_watchdog_unlock();
    }
    fs_harness harness;
    /* --iterations above --max-iters is honoured: room for either. */
    long capacity = fs_harness_capacity(opt.max_iters, opt.fixed_iters);
    if (fs_harness_init(&harness, rte, capacity)) {
        snprintf(msg, sizeof msg, "cannot allocate room for %ld samples", capacity);
        rc = FS_ERUNTIME;
    }
    if ((rc = fs_agree_error(rte, rc, msg, sizeof msg))) return finish(&env, rc, msg);
    env.harness = &harness;
    /* The launch's plan, for the status line's ETA: every run, every size. */
    fs_status status;
    if (rank == 0) {
        int nruns = 0;
        for (int t = 0; t < opt.ntransports; t++) {
            bool ofi = strcmp(opt.transports[t], "ofi") == 0;
            int nprov = ofi && opt.nproviders ? opt.nproviders : 1;
            for (int b = 0; b < opt.nbenches; b++)
                nruns += nprov *
                         (opt.benches[b]->has_algorithm && opt.nalgorithms ? opt.nalgorithms : 1);
        }
        /* A point's budget, its warm-up tenth and the harness's between. */
        double guess = opt.fixed_iters > 0 ? 0.1 : 1.15 * opt.time_per_size;
        fs_status_start(&status, (fs_progress_mode)opt.progress, stderr, nruns,
                        (long)nruns * (long)opt.sizes.n, guess, fs_now_s());
        env.status = &status;
    }

    for (int t = 0; !rc && t < opt.ntransports; t++) {
        const struct fs_transport_ops *ops = fs_transport_find(opt.transports[t]);
        bool ofi = strcmp(opt.transports[t], "ofi") == 0;
        int nprov = ofi && opt.nproviders ? opt.nproviders : 1;
        if (!ops) {
            snprintf(msg, sizeof msg, "transport %s is not compiled into this build",
                     opt.transports[t]);
            rc = FS_EINPUT;
            break;
        }
        for (int p = 0; !rc && p < nprov; p++) {
            fs_transport tp = {.ops = ops};
            fs_transport_opts topts = {
                .provider = ofi && opt.nproviders ? opt.providers[p] : NULL,
                .fabric = opt.fabric,
                .domain = opt.domain,
                .nics = opt.nics,
                .need_rma = any_needs_rma(&opt),
                .emulate_efa = opt.emulate_efa,
                .max_bytes = opt.sizes.v[opt.sizes.n - 1],
                .timeout_s = opt.timeout,
                .yield_idle = yield_idle,
            };
            /* Collective (addresses are exchanged): a rank waits here for
             * the others, which the watchdog does not take for a hang. */
            char phase[256];
            snprintf(phase, sizeof phase, "initialisation of transport %s%s%s", ops->name,
                     topts.provider ? " provider " : "", topts.provider ? topts.provider : "");
            fs_watchdog_setup(phase);
            fs_watchdog_wait_begin();
            rc = ops->init(&tp, &topts);
            fs_watchdog_wait_end();
            if (rc) snprintf(msg, sizeof msg, "%s", tp.errmsg);
            if (!rc) fs_fault_wrap_transport(&tp);
            rc = fs_agree_error(rte, rc, msg, sizeof msg);
            for (int b = 0; !rc && b < opt.nbenches; b++) {
                const fs_bench *bench = opt.benches[b];
                const char *dflt = ops->coll ? "native" : "auto";
                int nalg = bench->has_algorithm && opt.nalgorithms ? opt.nalgorithms : 1;
                for (int a = 0; !rc && a < nalg; a++) {
                    const char *alg = !bench->has_algorithm ? NULL
                                      : opt.nalgorithms     ? opt.algorithms[a]
                                                            : dflt;
                    msg[0] = '\0';
                    /* Buffers allocated, touched and registered, set-up of
                     * the algorithm: until the first point begins. */
                    snprintf(phase, sizeof phase, "set-up of %s%s%s over %s/%s", bench->name,
                             alg ? " " : "", alg ? alg : "", ops->name, tp.provider);
                    fs_watchdog_setup(phase);
                    rc = fs_sweep_run(&env, &tp, bench, alg, msg, sizeof msg);
                    if (rc && harness.failed_alone) {
                        /* Peers are blocked on this rank: say why and end the job. */
                        fprintf(stderr, "fabscale-bench: rank %d: %s\n", rank, msg);
                        if (rank == 0) save_partial(&env);
                        fs_rte_abort(rte, 1, NULL);
                    }
                }
            }
            fs_watchdog_wait_begin();
            ops->fini(&tp);
            fs_watchdog_wait_end();
        }
    }
    if (env.status) fs_status_end(env.status);
    env.status = NULL;
    fs_watchdog_stop();
    fs_harness_fini(&harness);
    fs_hostmap_free(&hosts);
    return finish(&env, rc, msg);
}
