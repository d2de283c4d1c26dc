/*
 * train_opts.c - options of `fabscale train`, `compare` and `plan`
 * (see train_opts.h).
 */
#include "train_opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    O_MODEL = 256,
    O_PARAMS,
    O_GRAD_BYTES,
    O_ACT_BYTES,
    O_STATE_BYTES,
    O_HIDDEN,
    O_LAYERS,
    O_SEQ,
    O_VOCAB,
    O_FLOPS,
    O_COMPUTE_MS,
    O_TFLOPS,
    O_MFU,
    O_TP,
    O_PP,
    O_ZERO,
    O_FSDP,
    O_MICRO_BATCH,
    O_ACCUM,
    O_GLOBAL_BATCH,
    O_BUCKET,
    O_NO_OVERLAP,
    O_RECOMPUTE,
    O_LINK,
    O_NOMINAL,
    O_GPN,
    O_NPN,
    O_INTRA_GBPS,
    O_INTRA_ALPHA,
    O_REDUCE,
    O_INSTANCE,
    O_CATALOG,
    O_PRICES,
    O_PRICE,
    O_NO_COST,
    O_GPUS,
    O_MIN_EFF,
    O_TOKENS,
    O_SAMPLES,
    O_DEADLINE,
    O_JSON,
    O_CSV,
    O_HELP
};

#define ALL (FS_CMD_TRAIN | FS_CMD_COMPARE | FS_CMD_PLAN)
#define CP  (FS_CMD_COMPARE | FS_CMD_PLAN)

static const struct {
    struct option opt;
    int cmds;
} table[] = {
    {{"model", required_argument, NULL, O_MODEL}, ALL},
    {{"params", required_argument, NULL, O_PARAMS}, ALL},
    {{"grad-bytes", required_argument, NULL, O_GRAD_BYTES}, ALL},
    {{"act-bytes", required_argument, NULL, O_ACT_BYTES}, ALL},
    {{"state-bytes", required_argument, NULL, O_STATE_BYTES}, ALL},
    {{"hidden", required_argument, NULL, O_HIDDEN}, ALL},
    {{"layers", required_argument, NULL, O_LAYERS}, ALL},
    {{"seq", required_argument, NULL, O_SEQ}, ALL},
    {{"vocab", required_argument, NULL, O_VOCAB}, ALL},
    {{"flops-per-sample", required_argument, NULL, O_FLOPS}, ALL},
    {{"compute-ms", required_argument, NULL, O_COMPUTE_MS}, ALL},
    {{"tflops", required_argument, NULL, O_TFLOPS}, ALL},
    {{"mfu", required_argument, NULL, O_MFU}, ALL},
    {{"tp", required_argument, NULL, O_TP}, ALL},
    {{"pp", required_argument, NULL, O_PP}, ALL},
    {{"zero", required_argument, NULL, O_ZERO}, ALL},
    {{"fsdp", no_argument, NULL, O_FSDP}, ALL},
    {{"micro-batch", required_argument, NULL, O_MICRO_BATCH}, ALL},
    {{"accum", required_argument, NULL, O_ACCUM}, ALL},
    {{"global-batch", required_argument, NULL, O_GLOBAL_BATCH}, ALL},
    {{"bucket-mb", required_argument, NULL, O_BUCKET}, ALL},
    {{"no-overlap", no_argument, NULL, O_NO_OVERLAP}, ALL},
    {{"recompute", no_argument, NULL, O_RECOMPUTE}, ALL},
    {{"link", required_argument, NULL, O_LINK}, ALL},
    {{"nominal", required_argument, NULL, O_NOMINAL}, CP},
    {{"gpus-per-node", required_argument, NULL, O_GPN}, FS_CMD_TRAIN},
    {{"nics-per-node", required_argument, NULL, O_NPN}, FS_CMD_TRAIN},
    {{"intra-GBps", required_argument, NULL, O_INTRA_GBPS}, ALL},
    {{"intra-alpha-us", required_argument, NULL, O_INTRA_ALPHA}, ALL},
    {{"reduce-GBps", required_argument, NULL, O_REDUCE}, ALL},
    {{"instance", required_argument, NULL, O_INSTANCE}, ALL},
    {{"catalog", required_argument, NULL, O_CATALOG}, ALL},
    {{"prices", required_argument, NULL, O_PRICES}, CP},
    {{"price", required_argument, NULL, O_PRICE}, CP},
    {{"no-cost", no_argument, NULL, O_NO_COST}, CP},
    {{"gpus", required_argument, NULL, O_GPUS}, ALL},
    {{"min-efficiency", required_argument, NULL, O_MIN_EFF}, FS_CMD_TRAIN | FS_CMD_PLAN},
    {{"tokens", required_argument, NULL, O_TOKENS}, FS_CMD_PLAN},
    {{"samples", required_argument, NULL, O_SAMPLES}, FS_CMD_PLAN},
    {{"deadline", required_argument, NULL, O_DEADLINE}, FS_CMD_PLAN},
    {{"json", no_argument, NULL, O_JSON}, ALL},
    {{"csv", no_argument, NULL, O_CSV}, ALL},
    {{"help", no_argument, NULL, O_HELP}, ALL},
};
#define NOPT (sizeof table / sizeof table[0])

