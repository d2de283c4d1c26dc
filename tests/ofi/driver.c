/*
 * driver.c - integration test of the libfabric transport on its own, under
 * `mpirun -n 2`: init over the provider named, ping-pong every interesting
 * size (around inject, chunk and rendezvous limits) with validation, a
 * window wider than the (emulated) tx queue in one and in both directions,
 * RMA writes counted by remote CQ data, the timeout watchdog, and the
 * attributes recorded.  Exits 0 when everything checked out, 2 on bad
 * input (the transport's one line on stderr), 1 otherwise.
 *
 *   driver --provider NAME [--fabric F] [--domain D] [--emulate-efa] [--need-rma]
 */
#include "ofi.h"
#include "rte_mpi.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#define BUF_BYTES (4u << 20)
#define WINDOW    64
#define WIN_BYTES (16u << 10)

static int failures;
static int rank;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "rank %d: check failed: %s: ", rank, #cond);                           \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 8));
}

static size_t check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed * 131u + i * 7u + (i >> 8))) return i;
    return (size_t)-1;
}

static int must(fs_transport *tp, int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "rank %d: %s: %s\n", rank, what, tp->errmsg);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return rc;
}

static void pingpong(fs_transport *tp, unsigned char *sb, fs_mr *smr, unsigned char *rb, fs_mr *rmr)
{
    static const size_t sizes[] = {0,    1,    8,    63,   64,    65,    4095,           4096,
                                   4097, 8191, 8192, 8193, 65536, 65537, (1u << 20) + 3, BUF_BYTES};
    int peer = 1 - rank;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        for (int rep = 0; rep < 3; rep++) {
            unsigned seed = (unsigned)(k * 10 + rep);
            memset(rb, 0xee, n + 1);
            if (rank == 0) {
                fill(sb, n, seed);
                must(tp, fs_send(tp, peer, sb, n, smr, 7), "send");
                must(tp, fs_recv(tp, peer, rb, n, rmr, 8), "recv");
                size_t bad = check(rb, n, seed + 1);
                CHECK(bad == (size_t)-1, "pong of %zu bytes differs at offset %zu", n, bad);
            } else {
                must(tp, fs_recv(tp, peer, rb, n, rmr, 7), "recv");
                size_t bad = check(rb, n, seed);
                CHECK(bad == (size_t)-1, "ping of %zu bytes differs at offset %zu", n, bad);
                fill(sb, n, seed + 1);
                must(tp, fs_send(tp, peer, sb, n, smr, 8), "send");
            }
            CHECK(rb[n] == 0xee, "receive of %zu bytes wrote past its end", n);
        }
    }
}

/* WINDOW messages in flight; both directions at once when `both`. */
static void window(fs_transport *tp, unsigned char *sb, fs_mr *smr, unsigned char *rb, fs_mr *rmr,
                   bool both)
{
    static fs_req reqs[2 * WINDOW];
    int peer = 1 - rank, n = 0;
    bool sends = both || rank == 0, recvs = both || rank == 1;
    for (int i = 0; recvs && i < WINDOW; i++)
        must(tp,
             tp->ops->irecv(tp, peer, rb + (size_t)i * WIN_BYTES, WIN_BYTES, rmr, 21, &reqs[n++]),
             "irecv");
    for (int i = 0; sends && i < WINDOW; i++) {
        fill(sb + (size_t)i * WIN_BYTES, WIN_BYTES, (unsigned)(1000 + i + 100 * rank));
        must(tp,
             tp->ops->isend(tp, peer, sb + (size_t)i * WIN_BYTES, WIN_BYTES, smr, 21, &reqs[n++]),
             "isend");
    }
    must(tp, tp->ops->waitall(tp, reqs, n), "waitall (window)");
    for (int i = 0; recvs && i < WINDOW; i++) {
        size_t bad =
            check(rb + (size_t)i * WIN_BYTES, WIN_BYTES, (unsigned)(1000 + i + 100 * peer));
        CHECK(bad == (size_t)-1, "window message %d differs at offset %zu (order kept?)", i, bad);
    }
}

static long counter(fs_transport *tp, const char *name)
{
    json_t *a = json_object();
    tp->ops->describe(tp, a);
    long v = (long)json_integer_value(json_object_get(a, name));
    json_decref(a);
    return v;
}

/* Streaming as fabscale-bench's bw does it (benchmarks/core/window.c):
 * STREAM_WINDOWS windows of WINDOW messages of STREAM_BYTES from rank 0,
 * each acknowledged.  What the transport must do for the link to stay
 * busy, checked on its counters rather than on a clock: the responder has
 * a whole window of receives in the provider at once (pre-posted, not
 * trickled in as completions free queue slots), the initiator a whole
 * window of sends, and once connected nothing waits in the transport's
 * own queue. */
