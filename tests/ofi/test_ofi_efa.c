/*
 * test_ofi_efa.c - the libfabric transport's decisions against EFA's real
 * attribute sets (and this host's), with libfabric scripted by
 * fake_fabric.c: which fabric it picks, what it registers and passes,
 * which key it publishes, when it injects or chunks, how it treats
 * -FI_EAGAIN, queue limits, errors and the watchdog.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fake_fabric.h"
#include "ofi.h"
#include "ofi_priv.h"
#include "transport.h"

#include <rdma/fi_errno.h>

static fs_transport tp;
static char buf_a[65536] __attribute__((aligned(64)));
static char buf_b[65536] __attribute__((aligned(64)));

static int open_tp(const char *prov, const char *fabric, bool need_rma, bool emulate)
{
    memset(&tp, 0, sizeof tp);
    tp.ops = &fs_transport_ofi;
    fs_transport_opts o = {.provider = prov,
                           .fabric = fabric,
                           .need_rma = need_rma,
                           .emulate_efa = emulate,
                           .max_bytes = 1u << 20,
                           .timeout_s = 5};
    return tp.ops->init(&tp, &o);
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tp.priv) tp.ops->fini(&tp);
    return 0;
}

static int count_ops(int kind)
{
    int n = 0;
    for (int i = 0; i < fake.nops; i++) n += fake.ops[i].kind == kind;
    return n;
}

/* EFA lists efa-direct first; tagged benchmarks must land on "efa". */
static void test_efa_picks_tagged_fabric(void **state)
{
    (void)state;
    fake_add(fake_efa_direct());
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    assert_string_equal(tp.provider, "efa");
    assert_string_equal(tp.fabric, "efa");
    assert_string_equal(tp.domain, "rdmap0s31-rdm");
    /* The hints EFA needs. */
    assert_int_equal(fake.hint_ep_type, FI_EP_RDM);
    assert_true((fake.hint_caps & (FI_TAGGED | FI_MSG | FI_RMA)) == (FI_TAGGED | FI_MSG | FI_RMA));
    assert_true(fake.hint_mode & FI_CONTEXT2);
    assert_int_equal(fake.hint_mr_mode,
                     FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY);
    assert_int_equal(fake.hint_av_type, FI_AV_TABLE);
    assert_int_equal(fake.hint_cq_data, 4);
    assert_true(fake.hint_tx_order & FI_ORDER_SAS);
    /* And what came back is obeyed. */
    assert_true(tp.caps.needs_mr);
    assert_true(tp.caps.rma);
    assert_int_equal(tp.caps.inject_size, 4096);
    assert_int_equal(tp.caps.tx_depth, 2048);
    assert_int_equal(tp.caps.rx_depth, 4096);
    /* One AV insert per rank, so fi_addr r is rank r. */
    assert_int_equal(fake.av_insert_calls, 2);
    assert_int_equal(fake.av_inserted, 2);
    assert_int_equal(fake.ep_enabled, 1);
}

static void test_efa_direct_refused_for_tagged(void **state)
{
    (void)state;
    fake_add(fake_efa_direct());
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", "efa-direct", false, false), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "\"efa-direct\""));
    assert_non_null(strstr(tp.errmsg, "FI_TAGGED"));
    assert_non_null(strstr(tp.errmsg, "--fabric efa"));
    assert_null(strchr(tp.errmsg, '\n'));
    assert_null(tp.priv);
}