static const char *cmd_name(int cmd)
{
    return cmd == FS_CMD_TRAIN ? "train" : cmd == FS_CMD_COMPARE ? "compare" : "plan";
}

int fs_parse_count(const char *opt, const char *s, double *v, fs_err *err)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    double mul = 1;
    if (end != s && *end && !end[1]) {
        switch (toupper((unsigned char)*end)) {
        case 'K':
            mul = 1e3;
            end++;
            break;
        case 'M':
            mul = 1e6;
            end++;
            break;
        case 'B':
        case 'G':
            mul = 1e9;
            end++;
            break;
        case 'T':
            mul = 1e12;
            end++;
            break;
        default:
            break;
        }
    }
    if (end == s || *end || errno || !isfinite(d * mul) || !(d > 0))
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "%s: \"%s\" is not a count > 0 (a number, optionally with K, M, B/G or T)", opt, s);
    *v = d * mul;
    return 0;
}

int fs_parse_hours(const char *opt, const char *s, double *h, fs_err *err)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    double mul = 1;
    if (end != s && *end && !end[1]) {
        switch (tolower((unsigned char)*end)) {
        case 'h':
            mul = 1;
            end++;
            break;
        case 'd':
            mul = 24;
            end++;
            break;
        case 'w':
            mul = 168;
            end++;
            break;
        default:
            break;
        }
    }
    if (end == s || *end || errno || !isfinite(d) || !(d > 0))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s: \"%s\" is not a duration > 0 (hours, or with h, d or w)", opt, s);
    *h = d * mul;
    return 0;
}

static int one_int(const char *opt, const char *s, long lo, long hi, int *out, fs_err *err)
{
    long *v;
    size_t n;
    if (strchr(s, ':') || strchr(s, ','))
        return fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\": give one integer", opt, s);
    int rc = fs_cli_ints(opt, s, lo, hi, &v, &n, err);
    if (rc) return rc;
    *out = (int)v[0];
    free(v);
    return 0;
}

static int push(const char **arr, size_t *n, const char *opt, const char *v, fs_err *err)
{
    if (*n >= FS_TOPT_MAX) return fs_err_set(err, FS_EXIT_INPUT, "%s: given too many times", opt);
    arr[(*n)++] = v;
    return 0;
}

/* --instance: FILE=TYPE maps a results file; else a list of types. */
static int instance_opt(fs_train_opts *o, const char *v, fs_err *err)
{
    if (strchr(v, '=')) return push(o->maps, &o->nmaps, "--instance", v, err);
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 0) return fs_err_set(err, FS_EXIT_INPUT, "--instance \"%s\": empty type name", v);
        char *t = strndup(p, n);
        if (!t) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
        if (push(o->instances, &o->ninstances, "--instance", t, err)) {
            free(t);
            return FS_EXIT_INPUT;
        }
        p += n + (p[n] == ',');
    }
    return 0;
}

