/*
 * test_catalog.c - the shipped catalogues load, say where their numbers
 * come from, and user entries add or override them; bad files name the
 * file, line and field.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"

static void has(const char *msg, const char *frag)
{
    if (!strstr(msg, frag)) fail_msg("message \"%s\" lacks \"%s\"", msg, frag);
}

static void shipped(void **state)
{
    (void)state;
    fs_catalog c = {0};
    fs_err e = {0};
    assert_int_equal(fs_catalog_load_default(&c, &e), 0);
    static const char *const types[] = {
        "p4d.24xlarge", "p5.48xlarge", "p5en.48xlarge", "trn1.32xlarge", "Standard_ND96isr_H100_v5",
        "a3-megagpu-8g"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        const fs_instance *t = fs_catalog_instance(&c, types[i]);
        assert_non_null(t);
        assert_true(strncmp(t->source, "http", 4) == 0);
        assert_true(t->accelerators >= 8 && t->nics >= 1 && t->nic_Gbps > 0 && t->intra_GBps > 0);
    }
    /* the REFERENCE.md facts */
    const fs_instance *p5 = fs_catalog_instance(&c, "P5.48XLARGE"); /* names ignore case */
    assert_int_equal(p5->nics, 32);
    assert_true(p5->nic_Gbps == 100 && p5->intra_GBps == 450);
    /* memory in GiB as nvidia-smi counts it: 79.6 GiB = 85.47e9 bytes */
    assert_true(p5->mem_GiB == 79.6 && fabs(p5->mem_GB - 79.6 * 1.073741824) < 1e-9);
    assert_true(p5->peak[FS_PREC_FP8] > 1978 && p5->peak[FS_PREC_TF32] < 500);
    const fs_instance *p4 = fs_catalog_instance(&c, "p4d.24xlarge");
    assert_int_equal(p4->nics, 4);
    assert_true(p4->intra_GBps == 300 && p4->peak[FS_PREC_BF16] == 312);
    assert_true(fabs(p4->mem_GB - 42.94967296) < 1e-9); /* A100 40GB = 40 GiB */
    assert_true(p4->peak[FS_PREC_FP8] == 0 && p4->peak[FS_PREC_FP32] == 19.5);
    /* V100: no bf16 */
    const fs_instance *p3 = fs_catalog_instance(&c, "p3dn.24xlarge");
    assert_true(p3 && p3->peak[FS_PREC_BF16] == 0 && p3->peak[FS_PREC_FP16] == 125);
    const fs_instance *en = fs_catalog_instance(&c, "p5en.48xlarge");
    assert_true(en->nics * en->nic_Gbps == 3200);
    assert_int_equal(fs_catalog_instance(&c, "trn1.32xlarge")->accelerators, 16);
    assert_true(isnan(p5->intra_alpha_us));

    static const char *const work[] = {"resnet50",  "resnet101",  "vgg16",     "bert-large",
                                       "gpt3-175b", "llama2-70b", "bert-base", "gpt2-xl",
                                       "llama2-7b", "llama2-13b"};
    for (size_t i = 0; i < sizeof work / sizeof work[0]; i++) {
        const fs_preset *p = fs_catalog_workload(&c, work[i]);
        assert_non_null(p);
        assert_true(p->source[0] != '\0');
        assert_true(p->w.params > 0 && p->w.grad_bytes > 0);
    }
    /* gradient precision as the framework reduces it */
    const fs_preset *l70 = fs_catalog_workload(&c, "llama2-70b");
    assert_string_equal(l70->framework, "megatron");
    assert_true(l70->w.grad_bytes == 4 && l70->w.heads == 64 && l70->global_batch == 1024);
    assert_true(fs_catalog_workload(&c, "llama2-7b")->w.grad_bytes == 2);  /* FSDP bf16 reduce */
    assert_true(fs_catalog_workload(&c, "bert-large")->w.grad_bytes == 4); /* DDP under AMP */
    const fs_preset *g = fs_catalog_workload(&c, "gpt3-175b");
    assert_true(g->w.hidden == 12288 && g->w.layers == 96 && g->w.seq == 2048 &&
                g->w.vocab == 51200);
    assert_true(g->w.params == 175e9 && g->w.unit == FS_UNIT_TOKENS && g->tp == 8 && g->pp == 16);
    const fs_preset *r = fs_catalog_workload(&c, "resnet50");
    assert_true(r->w.unit == FS_UNIT_SAMPLES && fabs(r->w.params - 25.6e6) < 0.1e6 &&
                r->micro_batch == 32);
    assert_true(fs_catalog_workload(&c, "vgg16")->w.params == 138357544);
    assert_true(fs_catalog_workload(&c, "llama2-70b")->w.hidden == 8192);
    assert_null(fs_catalog_workload(&c, "gpt5"));
    char names[1024];
    has(fs_catalog_workload_names(&c, names, sizeof names), "resnet50, resnet101, vgg16");
    assert_int_equal(c.nprice, 0); /* prices only when asked for */
    fs_catalog_free(&c);
}

