/* --sizes parsing, good and bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sizes.h"

static void expect(const char *spec, bool half, const size_t *want, size_t n)
{
    fs_sizes s;
    char why[256] = "";
    assert_int_equal(fs_parse_sizes(spec, half, &s, why, sizeof why), 0);
    assert_int_equal(s.n, n);
    for (size_t i = 0; i < n; i++) assert_int_equal(s.v[i], want[i]);
}

static void test_ranges(void **state)
{
    (void)state;
    expect("1:8", false, (size_t[]){1, 2, 4, 8}, 4);
    expect("0:4", false, (size_t[]){0, 1, 2, 4}, 4);
    expect("4:32", true, (size_t[]){4, 6, 8, 12, 16, 24, 32}, 7);
    expect("1:4", true, (size_t[]){1, 2, 3, 4}, 4);
    expect("1K:4K", false, (size_t[]){1024, 2048, 4096}, 3);
    expect("3:20", false, (size_t[]){3, 6, 12}, 3); /* doubling from MIN */
    expect("1G:2G", false, (size_t[]){1u << 30, 2u << 30}, 2);
    fs_sizes s;
    char why[256];
    assert_int_equal(fs_parse_sizes("1:4M", false, &s, why, sizeof why), 0);
    assert_int_equal(s.n, 23);
    assert_int_equal(s.v[22], 4u << 20);
}

static void test_lists(void **state)
{
    (void)state;
    expect("4K,1M,8", false, (size_t[]){8, 4096, 1u << 20}, 3);
    expect("8,8,1", false, (size_t[]){1, 8}, 2);
    expect("2KiB,1mb", false, (size_t[]){2048, 1u << 20}, 2);
    expect("0", false, (size_t[]){0}, 1);
}

static void expect_bad(const char *spec, const char *fragment)
{
    fs_sizes s;
    char why[256] = "";
    assert_int_equal(fs_parse_sizes(spec, false, &s, why, sizeof why), -1);
    if (!strstr(why, fragment))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", spec, why, fragment);
}

static void test_bad(void **state)
{
    (void)state;
    expect_bad("", "empty");
    expect_bad("abc", "not a number");
    expect_bad("-1", "not a number");
    expect_bad("8:4", "MIN greater than MAX");
    expect_bad("4X", "unknown suffix");
    expect_bad("4Kx", "trailing");
    expect_bad("1:2:3", "MIN:MAX");
    expect_bad("1:4,8", "MIN:MAX");
    expect_bad(",", "lists no size");
    expect_bad("99999999999999999999", "too large");
    expect_bad("99999999999G", "too large");
}

/* One grammar for both programs (common/sizes.h): binary multiples with
 * optional i and B, fractions and exponents that give whole bytes. */
static void test_grammar(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t v;
    } good[] = {
        {"4K", 4096},
        {"4Ki", 4096},
        {"4KiB", 4096},
        {"4k", 4096},
        {"4KB", 4096},
        {"64B", 64},
        {"1.5M", 1572864},
        {"0.5K", 512},
        {"4T", (size_t)4 << 40},
        {"1e6", 1000000},
        {"2.5e3", 2500},
        {"1E3K", 1024000},
        {"18446744073709551615", SIZE_MAX},
        {"0", 0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        size_t v = 1;
        char why[256] = "";
        if (fs_parse_size(good[i].s, &v, why, sizeof why))
            fail_msg("\"%s\" refused: %s", good[i].s, why);
        if (v != good[i].v) fail_msg("\"%s\" read as %zu, want %zu", good[i].s, v, good[i].v);
    }
    static const struct {
        const char *s, *why;
    } bad[] = {
        {"1.3", "not a whole number"}, {"0.1K", "not a whole number"},
        {"1e-1", "not a whole"},       {"16E", "unknown suffix"},
        {"4P", "unknown suffix"},      {"4iK", "unknown suffix"},
        {"4KK", "trailing"},           {"4Bi", "trailing"},
        {".5K", "not a number"},       {"inf", "not a number"},
        {"0x10", "unknown suffix"},    {"1e400", "too large"},
        {"16777216T", "too large"},    {"2e19", "too large"},
        {" 4K", "not a number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t v;
        char why[256] = "";
        if (fs_parse_size(bad[i].s, &v, why, sizeof why) == 0)
            fail_msg("\"%s\" accepted as %zu", bad[i].s, v);
        if (!strstr(why, bad[i].why))
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].s, why, bad[i].why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_grammar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
