/*
 * bench_analysis.c - the issue 5 performance figures, measured (not
 * asserted): fit + predict over a results file of 10 000 points, and the
 * prediction grid 2..65536 ranks (powers of two) x 30 sizes x 5 algorithms.
 *
 *   analysis_bench [--write FILE]   FILE: keep the generated results file
 *                                   (for timing the `fabscale` CLI on it)
 * Prints min and median of repeated runs; run it on an idle machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "predict.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double lat(double m)
{
    return m < 16384 ? 0.25 + m / 8e3 : 1.5 + m / 12e3;
}

/* 40 latency + 40 bw runs of 100 sizes and 20 all-reduce runs of 100 sizes. */
static char *make_results(size_t *npoints)
{
    size_t cap = 1 << 22, len = 0;
    char *s = malloc(cap);
#define OUT(...) len += (size_t)snprintf(s + len, cap - len, __VA_ARGS__)
    OUT("{\"schema\": \"fabscale.results/1\", \"meta\": {\"version\": \"bench\", \"hosts\": "
        "[\"a\", \"b\"], "
        "\"complete\": true},\n \"runs\": [\n");
    unsigned seed = 1;
    *npoints = 0;
    for (int r = 0; r < 100; r++) {
        const char *bench = r < 40 ? "latency" : r < 80 ? "bw" : "allreduce";
        const char *alg[] = {"ring", "rd", "rabenseifner", "tree"};
        OUT("%s{\"benchmark\": \"%s\", \"transport\": \"ofi\", \"provider\": \"efa\", \"ranks\": "
            "%d, \"pairs\": 1, "
            "\"window\": %s, \"algorithm\": %s%s%s, \"peer_hosts\": [\"a\", \"b\"], \"points\": "
            "[\n",
            r ? ",\n" : "", bench, r < 80 ? 2 : 4 << (r % 5), r >= 40 && r < 80 ? "64" : "null",
            r >= 80 ? "\"" : "", r >= 80 ? alg[r % 4] : "null", r >= 80 ? "\"" : "");
        for (int k = 0; k < 100; k++) {
            double m = round(pow(2.0, k * 0.23));
            seed = seed * 1103515245u + 12345u;
            double noise = 1 + ((seed >> 16) % 1000 - 500) * 2e-5;
            double t = r < 40 ? lat(m) : r < 80 ? 64 * (lat(m) - 0.15) : 2 * 3 * lat(m / 4);
            OUT("%s{\"bytes\": %.0f, \"time_us\": {\"p50\": %.6g, \"mean\": %.6g}}", k ? ",\n" : "",
                m, t * noise, t * noise * 1.01);
            (*npoints)++;
        }
        OUT("]}");
    }
    OUT("\n]}\n");
    return s;
}

static void report(const char *what, double *v, int n, double target)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%-62s min %7.2f ms  median %7.2f ms  (target < %.0f ms)\n", what, v[0], v[n / 2],
           target);
}

int main(int argc, char **argv)
{
    size_t np;
    char *text = make_results(&np);
    char path[] = "/tmp/fabscale_bench_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) return 1;
    close(fd);
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        FILE *f = fopen(argv[2], "w");
        if (!f) return 1;
        fputs(text, f);
        fclose(f);
    }
    free(text);
    printf("results file: %zu points (80 point-to-point runs, 20 all-reduce runs)\n", np);

    enum { REPS = 9 };
    double t1[REPS];
    size_t nchecks = 0;
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now_ms();
        fs_results r;
        fs_err err = {0};
        fs_link_fit *links;
        size_t nl, li, ii, no_ranks, no_link;
        fs_check *c;
        fs_coll_model m;
        fs_model_opts mo = {.intra_GBps = NAN, .intra_alpha_us = NAN, .reduce_GBps = NAN};
        if (fs_results_load(path, &r, &err) ||
            fs_links_from_results(&r, 1, NULL, &links, &nl, &err) ||
            fs_model_build(links, nl, &mo, &m, &li, &ii, &err) ||
            fs_predict_check(&r, 1, links, nl, &m, false, 0, &c, &nchecks, &no_ranks, &no_link,
                             &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        /* plus the default prediction table: 2..1024 ranks x 8 B..1 GiB (x8) x 5 */
        volatile double sink = 0;
        for (int p = 2; p <= 1024; p *= 2)
            for (double n = 8; n <= 1073741824.0; n *= 8)
                for (int a = FS_ALGO_RING; a <= FS_ALGO_AUTO; a++)
                    if (a != FS_ALGO_HIER)
                        sink += fs_coll_time_us(&m, FS_ALLREDUCE, (fs_algo)a, p, n, NULL);
        (void)sink;
        free(c);
        fs_links_free(links, nl);
        fs_results_free(&r);
        t1[rep] = now_ms() - t0;
    }
    remove(path);
    char what[120];
    snprintf(what, sizeof what, "load + fit + predict (%zu measured checks), 10 000 points",
             nchecks);
    report(what, t1, REPS, 100);

    /* the grid: 16 rank counts x 30 sizes x 5 algorithms, hierarchical on */
    fs_coll_model m = {0};
    m.inter.nseg = 3;
    m.inter.seg[0] = (fs_segment){1, 16.8, 1.2};
    m.inter.seg[1] = (fs_segment){8192, 21.0, 4.5};
    m.inter.seg[2] = (fs_segment){65536, 30.0, 11.0};
    m.intra = fs_link_hockney(0.7, 300);
    m.ranks_per_node = 8;
    m.nics_per_node = 4;
    m.gamma_us_per_byte = 1e-5;
    const fs_algo algs[5] = {FS_ALGO_RING, FS_ALGO_RD, FS_ALGO_RABENSEIFNER, FS_ALGO_TREE,
                             FS_ALGO_HIER};
    double t2[REPS];
    size_t evals = 0;
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now_ms();
        volatile double sink = 0;
        evals = 0;
        for (int p = 2; p <= 65536; p *= 2)
            for (int k = 0; k < 30; k++)
                for (int a = 0; a < 5; a++, evals++)
                    sink += fs_coll_time_us(&m, FS_ALLREDUCE, algs[a], p, 8.0 * pow(2.0, k), NULL);
        (void)sink;
        t2[rep] = now_ms() - t0;
    }
    snprintf(what, sizeof what, "predict 2..65536 ranks x 30 sizes x 5 algorithms (%zu)", evals);
    report(what, t2, REPS, 20);
    return 0;
}
