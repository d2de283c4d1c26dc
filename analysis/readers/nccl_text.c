/*
 * nccl_text.c - nccl-tests 2.x text output: the size / count / type /
 * redop / root table with out-of-place and in-place time, algbw, busbw and
 * #wrong columns (older versions: no root column, "error" instead of
 * "#wrong"; newer: per-iteration i_min/i_max/i_p99/i_cv% and timestamp
 * columns).  The collective comes from "# Collective test starting: NAME"
 * when printed, else from the row's size/count ratio (see nccl_common.c)
 * and, for all-to-all, its unchecked in-place run.
 * Rank lines give the rank count and hosts.  nccl-tests times are averages.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "text.h"

#define MAX_COLS 40

typedef struct group {
    int time, algbw, busbw, wrong, imin, imax, ip99;
} group;

typedef struct nt {
    const fs_src *s;
    fs_results *out;
    fs_err *err;
    char program[64];
    int ranks; /* rank lines seen since "# Using devices" */
    int iters;
    /* current table */
    int header_line, rows, ncols, expect;
    char names[MAX_COLS][16];
    int size, count, type, redop, root;
    group g[2];
    int ngroups;
    size_t first_run; /* runs of this table start here */
    bool closed;      /* "# Out of bounds" / "# Avg bus bandwidth" after the rows */
    /* a short row, kept back: an error if the table goes on, else the cut */
    int cut_line;
    char cut_msg[300];
    int last_line; /* the file's last non-empty line */
    bool ends_cut; /* ... has no line break */
} nt;

int fs_looks_like_nccl_text(const char *text, size_t len)
{
    fs_lines l;
    const char *s;
    size_t n;
    fs_lines_init(&l, text, len);
    while (fs_lines_next(&l, &s, &n)) {
        while (n && isspace((unsigned char)*s)) s++, n--;
        if (n == 0 || *s != '#') continue;
        char buf[512];
        size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
        if (strstr(buf, "# nThread ") || strstr(buf, "nccl-tests version") ||
            (strstr(buf, "algbw") && strstr(buf, "busbw") && strstr(buf, "size")))
            return 1;
    }
    return 0;
}

static int add_host(fs_meta *m, const char *h, fs_err *err)
{
    for (size_t i = 0; i < m->nhosts; i++)
        if (strcmp(m->hosts[i], h) == 0) return 0;
    char **hs = realloc(m->hosts, (m->nhosts + 1) * sizeof *hs);
    if (!hs) return fs_oom(err);
    m->hosts = hs;
    if (!(hs[m->nhosts] = fs_strdup(h))) return fs_oom(err);
    m->nhosts++;
    return 0;
}

static int refuse_cut(nt *t)
{
    if (!t->cut_line) return 0;
    return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: %s", t->s->path, t->cut_line, t->cut_msg);
}

/* The table is over: a later table or the end of the file.  A table cut
 * short (the job died: no closing lines, a short last row) keeps its rows
 * and says where the file ends. */
static int end_table(nt *t, bool at_eof)
{
    if (t->header_line && t->rows == 0 && !t->cut_line && !(at_eof && t->out->nruns > 0))
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: nccl-tests table header without data rows (output cut short?)",
                          t->s->path, t->header_line);
    if (at_eof && t->cut_line && t->out->nruns == 0) return refuse_cut(t); /* nothing else */
    if (t->header_line && at_eof && (!t->closed || t->cut_line)) {
        char msg[700];
        snprintf(msg, sizeof msg,
                 "the file ends inside the nccl-tests table of line %d, without its closing "
                 "\"# Avg bus bandwidth\" line%s%s%s: the job was cut short; its %d complete "
                 "row(s) are kept",
                 t->header_line, t->cut_line ? " (" : "", t->cut_line ? t->cut_msg : "",
                 t->cut_line ? ")" : "", t->rows);
        int line = t->cut_line ? t->cut_line : t->last_line;
        fs_src_warn(t->s, NULL, line, "%s", msg);
        /* and every run of the table says so when imported */
        char note[800];
        snprintf(note, sizeof note, "line %d: %s", line, msg);
        for (size_t i = t->first_run; i < t->out->nruns; i++) {
            fs_run *r = &t->out->runs[i];
            if (!r->notes && !(r->notes = json_array())) return fs_oom(t->err);
            json_array_append_new(r->notes, json_string(note));
        }
    } else if (t->cut_line) {
        int rc = refuse_cut(t);
        if (rc) return rc;
    }
    t->cut_line = 0;
    t->header_line = t->rows = 0;
    t->closed = false;
    return 0;
}

