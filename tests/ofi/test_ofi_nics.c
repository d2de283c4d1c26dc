/*
 * test_ofi_nics.c - --nics on a 4-NIC EFA node (p4d-like): fi_getinfo's
 * list is scripted (fake_fabric.c) with the four devices under both EFA
 * fabrics, each with its own limits, and the node's topology is an hwloc
 * XML (data/efa4-topology.xml) whose devices sit on NUMA nodes that are
 * not their list position.  Proves that one domain per device is picked
 * and opened, in order, with that device's own attributes, that each maps
 * to its NUMA node, where ranks are placed, and how a point's bytes are
 * split per NIC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fake_fabric.h"
#include "nics.h"
#include "ofi.h"
#include "ofi_priv.h"
#include "transport.h"

#include <rdma/fi_errno.h>

static const char *const devs[4] = {"rdmap16s27-rdm", "rdmap32s27-rdm", "rdmap144s27-rdm",
                                    "rdmap160s27-rdm"};
/* Where data/efa4-topology.xml puts them. */
static const int dev_numa[4] = {1, 0, 3, 2};

/* Each device's efa entry with its own limits (real devices agree; these
 * differ so the test can tell whose attributes a rail got). */
static fake_prov efa_dev(int k)
{
    fake_prov p = fake_efa();
    p.domain = devs[k];
    p.tx = 2048u >> k;
    p.rx = 4096u >> k;
    p.inject = 4096u - 1024u * (size_t)k;
    p.max_msg = k == 2 ? 65536 : SIZE_MAX;
    return p;
}

/* EFA lists efa-direct for every device first, then efa. */
static void add_node(void)
{
    for (int k = 0; k < 4; k++) {
        fake_prov d = fake_efa_direct();
        d.domain = devs[k];
        fake_add(d);
    }
    for (int k = 0; k < 4; k++) fake_add(efa_dev(k));
}

static fs_transport tp;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    add_node();
    memset(&tp, 0, sizeof tp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tp.priv) tp.ops->fini(&tp);
    return 0;
}

/* fi_getinfo's answer to the tagged hints the transport sends. */
static struct fi_info *tagged_list(void)
{
    struct fi_info *h = fi_allocinfo(), *list = NULL;
    h->caps = FI_TAGGED | FI_MSG;
    h->mode = FI_CONTEXT2;
    h->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY;
    assert_int_equal(fi_getinfo(FI_VERSION(1, 17), NULL, NULL, 0, h, &list), 0);
    fi_freeinfo(h);
    return list;
}

static void test_pick_all_one_per_device(void **state)
{
    (void)state;
    struct fi_info *list = tagged_list();
    const struct fi_info *out[OFI_MAX_RAILS];
    char why[256] = "";
    assert_int_equal(ofi_rails_pick(list, NULL, "all", out, OFI_MAX_RAILS, why, sizeof why), 4);
    for (int k = 0; k < 4; k++) {
        assert_string_equal(out[k]->domain_attr->name, devs[k]);
        assert_string_equal(out[k]->fabric_attr->name, "efa");
        assert_int_equal(out[k]->tx_attr->size, 2048u >> k);
    }
    fi_freeinfo(list);
}

static void test_pick_all_with_fabric_from_mixed_list(void **state)
{
    (void)state;
    /* The RMA-only query sees efa-direct and efa for every device: the
     * fabric decides, still one entry per device. */
    struct fi_info *list = NULL;
    assert_int_equal(fi_getinfo(FI_VERSION(1, 17), NULL, NULL, 0, NULL, &list), 0);
    const struct fi_info *out[OFI_MAX_RAILS];
    char why[256] = "";
    assert_int_equal(ofi_rails_pick(list, "efa", "all", out, OFI_MAX_RAILS, why, sizeof why), 4);
    for (int k = 0; k < 4; k++) {
        assert_string_equal(out[k]->domain_attr->name, devs[k]);
        assert_string_equal(out[k]->fabric_attr->name, "efa");
    }
    assert_int_equal(ofi_rails_pick(list, "efa-direct", "all", out, OFI_MAX_RAILS, why, sizeof why),
                     4);
    assert_string_equal(out[3]->fabric_attr->name, "efa-direct");
    /* Fewer rails allowed than devices: an error, not a silent cut. */
    assert_int_equal(ofi_rails_pick(list, "efa", "all", out, 3, why, sizeof why), FS_EINPUT);
    fi_freeinfo(list);
}

