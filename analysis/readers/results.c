/*
 * results.c - load measurement files of any supported format: read the
 * file, sniff the format from the content, hand it to its reader, and
 * refuse files that carry nothing usable.
 */
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_locate.h"
#include "readers.h"
#include "text.h"

const char *fs_format_name(fs_format f)
{
    switch (f) {
    case FS_FORMAT_FABSCALE:
        return "fabscale";
    case FS_FORMAT_OSU:
        return "osu";
    case FS_FORMAT_NCCL_TEXT:
        return "nccl-tests";
    case FS_FORMAT_NCCL_JSON:
        return "nccl-tests-json";
    }
    return "?";
}

static int point_usable(const fs_point *p)
{
    return isfinite(p->bytes) && (isfinite(p->time_us.p50) || isfinite(p->time_us.mean) ||
                                  isfinite(p->bandwidth_GBps) || isfinite(p->busbw_GBps));
}

static int check_usable(const fs_src *s, const fs_results *r, const char *runs_key, fs_err *err)
{
    for (size_t i = 0; i < r->nruns; i++)
        for (size_t j = 0; j < r->runs[i].npoints; j++)
            if (point_usable(&r->runs[i].points[j])) return 0;
    int line = runs_key ? fs_json_line(s->text, s->len, runs_key) : 1;
    return fs_err_set(err, FS_EXIT_INPUT,
                      "%s:%d: no usable runs: %zu run(s), none with a measured point "
                      "(bytes and a time or bandwidth)",
                      s->path, line > 0 ? line : 1, r->nruns);
}

static int parse_json(const fs_src *s, fs_results *out, fs_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(s->text, s->len, JSON_DECODE_ANY, &je);
    if (!root)
        return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: not valid JSON (column %d): %s", s->path,
                          je.line > 0 ? je.line : 1, je.column, je.text);
    int rc;
    const char *key = NULL;
    if (!json_is_object(root)) {
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s:1: JSON %s, not a results object (fabscale.results/1 or nccl-tests -J)",
                        s->path, json_is_array(root) ? "array" : "value");
    } else if (json_object_get(root, "schema")) {
        out->format = FS_FORMAT_FABSCALE;
        key = "runs";
        rc = fs_read_fabscale_json(s, root, out, err);
    } else if (fs_looks_like_nccl_json(root)) {
        out->format = FS_FORMAT_NCCL_JSON;
        key = "results";
        rc = fs_read_nccl_json(s, root, out, err);
    } else {
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s:1: JSON object without \"schema\": not a fabscale results file "
                        "(nor nccl-tests -J output)",
                        s->path);
    }
    json_decref(root);
    if (rc == 0) rc = check_usable(s, out, key, err);
    return rc;
}

int fs_results_parse(const char *text, size_t len, const char *path, fs_results *out, fs_err *err)
{
    memset(out, 0, sizeof *out);
    out->path = fs_strdup(path);
    if (!out->path) return fs_oom(err);
    fs_src s = {text, len, path};
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3; /* UTF-8 BOM */
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    int rc;
    if (i == len) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:1: empty file, no measurements", path);
    } else if (memchr(text, '\0', len)) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:%d: binary data (NUL byte), not a results file",
                        path, fs_line_of(text, memchr(text, '\0', len)));
    } else if (text[i] == '{' || text[i] == '[') {
        rc = parse_json(&s, out, err);
    } else if (fs_looks_like_osu(text, len)) {
        out->format = FS_FORMAT_OSU;
        rc = fs_read_osu(&s, out, err);
        if (rc == 0) rc = check_usable(&s, out, NULL, err);
    } else if (fs_looks_like_nccl_text(text, len)) {
        out->format = FS_FORMAT_NCCL_TEXT;
        rc = fs_read_nccl_text(&s, out, err);
        if (rc == 0) rc = check_usable(&s, out, NULL, err);
    } else {
        const char *ls = text + i, *le = memchr(ls, '\n', len - i);
        char ex[64];
        rc = fs_err_set(err, FS_EXIT_INPUT,
                        "%s:%d: not a results file: neither fabscale JSON, OSU Micro-Benchmarks "
                        "nor nccl-tests output (line starts \"%s\")",
                        path, fs_line_of(text, ls),
                        fs_excerpt(ls, le ? (size_t)(le - ls) : len - i, ex, sizeof ex));
    }
    if (rc) {
        fs_results_free(out);
        out->path = NULL;
    }
    return rc;
}

int fs_results_load(const char *path, fs_results *out, fs_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return fs_err_set(err,
                          errno == ENOENT || errno == EACCES || errno == EISDIR ? FS_EXIT_INPUT
                                                                                : FS_EXIT_RUNTIME,
                          "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    for (;;) {
        if (!buf) {
            rc = fs_oom(err);
            break;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = fs_err_set(err, errno == EISDIR ? FS_EXIT_INPUT : FS_EXIT_RUNTIME,
                                "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        if (len == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    if (f != stdin) fclose(f);
    if (rc == 0) rc = fs_results_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}

int fs_results_load_all(char *const *paths, size_t n, fs_results **out, fs_err *err)
{
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out) return fs_oom(err);
    for (size_t i = 0; i < n; i++) {
        int rc = fs_results_load(paths[i], &(*out)[i], err);
        if (rc) {
            fs_results_free_all(*out, i);
            *out = NULL;
            return rc;
        }
    }
    return 0;
}
