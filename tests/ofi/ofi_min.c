/*
 * ofi_min.c - the smallest correct fi_tsend/fi_trecv loop, the yardstick for
 * the libfabric transport's overhead (scripts/bench-ofi): an RDM endpoint,
 * one CQ polled by hand, addresses exchanged with MPI, no chunking, no
 * queues of our own.  It measures what fabscale-bench measures, the same
 * way: latency = p50 of per-iteration half round trips; bandwidth = bytes
 * of one window / p50 of per-window times (window of W sends, then a
 * 4-byte acknowledgement).
 *
 *   mpirun -n 2 ofi_min --provider P [--domain D] lat|bw SIZE ITERS [WINDOW]
 *
 * Rank 0 prints one JSON line: {"mode", "provider", "bytes", "iters",
 * "window", "p50_us", "bandwidth_GBps"}.
 */
#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_eq.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_tagged.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (int)(x);                                                                        \
        if (rc_) {                                                                                 \
            fprintf(stderr, "ofi_min: %s: %s\n", #x, fi_strerror(-rc_));                           \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                          \
        }                                                                                          \
    } while (0)

static struct fid_ep *ep;
static struct fid_cq *cq;
static size_t inject_size;
static void *desc = NULL; /* no FI_MR_LOCAL providers here */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int banked; /* completions read while retrying a post */