static int number(const char *opt, const char *s, bool zero_ok, double *v, fs_err *err)
{
    return fs_cli_number(opt, s, zero_ok, v, err);
}

static int option(fs_train_opts *o, int c, const char *opt, const char *a, fs_err *err)
{
    switch (c) {
    case O_MODEL:
        o->model = a;
        return 0;
    case O_PARAMS:
        return fs_parse_count(opt, a, &o->params, err);
    case O_GRAD_BYTES:
        return number(opt, a, false, &o->grad_bytes, err);
    case O_ACT_BYTES:
        return number(opt, a, false, &o->act_bytes, err);
    case O_STATE_BYTES:
        return number(opt, a, false, &o->state_bytes, err);
    case O_HIDDEN:
        return fs_parse_count(opt, a, &o->hidden, err);
    case O_LAYERS:
        return fs_parse_count(opt, a, &o->layers, err);
    case O_SEQ:
        return fs_parse_count(opt, a, &o->seq, err);
    case O_VOCAB:
        return fs_parse_count(opt, a, &o->vocab, err);
    case O_FLOPS:
        return fs_parse_count(opt, a, &o->flops_per_sample, err);
    case O_COMPUTE_MS:
        return number(opt, a, false, &o->compute_ms, err);
    case O_TFLOPS:
        return number(opt, a, false, &o->tflops, err);
    case O_MFU: {
        int rc = number(opt, a, false, &o->mfu, err);
        if (rc == 0 && o->mfu > 1)
            rc = fs_err_set(err, FS_EXIT_INPUT, "--mfu %s: a fraction of peak in (0, 1]", a);
        return rc;
    }
    case O_TP:
        return one_int(opt, a, 1, 1 << 20, &o->tp, err);
    case O_PP:
        return one_int(opt, a, 1, 1 << 20, &o->pp, err);
    case O_ZERO:
        return one_int(opt, a, 0, 3, &o->zero, err);
    case O_FSDP:
        o->zero = 3;
        return 0;
    case O_MICRO_BATCH:
        return one_int(opt, a, 1, 1 << 24, &o->micro_batch, err);
    case O_ACCUM:
        return one_int(opt, a, 1, 1 << 24, &o->accum, err);
    case O_GLOBAL_BATCH:
        return fs_parse_count(opt, a, &o->global_batch, err);
    case O_BUCKET:
        return number(opt, a, false, &o->bucket_MiB, err);
    case O_NO_OVERLAP:
        o->no_overlap = true;
        return 0;
    case O_RECOMPUTE:
        o->recompute = true;
        return 0;
    case O_LINK:
        o->link = a;
        return 0;
    case O_NOMINAL:
        return number(opt, a, true, &o->nominal_alpha_us, err);
    case O_GPN:
        return one_int(opt, a, 1, 1 << 16, &o->gpus_per_node, err);
    case O_NPN:
        return one_int(opt, a, 1, 1 << 16, &o->nics_per_node, err);
    case O_INTRA_GBPS:
        return number(opt, a, false, &o->intra_GBps, err);
    case O_INTRA_ALPHA:
        return number(opt, a, true, &o->intra_alpha_us, err);
    case O_REDUCE:
        return number(opt, a, false, &o->reduce_GBps, err);
    case O_INSTANCE:
        return instance_opt(o, a, err);
    case O_CATALOG:
        return push(o->catalogs, &o->ncatalogs, opt, a, err);
    case O_PRICES:
        return push(o->prices, &o->nprices, opt, a, err);
    case O_PRICE:
        return push(o->price_specs, &o->nprice_specs, opt, a, err);
    case O_NO_COST:
        o->no_cost = true;
        return 0;
    case O_GPUS:
        free(o->gpus);
        o->gpus = NULL;
        return fs_cli_ints(opt, a, 1, 1L << 24, &o->gpus, &o->ngpus, err);
    case O_MIN_EFF: {
        int rc = number(opt, a, true, &o->min_eff, err);
        if (rc == 0 && o->min_eff > 1)
            rc = fs_err_set(err, FS_EXIT_INPUT, "--min-efficiency %s: a fraction in [0, 1]", a);
        return rc;
    }
    case O_TOKENS:
    case O_SAMPLES:
        if (o->total_unit >= 0)
            return fs_err_set(err, FS_EXIT_INPUT, "plan: give one of --tokens and --samples, once");
        o->total_unit = c == O_TOKENS ? FS_UNIT_TOKENS : FS_UNIT_SAMPLES;
        return fs_parse_count(opt, a, &o->total_units, err);
    case O_DEADLINE:
        return fs_parse_hours(opt, a, &o->deadline_h, err);
    case O_JSON:
        o->out = FS_OUT_JSON;
        return 0;
    case O_CSV:
        o->out = FS_OUT_CSV;
        return 0;
    case O_HELP:
        o->help = true;
        return 0;
    }
    return fs_err_set(err, FS_EXIT_INPUT, "internal: unhandled option %s", opt);
}

