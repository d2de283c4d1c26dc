/* test_nic_links.c - fabscale fit per NIC and per node (fs_links_per_nic)
 * on a --nics fixture whose NICs' rates are known (make_fixture.py: fsc0
 * 0.0125 GB/s, fsc1 degraded to half, 40 us gap), and nothing from runs
 * without per-NIC figures; the run's link is the 2 NICs' aggregate, kept
 * apart from single-NIC runs, and train takes it as 2 NICs' worth. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collective_model.h"
#include "link_fit.h"
#include "results.h"
#include "train_opts.h"

static const fs_link_fit *find(const fs_link_fit *l, size_t n, const char *nic)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(l[i].nic, nic)) return &l[i];
    return NULL;
}

static double last_bw(const fs_link_fit *l)
{
    return l->fit.link.seg[l->fit.link.nseg - 1].bandwidth_GBps;
}

static void test_per_nic_and_node(void **state)
{
    (void)state;
    fs_results r = {0};
    fs_err err = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/bw-2nics.json", &r, &err), 0);
    fs_link_fit *l;
    size_t n;
    assert_int_equal(fs_links_per_nic(&r, 1, &(fs_fit_opts){0}, &l, &n, &err), 0);
    /* h1's two NICs (the rates bytes streamed in on them) and h0 as a node
     * (what it sent); h1 sent acknowledgements only, h0 received none. */
    assert_int_equal(n, 3);
    const fs_link_fit *a = find(l, n, "h1:fsc0"), *b = find(l, n, "h1:fsc1"),
                      *node = find(l, n, "h0");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(node);
    assert_null(find(l, n, "h1"));
    assert_null(find(l, n, "h0:fsc0"));
    assert_int_equal(a->npoints, 11);
    /* Each NIC's own rate and gap, recovered. */
    assert_true(fabs(last_bw(a) - 0.0125) < 0.0125 * 0.01);
    assert_true(fabs(last_bw(b) - 0.00625) < 0.00625 * 0.01);
    assert_true(fabs(a->fit.gap_us[a->fit.link.nseg - 1] - 40) < 2);
    /* The node: both NICs together, peak their sum at 4 MiB. */
    double want =
        0.0125 * 4194304 / (40 * 12.5 + 4194304) + 0.00625 * 4194304 / (40 * 6.25 + 4194304);
    assert_true(fabs(node->peak_GBps - want) < want * 1e-6);
    assert_true(node->peak_GBps > 1.45 * a->peak_GBps * 0.99); /* 1.5x one healthy NIC */
    char lab[300];
    assert_string_equal(fs_link_label(b, lab, sizeof lab), "ofi/tcp;ofi_rxm h0<->h1 [NIC h1:fsc1]");
    assert_string_equal(fs_link_label(node, lab, sizeof lab),
                        "ofi/tcp;ofi_rxm h0<->h1 [node h0, all NICs]");
    fs_links_free(l, n);

    /* Without per-NIC figures: no links, no error. */
    for (size_t j = 0; j < r.runs[0].npoints; j++)
        json_object_del(r.runs[0].points[j].extra, "nics");
    assert_int_equal(fs_links_per_nic(&r, 1, &(fs_fit_opts){0}, &l, &n, &err), 0);
    assert_int_equal(n, 0);
    fs_results_free(&r);
}

static double top_bw(const fs_link *l)
{
    return l->seg[l->nseg - 1].bandwidth_GBps;
}

static void test_aggregate_link_and_train(void **state)
{
    (void)state;
    fs_results r[2] = {0};
    fs_err err = {0};
    assert_int_equal(fs_results_load(FS_TEST_DATA "/bw-2nics.json", &r[0], &err), 0);
    /* The same run as if over one NIC: no run-level nics. */
    assert_int_equal(fs_results_load(FS_TEST_DATA "/bw-2nics.json", &r[1], &err), 0);
    json_object_del(r[1].runs[0].extra, "nics");
    fs_link_fit *l;
    size_t n;
    assert_int_equal(fs_links_from_results(r, 2, &(fs_fit_opts){0}, &l, &n, &err), 0);
    assert_int_equal(n, 2); /* same hosts, but 2 NICs vs 1: two links */
    const fs_link_fit *two = l[0].rails == 2 ? &l[0] : &l[1];
    const fs_link_fit *one = l[0].rails == 2 ? &l[1] : &l[0];
    assert_int_equal(two->rails, 2);
    assert_int_equal(one->rails, 1);
    char lab[300];
    assert_string_equal(fs_link_label(two, lab, sizeof lab),
                        "ofi/tcp;ofi_rxm h0<->h1 [2 NICs together]");
    double agg = two->fit.link.seg[two->fit.link.nseg - 1].bandwidth_GBps;
    fs_links_free(l, n);

    /* train's link from the --nics file: one NIC's share of the aggregate
     * (train multiplies it back by the node's NICs), and it says so. */
    fs_coll_model net;
    char label[800], warn[400];
    memset(&err, 0, sizeof err);
    assert_int_equal(fs_train_link_from_results(&r[0], 1, NULL, &net, label, sizeof label, warn,
                                                sizeof warn, &err),
                     0);
    assert_true(fabs(top_bw(&net.inter) - agg / 2) < agg * 1e-9);
    assert_non_null(strstr(label, "per NIC: 2 NICs measured together"));
    /* From the single-NIC file: the link as measured. */
    assert_int_equal(fs_train_link_from_results(&r[1], 1, NULL, &net, label, sizeof label, warn,
                                                sizeof warn, &err),
                     0);
    assert_true(fabs(top_bw(&net.inter) - agg) < agg * 1e-9);
    assert_null(strstr(label, "NICs measured together"));
    fs_results_free(&r[0]);
    fs_results_free(&r[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_per_nic_and_node),
                                       cmocka_unit_test(test_aggregate_link_and_train)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
