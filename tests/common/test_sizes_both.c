/* One byte-size grammar: fabscale's options (analysis/cli.c) read a size
 * exactly as fabscale-bench's --sizes does (common/sizes.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "sizes.h"

static void test_same_answers(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0",         "8",    "4K",   "4Ki", "4KiB", "4kb",  "1.5M", "1e6", "2.5e3", "4T",
        "1G",        "1.3",  "0.1K", "4X",  "4KK",  "",     "-1",   "inf", "nan",   "1e400",
        "16777216T", "1E3K", ".5",   "64B", "3.0G", "1e-1", "0x8",  "4 K", "4P",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t v = 0;
        char why[256];
        double d = -1;
        fs_err err = {0};
        int bench = fs_parse_size(cases[i], &v, why, sizeof why);
        int analysis = fs_cli_size("--bytes", cases[i], &d, &err);
        if ((bench == 0) != (analysis == 0))
            fail_msg("\"%s\": fabscale-bench %s, fabscale %s", cases[i],
                     bench ? "refuses" : "accepts", analysis ? "refuses" : "accepts");
        if (bench == 0 && d != (double)v)
            fail_msg("\"%s\": fabscale-bench %zu, fabscale %.17g", cases[i], v, d);
    }
}

static void test_lists_whole_bytes(void **state)
{
    (void)state;
    double *v;
    size_t n;
    fs_err err = {0};
    assert_int_equal(fs_cli_sizes("--sizes", "1.5M,4Ki,1e3", &v, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(v[0] == 1572864 && v[1] == 4096 && v[2] == 1000);
    free(v);
    /* A range with a fractional factor still gives whole bytes. */
    assert_int_equal(fs_cli_sizes("--sizes", "8:64:1.5", &v, &n, &err), 0);
    for (size_t i = 0; i < n; i++) assert_true(v[i] == floor(v[i]));
    free(v);
    assert_int_equal(fs_cli_sizes("--sizes", "8,1.3", &v, &n, &err), FS_EXIT_INPUT);
    assert_non_null(strstr(err.msg, "not a whole number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_answers),
        cmocka_unit_test(test_lists_whole_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
