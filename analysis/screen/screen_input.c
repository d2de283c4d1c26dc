/* screen_input.c - results document -> screen's measurements; catalogue
 * -> expected figures. */
#include "screen_input.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

void fs_screen_run_free(fs_screen_run *r)
{
    for (int h = 0; h < r->nhosts; h++) {
        free(r->hosts ? r->hosts[h] : NULL);
        free(r->nics ? r->nics[h] : NULL);
    }
    free(r->hosts);
    free(r->nics);
    free(r->m);
    memset(r, 0, sizeof *r);
}

static int geti(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

static double rel_noise(double ci95, double mean)
{
    return isfinite(ci95) && mean > 0 ? ci95 / mean : NAN;
}

int fs_screen_run_read(const fs_run *run, const char *path, fs_screen_run *out, fs_err *err)
{
    memset(out, 0, sizeof *out);
    out->run = run;
    json_t *pw = run->extra ? json_object_get(run->extra, "pairwise") : NULL;
    json_t *hosts = json_object_get(pw, "hosts"), *nics = json_object_get(pw, "nics");
    if (!json_is_array(hosts) || json_array_size(hosts) < 2)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s: pairwise run has no \"pairwise\".\"hosts\" list of 2 or more "
                          "hosts (written by fabscale-bench --bench pairwise)",
                          path);
    out->nhosts = (int)json_array_size(hosts);
    out->hosts = calloc((size_t)out->nhosts, sizeof *out->hosts);
    out->nics = calloc((size_t)out->nhosts, sizeof *out->nics);
    out->m = calloc(run->npoints ? run->npoints : 1, sizeof *out->m);
    if (!out->hosts || !out->nics || !out->m)
        return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    for (int h = 0; h < out->nhosts; h++) {
        const char *s = json_string_value(json_array_get(hosts, (size_t)h));
        const char *n = json_string_value(json_array_get(nics, (size_t)h));
        out->hosts[h] = fs_strdup(s ? s : "?");
        out->nics[h] = n ? fs_strdup(n) : NULL;
    }
    out->mode = json_string_value(json_object_get(pw, "mode"));
    out->rounds_before_confirm = geti(pw, "rounds_before_confirm");
    out->rounds_total = geti(pw, "rounds_total");
    out->measurements = geti(pw, "measurements");
    out->all_pairs = geti(pw, "all_pairs");

    /* Points come per measurement, sizes ascending: one measurement per
     * (round, src, dst), its smallest size's latency and largest size's
     * bandwidth. */
    double *lo = calloc(run->npoints ? run->npoints : 1, sizeof *lo);
    double *hi = calloc(run->npoints ? run->npoints : 1, sizeof *hi);
    int *round = calloc(run->npoints ? run->npoints : 1, sizeof *round);
    if (!lo || !hi || !round) {
        free(lo);
        free(hi);
        free(round);
        return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < run->npoints && !rc; i++) {
        const fs_point *pt = &run->points[i];
        json_t *pair = pt->extra ? json_object_get(pt->extra, "pair") : NULL;
        int src = geti(pair, "src"), dst = geti(pair, "dst"), rd = geti(pair, "round");
        const char *ph = json_string_value(json_object_get(pair, "phase"));
        if (src < 0 || dst < 0 || src >= out->nhosts || dst >= out->nhosts || src == dst || !ph) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "%s: pairwise point %zu lacks a valid \"pair\" (src, dst below %d, "
                            "round, phase)",
                            path, i + 1, out->nhosts);
            break;
        }
        int k = 0;
        while (k < out->nm && !(round[k] == rd && out->m[k].src == src && out->m[k].dst == dst))
            k++;
        fs_screen_meas *m = &out->m[k];
        if (k == out->nm) {
            out->nm++;
            round[k] = rd;
            *m = (fs_screen_meas){.src = src,
                                  .dst = dst,
                                  .src_nic = -1,
                                  .dst_nic = -1,
                                  .bw_GBps = NAN,
                                  .bw_noise = NAN,
                                  .lat_us = NAN,
                                  .lat_noise = NAN};
            m->phase = strcmp(ph, "ring") == 0      ? FS_SCREEN_RING
                       : strcmp(ph, "confirm") == 0 ? FS_SCREEN_CONFIRM
                                                    : FS_SCREEN_TOURNAMENT;
            lo[k] = INFINITY;
            hi[k] = -INFINITY;
        }
        if (isfinite(pt->time_us.p50) && pt->bytes < lo[k]) {
            lo[k] = pt->bytes;
            m->lat_us = pt->time_us.p50;
            m->lat_noise = rel_noise(pt->time_us.ci95, pt->time_us.mean);
        }
        if (isfinite(pt->bandwidth_GBps) && pt->bytes > hi[k]) {
            hi[k] = pt->bytes;
            m->bw_GBps = pt->bandwidth_GBps;
            json_t *st = json_object_get(pt->extra, "bandwidth_stats_GBps");
            m->bw_noise = rel_noise(json_number_value(json_object_get(st, "ci95")),
                                    json_number_value(json_object_get(st, "mean")));
        }
    }
    free(lo);
    free(hi);
    free(round);
    if (!rc && out->nm == 0)
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s: pairwise run has no measurements", path);
    return rc;
}

