/*
 * test_fakerte.c - 4 096 ranks on 512 hosts in one process: a fake runtime
 * (fs_rte) plays rank 0 and fills every gather with what the other ranks
 * would send (host names, bindings, their hosts' topologies, one host with
 * 1 000 network devices), so fabscale-bench's own start-up code (the host
 * map, fs_metadata_collect) and results writing run as at that scale.
 * Asserted, with the figures printed:
 *  - bytes gathered at rank 0 and on every rank (host names), against the
 *    fixed slots before issue 19 (8 KiB topology + 256 B binding + 16 B a
 *    rank at rank 0, 256 B of host name a rank everywhere, twice);
 *  - rank 0's peak memory growth while collecting metadata;
 *  - every host listed, the oversized one marked truncated, not dropped;
 *  - the results file: bytes written per point independent of the ranks,
 *    the file after in-place writes byte-identical to a whole write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metadata.h"
#include "results.h"

#define RANKS    4096
#define PER_HOST 8
#define BIG_HOST 7 /* its topology lists 1 000 network devices */

typedef struct fake {
    fs_rte rte;
    int phase;          /* variable-size gathers so far: 0 host names, 1 records */
    char host0[256];    /* rank 0's real host name (host 0's) */
    size_t bytes_rank0; /* bytes delivered to rank 0 by collectives */
    size_t bytes_every; /* of those, what every rank receives (FS_RTE_ALL) */
} fake;

static fake F;

/* What rank r contributes to variable-size gather number phase. */
static char *contribution(int phase, int r, size_t *len)
{
    int h = r / PER_HOST;
    char *s = NULL;
    if (phase == 0) {
        char name[256];
        if (h == 0)
            snprintf(name, sizeof name, "%s", F.host0);
        else
            snprintf(name, sizeof name, "ip-10-1-%d-%d.ec2.internal", h / 250, h % 250);
        *len = strlen(name) + 1;
        return strdup(name);
    }
    char binding[128];
    snprintf(binding, sizeof binding, "core %d (PU %d), NUMA %d", r % PER_HOST, r % PER_HOST,
             (r % PER_HOST) / 4);
    char *topo = NULL;
    if (r % PER_HOST == 0) { /* the host's leader serialises its topology */
        json_t *devs = json_array();
        int ndev = h == BIG_HOST ? 1000 : 4;
        for (int d = 0; d < ndev; d++)
            json_array_append_new(devs, json_pack("{s:s,s:s,s:i,s:s}", "name", "rdmap0s0", "kind",
                                                  "openfabrics", "numa_node", d % 2, "address",
                                                  "0000:10:1d.0"));
        json_t *t =
            json_pack("{s:i,s:i,s:i,s:i,s:o,s:s}", "packages", 2, "numa_nodes", 2, "cores", 96,
                      "pus", 192, "network_devices", devs, "cpu_model", "AMD EPYC 7R13 Processor");
        topo = fs_metadata_topology_text(t, FS_META_TOPOLOGY_MAX);
        json_decref(t);
    }
    size_t lb = strlen(binding) + 1, ly = strlen("launcher") + 1;
    size_t lt = (topo ? strlen(topo) : 0) + 1;
    s = malloc(lb + ly + lt);
    memcpy(s, binding, lb);
    memcpy(s + lb, "launcher", ly);
    memcpy(s + lb + ly, topo ? topo : "", lt);
    free(topo);
    *len = lb + ly + lt;
    return s;
}

static void count(size_t bytes, int root)
{
    F.bytes_rank0 += bytes;
    if (root == FS_RTE_ALL) F.bytes_every += bytes;
}

static int f_barrier(fs_rte *rte)
{
    (void)rte;
    return 0;
}

static int f_bcast(fs_rte *rte, void *buf, size_t len, int root)
{
    (void)rte, (void)buf, (void)root;
    count(len, FS_RTE_ALL);
    return 0;
}

/* Only the lengths before a variable-size gather go through here. */
static int f_gather(fs_rte *rte, const void *mine, void *all, size_t len, int root)
{
    assert_int_equal(len, sizeof(size_t));
    size_t *lens = all;
    memcpy(&lens[0], mine, len);
    for (int r = 1; r < rte->size; r++) free(contribution(F.phase, r, &lens[r]));
    count(len * (size_t)rte->size, root);
    return 0;
}

static int f_gatherv(fs_rte *rte, const void *mine, size_t len, void *all, const size_t *lens,
                     const size_t *displs, int root)
{
    if (F.phase == 0) assert_string_equal(F.host0, (const char *)mine);
    memcpy((char *)all + displs[0], mine, len);
    size_t total = len;
    for (int r = 1; r < rte->size; r++) {
        size_t n;
        char *c = contribution(F.phase, r, &n);
        assert_int_equal(n, lens[r]);
        memcpy((char *)all + displs[r], c, n);
        free(c);
        total += n;
    }
    F.phase++;
    count(total, root);
    return 0;
}

static int f_reduce(fs_rte *rte, const double *in, double *out, size_t n, fs_rte_op op, int root)
{
    (void)rte, (void)op;
    memcpy(out, in, n * sizeof *in);
    count(n * sizeof *in, root);
    return 0;
}

static void f_abort(fs_rte *rte, int code, const char *msg)
{
    (void)rte;
    fprintf(stderr, "fake runtime aborted: %s\n", msg ? msg : "");
    exit(code);
}

