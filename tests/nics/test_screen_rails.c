/* test_screen_rails.c - screen names a slow NIC among its host's others
 * (analysis/screen/screen_rails.c) on the --nics fixture and variations. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"
#include "screen_rails.h"

static void test_fixture_names_fsc1(void **state)
{
    (void)state;
    fs_results r = {0};
    fs_err err = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/bw-2nics.json", &r, &err), 0);
    fs_rail_meas *m = NULL;
    int n = 0;
    assert_int_equal(fs_rail_meas_read(&r.runs[0], &m, &n), 0);
    assert_int_equal(n, 2); /* h1's NICs at 4 MiB; h0 only sent */
    assert_string_equal(m[0].host, "h1");
    assert_string_equal(m[0].nic, "fsc0");
    assert_string_equal(m[1].nic, "fsc1");
    assert_true(m[0].bytes == 4194304);
    assert_true(fabs(m[1].bw_GBps / m[0].bw_GBps - 0.5) < 1e-3);
    fs_rail_suspect *s;
    int ns;
    assert_int_equal(fs_rail_screen(m, n, 0.25, &s, &ns), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(s[0].meas, 1);
    assert_true(fabs(s[0].ratio - 0.5) < 1e-3);
    free(s);
    free(m);
    fs_results_free(&r);
}

static fs_rail_meas meas(const fs_run *run, const char *host, const char *nic, double bw,
                         double noise)
{
    fs_rail_meas x = {.run = run, .bytes = 1 << 22, .bw_GBps = bw, .noise = noise};
    snprintf(x.host, sizeof x.host, "%s", host);
    snprintf(x.nic, sizeof x.nic, "%s", nic);
    return x;
}

static void test_rules(void **state)
{
    (void)state;
    fs_run r1 = {0}, r2 = {0};
    fs_rail_suspect *s;
    int ns;
    /* Four NICs, one at 70 %: named; at 80 % (within the floor): not. */
    fs_rail_meas a[] = {meas(&r1, "h0", "e0", 10, 0), meas(&r1, "h0", "e1", 10.2, 0),
                        meas(&r1, "h0", "e2", 7, 0), meas(&r1, "h0", "e3", 9.8, 0)};
    assert_int_equal(fs_rail_screen(a, 4, 0.25, &s, &ns), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(s[0].meas, 2);
    assert_true(s[0].others_GBps == 10);
    free(s);
    a[2].bw_GBps = 8;
    assert_int_equal(fs_rail_screen(a, 4, 0.25, &s, &ns), 0);
    assert_int_equal(ns, 0);
    free(s);
    /* Half speed but noisier than that: not named. */
    fs_rail_meas b[] = {meas(&r1, "h0", "e0", 10, 0.6), meas(&r1, "h0", "e1", 5, 0.6)};
    assert_int_equal(fs_rail_screen(b, 2, 0.25, &s, &ns), 0);
    assert_int_equal(ns, 0);
    free(s);
    /* One NIC per host, or NICs of other hosts / runs: no reference, nothing named. */
    fs_rail_meas c[] = {meas(&r1, "h0", "e0", 10, 0), meas(&r1, "h1", "e0", 2, 0),
                        meas(&r2, "h0", "e1", 3, 0)};
    assert_int_equal(fs_rail_screen(c, 3, 0.25, &s, &ns), 0);
    assert_int_equal(ns, 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fixture_names_fsc1),
                                       cmocka_unit_test(test_rules)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
