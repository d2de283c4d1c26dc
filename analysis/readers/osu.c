/*
 * osu.c - OSU Micro-Benchmarks text output, 5.x to 7.x: osu_latency,
 * osu_bw, osu_bibw, osu_mbw_mr (also -V, the window-size matrices),
 * osu_allreduce, osu_reduce_scatter, osu_allgather, osu_alltoall, with or
 * without -f (min/max/iterations), -z[P,P..] (tail percentiles), -c
 * (validation) and -T all (a "# Datatype" line before each table).  A
 * file may hold several outputs one after the other (a job log); lines
 * that are neither comments nor data rows (MPI warnings) are skipped, but
 * a data row that does not fit its header is an error naming the line -
 * unless nothing but foreign lines follow it: then the job died there and
 * the rows before it are kept, with a warning naming where the file ends.
 *
 * OSU prints averages, MB/s = 10^6 bytes/s and no rank count.  Bandwidth
 * tables get a time per iteration derived from the bandwidth so the link
 * fit can use them: window messages per iteration, OSU's default 64 unless
 * the output ("[ window size: N ]") or the command in the log ("-W N",
 * "--window-size N") says otherwise.  Rows that OSU's own check marked Fail
 * are not imported.  Collectives' sizes follow fabscale's convention once
 * the rank count is known (the launcher command in the log, or
 * fs_osu_set_ranks): see results.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "text.h"

enum col {
    C_SIZE,
    C_LAT_AVG,
    C_LAT_MIN,
    C_LAT_MAX,
    C_ITER,
    C_BW,
    C_MSGRATE,
    C_P_LAT,
    C_P_BW,
    C_VALID,
    C_OTHER
};

#define MAX_COLS    24
#define MAX_WINDOWS 32

typedef struct osu {
    const fs_src *s;
    fs_results *out;
    fs_err *err;
    int last_line; /* number of the file's last non-empty line */
    bool ends_cut; /* the file does not end with a line break */
    /* from the latest command line in the log, for the next title */
    int cmd_window, cmd_ranks;
    /* current title */
    char bench[32];
    char title[160];
    int title_line;
    char dtype[32];
    int pairs, window, ranks;
    bool varied; /* osu_mbw_mr -V */
    /* current table */
    int ncols;
    enum col cols[MAX_COLS];
    int pct[MAX_COLS]; /* percentile of C_P_* columns */
    char names[MAX_COLS][40];
    int header_line, rows;
    int empty_header; /* first header without data rows, for the error if nothing is read */
    fs_run *run;      /* created at the table's first row */
    /* a row that did not fit, kept back: an error if OSU output follows */
    int cut_line;
    char cut_msg[400];
    /* osu_mbw_mr -V: a matrix of one column per window size */
    int section; /* the matrix the last "# ..." title announced: 1 bandwidth, 2 rate */
    int matrix;  /* the matrix being read: 0 none, 1 bandwidth, 2 message rate */
    int nwin, win[MAX_WINDOWS];
    size_t win_run[MAX_WINDOWS]; /* index of each window's run in out->runs */
} osu;

int fs_looks_like_osu(const char *text, size_t len)
{
    fs_lines l;
    const char *s;
    size_t n;
    fs_lines_init(&l, text, len);
    while (fs_lines_next(&l, &s, &n)) {
        while (n && isspace((unsigned char)*s)) s++, n--;
        if (n > 6 && memcmp(s, "# OSU ", 6) == 0) return 1;
    }
    return 0;
}

