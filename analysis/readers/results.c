/*
 * results.c - load measurement files of any supported format: read the
 * file, sniff the format from the content with the rows of the reader
 * table, hand it to the row that recognised it, and refuse files that
 * carry nothing usable.
 */
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_locate.h"
#include "readers.h"

static int sniff_fabscale(const fs_src *s)
{
    return json_is_object(s->root) && json_object_get(s->root, "schema") != NULL;
}

static int sniff_nccl_json(const fs_src *s)
{
    return json_is_object(s->root) && fs_looks_like_nccl_json(s->root);
}

static int sniff_osu(const fs_src *s)
{
    return fs_looks_like_osu(s->text, s->len);
}

static int sniff_nccl_text(const fs_src *s)
{
    return fs_looks_like_nccl_text(s->text, s->len);
}

static int sniff_fabscale_text(const fs_src *s)
{
    return fs_looks_like_fabscale_text(s->text, s->len);
}

/* The readers, one row each, in fs_format order.  Sniffing goes down the
 * rows: the first that recognises the content reads it. */
static const fs_reader readers[] = {
    {"fabscale", "fabscale JSON", true, sniff_fabscale, fs_read_fabscale_json, "runs",
     "fabscale.results/1 (docs/results-format.md), every member kept"},
    {"osu", "OSU Micro-Benchmarks 5.x-7.x text", false, sniff_osu, fs_read_osu, NULL,
     "osu_latency, osu_bw, osu_bibw, osu_mbw_mr (also -V), osu_allreduce,\n"
     "osu_reduce_scatter, osu_allgather, osu_alltoall, with -f / -z / -c / -T all;\n"
     "bandwidth tables get a time per iteration from the bandwidth (window 64, or\n"
     "-W N from the command in the log); rows OSU marked Fail are not imported"},
    {"nccl-tests", "nccl-tests 2.x text", false, sniff_nccl_text, fs_read_nccl_text, NULL,
     "all_reduce_perf, reduce_scatter_perf, all_gather_perf, alltoall_perf, ..."},
    {"nccl-tests-json", "nccl-tests -J JSON", true, sniff_nccl_json, fs_read_nccl_json, "results",
     "the -J output of the same programs"},
    {"fabscale-text", "fabscale-bench table", false, sniff_fabscale_text, fs_read_fabscale_text,
     NULL, "what fabscale-bench prints on stdout (medians; window from its columns)"},
};
#define NREADERS (sizeof readers / sizeof readers[0])

const fs_reader *fs_readers(size_t *n)
{
    *n = NREADERS;
    return readers;
}

const char *fs_format_name(int f)
{
    return f >= 0 && (size_t)f < NREADERS ? readers[f].name : "?";
}

/* "A, B, C nor D" of the rows that read JSON (json) or text (!json) or
 * all (json < 0). */
static const char *list_of(int json, const char *last_sep, char *buf, size_t len)
{
    size_t n = 0, total = 0, o = 0;
    for (size_t i = 0; i < NREADERS; i++) total += json < 0 || readers[i].json == (json > 0);
    buf[0] = '\0';
    for (size_t i = 0; i < NREADERS && o < len; i++) {
        if (!(json < 0 || readers[i].json == (json > 0))) continue;
        n++;
        const char *sep = n == 1 ? "" : n == total ? last_sep : ", ";
        o += (size_t)snprintf(buf + o, len - o, "%s%s", sep, readers[i].description);
    }
    return buf;
}

void fs_format_help(FILE *f)
{
    for (size_t i = 0; i < NREADERS; i++) {
        fprintf(f, "  %-16s %s\n%19s", readers[i].name, readers[i].description, "");
        /* The detail's lines line up under the description. */
        for (const char *c = readers[i].detail; *c; c++) {
            fputc(*c, f);
            if (*c == '\n') fprintf(f, "%19s", "");
        }
        fputc('\n', f);
    }
}