static int merge(fs_catalog *c, const char *text, fs_err *e)
{
    memset(e, 0, sizeof *e);
    return fs_catalog_merge_text(c, text, strlen(text), "user.json", e);
}

static void user_override(void **state)
{
    (void)state;
    fs_catalog c = {0};
    fs_err e = {0};
    assert_int_equal(fs_catalog_load_default(&c, &e), 0);
    size_t n = c.ninst;
    /* override one field: the rest stays */
    assert_int_equal(
        merge(&c,
              "{\"instances\": [{\"name\": \"p5.48xlarge\", \"nics\": 16, \"intra_alpha_us\": 3}]}",
              &e),
        0);
    const fs_instance *p5 = fs_catalog_instance(&c, "p5.48xlarge");
    assert_int_equal(p5->nics, 16);
    assert_true(p5->intra_alpha_us == 3 && p5->nic_Gbps == 100 && p5->accelerators == 8);
    assert_string_equal(p5->origin, "user.json");
    assert_int_equal(c.ninst, n);
    /* add a complete new type */
    assert_int_equal(
        merge(&c,
              "{\"schema\": \"fabscale.catalog/1\", \"instances\": [{\"name\": \"my-cluster\", "
              "\"cloud\": "
              "\"onprem\", \"accelerator\": \"X\", \"accelerators\": 4, \"accelerator_memory_GB\": "
              "64, "
              "\"peak_bf16_tflops\": 500, \"intra_GBps\": 200, \"nics\": 2, \"nic_Gbps\": 200, "
              "\"sources\": [\"our datasheet\"]}]}",
              &e),
        0);
    assert_int_equal(c.ninst, n + 1);
    assert_int_equal(fs_catalog_instance(&c, "my-cluster")->accelerators, 4);
    /* a workload override and a new one */
    assert_int_equal(
        merge(
            &c,
            "{\"workloads\": [{\"name\": \"resnet50\", \"micro_batch\": 256}, {\"name\": \"mlp\", "
            "\"kind\": \"mlp\", \"params\": 1e7, \"flops_per_sample\": 6e7, \"grad_bytes\": 4, "
            "\"source\": \"mine\"}]}",
            &e),
        0);
    assert_int_equal(fs_catalog_workload(&c, "resnet50")->micro_batch, 256);
    assert_true(fs_catalog_workload(&c, "resnet50")->w.fwd_macs == 4.09e9);
    assert_true(fs_catalog_workload(&c, "mlp")->w.unit == FS_UNIT_SAMPLES);
    fs_catalog_free(&c);
}