static int header(nt *t, char **tok, int n, int line)
{
    int rc = end_table(t, false);
    if (rc) return rc;
    t->size = t->count = t->type = t->redop = t->root = -1;
    t->ngroups = 0;
    t->expect = 0;
    t->ncols = 0;
    for (int i = 1; i < n && t->ncols < MAX_COLS; i++) { /* tok[0] is "#" */
        const char *nm = tok[i];
        int k = t->ncols++;
        snprintf(t->names[k], sizeof t->names[k], "%s", nm);
        group *g = t->ngroups ? &t->g[t->ngroups - 1] : NULL;
        if (strcmp(nm, "size") == 0)
            t->size = k;
        else if (strcmp(nm, "count") == 0)
            t->count = k;
        else if (strcmp(nm, "type") == 0)
            t->type = k;
        else if (strcmp(nm, "redop") == 0)
            t->redop = k;
        else if (strcmp(nm, "root") == 0)
            t->root = k;
        else if (strcmp(nm, "time") == 0 || strcmp(nm, "cputime") == 0) {
            if (t->ngroups == 2)
                return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: more than two time columns",
                                  t->s->path, line);
            t->g[t->ngroups++] = (group){k, -1, -1, -1, -1, -1, -1};
        } else if (g && strcmp(nm, "algbw") == 0)
            g->algbw = k;
        else if (g && strcmp(nm, "busbw") == 0)
            g->busbw = k;
        else if (g && (strcmp(nm, "#wrong") == 0 || strcmp(nm, "error") == 0))
            g->wrong = k;
        else if (g && strcmp(nm, "i_min") == 0)
            g->imin = k;
        else if (g && strcmp(nm, "i_max") == 0)
            g->imax = k;
        else if (g && strcmp(nm, "i_p99") == 0)
            g->ip99 = k;
        else if (strcmp(nm, "timestamp") == 0)
            t->expect++; /* "date time": two tokens */
    }
    t->expect += t->ncols;
    if (t->size != 0 || t->ngroups == 0 || t->g[0].busbw < 0)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: nccl-tests header without size, time and busbw columns",
                          t->s->path, line);
    t->header_line = line;
    t->first_run = t->out->nruns;
    return 0;
}

static fs_run *run_for(nt *t, const char *bench, const char *type, const char *redop, bool in_place)
{
    for (size_t i = t->first_run; i < t->out->nruns; i++) {
        fs_run *r = &t->out->runs[i];
        if (r->in_place == in_place && strcmp(r->benchmark, bench) == 0 &&
            strcmp(r->dtype ? r->dtype : "", fs_nccl_dtype(type)) == 0 &&
            strcmp(r->domain ? r->domain : "", redop) == 0)
            return r;
    }
    fs_run *r = fs_results_new_run(t->out, bench, t->err);
    if (!r) return NULL;
    r->in_place = in_place;
    r->ranks = t->ranks;
    r->validated = true; /* until a row says otherwise */
    /* "domain" is unused for nccl-tests: it keeps the reduction op so
     * tables with -o all stay apart. */
    if (!(r->transport = fs_strdup("nccl")) || !(r->algorithm = fs_strdup("native")) ||
        !(r->dtype = fs_strdup(fs_nccl_dtype(type))) || !(r->domain = fs_strdup(redop))) {
        fs_oom(t->err);
        return NULL;
    }
    return r;
}

static int num_at(nt *t, char **tok, int k, double *v, int line, int allow_na)
{
    *v = NAN;
    if (k < 0) return 0;
    if (allow_na && strcmp(tok[k], "N/A") == 0) return 0;
    if (!fs_parse_double(tok[k], v))
        return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: column %d (%s): \"%s\" is not a number",
                          t->s->path, line, k + 1, t->names[k], tok[k]);
    return 0;
}