const char *fs_format_list(void)
{
    static char buf[512];
    return list_of(-1, " and ", buf, sizeof buf);
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

/* Every point within the bounds of a measurement (fs_point_check_bounds),
 * for the formats read from text; fabscale JSON is checked as it is read. */
int fs_results_check_bounds(const fs_src *s, const fs_results *r, fs_err *err)
{
    for (size_t i = 0; i < r->nruns; i++)
        for (size_t j = 0; j < r->runs[i].npoints; j++) {
            const fs_point *p = &r->runs[i].points[j];
            char why[200];
            if (!fs_point_check_bounds(p, why, sizeof why)) continue;
            int line = p->line;
            if (line <= 0 && s->root) line = fs_json_line(s->text, s->len, "results");
            return fs_err_set(err, FS_EXIT_INPUT, "%s:%d: %s", s->path, line > 0 ? line : 1, why);
        }
    return 0;
}

/* The first row that recognises the content, or an error saying what the
 * content is not. */
static int pick(const fs_src *s, size_t first, const fs_reader **rd, fs_err *err)
{
    bool json = s->root != NULL;
    for (size_t i = 0; i < NREADERS; i++)
        if (readers[i].json == json && readers[i].sniff(s)) {
            *rd = &readers[i];
            return 0;
        }
    char list[400], ex[64];
    if (json && !json_is_object(s->root))
        return fs_err_set(err, FS_EXIT_INPUT, "%s:1: JSON %s, not a results object (%s)", s->path,
                          json_is_array(s->root) ? "array" : "value",
                          list_of(1, " or ", list, sizeof list));
    if (json)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:1: JSON object without \"schema\": not a fabscale results file "
                          "(nor any of %s)",
                          s->path, list_of(1, " or ", list, sizeof list));
    const char *ls = s->text + first, *le = memchr(ls, '\n', s->len - first);
    return fs_err_set(err, FS_EXIT_INPUT,
                      "%s:%d: not a results file: neither %s (line starts \"%s\")", s->path,
                      fs_line_of(s->text, ls), list_of(-1, " nor ", list, sizeof list),
                      fs_excerpt(ls, le ? (size_t)(le - ls) : s->len - first, ex, sizeof ex));
}

void fs_src_warn(const fs_src *s, fs_run *run, int line, const char *fmt, ...)
{
    char msg[700], full[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s:%d: %s", s->path, line, msg);
    if (s->warnings) json_array_append_new(s->warnings, json_string(full));
    if (run) {
        if (!run->notes) run->notes = json_array();
        /* the note is about this file's line: the path is in imported_from */
        char note[800];
        snprintf(note, sizeof note, "line %d: %s", line, msg);
        if (run->notes) json_array_append_new(run->notes, json_string(note));
    }
}

static int parse(const char *text, size_t len, const char *path, fs_results *out, fs_err *err,
                 FILE *warn_to)
{
    memset(out, 0, sizeof *out);
    out->path = fs_strdup(path);
    if (!out->path) return fs_oom(err);
    /* Launcher prefixes first: every reader then sees the program's text. */
    char *stripped = NULL;
    size_t slen = 0;
    const char *launcher;
    int sp = fs_strip_launcher_prefixes(text, len, &stripped, &slen, &launcher);
    if (sp < 0) return fs_oom(err);
    if (sp > 0) {
        text = stripped;
        len = slen;
    }
    fs_src s = {text, len, path, NULL, json_array()};
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3; /* UTF-8 BOM */
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    int rc = 0;
    const fs_reader *rd = NULL;
    if (i == len) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:1: empty file, no measurements", path);
    } else if (memchr(text, '\0', len)) {
        rc = fs_err_set(err, FS_EXIT_INPUT, "%s:%d: binary data (NUL byte), not a results file",
                        path, fs_line_of(text, memchr(text, '\0', len)));
    } else if (text[i] == '{' || text[i] == '[') {
        json_error_t je;
        s.root = json_loadb(text, len, JSON_DECODE_ANY, &je);
        if (!s.root)
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s:%d: not valid JSON (column %d): %s", path,
                            je.line > 0 ? je.line : 1, je.column, je.text);
    }
    if (rc == 0) rc = pick(&s, i, &rd, err);
    if (rc == 0) {
        out->format = (int)(rd - readers);
        rc = rd->read(&s, out, err);
    }
    if (rc == 0) rc = check_usable(&s, out, rd->runs_key, err);
    if (rc == 0) rc = fs_results_check_bounds(&s, out, err);
    if (rc == 0 && warn_to) {
        size_t i;
        json_t *w;
        json_array_foreach(s.warnings, i, w)
            fprintf(warn_to, "fabscale: warning: %s\n", json_string_value(w));
    }
    json_decref(s.root);
    json_decref(s.warnings);
    free(stripped);
    if (rc) {
        fs_results_free(out);
        out->path = NULL;
    }
    return rc;
}

int fs_results_parse(const char *text, size_t len, const char *path, fs_results *out, fs_err *err)
{
    return parse(text, len, path, out, err, NULL);
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
    if (rc == 0) rc = parse(buf, len, path, out, err, stderr);
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

void fs_results_free_all(fs_results *r, size_t n)
{
    if (!r) return;
    for (size_t i = 0; i < n; i++) fs_results_free(&r[i]);
    free(r);
}
