/*
 * test_train_opts.c - the option grammar train, compare and plan share:
 * links with units and their check against an instance's NICs, prices
 * with purchase options.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "train_opts.h"

static void has(const char *s, const char *frag)
{
    if (!strstr(s, frag)) fail_msg("\"%s\" lacks \"%s\"", s, frag);
}

/* One segment's alpha (us) and bandwidth (GB/s) from a spec. */
static void spec_is(const char *spec, double alpha, double gbps, bool bits)
{
    fs_link l;
    bool b = !bits;
    fs_err e = {0};
    assert_int_equal(fs_train_link_spec(spec, &l, &b, &e), 1);
    assert_true(fabs(l.seg[0].alpha_us - alpha) < 1e-12 &&
                fabs(l.seg[0].bandwidth_GBps - gbps) < 1e-12);
    assert_true(b == bits);
}

static void link_units(void **state)
{
    (void)state;
    spec_is("5,25", 5, 25, false); /* a bare pair stays us and GB/s */
    spec_is("5:25", 5, 25, false);
    spec_is("5us,200Gbps", 5, 25, true);
    spec_is("5,200Gb/s", 5, 25, true);
    spec_is("5,25GBps", 5, 25, false);
    spec_is("500ns,25GB/s", 0.5, 25, false);
    spec_is("0.02ms,12.5", 20, 12.5, false);
    fs_link l;
    fs_err e = {0};
    assert_int_equal(fs_train_link_spec("ofi/efa", &l, NULL, &e), 0); /* a link name */
    assert_int_equal(fs_train_link_spec("2", &l, NULL, &e), 0);
    assert_int_equal(fs_train_link_spec("5,200furlongs", &l, NULL, &e), -1);
    has(e.msg, "expected ALPHA[us|ns|ms],BANDWIDTH[GBps|GB/s|Gbps|Gb/s]");
    memset(&e, 0, sizeof e);
    assert_int_equal(fs_train_link_spec("5,-1", &l, NULL, &e), -1);
    has(e.msg, "need ALPHA_US >= 0 and a bandwidth > 0");
}

/* A given link against a 200 Gb/s NIC (25 GB/s): faster is refused, with the
 * likely unit mistake named; below half is a warning; near it is fine. */
static void link_against_nic(void **state)
{
    (void)state;
    fs_instance en = {0};
    snprintf(en.name, sizeof en.name, "p5en.48xlarge");
    en.nic_Gbps = 200;
    char warn[400];
    fs_err e = {0};
    fs_link l = fs_link_hockney(5, 200);
    assert_int_equal(fs_train_link_check("5,200", &l, false, &en, warn, sizeof warn, &e),
                     FS_EXIT_INPUT);
    has(e.msg, "200 GB/s is faster than p5en.48xlarge's NIC line rate (200 Gb/s = 25 GB/s)");
    has(e.msg, "did you mean 5us,200Gbps?");
    memset(&e, 0, sizeof e);
    l = fs_link_hockney(5, 10);
    assert_int_equal(fs_train_link_check("5,10", &l, false, &en, warn, sizeof warn, &e), 0);
    has(warn, "10 GB/s is 40% of p5en.48xlarge's 200 Gb/s NIC line rate");
    l = fs_link_hockney(5, 24);
    assert_int_equal(fs_train_link_check("5,24", &l, false, &en, warn, sizeof warn, &e), 0);
    assert_string_equal(warn, "");
    /* no instance: nothing to check against */
    l = fs_link_hockney(5, 1000);
    assert_int_equal(fs_train_link_check("5,1000", &l, false, NULL, warn, sizeof warn, &e), 0);
}

static void purchase_options(void **state)
{
    (void)state;
    fs_catalog c = {0};
    fs_err e = {0};
    assert_int_equal(fs_catalog_set_price(&c, "p5.48xlarge=12.5@spot", &e), 0);
    assert_int_equal(fs_catalog_set_price(&c, "p4d.24xlarge=10", &e), 0);
    assert_int_equal(fs_catalog_price(&c, "p5.48xlarge")->option, FS_BUY_SPOT);
    assert_true(fs_catalog_price(&c, "p5.48xlarge")->usd_per_hour == 12.5);
    assert_int_equal(fs_catalog_price(&c, "p4d.24xlarge")->option, FS_BUY_ON_DEMAND);
    assert_int_equal(fs_catalog_set_price(&c, "p5.48xlarge=12.5@weekly", &e), FS_EXIT_INPUT);
    has(e.msg, "purchase option \"weekly\" is not on-demand, capacity-block, spot or reserved");
    /* a prices file must say which option each price is */
    const char *t = "{\"prices\": [{\"instance\": \"x\", \"usd_per_hour\": 1, \"as_of\": \"now\", "
                    "\"source\": \"me\"}]}";
    memset(&e, 0, sizeof e);
    assert_int_equal(fs_catalog_merge_text(&c, t, strlen(t), "p.json", &e), FS_EXIT_INPUT);
    has(e.msg, "missing \"purchase_option\"");
    t = "{\"prices\": [{\"instance\": \"x\", \"usd_per_hour\": 1, \"as_of\": \"now\", "
        "\"source\": \"me\", \"purchase_option\": \"reserved\"}]}";
    assert_int_equal(fs_catalog_merge_text(&c, t, strlen(t), "p.json", &e), 0);
    assert_int_equal(fs_catalog_price(&c, "x")->option, FS_BUY_RESERVED);
    assert_int_equal(fs_precision_parse("BF16"), FS_PREC_BF16);
    assert_int_equal(fs_precision_parse("fp4"), -1);
    fs_catalog_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_units),
        cmocka_unit_test(link_against_nic),
        cmocka_unit_test(purchase_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