static const fs_rte_ops fake_ops = {
    .name = "fake",
    .barrier = f_barrier,
    .bcast = f_bcast,
    .gather = f_gather,
    .gatherv = f_gatherv,
    .reduce = f_reduce,
    .abort = f_abort,
};

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static size_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void test_4096_ranks(void **state)
{
    (void)state;
    F = (fake){.rte = {.ops = &fake_ops, .rank = 0, .size = RANKS}};
    gethostname(F.host0, sizeof F.host0 - 1); /* what rank 0 sends */
    long rss0 = maxrss_kib();
    fs_hostmap hosts;
    assert_int_equal(fs_hostmap_gather(&F.rte, &hosts), 0);
    size_t names_every = F.bytes_every;
    assert_int_equal(hosts.nhosts, RANKS / PER_HOST);
    assert_int_equal(hosts.local_rank, 0);
    assert_int_equal(hosts.local_size, PER_HOST);
    assert_int_equal(hosts.leader[BIG_HOST], BIG_HOST * PER_HOST);
    assert_int_equal(hosts.host[RANKS - 1], RANKS / PER_HOST - 1);
    char *argv[] = {"fabscale-bench", "-b", "allreduce"};
    json_t *meta = fs_metadata_collect(&F.rte, &hosts, 3, argv);
    long rss1 = maxrss_kib();
    assert_non_null(meta);

    /* Every host listed, with its topology; the big one cut and marked. */
    json_t *hl = json_object_get(meta, "hosts"), *tp = json_object_get(meta, "topology");
    assert_int_equal(json_array_size(hl), RANKS / PER_HOST);
    assert_int_equal(json_object_size(tp), RANKS / PER_HOST);
    assert_int_equal(json_array_size(json_object_get(meta, "rank_host")), RANKS);
    assert_int_equal(json_array_size(json_object_get(meta, "rank_binding")), RANKS);
    assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "rank_binding"), 9)),
                        "core 1 (PU 1), NUMA 0");
    json_t *big = json_object_get(tp, hosts.name[BIG_HOST * PER_HOST]);
    assert_true(json_is_true(json_object_get(big, "truncated")));
    assert_int_equal(json_integer_value(json_object_get(big, "network_devices_total")), 1000);
    size_t kept = json_array_size(json_object_get(big, "network_devices"));
    assert_true(kept > 100 && kept < 1000);
    json_t *small = json_object_get(tp, hosts.name[RANKS - 1]);
    assert_int_equal(json_array_size(json_object_get(small, "network_devices")), 4);
    assert_null(json_object_get(small, "truncated"));

    /* Gather volume: before issue 19 rank 0 received 8 KiB + 256 + 16 B a
     * rank (33.6 MiB) and every rank 2 x 256 B a rank of host names (2 MiB). */
    size_t old_rank0 = (size_t)RANKS * (8192 + 256 + 16), old_every = 2 * (size_t)RANKS * 256;
    printf("4096 ranks / 512 hosts: rank 0 received %zu bytes (was %zu), every rank %zu bytes "
           "of host names (was %zu); rank 0 peak RSS grew %ld KiB collecting metadata\n",
           F.bytes_rank0, old_rank0, names_every, old_every, rss1 - rss0);
    assert_true(F.bytes_rank0 < 2u << 20); /* < 2 MiB, 65 KiB of it the big host */
    assert_true(names_every < 256u << 10); /* < 256 KiB */
#ifndef __SANITIZE_ADDRESS__
    assert_true(rss1 - rss0 < 24 * 1024); /* < 24 MiB, jansson's meta objects included */
#else
    /* AddressSanitizer's shadow memory and quarantine grow the RSS with
     * every allocation (41 MiB here): the volumes above are the measure. */
#endif

    /* Results: a document with this meta, 3 runs x 24 points written as
     * the sweep does, in place between points. */
    fs_results *doc = fs_bench_results_new(meta);
    assert_non_null(doc);
    char path[] = "/tmp/fakerte-results-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    fs_bench_output out = {.path = path};
    size_t first = 0, most = 0;
    for (int r = 0; r < 3; r++) {
        fs_err err = {0};
        fs_run *run = fs_results_new_run(doc, "allreduce", &err);
        run->ranks = RANKS;
        run->notes = json_array();
        for (int k = 0; k < 24; k++) {
            fs_point *p = fs_run_new_point(run, &err);
            fs_point_clear(p);
            p->bytes = (double)(1u << k);
            p->iterations = 100;
            p->busbw_GBps = 1.5 + k;
            p->slowest_rank = k * 37 % RANKS;
            assert_int_equal(fs_bench_output_write(&out, doc, false, stderr), 0);
            if (!first)
                first = out.last_bytes;
            else if (out.last_bytes > most)
                most = out.last_bytes;
        }
    }
    size_t streamed = file_size(path);
    /* In place == whole. */
    json_t *whole = fs_results_to_json_doc(doc);
    char *text = fs_results_dumps(whole);
    FILE *f = fopen(path, "r");
    char *disk = calloc(1, streamed + 1);
    assert_int_equal(fread(disk, 1, streamed, f), streamed);
    fclose(f);
    assert_int_equal(strlen(text) + 1, streamed);
    assert_memory_equal(disk, text, strlen(text));
    printf("results: first write %zu bytes (meta), then at most %zu bytes a point; file %zu "
           "bytes after 72 points\n",
           first, most, streamed);
    assert_true(most < 8192);         /* a point's write does not carry meta */
    assert_true(streamed < 2u << 20); /* < 2 MiB */
    assert_true(first > 100 * most);  /* meta dominates, written once */
    assert_int_equal(fs_bench_output_write(&out, doc, true, stderr), 0); /* final: whole */
    assert_int_equal(file_size(path), streamed);
    fs_bench_output_close(&out);
    unlink(path);
    free(disk);
    free(text);
    json_decref(whole);
    fs_bench_results_free(doc);
    fs_hostmap_free(&hosts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_4096_ranks)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
