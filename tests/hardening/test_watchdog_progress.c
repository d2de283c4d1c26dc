/* test_watchdog_progress.c - the page-fault counter the watchdog reads as
 * progress beside completions and socket bytes: minflt + majflt of a
 * /proc/PID/stat line, whatever the command name holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>

#include "watchdog.h"

static void test_parse_faults(void **state)
{
    (void)state;
    const char *stat = "4242 (fabscale-bench) R 4200 4242 4200 0 -1 4194304 15873 7 3 0 120 "
                       "45 0 0 20 0 5 0 1000 300000000 9000 18446744073709551615";
    assert_int_equal(fs_watchdog_parse_faults(stat), 15873 + 3);
    /* A command name with spaces and parentheses: fields count from the last ')'. */
    const char *odd = "7 (a) b (c)) S 1 7 7 0 -1 0 100 0 5 0 1 1 0 0 20 0 1 0 1 1 1 1";
    assert_int_equal(fs_watchdog_parse_faults(odd), 105);
    assert_int_equal(fs_watchdog_parse_faults(""), 0);
    assert_int_equal(fs_watchdog_parse_faults("garbage"), 0);
    assert_int_equal(fs_watchdog_parse_faults(NULL), 0);
}

/* This process's own line: touching fresh memory raises the count. */
static void test_faults_grow_with_touch(void **state)
{
    (void)state;
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f) skip();
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    unsigned long long before = fs_watchdog_parse_faults(buf);
    assert_true(before > 0);
    size_t len = 16u << 20;
    volatile char *p = test_malloc(len);
    for (size_t i = 0; i < len; i += 4096) p[i] = 1;
    f = fopen("/proc/self/stat", "r");
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_true(fs_watchdog_parse_faults(buf) >= before + 1000); /* 4 096 pages touched */
    test_free((void *)p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_faults),
        cmocka_unit_test(test_faults_grow_with_touch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