static void test_pick_named_in_given_order(void **state)
{
    (void)state;
    struct fi_info *list = tagged_list();
    const struct fi_info *out[OFI_MAX_RAILS];
    char why[256] = "";
    assert_int_equal(ofi_rails_pick(list, NULL, "rdmap144s27-rdm,rdmap16s27-rdm", out,
                                    OFI_MAX_RAILS, why, sizeof why),
                     2);
    assert_string_equal(out[0]->domain_attr->name, "rdmap144s27-rdm");
    assert_string_equal(out[1]->domain_attr->name, "rdmap16s27-rdm");
    assert_int_equal(out[0]->ep_attr->max_msg_size, 65536);
    /* No --nics: the first entry, as before. */
    assert_int_equal(ofi_rails_pick(list, NULL, NULL, out, OFI_MAX_RAILS, why, sizeof why), 1);
    assert_string_equal(out[0]->domain_attr->name, devs[0]);
    fi_freeinfo(list);
}

static void test_pick_unknown_and_repeated_names(void **state)
{
    (void)state;
    struct fi_info *list = tagged_list();
    const struct fi_info *out[OFI_MAX_RAILS];
    char why[256] = "";
    assert_int_equal(ofi_rails_pick(list, NULL, "rdmap16s27-rdm,rdmap99s0-rdm", out, OFI_MAX_RAILS,
                                    why, sizeof why),
                     FS_EINPUT);
    assert_non_null(strstr(why, "no domain \"rdmap99s0-rdm\""));
    assert_non_null(
        strstr(why, "rdmap16s27-rdm, rdmap32s27-rdm, rdmap144s27-rdm, rdmap160s27-rdm"));
    assert_null(strchr(why, '\n'));
    assert_int_equal(ofi_rails_pick(list, NULL, "rdmap16s27-rdm,rdmap16s27-rdm", out, OFI_MAX_RAILS,
                                    why, sizeof why),
                     FS_EINPUT);
    assert_non_null(strstr(why, "named twice"));
    /* A prefix of a name is not the name. */
    assert_int_equal(ofi_rails_pick(list, NULL, "rdmap16s27", out, OFI_MAX_RAILS, why, sizeof why),
                     FS_EINPUT);
    fi_freeinfo(list);
}

/* The whole init: four domains opened, each rail with its own entry. */
static void test_init_opens_one_domain_per_device(void **state)
{
    (void)state;
    tp.ops = &fs_transport_ofi;
    fs_transport_opts o = {.provider = "efa", .nics = "all", .max_bytes = 1u << 20, .timeout_s = 5};
    assert_int_equal(tp.ops->init(&tp, &o), 0);
    ofi_rails *R = tp.priv;
    assert_int_equal(R->nrails, 4);
    assert_int_equal(fake.ndomains, 4);
    assert_int_equal(fake.ep_enabled, 4);
    /* One AV insert per rank on every rail. */
    assert_int_equal(fake.av_insert_calls, 4 * 2);
    for (int k = 0; k < 4; k++) {
        ofi_state *st = &R->rail[k];
        assert_string_equal(fake.domains[k], devs[k]);
        assert_string_equal(st->info->fabric_attr->name, "efa"); /* tagged: not efa-direct */
        assert_int_equal(st->tx_depth, 2048u >> k);
        assert_int_equal(st->rx_depth, 4096u >> k);
        assert_int_equal(st->inject, 4096u - 1024u * (size_t)k);
        assert_int_equal(st->chunk, k == 2 ? 65536 : SIZE_MAX);
        assert_true(st->pass_desc); /* EFA's FI_MR_LOCAL, on each */
    }
    /* What benchmarks may rely on whichever rail a message takes. */
    assert_int_equal(tp.caps.tx_depth, 256);
    assert_int_equal(tp.caps.rx_depth, 512);
    assert_int_equal(tp.caps.inject_size, 1024);
    assert_int_equal(tp.caps.max_msg_size, 65536);
    assert_string_equal(tp.domain, devs[0]);

    /* A buffer is registered with every rail's domain. */
    static char buf[4096];
    fs_mr *mr = NULL;
    assert_int_equal(tp.ops->mr_reg(&tp, buf, sizeof buf, &mr), 0);
    assert_int_equal(fake.nmrs, 4);
    for (int k = 0; k < 4; k++) assert_non_null(mr->desc[k]);

    /* The rails op names them, in order. */
    fs_rail_info rails[8];
    assert_int_equal(tp.ops->rails(&tp, rails, 8), 4);
    for (int k = 0; k < 4; k++) assert_string_equal(rails[k].domain, devs[k]);
    json_t *a = json_object();
    tp.ops->describe(&tp, a);
    assert_int_equal(json_array_size(json_object_get(a, "rails")), 4);
    json_decref(a);
    tp.ops->mr_dereg(&tp, mr);
}

