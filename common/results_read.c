/*
 * results_read.c - fabscale.results/1 into memory, driven by the field
 * table.  Absent and null quantities become absent values; a member of the
 * wrong type is an error naming its line and path; members the table does
 * not model are kept in the object's `extra`.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_locate.h"
#include "results_doc.h"
#include "results_fields.h"

typedef struct ctx {
    const char *text; /* may be NULL: lines are then not located */
    size_t len;
    const char *file;
    fs_err *err;
    char path[160]; /* JSON path of the object being read, for messages */
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

static int line_of(const ctx *c, const char *full)
{
    int line = c->text ? fs_json_line(c->text, c->len, full) : 0;
    return line > 0 ? line : 1;
}

static int bad(ctx *c, const char *key, const char *want, json_t *v)
{
    char full[200];
    snprintf(full, sizeof full, "%s%s%s", c->path, *c->path && key ? "." : "", key ? key : "");
    return fs_err_set(c->err, FS_EXIT_INPUT, "%s:%d: %s: expected %s, got %s", c->file,
                      line_of(c, full), full, want, type_name(v ? v : json_null()));
}

static int set_str(ctx *c, char **dst, json_t *v)
{
    *dst = fs_strdup(json_string_value(v));
    return *dst ? 0 : fs_oom(c->err);
}

static int read_stats(ctx *c, json_t *obj, fs_stats *st);

/* One modelled member; v is NULL when absent. */
static int read_field(ctx *c, const fs_field *f, json_t *v, void *base)
{
    char *p = (char *)base + f->offset;
    bool none = !v || json_is_null(v);
    if (none && (f->flags & FS_FIELD_REQUIRED)) {
        if (f->type == FS_FT_STRING) return bad(c, f->name, "a string", v);
        if (f->type == FS_FT_COUNT) return bad(c, f->name, "a number", v);
    }
    switch (f->type) {
    case FS_FT_STRING:
        if (none) return 0;
        if (!json_is_string(v)) return bad(c, f->name, "a string or null", v);
        return set_str(c, (char **)p, v);
    case FS_FT_INT: {
        *(int *)p = f->absent;
        if (none) return 0;
        double d = json_is_number(v) ? json_number_value(v) : NAN;
        if (!json_is_number(v) || d != floor(d) || fabs(d) > 1e9)
            return bad(c, f->name, "an integer", v);
        *(int *)p = (int)d;
        return 0;
    }
    case FS_FT_NUMBER:
    case FS_FT_COUNT:
        *(double *)p = NAN;
        if (none) return 0;
        if (!json_is_number(v)) return bad(c, f->name, "a number or null", v);
        *(double *)p = json_number_value(v);
        if (f->type == FS_FT_COUNT && *(double *)p < 0) {
            char full[200];
            snprintf(full, sizeof full, "%s.%s", c->path, f->name);
            return fs_err_set(c->err, FS_EXIT_INPUT, "%s:%d: %s: negative %s", c->file,
                              line_of(c, full), full,
                              strcmp(f->name, "bytes") == 0 ? "size" : "count");
        }
        return 0;
    case FS_FT_BOOL:
        *(bool *)p = f->absent;
        if (none) return 0;
        if (!json_is_boolean(v)) return bad(c, f->name, "true or false", v);
        *(bool *)p = json_is_true(v);
        return 0;
    case FS_FT_TRIBOOL:
        *(int *)p = -1;
        if (none) return 0;
        if (!json_is_boolean(v)) return bad(c, f->name, "true, false or null", v);
        *(int *)p = json_is_true(v);
        return 0;
    case FS_FT_STRINGS: {
        /* Host lists: names that are not strings are skipped. */
        if (!json_is_array(v) || json_array_size(v) == 0) return 0;
        char **a = calloc(json_array_size(v), sizeof *a);
        if (!a) return fs_oom(c->err);
        *(char ***)p = a;
        size_t *n = (size_t *)((char *)base + f->count_offset), i;
        json_t *h;
        json_array_foreach(v, i, h)
        {
            if (!json_is_string(h)) continue;
            if (set_str(c, &a[*n], h)) return FS_EXIT_RUNTIME;
            ++*n;
        }
        return 0;
    }
    case FS_FT_PAIR: {
        if (none) return 0;
        if (!json_is_array(v)) return bad(c, f->name, "an array of two host names", v);
        char **pair = (char **)p;
        for (size_t i = 0; i < 2 && i < json_array_size(v); i++) {
            json_t *h = json_array_get(v, i);
            if (json_is_string(h) && set_str(c, &pair[i], h)) return FS_EXIT_RUNTIME;
        }
        return 0;
    }
    case FS_FT_OBJECT:
        if (none) return 0;
        if (!json_is_object(v)) return bad(c, f->name, "an object or null", v);
        *(json_t **)p = json_incref(v);
        return 0;
    case FS_FT_NOTES: {
        if (none) return 0;
        size_t i;
        json_t *s;
        if (!json_is_array(v)) return bad(c, f->name, "an array of strings", v);
        json_array_foreach(v, i, s) if (!json_is_string(s)) return bad(c, f->name,
                                                                       "an array of strings", v);
        *(json_t **)p = json_incref(v);
        return 0;
    }
    case FS_FT_KIND:
        *(fs_kind *)p = FS_KIND_UNKNOWN;
        if (none) return 0;
        if (!json_is_string(v) || !(*(fs_kind *)p = fs_kind_parse(json_string_value(v))))
            return bad(c, f->name, "latency, bandwidth, message_rate, collective or null", v);
        return 0;
    case FS_FT_STATS: {
        if (none) return 0;
        if (!json_is_object(v)) return bad(c, f->name, "an object", v);
        size_t plen = strlen(c->path);
        snprintf(c->path + plen, sizeof c->path - plen, ".%s", f->name);
        int rc = read_stats(c, v, (fs_stats *)p);
        c->path[plen] = '\0';
        return rc;
    }
    case FS_FT_PASS:
        return 0;
    }
    return 0;
}

