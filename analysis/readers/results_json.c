/*
 * results_json.c - fabscale.results/1 in and out (docs/results-format.md).
 * Unknown fields are ignored; absent and null quantities become NAN/NULL;
 * a field of the wrong type is an error naming its line and path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_locate.h"
#include "readers.h"
#include "text.h"

#define FS_SCHEMA "fabscale.results/1"

typedef struct ctx {
    const fs_src *s;
    fs_err *err;
    char path[160];
} ctx;

static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int bad(ctx *c, const char *key, const char *want, json_t *v)
{
    char full[200];
    snprintf(full, sizeof full, "%s%s%s", c->path, *c->path && key ? "." : "", key ? key : "");
    return fs_err_set(c->err, FS_EXIT_INPUT, "%s:%d: %s: expected %s, got %s", c->s->path,
                      fs_json_line(c->s->text, c->s->len, full), full, want, type_name(v));
}

/* Absent or null -> NAN. */
static int get_num(ctx *c, json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    *out = NAN;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_number(v)) return bad(c, key, "a number or null", v);
    *out = json_number_value(v);
    return 0;
}

static int get_int(ctx *c, json_t *obj, const char *key, int *out, int absent)
{
    double d;
    *out = absent;
    int rc = get_num(c, obj, key, &d);
    if (rc) return rc;
    if (isnan(d)) return 0;
    if (d != floor(d) || fabs(d) > 1e9) {
        json_t *v = json_object_get(obj, key);
        return bad(c, key, "an integer", v);
    }
    *out = (int)d;
    return 0;
}

static int get_str(ctx *c, json_t *obj, const char *key, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return bad(c, key, "a string or null", v);
    *out = fs_strdup(json_string_value(v));
    return *out ? 0 : fs_oom(c->err);
}

static int get_bool(ctx *c, json_t *obj, const char *key, bool *out, bool absent)
{
    json_t *v = json_object_get(obj, key);
    *out = absent;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_boolean(v)) return bad(c, key, "true or false", v);
    *out = json_is_true(v);
    return 0;
}

static int read_point(ctx *c, json_t *jp, fs_point *p)
{
    if (!json_is_object(jp)) return bad(c, NULL, "an object", jp);
    int rc = get_num(c, jp, "bytes", &p->bytes);
    if (rc) return rc;
    if (isnan(p->bytes) || p->bytes < 0) {
        json_t *v = json_object_get(jp, "bytes");
        if (v && json_is_number(v)) {
            char full[200];
            snprintf(full, sizeof full, "%s.bytes", c->path);
            return fs_err_set(c->err, FS_EXIT_INPUT, "%s:%d: %s: negative size", c->s->path,
                              fs_json_line(c->s->text, c->s->len, full), full);
        }
        return bad(c, "bytes", "a number of bytes", v ? v : json_null());
    }
    bool conv;
    json_t *cv = json_object_get(jp, "converged");
    if ((rc = get_num(c, jp, "iterations", &p->iterations)) ||
        (rc = get_bool(c, jp, "converged", &conv, false)) ||
        (rc = get_num(c, jp, "bandwidth_GBps", &p->bandwidth_GBps)) ||
        (rc = get_num(c, jp, "msg_rate_Mps", &p->msg_rate_Mps)) ||
        (rc = get_num(c, jp, "algbw_GBps", &p->algbw_GBps)) ||
        (rc = get_num(c, jp, "busbw_GBps", &p->busbw_GBps)) ||
        (rc = get_int(c, jp, "slowest_rank", &p->slowest_rank, -1)))
        return rc;
    p->converged = (cv && !json_is_null(cv)) ? conv : -1;
    json_t *t = json_object_get(jp, "time_us");
    if (t && !json_is_null(t)) {
        if (!json_is_object(t)) return bad(c, "time_us", "an object", t);
        size_t plen = strlen(c->path);
        snprintf(c->path + plen, sizeof c->path - plen, ".time_us");
        fs_stats *st = &p->time_us;
        if ((rc = get_num(c, t, "min", &st->min)) || (rc = get_num(c, t, "p50", &st->p50)) ||
            (rc = get_num(c, t, "mean", &st->mean)) || (rc = get_num(c, t, "p90", &st->p90)) ||
            (rc = get_num(c, t, "p99", &st->p99)) || (rc = get_num(c, t, "max", &st->max)) ||
            (rc = get_num(c, t, "stdev", &st->stdev)) || (rc = get_num(c, t, "ci95", &st->ci95)))
            return rc;
        c->path[plen] = '\0';
    }
    return 0;
}