static void test_efa_direct_rma_only(void **state)
{
    (void)state;
    fake_add(fake_efa_direct());
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", "efa-direct", true, false), 0);
    assert_string_equal(tp.fabric, "efa-direct");
    assert_true(tp.caps.rma);
    assert_int_equal(tp.caps.max_msg_size, 8192);
    assert_int_equal(tp.caps.inject_size, 0);

    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), 0);
    fs_req req;
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 8, mr, 1, &req), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "tagged"));

    fs_rkey keys[2];
    assert_int_equal(tp.ops->rma_expose(&tp, mr, keys), 0);
    /* The provider's key, not the one requested; a virtual address. */
    assert_int_equal(keys[1].key, fake.mrs[0].key);
    assert_int_not_equal(keys[1].key, fake.mrs[0].requested_key);
    assert_int_equal(keys[1].addr, (uint64_t)(uintptr_t)buf_a);

    /* 20000 bytes over 8 KiB messages: three writes, each with the
     * descriptor, the chunk count as CQ data, consecutive addresses. */
    fake.nops = 0;
    assert_int_equal(tp.ops->write_notify(&tp, 1, buf_a + 16, 20000, mr, &keys[1], 100, &req), 0);
    assert_int_equal(tp.ops->waitall(&tp, &req, 1), 0);
    assert_int_equal(count_ops(FAKE_WRITEDATA), 3);
    size_t lens[3] = {8192, 8192, 20000 - 16384};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(fake.ops[k].len, lens[k]);
        assert_ptr_equal(fake.ops[k].buf, buf_a + 16 + k * 8192);
        assert_ptr_equal(fake.ops[k].desc, fake.ops[0].desc);
        assert_non_null(fake.ops[k].desc);
        assert_int_equal(fake.ops[k].data, 3);
        assert_int_equal(fake.ops[k].raddr, keys[1].addr + 100 + (uint64_t)k * 8192);
        assert_int_equal(fake.ops[k].rkey, keys[1].key);
        assert_int_equal(fake.ops[k].addr, 1);
    }
    tp.ops->mr_dereg(&tp, mr);
}

static void test_registration_inject_and_tags(void **state)
{
    (void)state;
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), 0);
    assert_int_equal(fake.nmrs, 1);
    assert_ptr_equal(fake.mrs[0].buf, buf_a);
    assert_int_equal(fake.mrs[0].len, sizeof buf_a);
    uint64_t want = FI_SEND | FI_RECV | FI_WRITE | FI_REMOTE_WRITE;
    assert_true((fake.mrs[0].access & want) == want);

    fs_req r[3];
    /* Small: injected (4096 allowed), no completion needed. */
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 8, mr, 0x1234, &r[0]), 0);
    /* Above inject_size: a real send with the descriptor (FI_MR_LOCAL). */
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 4097, mr, 0x1234, &r[1]), 0);
    assert_int_equal(tp.ops->irecv(&tp, 1, buf_b, 100, NULL, 0x55, &r[2]), FS_ERUNTIME);
    assert_non_null(strstr(tp.errmsg, "FI_MR_LOCAL"));
    fs_mr *mrb;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_b, sizeof buf_b, &mrb), 0);
    assert_int_equal(tp.ops->irecv(&tp, 1, buf_b, 100, mrb, 0x55, &r[2]), 0);
    assert_int_equal(tp.ops->waitall(&tp, r, 3), 0);

    assert_int_equal(fake.ops[0].kind, FAKE_TINJECT);
    assert_int_equal(fake.ops[0].len, 8);
    assert_int_equal(fake.ops[1].kind, FAKE_TSEND);
    assert_int_equal(fake.ops[1].len, 4097);
    assert_ptr_equal(fake.ops[1].desc, mr->desc[0]);
    /* Sender rank in the upper 32 bits, the interface's tag below. */
    assert_int_equal(fake.ops[1].tag, 0x1234);
    assert_int_equal(fake.ops[2].kind, FAKE_TRECV);
    assert_int_equal(fake.ops[2].tag, (1ull << 32) | 0x55);
    assert_int_equal(fake.ops[2].addr, 1);

    /* A buffer outside its registration is refused. */
    assert_int_equal(tp.ops->isend(&tp, 1, buf_b, 8, mr, 1, &r[0]), FS_ERUNTIME);
    assert_non_null(strstr(tp.errmsg, "outside"));
    tp.ops->mr_dereg(&tp, mr);
    tp.ops->mr_dereg(&tp, mrb);
}

