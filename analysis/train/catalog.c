/*
 * catalog.c - find, read and merge catalogue files; look entries up
 * (see catalog.h).
 */
#include "catalog.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog_entries.h"
#include "datadir.h"
#include "json_locate.h"

const char *fs_precision_name(fs_precision p)
{
    static const char *const n[] = {"fp32", "tf32", "fp16", "bf16", "fp8"};
    return (unsigned)p < FS_PREC_COUNT ? n[p] : "?";
}

int fs_precision_parse(const char *s)
{
    for (int i = 0; s && i < FS_PREC_COUNT; i++)
        if (strcasecmp(s, fs_precision_name((fs_precision)i)) == 0) return i;
    return -1;
}

const char *fs_purchase_name(fs_purchase p)
{
    static const char *const n[] = {"on-demand", "capacity-block", "spot", "reserved"};
    return (unsigned)p < FS_BUY_COUNT ? n[p] : "?";
}

int fs_purchase_parse(const char *s)
{
    for (int i = 0; s && i < FS_BUY_COUNT; i++)
        if (strcasecmp(s, fs_purchase_name((fs_purchase)i)) == 0) return i;
    return -1;
}

static const char *datadir(fs_catalog *c)
{
    if (!c->datadir[0]) fs_datadir(c->datadir, sizeof c->datadir, NULL);
    return c->datadir;
}

/* The whole file, NUL-terminated. */
static int slurp(const char *path, char **text, size_t *len, bool shipped, fs_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return fs_err_set(
            err, shipped || (e != ENOENT && e != EACCES) ? FS_EXIT_RUNTIME : FS_EXIT_INPUT,
            "%s: cannot read: %s%s", path, strerror(e),
            shipped ? " (the shipped catalogue; set FABSCALE_DATADIR to its directory)" : "");
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = cap < (64u << 20) ? realloc(buf, 2 * cap + 1) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return fs_err_set(err, FS_EXIT_INPUT, "%s: too large for a catalogue (or out of memory)",
                          path);
    if (bad) {
        free(buf);
        return fs_err_set(err, FS_EXIT_RUNTIME, "%s: read error", path);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

typedef int (*merge_fn)(fs_catalog *, json_t *, fs_entry_ctx *, fs_err *);

static int merge_array(fs_catalog *c, json_t *root, const char *key, merge_fn fn, const char *path,
                       const char *text, size_t len, fs_err *err)
{
    json_t *arr = json_object_get(root, key);
    if (!arr) return 0;
    if (!json_is_array(arr))
        return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: \"%s\" must be an array of objects", path,
                          fs_json_line(text, len, key), key);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        fs_entry_ctx ctx = {path, text, len, key, i, NULL};
        if (!json_is_object(e)) {
            char jp[64];
            snprintf(jp, sizeof jp, "%s[%zu]", key, i);
            return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: %s must be an object", path,
                              fs_json_line(text, len, jp), jp);
        }
        int rc = fn(c, e, &ctx, err);
        if (rc) return rc;
    }
    return 0;
}

int fs_catalog_merge_text(fs_catalog *c, const char *text, size_t len, const char *path,
                          fs_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: not valid JSON: %s", path, je.line, je.text);
    int rc = 0;
    if (!json_is_object(root)) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:1: a catalogue is a JSON object", path);
        goto out;
    }
    static const char *const schemas[] = {"fabscale.instances/1", "fabscale.workloads/1",
                                          "fabscale.prices/1", "fabscale.catalog/1"};
    json_t *s = json_object_get(root, "schema");
    if (s) {
        bool ok = false;
        for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
            ok |= json_is_string(s) && strcmp(json_string_value(s), schemas[i]) == 0;
        if (!ok) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "%s:%d: unknown schema (this fabscale reads fabscale.instances/1, "
                            "workloads/1, prices/1 "
                            "and catalog/1)",
                            path, fs_json_line(text, len, "schema"));
            goto out;
        }
    }
    const char *key;
    json_t *v;
    bool any = false;
    json_object_foreach(root, key, v)
    {
        bool data =
            !strcmp(key, "instances") || !strcmp(key, "workloads") || !strcmp(key, "prices");
        any |= data;
        if (data || key[0] == '_' || !strcmp(key, "schema") || !strcmp(key, "note") ||
            !strcmp(key, "notes") || !strcmp(key, "currency"))
            continue;
        rc = fs_err_set(
            err, FS_EXIT_INPUT,
            "%s:%d: unknown key \"%s\" (a catalogue has instances, workloads and/or prices)", path,
            fs_json_line(text, len, key), key);
        goto out;
    }
    if (!any) {
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s:1: no \"instances\", \"workloads\" or \"prices\" array", path);
        goto out;
    }
    json_t *cur = json_object_get(root, "currency");
    if (cur && (!json_is_string(cur) || strcmp(json_string_value(cur), "USD") != 0)) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:%d: prices must be in USD", path,
                        fs_json_line(text, len, "currency"));
        goto out;
    }
    if ((rc = merge_array(c, root, "instances", fs_catalog_merge_instance, path, text, len, err)))
        goto out;
    if ((rc = merge_array(c, root, "workloads", fs_catalog_merge_workload, path, text, len, err)))
        goto out;
    rc = merge_array(c, root, "prices", fs_catalog_merge_price, path, text, len, err);