static bool modelled(const fs_field_list *L, const char *key)
{
    for (size_t i = 0; i < L->n; i++)
        if (L->f[i].type != FS_FT_PASS && strcmp(L->f[i].name, key) == 0) return true;
    return false;
}

/* Every modelled member of obj into base; the rest (but `skip`) into *extra. */
static int read_object(ctx *c, json_t *obj, const fs_field_list *L, void *base, json_t **extra,
                       const char *skip)
{
    for (size_t i = 0; i < L->n; i++) {
        int rc = read_field(c, &L->f[i], json_object_get(obj, L->f[i].name), base);
        if (rc) return rc;
    }
    if (!extra) return 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (modelled(L, key) || (skip && strcmp(key, skip) == 0)) continue;
        if (!*extra && !(*extra = json_object())) return fs_oom(c->err);
        if (json_object_set(*extra, key, v)) return fs_oom(c->err);
    }
    return 0;
}

static int read_stats(ctx *c, json_t *obj, fs_stats *st)
{
    return read_object(c, obj, &fs_stats_fields, st, NULL, NULL);
}

static int read_run(ctx *c, json_t *jr, fs_results *out)
{
    if (!json_is_object(jr)) return bad(c, NULL, "an object", jr);
    json_t *b = json_object_get(jr, "benchmark");
    if (!json_is_string(b)) return bad(c, "benchmark", "a string", b);
    fs_run *run = fs_results_new_run(out, json_string_value(b), c->err);
    if (!run) return FS_EXIT_RUNTIME;
    free(run->benchmark); /* read again with the other fields */
    run->benchmark = NULL;
    int rc = read_object(c, jr, &fs_run_fields, run, &run->extra, "points");
    if (rc) return rc;
    json_t *imp = json_object_get(json_object_get(jr, "imported_from"), "file");
    if (json_is_string(imp) && set_str(c, &run->source, imp)) return FS_EXIT_RUNTIME;
    json_t *pts = json_object_get(jr, "points");
    if (!json_is_array(pts)) return bad(c, "points", "an array", pts);
    size_t plen = strlen(c->path), i;
    json_t *jp;
    json_array_foreach(pts, i, jp)
    {
        snprintf(c->path + plen, sizeof c->path - plen, ".points[%zu]", i);
        fs_point *p = fs_run_new_point(run, c->err);
        if (!p) return FS_EXIT_RUNTIME;
        if (!json_is_object(jp)) return bad(c, NULL, "an object", jp);
        if ((rc = read_object(c, jp, &fs_point_fields, p, &p->extra, NULL))) return rc;
        char why[200];
        if (fs_point_check_bounds(p, why, sizeof why))
            return fs_err_set(c->err, FS_EXIT_INPUT, "%s:%d: %s: %s", c->file, line_of(c, c->path),
                              c->path, why);
        c->path[plen] = '\0';
    }
    return 0;
}

