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

#include "frameworks.h"
#include "skew.h"

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
    O_HEADS,
    O_PRECISION,
    O_SUSTAINED,
    O_OVERHEAD,
    O_INTERLEAVE,
    O_SEQ_PAR,
    O_NO_SEQ_PAR,
    O_FLASH,
    O_NO_FLASH,
    O_FRAMEWORK,
    O_ALGO,
    O_BASELINE,
    O_MIX,
    O_EP,
    O_EXPERTS,
    O_TOPK,
    O_CAPACITY,
    O_MOE_EVERY,
    O_DENSE_LAYERS,
    O_FFN,
    O_ACTIVE,
    O_SKEW,
    O_A2A_OVERLAP,
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
    {{"recompute", optional_argument, NULL, O_RECOMPUTE}, ALL},
    {{"heads", required_argument, NULL, O_HEADS}, ALL},
    {{"precision", required_argument, NULL, O_PRECISION}, ALL},
    {{"sustained", required_argument, NULL, O_SUSTAINED}, ALL},
    {{"overhead", required_argument, NULL, O_OVERHEAD}, ALL},
    {{"interleave", required_argument, NULL, O_INTERLEAVE}, ALL},
    {{"seq-parallel", no_argument, NULL, O_SEQ_PAR}, ALL},
    {{"no-seq-parallel", no_argument, NULL, O_NO_SEQ_PAR}, ALL},
    {{"flash-attn", no_argument, NULL, O_FLASH}, ALL},
    {{"no-flash-attn", no_argument, NULL, O_NO_FLASH}, ALL},
    {{"framework", required_argument, NULL, O_FRAMEWORK}, ALL},
    {{"algorithm", required_argument, NULL, O_ALGO}, ALL},
    {{"baseline-gpus", required_argument, NULL, O_BASELINE}, ALL},
    {{"mix-purchase-options", no_argument, NULL, O_MIX}, CP},
    {{"link", required_argument, NULL, O_LINK}, ALL},
    {{"nominal", required_argument, NULL, O_NOMINAL}, ALL},
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
    {{"ep", required_argument, NULL, O_EP}, ALL},
    {{"experts", required_argument, NULL, O_EXPERTS}, ALL},
    {{"topk", required_argument, NULL, O_TOPK}, ALL},
    {{"capacity", required_argument, NULL, O_CAPACITY}, ALL},
    {{"moe-every", required_argument, NULL, O_MOE_EVERY}, ALL},
    {{"dense-layers", required_argument, NULL, O_DENSE_LAYERS}, ALL},
    {{"ffn", required_argument, NULL, O_FFN}, ALL},
    {{"active-params", required_argument, NULL, O_ACTIVE}, ALL},
    {{"skew", required_argument, NULL, O_SKEW}, ALL},
    {{"a2a-overlap", required_argument, NULL, O_A2A_OVERLAP}, ALL},
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
    case O_MFU:
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--mfu: MFU is an output now (end-to-end, network included); give "
                          "--sustained F, the fraction of peak the kernels sustain, or --tflops");
    case O_SUSTAINED:
    case O_OVERHEAD: {
        double *v = c == O_SUSTAINED ? &o->sustained : &o->overhead;
        int rc = number(opt, a, c == O_OVERHEAD, v, err);
        if (rc == 0 && (*v > 1 || (c == O_OVERHEAD && *v >= 1)))
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s %s: a fraction in %s", opt, a,
                            c == O_SUSTAINED ? "(0, 1]" : "[0, 1)");
        return rc;
    }
    case O_HEADS:
        return fs_parse_count(opt, a, &o->heads, err);
    case O_PRECISION:
        if ((o->precision = fs_precision_parse(a)) < 0)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--precision \"%s\": not fp32, tf32, fp16, bf16 or fp8", a);
        return 0;
    case O_INTERLEAVE:
        return one_int(opt, a, 1, 1 << 10, &o->interleave, err);
    case O_SEQ_PAR:
    case O_NO_SEQ_PAR:
        o->seq_parallel = c == O_SEQ_PAR;
        return 0;
    case O_FLASH:
    case O_NO_FLASH:
        o->flash_attn = c == O_FLASH;
        return 0;
    case O_FRAMEWORK:
        if (!fs_framework_find(a))
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--framework \"%s\": not megatron, ddp, deepspeed, fsdp or horovod",
                              a);
        o->framework = a;
        return 0;
    case O_ALGO:
        if ((o->algo = fs_algo_parse(a)) < 0) {
            char known[400] = "";
            for (int i = 0; i < FS_ALGO_COUNT; i++) {
                size_t l = strlen(known);
                snprintf(known + l, sizeof known - l, "%s%s", i ? ", " : "",
                         fs_algo_name((fs_algo)i));
            }
            return fs_err_set(err, FS_EXIT_INPUT, "--algorithm \"%s\": not one of %s", a, known);
        }
        if (o->algo == FS_ALGO_AUTO) o->algo = -1;
        return 0;
    case O_BASELINE:
        return one_int(opt, a, 1, 1 << 24, &o->baseline_gpus, err);
    case O_MIX:
        o->mix_purchase = true;
        return 0;
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
        if (!a || strcmp(a, "full") == 0)
            o->recompute = FS_RECOMPUTE_FULL;
        else if (strcmp(a, "selective") == 0)
            o->recompute = FS_RECOMPUTE_SELECTIVE;
        else if (strcmp(a, "none") == 0)
            o->recompute = FS_RECOMPUTE_NONE;
        else
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--recompute=%s: give --recompute (full), --recompute=selective or "
                              "--recompute=none",
                              a);
        return 0;
    case O_LINK: {
        const char *eq = strchr(a, '=');
        if (eq && eq != a) {
            if (!(o->cmd & (FS_CMD_COMPARE | FS_CMD_PLAN)))
                return fs_err_set(err, FS_EXIT_INPUT,
                                  "--link %s: TYPE=LINK is for compare and plan (train has one "
                                  "type)",
                                  a);
            return push(o->type_links, &o->ntype_links, opt, a, err);
        }
        if (o->link)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--link %s: a link is already given (%s); in compare and plan give "
                              "--link TYPE=ALPHA,BW for each type",
                              a, o->link);
        o->link = a;
        return 0;
    }
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
    case O_EP:
        return one_int(opt, a, 1, 1 << 20, &o->ep, err);
    case O_EXPERTS:
        return one_int(opt, a, 1, 1 << 20, &o->experts, err);
    case O_TOPK:
        return one_int(opt, a, 1, 1 << 20, &o->topk, err);
    case O_MOE_EVERY:
        return one_int(opt, a, 1, 2, &o->moe_every, err);
    case O_DENSE_LAYERS:
        return one_int(opt, a, 0, 1 << 20, &o->dense_layers, err);
    case O_CAPACITY:
        return number(opt, a, true, &o->capacity, err);
    case O_FFN:
        return fs_parse_count(opt, a, &o->ffn, err);
    case O_ACTIVE:
        return fs_parse_count(opt, a, &o->active_params, err);
    case O_SKEW:
        o->skew = a;
        return 0;
    case O_A2A_OVERLAP:
        if (strcmp(a, "none") == 0)
            o->a2a_overlap = FS_A2A_OVERLAP_NONE;
        else if (strcmp(a, "dualpipe") == 0)
            o->a2a_overlap = FS_A2A_OVERLAP_DUALPIPE;
        else
            return fs_err_set(err, FS_EXIT_INPUT, "--a2a-overlap %s: not none or dualpipe", a);
        return 0;
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
    o->sustained = o->overhead = o->heads = NAN;
    o->zero = o->precision = o->recompute = o->seq_parallel = o->flash_attn = o->algo = -1;
    o->capacity = o->ffn = o->active_params = NAN;
    o->dense_layers = o->a2a_overlap = -1;
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
        "  -m, --model PRESET      a workload preset (resnet50, bert-large, llama2-70b, "
        "gpt3-175b,\n"
        "                          ...; an unknown name lists them); the options below override "
        "it\n"
        "                          and the 'defaults:' line says which values came from it\n"
        "  --params N              parameter count (25.6M, 7B, 1.5e9); without --model: a "
        "workload\n"
        "  --grad-bytes B          bytes per gradient element as reduced (default: the "
        "framework's,\n"
        "                          see --framework; 4 without a preset)\n"
        "  --act-bytes B           bytes per activation element (default 2)\n"
        "  --state-bytes B         model-state bytes per parameter: parameters + gradients +\n"
        "                          optimizer (default 16: mixed-precision Adam, ZeRO paper)\n"
        "  --hidden H --layers L --seq S --vocab V   transformer architecture (all four)\n"
        "  --heads A               attention heads (activation memory without flash attention)\n"
        "  --flops-per-sample F    training FLOPs of one sample without recompute (else "
        "Megatron's\n"
        "                          formula or 6 x MACs)\n"
        "mixture of experts (MoE presets: mixtral-8x7b, deepseek-v3, switch-base-128):\n"
        "  --experts E --topk K    routed experts per MoE layer and experts per token\n"
        "  --moe-every 1|2         a MoE layer every layer or every other one (default 1)\n"
        "  --dense-layers N        leading dense layers before the first MoE one (default 0)\n"
        "  --ffn F                 an expert's FFN hidden size (expert parameters 3 h F: gated)\n"
        "  --active-params N       parameters one token uses (else from --ffn)\n"
        "  --capacity C            capacity factor: buffers padded to C x the fair share (GShard,\n"
        "                          Switch); default 0: dropless (Megatron-Core, DeepSeek)\n"
        "  --skew SPEC             routing skew: uniform, zipf:s=1.1 (popular experts) or\n"
        "                          matrix:FILE, over the EP ranks with the workload's experts,\n"
        "                          top-k and capacity; dropless all-to-alls carry its imbalance\n"
        "                          (max/mean bytes per rank)\n"
        "  --ep N                  expert parallel degree: divides the data-parallel ranks and\n"
        "                          the experts; inside a node when EP x TP <= GPUs per node\n"
        "  --a2a-overlap none|dualpipe   what hides the dispatch/combine all-to-alls: none\n"
        "                          (Megatron-Core default) or DeepSeek-V3's DualPipe\n"
        "compute (one GPU):\n"
        "  --precision P           fp32, tf32, fp16, bf16 or fp8: which dense peak of the "
        "instance\n"
        "                          applies (default: the preset's, else bf16); a precision the\n"
        "                          instance lacks is refused\n"
        "  --sustained F           fraction of that peak the workload's kernels sustain on one "
        "GPU\n"
        "                          (not an end-to-end MFU: the network, bubble and TP terms come "
        "on\n"
        "                          top).  Default: the preset's sustained_fraction, else 0.6 for\n"
        "                          transformers (Megatron-LM reports 52.8-57%% hardware FLOPs\n"
        "                          utilisation end to end, Korthikanti et al. 2022) and 0.19 for\n"
        "                          others (one A100, ResNet-50 AMP: 2470 img/s, NVIDIA\n"
        "                          DeepLearningExamples)\n"
        "  --tflops T              sustained TFLOP/s per GPU instead\n"
        "  --compute-ms MS         or the compute time of one micro-batch (forward + backward)\n"
        "  --overhead F            framework overhead: expected efficiency = efficiency x (1 - F)\n"
        "                          (default 0.05: optimizer step, launches, stragglers the model\n"
        "                          does not see; 0 shows the network's cap alone)\n"
        "parallelism (defaults from the preset, else DDP):\n"
        "  --tp N --pp N           tensor (inside a node) and pipeline parallel degrees\n"
        "  --interleave V          interleaved 1F1B with V model chunks per GPU: bubble / V\n"
        "  --zero 0|1|2|3, --fsdp  ZeRO stage (3 = FSDP full shard)\n"
        "  --framework F           megatron, ddp, deepspeed, fsdp or horovod: gradient reduce\n"
        "                          precision (fp32 for Megatron bf16 and DDP under AMP, bf16 for\n"
        "                          DeepSpeed and FSDP's bf16 policy) and bucket size (25 MiB DDP,\n"
        "                          40M elements Megatron, 5e8 elements DeepSpeed, 64 MiB Horovod)\n"
        "  --micro-batch B         samples per micro-batch per replica\n"
        "  --accum M               micro-batches per step (fixes the per-GPU batch: weak scaling)\n"
        "  --global-batch N        fix the samples per step instead (strong scaling): per GPU "
        "count\n"
        "                          the micro-batch shrinks to divide N / data-parallel and the\n"
        "                          accumulation takes the rest\n"
        "  --bucket-mb MiB         gradient bucket size (default: the framework's)\n"
        "  --no-overlap            communication after backward instead of during it\n"
        "  --recompute[=full|selective|none]   activation recomputation (full: one more forward;\n"
        "                          selective: the attention core only)\n"
        "  --flash-attn, --no-flash-attn       attention scores not stored (default: on)\n"
        "  --seq-parallel, --no-seq-parallel   Megatron sequence parallelism (default: on with "
        "TP)\n"
        "  --algorithm A           data-parallel collectives: a collective-model algorithm (ring,\n"
        "                          tree, nccl_ring, nccl_tree, pat, rd, rabenseifner, hier, ...;\n"
        "                          GPU clusters run NCCL's) or auto (default: the fastest)\n"
        "cluster:\n"
        "  --link L                the NIC link: ALPHA,BW with ALPHA in us (or 5us, 500ns) and BW\n"
        "                          in GB/s when bare (or 25GBps, 25GB/s, 200Gbps, 200Gb/s), or a\n"
        "                          fitted link of RESULTS: N or TRANSPORT/PROVIDER.  A link "
        "faster\n"
        "                          than the instance's NIC line rate is refused\n");
    if (cmd & (FS_CMD_COMPARE | FS_CMD_PLAN))
        printf("  --link TYPE=ALPHA,BW    that type's link (repeatable: one link per type; a bare\n"
               "                          --link is refused over NICs of different line rates)\n");
    printf("  --nominal ALPHA_US      types without RESULTS: the catalogue's NIC line rate with\n"
           "                          this latency (optimistic: a measured link is better)\n");
    if (cmd == FS_CMD_TRAIN)
        printf(
            "  --instance TYPE         the instance type (GPUs and NICs per node, NVLink, peaks,\n"
            "                          memory); default: the RESULTS' meta.instance_type\n"
            "  --gpus-per-node G       (default: the instance's, else 1)\n"
            "  --nics-per-node K       NICs a node's GPUs share (default: the instance's, else "
            "1)\n");
    else
        printf("  --instance FILE=TYPE    the instance type a RESULTS file was measured on "
               "(default: its\n"
               "                          meta.instance_type)\n");
    if (cmd & (FS_CMD_COMPARE | FS_CMD_PLAN))
        printf(
            "  --instance TYPE[,TYPE]  more candidate types (with --link TYPE=... or --nominal)\n");
    printf("  --intra-GBps B          GPU-to-GPU bandwidth inside a node, one direction (default: "
           "the\n"
           "                          instance's)\n"
           "  --intra-alpha-us A      its latency (default 0)\n"
           "  --reduce-GBps R         reduction throughput (default: fitted from measured\n"
           "                          collectives, else not modelled)\n"
           "output:\n"
           "  --baseline-gpus N       the scaling column's reference (default: the smallest count\n"
           "                          from one node up that the layout can use)\n"
           "catalogues:\n"
           "  --catalog FILE          add or override instance types, workloads, prices (JSON; "
           "repeatable)\n");
    if (cmd & (FS_CMD_COMPARE | FS_CMD_PLAN))
        printf("  --prices FILE|example   prices (JSON, fabscale.prices/1); \"example\": the "
               "shipped example\n"
               "                          file (dated, sourced, NOT current prices)\n"
               "  --price TYPE=USD[@OPT]  USD per instance-hour, OPT on-demand (default),\n"
               "                          capacity-block, spot or reserved (repeatable; overrides "
               "files)\n"
               "  --mix-purchase-options  allow prices of different purchase options side by side\n"
               "  --no-cost               leave the cost columns out\n");
    printf("output:\n  --json / --csv          machine-readable output\n  -h, --help              "
           "this help\n\n"
           "efficiency = useful model FLOPs / (step x sustained): the network's cap (recompute is "
           "not\nuseful work); expected = efficiency x (1 - overhead); mfu = useful model FLOPs / "
           "(step x peak);\ntflops_gpu = useful model TFLOP/s per GPU.  With a calibrated network "
           "model (RESULTS with\nmeasured collectives) step and efficiency carry the collectives' "
           "band: 0.81 (0.76-0.85).\nMemory per GPU = model states + activations (Korthikanti et "
           "al. 2022); '!' marks layouts\nthat do not fit, with the option that would make them "
           "fit.\n");
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
        /* PyTorch AMP: fp32 parameters and gradients, Adam (ZeRO paper: 16 bytes) */
        w->grad_bytes = 4;
        w->param_bytes = 4;
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
    if ((arch || isfinite(o->heads)) && *preset && !(w->hidden > 0))
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "--model %s is not a transformer: --hidden/--layers/--seq/--vocab/--heads do not apply",
            o->model);
    /* the optimizer's bytes stay when only the gradient precision changes */
    double p0 = w->param_bytes > 0 ? w->param_bytes : w->grad_bytes;
    double k = w->state_bytes - p0 - w->grad_bytes;
