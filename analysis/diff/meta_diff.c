/*
 * meta_diff.c - the conditions two results files differ in (meta_diff.h).
 *
 * Every item becomes text (a string as it is, other JSON compact with
 * sorted keys) and two items differ when their texts do.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "meta_diff.h"
#include "results.h"

typedef struct changes {
    fs_meta_change *v;
    size_t n, cap;
    int rc;
    fs_err *err;
} changes;

static char *text_of(const json_t *j)
{
    if (!j || json_is_null(j)) return NULL;
    if (json_is_string(j)) return fs_strdup(json_string_value(j));
    if (json_is_number(j)) { /* 60 and 60.0 are one value */
        char buf[32];
        snprintf(buf, sizeof buf, "%.10g", json_number_value(j));
        return fs_strdup(buf);
    }
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static bool differ(const char *x, const char *y)
{
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

/* Record "what" when the texts differ; takes ownership of x and y. */
static void add_text(changes *c, const char *what, char *x, char *y)
{
    if (c->rc || !differ(x, y)) {
        free(x);
        free(y);
        return;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        fs_meta_change *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            free(x);
            free(y);
            c->rc = fs_oom(c->err);
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    char *w = fs_strdup(what);
    if (!w) {
        free(x);
        free(y);
        c->rc = fs_oom(c->err);
        return;
    }
    c->v[c->n++] = (fs_meta_change){w, x, y};
}

static void add_str(changes *c, const char *what, const char *x, const char *y)
{
    add_text(c, what, x ? fs_strdup(x) : NULL, y ? fs_strdup(y) : NULL);
}

static void add_json(changes *c, const char *what, const json_t *x, const json_t *y)
{
    add_text(c, what, text_of(x), text_of(y));
}

static const json_t *extra(const fs_results *r, const char *key)
{
    return r->meta.extra ? json_object_get(r->meta.extra, key) : NULL;
}

static json_t *host_list(const fs_meta *m)
{
    if (!m->nhosts) return NULL;
    json_t *a = json_array();
    for (size_t i = 0; a && i < m->nhosts; i++) json_array_append_new(a, json_string(m->hosts[i]));
    return a;
}

/* A sorted set of strings as a JSON array (for text_of); NULL when empty. */
static int by_text(const void *x, const void *y)
{
    return strcmp(json_string_value(*(json_t *const *)x), json_string_value(*(json_t *const *)y));
}

static json_t *sorted_set(json_t *items)
{
    size_t n = json_array_size(items);
    if (!n) {
        json_decref(items);
        return NULL;
    }
    json_t **v = malloc(n * sizeof *v);
    json_t *out = v ? json_array() : NULL;
    for (size_t i = 0; v && i < n; i++) v[i] = json_array_get(items, i);
    if (out) qsort(v, n, sizeof *v, by_text);
    for (size_t i = 0; out && i < n; i++)
        if (i == 0 || strcmp(json_string_value(v[i]), json_string_value(v[i - 1])))
            json_array_append(out, v[i]);
    free(v);
    json_decref(items);
    return out;
}

/* Network devices of every host ("eth0 (network)"), hosts' names left out:
 * two clusters' hosts are named differently, their NICs need not be. */
static json_t *nics(const fs_results *r)
{
    const json_t *topo = extra(r, "topology"), *host;
    const char *name;
    json_t *items = json_array();
    json_object_foreach((json_t *)topo, name, host)
    {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(host, "network_devices"), i, d)
        {
            char s[256];
            const char *dn = json_string_value(json_object_get(d, "name"));
            const char *dk = json_string_value(json_object_get(d, "kind"));
            snprintf(s, sizeof s, "%s (%s)", dn ? dn : "?", dk ? dk : "?");
            json_array_append_new(items, json_string(s));
        }
    }
    return sorted_set(items);
}

/* transport/provider[/fabric] of every run: a provider that changed makes
 * runs that no longer match, and this says why. */
static json_t *paths(const fs_results *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < r->nruns; i++) {
        const fs_run *u = &r->runs[i];
        char s[512];
        snprintf(s, sizeof s, "%s/%s%s%s", u->transport ? u->transport : "?",
                 u->provider ? u->provider : "-", u->fabric ? " fabric " : "",
                 u->fabric ? u->fabric : "");
        json_array_append_new(items, json_string(s));
    }
    return sorted_set(items);
}

static void add_owned(changes *c, const char *what, json_t *x, json_t *y)
{
    add_json(c, what, x, y);
    json_decref(x);
    json_decref(y);
}

/* Each setting on its own line, so a changed FI_* knob is named. */
static void settings(changes *c, const fs_results *a, const fs_results *b)
{
    const json_t *sa = extra(a, "settings"), *sb = extra(b, "settings"), *v;
    const char *key;
    char what[300];
    json_object_foreach((json_t *)sa, key, v)
    {
        snprintf(what, sizeof what, "setting %s", key);
        add_json(c, what, v, json_object_get(sb, key));
    }
    json_object_foreach((json_t *)sb, key, v)
    {
        if (json_object_get(sa, key)) continue;
        snprintf(what, sizeof what, "setting %s", key);
        add_json(c, what, NULL, v);
    }
}

int fs_meta_diff(const fs_results *a, const fs_results *b, fs_meta_change **out, size_t *n,
                 fs_err *err)
{
    changes c = {.err = err};
    const fs_meta *ma = &a->meta, *mb = &b->meta;
    add_str(&c, "format", fs_format_name(a->format), fs_format_name(b->format));
    add_str(&c, "fabscale version", ma->version, mb->version);
    add_str(&c, "MPI library", ma->mpi_library, mb->mpi_library);
    add_str(&c, "libfabric version", ma->libfabric_version, mb->libfabric_version);
    add_owned(&c, "transport/provider", paths(a), paths(b));
    add_str(&c, "instance type", ma->instance_type, mb->instance_type);
    add_json(&c, "DMI", extra(a, "dmi"), extra(b, "dmi"));
    add_str(&c, "CPU model", ma->cpu_model, mb->cpu_model);
    /* Not written by fabscale-bench today; shown when a file has it. */
    add_json(&c, "kernel", extra(a, "kernel"), extra(b, "kernel"));
    add_owned(&c, "network devices", nics(a), nics(b));
    add_owned(&c, "ranks", ma->ranks ? json_integer(ma->ranks) : NULL,
              mb->ranks ? json_integer(mb->ranks) : NULL);
    add_owned(&c, "hosts", host_list(ma), host_list(mb));
    add_json(&c, "rank binding", extra(a, "rank_binding"), extra(b, "rank_binding"));
    settings(&c, a, b);
    add_str(&c, "complete", ma->complete ? "yes" : "no", mb->complete ? "yes" : "no");
    if (c.rc) {
        fs_meta_changes_free(c.v, c.n);
        return c.rc;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}

void fs_meta_changes_free(fs_meta_change *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].what);
        free(c[i].a);
        free(c[i].b);
    }
    free(c);
}