int fs_train_opts_parse(int cmd, int argc, char **argv, fs_train_opts *o, fs_err *err)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->params = o->grad_bytes = o->act_bytes = o->state_bytes = o->hidden = o->layers = o->seq =
        o->vocab = o->flops_per_sample = o->compute_ms = o->tflops = o->intra_GBps =
            o->intra_alpha_us = o->reduce_GBps = o->nominal_alpha_us = o->bucket_MiB =
                o->global_batch = NAN;
    o->mfu = 0.4;
    o->zero = -1;
    o->min_eff = 0.9;
    o->total_unit = -1;
    struct option longopts[NOPT + 1];
    for (size_t i = 0; i < NOPT; i++) longopts[i] = table[i].opt;
    memset(&longopts[NOPT], 0, sizeof longopts[NOPT]);
    int c, idx;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hm:", longopts, &idx)) != -1) {
        if (c == 'h') c = O_HELP;
        if (c == 'm') c = O_MODEL;
        if (c == '?' || c == ':') {
            const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
            if (c == ':')
                return fs_err_set(err, FS_EXIT_INPUT,
                                  "%s: option %s needs a value (see fabscale %s --help)",
                                  cmd_name(cmd), arg, cmd_name(cmd));
            if (optopt && optopt < 256)
                return fs_err_set(err, FS_EXIT_INPUT,
                                  "%s: unknown option -%c (see fabscale %s --help)", cmd_name(cmd),
                                  optopt, cmd_name(cmd));
            return fs_err_set(err, FS_EXIT_INPUT, "%s: unknown option %s (see fabscale %s --help)",
                              cmd_name(cmd), arg, cmd_name(cmd));
        }
        size_t k = 0;
        while (k < NOPT && table[k].opt.val != c) k++;
        char opt[48];
        snprintf(opt, sizeof opt, "--%s", k < NOPT ? table[k].opt.name : "?");
        if (k < NOPT && !(table[k].cmds & cmd)) {
            const char *for_ = (table[k].cmds & FS_CMD_PLAN) && !(table[k].cmds & FS_CMD_COMPARE)
                                   ? "plan"
                               : (table[k].cmds & FS_CMD_TRAIN) ? "train"
                                                                : "compare and plan";
            return fs_err_set(err, FS_EXIT_INPUT, "%s: %s is an option of fabscale %s",
                              cmd_name(cmd), opt, for_);
        }
        int rc = option(o, c, opt, optarg, err);
        if (rc) return rc;
    }
    o->files = argv + optind;
    o->nfiles = argc - optind;
    return 0;
}

void fs_train_opts_free(fs_train_opts *o)
{
    for (size_t i = 0; i < o->ninstances; i++) free((void *)o->instances[i]);
    free(o->gpus);
    o->gpus = NULL;
    o->ninstances = 0;
}

