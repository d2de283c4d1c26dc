/*
 * nccl_json.c - nccl-tests -J output (JSON_FILE_VERSION 2): "args", "env",
 * "config" (with "devices"), "results" rows with "out_of_place" and
 * "in_place" objects ("time" or "cpu_time", "alg_bw", "bus_bw", "nwrong";
 * NaN written as the string "nan") and, with per-iteration timing,
 * "*_per_iter" percentiles.  NCCL_ALGO and FI_PROVIDER / NCCL_NET from the
 * recorded environment label the runs.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_locate.h"
#include "readers.h"

int fs_looks_like_nccl_json(json_t *root)
{
    return json_is_array(json_object_get(root, "results")) &&
           (json_object_get(root, "nccl_version") || json_object_get(root, "config"));
}

/* Numbers, or "nan" strings; absent/null -> NAN.  -1: wrong type. */
static int jnum(json_t *o, const char *key, double *v)
{
    json_t *x = json_object_get(o, key);
    *v = NAN;
    if (!x || json_is_null(x)) return 0;
    if (json_is_number(x)) {
        *v = json_number_value(x);
        return 0;
    }
    if (json_is_string(x) && strcasecmp(json_string_value(x), "nan") == 0) return 0;
    return -1;
}

static const char *env_value(json_t *env, const char *name)
{
    size_t i, n = strlen(name);
    json_t *e;
    json_array_foreach(env, i, e)
    {
        const char *s = json_string_value(e);
        if (s && strncmp(s, name, n) == 0 && s[n] == '=') return s + n + 1;
    }
    return NULL;
}

static int bad(const fs_src *s, fs_err *err, const char *path, const char *why)
{
    return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: %s: %s", s->path,
                      fs_json_line(s->text, s->len, path), path, why);
}