static const char *bench_of_title(const char *t)
{
    /* Order matters: "Allgatherv" contains "Allgather", every collective
     * title contains "Latency Test". */
    static const struct {
        const char *needle, *bench;
    } map[] = {{"Non-blocking", NULL},
               {"Allgatherv", NULL},
               {"All-to-Allv", NULL},
               {"All-to-Allw", NULL},
               {"Alltoallv", NULL},
               {"Bi-Directional Bandwidth", "bibw"},
               {"Multiple Bandwidth", "msgrate"},
               {"Message Rate", "msgrate"},
               {"Allreduce", "allreduce"},
               {"Reduce_scatter", "reduce_scatter"},
               {"Reduce-Scatter", "reduce_scatter"},
               {"Reduce Scatter", "reduce_scatter"},
               {"Allgather", "allgather"},
               {"All-to-All", "alltoall"},
               {"Alltoall", "alltoall"},
               {"Bandwidth Test", "bw"},
               {"Multi Latency", NULL},
               {"Multi-threaded", NULL},
               {"Latency Test", "latency"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(t, map[i].needle)) return map[i].bench;
    return NULL;
}

static bool is_collective(const char *bench)
{
    return strcmp(bench, "allreduce") == 0 || strcmp(bench, "reduce_scatter") == 0 ||
           strcmp(bench, "allgather") == 0 || strcmp(bench, "alltoall") == 0;
}

/* OSU's Size is each process's block for allgather and alltoall. */
static bool size_per_process(const char *bench)
{
    return strcmp(bench, "allgather") == 0 || strcmp(bench, "alltoall") == 0;
}

static int warn_cut(osu *o)
{
    if (o->cut_line)
        fs_src_warn(o->s, o->run, o->cut_line,
                    "%s; nothing of OSU's follows: the output ends there (job cut short?), "
                    "the %d row(s) before it are kept",
                    o->cut_msg, o->rows);
    o->cut_line = 0;
    return 0;
}

/* A kept-back bad row followed by more OSU output was not a cut: refuse. */
static int refuse_cut(osu *o)
{
    if (!o->cut_line) return 0;
    return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: %s", o->s->path, o->cut_line, o->cut_msg);
}

/* The current run is complete: with the rank count from the log, its
 * sizes become fabscale's. */
static int finish_run(osu *o)
{
    int rc = o->run && o->ranks > 0 ? fs_osu_set_ranks(o->run, o->ranks, o->err) : 0;
    o->run = NULL;
    return rc;
}

static int end_table(osu *o, bool at_eof)
{
    if (o->header_line && o->rows == 0 && !o->empty_header) o->empty_header = o->header_line;
    if (o->header_line && o->rows == 0 && !o->cut_line)
        fs_src_warn(o->s, NULL, o->header_line,
                    "OSU table header without data rows%s: nothing imported from it",
                    at_eof ? " (the file ends there: output cut short?)" : "");
    warn_cut(o);
    int rc = finish_run(o);
    o->header_line = o->rows = o->ncols = 0;
    o->matrix = 0;
    return rc;
}

static int title(osu *o, const char *body, int line)
{
    int rc = refuse_cut(o);
    if (rc || (rc = end_table(o, false))) return rc;
    const char *b = bench_of_title(body);
    snprintf(o->title, sizeof o->title, "%.159s", body);
    if (!b)
        return fs_err_set(
            o->err, FS_EXIT_INPUT,
            "%s:%d: OSU benchmark not supported (\"%s\"); fabscale reads osu_latency, "
            "osu_bw, osu_bibw, osu_mbw_mr, osu_allreduce, osu_reduce_scatter, "
            "osu_allgather, osu_alltoall",
            o->s->path, line, o->title);
    snprintf(o->bench, sizeof o->bench, "%s", b);
    o->title_line = line;
    o->dtype[0] = '\0';
    o->pairs = 0;
    o->varied = false;
    o->nwin = 0;
    /* what the command in the log said, for this output only */
    o->window = o->cmd_window;
    o->ranks = o->cmd_ranks;
    o->cmd_window = o->cmd_ranks = 0;
    /* "# OSU MPI Latency Test v7.4" -> meta.version "OSU Micro-Benchmarks 7.4" */
    const char *v = strstr(body, " v");
    if (v && isdigit((unsigned char)v[2]) && !o->out->meta.version) {
        char ver[64];
        snprintf(ver, sizeof ver, "OSU Micro-Benchmarks %s", v + 2);
        o->out->meta.version = fs_strdup(ver);
        if (!o->out->meta.version) return fs_oom(o->err);
    }
    return 0;
}

/* A run for the current title and columns. */
static fs_run *new_run(osu *o, int window)
{
    fs_run *r = fs_results_new_run(o->out, o->bench, o->err);
    if (!r) return NULL;
    if (!(r->transport = fs_strdup("mpi")) || !(r->provider = fs_strdup("mpi"))) {
        fs_oom(o->err);
        return NULL;
    }
    if (is_collective(o->bench)) {
        if (!(r->algorithm = fs_strdup("native"))) {
            fs_oom(o->err);
            return NULL;
        }
        if (size_per_process(o->bench)) {
            if (!r->extra) r->extra = json_object();
            if (!r->extra ||
                json_object_set_new(r->extra, "osu_size_per_process", json_true()) != 0) {
                fs_oom(o->err);
                return NULL;
            }
        }
    } else {
        r->ranks = 2 * (o->pairs ? o->pairs : 1);
        r->pairs = o->pairs ? o->pairs : 1;
        if (strcmp(o->bench, "latency") != 0) r->window = window ? window : 64;
    }
    if (o->dtype[0] && !(r->dtype = fs_strdup(o->dtype))) {
        fs_oom(o->err);
        return NULL;
    }
    for (int k = 0; k < o->ncols; k++)
        if (o->cols[k] == C_VALID) r->validated = true; /* until a row says Fail */
    return r;
}

/* One column name at p (known names may hold single spaces: "Bandwidth
 * (MB/s) P50 Tail BW(MB/s)" is two columns), its kind and length. */
static size_t column_at(const char *p, enum col *kind, int *pct)
{
    static const struct {
        const char *name;
        enum col kind;
    } known[] = {{"Size", C_SIZE},
                 {"Avg Latency(us)", C_LAT_AVG},
                 {"Latency (us)", C_LAT_AVG},
                 {"Min Latency(us)", C_LAT_MIN},
                 {"Max Latency(us)", C_LAT_MAX},
                 {"Iterations", C_ITER},
                 {"Bandwidth (MB/s)", C_BW},
                 {"MB/s", C_BW},
                 {"Messages/s", C_MSGRATE},
                 {"Validation", C_VALID}};
    *pct = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t k = strlen(known[i].name);
        if (strncmp(p, known[i].name, k) == 0 && (p[k] == ' ' || p[k] == '\0')) {
            *kind = known[i].kind;
            return k;
        }
    }
    /* "P50 Tail Lat(us)", "P95 Tail BW(MB/s)" */
    if (p[0] == 'P' && isdigit((unsigned char)p[1])) {
        char *e;
        long v = strtol(p + 1, &e, 10);
        static const struct {
            const char *rest;
            enum col kind;
        } tails[] = {{" Tail Lat(us)", C_P_LAT}, {" Tail BW(MB/s)", C_P_BW}};
        for (size_t i = 0; i < 2 && v >= 1 && v <= 100; i++) {
            size_t k = strlen(tails[i].rest);
            if (strncmp(e, tails[i].rest, k) == 0 && (e[k] == ' ' || e[k] == '\0')) {
                *kind = tails[i].kind;
                *pct = (int)v;
                return (size_t)(e - p) + k;
            }
        }
    }
    /* unknown: up to two blanks or the end */
    const char *q = p;
    while (*q && !(q[0] == ' ' && (q[1] == ' ' || q[1] == '\0'))) q++;
    *kind = C_OTHER;
    return (size_t)(q - p);
}