void fs_train_opts_help(int cmd)
{
    printf(
        "workload:\n"
        "  -m, --model PRESET      a workload preset (resnet50, bert-large, gpt3-175b, ...; an "
        "unknown\n"
        "                          name lists them); the options below override its numbers\n"
        "  --params N              parameter count (25.6M, 7B, 1.5e9); without --model: a "
        "workload\n"
        "  --grad-bytes B          bytes per gradient element as reduced (default 2)\n"
        "  --act-bytes B           bytes per activation element (default 2)\n"
        "  --state-bytes B         model-state bytes per parameter (default 16: mixed-precision "
        "Adam)\n"
        "  --hidden H --layers L --seq S --vocab V   transformer architecture (all four)\n"
        "  --flops-per-sample F    training FLOPs of one sample (else Megatron's formula or 6 x "
        "MACs)\n"
        "compute (one GPU):\n"
        "  --compute-ms MS         compute time of one micro-batch (forward + backward), given\n"
        "  --tflops T              else FLOPs / T sustained TFLOP/s\n"
        "  --mfu F                 else the instance's peak x F (default 0.4, an assumption: "
        "Megatron-LM\n"
        "                          reports 41-56%% model FLOPs utilisation for 22B-1T GPT models "
        "on\n"
        "                          A100, Korthikanti et al. 2022, arXiv:2205.05198)\n"
        "parallelism (defaults from the preset, else DDP):\n"
        "  --tp N --pp N           tensor (inside a node) and pipeline parallel degrees\n"
        "  --zero 0|1|2|3, --fsdp  ZeRO stage (3 = FSDP full shard)\n"
        "  --micro-batch B         samples per micro-batch per replica\n"
        "  --accum M               micro-batches per step (gradient accumulation / pipeline)\n"
        "  --global-batch N        fix the samples per step instead (strong scaling)\n"
        "  --bucket-mb MiB         DDP bucket size (default 25)\n"
        "  --no-overlap            communication after backward instead of during it\n"
        "  --recompute             activation recomputation (one more forward)\n"
        "cluster:\n"
        "  --link L                the NIC link: ALPHA_US,GBPS (or ALPHA_US:GBPS), or a fitted "
        "link of\n"
        "                          RESULTS: N or TRANSPORT/PROVIDER (as in `fabscale predict`)\n");
    if (cmd & (FS_CMD_COMPARE | FS_CMD_PLAN))
        printf("  --nominal ALPHA_US      types without RESULTS: the catalogue's NIC line rate "
               "with this\n"
               "                          latency (optimistic: a measured link is better)\n");
    if (cmd == FS_CMD_TRAIN)
        printf(
            "  --instance TYPE         the instance type (GPUs and NICs per node, NVLink, peak, "
            "memory);\n"
            "                          default: the RESULTS' meta.instance_type when catalogued\n"
            "  --gpus-per-node G       (default: the instance's, else 1)\n"
            "  --nics-per-node K       NICs a node's GPUs share (default: the instance's, else "
            "1)\n");
    else
        printf("  --instance FILE=TYPE    the instance type a RESULTS file was measured on "
               "(default: its\n"
               "                          meta.instance_type)\n");
    if (cmd == FS_CMD_PLAN)
        printf("  --instance TYPE[,TYPE]  more candidate types (with --link or --nominal)\n");
    printf("  --intra-GBps B          GPU-to-GPU bandwidth inside a node, one direction (default: "
           "the\n"
           "                          instance's)\n"
           "  --intra-alpha-us A      its latency (default 0)\n"
           "  --reduce-GBps R         reduction throughput (default: not modelled)\n"
           "catalogues:\n"
           "  --catalog FILE          add or override instance types, workloads, prices (JSON; "
           "repeatable)\n");
    if (cmd & (FS_CMD_COMPARE | FS_CMD_PLAN))
        printf("  --prices FILE|example   prices (JSON, fabscale.prices/1); \"example\": the "
               "shipped example\n"
               "                          file (dated, sourced, NOT current prices)\n"
               "  --price TYPE=USD        USD per instance-hour (repeatable; overrides files)\n"
               "  --no-cost               leave the cost columns out\n");
    printf("output:\n  --json / --csv          machine-readable output\n  -h, --help              "
           "this help\n");
}