static int row(nt *t, char **tok, int n, int line)
{
    int rc0 = refuse_cut(t);
    if (rc0) return rc0;
    if (!t->header_line)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: nccl-tests data row before the table header", t->s->path, line);
    if (t->closed)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: nccl-tests data row after the table's closing lines", t->s->path,
                          line);
    if ((line == t->last_line && t->ends_cut) || n < t->expect) {
        /* the last line without its line break, or a short row: a cut if
         * nothing of the table follows (end_table), else an error */
        t->cut_line = line;
        if (line == t->last_line && t->ends_cut)
            snprintf(t->cut_msg, sizeof t->cut_msg,
                     "the last line has no line break: it was cut mid-row, not read");
        else
            snprintf(t->cut_msg, sizeof t->cut_msg,
                     "expected %d columns (size ... #wrong), found %d", t->expect, n);
        return 0;
    }
    if (n != t->expect)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: expected %d columns (size ... #wrong), found %d", t->s->path,
                          line, t->expect, n > FS_MAX_TOKENS ? n - 1 : n);
    double size, count = NAN, rootv = -1;
    int rc;
    if (!fs_text_size(tok[t->size], &size))
        return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: size \"%s\" is not a size in bytes",
                          t->s->path, line, tok[t->size]);
    if ((rc = num_at(t, tok, t->count, &count, line, 0))) return rc;
    if (t->root >= 0 && (rc = num_at(t, tok, t->root, &rootv, line, 0))) return rc;
    /* a rank number (-1: none); a huge value would not convert to long */
    if (rootv != floor(rootv) || fabs(rootv) > 1e9)
        return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: root \"%s\" is not a rank number",
                          t->s->path, line, tok[t->root]);
    const char *type = t->type >= 0 ? tok[t->type] : "float";
    const char *redop = t->redop >= 0 ? tok[t->redop] : "none";
    const char *bench = fs_nccl_benchmark(t->program);
    if (!bench) bench = fs_nccl_guess_benchmark(size, count, type, redop, (long)rootv);
    /* All-to-all and all-gather print the same size / count ratio (the
     * rank count).  alltoall_perf does not check its in-place run
     * (nccl-tests src/alltoall.cu: "We don't support in-place alltoall",
     * reportErrors = 0), so its in-place #wrong is N/A where the
     * out-of-place one is a count; all_gather_perf checks both.  With -c 0
     * both are N/A and the table stays an all-gather unless the program
     * is named ("# Collective test starting:", or -J's args). */
    if (!t->program[0] && strcmp(bench, "allgather") == 0 && t->ngroups == 2 &&
        t->g[0].wrong >= 0 && t->g[1].wrong >= 0 && strcmp(tok[t->g[0].wrong], "N/A") != 0 &&
        strcmp(tok[t->g[1].wrong], "N/A") == 0)
        bench = "alltoall";
    for (int gi = 0; gi < t->ngroups; gi++) {
        group *g = &t->g[gi];
        double tm, alg, bus, wrong, imin, imax, ip99;
        if ((rc = num_at(t, tok, g->time, &tm, line, 0)) ||
            (rc = num_at(t, tok, g->algbw, &alg, line, 0)) ||
            (rc = num_at(t, tok, g->busbw, &bus, line, 0)) ||
            (rc = num_at(t, tok, g->wrong, &wrong, line, 1)) ||
            (rc = num_at(t, tok, g->imin, &imin, line, 0)) ||
            (rc = num_at(t, tok, g->imax, &imax, line, 0)) ||
            (rc = num_at(t, tok, g->ip99, &ip99, line, 0)))
            return rc;
        fs_run *r = run_for(t, bench, type, redop, gi == 1);
        if (!r) return FS_EXIT_RUNTIME;
        int ts = fs_nccl_type_size(type);
        if (r->ranks == 0 && ts > 0 && count > 0 &&
            (strcmp(bench, "reduce_scatter") == 0 || strcmp(bench, "allgather") == 0 ||
             strcmp(bench, "alltoall") == 0))
            r->ranks = (int)lround(size / (count * ts)); /* no rank lines: size = count * p */
        fs_point *p = fs_run_new_point(r, t->err);
        if (!p) return FS_EXIT_RUNTIME;
        p->line = line;
        p->bytes = size;
        p->time_us.mean = tm;
        p->time_us.min = imin;
        p->time_us.max = imax;
        p->time_us.p99 = ip99;
        p->algbw_GBps = alg;
        p->busbw_GBps = bus;
        if (t->iters > 0) p->iterations = t->iters;
        if (!(wrong == 0)) r->validated = false;
    }
    t->rows++;
    return 0;
}