static int header(osu *o, const char *body, int line)
{
    int rc = refuse_cut(o);
    if (rc || (rc = end_table(o, false))) return rc;
    if (!o->title_line)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU column header before any \"# OSU ... Test\" title",
                          o->s->path, line);
    const char *p = body;
    o->ncols = 0;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        if (o->ncols == MAX_COLS)
            return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: too many OSU columns", o->s->path,
                              line);
        int k = o->ncols++;
        size_t n = column_at(p, &o->cols[k], &o->pct[k]);
        snprintf(o->names[k], sizeof o->names[k], "%.*s", (int)n, p);
        p += n;
    }
    if (o->ncols < 2 || o->cols[0] != C_SIZE)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU table without a Size column (run with sizes printed)",
                          o->s->path, line);
    o->header_line = line;
    return 0;
}

static int set_extra(fs_point *p, const char *key, double v, fs_err *err)
{
    if (!p->extra) p->extra = json_object();
    if (!p->extra || json_object_set_new(p->extra, key, json_real(v)) != 0) return fs_oom(err);
    return 0;
}

/* Time per iteration from a bandwidth: window messages, both ways for
 * bibw, every pair for mbw_mr; GB/s = 10^3 bytes/us. */
static double time_of_bw(const fs_run *r, double bytes, double GBps)
{
    double moved =
        bytes * r->window * (strcmp(r->benchmark, "bibw") == 0 ? 2 : 1) * (r->pairs ? r->pairs : 1);
    return GBps > 0 ? moved / (GBps * 1e3) : NAN;
}

