/* test_status.c - the status line's pure parts: ETA of the launch, the
 * durations it prints, and its text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <string.h>

#include "status.h"

static void test_eta(void **state)
{
    (void)state;
    /* Before any point: the guess per point. */
    assert_float_equal(fs_status_eta(0, 40, 0, 1.15), 46.0, 1e-12);
    /* Then the mean of the points done: 10 took 5 s, 30 left. */
    assert_float_equal(fs_status_eta(10, 40, 5.0, 1.15), 15.0, 1e-12);
    assert_float_equal(fs_status_eta(40, 40, 20.0, 1.15), 0.0, 0);
    assert_float_equal(fs_status_eta(41, 40, 20.0, 1.15), 0.0, 0); /* skipped sizes */
}

static void test_duration(void **state)
{
    (void)state;
    char b[32];
    fs_status_duration(42.4, b, sizeof b);
    assert_string_equal(b, "42 s");
    fs_status_duration(185, b, sizeof b);
    assert_string_equal(b, "3 min 05 s");
    fs_status_duration(3725, b, sizeof b);
    assert_string_equal(b, "1 h 02 min");
    fs_status_duration(-3, b, sizeof b);
    assert_string_equal(b, "0 s");
}

static void test_text(void **state)
{
    (void)state;
    fs_status s = {.total = 34, .done = 17, .run = 2, .nruns = 2, .t_start = 100, .spent_s = 8.5};
    strcpy(s.what, "bw mpi/mpi size 1/17 (1 B)");
    char b[256];
    fs_status_text(&s, 112, false, b, sizeof b);
    assert_string_equal(b, "[fabscale-bench] run 2/2 bw mpi/mpi size 1/17 (1 B); 12 s elapsed, "
                           "about 9 s left");
    fs_status_text(&s, 112, true, b, sizeof b);
    assert_string_equal(b, "[fabscale-bench] 17/34 points, run 2/2 bw mpi/mpi size 1/17 (1 B); "
                           "12 s elapsed, about 9 s left");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eta),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