#define OVR(field, src)                                                                            \
    if (isfinite(o->src)) w->field = o->src
    OVR(params, params);
    OVR(grad_bytes, grad_bytes);
    OVR(act_bytes, act_bytes);
    OVR(hidden, hidden);
    OVR(layers, layers);
    OVR(seq, seq);
    OVR(vocab, vocab);
    OVR(heads, heads);
    OVR(flops_per_sample, flops_per_sample);
    OVR(moe.capacity, capacity);
    OVR(moe.ffn, ffn);
    OVR(moe.active_params, active_params);
#undef OVR
    if (o->experts) w->moe.experts = o->experts;
    if (o->topk) w->moe.topk = o->topk;
    if (o->moe_every) w->moe.every = o->moe_every;
    if (o->dense_layers >= 0) w->moe.dense_layers = o->dense_layers;
    if (w->moe.experts > 0 && w->moe.topk == 0) w->moe.topk = 1; /* Switch routing */
    if (!w->moe.experts && (o->topk || isfinite(o->capacity) || o->moe_every || isfinite(o->ffn) ||
                            isfinite(o->active_params) || o->skew || o->dense_layers >= 0))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--topk/--capacity/--moe-every/--ffn/--active-params/--skew/"
                          "--dense-layers describe a mixture of experts: give --experts N (or a "
                          "MoE preset)");
    if (!isfinite(o->grad_bytes) && o->framework) {
        /* the framework decides the reduce precision: fp32 compute reduces fp32 */
        const fs_framework *f = fs_framework_find(o->framework);
        int prec = fs_train_precision(o, cat);
        w->grad_bytes = prec == FS_PREC_FP32 || prec == FS_PREC_TF32 ? 4 : f->grad_bytes;
    }
    w->param_bytes = p0; /* --grad-bytes changes the gradients, not the parameters */
    w->state_bytes =
        isfinite(o->state_bytes) ? o->state_bytes : p0 + w->grad_bytes + (k > 0 ? k : 0);
    if (!*preset) w->unit = arch == 4 ? FS_UNIT_TOKENS : FS_UNIT_SAMPLES;
    return 0;
}