static int keep_back(osu *o, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int keep_back(osu *o, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->cut_msg, sizeof o->cut_msg, fmt, ap);
    va_end(ap);
    /* The last line of a file without its line break, or a bad row with
     * nothing of OSU's after it, is where the output was cut; otherwise
     * refuse_cut() turns it into the error it is. */
    o->cut_line = line;
    return 0;
}

static int row(osu *o, char **tok, int n, int line)
{
    int rc = refuse_cut(o);
    if (rc) return rc;
    if (!o->header_line)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU data row before a \"# Size\" column header", o->s->path,
                          line);
    if (line == o->last_line && o->ends_cut)
        return keep_back(o, line, "the last line has no line break: it was cut mid-row, not read");
    if (n != o->ncols) {
        char names[400] = "";
        for (int k = 0; k < o->ncols; k++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", k ? ", " : "", o->names[k]);
        }
        /* fewer columns: the row was cut (kept back); more: an error */
        if (n < o->ncols)
            return keep_back(o, line, "expected %d columns (%s), found %d", o->ncols, names, n);
        return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: expected %d columns (%s), found %d",
                          o->s->path, line, o->ncols, names, n > FS_MAX_TOKENS ? n - 1 : n);
    }
    double vals[MAX_COLS];
    const char *fail = NULL;
    for (int k = 0; k < n; k++) {
        vals[k] = NAN;
        if (o->cols[k] == C_VALID) {
            if (strcmp(tok[k], "Pass") != 0) fail = tok[k];
            continue;
        }
        if (!(k == 0 ? fs_text_size(tok[k], &vals[k]) : fs_parse_double(tok[k], &vals[k])) ||
            vals[k] < 0)
            return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: column %d (%s): \"%s\" is not a %s",
                              o->s->path, line, k + 1, o->names[k], tok[k],
                              k == 0 ? "size in bytes" : "non-negative number");
    }
    if (!o->run && !(o->run = new_run(o, o->window))) return FS_EXIT_RUNTIME;
    fs_run *r = o->run;
    o->rows++;
    if (fail) {
        /* OSU's check found wrong data at this size: its time measures a
         * broken transfer.  The run says it failed validation. */
        r->validated = false;
        fs_src_warn(o->s, r, line,
                    "OSU validation says \"%s\" at %.0f B: row not imported (the run is marked "
                    "not validated)",
                    fail, vals[0]);
        return 0;
    }
    fs_point *p = fs_run_new_point(r, o->err);
    if (!p) return FS_EXIT_RUNTIME;
    p->line = line;
    double bw = NAN, bw50 = NAN, rate = NAN;
    for (int k = 0; k < n; k++) {
        double v = vals[k];
        char key[48];
        switch (o->cols[k]) {
        case C_SIZE:
            p->bytes = v;
            break;
        case C_LAT_AVG:
            p->time_us.mean = v;
            break;
        case C_LAT_MIN:
            p->time_us.min = v;
            break;
        case C_LAT_MAX:
            p->time_us.max = v;
            break;
        case C_ITER:
            p->iterations = v;
            break;
        case C_BW:
            bw = v / 1e3; /* MB/s -> GB/s */
            break;
        case C_MSGRATE:
            rate = v / 1e6;
            break;
        case C_P_LAT:
            if (o->pct[k] == 50)
                p->time_us.p50 = v;
            else if (o->pct[k] == 90)
                p->time_us.p90 = v;
            else if (o->pct[k] == 99)
                p->time_us.p99 = v;
            else { /* -z95: a percentile the results format has no member for */
                snprintf(key, sizeof key, "time_us_p%d", o->pct[k]);
                if ((rc = set_extra(p, key, v, o->err))) return rc;
            }
            break;
        case C_P_BW:
            if (o->pct[k] == 50) bw50 = v / 1e3;
            snprintf(key, sizeof key, "bandwidth_GBps_p%d", o->pct[k]);
            if ((rc = set_extra(p, key, v / 1e3, o->err))) return rc;
            break;
        default:
            break;
        }
    }
    if (isfinite(bw)) {
        p->bandwidth_GBps = bw;
        p->time_us.mean = time_of_bw(r, p->bytes, bw);
        if (isfinite(bw50)) p->time_us.p50 = time_of_bw(r, p->bytes, bw50);
    }
    if (isfinite(rate)) p->msg_rate_Mps = rate;
    return 0;
}