int fs_point_check_bounds(const fs_point *p, char *why, size_t len)
{
    /* Beyond these no interconnect measurement lies: a typo, a unit
     * mistake or a corrupted file, never data. */
    const double max_bytes = 1125899906842624.0; /* 2^50 B = 1 PiB */
    const double max_GBps = 1e5;                 /* 100 TB/s */
    if (p->bytes > max_bytes) {
        snprintf(why, len, "size %.6g B is above 2^50 B (1 PiB): not a measurement", p->bytes);
        return 1;
    }
    static const struct {
        const char *name;
        size_t off;
    } bws[] = {{"bandwidth_GBps", offsetof(fs_point, bandwidth_GBps)},
               {"algbw_GBps", offsetof(fs_point, algbw_GBps)},
               {"busbw_GBps", offsetof(fs_point, busbw_GBps)}};
    for (size_t i = 0; i < sizeof bws / sizeof bws[0]; i++) {
        double v = *(const double *)((const char *)p + bws[i].off);
        if (v > max_GBps || v < 0) {
            snprintf(why, len, "%s %.6g is %s: not a measurement", bws[i].name, v,
                     v < 0 ? "negative" : "above 100 TB/s (10^5 GB/s)");
            return 1;
        }
    }
    static const struct {
        const char *name;
        size_t off;
    } ts[] = {{"min", offsetof(fs_stats, min)},     {"p50", offsetof(fs_stats, p50)},
              {"mean", offsetof(fs_stats, mean)},   {"p90", offsetof(fs_stats, p90)},
              {"p99", offsetof(fs_stats, p99)},     {"max", offsetof(fs_stats, max)},
              {"stdev", offsetof(fs_stats, stdev)}, {"ci95", offsetof(fs_stats, ci95)}};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double v = *(const double *)((const char *)&p->time_us + ts[i].off);
        if (v < 0 || isinf(v)) {
            snprintf(why, len, "time_us.%s %.6g is %s: not a measurement", ts[i].name, v,
                     v < 0 ? "negative" : "infinite");
            return 1;
        }
    }
    return 0;
}

static int read_meta(ctx *c, json_t *jm, fs_meta *m)
{
    m->complete = true;
    if (!jm || json_is_null(jm)) return 0;
    snprintf(c->path, sizeof c->path, "meta");
    if (!json_is_object(jm)) return bad(c, NULL, "an object", jm);
    int rc = read_object(c, jm, &fs_meta_fields, m, &m->extra, NULL);
    c->path[0] = '\0';
    return rc;
}

int fs_meta_from_json(json_t *jm, fs_meta *out, fs_err *err)
{
    ctx c = {NULL, 0, "meta", err, ""};
    return read_meta(&c, jm, out);
}

int fs_results_from_json(json_t *root, const char *text, size_t len, const char *path,
                         fs_results *out, fs_err *err)
{
    ctx c = {text, len, path, err, ""};
    if (!json_is_object(root)) return bad(&c, NULL, "an object", root);
    json_t *schema = json_object_get(root, "schema");
    if (!json_is_string(schema))
        return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: not a %s results file (\"schema\" is %s)",
                          path, line_of(&c, schema ? "schema" : ""), FS_RESULTS_SCHEMA,
                          schema ? type_name(schema) : "missing");
    const char *sv = json_string_value(schema);
    char ex[64]; /* the file's text, made printable: the message stays one line */
    if (strcmp(sv, FS_RESULTS_SCHEMA) != 0)
        return fs_err_set(
            err, FS_EXIT_INPUT, "%s:%d: unknown schema \"%s\" (this fabscale reads %s)", path,
            line_of(&c, "schema"), fs_excerpt(sv, strlen(sv), ex, sizeof ex), FS_RESULTS_SCHEMA);
    int rc = read_meta(&c, json_object_get(root, "meta"), &out->meta);
    if (rc) return rc;
    json_t *runs = json_object_get(root, "runs");
    if (!json_is_array(runs)) return bad(&c, "runs", "an array", runs);
    size_t i;
    json_t *jr;
    json_array_foreach(runs, i, jr)
    {
        snprintf(c.path, sizeof c.path, "runs[%zu]", i);
        if ((rc = read_run(&c, jr, out))) return rc;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (!strcmp(key, "schema") || !strcmp(key, "meta") || !strcmp(key, "runs")) continue;
        if (!out->extra && !(out->extra = json_object())) return fs_oom(err);
        json_object_set(out->extra, key, v);
    }
    return 0;
}

int fs_results_read_file(const char *path, fs_results *out, fs_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return fs_err_set(err, FS_EXIT_INPUT, "%s: cannot open: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            char *nt = realloc(text, cap = cap ? 2 * cap : 1 << 16);
            if (!nt) {
                free(text);
                fclose(f);
                return fs_oom(err);
            }
            text = nt;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    int rc = ferror(f)
                 ? fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot read: %s", path, strerror(errno))
                 : 0;
    fclose(f);
    json_error_t je;
    json_t *root = rc ? NULL : json_loadb(text, len, 0, &je);
    if (!rc && !root)
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:%d: not valid JSON: %s", path,
                        je.line > 0 ? je.line : 1, je.text);
    if (!rc) rc = fs_results_from_json(root, text, len, path, out, err);
    json_decref(root);
    free(text);
    if (rc == 0 && !(out->path = fs_strdup(path))) rc = fs_oom(err);
    if (rc) fs_results_free(out);
    return rc;
}
