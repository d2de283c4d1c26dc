/*
 * test_report_headline.c - the report's first screen from a two-cluster
 * fixture (tests/report/data: p4d as measured, p5 with large messages at
 * 0.6x the time): the figures come from the right file, the faster
 * cluster reads faster, every band holds its value, a layout that does not
 * fit says so, and missing inputs are named instead of guessed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "catalog.h"
#include "report_headline.h"
#include "results.h"
#include "train_opts.h"

static fs_results r[2];
static char names[2][FS_REPORT_NAME_LEN];
static fs_catalog cat;
static const long nodes[] = {2, 16};
static const long gpus[] = {64, 512, 4096};
static const char *const models[] = {"llama2-70b"};

static int setup(void **state)
{
    (void)state;
    fs_err e = {0};
    if (fs_results_load(FS_TEST_DATA "/p4d/results.json", &r[0], &e) ||
        fs_results_load(FS_TEST_DATA "/p5/results.json", &r[1], &e) ||
        fs_catalog_load_default(&cat, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    const char *p[] = {r[0].path, r[1].path};
    fs_report_short_names(p, 2, names);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fs_results_free(&r[0]);
    fs_results_free(&r[1]);
    fs_catalog_free(&cat);
    return 0;
}

static fs_headline_opts opts(void)
{
    fs_headline_opts o = {nodes, 2, gpus, 3, models, 1, NULL, 268435456.0, 0};
    return o;
}

/* The measured p50 of the first point of the file's latency run. */
static double first_latency(const fs_results *f)
{
    for (size_t i = 0; i < f->nruns; i++)
        if (strcmp(f->runs[i].benchmark, "latency") == 0) return f->runs[i].points[0].time_us.p50;
    return NAN;
}