/* osu_mbw_mr -V: "#   1   2   4 ..." names the window of each column. */
static int matrix_header(osu *o, char **tok, int n, int line)
{
    int rc = refuse_cut(o);
    if (rc || (rc = end_table(o, false))) return rc;
    if (n - 1 > MAX_WINDOWS)
        return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: more than %d window sizes", o->s->path,
                          line, MAX_WINDOWS);
    int kind = o->section ? o->section : 1;
    if (o->nwin && o->nwin != n - 1)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: %d window sizes here, %d in the bandwidth matrix", o->s->path,
                          line, n - 1, o->nwin);
    for (int k = 1; k < n; k++) {
        double w;
        if (!fs_text_size(tok[k], &w) || w < 1 || w > 1 << 20)
            return fs_err_set(o->err, FS_EXIT_INPUT,
                              "%s:%d: window size \"%s\" is not a count (1..%d)", o->s->path, line,
                              tok[k], 1 << 20);
        if (o->nwin && o->win[k - 1] != (int)w)
            return fs_err_set(o->err, FS_EXIT_INPUT,
                              "%s:%d: window sizes differ from the bandwidth matrix's", o->s->path,
                              line);
        o->win[k - 1] = (int)w;
    }
    if (!o->nwin) {
        o->nwin = n - 1;
        for (int k = 0; k < o->nwin; k++) {
            fs_run *r = new_run(o, o->win[k]);
            if (!r) return FS_EXIT_RUNTIME;
            o->win_run[k] = (size_t)(r - o->out->runs);
        }
    }
    o->matrix = kind;
    o->header_line = line;
    return 0;
}

static int matrix_row(osu *o, char **tok, int n, int line)
{
    int rc = refuse_cut(o);
    if (rc) return rc;
    if (line == o->last_line && o->ends_cut)
        return keep_back(o, line, "the last line has no line break: it was cut mid-row, not read");
    if (n < o->nwin + 1)
        return keep_back(o, line, "expected a size and %d values (one per window size), found %d",
                         o->nwin, n);
    if (n > o->nwin + 1)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: expected a size and %d values (one per window size), found %d",
                          o->s->path, line, o->nwin, n > FS_MAX_TOKENS ? n - 1 : n);
    double bytes, v[MAX_WINDOWS];
    fs_text_size(tok[0], &bytes); /* the caller saw a size there */
    for (int k = 0; k < o->nwin; k++)
        if (!fs_parse_double(tok[k + 1], &v[k]) || v[k] < 0)
            return fs_err_set(o->err, FS_EXIT_INPUT,
                              "%s:%d: column %d: \"%s\" is not a "
                              "non-negative number",
                              o->s->path, line, k + 2, tok[k + 1]);
    for (int k = 0; k < o->nwin; k++) {
        fs_run *r = &o->out->runs[o->win_run[k]];
        fs_point *p = NULL;
        for (size_t j = 0; j < r->npoints && !p; j++)
            if (r->points[j].bytes == bytes) p = &r->points[j];
        if (!p) {
            if (!(p = fs_run_new_point(r, o->err))) return FS_EXIT_RUNTIME;
            p->bytes = bytes;
            p->line = line;
        }
        if (o->matrix == 1) {
            p->bandwidth_GBps = v[k] / 1e3;
            p->time_us.mean = time_of_bw(r, bytes, p->bandwidth_GBps);
        } else {
            p->msg_rate_Mps = v[k] / 1e6;
        }
    }
    o->rows++;
    return 0;
}