fs_precision fs_train_precision(const fs_train_opts *o, const fs_catalog *cat)
{
    if (o->precision >= 0) return (fs_precision)o->precision;
    const fs_preset *p = o->model ? fs_catalog_workload(cat, o->model) : NULL;
    int q = p && p->precision[0] ? fs_precision_parse(p->precision) : -1;
    return q >= 0 ? (fs_precision)q : FS_PREC_BF16;
}

static const fs_framework *framework_of(const fs_train_opts *o, const fs_preset *pr)
{
    const fs_framework *f = fs_framework_find(o->framework);
    if (!f && pr) f = fs_framework_find(pr->framework);
    return f ? f : fs_framework_find("ddp");
}

/* Defaults when neither the options nor a preset say: the kernels'
 * sustained fraction of peak (cited in workloads.json and --help). */
#define SUSTAINED_TRANSFORMER 0.6
#define SUSTAINED_OTHER       0.19
#define DEFAULT_OVERHEAD      0.05

static int peaks_list(const fs_instance *inst, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < FS_PREC_COUNT; i++)
        if (inst->peak[i] > 0) {
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, "%s%s", l ? ", " : "", fs_precision_name((fs_precision)i));
        }
    return 0;
}

/* The routing imbalance over the EP ranks from --skew (fs_skew): the
 * spec's traffic shape (uniform, Zipf's exponent, a matrix) with the
 * workload's experts, top-k and capacity, the experts round-robin on the ep
 * ranks. */