/* ---- expected figures ---------------------------------------------------- */

static void copy_str(char *dst, size_t len, json_t *v)
{
    const char *s = json_string_value(v);
    snprintf(dst, len, "%s", s ? s : "");
}

int fs_expected_load(const char *type, fs_expected *out, fs_err *err)
{
    memset(out, 0, sizeof *out);
    out->bw_GBps = out->lat_us = NAN;
    snprintf(out->instance, sizeof out->instance, "%s", type);
    fs_catalog c = {0};
    int rc = fs_catalog_load_default(&c, err);
    if (rc) return rc;
    if (!fs_catalog_instance(&c, type)) {
        char names[1024];
        fs_catalog_instance_names(&c, names, sizeof names);
        fs_catalog_free(&c);
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--instance: unknown instance type \"%s\" (known: %s)", type, names);
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/instances.json", c.datadir);
    fs_catalog_free(&c);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) return fs_err_set(err, FS_EXIT_RUNTIME, "%s:%d: %s", path, je.line, je.text);
    json_t *list = json_object_get(root, "instances"), *e;
    size_t i;
    json_array_foreach(list, i, e)
    {
        if (!json_string_value(json_object_get(e, "name")) ||
            strcmp(json_string_value(json_object_get(e, "name")), type) != 0)
            continue;
        json_t *x = json_object_get(e, "expected");
        json_t *p2p = json_object_get(x, "p2p"), *v;
        size_t j;
        json_array_foreach(p2p, j, v)
        {
            const char *metric = json_string_value(json_object_get(v, "metric"));
            double val = json_number_value(json_object_get(v, "value"));
            if (!metric || !(val > 0)) continue;
            if (strcmp(metric, "bandwidth_GBps") == 0) {
                out->bw_GBps = val;
                copy_str(out->bw_source, sizeof out->bw_source, json_object_get(v, "source"));
                copy_str(out->bw_date, sizeof out->bw_date, json_object_get(v, "date"));
            } else if (strcmp(metric, "latency_us") == 0) {
                out->lat_us = val;
                copy_str(out->lat_source, sizeof out->lat_source, json_object_get(v, "source"));
                copy_str(out->lat_date, sizeof out->lat_date, json_object_get(v, "date"));
            }
        }
        json_t *ar = json_object_get(x, "allreduce_busbw");
        json_array_foreach(ar, j, v)
        {
            if (out->nar == (int)(sizeof out->ar / sizeof out->ar[0])) break;
            fs_expected_ar *a = &out->ar[out->nar];
            a->nodes = (int)json_integer_value(json_object_get(v, "nodes"));
            a->bytes = json_number_value(json_object_get(v, "bytes"));
            a->busbw_GBps = json_number_value(json_object_get(v, "busbw_GBps"));
            copy_str(a->source, sizeof a->source, json_object_get(v, "source"));
            copy_str(a->date, sizeof a->date, json_object_get(v, "date"));
            if (a->nodes > 0 && a->busbw_GBps > 0) out->nar++;
        }
        break;
    }
    json_decref(root);
    return 0;
}