static void bad_files(void **state)
{
    (void)state;
    fs_catalog c = {0};
    fs_err e;
    assert_int_equal(fs_catalog_load_default(&c, &e), 0);
    /* a new entry missing a field: named with its line */
    assert_int_equal(
        merge(&c, "{\n\"instances\": [\n  {\"name\": \"half\", \"accelerators\": 8}\n]}", &e),
        FS_EXIT_INPUT);
    has(e.msg, "user.json:3: instances[0] (\"half\"): missing \"cloud\"");
    assert_null(fs_catalog_instance(&c, "half"));
    assert_int_equal(merge(&c, "{\"instances\": [{\"name\": \"p5.48xlarge\",\n \"nics\": 0}]}", &e),
                     FS_EXIT_INPUT);
    has(e.msg, "user.json:2: instances[0] (\"p5.48xlarge\"): nics must be an integer >= 1 (got 0)");
    assert_int_equal(fs_catalog_instance(&c, "p5.48xlarge")->nics, 32); /* unchanged */
    assert_int_equal(merge(&c, "{\"instances\": [{\"name\": \"p5.48xlarge\", \"gpus\": 8}]}", &e),
                     FS_EXIT_INPUT);
    has(e.msg, "unknown field \"gpus\" (known: name, cloud,");
    assert_int_equal(
        merge(&c, "{\"instances\": [{\"name\": \"p5.48xlarge\", \"intra_GBps\": \"fast\"}]}", &e),
        FS_EXIT_INPUT);
    has(e.msg, "intra_GBps must be a number");
    assert_int_equal(merge(&c, "{\"schema\": \"fabscale.instances/9\", \"instances\": []}", &e),
                     FS_EXIT_INPUT);
    has(e.msg, "user.json:1: unknown schema");
    assert_int_equal(merge(&c, "{\"instances\": [}", &e), FS_EXIT_INPUT);
    has(e.msg, "user.json:1: not valid JSON");
    assert_int_equal(merge(&c, "{\"machines\": []}", &e), FS_EXIT_INPUT);
    has(e.msg, "unknown key \"machines\"");
    assert_int_equal(
        merge(&c,
              "{\"workloads\": [{\"name\": \"t\", \"kind\": \"transformer\", \"params\": 1e9, "
              "\"grad_bytes\": 2, \"hidden\": 1024, \"sources\": [\"x\"]}]}",
              &e),
        FS_EXIT_INPUT);
    has(e.msg, "a transformer needs hidden, layers, seq and vocab");
    assert_int_equal(merge(&c, "{\"workloads\": [{\"name\": \"resnet50\", \"zero\": 4}]}", &e),
                     FS_EXIT_INPUT);
    has(e.msg, "zero must be 0, 1, 2 or 3");
    assert_int_equal(
        merge(&c, "{\"prices\": [{\"instance\": \"p5.48xlarge\", \"usd_per_hour\": 10}]}", &e),
        FS_EXIT_INPUT);
    has(e.msg, "missing \"as_of\"");
    assert_int_equal(merge(&c, "{\"currency\": \"EUR\", \"prices\": []}", &e), FS_EXIT_INPUT);
    has(e.msg, "prices must be in USD");
    memset(&e, 0, sizeof e);
    assert_int_equal(fs_catalog_load_file(&c, "/nonexistent/cat.json", &e), FS_EXIT_INPUT);
    has(e.msg, "/nonexistent/cat.json: cannot read");
    fs_catalog_free(&c);
}

static void prices(void **state)
{
    (void)state;
    fs_catalog c = {0};
    fs_err e = {0};
    assert_int_equal(fs_catalog_load_default(&c, &e), 0);
    assert_int_equal(fs_catalog_load_prices(&c, "example", &e), 0);
    const fs_price *p = fs_catalog_price(&c, "p5.48xlarge");
    assert_non_null(p);
    assert_true(p->usd_per_hour > 0 && p->as_of[0] && strncmp(p->source, "http", 4) == 0);
    /* the example leaves the Azure and Google types out: no price is guessed */
    assert_null(fs_catalog_price(&c, "Standard_ND96isr_H100_v5"));
    assert_null(fs_catalog_price(&c, "a3-megagpu-8g"));
    /* --price overrides */
    assert_int_equal(fs_catalog_set_price(&c, "p5.48xlarge=55.5", &e), 0);
    assert_true(fs_catalog_price(&c, "p5.48xlarge")->usd_per_hour == 55.5);
    assert_int_equal(fs_catalog_set_price(&c, "a3-megagpu-8g=70", &e), 0);
    assert_true(fs_catalog_price(&c, "a3-megagpu-8g")->usd_per_hour == 70);
    static const char *const bad[] = {
        "p5.48xlarge", "=3", "p5.48xlarge=", "p5.48xlarge=-1", "p5.48xlarge=0", "p5.48xlarge=3x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(fs_catalog_set_price(&c, bad[i], &e), FS_EXIT_INPUT);
        has(e.msg, "expected TYPE=USD_PER_HOUR");
    }
    fs_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped),
        cmocka_unit_test(user_override),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(prices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