static int read_run(ctx *c, json_t *jr, fs_results *out)
{
    if (!json_is_object(jr)) return bad(c, NULL, "an object", jr);
    json_t *b = json_object_get(jr, "benchmark");
    if (!json_is_string(b)) return bad(c, "benchmark", "a string", b ? b : json_null());
    fs_run *run = fs_results_new_run(out, json_string_value(b), c->err);
    if (!run) return FS_EXIT_RUNTIME;
    int rc;
    if ((rc = get_str(c, jr, "transport", &run->transport)) ||
        (rc = get_str(c, jr, "provider", &run->provider)) ||
        (rc = get_str(c, jr, "fabric", &run->fabric)) ||
        (rc = get_str(c, jr, "domain", &run->domain)) ||
        (rc = get_str(c, jr, "algorithm", &run->algorithm)) ||
        (rc = get_str(c, jr, "dtype", &run->dtype)) ||
        (rc = get_int(c, jr, "ranks", &run->ranks, 0)) ||
        (rc = get_int(c, jr, "pairs", &run->pairs, 0)) ||
        (rc = get_int(c, jr, "window", &run->window, 0)) ||
        (rc = get_bool(c, jr, "validated", &run->validated, false)) ||
        (rc = get_bool(c, jr, "in_place", &run->in_place, false)))
        return rc;
    json_t *ph = json_object_get(jr, "peer_hosts");
    if (ph && !json_is_null(ph)) {
        if (!json_is_array(ph)) return bad(c, "peer_hosts", "an array of two host names", ph);
        for (size_t i = 0; i < 2 && i < json_array_size(ph); i++) {
            json_t *h = json_array_get(ph, i);
            if (json_is_string(h) && !(run->peer_hosts[i] = fs_strdup(json_string_value(h))))
                return fs_oom(c->err);
        }
    }
    json_t *imp = json_object_get(json_object_get(jr, "imported_from"), "file");
    if (json_is_string(imp) && !(run->source = fs_strdup(json_string_value(imp))))
        return fs_oom(c->err);
    json_t *pts = json_object_get(jr, "points");
    if (!json_is_array(pts)) return bad(c, "points", "an array", pts ? pts : json_null());
    size_t plen = strlen(c->path);
    size_t i;
    json_t *jp;
    json_array_foreach(pts, i, jp)
    {
        snprintf(c->path + plen, sizeof c->path - plen, ".points[%zu]", i);
        fs_point *p = fs_run_new_point(run, c->err);
        if (!p) return FS_EXIT_RUNTIME;
        if ((rc = read_point(c, jp, p))) return rc;
        c->path[plen] = '\0';
    }
    return 0;
}

static int read_meta(ctx *c, json_t *jm, fs_meta *m)
{
    if (!jm || json_is_null(jm)) return 0;
    snprintf(c->path, sizeof c->path, "meta");
    if (!json_is_object(jm)) return bad(c, NULL, "an object", jm);
    int rc;
    if ((rc = get_str(c, jm, "version", &m->version)) ||
        (rc = get_str(c, jm, "command", &m->command)) ||
        (rc = get_str(c, jm, "start_time", &m->start_time)) ||
        (rc = get_str(c, jm, "instance_type", &m->instance_type)) ||
        (rc = get_str(c, jm, "cpu_model", &m->cpu_model)) ||
        (rc = get_str(c, jm, "mpi_library", &m->mpi_library)) ||
        (rc = get_str(c, jm, "libfabric_version", &m->libfabric_version)) ||
        (rc = get_int(c, jm, "ranks", &m->ranks, 0)) ||
        (rc = get_bool(c, jm, "complete", &m->complete, true)))
        return rc;
    json_t *hosts = json_object_get(jm, "hosts");
    if (json_is_array(hosts) && json_array_size(hosts) > 0) {
        m->hosts = calloc(json_array_size(hosts), sizeof *m->hosts);
        if (!m->hosts) return fs_oom(c->err);
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h)
        {
            if (!json_is_string(h)) continue;
            if (!(m->hosts[m->nhosts++] = fs_strdup(json_string_value(h)))) return fs_oom(c->err);
        }
    }
    c->path[0] = '\0';
    return 0;
}

