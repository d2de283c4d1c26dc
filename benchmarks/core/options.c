/* options.c - parsing of the fabscale-bench command line (no MPI, no I/O
 * besides --help/--version, so unit tests can drive it). */
#include "options.h"

#include "collectives.h"
#include "status.h"
#include "table.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SIZES "1:4M"

void fs_options_usage(void *outp)
{
    FILE *out = outp;
    fprintf(out,
            "Usage: mpirun [MPI options] fabscale-bench [options]\n"
            "\n"
            "Measures point-to-point latency, bandwidth and message rate, RMA writes and\n"
            "collectives over MPI and libfabric, with adaptive iteration counts and\n"
            "per-iteration statistics.  Table on stdout, progress on stderr, results as\n"
            "JSON (schema fabscale.results/1) and CSV.  Every run also records its link\n"
            "probe: an 8-byte ping-pong between ranks 0 and N/2 before and after its points\n"
            "(10 ms or 1000 round trips each), so that `fabscale predict` can tell a link that\n"
            "changed between benchmarks from a model that is wrong.\n"
            "\n"
            "Selection:\n"
            "  -t, --transport LIST    mpi,ofi (default mpi); each is a separate run\n"
            "  -p, --provider LIST     libfabric providers for ofi, e.g. shm,\"tcp;ofi_rxm\",efa\n"
            "                          (default: the first RDM provider fi_getinfo returns)\n"
            "      --fabric NAME       libfabric fabric (e.g. efa or efa-direct)\n"
            "      --domain NAME       libfabric domain (e.g. rdmap0s31-rdm)\n"
            "      --nics all|LIST     libfabric: one endpoint per NIC (\"rail\"), traffic\n"
            "                          spread over them; LIST: domain names (tcp: the\n"
            "                          interface, efa: the device, e.g. rdmap16s27-rdm)\n"
            "  -b, --bench LIST        benchmarks (default latency,bw,bibw,msgrate):\n");
    for (int i = 0; fs_benches[i]; i++)
        fprintf(out, "                            %-15s %s\n", fs_benches[i]->name,
                fs_benches[i]->summary);
    fprintf(out,
            "  -a, --algorithm LIST    collectives (default: native where the transport\n"
            "                          has its own, else auto):\n"
            "                            %-15s the library's own (MPI_Allreduce, ...) on",
            "native");
    for (int i = 0, k = 0; fs_transports[i]; i++)
        if (fs_transports[i]->coll) fprintf(out, "%s %s", k++ ? "," : "", fs_transports[i]->name);
    fprintf(out, "\n");
    for (int i = 0; fs_coll_algorithms[i]; i++) {
        const fs_coll_algorithm *a = fs_coll_algorithms[i];
        fprintf(out, "                            %-15s %s", a->name, a->summary);
        /* The operations it has no form for (tests/collectives read this). */
        for (int op = 0, k = 0; op < FS_COLL_NOPS; op++)
            if (!a->run[op]) fprintf(out, "%s%s", k++ ? ", " : "; not ", fs_coll_op_name(op));
        fprintf(out, "\n");
    }
    fprintf(out, "                            %-15s %s\n", "auto",
            "picks one per operation, size and rank count");
    fprintf(out,
            "      --dtype T           collectives: float32 (default), float64, bfloat16\n"
            "      --skew SPEC         alltoallv's per-peer sizes: uniform (default),\n"
            "                          zipf:s=1.1,experts=64,topk=2,capacity=1.25 or\n"
            "                          matrix:FILE (ranks x ranks bytes or weights)\n"
            "  -s, --sizes SPEC        MIN:MAX powers of two, or a list A,B,C (default\n"
            "                          " DEFAULT_SIZES ")\n"
            "      --half-steps        with MIN:MAX, also the 1.5x sizes between\n"
            "  -w, --window N          messages in flight for bw/bibw/msgrate (default 64;\n"
            "                          capped by the provider's queue depth)\n"
            "\n"
            "Statistics:\n"
            "      --precision F       stop when the median's 95%% confidence interval\n"
            "                          (order statistics) is within F x median (default\n"
            "                          0.01), after --min-iters and --min-time\n"
            "      --time-per-size S   timed budget per size in seconds (default 1.0); a\n"
            "                          point may end before the default 20 iterations\n"
            "                          when they cannot fit in it (a slow link)\n"
            "      --min-time S        time the iterations for at least S seconds before\n"
            "                          the precision may stop a point (default 0.02)\n"
            "      --min-iters N       and at least N iterations (default 20; given, a\n"
            "                          floor the budget does not cut)\n"
            "      --max-iters N       at most N timed iterations (default 1000000)\n"
            "  -i, --iterations N      fixed count: exactly N iterations, no adaptivity\n"
            "      --warmup N          warm-up iterations (default 100 below 64 KiB, else\n"
            "                          10; never more than 10%% of the budget)\n"
            "      --validate          check every received payload (untimed, after the\n"
            "                          timed iterations); a mismatch names ranks and offset\n"
            "      --timeout S         abort when a rank at work sees no completion (nor\n"
            "                          bytes on its sockets) for S seconds (default 60;\n"
            "                          0 = never); a rank waiting for the others (an idle\n"
            "                          rank, a barrier) is given 10 x S\n"
            "      --bind core|none    bind each rank the launcher left unbound to its own\n"
            "                          core (default core); a launcher's binding (mpirun\n"
            "                          --bind-to, srun --cpu-bind) is kept as it is, and\n"
            "                          so is --bind-to none / --cpu-bind=none.  Who\n"
            "                          placed each rank: meta.rank_bound_by\n"
            "      --emulate-efa       libfabric: force the strict paths EFA needs\n"
            "      --quick             pairwise: ring + ceil(log2 hosts) rounds, then confirm\n"
            "\n"
            "Output:\n"
            "  -o, --output FILE       JSON results, written atomically after every size;\n"
            "                          checked before anything is measured, and if a\n"
            "                          write fails later the results go to a fallback\n"
            "                          file named at the end\n"
            "      --csv FILE          CSV results, one row per size\n"
            "      --force             overwrite an existing output file\n"
            "      --append            add this launch's runs to an existing results file\n"
            "      --format F          the table on stdout: fabscale (default; the median\n"
            "                          and extras) or osu (OSU 7.x's exact headers, widths\n"
            "                          and average, for diff against osu_latency, osu_bw)\n"
            "      --progress P        on stderr: auto (default: one updating status line\n"
            "                          with the launch's ETA on a terminal, else a line\n"
            "                          every 10 s at most), line, log or none\n"
            "  -q, --quiet             no progress on stderr (--progress none)\n"
            "      --list-providers    list libfabric RDM providers and exit (with --json:\n"
            "                          as JSON)\n"
            "  -h, --help              this text\n"
            "  -V, --version           version\n"
            "\n" FS_SIZE_GRAMMAR_HELP "\n"
            "Latency is half the round trip; bandwidth = bytes moved per iteration / median\n"
            "iteration time; collectives report the slowest rank's time per iteration,\n"
            "algbw and busbw (nccl-tests factors).  Exit status: 0 success, 1 runtime\n"
            "failure, 2 bad usage or input.\n");
}

