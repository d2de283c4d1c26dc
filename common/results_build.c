/* results_build.c - growing runs and points, freeing results. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results_doc.h"

char *fs_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int fs_oom(fs_err *err)
{
    return fs_err_set(err, FS_EXIT_RUNTIME, "fabscale: out of memory");
}

void fs_point_clear(fs_point *p)
{
    memset(p, 0, sizeof *p);
    p->bytes = p->iterations = p->warmup = NAN;
    p->converged = -1;
    p->time_us = (fs_stats){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0};
    p->bandwidth_GBps = p->msg_rate_Mps = p->algbw_GBps = p->busbw_GBps = NAN;
    p->slowest_rank = -1;
}

fs_run *fs_results_new_run(fs_results *r, const char *benchmark, fs_err *err)
{
    fs_run *runs = realloc(r->runs, (r->nruns + 1) * sizeof *runs);
    if (!runs) {
        fs_oom(err);
        return NULL;
    }
    r->runs = runs;
    fs_run *run = &runs[r->nruns];
    memset(run, 0, sizeof *run);
    run->benchmark = fs_strdup(benchmark);
    if (!run->benchmark) {
        fs_oom(err);
        return NULL;
    }
    r->nruns++;
    return run;
}

fs_point *fs_run_new_point(fs_run *run, fs_err *err)
{
    /* Grow geometrically: readers append one point at a time. */
    size_t n = run->npoints;
    if ((n & (n - 1)) == 0) {
        size_t cap = n ? 2 * n : 1;
        fs_point *pts = realloc(run->points, cap * sizeof *pts);
        if (!pts) {
            fs_oom(err);
            return NULL;
        }
        run->points = pts;
    }
    fs_point *p = &run->points[run->npoints++];
    fs_point_clear(p);
    return p;
}

static void run_free(fs_run *run)
{
    free(run->benchmark);
    free(run->transport);
    free(run->provider);
    free(run->fabric);
    free(run->domain);
    free(run->algorithm);
    free(run->dtype);
    free(run->peer_hosts[0]);
    free(run->peer_hosts[1]);
    free(run->source);
    for (size_t i = 0; i < run->npoints; i++) {
        free(run->points[i].algorithm);
        json_decref(run->points[i].extra);
    }
    free(run->points);
    json_decref(run->attributes);
    json_decref(run->notes);
    json_decref(run->extra);
}

void fs_results_free(fs_results *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nruns; i++) run_free(&r->runs[i]);
    free(r->runs);
    fs_meta *m = &r->meta;
    free(m->version);
    free(m->command);
    free(m->start_time);
    free(m->instance_type);
    free(m->cpu_model);
    free(m->mpi_library);
    free(m->libfabric_version);
    for (size_t i = 0; i < m->nhosts; i++) free(m->hosts[i]);
    free(m->hosts);
    json_decref(m->extra);
    json_decref(r->extra);
    free(r->path);
    memset(r, 0, sizeof *r);
}
