/* catalog_fields.c - one catalogue entry onto a struct (see catalog_fields.h). */
#include "catalog_fields.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_locate.h"

int fs_entry_err(const fs_entry_ctx *ctx, const char *key, fs_err *err, const char *fmt, ...)
{
    char jpath[128], what[600];
    if (key)
        snprintf(jpath, sizeof jpath, "%s[%zu].%s", ctx->array, ctx->index, key);
    else
        snprintf(jpath, sizeof jpath, "%s[%zu]", ctx->array, ctx->index);
    int line = ctx->text ? fs_json_line(ctx->text, ctx->len, jpath) : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char name[96] = "";
    if (ctx->name) snprintf(name, sizeof name, " (\"%.80s\")", ctx->name);
    if (line > 0)
        return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: %s[%zu]%s: %s", ctx->path, line, ctx->array,
                          ctx->index, name, what);
    return fs_err_set(err, FS_EXIT_INPUT, "%s: %s[%zu]%s: %s", ctx->path, ctx->array, ctx->index,
                      name, what);
}

static const fs_field *find(const fs_field *f, size_t nf, const char *key)
{
    for (size_t i = 0; i < nf; i++)
        if (strcmp(f[i].key, key) == 0) return &f[i];
    return NULL;
}

static int read_one(const fs_field *f, json_t *v, void *dst, const fs_entry_ctx *ctx, fs_err *err)
{
    char *p = (char *)dst + f->off;
    switch (f->type) {
    case FS_F_STR:
        if (!json_is_string(v))
            return fs_entry_err(ctx, f->key, err, "%s must be a string", f->key);
        if (strlen(json_string_value(v)) >= f->size)
            return fs_entry_err(ctx, f->key, err, "%s is longer than %zu characters", f->key,
                                f->size - 1);
        snprintf(p, f->size, "%s", json_string_value(v));
        return 0;
    case FS_F_SOURCES: {
        json_t *first = json_is_array(v) ? json_array_get(v, 0) : v;
        if (!json_is_string(first) || !*json_string_value(first))
            return fs_entry_err(
                ctx, f->key, err,
                "%s must be a non-empty list of strings (where the numbers come from)", f->key);
        size_t i;
        json_t *e;
        if (json_is_array(v))
            json_array_foreach(v, i, e) if (!json_is_string(e)) return fs_entry_err(
                ctx, f->key, err, "%s[%zu] must be a string", f->key, i);
        snprintf(p, f->size, "%s", json_string_value(first));
        return 0;
    }
    case FS_F_INT:
    case FS_F_NUM: {
        if (!json_is_number(v))
            return fs_entry_err(ctx, f->key, err, "%s must be a number", f->key);
        double d = json_number_value(v);
        bool bad = !isfinite(d) || (f->min_open ? !(d > f->min) : !(d >= f->min));
        if (f->type == FS_F_INT && (d != floor(d) || d > 1e9)) bad = true;
        if (bad)
            return fs_entry_err(ctx, f->key, err, "%s must be %s %s %g (got %g)", f->key,
                                f->type == FS_F_INT ? "an integer" : "a number",
                                f->min_open ? ">" : ">=", f->min, d);
        if (f->type == FS_F_INT)
            *(int *)p = (int)d;
        else
            *(double *)p = d;
        return 0;
    }
    case FS_F_IGNORE:
        return 0;
    }
    return 0;
}

int fs_fields_read(const fs_field *f, size_t nf, json_t *obj, void *dst, bool is_new,
                   const fs_entry_ctx *ctx, fs_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const fs_field *fd = find(f, nf, key);
        if (!fd && key[0] == '_') continue; /* private annotations */
        if (!fd) {
            char known[700] = "";
            for (size_t i = 0; i < nf; i++) {
                size_t l = strlen(known);
                snprintf(known + l, sizeof known - l, "%s%s", i ? ", " : "", f[i].key);
            }
            return fs_entry_err(ctx, key, err, "unknown field \"%s\" (known: %s)", key, known);
        }
        int rc = read_one(fd, v, dst, ctx, err);
        if (rc) return rc;
    }
    if (is_new)
        for (size_t i = 0; i < nf; i++) {
            if (!f[i].required || json_object_get(obj, f[i].key)) continue;
            if (f[i].type == FS_F_SOURCES && json_object_get(obj, "source")) continue;
            return fs_entry_err(ctx, NULL, err, "missing \"%s\" (a new entry must give it)",
                                f[i].key);
        }
    return 0;
}