/* A launcher or OSU command line in a job log ("+ mpirun -np 4 ./osu_bw
 * -W 32"): the window and rank count it sets for the output that follows. */
static void command_line(osu *o, char **tok, int n)
{
    int prog = -1;
    for (int i = 0; i < n && prog < 0; i++) {
        const char *b = strrchr(tok[i], '/');
        b = b ? b + 1 : tok[i];
        if (strncmp(b, "osu_", 4) == 0 && strchr(b, ':') == NULL) prog = i;
    }
    if (prog < 0) return;
    long ranks = 0, window = 0;
    for (int i = 0; i < n; i++) {
        const char *t = tok[i], *val = i + 1 < n ? tok[i + 1] : NULL;
        long *dst = i < prog ? &ranks : &window;
        const char *const *names =
            i < prog ? (const char *const[]){"-n", "-np", "--np", "--ntasks", NULL}
                     : (const char *const[]){"-W", "--window-size", NULL};
        for (int k = 0; names[k]; k++) {
            size_t l = strlen(names[k]);
            if (strcmp(t, names[k]) == 0 && val)
                *dst = strtol(val, NULL, 10);
            else if (strncmp(t, names[k], l) == 0 && t[l] == '=')
                *dst = strtol(t + l + 1, NULL, 10);
            else if (l == 2 && strncmp(t, names[k], 2) == 0 && isdigit((unsigned char)t[2]))
                *dst = strtol(t + 2, NULL, 10); /* -W32, -n4 */
        }
    }
    o->cmd_ranks = ranks >= 1 && ranks <= 1 << 24 ? (int)ranks : 0;
    o->cmd_window = window >= 1 && window <= 1 << 20 ? (int)window : 0;
}

static int comment(osu *o, const char *ln, size_t n, int lineno, char **tok, int nt)
{
    char body[512];
    size_t bl = n - 1 < sizeof body - 1 ? n - 1 : sizeof body - 1;
    memcpy(body, ln + 1, bl);
    body[bl] = '\0';
    for (char *c = body; *c; c++)
        if (*c == '\t') *c = ' ';
    char *b = body;
    while (*b == ' ') b++;
    int pairs, window;
    char word[16];
    if (strncmp(b, "OSU ", 4) == 0) return title(o, b, lineno);
    if (strncmp(b, "Datatype:", 9) == 0) {
        /* Before each table of -T all (OSU 7.4), or after the header
         * (earlier 7.x): a type after rows ends that run. */
        char *d = b + 9;
        while (*d == ' ') d++;
        size_t dl = strcspn(d, ". ");
        snprintf(o->dtype, sizeof o->dtype, "%.*s", (int)dl, d);
        if (o->run && o->rows > 0) {
            int rc = refuse_cut(o);
            if (rc || (rc = finish_run(o))) return rc; /* same columns, new run at the next row */
        }
        return 0;
    }
    if (sscanf(b, "[ pairs: %d ] [ window size: %d ]", &pairs, &window) == 2) {
        /* counts: ranks = 2 * pairs must not overflow, nor go negative */
        if (pairs < 1 || pairs > 1 << 20 || window < 1 || window > 1 << 20)
            return fs_err_set(o->err, FS_EXIT_INPUT,
                              "%s:%d: OSU pairs %d / window size %d out of range (1..%d)",
                              o->s->path, lineno, pairs, window, 1 << 20);
        o->pairs = pairs;
        o->window = window;
        return 0;
    }
    if (sscanf(b, "[ pairs: %d ] [ window size: %15[a-z] ]", &pairs, word) == 2 &&
        strcmp(word, "varied") == 0) {
        if (pairs < 1 || pairs > 1 << 20)
            return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: OSU pairs %d out of range (1..%d)",
                              o->s->path, lineno, pairs, 1 << 20);
        o->pairs = pairs;
        o->varied = true;
        return 0;
    }
    if (o->varied && strncmp(b, "Uni-directional Bandwidth", 25) == 0) {
        o->section = 1;
        return 0;
    }
    if (o->varied && strncmp(b, "Message Rate Profile", 20) == 0) {
        o->section = 2;
        return 0;
    }
    if (strncmp(b, "Size", 4) == 0 && (b[4] == ' ' || b[4] == '\0')) return header(o, b, lineno);
    if (o->varied && nt > 1 && strcmp(tok[0], "#") == 0) {
        double w;
        bool all = true;
        for (int k = 1; k < nt && all; k++) all = fs_text_size(tok[k], &w);
        if (all) return matrix_header(o, tok, nt, lineno);
    }
    if (strncmp(b, "Avg Latency", 11) == 0 || strncmp(b, "Bandwidth", 9) == 0)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU table without a Size column (run with sizes printed)",
                          o->s->path, lineno);
    return 0;
}