int fs_train_catalog(const fs_train_opts *o, fs_catalog *cat, fs_err *err)
{
    memset(cat, 0, sizeof *cat);
    int rc = fs_catalog_load_default(cat, err);
    for (size_t i = 0; rc == 0 && i < o->ncatalogs; i++)
        rc = fs_catalog_load_file(cat, o->catalogs[i], err);
    for (size_t i = 0; rc == 0 && i < o->nprices; i++)
        rc = fs_catalog_load_prices(cat, o->prices[i], err);
    for (size_t i = 0; rc == 0 && i < o->nprice_specs; i++)
        rc = fs_catalog_set_price(cat, o->price_specs[i], err);
    return rc;
}

int fs_train_workload(const fs_train_opts *o, const fs_catalog *cat, fs_workload *w,
                      const fs_preset **preset, fs_err *err)
{
    *preset = NULL;
    memset(w, 0, sizeof *w);
    if (o->model) {
        const fs_preset *p = fs_catalog_workload(cat, o->model);
        if (!p) {
            char known[1024];
            return fs_err_set(err, FS_EXIT_INPUT, "--model \"%s\": unknown preset (known: %s)",
                              o->model, fs_catalog_workload_names(cat, known, sizeof known));
        }
        *preset = p;
        *w = p->w;
    } else if (isfinite(o->params)) {
        w->grad_bytes = 2;
        w->act_bytes = 2;
        w->state_bytes = 16;
    } else {
        return fs_err_set(err, FS_EXIT_INPUT, "no workload: give --model PRESET or --params N");
    }
    int arch = isfinite(o->hidden) + isfinite(o->layers) + isfinite(o->seq) + isfinite(o->vocab);
    if (arch && arch < 4 && !*preset)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--hidden, --layers, --seq, --vocab: give all four (a transformer) or none");
    if (arch && *preset && !(w->hidden > 0))
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--model %s is not a transformer: --hidden/--layers/--seq/--vocab do not apply",
            o->model);
#define OVR(field, src)                                                                            \
    if (isfinite(o->src)) w->field = o->src
    OVR(params, params);
    OVR(grad_bytes, grad_bytes);
    OVR(act_bytes, act_bytes);
    OVR(state_bytes, state_bytes);
    OVR(hidden, hidden);
    OVR(layers, layers);
    OVR(seq, seq);
    OVR(vocab, vocab);
    OVR(flops_per_sample, flops_per_sample);
#undef OVR
    if (!*preset) w->unit = arch == 4 ? FS_UNIT_TOKENS : FS_UNIT_SAMPLES;
    return 0;
}