static void cq_fail(void)
{
    struct fi_cq_err_entry err = {0};
    fi_cq_readerr(cq, &err, 0);
    fprintf(stderr, "ofi_min: completion error: %s\n", fi_strerror(err.err));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* Wait for n completions. */
static void reap(int n)
{
    struct fi_cq_tagged_entry e[16];
    int take = banked < n ? banked : n;
    banked -= take;
    n -= take;
    while (n > 0) {
        ssize_t got = fi_cq_read(cq, e, n < 16 ? (size_t)n : 16);
        if (got > 0) {
            n -= (int)got;
        } else if (got != -FI_EAGAIN) {
            cq_fail();
        }
    }
}

static struct fi_context2 ctx[2048];

static void post_send(void *buf, size_t len, fi_addr_t peer, int i)
{
    for (;;) {
        ssize_t rc = len <= inject_size ? fi_tinject(ep, buf, len, peer, 1)
                                        : fi_tsend(ep, buf, len, desc, peer, 1, &ctx[i]);
        if (rc == 0) return;
        if (rc != -FI_EAGAIN) TRY(rc);
        /* -FI_EAGAIN: progress, keeping count of what completed. */
        struct fi_cq_tagged_entry e[16];
        ssize_t got = fi_cq_read(cq, e, 16);
        if (got > 0)
            banked += (int)got;
        else if (got != -FI_EAGAIN)
            cq_fail();
    }
}

static void post_recv(void *buf, size_t len, fi_addr_t peer, int i)
{
    for (;;) {
        ssize_t rc = fi_trecv(ep, buf, len, desc, peer, 1, 0, &ctx[1024 + i]);
        if (rc == 0) return;
        if (rc != -FI_EAGAIN) TRY(rc);
        struct fi_cq_tagged_entry e[16];
        ssize_t got = fi_cq_read(cq, e, 16);
        if (got > 0)
            banked += (int)got;
        else if (got != -FI_EAGAIN)
            cq_fail();
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const char *prov = NULL, *domain = NULL;
    int a = 1;
    for (; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
        if (strcmp(argv[a], "--provider") == 0) prov = argv[a + 1];
        if (strcmp(argv[a], "--domain") == 0) domain = argv[a + 1];
    }
    if (argc - a < 3 || (strcmp(argv[a], "lat") && strcmp(argv[a], "bw"))) {
        if (rank == 0)
            fprintf(stderr,
                    "usage: ofi_min --provider P [--domain D] lat|bw SIZE ITERS [WINDOW]\n");
        MPI_Finalize();
        return 2;
    }
    bool bw = strcmp(argv[a], "bw") == 0;
    size_t size = strtoull(argv[a + 1], NULL, 0);
    int iters = atoi(argv[a + 2]);
    int window = argc - a > 3 ? atoi(argv[a + 3]) : 64;
    if (window < 1 || window > 1024) window = 64;

    struct fi_info *hints = fi_allocinfo(), *info;
    hints->ep_attr->type = FI_EP_RDM;
    hints->caps = FI_TAGGED | FI_MSG;
    hints->mode = FI_CONTEXT | FI_CONTEXT2;
    hints->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY;
    hints->domain_attr->threading = FI_THREAD_DOMAIN;
    hints->fabric_attr->prov_name = prov ? strdup(prov) : NULL;
    struct fi_info *list;
    TRY(fi_getinfo(FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION), NULL, NULL, 0, hints, &list));
    /* Filter the domain by name here: layered providers ignore the hint. */
    info = list;
    while (info && domain && strcmp(info->domain_attr->name, domain) != 0) info = info->next;
    if (!info) {
        fprintf(stderr, "ofi_min: provider %s has no domain %s\n", prov ? prov : "(any)", domain);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    struct fid_fabric *fabric;
    struct fid_domain *dom;
    struct fid_av *av;
    TRY(fi_fabric(info->fabric_attr, &fabric, NULL));
    TRY(fi_domain(fabric, info, &dom, NULL));
    struct fi_cq_attr cqa = {.format = FI_CQ_FORMAT_TAGGED, .wait_obj = FI_WAIT_NONE, .size = 2048};
    TRY(fi_cq_open(dom, &cqa, &cq, NULL));
    struct fi_av_attr ava = {.type = FI_AV_TABLE, .count = 2};
    TRY(fi_av_open(dom, &ava, &av, NULL));
    TRY(fi_endpoint(dom, info, &ep, NULL));
    TRY(fi_ep_bind(ep, &av->fid, 0));
    TRY(fi_ep_bind(ep, &cq->fid, FI_TRANSMIT | FI_RECV));
    TRY(fi_enable(ep));
    inject_size = info->tx_attr->inject_size;

    char name[256], names[512];
    size_t len = sizeof name;
    TRY(fi_getname(&ep->fid, name, &len));
    MPI_Allgather(name, 256, MPI_BYTE, names, 256, MPI_BYTE, MPI_COMM_WORLD);
    fi_addr_t addrs[2];
    for (int r = 0; r < 2; r++)
        if (fi_av_insert(av, names + 256 * r, 1, &addrs[r], 0, NULL) != 1) TRY(-FI_EINVAL);
    fi_addr_t peer = addrs[1 - rank];

    size_t bytes = size < 4 ? 4 : size;
    char *sbuf = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    char *rbuf = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    memset(sbuf, rank + 1, bytes);
    if (info->domain_attr->mr_mode & FI_MR_LOCAL) {
        /* A yardstick for local providers; registration is the transport's job. */
        fprintf(stderr, "ofi_min: provider %s needs FI_MR_LOCAL, which this tool does not do\n",
                info->fabric_attr->prov_name);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }

    int warm = iters / 10 + 10;
    double *t = malloc(sizeof(double) * (size_t)iters);
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = -warm; i < iters; i++) {
        double t0 = now_us();
        if (!bw) {
            if (rank == 0) {
                post_recv(rbuf, size, peer, 0);
                post_send(sbuf, size, peer, 1);
                reap(size <= inject_size ? 1 : 2);
            } else {
                post_recv(rbuf, size, peer, 0);
                reap(1);
                post_send(sbuf, size, peer, 1);
                if (size > inject_size) reap(1);
            }
        } else if (rank == 0) {
            for (int w = 0; w < window; w++) post_send(sbuf, size, peer, w);
            post_recv(rbuf, 4, peer, 0);
            reap((size <= inject_size ? 0 : window) + 1);
        } else {
            for (int w = 0; w < window; w++) post_recv(rbuf, size, peer, w);
            reap(window);
            post_send(sbuf, 4, peer, 0);
            if (4 > inject_size) reap(1);
        }
        if (i >= 0) t[i] = now_us() - t0;
    }
    if (rank == 0) {
        qsort(t, (size_t)iters, sizeof *t, cmp);
        double p50 = t[iters / 2] * (bw ? 1.0 : 0.5);
        double gbps = (double)size * (bw ? window : 1) / (p50 * 1e3);
        printf("{\"mode\": \"%s\", \"provider\": \"%s\", \"domain\": \"%s\", \"bytes\": %zu, "
               "\"iters\": %d, \"window\": %d, \"p50_us\": %.4f, \"bandwidth_GBps\": %.4f}\n",
               bw ? "bw" : "lat", info->fabric_attr->prov_name, info->domain_attr->name, size,
               iters, bw ? window : 1, p50, gbps);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    fi_close(&ep->fid);
    fi_close(&av->fid);
    fi_close(&cq->fid);
    fi_close(&dom->fid);
    fi_close(&fabric->fid);
    fi_freeinfo(list);
    fi_freeinfo(hints);
    free(t);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}