int fs_read_osu(const fs_src *s, fs_results *out, fs_err *err)
{
    osu o;
    memset(&o, 0, sizeof o);
    o.s = s;
    o.out = out;
    o.err = err;
    o.last_line = fs_text_last_line(s->text, s->len, &o.ends_cut);
    fs_lines l;
    const char *ln;
    size_t n;
    fs_lines_init(&l, s->text, s->len);
    while (fs_lines_next(&l, &ln, &n)) {
        char buf[1024], *tok[FS_MAX_TOKENS];
        while (n && isspace((unsigned char)*ln)) ln++, n--;
        while (n && isspace((unsigned char)ln[n - 1])) n--;
        if (n == 0) continue;
        int rc = 0;
        int nt = fs_tokens(ln, n, buf, sizeof buf, tok, FS_MAX_TOKENS);
        if (*ln == '#') {
            rc = comment(&o, ln, n, l.lineno, tok, nt);
        } else {
            double v;
            if (nt > 0 && fs_text_size(tok[0], &v) && o.matrix)
                rc = matrix_row(&o, tok, nt, l.lineno);
            else if (nt > 0 && fs_text_size(tok[0], &v))
                rc = row(&o, tok, nt, l.lineno);
            else if (nt > 0 && nt <= FS_MAX_TOKENS)
                command_line(&o, tok, nt); /* else a foreign line in a job log */
        }
        if (rc) return rc;
    }
    if (o.cut_line && out->nruns == 0) return refuse_cut(&o); /* a cut with nothing before */
    int rc = end_table(&o, true);
    if (rc) return rc;
    if (out->nruns == 0 && o.empty_header)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:%d: OSU table header without data rows (output cut short?)", s->path,
                          o.empty_header);
    if (out->nruns == 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:%d: OSU output without a table (\"# Size ...\" header)", s->path,
                          o.title_line ? o.title_line : 1);
    return 0;
}

/* Convert one point's OSU size once the rank count is known, and fill the
 * collective's bandwidths (nccl-tests' convention, as fabscale-bench). */
int fs_osu_set_ranks(fs_run *run, int ranks, fs_err *err)
{
    if (ranks < 1 || !is_collective(run->benchmark)) return 0;
    json_t *flag = run->extra ? json_object_get(run->extra, "osu_size_per_process") : NULL;
    bool per_process = json_is_true(flag);
    run->ranks = ranks;
    double factor = strcmp(run->benchmark, "allreduce") == 0 ? 2.0 * (ranks - 1) / ranks
                                                             : (double)(ranks - 1) / ranks;
    for (size_t j = 0; j < run->npoints; j++) {
        fs_point *p = &run->points[j];
        if (per_process) {
            int rc = set_extra(p, "osu_size", p->bytes, err);
            if (rc) return rc;
            p->bytes *= ranks;
        }
        double t = isfinite(p->time_us.p50) ? p->time_us.p50 : p->time_us.mean;
        if (t > 0) {
            p->algbw_GBps = p->bytes / (t * 1e3);
            p->busbw_GBps = p->algbw_GBps * factor;
        }
    }
    if (per_process) json_object_del(run->extra, "osu_size_per_process");
    if (run->extra && json_object_size(run->extra) == 0) {
        json_decref(run->extra);
        run->extra = NULL;
    }
    return 0;
}