/* tcp;ofi_rxm: no FI_MR_LOCAL, no VIRT_ADDR, no PROV_KEY. */
static void test_offsets_and_requested_keys(void **state)
{
    (void)state;
    fake_add(fake_tcp_rxm());
    assert_int_equal(open_tp("tcp", NULL, true, false), 0);
    assert_string_equal(tp.provider, "tcp;ofi_rxm");
    assert_false(tp.caps.needs_mr);
    fs_mr *m1, *m2;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &m1), 0);
    assert_int_equal(tp.ops->mr_reg(&tp, buf_b, sizeof buf_b, &m2), 0);
    assert_int_not_equal(fake.mrs[0].requested_key, fake.mrs[1].requested_key);
    fs_rkey keys[2];
    assert_int_equal(tp.ops->rma_expose(&tp, m2, keys), 0);
    assert_int_equal(keys[1].addr, 0); /* offset-based RMA */
    assert_int_equal(keys[1].key, fake.mrs[1].requested_key);

    fs_req r;
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 1000, m1, 3, &r), 0);
    assert_int_equal(tp.ops->waitall(&tp, &r, 1), 0);
    assert_int_equal(fake.ops[fake.nops - 1].kind, FAKE_TSEND);
    assert_null(fake.ops[fake.nops - 1].desc); /* not required, not passed */
    assert_int_equal(tp.ops->write_notify(&tp, 1, buf_a, 64, m1, &keys[1], 256, &r), 0);
    assert_int_equal(tp.ops->waitall(&tp, &r, 1), 0);
    assert_int_equal(fake.ops[fake.nops - 1].raddr, 256);
    tp.ops->mr_dereg(&tp, m1);
    tp.ops->mr_dereg(&tp, m2);
}

static void test_emulate_efa_on_shm(void **state)
{
    (void)state;
    fake_add(fake_shm());
    assert_int_equal(open_tp("shm", NULL, false, true), 0);
    assert_true(tp.caps.needs_mr);
    assert_int_equal(tp.caps.inject_size, 0);
    assert_int_equal(tp.caps.max_msg_size, 8192);
    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), 0);

    /* Twelve 2-chunk messages: never more than 8 sends outstanding, the
     * 9th answered with -FI_EAGAIN and retried after progress. */
    fs_req r[12];
    for (int i = 0; i < 12; i++)
        assert_int_equal(tp.ops->isend(&tp, 1, buf_a + i * 4096, 12000, mr, 9, &r[i]), 0);
    assert_int_equal(tp.ops->waitall(&tp, r, 12), 0);
    assert_int_equal(count_ops(FAKE_TINJECT), 0);
    assert_int_equal(count_ops(FAKE_TSEND), 24);
    assert_true(fake.tx_max_outstanding <= 8);
    for (int i = 0; i < fake.nops; i++) {
        assert_non_null(fake.ops[i].desc);
        assert_true(fake.ops[i].len == 8192 || fake.ops[i].len == 12000 - 8192);
    }
    /* Chunks of one message stay in order and adjacent. */
    assert_ptr_equal(fake.ops[1].buf, (char *)fake.ops[0].buf + 8192);

    json_t *a = json_object();
    tp.ops->describe(&tp, a);
    assert_true(json_integer_value(json_object_get(a, "eagain_retries")) > 0);
    assert_int_equal(json_integer_value(json_object_get(a, "chunked_messages")), 12);
    assert_true(json_is_true(json_object_get(a, "chunked")));
    assert_true(json_is_true(json_object_get(a, "descriptors_passed")));
    assert_int_equal(json_integer_value(json_object_get(a, "chunk_bytes")), 8192);
    json_decref(a);
    tp.ops->mr_dereg(&tp, mr);
}

static void test_eagain_progress_and_retry(void **state)
{
    (void)state;
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), 0);
    fake.eagain_left = 3;
    int reads = fake.cq_reads;
    fs_req r;
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 5000, mr, 1, &r), 0);
    assert_int_equal(tp.ops->waitall(&tp, &r, 1), 0);
    assert_int_equal(count_ops(FAKE_TSEND), 1);
    assert_true(fake.cq_reads - reads >= 3); /* progressed between retries */
    json_t *a = json_object();
    tp.ops->describe(&tp, a);
    assert_int_equal(json_integer_value(json_object_get(a, "eagain_retries")), 3);
    json_decref(a);
    tp.ops->mr_dereg(&tp, mr);
}

