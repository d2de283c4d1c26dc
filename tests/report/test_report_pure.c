/*
 * test_report_pure.c - the report's pure parts: series names by the shortest
 * unique path, and styles that keep more than 8 series apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report_names.h"
#include "report_style.h"

static void names(const char *const *p, size_t n, char (*out)[FS_REPORT_NAME_LEN])
{
    fs_report_short_names(p, n, out);
}

static void same_base_name(void **state)
{
    (void)state;
    const char *p[] = {"runs/p4d/results.json", "runs/p5/results.json"};
    char out[2][FS_REPORT_NAME_LEN];
    names(p, 2, out);
    assert_string_equal(out[0], "p4d/results.json");
    assert_string_equal(out[1], "p5/results.json");
}

static void distinct_base_names(void **state)
{
    (void)state;
    const char *p[] = {"/data/a/lat.txt", "/data/b/bw.txt", "c.json"};
    char out[3][FS_REPORT_NAME_LEN];
    names(p, 3, out);
    assert_string_equal(out[0], "lat.txt");
    assert_string_equal(out[1], "bw.txt");
    assert_string_equal(out[2], "c.json");
}

static void deeper_only_where_needed(void **state)
{
    (void)state;
    /* x/run/r.json and y/run/r.json share two components; z/r.json is told apart
     * by its parent alone, and the other two need their third component */
    const char *p[] = {"x/run/r.json", "y/run/r.json", "z/r.json", "solo.json"};
    char out[4][FS_REPORT_NAME_LEN];
    names(p, 4, out);
    assert_string_equal(out[0], "x/run/r.json");
    assert_string_equal(out[1], "y/run/r.json");
    assert_string_equal(out[2], "z/r.json");
    assert_string_equal(out[3], "solo.json");
}

static void components_not_characters(void **state)
{
    (void)state;
    /* "b/r.json" is a character suffix of "ab/r.json" but not a component one */
    const char *p[] = {"ab/r.json", "b/r.json"};
    char out[2][FS_REPORT_NAME_LEN];
    names(p, 2, out);
    assert_string_equal(out[0], "ab/r.json");
    assert_string_equal(out[1], "b/r.json");
}

static void whole_path_is_a_suffix_of_another(void **state)
{
    (void)state;
    const char *p[] = {"r.json", "old/r.json", "/abs//old/r.json/"};
    char out[3][FS_REPORT_NAME_LEN];
    names(p, 3, out);
    assert_string_equal(out[0], "r.json");
    assert_string_equal(out[1], "old/r.json");
    assert_string_equal(out[2], "abs//old/r.json");
}

static void identical_paths_numbered(void **state)
{
    (void)state;
    const char *p[] = {"a/r.json", "b/r.json", "a/r.json"};
    char out[3][FS_REPORT_NAME_LEN];
    names(p, 3, out);
    assert_string_equal(out[0], "a/r.json #1");
    assert_string_equal(out[1], "b/r.json");
    assert_string_equal(out[2], "a/r.json #2");
}

static void long_name_keeps_its_end(void **state)
{
    (void)state;
    char longp[600];
    memset(longp, 'd', sizeof longp);
    memcpy(longp + sizeof longp - 12, "/last.json", 11);
    const char *p[] = {longp};
    char out[1][FS_REPORT_NAME_LEN];
    names(p, 1, out);
    assert_string_equal(out[0], "last.json");
    const char *q[] = {longp, "other/last.json"};
    char out2[2][FS_REPORT_NAME_LEN];
    names(q, 2, out2);
    assert_true(strlen(out2[0]) < FS_REPORT_NAME_LEN);
    assert_non_null(strstr(out2[0], "dd/last.json"));
    assert_memory_equal(out2[0], "...", 3);
}

static void styles_distinct_beyond_eight(void **state)
{
    (void)state;
    /* every one of the first 8 x 7 series differs from every other in colour,
     * marker or dash; neighbours always differ in colour and in marker */
    enum { N = FS_STYLE_COLOURS * FS_STYLE_MARKERS };
    fs_style s[N];
    for (size_t i = 0; i < N; i++) s[i] = fs_report_style(i);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = i + 1; j < N; j++)
            assert_false(strcmp(s[i].colour, s[j].colour) == 0 && s[i].marker == s[j].marker &&
                         s[i].dash == s[j].dash);
        if (i) {
            assert_string_not_equal(s[i].colour, s[i - 1].colour);
            assert_int_not_equal(s[i].marker, s[i - 1].marker);
        }
    }
    /* series 0 and 8 share a colour and must differ in marker and dash */
    assert_string_equal(s[0].colour, s[8].colour);
    assert_int_not_equal(s[0].marker, s[8].marker);
    assert_int_not_equal(s[0].dash, s[8].dash);
    char b[128];
    assert_string_equal(fs_report_style_gnuplot(s[0], 0, b, sizeof b),
                        "linespoints lw 1.5 lc rgb '#0072b2' pt 7 ps 0.7 dt 1");
    assert_string_equal(fs_report_style_gnuplot(s[9], 1, b, sizeof b),
                        "lines lw 2 lc rgb '#d55e00' dt 2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_base_name),
        cmocka_unit_test(distinct_base_names),
        cmocka_unit_test(deeper_only_where_needed),
        cmocka_unit_test(components_not_characters),
        cmocka_unit_test(whole_path_is_a_suffix_of_another),
        cmocka_unit_test(identical_paths_numbered),
        cmocka_unit_test(long_name_keeps_its_end),
        cmocka_unit_test(styles_distinct_beyond_eight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