int fs_read_fabscale_json(const fs_src *s, json_t *root, fs_results *out, fs_err *err)
{
    ctx c = {s, err, ""};
    json_t *schema = json_object_get(root, "schema");
    if (!json_is_string(schema)) return bad(&c, "schema", "a string", schema);
    const char *sv = json_string_value(schema);
    char ex[64]; /* the file's text, made printable: the message stays one line */
    if (strcmp(sv, FS_SCHEMA) != 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:%d: unknown schema \"%s\" (this fabscale reads %s)", s->path,
                          fs_json_line(s->text, s->len, "schema"),
                          fs_excerpt(sv, strlen(sv), ex, sizeof ex), FS_SCHEMA);
    int rc = read_meta(&c, json_object_get(root, "meta"), &out->meta);
    if (rc) return rc;
    json_t *runs = json_object_get(root, "runs");
    if (!json_is_array(runs)) return bad(&c, "runs", "an array", runs ? runs : json_null());
    size_t i;
    json_t *jr;
    json_array_foreach(runs, i, jr)
    {
        snprintf(c.path, sizeof c.path, "runs[%zu]", i);
        if ((rc = read_run(&c, jr, out))) return rc;
    }
    return 0;
}

/* ---- writing ---- */

/* Reals are written with 10 significant digits: near DBL_MAX that rounds
 * up past it, and the file would not read back (jansson: "real number
 * overflow").  Such values keep their 10 digits, rounded down. */
#define FS_REAL_MAX 1.797693134e308
static json_t *real(double v)
{
    return json_real(fabs(v) > FS_REAL_MAX ? copysign(FS_REAL_MAX, v) : v);
}

static json_t *num(double v)
{
    return isfinite(v) ? real(v) : json_null();
}
static json_t *str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Integral values print as integers: sizes and counts read better. */
static json_t *count(double v)
{
    if (!isfinite(v)) return json_null();
    if (v == floor(v) && fabs(v) < 9e15) return json_integer((json_int_t)v);
    return real(v);
}

static json_t *point_json(const fs_point *p)
{
    json_t *jp = json_object();
    json_object_set_new(jp, "bytes", count(p->bytes));
    json_object_set_new(jp, "iterations", count(p->iterations));
    json_object_set_new(jp, "converged",
                        p->converged < 0 ? json_null() : json_boolean(p->converged));
    const fs_stats *t = &p->time_us;
    json_t *jt = json_object();
    json_object_set_new(jt, "min", num(t->min));
    json_object_set_new(jt, "p50", num(t->p50));
    json_object_set_new(jt, "mean", num(t->mean));
    json_object_set_new(jt, "p90", num(t->p90));
    json_object_set_new(jt, "p99", num(t->p99));
    json_object_set_new(jt, "max", num(t->max));
    json_object_set_new(jt, "stdev", num(t->stdev));
    json_object_set_new(jt, "ci95", num(t->ci95));
    json_object_set_new(jp, "time_us", jt);
    json_object_set_new(jp, "bandwidth_GBps", num(p->bandwidth_GBps));
    json_object_set_new(jp, "msg_rate_Mps", num(p->msg_rate_Mps));
    json_object_set_new(jp, "algbw_GBps", num(p->algbw_GBps));
    json_object_set_new(jp, "busbw_GBps", num(p->busbw_GBps));
    json_object_set_new(jp, "slowest_rank",
                        p->slowest_rank < 0 ? json_null() : json_integer(p->slowest_rank));
    return jp;
}