static void test_missing_provider(void **state)
{
    (void)state;
    fake_add(fake_shm());
    fake_add(fake_tcp_rxm());
    assert_int_equal(open_tp("efa", NULL, false, false), FS_EINPUT);
    assert_string_equal(tp.errmsg,
                        "provider \"efa\" not available on this host (fi_getinfo: No data "
                        "available); available RDM providers: shm, tcp;ofi_rxm");
}

static void test_missing_fabric(void **state)
{
    (void)state;
    fake_add(fake_efa_direct());
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", "efa-fast", false, false), FS_EINPUT);
    assert_string_equal(tp.errmsg, "provider \"efa\" has no fabric \"efa-fast\" on this host; its "
                                   "fabrics: efa-direct, efa");
}

static void test_provider_without_rma(void **state)
{
    (void)state;
    fake_prov p = fake_shm();
    p.prov = "udp;ofi_rxd";
    p.caps &= ~(uint64_t)(FI_RMA | FI_WRITE | FI_REMOTE_WRITE | FI_READ | FI_REMOTE_READ);
    fake_add(p);
    assert_int_equal(open_tp("udp;ofi_rxd", NULL, false, false), 0);
    assert_false(tp.caps.rma);
    tp.ops->fini(&tp);
    fake_reset();
    fake_add(p);
    assert_int_equal(open_tp("udp;ofi_rxd", NULL, true, false), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "no RMA"));
}

static void test_unsatisfiable_hints(void **state)
{
    (void)state;
    fake_prov p = fake_shm();
    p.mode = FI_MSG_PREFIX;
    fake_add(p);
    assert_int_equal(open_tp("shm", NULL, false, false), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "cannot satisfy the hint mode"));

    fake_reset();
    p = fake_shm();
    p.mr_mode |= FI_MR_ENDPOINT;
    fake_add(p);
    assert_int_equal(open_tp("shm", NULL, false, false), FS_EINPUT);
    assert_non_null(strstr(tp.errmsg, "cannot satisfy the hint mr_mode"));
}

static void test_unresponsive_receiver_hint(void **state)
{
    (void)state;
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), 0);
    fake.error_prov_errno = 4126;
    fake.error_errno = FI_ECONNABORTED;
    fs_req r;
    assert_int_equal(tp.ops->isend(&tp, 1, buf_a, 9000, mr, 1, &r), 0);
    assert_int_equal(tp.ops->waitall(&tp, &r, 1), FS_ERUNTIME);
    assert_non_null(strstr(tp.errmsg, "security group"));
    assert_non_null(strstr(tp.errmsg, "rank 1"));
    assert_non_null(strstr(tp.errmsg, "handshake failed"));
    tp.ops->mr_dereg(&tp, mr);
}

static void test_mr_enomem_hint(void **state)
{
    (void)state;
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    fake.mr_reg_rc = -FI_ENOMEM;
    fs_mr *mr;
    assert_int_equal(tp.ops->mr_reg(&tp, buf_a, sizeof buf_a, &mr), FS_ERUNTIME);
    assert_non_null(strstr(tp.errmsg, "ulimit -l unlimited"));
}

static void test_timeout(void **state)
{
    (void)state;
    fake_add(fake_shm());
    memset(&tp, 0, sizeof tp);
    tp.ops = &fs_transport_ofi;
    fs_transport_opts o = {.provider = "shm", .max_bytes = 64, .timeout_s = 0.05};
    assert_int_equal(tp.ops->init(&tp, &o), 0);
    fake.hold_recvs = true;
    fs_req r;
    assert_int_equal(tp.ops->irecv(&tp, 1, buf_b, 8, NULL, 4, &r), 0);
    assert_int_equal(tp.ops->waitall(&tp, &r, 1), FS_ETIMEOUT);
    assert_non_null(strstr(tp.errmsg, "no progress"));
    assert_non_null(strstr(tp.errmsg, "receive from rank 1"));
}

