/*
 * results_write.c - fabscale.results/1 out of memory, driven by the field
 * table: modelled members in table order (null when absent, unless the
 * row says optional), then the members kept in `extra`.  Files are written
 * to a temporary file that is renamed over the target, so a crash never
 * leaves half a file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results_doc.h"
#include "results_fields.h"

/* Reals are written with 10 significant digits: near DBL_MAX that rounds
 * up past it, and the file would not read back (jansson: "real number
 * overflow").  Such values keep their 10 digits, rounded down. */
#define FS_REAL_MAX 1.797693134e308
static json_t *real(double v)
{
    return json_real(fabs(v) > FS_REAL_MAX ? copysign(FS_REAL_MAX, v) : v);
}

/* Integral values print as integers: sizes and counts read better. */
static json_t *count(double v)
{
    if (v == floor(v) && fabs(v) < 9e15) return json_integer((json_int_t)v);
    return real(v);
}

/* Strings from text formats may hold bytes that are not UTF-8 (jansson
 * refuses them): such a value is written null, as it will read back. */
static json_t *str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static json_t *stats_json(const fs_stats *st);

/* The value of one modelled member; json_null() when absent. */
static json_t *field_json(const fs_field *f, const void *base)
{
    const char *p = (const char *)base + f->offset;
    if (f->type != FS_FT_KIND && f->type != FS_FT_STRINGS && f->type != FS_FT_BOOL &&
        fs_field_absent(f, base))
        return json_null();
    switch (f->type) {
    case FS_FT_STRING:
        return str(*(char *const *)p);
    case FS_FT_INT:
        return json_integer(*(const int *)p);
    case FS_FT_NUMBER:
        return real(*(const double *)p);
    case FS_FT_COUNT:
        return count(*(const double *)p);
    case FS_FT_BOOL:
        return json_boolean(*(const bool *)p);
    case FS_FT_TRIBOOL:
        return json_boolean(*(const int *)p);
    case FS_FT_STRINGS: {
        json_t *a = json_array();
        char *const *s = *(char *const *const *)p;
        size_t n = *(const size_t *)((const char *)base + f->count_offset);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_string(s[i])); /* not UTF-8: left out */
        return a;
    }
    case FS_FT_PAIR: {
        char *const *pair = (char *const *)p;
        return json_pack("[oo]", str(pair[0]), str(pair[1]));
    }
    case FS_FT_OBJECT:
    case FS_FT_NOTES:
        return json_deep_copy(*(json_t *const *)p);
    case FS_FT_KIND: {
        /* Written inferred when the struct does not say: every file
         * written carries it. */
        const fs_run *run = base;
        const char *k = fs_kind_name(fs_run_kind(run));
        return str(k);
    }
    case FS_FT_STATS:
        return stats_json((const fs_stats *)p);
    case FS_FT_PASS:
        break;
    }
    return json_null();
}

static json_t *object_json(const fs_field_list *L, const void *base, json_t *extra)
{
    json_t *o = json_object();
    for (size_t i = 0; i < L->n; i++) {
        const fs_field *f = &L->f[i];
        if (f->type == FS_FT_PASS) {
            json_t *v = extra ? json_object_get(extra, f->name) : NULL;
            if (v) json_object_set(o, f->name, v);
        } else if (!((f->flags & FS_FIELD_OPTIONAL) && fs_field_absent(f, base))) {
            json_object_set_new(o, f->name, field_json(f, base));
        }
    }
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v) if (!json_object_get(o, key)) json_object_set(o, key, v);
    return o;
}

static json_t *stats_json(const fs_stats *st)
{
    return object_json(&fs_stats_fields, st, NULL);
}

json_t *fs_point_to_json(const fs_point *p)
{
    return object_json(&fs_point_fields, p, p->extra);
}

json_t *fs_run_to_json(const fs_run *run)
{
    json_t *o = object_json(&fs_run_fields, run, run->extra);
    json_t *pts = json_array();
    for (size_t i = 0; i < run->npoints; i++)
        json_array_append_new(pts, fs_point_to_json(&run->points[i]));
    json_object_del(o, "points"); /* an extra "points" cannot exist; be sure */
    json_object_set_new(o, "points", pts);
    return o;
}

json_t *fs_meta_to_json(const fs_meta *m)
{
    return object_json(&fs_meta_fields, m, m->extra);
}

json_t *fs_results_to_json_doc(const fs_results *r)
{
    json_t *runs = json_array();
    for (size_t i = 0; i < r->nruns; i++) json_array_append_new(runs, fs_run_to_json(&r->runs[i]));
    json_t *doc = json_pack("{s:s,s:o,s:o}", "schema", FS_RESULTS_SCHEMA, "meta",
                            fs_meta_to_json(&r->meta), "runs", runs);
    const char *key;
    json_t *v;
    json_object_foreach(r->extra, key, v) if (!json_object_get(doc, key))
        json_object_set(doc, key, v);
    return doc;
}

