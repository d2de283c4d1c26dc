/* test_watchdog.c - the watchdog's pure parts: who gets how long, and the
 * byte counters it reads beside the completions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "watchdog.h"

/* A rank at work has --timeout; one waiting for the others in a runtime
 * collective (the idle rank of an odd-sized pair benchmark) ten times
 * that; ranks other than 0 two seconds more, so rank 0 speaks first. */
static void test_limit(void **state)
{
    (void)state;
    assert_float_equal(fs_watchdog_limit(60, false, 0), 60, 0);
    assert_float_equal(fs_watchdog_limit(60, true, 0), 600, 0);
    assert_float_equal(fs_watchdog_limit(4, false, 3), 6, 0);
    assert_float_equal(fs_watchdog_limit(4, true, 2), 42, 0);
}

static void test_parse_io(void **state)
{
    (void)state;
    const char *io = "rchar: 6976\nwchar: 1024\nsyscr: 10\nsyscw: 3\nread_bytes: 4096\n"
                     "write_bytes: 8192\ncancelled_write_bytes: 0\n";
    assert_int_equal(fs_watchdog_parse_io(io), 8000);
    assert_int_equal(fs_watchdog_parse_io(""), 0);
    assert_int_equal(fs_watchdog_parse_io("syscr: 5\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_parse_io),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
