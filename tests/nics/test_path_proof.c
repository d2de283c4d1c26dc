/* test_path_proof.c - the proof of path (benchmarks/core/path_proof.c)
 * over fake sysfs trees in a temporary directory: a host with Ethernet
 * interfaces, an EFA device (hw_counters in bytes) and an InfiniBand HCA
 * (port counters in 4-byte words). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "path_proof.h"

static char root[256];

/* mkdir -p of root/rel's directory, then rel holding text. */
static void put(const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0755) && errno != EEXIST) fail_msg("mkdir %s", path);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void put_u64(const char *rel, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu\n", (unsigned long long)v);
    put(rel, buf);
}

/* lo, eth0, fsc1; EFA rdmap16s27 port 1; mlx5_0 port 1 (words). */
static void host(uint64_t lo, uint64_t eth0, uint64_t fsc1, uint64_t efa, uint64_t ib_words)
{
    put_u64("class/net/lo/statistics/tx_bytes", lo);
    put_u64("class/net/lo/statistics/rx_bytes", lo);
    put_u64("class/net/eth0/statistics/tx_bytes", eth0);
    put_u64("class/net/eth0/statistics/rx_bytes", eth0 / 2);
    put_u64("class/net/fsc1/statistics/tx_bytes", fsc1);
    put_u64("class/net/fsc1/statistics/rx_bytes", 0);
    put("class/net/bond0/statistics/tx_bytes", "garbage\n"); /* not a counter: skipped */
    put_u64("class/infiniband/rdmap16s27/ports/1/hw_counters/tx_bytes", efa);
    put_u64("class/infiniband/rdmap16s27/ports/1/hw_counters/rx_bytes", efa * 3);
    put_u64("class/infiniband/rdmap16s27/ports/1/hw_counters/rdma_write_bytes", 7);
    put_u64("class/infiniband/mlx5_0/ports/1/counters/port_xmit_data", ib_words);
    put_u64("class/infiniband/mlx5_0/ports/1/counters/port_rcv_data", ib_words);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/fs-sysfs-XXXXXX");
    assert_non_null(mkdtemp(root));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static const fs_nic_counter *get(const fs_nic_snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name)) return &s->v[i];
    return NULL;
}

static void test_snapshot_reads_net_efa_and_ib(void **state)
{
    (void)state;
    host(100, 5000, 40, 1000, 250);
    fs_nic_snapshot s;
    assert_int_equal(fs_nic_snapshot_read(root, &s), 0);
    assert_int_equal(s.n, 5); /* bond0's counter is not a number */
    /* Network interfaces first, by name; then RDMA ports. */
    assert_string_equal(s.v[0].name, "eth0");
    assert_string_equal(s.v[1].name, "fsc1");
    assert_string_equal(s.v[2].name, "lo");
    const fs_nic_counter *e = get(&s, "eth0");
    assert_int_equal(e->tx_bytes, 5000);
    assert_int_equal(e->rx_bytes, 2500);
    assert_false(e->rdma);
    const fs_nic_counter *efa = get(&s, "rdmap16s27/1");
    assert_non_null(efa);
    assert_true(efa->rdma);
    assert_string_equal(efa->device, "rdmap16s27");
    assert_int_equal(efa->tx_bytes, 1000);
    assert_int_equal(efa->rx_bytes, 3000);
    const fs_nic_counter *ib = get(&s, "mlx5_0/1");
    assert_non_null(ib);
    assert_int_equal(ib->tx_bytes, 1000); /* 250 words of 4 bytes */
    fs_nic_snapshot_free(&s);

    /* No sysfs at all: no devices, not an error. */
    assert_int_equal(fs_nic_snapshot_read("/nonexistent-fs-sysfs", &s), 0);
    assert_int_equal(s.n, 0);
}