/* A window of one tag goes round robin; the receives take the same path. */
static void test_window_striped_round_robin(void **state)
{
    (void)state;
    tp.ops = &fs_transport_ofi;
    fs_transport_opts o = {.provider = "efa", .nics = "all", .max_bytes = 1u << 20, .timeout_s = 5};
    assert_int_equal(tp.ops->init(&tp, &o), 0);
    ofi_rails *R = tp.priv;
    for (int i = 0; i < 8; i++) {
        assert_ptr_equal(ofi_rail_for(R, 1, 2, true), &R->rail[i % 4]);
        assert_ptr_equal(ofi_rail_for(R, 1, 2, false), &R->rail[i % 4]);
    }
    /* Another peer and another tag count on their own. */
    assert_ptr_equal(ofi_rail_for(R, 0, 2, true), &R->rail[0]);
    assert_ptr_equal(ofi_rail_for(R, 1, 3, true), &R->rail[0]);
    /* Collective tags: always the same rail for the same tag. */
    ofi_state *c = ofi_rail_for(R, 1, 0x80000105u, true);
    for (int i = 0; i < 5; i++) assert_ptr_equal(ofi_rail_for(R, 1, 0x80000105u, false), c);
}

/* A NIC the provider does not have: bad input, one line, nothing opened. */
static void test_unknown_nic_name_is_bad_input(void **state)
{
    (void)state;
    tp.ops = &fs_transport_ofi;
    fs_transport_opts o = {
        .provider = "efa", .nics = "rdmap16s27-rdm,eth7", .max_bytes = 1u << 20, .timeout_s = 5};
    assert_int_equal(tp.ops->init(&tp, &o), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "--nics: provider \"efa\" has no domain \"eth7\""));
    assert_null(tp.priv);
    assert_int_equal(fake.ndomains, 0); /* nothing opened */
}

static hwloc_topology_t load_xml(void)
{
    hwloc_topology_t topo;
    assert_int_equal(hwloc_topology_init(&topo), 0);
    assert_int_equal(hwloc_topology_set_xml(topo, FS_EFA4_TOPOLOGY), 0);
    hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    assert_int_equal(hwloc_topology_load(topo), 0);
    return topo;
}