static int moe_imbalance(const fs_train_opts *o, fs_workload *w, int ep, fs_err *err)
{
    w->moe.imbalance = 1;
    if (!o->skew) return 0;
    fs_skew sk;
    char why[256];
    if (fs_skew_parse(o->skew, &sk, why, sizeof why))
        return fs_err_set(err, FS_EXIT_INPUT, "--skew %s: %s", o->skew, why);
    int rc = 0;
    if (sk.kind != FS_SKEW_MATRIX) {
        sk.experts = w->moe.experts;
        sk.topk = w->moe.topk;
        sk.capacity = w->moe.capacity;
    }
    if (ep > 1) {
        double *bytes = malloc((size_t)ep * ep * sizeof *bytes);
        if (!bytes)
            rc = fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
        else if (fs_skew_matrix(&sk, ep, 1e6, bytes, why, sizeof why))
            rc = fs_err_set(err, FS_EXIT_INPUT, "--skew %s over --ep %d: %s", o->skew, ep, why);
        else
            w->moe.imbalance = fs_skew_imbalance(bytes, ep);
        free(bytes);
    }
    fs_skew_free(&sk);
    return rc;
}

int fs_train_input(const fs_train_opts *o, const fs_catalog *cat, const fs_instance *inst,
                   const fs_coll_model *net, fs_train_in *in, fs_err *err)
{
    memset(in, 0, sizeof *in);
    const fs_preset *pr;
    int rc = fs_train_workload(o, cat, &in->w, &pr, err);
    if (rc) return rc;
    bool tf = in->w.hidden > 0;
    fs_parallel *p = &in->par;
    p->tp = o->tp ? o->tp : pr && pr->tp ? pr->tp : 1;
    p->pp = o->pp ? o->pp : pr && pr->pp ? pr->pp : 1;
    p->interleave = o->interleave ? o->interleave : pr && pr->interleave ? pr->interleave : 1;
    p->mode = (fs_dp_mode)(o->zero >= 0 ? o->zero : pr ? pr->zero : 0);
    p->micro_batch = o->micro_batch ? o->micro_batch : pr && pr->micro_batch ? pr->micro_batch : 1;
    p->micro_batches = o->accum ? o->accum : pr && pr->micro_batches ? pr->micro_batches : 1;
    /* --accum fixes the per-GPU batch (weak scaling) over the preset's global batch */
    p->global_batch = isfinite(o->global_batch)                 ? o->global_batch
                      : !o->accum && pr && pr->global_batch > 0 ? pr->global_batch
                                                                : 0;
    const fs_framework *fw = framework_of(o, pr);
    p->bucket_bytes = isfinite(o->bucket_MiB) ? o->bucket_MiB * 1048576.0
                                              : fs_framework_bucket_bytes(fw, in->w.grad_bytes);
    p->no_overlap = o->no_overlap;
    if (o->recompute >= 0)
        p->recompute = (fs_recompute)o->recompute;
    else if (pr && strcmp(pr->recompute, "full") == 0)
        p->recompute = FS_RECOMPUTE_FULL;
    else if (pr && strcmp(pr->recompute, "selective") == 0)
        p->recompute = FS_RECOMPUTE_SELECTIVE;
    /* defaults: flash attention (PyTorch SDPA, Megatron-core with TE) and
     * sequence parallelism with TP, unless the preset says otherwise */
    p->flash_attn = o->flash_attn >= 0               ? o->flash_attn
                    : pr && pr->flash_attention >= 0 ? pr->flash_attention
                                                     : true;
    p->seq_parallel = o->seq_parallel >= 0               ? o->seq_parallel
                      : pr && pr->sequence_parallel >= 0 ? pr->sequence_parallel
                                                         : p->tp > 1;
    if (o->algo >= 0) {
        p->fixed_algo = true;
        p->algo = (fs_algo)o->algo;
    }
    p->ep = o->ep ? o->ep : pr && pr->ep ? pr->ep : 1;
    if (o->a2a_overlap >= 0)
        p->a2a_overlap = (fs_a2a_overlap)o->a2a_overlap;
    else if (pr && strcmp(pr->a2a_overlap, "dualpipe") == 0)
        p->a2a_overlap = FS_A2A_OVERLAP_DUALPIPE;
    else if (pr && pr->a2a_overlap[0] && strcmp(pr->a2a_overlap, "none") != 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "preset %s: a2a_overlap \"%s\" is not none or dualpipe", pr->name,
                          pr->a2a_overlap);
    rc = moe_imbalance(o, &in->w, p->ep, err);
    if (rc) return rc;

    fs_cluster *c = &in->cl;
    c->gpus_per_node = o->gpus_per_node ? o->gpus_per_node : inst ? inst->accelerators : 1;
    c->nics_per_node = o->nics_per_node ? o->nics_per_node : inst ? inst->nics : 1;
    c->nic = net->inter;
    memcpy(c->calib, net->calib, sizeof c->calib);
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
    c->gamma_us_per_byte =
        isfinite(o->reduce_GBps) ? 1.0 / (o->reduce_GBps * 1e3) : net->gamma_us_per_byte;
    c->mem_GB = inst ? inst->mem_GB : NAN;

    fs_precision prec = fs_train_precision(o, cat);
    if (inst && !(inst->peak[prec] > 0)) {
        char have[64];
        peaks_list(inst, have, sizeof have);
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--precision %s: %s (%s) has no %s peak in the catalogue (it has %s)%s",
                          fs_precision_name(prec), inst->name, inst->accelerator,
                          fs_precision_name(prec), have,
                          o->precision < 0 ? ": give --precision" : "");
    }
    in->peak_tflops = inst ? inst->peak[prec] : 0;
    double frac = isfinite(o->sustained)             ? o->sustained
                  : pr && pr->sustained_fraction > 0 ? pr->sustained_fraction
                  : tf                               ? SUSTAINED_TRANSFORMER
                                                     : SUSTAINED_OTHER;
    if (isfinite(o->compute_ms))
        in->mb_compute_us = o->compute_ms * 1e3;
    else if (isfinite(o->tflops))
        in->tflops = o->tflops;
    else if (inst)
        in->tflops = inst->peak[prec] * frac;
    in->overhead = isfinite(o->overhead) ? o->overhead : DEFAULT_OVERHEAD;
    return 0;
}