static void test_delta(void **state)
{
    (void)state;
    fs_nic_snapshot a, b, d;
    host(100, 5000, 40, 1000, 250);
    assert_int_equal(fs_nic_snapshot_read(root, &a), 0);
    host(300, 4000, 1040, 91000, 1250); /* eth0 went down: reset */
    put_u64("class/net/fsc2/statistics/tx_bytes", 9);
    put_u64("class/net/fsc2/statistics/rx_bytes", 9);
    assert_int_equal(fs_nic_snapshot_read(root, &b), 0);
    assert_int_equal(fs_nic_delta(&a, &b, &d), 0);
    assert_int_equal(d.n, 5); /* fsc2 appeared: no baseline */
    assert_null(get(&d, "fsc2"));
    assert_int_equal(get(&d, "lo")->tx_bytes, 200);
    assert_int_equal(get(&d, "eth0")->tx_bytes, 4000); /* counted from 0 */
    assert_int_equal(get(&d, "fsc1")->tx_bytes, 1000);
    assert_int_equal(get(&d, "rdmap16s27/1")->tx_bytes, 90000);
    assert_int_equal(get(&d, "rdmap16s27/1")->rx_bytes, 270000);
    assert_int_equal(get(&d, "mlx5_0/1")->rx_bytes, 4000);
    fs_nic_snapshot_free(&a);
    fs_nic_snapshot_free(&b);
    fs_nic_snapshot_free(&d);
}

static void test_domain_device(void **state)
{
    (void)state;
    char out[FS_NIC_NAME_MAX];
    fs_path_domain_device("efa", "rdmap16s27-rdm", out, sizeof out);
    assert_string_equal(out, "rdmap16s27");
    fs_path_domain_device("efa", "rdmap16s27-dgrm", out, sizeof out);
    assert_string_equal(out, "rdmap16s27");
    fs_path_domain_device("efa-direct", "rdmap16s27-rdm", out, sizeof out);
    assert_string_equal(out, "rdmap16s27");
    fs_path_domain_device("verbs;ofi_rxm", "mlx5_0", out, sizeof out);
    assert_string_equal(out, "mlx5_0");
    fs_path_domain_device("tcp;ofi_rxm", "fsc1", out, sizeof out);
    assert_string_equal(out, "fsc1");
    fs_path_domain_device("tcp", "eth-0", out, sizeof out); /* an interface keeps its dashes */
    assert_string_equal(out, "eth-0");
    fs_path_domain_device("shm", "shm", out, sizeof out);
    assert_string_equal(out, "");
    fs_path_domain_device(NULL, "x", out, sizeof out);
    assert_string_equal(out, "");
    fs_path_domain_device("tcp", NULL, out, sizeof out);
    assert_string_equal(out, "");
}

/* A delta with given tx+rx per device (all tx). */
static fs_nic_snapshot delta_of(fs_nic_counter *v, size_t n)
{
    return (fs_nic_snapshot){.n = n, .v = v};
}

