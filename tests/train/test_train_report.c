/*
 * test_train_report.c - the report's training-efficiency section: a table of
 * efficiency per GPU count and workload, a chart when gnuplot is there, and
 * a plain note when the results cannot support it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>

#include "gnuplot.h"
#include "train_report.h"

static char dir[256];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Write the section alone into dir/t.md and dir/t.html; return the Markdown. */
static char *section_of(fs_results *r, const char *gnuplot, fs_report_out *out, int want_rc,
                        const char *const *models, size_t nm)
{
    char md[300], html[300];
    snprintf(md, sizeof md, "%s/t.md", dir);
    snprintf(html, sizeof html, "%s/t.html", dir);
    fs_doc d = {fopen(md, "w"), fopen(html, "w")};
    assert_non_null(d.md);
    assert_non_null(d.html);
    fs_doc_begin(&d, "t");
    fs_err e = {0};
    static const long gpus[] = {8, 64, 512, 4096};
    fs_train_report_opts o = {NULL, models, nm, gpus, 4, 0.9};
    memset(out, 0, sizeof *out);
    assert_int_equal(fs_train_report_section(&d, dir, gnuplot, r, 1, &o, out, &e), want_rc);
    fs_doc_end(&d);
    fclose(d.md);
    fclose(d.html);
    return slurp(md);
}

static char *section(fs_results *r, const char *gnuplot, fs_report_out *out, int want_rc)
{
    static const char *const models[] = {"resnet50", "llama2-70b"};
    return section_of(r, gnuplot, out, want_rc, models, 2);
}

/* A MoE preset: its column, and a line with the all-to-all at the largest
 * count that ran (EP 8 inside a p5 node, not overlapped). */
static void moe_all_to_all(void **state)
{
    (void)state;
    fs_results r;
    fs_err e = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/fabscale_synthetic.json", &r, &e), 0);
    r.meta.instance_type = strdup("p5.48xlarge");
    fs_report_out out;
    static const char *const models[] = {"mixtral-8x7b"};
    char *md = section_of(&r, NULL, &out, 0, models, 1);
    assert_non_null(strstr(md, "| gpus | mixtral-8x7b |"));
    assert_non_null(strstr(md, "mixtral-8x7b: all-to-all at 4096 GPUs (EP 8, inside a node)"));
    assert_non_null(strstr(md, "on the critical path, Megatron-Core's default"));
    fs_results_free(&r);
}

static void with_instance(void **state)
{
    (void)state;
    fs_results r;
    fs_err e = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/fabscale_synthetic.json", &r, &e), 0);
    r.meta.instance_type = strdup("p5.48xlarge");
    fs_report_out out;
    char *md = section(&r, NULL, &out, 0);
    assert_non_null(strstr(md, "## Training efficiency (model)"));
    assert_non_null(strstr(md, "on p5.48xlarge (8 accelerators and 32 NICs per node)"));
    assert_non_null(strstr(md, "| gpus | resnet50 | llama2-70b |"));
    /* efficiency falls with the count: the 64- and 4096-GPU rows (llama2-70b does not fit
     * in 8 GPUs' memory: an empty cell) */
    double e8, e4096, l8, l4096;
    char *row = strstr(md, "| 8 |");
    assert_non_null(row);
    assert_int_equal(sscanf(row, "| 8 | %lf | %lf |", &e8, &l8), 1);
    row = strstr(md, "| 64 |");
    assert_non_null(row);
    assert_int_equal(sscanf(row, "| 64 | %lf | %lf |", &e8, &l8), 2);
    row = strstr(md, "| 4096 |");
    assert_non_null(row);
    assert_int_equal(sscanf(row, "| 4096 | %lf | %lf |", &e4096, &l4096), 2);
    assert_true(e8 > 0 && e8 <= 1 && e4096 < e8 && l4096 <= l8);
    assert_int_equal(out.charts, 0);

    char gp[1024];
    if (!fs_gnuplot_find(gp, sizeof gp)) {
        fs_results_free(&r);
        skip(); /* gnuplot-nox not installed here: the table path is tested above */
    }
    md = section(&r, gp, &out, 0);
    assert_int_equal(out.charts, 1);
    assert_non_null(
        strstr(md, "![Training efficiency vs GPUs on p5.48xlarge (model)](train_efficiency.svg)"));
    char svg[300];
    snprintf(svg, sizeof svg, "%s/train_efficiency.svg", dir);
    struct stat st;
    assert_int_equal(stat(svg, &st), 0);
    assert_true(st.st_size > 1000);
    bool listed = false;
    for (size_t i = 0; i < out.nfiles; i++)
        listed |= strcmp(out.files[i], "train_efficiency.svg") == 0;
    assert_true(listed);
    fs_results_free(&r);
}

static void without_instance(void **state)
{
    (void)state;
    fs_results r;
    fs_err e = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/fabscale_synthetic.json", &r, &e), 0);
    fs_report_out out;
    char *md = section(&r, NULL, &out, 0);
    assert_non_null(strstr(md, "Not modelled: the results do not say which instance type"));
    free(r.meta.instance_type);
    r.meta.instance_type = strdup("z9.mega");
    md = section(&r, NULL, &out, 0);
    assert_non_null(strstr(md, "Not modelled: the results' instance type is not in the catalogue"));
    fs_results_free(&r);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/fs_train_report_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *dd = opendir(dir);
    struct dirent *de;
    while (dd && (de = readdir(dd))) {
        char p[600];
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (dd) closedir(dd);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_instance),
        cmocka_unit_test(without_instance),
        cmocka_unit_test(moe_all_to_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