#define STREAM_BYTES   (64u << 10)
#define STREAM_WINDOWS 4
static void stream(fs_transport *tp, unsigned char *sb, fs_mr *smr, unsigned char *rb, fs_mr *rmr,
                   bool emulated)
{
    static fs_req reqs[WINDOW];
    int peer = 1 - rank;
    long deferred0 = counter(tp, "posts_deferred");
    for (int w = 0; w < STREAM_WINDOWS; w++) {
        for (int i = 0; i < WINDOW; i++) {
            size_t off = (size_t)i * STREAM_BYTES;
            if (rank == 0) {
                fill(sb + off, STREAM_BYTES, (unsigned)(3000 + 64 * w + i));
                must(tp, tp->ops->isend(tp, peer, sb + off, STREAM_BYTES, smr, 31, &reqs[i]),
                     "isend (stream)");
            } else {
                must(tp, tp->ops->irecv(tp, peer, rb + off, STREAM_BYTES, rmr, 31, &reqs[i]),
                     "irecv (stream)");
            }
        }
        must(tp, tp->ops->waitall(tp, reqs, WINDOW), "waitall (stream)");
        if (rank == 0) {
            must(tp, fs_recv(tp, peer, rb, 4, rmr, 32), "recv (stream ack)");
            continue;
        }
        for (int i = 0; i < WINDOW; i++) {
            size_t off = (size_t)i * STREAM_BYTES;
            size_t bad = check(rb + off, STREAM_BYTES, (unsigned)(3000 + 64 * w + i));
            CHECK(bad == (size_t)-1, "stream window %d message %d differs at offset %zu", w, i,
                  bad);
        }
        must(tp, fs_send(tp, peer, sb, 4, smr, 32), "send (stream ack)");
    }
    if (emulated || tp->caps.tx_depth < WINDOW || tp->caps.rx_depth < WINDOW) return;
    if (rank == 0)
        CHECK(counter(tp, "tx_in_flight_max") >= WINDOW,
              "a window of %d sends was in the provider at once (most: %ld)", WINDOW,
              counter(tp, "tx_in_flight_max"));
    else
        CHECK(counter(tp, "rx_in_flight_max") >= WINDOW,
              "a window of %d receives was pre-posted at once (most: %ld)", WINDOW,
              counter(tp, "rx_in_flight_max"));
    CHECK(counter(tp, "posts_deferred") == deferred0,
          "%ld requests waited in the transport's queue while streaming over an established "
          "connection",
          counter(tp, "posts_deferred") - deferred0);
}