const char *fs_train_provenance(const fs_train_opts *o, const fs_catalog *cat,
                                const fs_train_in *in, char *buf, size_t len)
{
    const fs_preset *pr = o->model ? fs_catalog_workload(cat, o->model) : NULL;
    const fs_framework *fw = framework_of(o, pr);
    char from[400] = "";
#define ADD(cond, ...)                                                                             \
    if (cond) {                                                                                    \
        size_t l_ = strlen(from);                                                                  \
        snprintf(from + l_, sizeof from - l_, "%s", l_ ? ", " : "");                               \
        l_ = strlen(from);                                                                         \
        snprintf(from + l_, sizeof from - l_, __VA_ARGS__);                                        \
    }
    if (pr) {
        ADD(!o->tp && pr->tp, "tp %d", pr->tp);
        ADD(!o->pp && pr->pp, "pp %d", pr->pp);
        ADD(o->zero < 0 && pr->zero, "zero %d", pr->zero);
        ADD(!o->micro_batch && pr->micro_batch, "micro-batch %d", pr->micro_batch);
        ADD(!o->accum && pr->micro_batches && !(in->par.global_batch > 0), "accum %d",
            pr->micro_batches);
        ADD(!isfinite(o->global_batch) && !o->accum && pr->global_batch > 0, "global batch %.0f",
            pr->global_batch);
        ADD(o->precision < 0 && pr->precision[0], "precision %s", pr->precision);
        ADD(!isfinite(o->grad_bytes) && !o->framework, "gradients %.0f B", in->w.grad_bytes);
        ADD(o->recompute < 0 && pr->recompute[0], "recompute %s", pr->recompute);
        ADD(o->flash_attn < 0 && pr->flash_attention >= 0, "flash attention %s",
            pr->flash_attention ? "on" : "off");
        ADD(o->seq_parallel < 0 && pr->sequence_parallel >= 0, "sequence parallel %s",
            pr->sequence_parallel ? "on" : "off");
        ADD(!isfinite(o->sustained) && pr->sustained_fraction > 0, "sustained %.2f of peak",
            pr->sustained_fraction);
        ADD(!o->framework && pr->framework[0], "framework %s", pr->framework);
    }
#undef ADD
    if (pr)
        snprintf(buf, len, "from preset %s: %s; %s: %s", pr->name, from[0] ? from : "nothing",
                 fw->name, fw->why);
    else
        snprintf(buf, len, "no preset; %s: %s", fw->name, fw->why);
    return buf;
}