int fs_read_nccl_json(const fs_src *s, fs_results *out, fs_err *err)
{
    json_t *root = s->root;
    fs_meta *m = &out->meta;
    json_t *args = json_object_get(root, "args"), *env = json_object_get(root, "env");
    json_t *config = json_object_get(root, "config");
    const char *program = json_string_value(json_array_get(args, 0));
    const char *bench0 = fs_nccl_benchmark(program);
    json_t *nv = json_object_get(root, "nccl_version");
    char ver[64];
    snprintf(ver, sizeof ver, "nccl-tests (NCCL %lld)",
             json_is_integer(nv) ? (long long)json_integer_value(nv) : 0LL);
    if (!(m->version = fs_strdup(ver))) return fs_oom(err);
    if (json_is_string(json_object_get(root, "start_time")) &&
        !(m->start_time = fs_strdup(json_string_value(json_object_get(root, "start_time")))))
        return fs_oom(err);
    if (json_is_array(args)) {
        char cmd[1024] = "";
        size_t i;
        json_t *a;
        json_array_foreach(args, i, a)
        {
            size_t l = strlen(cmd);
            if (json_is_string(a))
                snprintf(cmd + l, sizeof cmd - l, "%s%s", i ? " " : "", json_string_value(a));
        }
        if (!(m->command = fs_strdup(cmd))) return fs_oom(err);
    }
    json_t *devs = json_object_get(config, "devices");
    if (!devs) devs = json_object_get(root, "devices");
    if (json_is_array(devs) && json_array_size(devs)) {
        m->ranks = (int)json_array_size(devs);
        m->hosts = calloc(json_array_size(devs), sizeof *m->hosts);
        if (!m->hosts) return fs_oom(err);
        size_t i;
        json_t *d;
        json_array_foreach(devs, i, d)
        {
            const char *h = json_string_value(json_object_get(d, "hostname"));
            bool seen = !h;
            for (size_t k = 0; k < m->nhosts && !seen; k++) seen = strcmp(m->hosts[k], h) == 0;
            if (!seen && !(m->hosts[m->nhosts++] = fs_strdup(h))) return fs_oom(err);
        }
    }
    int iters = (int)json_integer_value(json_object_get(config, "iterations"));
    /* NCCL_ALGO=Ring -> "ring": the measured points then say which model applies. */
    char algo[32] = "native";
    const char *ea = env_value(env, "NCCL_ALGO");
    if (ea && *ea && !strchr(ea, ',') && !strchr(ea, ';')) {
        snprintf(algo, sizeof algo, "%s", ea);
        for (char *c = algo; *c; c++) *c = (char)tolower((unsigned char)*c);
    }
    const char *prov = env_value(env, "FI_PROVIDER");
    if (!prov) prov = env_value(env, "NCCL_NET");

    json_t *results = json_object_get(root, "results");
    /* indices, not pointers: new runs move the array */
    size_t runs[2] = {(size_t)-1, (size_t)-1};
    size_t i;
    json_t *row;
    json_array_foreach(results, i, row)
    {
        char path[64];
        snprintf(path, sizeof path, "results[%zu]", i);
        if (!json_is_object(row)) return bad(s, err, path, "expected an object");
        double size, count;
        snprintf(path, sizeof path, "results[%zu].size", i);
        if (jnum(row, "size", &size) || !(size >= 0))
            return bad(s, err, path, "expected a size in bytes");
        if (jnum(row, "count", &count)) count = NAN;
        const char *type = json_string_value(json_object_get(row, "type"));
        const char *redop = json_string_value(json_object_get(row, "redop"));
        const char *rootv = json_string_value(json_object_get(row, "root"));
        long rootn = rootv ? strtol(rootv, NULL, 10) : -1;
        const char *bench =
            bench0 ? bench0 : fs_nccl_guess_benchmark(size, count, type, redop, rootn);
        for (int g = 0; g < 2; g++) {
            const char *key = g ? "in_place" : "out_of_place";
            json_t *o = json_object_get(row, key);
            if (!o || json_is_null(o)) continue;
            snprintf(path, sizeof path, "results[%zu].%s", i, key);
            if (!json_is_object(o)) return bad(s, err, path, "expected an object");
            double tm, alg, bus, wrong;
            if (jnum(o, json_object_get(o, "cpu_time") ? "cpu_time" : "time", &tm) ||
                jnum(o, "alg_bw", &alg) || jnum(o, "bus_bw", &bus) || jnum(o, "nwrong", &wrong))
                return bad(s, err, path, "time, alg_bw, bus_bw and nwrong must be numbers");
            /* Rows of one table share a run per (type, redop, in/out of place). */
            fs_run *r = runs[g] == (size_t)-1 ? NULL : &out->runs[runs[g]];
            if (!r || strcmp(r->benchmark, bench) != 0 ||
                strcmp(r->dtype ? r->dtype : "", fs_nccl_dtype(type ? type : "")) != 0 ||
                strcmp(r->domain ? r->domain : "", redop ? redop : "") != 0) {
                r = fs_results_new_run(out, bench, err);
                if (!r) return FS_EXIT_RUNTIME;
                runs[g] = out->nruns - 1;
                r->in_place = g == 1;
                r->ranks = m->ranks;
                r->validated = true;
                if (!(r->transport = fs_strdup("nccl")) || !(r->algorithm = fs_strdup(algo)) ||
                    !(r->dtype = fs_strdup(fs_nccl_dtype(type ? type : ""))) ||
                    !(r->domain = fs_strdup(redop ? redop : "")) ||
                    (prov && !(r->provider = fs_strdup(prov))))
                    return fs_oom(err);
                /* the other kind's run must not be appended to across types */
                if (g == 0) runs[1] = (size_t)-1;
            }
            fs_point *p = fs_run_new_point(r, err);
            if (!p) return FS_EXIT_RUNTIME;
            p->bytes = size;
            p->time_us.mean = tm;
            p->algbw_GBps = alg;
            p->busbw_GBps = bus;
            if (iters > 0) p->iterations = iters;
            if (!(wrong == 0)) r->validated = false;
            char pik[32];
            snprintf(pik, sizeof pik, "%s_per_iter", key);
            json_t *pi = json_object_get(row, pik);
            if (json_is_object(pi)) {
                jnum(pi, "min_us", &p->time_us.min);
                jnum(pi, "max_us", &p->time_us.max);
                jnum(pi, "p50_us", &p->time_us.p50);
                jnum(pi, "p99_us", &p->time_us.p99);
                jnum(pi, "stdev_us", &p->time_us.stdev);
            }
        }
    }
    return 0;
}