static void test_numa_of_each_picked_device(void **state)
{
    (void)state;
    hwloc_topology_t topo = load_xml();
    struct fi_info *list = tagged_list();
    const struct fi_info *out[OFI_MAX_RAILS];
    char why[64];
    int n = ofi_rails_pick(list, NULL, "all", out, OFI_MAX_RAILS, why, sizeof why);
    assert_int_equal(n, 4);
    int numa[4];
    for (int k = 0; k < n; k++) {
        numa[k] = fs_nic_numa(topo, out[k]->domain_attr->name, NULL);
        assert_int_equal(numa[k], dev_numa[k]);
    }
    /* tcp: the interface itself; by PCI bus id when no device is named. */
    assert_int_equal(fs_nic_numa(topo, "ens32", NULL), 2);
    assert_int_equal(fs_nic_numa(topo, "rdmap9s0-rdm", "0000:90:1b.0"), 3);
    assert_int_equal(fs_nic_numa(topo, "veth-a", NULL), -1);
    assert_int_equal(fs_nic_numa(topo, "veth-a", ""), -1);
    /* A device's stem must end at '-': "rdmap16s2" is not rdmap16s27. */
    assert_int_equal(fs_nic_numa(topo, "rdmap16s2-rdm", NULL), -1);

    /* Placement: one rank per NIC goes to its NIC's node, the fifth
     * shares rail 0's node on the next core. */
    int slot;
    for (int l = 0; l < 4; l++) {
        assert_int_equal(fs_nics_home(numa, 4, l, &slot), dev_numa[l]);
        assert_int_equal(slot, 0);
    }
    assert_int_equal(fs_nics_home(numa, 4, 4, &slot), dev_numa[0]);
    assert_int_equal(slot, 1);
    fi_freeinfo(list);
    hwloc_topology_destroy(topo);
}

static void test_home_rules(void **state)
{
    (void)state;
    int slot;
    const int same[2] = {2, 2}, unknown[2] = {-1, -1}, part[3] = {-1, 1, 1};
    assert_int_equal(fs_nics_home(same, 2, 3, &slot), 2);
    assert_int_equal(slot, 3); /* every local rank shares the node */
    assert_int_equal(fs_nics_home(unknown, 2, 0, &slot), -1);
    assert_int_equal(fs_nics_home(part, 3, 0, &slot), 1); /* the known ones agree */
    const int split[2] = {0, -1};
    assert_int_equal(fs_nics_home(split, 2, 0, &slot), 0);
}

/* A point's record: 2 hosts x 2 NICs, host 0 sends 3:1 over its NICs and
 * host 1 receives: NIC 0 streams 3000 B in 1 ms, NIC 1 1000 B in 1 ms. */
static void test_point_split_per_nic_and_host(void **state)
{
    (void)state;
    const char *names[2] = {"a", "b"};
    fs_hostmap hosts = {.nranks = 2, .name = names};
    const int host_of[2] = {0, 1};
    const fs_rail_delta d[4] = {{3000, 0, 0}, {1000, 0, 0}, {0, 3000, 1e-3}, {0, 1000, 1e-3}};
    json_t *j = fs_nics_point_json(d, 2, 2, host_of, &hosts, 2.0);
    assert_int_equal(json_integer_value(json_object_get(j, "tx_bytes")), 4000);
    json_t *h0 = json_array_get(json_object_get(j, "hosts"), 0);
    assert_string_equal(json_string_value(json_object_get(h0, "host")), "a");
    assert_true(fabs(json_real_value(json_object_get(h0, "bandwidth_GBps")) - 2.0) < 1e-12);
    json_t *r0 = json_array_get(json_object_get(h0, "rails"), 0);
    json_t *r1 = json_array_get(json_object_get(h0, "rails"), 1);
    assert_int_equal(json_integer_value(json_object_get(r0, "tx_bytes")), 3000);
    assert_true(fabs(json_real_value(json_object_get(r0, "share")) - 0.75) < 1e-12);
    assert_true(fabs(json_real_value(json_object_get(r1, "share")) - 0.25) < 1e-12);
    /* The sender's NICs streamed nothing in: no rate, and none invented
     * from the point's bandwidth. */
    assert_true(json_is_null(json_object_get(r0, "rx_GBps")));
    assert_null(json_object_get(r0, "bandwidth_GBps"));
    json_t *h1 = json_array_get(json_object_get(j, "hosts"), 1);
    assert_int_equal(json_integer_value(json_object_get(h1, "tx_bytes")), 0);
    json_t *q0 = json_array_get(json_object_get(h1, "rails"), 0);
    json_t *q1 = json_array_get(json_object_get(h1, "rails"), 1);
    assert_int_equal(json_integer_value(json_object_get(q0, "rx_stream_bytes")), 3000);
    assert_true(fabs(json_real_value(json_object_get(q0, "rx_GBps")) - 3e-3) < 1e-15);
    assert_true(fabs(json_real_value(json_object_get(q1, "rx_GBps")) - 1e-3) < 1e-15);
    json_decref(j);
    /* A collective has no point bandwidth: bytes only. */
    j = fs_nics_point_json(d, 2, 2, host_of, &hosts, NAN);
    assert_true(json_is_null(json_object_get(j, "bandwidth_GBps")));
    json_decref(j);
}

