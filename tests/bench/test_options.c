/* fabscale-bench option parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"
#include "status.h"
#include "table.h"

static int parse(fs_options *o, char *why, size_t n, int argc, char **argv)
{
    FILE *sink = fopen("/dev/null", "w");
    int rc = fs_options_parse(argc, argv, o, why, n, sink);
    fclose(sink);
    return rc;
}

#define PARSE(o, why, ...)                                                                         \
    parse(o, why, sizeof why, (int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)),             \
          (char *[]){__VA_ARGS__})

static void test_defaults(void **state)
{
    (void)state;
    fs_options o;
    char why[256];
    assert_int_equal(PARSE(&o, why, "fabscale-bench"), FS_OPT_RUN);
    assert_int_equal(o.ntransports, 1);
    assert_string_equal(o.transports[0], "mpi");
    assert_int_equal(o.nbenches, 4);
    assert_string_equal(o.benches[0]->name, "latency");
    assert_string_equal(o.benches[3]->name, "msgrate");
    assert_int_equal(o.window, 64);
    assert_float_equal(o.precision, 0.01, 0);
    assert_int_equal(o.sizes.n, 23);
    assert_false(o.validate);
    assert_float_equal(o.min_time, 0.02, 0);
    assert_int_equal(o.format, FS_TABLE_FABSCALE);
    assert_int_equal(o.progress, FS_PROGRESS_AUTO);
}

static void test_terminal_options(void **state)
{
    (void)state;
    fs_options o;
    char why[256];
    assert_int_equal(
        PARSE(&o, why, "x", "--format", "osu", "--progress", "log", "--min-time", "0.5"),
        FS_OPT_RUN);
    assert_int_equal(o.format, FS_TABLE_OSU);
    assert_int_equal(o.progress, FS_PROGRESS_LOG);
    assert_float_equal(o.min_time, 0.5, 0);
    assert_int_equal(PARSE(&o, why, "x", "--progress", "line", "-q"), FS_OPT_RUN);
    assert_int_equal(o.progress, FS_PROGRESS_NONE); /* --quiet wins */
}

static void test_lists_and_values(void **state)
{
    (void)state;
    fs_options o;
    char why[256];
    assert_int_equal(PARSE(&o, why, "x", "--transport", "mpi,ofi", "-p", "shm,tcp;ofi_rxm", "-b",
                           "bw", "--sizes", "8,1M", "-w", "16", "--precision", "0.05",
                           "--time-per-size", "2.5", "--validate", "-o", "r.json", "--iterations",
                           "100"),
                     FS_OPT_RUN);
    assert_int_equal(o.ntransports, 2);
    assert_string_equal(o.transports[1], "ofi");
    assert_int_equal(o.nproviders, 2);
    assert_string_equal(o.providers[1], "tcp;ofi_rxm");
    assert_int_equal(o.nbenches, 1);
    assert_string_equal(o.benches[0]->name, "bw");
    assert_int_equal(o.sizes.n, 2);
    assert_int_equal(o.sizes.v[1], 1 << 20);
    assert_int_equal(o.window, 16);
    assert_float_equal(o.precision, 0.05, 0);
    assert_float_equal(o.time_per_size, 2.5, 0);
    assert_true(o.validate);
    assert_string_equal(o.output, "r.json");
    assert_int_equal(o.fixed_iters, 100);
}

static void expect_bad(fs_options *o, int argc, char **argv, const char *fragment)
{
    char why[256] = "";
    assert_int_equal(parse(o, why, sizeof why, argc, argv), FS_OPT_BAD);
    if (!strstr(why, fragment)) fail_msg("message \"%s\" lacks \"%s\"", why, fragment);
}

#define BAD(frag, ...)                                                                             \
    expect_bad(&o, (int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)),                        \
               (char *[]){__VA_ARGS__}, frag)

static void test_bad_input(void **state)
{
    (void)state;
    fs_options o;
    BAD("unknown benchmark \"pong\" (known: latency bw", "x", "-b", "latency,pong");
    BAD("unknown transport \"ucx\"", "x", "-t", "ucx");
    BAD("--window: \"0\"", "x", "-w", "0");
    BAD("--precision: \"fast\"", "x", "--precision", "fast");
    BAD("unknown option \"--bogus\"", "x", "--bogus");
    BAD("needs a value", "x", "--sizes");
    BAD("MIN greater than MAX", "x", "--sizes", "8:1");
    BAD("unexpected argument \"extra\"", "x", "extra");
    BAD("--min-iters 50 is larger than --max-iters 10", "x", "--min-iters", "50", "--max-iters",
        "10");
    BAD("--append needs --output", "x", "--append");
    BAD("unknown type \"int8\"", "x", "--dtype", "int8");
    BAD("--bind", "x", "--bind", "socket");
    BAD("--format: \"csv\" is not fabscale or osu", "x", "--format", "csv");
    BAD("--progress: \"loud\"", "x", "--progress", "loud");
    BAD("--min-time: \"-1\"", "x", "--min-time", "-1");
}

static void test_help_version(void **state)
{
    (void)state;
    fs_options o;
    char why[256];
    assert_int_equal(PARSE(&o, why, "x", "--help"), FS_OPT_EXIT_OK);
    assert_int_equal(PARSE(&o, why, "x", "-V"), FS_OPT_EXIT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_lists_and_values),
        cmocka_unit_test(test_terminal_options), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_help_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