out:
    json_decref(root);
    return rc;
}

static int load(fs_catalog *c, const char *path, bool shipped, fs_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = slurp(path, &text, &len, shipped, err);
    if (rc) return rc;
    rc = fs_catalog_merge_text(c, text, len, path, err);
    free(text);
    return rc;
}

int fs_catalog_load_default(fs_catalog *c, fs_err *err)
{
    static const char *const files[] = {"instances.json", "workloads.json"};
    for (size_t i = 0; i < 2; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", datadir(c), files[i]);
        int rc = load(c, p, true, err);
        if (rc) return rc;
    }
    return 0;
}

int fs_catalog_load_file(fs_catalog *c, const char *path, fs_err *err)
{
    return load(c, path, false, err);
}

int fs_catalog_load_prices(fs_catalog *c, const char *path, fs_err *err)
{
    if (strcmp(path, "example") == 0) {
        char p[1200];
        snprintf(p, sizeof p, "%s/prices-example.json", datadir(c));
        return load(c, p, true, err);
    }
    return load(c, path, false, err);
}

int fs_catalog_set_price(fs_catalog *c, const char *spec, fs_err *err)
{
    const char *eq = strchr(spec, '=');
    char *end;
    double v = eq ? strtod(eq + 1, &end) : NAN;
    int opt = FS_BUY_ON_DEMAND;
    if (eq && end != eq + 1 && *end == '@') {
        opt = fs_purchase_parse(end + 1);
        if (opt < 0)
            return fs_err_set(err, FS_EXIT_INPUT,
                              "--price \"%s\": purchase option \"%s\" is not on-demand, "
                              "capacity-block, spot or reserved",
                              spec, end + 1);
        end += strlen(end);
    }
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof c->price[0].instance || end == eq + 1 ||
        *end || !isfinite(v) || !(v > 0))
        return fs_err_set(err, FS_EXIT_INPUT,
                          "--price \"%s\": expected TYPE=USD_PER_HOUR[@OPTION] with a price > 0",
                          spec);
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
    fs_price *p = (fs_price *)fs_catalog_price(c, name);
    if (!p) {
        fs_price *np = realloc(c->price, (c->nprice + 1) * sizeof *np);
        if (!np) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
        c->price = np;
        p = &np[c->nprice++];
    }
    memset(p, 0, sizeof *p);
    snprintf(p->instance, sizeof p->instance, "%s", name);
    p->usd_per_hour = v;
    p->option = (fs_purchase)opt;
    snprintf(p->option_name, sizeof p->option_name, "%s", fs_purchase_name(p->option));
    snprintf(p->as_of, sizeof p->as_of, "given");
    snprintf(p->source, sizeof p->source, "--price on the command line");
    snprintf(p->origin, sizeof p->origin, "command line");
    return 0;
}

void fs_catalog_free(fs_catalog *c)
{
    free(c->inst);
    free(c->work);
    free(c->price);
    memset(c, 0, sizeof *c);
}

const fs_instance *fs_catalog_instance(const fs_catalog *c, const char *name)
{
    for (size_t i = 0; name && i < c->ninst; i++)
        if (strcasecmp(c->inst[i].name, name) == 0) return &c->inst[i];
    return NULL;
}

const fs_preset *fs_catalog_workload(const fs_catalog *c, const char *name)
{
    for (size_t i = 0; name && i < c->nwork; i++)
        if (strcasecmp(c->work[i].name, name) == 0) return &c->work[i];
    return NULL;
}

const fs_price *fs_catalog_price(const fs_catalog *c, const char *instance)
{
    for (size_t i = 0; instance && i < c->nprice; i++)
        if (strcasecmp(c->price[i].instance, instance) == 0) return &c->price[i];
    return NULL;
}

static void add_name(char *buf, size_t len, const char *name)
{
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%s", l ? ", " : "", name);
}

const char *fs_catalog_workload_names(const fs_catalog *c, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->nwork; i++) add_name(buf, len, c->work[i].name);
    return buf;
}

const char *fs_catalog_instance_names(const fs_catalog *c, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->ninst; i++) add_name(buf, len, c->inst[i].name);
    return buf;
}