/* Two ranks of one host receive on one NIC at once: their rates add. */
static void test_point_rates_of_a_hosts_ranks_add(void **state)
{
    (void)state;
    const char *names[3] = {"a", "b", "b"};
    fs_hostmap hosts = {.nranks = 3, .name = names};
    const int host_of[3] = {0, 1, 1};
    const fs_rail_delta d[3] = {{8000, 0, 0}, {0, 2000, 1e-3}, {0, 4000, 1e-3}};
    json_t *j = fs_nics_point_json(d, 3, 1, host_of, &hosts, NAN);
    json_t *h1 = json_array_get(json_object_get(j, "hosts"), 1);
    json_t *q0 = json_array_get(json_object_get(h1, "rails"), 0);
    assert_true(fabs(json_real_value(json_object_get(q0, "rx_GBps")) - 6e-3) < 1e-15);
    json_decref(j);
}

/* The inbound stream rate from receive completions (ofi_pace): a window of
 * 4 receives posted at once, arriving 1 ms apart from t = 10 ms; then an
 * acknowledgement-like receive posted after the window, which waits 50 ms
 * and must not count. */
static void test_pace_counts_window_stream_only(void **state)
{
    (void)state;
    ofi_pace p = {0};
    uint64_t mark = p.done; /* all four posted before any completes */
    for (int i = 0; i < 4; i++) {
        ofi_pace_read rd = ofi_pace_begin(&p);
        ofi_pace_rx(&p, &rd, mark, 1000);
        ofi_pace_end(&p, &rd, 0.010 + 0.001 * i);
    }
    /* The first completion is the window's start: 3 intervals, 3000 B. */
    assert_int_equal(p.bytes, 3000);
    assert_true(fabs(p.secs - 0.003) < 1e-12);
    uint64_t ack = p.done;
    ofi_pace_read rd = ofi_pace_begin(&p);
    ofi_pace_rx(&p, &rd, ack, 4);
    ofi_pace_end(&p, &rd, 0.063);
    assert_int_equal(p.bytes, 3000);
    assert_true(fabs(p.secs - 0.003) < 1e-12);
    /* Two completions read together: one interval, both waited. */
    uint64_t m2 = p.done;
    rd = ofi_pace_begin(&p);
    ofi_pace_rx(&p, &rd, m2, 500); /* the window's first: starts the clock */
    ofi_pace_end(&p, &rd, 0.100);
    rd = ofi_pace_begin(&p);
    ofi_pace_rx(&p, &rd, m2, 500);
    ofi_pace_rx(&p, &rd, m2, 500);
    ofi_pace_end(&p, &rd, 0.102);
    assert_int_equal(p.bytes, 4000);
    assert_true(fabs(p.secs - 0.005) < 1e-12);
    /* A receive posted after the previous completion, read together with
     * one that waited: its bytes do not count (it was not waiting). */
    uint64_t late = p.done;
    rd = ofi_pace_begin(&p);
    ofi_pace_rx(&p, &rd, m2, 500);
    ofi_pace_rx(&p, &rd, late, 700);
    ofi_pace_end(&p, &rd, 0.103);
    assert_int_equal(p.bytes, 4500);
    assert_true(fabs(p.secs - 0.006) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pick_all_one_per_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick_all_with_fabric_from_mixed_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick_named_in_given_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick_unknown_and_repeated_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_opens_one_domain_per_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_striped_round_robin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_nic_name_is_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numa_of_each_picked_device, setup, teardown),
        cmocka_unit_test(test_home_rules),
        cmocka_unit_test(test_point_split_per_nic_and_host),
        cmocka_unit_test(test_point_rates_of_a_hosts_ranks_add),
        cmocka_unit_test(test_pace_counts_window_stream_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