static json_t *run_json(const fs_results *r, const fs_run *run)
{
    json_t *jr = json_object();
    json_object_set_new(jr, "benchmark", str(run->benchmark));
    json_object_set_new(jr, "transport", str(run->transport));
    json_object_set_new(jr, "provider", str(run->provider));
    json_object_set_new(jr, "fabric", str(run->fabric));
    json_object_set_new(jr, "domain", str(run->domain));
    json_object_set_new(jr, "algorithm", str(run->algorithm));
    json_object_set_new(jr, "dtype", str(run->dtype));
    json_object_set_new(jr, "ranks", run->ranks ? json_integer(run->ranks) : json_null());
    json_object_set_new(jr, "pairs", run->pairs ? json_integer(run->pairs) : json_null());
    json_object_set_new(jr, "window", run->window ? json_integer(run->window) : json_null());
    if (run->peer_hosts[0] || run->peer_hosts[1])
        json_object_set_new(jr, "peer_hosts",
                            json_pack("[oo]", str(run->peer_hosts[0]), str(run->peer_hosts[1])));
    else
        json_object_set_new(jr, "peer_hosts", json_null());
    json_object_set_new(jr, "validated", json_boolean(run->validated));
    json_object_set_new(jr, "attributes", json_object());
    if (r->format != FS_FORMAT_FABSCALE || run->in_place || run->source) {
        /* Extra fields (readers ignore unknown ones): where the run came from. */
        json_object_set_new(jr, "in_place", json_boolean(run->in_place));
        json_object_set_new(jr, "imported_from",
                            json_pack("{s:s,s:o}", "format",
                                      run->source ? "imported" : fs_format_name(r->format), "file",
                                      str(run->source ? run->source : r->path)));
    }
    json_t *pts = json_array();
    for (size_t i = 0; i < run->npoints; i++)
        json_array_append_new(pts, point_json(&run->points[i]));
    json_object_set_new(jr, "points", pts);
    return jr;
}

char *fs_results_to_json(const fs_results *r, size_t n)
{
    /* Meta comes from the first file that has it; hosts are the union. */
    const fs_meta *m = NULL;
    for (size_t i = 0; i < n && !m; i++)
        if (r[i].meta.version || r[i].meta.command || r[i].meta.nhosts) m = &r[i].meta;
    json_t *meta = json_object();
    json_object_set_new(meta, "version", str(FS_VERSION));
    json_t *cmd = json_string("fabscale import");
    for (size_t i = 0; i < n; i++) {
        char buf[1200];
        snprintf(buf, sizeof buf, "%s %s", json_string_value(cmd), r[i].path ? r[i].path : "-");
        json_string_set(cmd, buf);
    }
    json_object_set_new(meta, "command", cmd);
    json_object_set_new(meta, "source_command", str(m ? m->command : NULL));
    json_object_set_new(meta, "source_version", str(m ? m->version : NULL));
    json_object_set_new(meta, "start_time", str(m ? m->start_time : NULL));
    int ranks = 0;
    bool complete = true;
    json_t *hosts = json_array();
    for (size_t i = 0; i < n; i++) {
        if (r[i].meta.ranks > ranks) ranks = r[i].meta.ranks;
        complete = complete && (r[i].format != FS_FORMAT_FABSCALE || r[i].meta.complete);
        for (size_t h = 0; h < r[i].meta.nhosts; h++) {
            bool seen = false;
            for (size_t k = 0; k < json_array_size(hosts) && !seen; k++)
                seen = strcmp(json_string_value(json_array_get(hosts, k)), r[i].meta.hosts[h]) == 0;
            if (!seen) json_array_append_new(hosts, json_string(r[i].meta.hosts[h]));
        }
    }
    json_object_set_new(meta, "ranks", ranks ? json_integer(ranks) : json_null());
    json_object_set_new(meta, "hosts", hosts);
    json_object_set_new(meta, "instance_type", str(m ? m->instance_type : NULL));
    json_object_set_new(meta, "cpu_model", str(m ? m->cpu_model : NULL));
    json_object_set_new(meta, "mpi_library", str(m ? m->mpi_library : NULL));
    json_object_set_new(meta, "libfabric_version", str(m ? m->libfabric_version : NULL));
    json_object_set_new(meta, "complete", json_boolean(complete));
    json_t *runs = json_array();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i].nruns; k++)
            json_array_append_new(runs, run_json(&r[i], &r[i].runs[k]));
    json_t *root = json_pack("{s:s,s:o,s:o}", "schema", FS_SCHEMA, "meta", meta, "runs", runs);
    char *txt =
        root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
             : NULL;
    json_decref(root);
    return txt;
}