static void test_judge(void **state)
{
    (void)state;
    fs_nic_counter c[] = {
        {.name = "fsc0", .device = "fsc0", .tx_bytes = 600000, .rx_bytes = 20000},
        {.name = "fsc1", .device = "fsc1", .tx_bytes = 500000, .rx_bytes = 20000},
        {.name = "lo", .device = "lo", .tx_bytes = 3000000, .rx_bytes = 3000000},
        {.name = "rdmap16s27/1", .device = "rdmap16s27", .rdma = true, .tx_bytes = 10},
    };
    fs_nic_snapshot d = delta_of(c, 4);
    fs_path_verdict v;

    const char *one[] = {"fsc0"};
    fs_path_judge(&d, one, 1, 1e6, &v);
    assert_int_equal(v.status, FS_PATH_OK);
    assert_non_null(strstr(v.message, "fsc0 620000 bytes"));

    /* The bytes went over loopback, not the EFA device: a warning naming both. */
    const char *efa[] = {"rdmap16s27"};
    fs_path_judge(&d, efa, 1, 1e6, &v);
    assert_int_equal(v.status, FS_PATH_WARN);
    assert_non_null(strstr(v.message, "device rdmap16s27 carried 10 bytes"));
    assert_non_null(strstr(v.message, "busiest other device: lo, 6000000 bytes"));

    /* Two rails: each must carry a quarter of its half. */
    const char *two[] = {"fsc0", "fsc1"};
    fs_path_judge(&d, two, 2, 2e6, &v);
    assert_int_equal(v.status, FS_PATH_OK);
    fs_path_judge(&d, two, 2, 4.5e6, &v); /* fsc1: 520000 < 4.5e6 / 8 <= fsc0: 620000 */
    assert_int_equal(v.status, FS_PATH_WARN);
    assert_non_null(strstr(v.message, "device fsc1 carried 520000 bytes"));
    assert_non_null(strstr(v.message, "2 devices expected"));

    /* Nothing to judge. */
    fs_path_judge(&d, one, 1, 0, &v);
    assert_int_equal(v.status, FS_PATH_UNCHECKED);
    assert_non_null(strstr(v.message, "no bytes crossed hosts"));
    fs_path_judge(&d, NULL, 0, 1e6, &v);
    assert_int_equal(v.status, FS_PATH_UNCHECKED);
    const char *gone[] = {"rdmap32s0"};
    fs_path_judge(&d, gone, 1, 1e6, &v);
    assert_int_equal(v.status, FS_PATH_UNCHECKED);
    assert_non_null(strstr(v.message, "no byte counters for device rdmap32s0"));
}

static void test_negotiated(void **state)
{
    (void)state;
    json_t *a = json_pack("{s:b, s:b, s:[s,s,s]}", "rma", 1, "efa_emulated_write", 0, "caps",
                          "FI_MSG", "FI_RMA", "FI_HMEM");
    assert_int_equal(fs_path_device_rdma("efa", a), 1);
    assert_int_equal(fs_path_hmem(a), 1);
    json_object_set_new(a, "efa_emulated_write", json_true());
    assert_int_equal(fs_path_device_rdma("efa", a), 0);
    json_object_set_new(a, "efa_emulated_write", json_null()); /* libfabric < 1.18 */
    assert_int_equal(fs_path_device_rdma("efa", a), -1);
    json_object_set_new(a, "rma", json_false());
    assert_int_equal(fs_path_device_rdma("efa", a), 0);
    assert_int_equal(fs_path_device_rdma("tcp;ofi_rxm", a), 0);
    json_object_set_new(a, "rma", json_true());
    assert_int_equal(fs_path_device_rdma("verbs;ofi_rxm", a), 1);
    assert_int_equal(fs_path_device_rdma("psm3", a), -1);
    json_object_set_new(a, "caps", json_pack("[s]", "FI_TAGGED"));
    assert_int_equal(fs_path_hmem(a), 0);
    json_object_del(a, "caps");
    assert_int_equal(fs_path_hmem(a), -1);
    assert_int_equal(fs_path_hmem(NULL), -1);
    json_decref(a);
}

static void test_json(void **state)
{
    (void)state;
    fs_nic_counter c[] = {
        {.name = "eth0", .device = "eth0", .tx_bytes = 0},
        {.name = "lo", .device = "lo", .tx_bytes = 5, .rx_bytes = 5},
        {.name = "wlan0", .device = "wlan0"},
    };
    fs_nic_snapshot d = delta_of(c, 3);
    fs_path_verdict v = {.status = FS_PATH_WARN, .message = "m"};
    const char *doms[] = {"eth0"};
    json_t *a = json_pack("{s:b}", "rma", 1);
    json_t *o = fs_path_proof_json("tcp;ofi_rxm", "10.0.0.0/24", doms, 1, a, &d, &v);
    assert_string_equal(json_string_value(json_object_get(o, "provider")), "tcp;ofi_rxm");
    assert_string_equal(json_string_value(json_object_get(o, "fabric")), "10.0.0.0/24");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(o, "expected_devices"), 0)), "eth0");
    assert_true(json_is_false(json_object_get(o, "device_rdma")));
    assert_true(json_is_null(json_object_get(o, "hmem")));
    json_t *cd = json_object_get(o, "counters_delta");
    assert_int_equal(json_object_size(cd), 2); /* eth0 (expected, at 0) and lo; not idle wlan0 */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cd, "eth0"), "tx_bytes")),
                     0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(cd, "lo"), "class")),
                        "net");
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "warning");
    json_decref(o);
    json_decref(a);
}