/* A number with an optional unit from `units` (suffix -> multiplier); *unit
 * receives the index of the unit used, -1 for none.  0 or -1. */
static int num_unit(const char *s, size_t n, const char *const *units, const double *mul, double *v,
                    int *unit)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (end == tmp || errno) return -1;
    *unit = -1;
    if (*end) {
        for (int i = 0; units[i]; i++)
            if (strcmp(end, units[i]) == 0) *unit = i;
        if (*unit < 0) return -2;
        d *= mul[*unit];
    }
    *v = d;
    return 0;
}

int fs_train_link_spec(const char *spec, fs_link *l, bool *bits_given, fs_err *err)
{
    const char *sep = strpbrk(spec, ",:");
    if (!sep || strpbrk(sep + 1, ",:")) return 0;
    static const char *const tu[] = {"us", "ns", "ms", NULL};
    static const double tm[] = {1, 1e-3, 1e3};
    static const char *const bu[] = {"GBps", "GB/s", "Gbps", "Gb/s", NULL};
    static const double bm[] = {1, 1, 1 / 8.0, 1 / 8.0};
    double a, b;
    int ua, ub;
    int ra = num_unit(spec, (size_t)(sep - spec), tu, tm, &a, &ua);
    int rb = num_unit(sep + 1, strlen(sep + 1), bu, bm, &b, &ub);
    if (ra == -1 && rb == -1) return 0; /* not two numbers: a link name */
    if (ra || rb) {
        fs_err_set(err, FS_EXIT_INPUT,
                   "--link %s: expected ALPHA[us|ns|ms],BANDWIDTH[GBps|GB/s|Gbps|Gb/s] (a bare "
                   "bandwidth is GB/s)",
                   spec);
        return -1;
    }
    if (!(a >= 0) || !isfinite(a) || !(b > 0) || !isfinite(b)) {
        fs_err_set(err, FS_EXIT_INPUT, "--link %s: need ALPHA_US >= 0 and a bandwidth > 0", spec);
        return -1;
    }
    *l = fs_link_hockney(a, b);
    if (bits_given) *bits_given = ub >= 2;
    return 1;
}