static void network_figures(void **state)
{
    (void)state;
    fs_headline_opts o = opts();
    fs_headline_row *rows;
    size_t n;
    fs_err e = {0};
    assert_int_equal(fs_headline_build(r, 2, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    assert_int_equal(n, 2); /* one link per file: the files' links never merge */
    assert_string_equal(rows[0].name, "p4d/results.json");
    assert_string_equal(rows[1].name, "p5/results.json");
    assert_non_null(strstr(rows[0].link, "p4d-a<->p4d-b"));
    assert_non_null(strstr(rows[1].link, "p5-a<->p5-b"));
    assert_string_equal(rows[0].instance, "p4d.24xlarge");
    assert_string_equal(rows[1].instance, "p5.48xlarge");
    for (size_t i = 0; i < 2; i++) {
        /* latency: the measured p50 at the smallest size, not a fitted intercept */
        assert_float_equal(rows[i].lat_us, first_latency(&r[i]), 1e-12);
        assert_float_equal(rows[i].lat_bytes, 1, 0);
        assert_true(rows[i].n_half_bytes > 0);
        assert_int_equal(rows[i].ranks_per_node, 8); /* both types have 8 GPUs per node */
        assert_int_equal(rows[i].nnodes, 2);
        for (size_t k = 0; k < 2; k++) {
            assert_true(rows[i].busbw[k] > 0);
            assert_true(rows[i].busbw_lo[k] <= rows[i].busbw[k]);
            assert_true(rows[i].busbw[k] <= rows[i].busbw_hi[k]);
        }
        assert_true(rows[i].calibrated); /* both files hold measured all-reduces */
        assert_true(rows[i].oos_median >= 0 && rows[i].oos_median < 1);
    }
    /* p5's large messages take 0.6x the time: its peak is 1/0.6 of p4d's */
    assert_float_equal(rows[1].peak_GBps / rows[0].peak_GBps, 1 / 0.6, 1e-9);
    /* and small messages 0.97x */
    assert_float_equal(rows[1].lat_us / rows[0].lat_us, 0.97, 1e-9);
    /* p5 has 8x the NICs of p4d, each faster: far more busbw */
    assert_true(rows[1].busbw[0] > 4 * rows[0].busbw[0]);
    free(rows);
}

static void training_figures(void **state)
{
    (void)state;
    fs_headline_opts o = opts();
    fs_headline_row *rows;
    size_t n;
    fs_err e = {0};
    assert_int_equal(fs_headline_build(r, 2, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    assert_int_equal(rows[0].ntrain, 3);
    assert_int_equal(rows[1].ntrain, 3);
    /* llama2-70b with its preset's layout does not fit in an A100 40 GB */
    for (size_t k = 0; k < 3; k++) {
        assert_true(isnan(rows[0].train[k].eff));
        assert_non_null(strstr(rows[0].train[k].why, "does not fit in memory"));
    }
    /* on p5 it runs; efficiency within its band, falling with the GPU count */
    double prev = 2;
    for (size_t k = 0; k < 3; k++) {
        const fs_headline_train *t = &rows[1].train[k];
        assert_string_equal(t->model, "llama2-70b");
        assert_int_equal(t->gpus, gpus[k]);
        assert_true(t->eff > 0 && t->eff <= 1);
        assert_true(t->lo <= t->eff && t->eff <= t->hi);
        assert_true(t->eff <= prev);
        prev = t->eff;
        assert_true(t->limit >= FS_LIMIT_COMPUTE && t->limit <= FS_LIMIT_P2P);
    }
    /* at 4096 GPUs the data-parallel traffic over the network limits it */
    assert_int_equal(rows[1].train[2].limit, FS_LIMIT_DP);
    /* the same numbers `fabscale train p5/results.json --model llama2-70b` gives */
    fs_coll_model net;
    char label[700];
    assert_int_equal(
        fs_train_link_from_results(&r[1], 1, NULL, &net, label, sizeof label, NULL, 0, &e), 0);
    fs_train_opts to;
    char *argv[] = {"train", "--model", "llama2-70b", NULL};
    assert_int_equal(fs_train_opts_parse(FS_CMD_TRAIN, 3, argv, &to, &e), 0);
    fs_train_in in;
    assert_int_equal(
        fs_train_input(&to, &cat, fs_catalog_instance(&cat, "p5.48xlarge"), &net, &in, &e), 0);
    fs_train_opts_free(&to);
    for (size_t k = 0; k < 3; k++) {
        fs_step st;
        assert_int_equal(fs_train_step(&in, (int)gpus[k], &st, &e), 0);
        assert_float_equal(rows[1].train[k].eff, st.efficiency, 1e-12);
        assert_float_equal(rows[1].train[k].lo, st.eff_lo, 1e-12);
        assert_float_equal(rows[1].train[k].hi, st.eff_hi, 1e-12);
        assert_int_equal(rows[1].train[k].limit, st.limit);
    }
    free(rows);
}

static void missing_inputs_named(void **state)
{
    (void)state;
    fs_headline_opts o = opts();
    fs_headline_row *rows;
    size_t n;
    fs_err e = {0};
    /* no catalogue: network figures only, and the reason */
    assert_int_equal(fs_headline_build(r, 1, (const char(*)[FS_REPORT_NAME_LEN])names, NULL,
                                       "instances.json: cannot read", &o, &rows, &n, &e),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].ntrain, 0);
    assert_true(rows[0].busbw[0] > 0);
    assert_non_null(strstr(rows[0].note, "instances.json: cannot read"));
    free(rows);
    /* a file without an instance type: --instance names one, else the note asks for it */
    char *saved = r[0].meta.instance_type;
    r[0].meta.instance_type = NULL;
    assert_int_equal(fs_headline_build(r, 1, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    assert_int_equal(rows[0].ntrain, 0);
    assert_int_equal(rows[0].ranks_per_node, 1); /* no node shape: one rank per node */
    assert_non_null(strstr(rows[0].note, "give --instance TYPE"));
    free(rows);
    o.instance = "p5.48xlarge";
    assert_int_equal(fs_headline_build(r, 1, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    assert_string_equal(rows[0].instance, "p5.48xlarge");
    assert_int_equal(rows[0].ntrain, 3);
    assert_true(rows[0].train[0].eff > 0);
    free(rows);
    o.instance = "no-such.type";
    assert_int_equal(fs_headline_build(r, 1, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    assert_non_null(strstr(rows[0].note, "no-such.type is not in the catalogue"));
    free(rows);
    r[0].meta.instance_type = saved;
}

static void section_written(void **state)
{
    (void)state;
    fs_headline_opts o = opts();
    fs_headline_row *rows;
    size_t n;
    fs_err e = {0};
    assert_int_equal(fs_headline_build(r, 2, (const char(*)[FS_REPORT_NAME_LEN])names, &cat, NULL,
                                       &o, &rows, &n, &e),
                     0);
    char *md = NULL, *html = NULL;
    size_t lm, lh;
    fs_doc d = {open_memstream(&md, &lm), open_memstream(&html, &lh)};
    fs_headline_write(&d, rows, n, &o);
    fclose(d.md);
    fclose(d.html);
    assert_non_null(strstr(html, "<section id=\"headline\">"));
    assert_non_null(strstr(html, "<table id=\"headline-network\">"));
    assert_non_null(strstr(html, "<table id=\"headline-training\">"));
    assert_non_null(strstr(md, "| all-reduce 256M busbw GB/s, 16 nodes |"));
    assert_non_null(strstr(md, "| 4096 GPUs: efficiency (95% band), limit |"));
    /* p5's row carries its busbw with the band, as the row holds it */
    char cell[96];
    snprintf(cell, sizeof cell, "| %.3g (%.3g-%.3g) |", rows[1].busbw[1], rows[1].busbw_lo[1],
             rows[1].busbw_hi[1]);
    assert_non_null(strstr(md, cell));
    snprintf(cell, sizeof cell, "| %.3f (%.3f-%.3f), dp-comm |", rows[1].train[2].eff,
             rows[1].train[2].lo, rows[1].train[2].hi);
    assert_non_null(strstr(md, cell));
    free(md);
    free(html);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(network_figures),
        cmocka_unit_test(training_figures),
        cmocka_unit_test(missing_inputs_named),
        cmocka_unit_test(section_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