static void test_wait_notify_counts_chunked_writes(void **state)
{
    (void)state;
    fake_add(fake_efa());
    assert_int_equal(open_tp("efa", NULL, true, false), 0);
    /* Two 3-chunk writes interleaved, one single write; upper bits of the
     * 64-bit CQ data are ignored (EFA carries 4 bytes). */
    fake_remote_write(3);
    fake_remote_write(3 | (1ull << 40));
    fake_remote_write(1);
    fake_remote_write(3);
    fake_remote_write(3);
    fake_remote_write(3);
    fake_remote_write(3);
    assert_int_equal(tp.ops->wait_notify(&tp, 3), 0);
    /* Nothing left: another wait times out. */
    ((ofi_rails *)tp.priv)->rail[0].timeout_s = 0.05;
    assert_int_equal(tp.ops->wait_notify(&tp, 1), FS_ETIMEOUT);
}

static void test_describe(void **state)
{
    (void)state;
    fake_add(fake_efa());
    fake.runtime_version = FI_VERSION(2, 2);
    assert_int_equal(open_tp("efa", NULL, false, false), 0);
    json_t *a = json_object();
    tp.ops->describe(&tp, a);
    assert_string_equal(json_string_value(json_object_get(a, "libfabric_runtime")), "2.2");
    char hdr[16];
    snprintf(hdr, sizeof hdr, "%d.%d", FI_MAJOR_VERSION, FI_MINOR_VERSION);
    assert_string_equal(json_string_value(json_object_get(a, "libfabric_headers")), hdr);
    json_t *mm = json_object_get(a, "mr_mode");
    assert_int_equal(json_array_size(mm), 4);
    bool local = false, prov_key = false;
    for (size_t i = 0; i < json_array_size(mm); i++) {
        const char *s = json_string_value(json_array_get(mm, i));
        local |= strcmp(s, "FI_MR_LOCAL") == 0;
        prov_key |= strcmp(s, "FI_MR_PROV_KEY") == 0;
    }
    assert_true(local && prov_key);
    assert_int_equal(json_integer_value(json_object_get(a, "inject_size")), 4096);
    assert_true(json_is_null(json_object_get(a, "max_msg_size")));
    assert_int_equal(json_integer_value(json_object_get(a, "cq_data_size")), 4);
    assert_int_equal(json_integer_value(json_object_get(a, "tx_size")), 2048);
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "progress"), "data")),
                        "manual");
    assert_string_equal(json_string_value(json_object_get(a, "rma_addressing")), "virtual");
    assert_false(json_is_true(json_object_get(a, "chunked")));
    json_decref(a);
}

static void test_list_providers(void **state)
{
    (void)state;
    fake_add(fake_efa_direct());
    fake_add(fake_efa());
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(fs_ofi_list_providers(f, true), 0);
    fclose(f);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    assert_non_null(doc);
    json_t *ps = json_object_get(doc, "providers");
    assert_int_equal(json_array_size(ps), 2);
    json_t *d = json_array_get(ps, 0);
    assert_string_equal(json_string_value(json_object_get(d, "fabric")), "efa-direct");
    assert_false(json_is_true(json_object_get(d, "tagged")));
    assert_int_equal(json_integer_value(json_object_get(d, "max_msg_size")), 8192);
    assert_true(json_is_true(json_object_get(json_array_get(ps, 1), "tagged")));
    json_decref(doc);
    free(text);

    f = open_memstream(&text, &len);
    assert_int_equal(fs_ofi_list_providers(f, false), 0);
    fclose(f);
    assert_non_null(strstr(text, "efa-direct"));
    assert_non_null(strstr(text, "FI_MR_LOCAL"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_efa_picks_tagged_fabric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_efa_direct_refused_for_tagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_efa_direct_rma_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_inject_and_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_and_requested_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emulate_efa_on_shm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eagain_progress_and_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_fabric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provider_without_rma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsatisfiable_hints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unresponsive_receiver_hint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mr_enomem_hint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_notify_counts_chunked_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_providers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