int fs_train_link_check(const char *spec, const fs_link *l, bool bits_given,
                        const fs_instance *inst, char *warn, size_t wlen, fs_err *err)
{
    if (warn && wlen) warn[0] = '\0';
    if (!inst || !(inst->nic_Gbps > 0)) return 0;
    double bw = l->seg[l->nseg - 1].bandwidth_GBps, line = inst->nic_Gbps / 8.0;
    if (bw > line * 1.0001) {
        char hint[96] = "";
        if (!bits_given && fabs(bw - inst->nic_Gbps) < 1e-9 * inst->nic_Gbps)
            snprintf(hint, sizeof hint, "; a bare bandwidth is GB/s: did you mean %.4gus,%.4gGbps?",
                     l->seg[0].alpha_us, bw);
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--link %s: %.4g GB/s is faster than %s's NIC line rate (%.4g Gb/s = "
                          "%.4g GB/s)%s",
                          spec, bw, inst->name, inst->nic_Gbps, line, hint);
    }
    if (bw < 0.5 * line && warn)
        snprintf(warn, wlen,
                 "--link %s: %.4g GB/s is %.0f%% of %s's %.4g Gb/s NIC line rate (%.4g GB/s); "
                 "measure it, or check its units (ALPHA,BW is us and GB/s; 5us,200Gbps)",
                 spec, bw, 100 * bw / line, inst->name, inst->nic_Gbps, line);
    return 0;
}