/* The hook as fabscale-bench runs it, on the fake tree (FS_SYSFS_ROOT). */
static const struct fs_transport_ops fake_ops = {.name = "ofi"};

static fs_run *two_host_run(fs_results *doc)
{
    fs_err err = {0};
    fs_run *run = fs_results_new_run(doc, "bw", &err);
    run->peer_hosts[0] = fs_strdup("h0");
    run->peer_hosts[1] = fs_strdup("h1");
    run->notes = json_array();
    fs_point *p = fs_run_new_point(run, &err);
    p->bytes = 65536;
    p->iterations = 100; /* 6.5 MB between hosts */
    return run;
}

static void test_hook(void **state)
{
    (void)state;
    setenv("FS_SYSFS_ROOT", root, 1);
    fs_transport tp = {.ops = &fake_ops};
    snprintf(tp.provider, sizeof tp.provider, "tcp;ofi_rxm");
    snprintf(tp.domain, sizeof tp.domain, "eth0");
    fs_results doc = {0};

    /* The bytes crossed eth0: ok, with eth0's delta recorded. */
    host(100, 1000, 0, 0, 0);
    fs_path_proof *pp = fs_path_proof_begin();
    assert_non_null(pp);
    host(100, 1000 + 8000000, 0, 0, 0);
    fs_run *run = two_host_run(&doc);
    run->window = 4; /* 4 messages per iteration: 26 MB moved */
    fs_path_proof_end(pp, &tp, run, NULL);
    json_t *o = json_object_get(run->extra, "path_proof");
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "ok");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(o, "counters_delta"), "eth0"), "tx_bytes")),
        8000000);
    assert_true(json_real_value(json_object_get(o, "moved_bytes")) == 65536.0 * 100 * 4);
    assert_int_equal(json_array_size(run->notes), 0);

    /* --nics: the rails' domains are the expected devices; the bytes went
     * over eth0 and loopback, fsc1 stayed idle: warning, note. */
    host(100, 1000, 0, 0, 0);
    pp = fs_path_proof_begin();
    host(5000100, 1000 + 8000000, 0, 0, 0);
    run = two_host_run(&doc);
    run->attributes = json_pack("{s:[{s:s},{s:s}]}", "rails", "domain", "eth0", "domain", "fsc1");
    fs_path_proof_end(pp, &tp, run, NULL);
    o = json_object_get(run->extra, "path_proof");
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "warning");
    assert_int_equal(json_array_size(json_object_get(o, "domains")), 2);
    assert_non_null(
        strstr(json_string_value(json_object_get(o, "message")), "device fsc1 carried 0"));
    assert_int_equal(json_array_size(run->notes), 1);

    /* Both ranks on one host: nothing to prove. */
    host(100, 1000, 0, 0, 0);
    pp = fs_path_proof_begin();
    run = two_host_run(&doc);
    free(run->peer_hosts[1]);
    run->peer_hosts[1] = fs_strdup("h0");
    fs_path_proof_end(pp, &tp, run, NULL);
    o = json_object_get(run->extra, "path_proof");
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "unchecked");

    fs_path_proof_end(NULL, &tp, run, NULL); /* no proof: nothing, no crash */
    fs_results_free(&doc);
    unsetenv("FS_SYSFS_ROOT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_reads_net_efa_and_ib, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delta, setup, teardown),
        cmocka_unit_test(test_domain_device),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_negotiated),
        cmocka_unit_test(test_json),
        cmocka_unit_test_setup_teardown(test_hook, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
