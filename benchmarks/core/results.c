/* results.c - results document I/O.  Every write goes to a temporary file
 * that is renamed over the target, so a crash never leaves half a file. */
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *fs_results_new(json_t *meta)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string(FS_RESULTS_SCHEMA));
    json_object_set_new(doc, "meta", meta);
    json_object_set_new(doc, "runs", json_array());
    return doc;
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *fs_point_json(const fs_point *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "bytes", json_integer((json_int_t)p->bytes));
    json_object_set_new(o, "iterations", json_integer(p->iterations));
    json_object_set_new(o, "warmup", json_integer(p->warmup));
    json_object_set_new(o, "converged", json_boolean(p->converged));
    json_t *t = json_object();
    const fs_stats *s = &p->time_us;
    json_object_set_new(t, "min", num(s->min));
    json_object_set_new(t, "p50", num(s->p50));
    json_object_set_new(t, "mean", num(s->mean));
    json_object_set_new(t, "p90", num(s->p90));
    json_object_set_new(t, "p99", num(s->p99));
    json_object_set_new(t, "max", num(s->max));
    json_object_set_new(t, "stdev", num(s->stdev));
    json_object_set_new(t, "ci95", num(s->ci95));
    json_object_set_new(o, "time_us", t);
    json_object_set_new(o, "bandwidth_GBps", num(p->bandwidth_GBps));
    json_object_set_new(o, "msg_rate_Mps", num(p->msg_rate_Mps));
    json_object_set_new(o, "algbw_GBps", num(p->algbw_GBps));
    json_object_set_new(o, "busbw_GBps", num(p->busbw_GBps));
    json_object_set_new(o, "slowest_rank",
                        p->slowest_rank >= 0 ? json_integer(p->slowest_rank) : json_null());
    return o;
}

/* Open a temporary file next to path. */
static FILE *open_temp(const char *path, char *tmp, size_t tmplen, char *errmsg, size_t len)
{
    snprintf(tmp, tmplen, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) snprintf(errmsg, len, "cannot write %s: %s", tmp, strerror(errno));
    return f;
}

static int commit_temp(FILE *f, const char *tmp, const char *path, char *errmsg, size_t len)
{
    bool bad = ferror(f) != 0;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        snprintf(errmsg, len, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path)) {
        snprintf(errmsg, len, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int fs_results_write(json_t *doc, const char *path, bool complete, char *errmsg, size_t len)
{
    json_object_set_new(json_object_get(doc, "meta"), "complete", json_boolean(complete));
    char tmp[4096];
    FILE *f = open_temp(path, tmp, sizeof tmp, errmsg, len);
    if (!f) return -1;
    if (json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9))) {
        snprintf(errmsg, len, "cannot write %s", tmp);
        fclose(f);
        unlink(tmp);
        return -1;
    }
    fputc('\n', f);
    return commit_temp(f, tmp, path, errmsg, len);
}

static void csv_str(FILE *f, json_t *v)
{
    const char *s = json_string_value(v);
    if (!s) return;
    /* Provider names hold ';' and may hold ','; quote always. */
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, json_t *v)
{
    if (json_is_integer(v))
        fprintf(f, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        fprintf(f, "%.9g", json_real_value(v));
}

int fs_results_write_csv(json_t *doc, const char *path, char *errmsg, size_t len)
{
    static const char *const run_str[] = {"benchmark", "transport", "provider", "algorithm"};
    static const char *const run_num[] = {"ranks", "pairs", "window"};
    static const char *const pt_num[] = {"bytes", "iterations"};
    static const char *const t_num[] = {"min", "p50", "mean", "p90", "p99", "max", "stdev", "ci95"};
    static const char *const rate_num[] = {"bandwidth_GBps", "msg_rate_Mps", "algbw_GBps",
                                           "busbw_GBps", "slowest_rank"};
    char tmp[4096];
    FILE *f = open_temp(path, tmp, sizeof tmp, errmsg, len);
    if (!f) return -1;
    fputs("benchmark,transport,provider,algorithm,ranks,pairs,window,bytes,iterations,"
          "min_us,p50_us,mean_us,p90_us,p99_us,max_us,stdev_us,ci95_us,"
          "bandwidth_GBps,msg_rate_Mps,algbw_GBps,busbw_GBps,slowest_rank\n",
          f);
    size_t i, j;
    json_t *run, *pt;
    json_array_foreach(json_object_get(doc, "runs"), i, run)
    {
        json_array_foreach(json_object_get(run, "points"), j, pt)
        {
            for (size_t k = 0; k < 4; k++) {
                csv_str(f, json_object_get(run, run_str[k]));
                fputc(',', f);
            }
            for (size_t k = 0; k < 3; k++) {
                csv_num(f, json_object_get(run, run_num[k]));
                fputc(',', f);
            }
            for (size_t k = 0; k < 2; k++) {
                csv_num(f, json_object_get(pt, pt_num[k]));
                fputc(',', f);
            }
            json_t *t = json_object_get(pt, "time_us");
            for (size_t k = 0; k < 8; k++) {
                csv_num(f, json_object_get(t, t_num[k]));
                fputc(',', f);
            }
            for (size_t k = 0; k < 5; k++) {
                csv_num(f, json_object_get(pt, rate_num[k]));
                fputc(k == 4 ? '\n' : ',', f);
            }
        }
    }
    return commit_temp(f, tmp, path, errmsg, len);
}

json_t *fs_results_load(const char *path, char *errmsg, size_t len)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc) {
        snprintf(errmsg, len, "%s:%d: not valid JSON: %s", path, err.line, err.text);
        return NULL;
    }
    const char *schema = json_string_value(json_object_get(doc, "schema"));
    if (!schema || strcmp(schema, FS_RESULTS_SCHEMA) ||
        !json_is_array(json_object_get(doc, "runs")) ||
        !json_is_object(json_object_get(doc, "meta"))) {
        snprintf(errmsg, len, "%s: not a %s results file (schema \"%s\")", path, FS_RESULTS_SCHEMA,
                 schema ? schema : "missing");
        json_decref(doc);
        return NULL;
    }
    return doc;
}