int fs_read_nccl_text(const fs_src *s, fs_results *out, fs_err *err)
{
    nt t;
    memset(&t, 0, sizeof t);
    t.s = s;
    t.out = out;
    t.err = err;
    fs_lines l;
    const char *ln;
    size_t n;
    t.last_line = fs_text_last_line(s->text, s->len, &t.ends_cut);
    fs_lines_init(&l, s->text, s->len);
    while (fs_lines_next(&l, &ln, &n)) {
        char buf[2048], *tok[FS_MAX_TOKENS];
        while (n && isspace((unsigned char)*ln)) ln++, n--;
        if (n == 0) continue;
        int nt_ = fs_tokens(ln, n, buf, sizeof buf, tok, FS_MAX_TOKENS);
        int rc = 0;
        if (*ln == '#') {
            char line[512];
            size_t k = n < sizeof line - 1 ? n : sizeof line - 1;
            memcpy(line, ln, k);
            line[k] = '\0';
            const char *c;
            int iters;
            if ((c = strstr(line, "Out of bounds values")) || strstr(line, "Avg bus bandwidth")) {
                if ((rc = refuse_cut(&t))) return rc;
                t.closed = t.header_line != 0;
            } else if ((c = strstr(line, "Collective test starting:"))) {
                if ((rc = end_table(&t, false))) return rc;
                sscanf(c + 25, " %63s", t.program);
            } else if (strstr(line, "nccl-tests version") && !out->meta.version) {
                char v[32];
                if (sscanf(strstr(line, "version") + 7, " %31s", v) == 1) {
                    char ver[64];
                    snprintf(ver, sizeof ver, "nccl-tests %s", v);
                    if (!(out->meta.version = fs_strdup(ver))) return fs_oom(err);
                }
            } else if (strncmp(line, "# nThread ", 10) == 0) {
                if ((rc = end_table(&t, false))) return rc;
                int warm;
                if ((c = strstr(line, "warmup iters: ")) &&
                    sscanf(c, "warmup iters: %d iters: %d", &warm, &iters) == 2)
                    t.iters = iters;
                if (!out->meta.command && !(out->meta.command = fs_strdup(line + 2)))
                    return fs_oom(err);
            } else if (strstr(line, "Using devices")) {
                t.ranks = 0;
            } else if (nt_ >= 3 && strcmp(tok[1], "Rank") == 0 && (c = strstr(line, " on "))) {
                char host[256];
                if (sscanf(c + 4, " %255s", host) == 1 && (rc = add_host(&out->meta, host, err)))
                    return rc;
                t.ranks++;
                if (t.ranks > out->meta.ranks) out->meta.ranks = t.ranks;
            } else if (nt_ > 4 && nt_ <= FS_MAX_TOKENS && strcmp(tok[0], "#") == 0) {
                bool has_size = false, has_busbw = false;
                for (int i = 1; i < nt_; i++) {
                    has_size = has_size || strcmp(tok[i], "size") == 0;
                    has_busbw = has_busbw || strcmp(tok[i], "busbw") == 0;
                }
                if (has_size && has_busbw) rc = header(&t, tok, nt_, l.lineno);
            }
        } else {
            double v;
            if (nt_ > 0 && fs_text_size(tok[0], &v)) rc = row(&t, tok, nt_, l.lineno);
        }
        if (rc) return rc;
    }
    int rc = end_table(&t, true);
    if (rc) return rc;
    if (out->nruns == 0)
        return fs_err_set(
            err, FS_EXIT_INPUT,
            "%s:%d: nccl-tests output without a results table (size ... busbw header)", s->path,
            l.lineno ? l.lineno : 1);
    return 0;
}