char *fs_results_dumps(json_t *doc)
{
    return doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
               : NULL;
}

/* Write text to path through a temporary file and a rename. */
static int save_text(const char *path, const char *text, fs_err *err)
{
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        return fflush(stdout) ? fs_err_set(err, FS_EXIT_RUNTIME, "stdout: %s", strerror(errno)) : 0;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fs_err_set(err, errno == ENOENT || errno == EACCES ? FS_EXIT_INPUT : FS_EXIT_RUNTIME,
                          "cannot write %s: %s", tmp, strerror(errno));
    bool bad = fputs(text, f) < 0;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        int e = errno;
        unlink(tmp);
        return fs_err_set(err, FS_EXIT_RUNTIME, "cannot write %s: %s", tmp, strerror(e));
    }
    if (rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return fs_err_set(err, FS_EXIT_RUNTIME, "cannot rename %s to %s: %s", tmp, path,
                          strerror(e));
    }
    return 0;
}

int fs_results_save_json(json_t *doc, const char *path, fs_err *err)
{
    char *text = fs_results_dumps(doc);
    size_t n = text ? strlen(text) : 0;
    char *line = text ? realloc(text, n + 2) : NULL;
    if (!line) {
        free(text);
        return fs_oom(err);
    }
    memcpy(line + n, "\n", 2);
    int rc = save_text(path, line, err);
    free(line);
    return rc;
}

int fs_results_save(const fs_results *r, const char *path, fs_err *err)
{
    json_t *doc = fs_results_to_json_doc(r);
    int rc = doc ? fs_results_save_json(doc, path, err) : fs_oom(err);
    json_decref(doc);
    return rc;
}

/* ---- CSV: one row per point; run columns, then point columns ---- */

typedef struct buf {
    char *s;
    size_t len, cap;
    bool oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 4096) + n;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void header_of(buf *b, const fs_field_list *L, bool *first)
{
    for (size_t i = 0; i < L->n; i++) {
        const fs_field *f = &L->f[i];
        if (!f->csv) continue;
        if (f->type == FS_FT_STATS) {
            for (size_t k = 0; k < fs_stats_fields.n; k++) {
                puts_(b, *first ? "" : ",");
                puts_(b, fs_stats_fields.f[k].name);
                puts_(b, f->csv);
                *first = false;
            }
            continue;
        }
        puts_(b, *first ? "" : ",");
        puts_(b, f->csv);
        *first = false;
    }
}

const char *fs_results_csv_header(void)
{
    static char header[1024];
    if (!header[0]) {
        buf b = {0};
        bool first = true;
        header_of(&b, &fs_run_fields, &first);
        header_of(&b, &fs_point_fields, &first);
        snprintf(header, sizeof header, "%s", b.oom ? "" : b.s);
        free(b.s);
    }
    return header;
}

/* A cell: strings always quoted (provider names hold ';' and may hold
 * ','), numbers with 9 significant digits, absent values empty. */
static void cell(buf *b, const fs_field *f, const void *base)
{
    json_t *v = field_json(f, base);
    char num[64];
    if (json_is_string(v)) {
        put(b, "\"", 1);
        for (const char *s = json_string_value(v); *s; s++) {
            if (*s == '"') put(b, "\"", 1);
            put(b, s, 1);
        }
        put(b, "\"", 1);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        puts_(b, num);
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.9g", json_real_value(v));
        puts_(b, num);
    } else if (json_is_boolean(v)) {
        puts_(b, json_is_true(v) ? "true" : "false");
    }
    json_decref(v);
}

static void row_of(buf *b, const fs_field_list *L, const void *base, bool *first)
{
    for (size_t i = 0; i < L->n; i++) {
        const fs_field *f = &L->f[i];
        if (!f->csv) continue;
        if (f->type == FS_FT_STATS) {
            const void *st = (const char *)base + f->offset;
            for (size_t k = 0; k < fs_stats_fields.n; k++) {
                puts_(b, *first ? "" : ",");
                cell(b, &fs_stats_fields.f[k], st);
                *first = false;
            }
            continue;
        }
        puts_(b, *first ? "" : ",");
        cell(b, f, base);
        *first = false;
    }
}

int fs_results_save_csv(const fs_results *r, const char *path, fs_err *err)
{
    buf b = {0};
    puts_(&b, fs_results_csv_header());
    puts_(&b, "\n");
    for (size_t i = 0; i < r->nruns; i++)
        for (size_t j = 0; j < r->runs[i].npoints; j++) {
            bool first = true;
            row_of(&b, &fs_run_fields, &r->runs[i], &first);
            row_of(&b, &fs_point_fields, &r->runs[i].points[j], &first);
            puts_(&b, "\n");
        }
    int rc = b.oom ? fs_oom(err) : save_text(path, b.s, err);
    free(b.s);
    return rc;
}