#include "link_fit.h"
#include "predict.h"

int fs_train_link_from_results(const fs_results *r, size_t nr, const char *choice,
                               fs_coll_model *out, char *label, size_t len, char *warn, size_t wlen,
                               fs_err *err)
{
    if (warn && wlen) warn[0] = '\0';
    fs_link_fit *links = NULL;
    size_t nl = 0;
    /* measured collectives alone still give a link (derived by fs_model_build) */
    int rc = fs_links_from_results(r, nr, NULL, &links, &nl, err);
    if (rc == FS_EXIT_RUNTIME) return rc;
    fs_err first = *err;
    memset(err, 0, sizeof *err);
    fs_model_info info;
    fs_model_opts mo = {.link = choice,
                        .intra_GBps = NAN,
                        .intra_alpha_us = NAN,
                        .reduce_GBps = NAN,
                        .results = r,
                        .nresults = nr,
                        .info = &info};
    size_t li = FS_NO_LINK, ii;
    rc = fs_model_build(links, nl, &mo, out, &li, &ii, err);
    if (rc && first.status) *err = first; /* the reason the results hold no link */
    if (rc == FS_EXIT_INPUT && strlen(err->msg) < sizeof err->msg - 40)
        strcat(err->msg, " (or give --link ALPHA_US,GB/s)");
    /* A --nics run measured K NICs together: train scales one NIC's link
     * by the node's NICs, so the link is their aggregate / K per NIC. */
    int rails = rc == 0 && li != FS_NO_LINK && links[li].rails > 1 ? links[li].rails : 1;
    if (rails > 1) out->inter = fs_link_scaled(&out->inter, 1.0 / rails);
    if (rc == 0) {
        char ll[600] = "derived from the measured collectives", src[300] = "";
        if (li != FS_NO_LINK) {
            const char *b = strrchr(links[li].source, '/');
            char l2[560];
            snprintf(src, sizeof src, "%.200s", b ? b + 1 : links[li].source);
            snprintf(ll, sizeof ll, "link %zu %s", li + 1,
                     fs_link_label(&links[li], l2, sizeof l2));
        } else if (nr > 0 && r[0].path) {
            const char *b = strrchr(r[0].path, '/');
            snprintf(src, sizeof src, "%.200s", b ? b + 1 : r[0].path);
        }
        char per[80] = "";
        if (rails > 1) snprintf(per, sizeof per, " per NIC: %d NICs measured together", rails);
        snprintf(label, len, "%s%s%s (alpha %.3g us, %.4g GB/s%s%s)", src, src[0] ? " " : "", ll,
                 out->inter.seg[0].alpha_us, out->inter.seg[out->inter.nseg - 1].bandwidth_GBps,
                 per, info.calibrated ? ", calibrated by its measured collectives" : "");
        char lines[1][FS_WARN_LEN];
        /* 2 ranks: only the same-host warning (a training step spans nodes) */
        if (warn && fs_model_warnings(&info, out, 2, lines, 1) == 1)
            snprintf(warn, wlen, "%s: %s", src[0] ? src : "RESULTS",
                     lines[0] + (strncmp(lines[0], "warning: ", 9) ? 0 : 9));
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