int fs_train_input(const fs_train_opts *o, const fs_catalog *cat, const fs_instance *inst,
                   const fs_link *nic, fs_train_in *in, fs_err *err)
{
    memset(in, 0, sizeof *in);
    const fs_preset *pr;
    int rc = fs_train_workload(o, cat, &in->w, &pr, err);
    if (rc) return rc;
    fs_parallel *p = &in->par;
    p->tp = o->tp ? o->tp : pr && pr->tp ? pr->tp : 1;
    p->pp = o->pp ? o->pp : pr && pr->pp ? pr->pp : 1;
    p->mode = (fs_dp_mode)(o->zero >= 0 ? o->zero : pr ? pr->zero : 0);
    p->micro_batch = o->micro_batch ? o->micro_batch : pr && pr->micro_batch ? pr->micro_batch : 1;
    p->micro_batches = o->accum ? o->accum : pr && pr->micro_batches ? pr->micro_batches : 1;
    p->global_batch = isfinite(o->global_batch) ? o->global_batch : 0;
    p->bucket_bytes = isfinite(o->bucket_MiB) ? o->bucket_MiB * 1048576.0 : 0;
    p->no_overlap = o->no_overlap;
    p->recompute = o->recompute;

    fs_cluster *c = &in->cl;
    c->gpus_per_node = o->gpus_per_node ? o->gpus_per_node : inst ? inst->accelerators : 1;
    c->nics_per_node = o->nics_per_node ? o->nics_per_node : inst ? inst->nics : 1;
    c->nic = *nic;
    double ib = isfinite(o->intra_GBps) ? o->intra_GBps : inst ? inst->intra_GBps : NAN;
    double ia = isfinite(o->intra_alpha_us)              ? o->intra_alpha_us
                : inst && isfinite(inst->intra_alpha_us) ? inst->intra_alpha_us
                                                         : 0;
    if (isfinite(ib))
        c->intra = fs_link_hockney(ia, ib);
    else if (c->gpus_per_node > 1)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--gpus-per-node %d needs the GPU-to-GPU bandwidth inside a node: give --intra-GBps or "
            "--instance TYPE",
            c->gpus_per_node);
    c->gamma_us_per_byte = isfinite(o->reduce_GBps) ? 1.0 / (o->reduce_GBps * 1e3) : 0;
    c->mem_GB = inst ? inst->mem_GB : NAN;

    if (isfinite(o->compute_ms))
        in->mb_compute_us = o->compute_ms * 1e3;
    else if (isfinite(o->tflops))
        in->tflops = o->tflops;
    else if (inst)
        in->tflops = inst->peak_tflops * o->mfu;
    return 0;
}

int fs_train_link_spec(const char *spec, fs_link *l, fs_err *err)
{
    const char *sep = strpbrk(spec, ",:");
    if (!sep || strpbrk(sep + 1, ",:")) return 0;
    char *e1, *e2;
    double a = strtod(spec, &e1), b = strtod(sep + 1, &e2);
    if (e1 != sep || *e2 || e2 == sep + 1) return 0; /* not two numbers: a link name */
    if (!(a >= 0) || !isfinite(a) || !(b > 0) || !isfinite(b)) {
        fs_err_set(err, FS_EXIT_INPUT, "--link %s: need ALPHA_US >= 0 and GBPS > 0", spec);
        return -1;
    }
    *l = fs_link_hockney(a, b);
    return 1;
}

#include "link_fit.h"
#include "predict.h"

int fs_train_link_from_results(const fs_results *r, size_t nr, const char *choice, fs_link *out,
                               char *label, size_t len, fs_err *err)
{
    fs_link_fit *links = NULL;
    size_t nl = 0;
    int rc = fs_links_from_results(r, nr, NULL, &links, &nl, err);
    if (rc == FS_EXIT_INPUT && strlen(err->msg) < sizeof err->msg - 40)
        strcat(err->msg, " (or give --link ALPHA_US,GBPS)");
    if (rc) return rc;
    fs_model_opts mo = {
        .link = choice, .intra_GBps = NAN, .intra_alpha_us = NAN, .reduce_GBps = NAN};
    fs_coll_model m;
    size_t li, ii;
    rc = fs_model_build(links, nl, &mo, &m, &li, &ii, err);
    if (rc == 0) {
        *out = m.inter;
        char ll[600];
        const char *b = strrchr(links[li].source, '/');
        snprintf(label, len, "%s link %zu %s (alpha %.3g us, %.4g GB/s)",
                 b ? b + 1 : links[li].source, li + 1, fs_link_label(&links[li], ll, sizeof ll),
                 out->seg[0].alpha_us, out->seg[out->nseg - 1].bandwidth_GBps);
    }
    fs_links_free(links, nl);
    return rc;
}

const char *fs_train_instance_of(const fs_train_opts *o, const char *path, const fs_results *r)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < o->nmaps; i++) {
        const char *eq = strrchr(o->maps[i], '=');
        size_t n = (size_t)(eq - o->maps[i]);
        if ((strlen(path) == n && strncmp(path, o->maps[i], n) == 0) ||
            (strlen(base) == n && strncmp(base, o->maps[i], n) == 0))
            return eq + 1;
    }
    return r && r->meta.instance_type && *r->meta.instance_type ? r->meta.instance_type : NULL;
}