/* Split a comma list into storage-backed strings. */
static int split_list(fs_options *o, size_t *used, const char *arg, const char **dst, int *n,
                      const char *what, char *why, size_t whylen)
{
    size_t len = strlen(arg) + 1;
    if (*used + len > sizeof o->storage) {
        snprintf(why, whylen, "%s list too long", what);
        return -1;
    }
    char *copy = o->storage + *used;
    memcpy(copy, arg, len);
    *used += len;
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == FS_MAX_LIST) {
            snprintf(why, whylen, "%s: more than %d entries", what, FS_MAX_LIST);
            return -1;
        }
        dst[(*n)++] = tok;
    }
    if (*n == 0) {
        snprintf(why, whylen, "%s: empty list", what);
        return -1;
    }
    return 0;
}

static int parse_double(const char *s, const char *opt, double lo, double *out, char *why,
                        size_t whylen)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo) {
        snprintf(why, whylen, "%s: \"%s\" is not a number >= %g", opt, s, lo);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_long(const char *s, const char *opt, long lo, long *out, char *why, size_t whylen)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo) {
        snprintf(why, whylen, "%s: \"%s\" is not an integer >= %ld", opt, s, lo);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_dtype(const char *s, fs_dtype *out)
{
    for (int dt = 0; dt < FS_COLL_NDTYPES; dt++)
        if (strcmp(s, fs_coll_dtype_name((fs_coll_dtype)dt)) == 0) {
            *out = (fs_coll_dtype)dt;
            return 0;
        }
    return -1;
}

enum {
    OPT_FABRIC = 256,
    OPT_DOMAIN,
    OPT_NICS,
    OPT_DTYPE,
    OPT_SKEW,
    OPT_HALF,
    OPT_PRECISION,
    OPT_TIME,
    OPT_MIN_TIME,
    OPT_MIN,
    OPT_MAX,
    OPT_WARMUP,
    OPT_VALIDATE,
    OPT_TIMEOUT,
    OPT_BIND,
    OPT_EFA,
    OPT_CSV,
    OPT_FORCE,
    OPT_APPEND,
    OPT_LIST,
    OPT_JSON,
    OPT_QUICK,
    OPT_FORMAT,
    OPT_PROGRESS,
};

int fs_options_parse(int argc, char **argv, fs_options *o, char *why, size_t whylen, void *outp)
{
    static const struct option longopts[] = {
        {"transport", required_argument, 0, 't'},
        {"provider", required_argument, 0, 'p'},
        {"fabric", required_argument, 0, OPT_FABRIC},
        {"domain", required_argument, 0, OPT_DOMAIN},
        {"nics", required_argument, 0, OPT_NICS},
        {"bench", required_argument, 0, 'b'},
        {"algorithm", required_argument, 0, 'a'},
        {"dtype", required_argument, 0, OPT_DTYPE},
        {"skew", required_argument, 0, OPT_SKEW},
        {"sizes", required_argument, 0, 's'},
        {"half-steps", no_argument, 0, OPT_HALF},
        {"window", required_argument, 0, 'w'},
        {"precision", required_argument, 0, OPT_PRECISION},
        {"time-per-size", required_argument, 0, OPT_TIME},
        {"min-time", required_argument, 0, OPT_MIN_TIME},
        {"min-iters", required_argument, 0, OPT_MIN},
        {"max-iters", required_argument, 0, OPT_MAX},
        {"iterations", required_argument, 0, 'i'},
        {"warmup", required_argument, 0, OPT_WARMUP},
        {"validate", no_argument, 0, OPT_VALIDATE},
        {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"bind", required_argument, 0, OPT_BIND},
        {"emulate-efa", no_argument, 0, OPT_EFA},
        {"output", required_argument, 0, 'o'},
        {"csv", required_argument, 0, OPT_CSV},
        {"force", no_argument, 0, OPT_FORCE},
        {"append", no_argument, 0, OPT_APPEND},
        {"quiet", no_argument, 0, 'q'},
        {"format", required_argument, 0, OPT_FORMAT},
        {"progress", required_argument, 0, OPT_PROGRESS},
        {"list-providers", no_argument, 0, OPT_LIST},
        {"json", no_argument, 0, OPT_JSON},
        {"quick", no_argument, 0, OPT_QUICK},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    *o = (fs_options){
        .precision = 0.01,
        .time_per_size = 1.0,
        .min_time = 0.02,
        .min_iters = 20,
        .max_iters = 1000000,
        .warmup = -1,
        .window = 64,
        .timeout = 60,
        .bind = "core",
        .dtype = FS_COLL_FLOAT32,
    };
    size_t used = 0;
    const char *sizes = DEFAULT_SIZES, *bench_list = "latency,bw,bibw,msgrate";
    bool half = false;
    const char *bench_names[FS_MAX_LIST];
    int nbench_names = 0;
    long lv = 0;

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":t:p:b:a:s:w:i:o:qhV", longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 't':
            rc = split_list(o, &used, optarg, o->transports, &o->ntransports, "--transport", why,
                            whylen);
            break;
        case 'p':
            rc = split_list(o, &used, optarg, o->providers, &o->nproviders, "--provider", why,
                            whylen);
            break;
        case OPT_FABRIC:
            o->fabric = optarg;
            break;
        case OPT_DOMAIN:
            o->domain = optarg;
            break;
        case OPT_NICS:
            if (!optarg[0]) {
                snprintf(why, whylen, "--nics: empty list (all, or domain names)");
                rc = -1;
            }
            o->nics = optarg;
            break;
        case 'b':
            bench_list = optarg;
            break;
        case 'a':
            rc = split_list(o, &used, optarg, o->algorithms, &o->nalgorithms, "--algorithm", why,
                            whylen);
            break;
        case OPT_DTYPE:
            if (parse_dtype(optarg, &o->dtype)) {
                snprintf(why, whylen,
                         "--dtype: unknown type \"%s\" (use float32, float64 or bfloat16)", optarg);
                rc = -1;
            }
            break;
        case OPT_SKEW: /* read by alltoallv's setup (a matrix file is I/O) */
            o->skew = optarg;
            break;
        case 's':
            sizes = optarg;
            break;
        case OPT_HALF:
            half = true;
            break;
        case 'w':
            rc = parse_long(optarg, "--window", 1, &lv, why, whylen);
            if (!rc && lv > 1 << 20) {
                snprintf(why, whylen, "--window: %ld is larger than %d", lv, 1 << 20);
                rc = -1;
            }
            o->window = (int)lv;
            break;
        case OPT_PRECISION:
            rc = parse_double(optarg, "--precision", 1e-6, &o->precision, why, whylen);
            break;
        case OPT_TIME:
            rc = parse_double(optarg, "--time-per-size", 1e-3, &o->time_per_size, why, whylen);
            break;
        case OPT_MIN_TIME:
            rc = parse_double(optarg, "--min-time", 0, &o->min_time, why, whylen);
            break;
        case OPT_MIN:
            rc = parse_long(optarg, "--min-iters", 2, &o->min_iters, why, whylen);
            o->min_iters_given = true;
            break;
        case OPT_MAX:
            rc = parse_long(optarg, "--max-iters", 2, &o->max_iters, why, whylen);
            break;
        case 'i':
            rc = parse_long(optarg, "--iterations", 1, &o->fixed_iters, why, whylen);
            break;
        case OPT_WARMUP:
            rc = parse_long(optarg, "--warmup", 0, &o->warmup, why, whylen);
            break;
        case OPT_VALIDATE:
            o->validate = true;
            break;
        case OPT_TIMEOUT:
            rc = parse_double(optarg, "--timeout", 0, &o->timeout, why, whylen);
            break;
        case OPT_BIND:
            if (strcmp(optarg, "core") && strcmp(optarg, "none")) {
                snprintf(why, whylen, "--bind: \"%s\" is not core or none", optarg);
                rc = -1;
            }
            o->bind = optarg;
            break;
        case OPT_EFA:
            o->emulate_efa = true;
            break;
        case 'o':
            o->output = optarg;
            break;
        case OPT_CSV:
            o->csv = optarg;
            break;
        case OPT_FORCE:
            o->force = true;
            break;
        case OPT_APPEND:
            o->append = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "fabscale") == 0) {
                o->format = FS_TABLE_FABSCALE;
            } else if (strcmp(optarg, "osu") == 0) {
                o->format = FS_TABLE_OSU;
            } else {
                snprintf(why, whylen, "--format: \"%s\" is not fabscale or osu", optarg);
                rc = -1;
            }
            break;
        case OPT_PROGRESS: {
            static const char *const modes[] = {"auto", "line", "log", "none"};
            rc = -1;
            for (int m = 0; m < 4; m++)
                if (strcmp(optarg, modes[m]) == 0) o->progress = m, rc = 0;
            if (rc)
                snprintf(why, whylen, "--progress: \"%s\" is not auto, line, log or none", optarg);
            break;
        }
        case OPT_LIST:
            o->list_providers = true;
            break;
        case OPT_QUICK:
            o->quick = true;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case 'h':
            fs_options_usage(outp);
            return FS_OPT_EXIT_OK;
        case 'V':
            fprintf(outp, "fabscale-bench %s\n", FS_VERSION);
            return FS_OPT_EXIT_OK;
        case ':':
            snprintf(why, whylen, "%s needs a value", argv[optind - 1]);
            return FS_OPT_BAD;
        default:
            snprintf(why, whylen, "unknown option \"%s\" (see --help)", argv[optind - 1]);
            return FS_OPT_BAD;
        }
        if (rc) return FS_OPT_BAD;
    }
    if (optind < argc) {
        snprintf(why, whylen, "unexpected argument \"%s\" (see --help)", argv[optind]);
        return FS_OPT_BAD;
    }
    if (o->quiet) o->progress = FS_PROGRESS_NONE;
    if (o->ntransports == 0) o->transports[o->ntransports++] = "mpi";
    for (int i = 0; i < o->ntransports; i++) {
        if (!fs_transport_find(o->transports[i])) {
            int k = snprintf(why, whylen,
                             "--transport: unknown transport \"%s\" (known:", o->transports[i]);
            for (int j = 0; fs_transports[j] && k > 0 && (size_t)k < whylen; j++)
                k += snprintf(why + k, whylen - (size_t)k, " %s", fs_transports[j]->name);
            if (k > 0 && (size_t)k < whylen) snprintf(why + k, whylen - (size_t)k, ")");
            return FS_OPT_BAD;
        }
    }
    if (split_list(o, &used, bench_list, bench_names, &nbench_names, "--bench", why, whylen))
        return FS_OPT_BAD;
    for (int i = 0; i < nbench_names; i++) {
        const fs_bench *b = fs_bench_find(bench_names[i]);
        if (!b) {
            int k =
                snprintf(why, whylen, "--bench: unknown benchmark \"%s\" (known:", bench_names[i]);
            for (int j = 0; fs_benches[j] && k > 0 && (size_t)k < whylen; j++)
                k += snprintf(why + k, whylen - (size_t)k, " %s", fs_benches[j]->name);
            if (k > 0 && (size_t)k < whylen) snprintf(why + k, whylen - (size_t)k, ")");
            return FS_OPT_BAD;
        }
        o->benches[o->nbenches++] = b;
    }
    if (fs_parse_sizes(sizes, half, &o->sizes, why, whylen)) return FS_OPT_BAD;
    if (o->min_iters > o->max_iters) {
        snprintf(why, whylen, "--min-iters %ld is larger than --max-iters %ld", o->min_iters,
                 o->max_iters);
        return FS_OPT_BAD;
    }
    if (o->nics && o->domain) {
        snprintf(why, whylen, "--nics and --domain both choose domains; give one of them");
        return FS_OPT_BAD;
    }
    bool ofi = false;
    for (int i = 0; i < o->ntransports; i++) ofi |= strcmp(o->transports[i], "ofi") == 0;
    if (o->nics && !ofi) {
        snprintf(why, whylen, "--nics applies to the libfabric transport: add -t ofi");
        return FS_OPT_BAD;
    }
    if (o->force && o->append) {
        snprintf(why, whylen, "--force and --append contradict each other");
        return FS_OPT_BAD;
    }
    if (o->append && !o->output) {
        snprintf(why, whylen, "--append needs --output FILE");
        return FS_OPT_BAD;
    }
    return FS_OPT_RUN;
}