static void rma(fs_transport *tp, unsigned char *sb, fs_mr *smr, unsigned char *rb, fs_mr *rmr)
{
    fs_rkey keys[2];
    must(tp, tp->ops->rma_expose(tp, rmr, keys), "rma_expose");
    int peer = 1 - rank;
    static const size_t sizes[] = {8, 4096, 8193, (1u << 20) + 5};
    fs_req req;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], off = 64;
        if (rank == 0) {
            fill(sb, n, (unsigned)(500 + k));
            must(tp, tp->ops->write_notify(tp, peer, sb, n, smr, &keys[peer], off, &req),
                 "write_notify");
            must(tp, tp->ops->waitall(tp, &req, 1), "waitall (write)");
            must(tp, tp->ops->wait_notify(tp, 1), "wait_notify (ack)");
        } else {
            must(tp, tp->ops->wait_notify(tp, 1), "wait_notify");
            size_t bad = check(rb + off, n, (unsigned)(500 + k));
            CHECK(bad == (size_t)-1, "RMA write of %zu bytes differs at offset %zu", n, bad);
            /* A one-byte write back is the acknowledgement. */
            must(tp, tp->ops->write_notify(tp, peer, sb, 1, smr, &keys[peer], 0, &req),
                 "write_notify (ack)");
            must(tp, tp->ops->waitall(tp, &req, 1), "waitall (ack)");
        }
    }
    /* A window of chunked writes, counted as whole messages. */
    static fs_req wr[16];
    if (rank == 0) {
        for (int i = 0; i < 16; i++) {
            fill(sb + (size_t)i * 20000, 20000, (unsigned)(700 + i));
            must(tp,
                 tp->ops->write_notify(tp, peer, sb + (size_t)i * 20000, 20000, smr, &keys[peer],
                                       (uint64_t)i * 20000, &wr[i]),
                 "write_notify (window)");
        }
        must(tp, tp->ops->waitall(tp, wr, 16), "waitall (write window)");
    } else {
        must(tp, tp->ops->wait_notify(tp, 16), "wait_notify (window)");
        for (int i = 0; i < 16; i++) {
            size_t bad = check(rb + (size_t)i * 20000, 20000, (unsigned)(700 + i));
            CHECK(bad == (size_t)-1, "RMA window write %d differs at offset %zu", i, bad);
        }
    }
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return true;
    return false;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    fs_ofi_set_rte(fs_rte_mpi_init(NULL, NULL)); /* the transport bootstraps over it */
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2) {
        if (rank == 0) fprintf(stderr, "driver: needs exactly 2 ranks\n");
        MPI_Finalize();
        return 2;
    }
    fs_transport_opts o = {
        .provider = opt(argc, argv, "--provider"),
        .fabric = opt(argc, argv, "--fabric"),
        .domain = opt(argc, argv, "--domain"),
        .need_rma = flag(argc, argv, "--need-rma"),
        .emulate_efa = flag(argc, argv, "--emulate-efa"),
        .max_bytes = BUF_BYTES,
        .timeout_s = 2.0,
    };
    fs_transport tp = {.ops = &fs_transport_ofi};
    int rc = tp.ops->init(&tp, &o);
    if (rc) {
        if (rank == 0) fprintf(stderr, "driver: %s\n", tp.errmsg);
        MPI_Finalize();
        return rc == FS_EINPUT ? 2 : 1;
    }
    unsigned char *sb = aligned_alloc(4096, BUF_BYTES + 4096);
    unsigned char *rb = aligned_alloc(4096, BUF_BYTES + 4096);
    fs_mr *smr, *rmr;
    must(&tp, tp.ops->mr_reg(&tp, sb, BUF_BYTES + 4096, &smr), "mr_reg");
    must(&tp, tp.ops->mr_reg(&tp, rb, BUF_BYTES + 4096, &rmr), "mr_reg");

    pingpong(&tp, sb, smr, rb, rmr);
    window(&tp, sb, smr, rb, rmr, false);
    window(&tp, sb, smr, rb, rmr, true);
    stream(&tp, sb, smr, rb, rmr, o.emulate_efa);
    if (tp.caps.rma) rma(&tp, sb, smr, rb, rmr);

    /* The watchdog: a receive nobody sends to must time out, not hang. */
    if (rank == 0) {
        fs_req r;
        must(&tp, tp.ops->irecv(&tp, 1, rb, 8, rmr, 99, &r), "irecv (timeout)");
        rc = tp.ops->waitall(&tp, &r, 1);
        CHECK(rc == FS_ETIMEOUT, "waitall returned %d, expected FS_ETIMEOUT", rc);
        CHECK(strstr(tp.errmsg, "no progress") != NULL, "timeout message: %s", tp.errmsg);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    json_t *a = json_object();
    tp.ops->describe(&tp, a);
    CHECK(strlen(tp.fabric) > 0 && strlen(tp.domain) > 0, "fabric and domain recorded");
    CHECK(json_string_length(json_object_get(a, "libfabric_runtime")) > 0, "runtime version");
    CHECK(json_is_array(json_object_get(a, "mr_mode")), "mr_mode is a list");
    long eagain = (long)json_integer_value(json_object_get(a, "eagain_retries"));
    long chunked = (long)json_integer_value(json_object_get(a, "chunked_messages"));
    long injected = (long)json_integer_value(json_object_get(a, "injected_messages"));
    if (o.emulate_efa) {
        CHECK(tp.caps.needs_mr, "emulation passes descriptors");
        CHECK(tp.caps.inject_size == 0, "emulation injects nothing");
        CHECK(tp.caps.max_msg_size == 8192, "emulation chunks at 8 KiB, got %zu",
              tp.caps.max_msg_size);
        CHECK(eagain > 0, "the emulated tx queue produced -FI_EAGAIN");
        CHECK(injected == 0, "no inject under emulation, saw %ld", injected);
        CHECK(chunked > 0, "chunking ran");
        CHECK(json_is_true(json_object_get(a, "chunked")), "metadata says chunked");
    } else if (tp.caps.inject_size > 0) {
        CHECK(injected > 0, "small sends were injected");
    }
    if (rank == 0) {
        char *s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
        printf("%s %s %s %s\n", tp.provider, tp.fabric, tp.domain, s);
        free(s);
    }
    json_decref(a);

    tp.ops->mr_dereg(&tp, smr);
    tp.ops->mr_dereg(&tp, rmr);
    tp.ops->fini(&tp);
    free(sb);
    free(rb);
    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("driver %s%s: %s (%d failed checks)\n", o.provider ? o.provider : "(any)",
               o.emulate_efa ? " --emulate-efa" : "", all ? "FAIL" : "PASS", all);
    MPI_Finalize();
    return all ? 1 : 0;
}
