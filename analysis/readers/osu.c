/*
 * osu.c - OSU Micro-Benchmarks text output (5.x - 7.x): osu_latency,
 * osu_bw, osu_bibw, osu_mbw_mr, osu_allreduce, osu_reduce_scatter,
 * osu_allgather, with or without -f (min/max/iterations), -z (tail
 * percentiles) and -c (validation) columns.  A file may hold several
 * outputs one after the other (a job log); lines that are neither comments
 * nor data rows (MPI warnings) are skipped, but a data row that does not
 * fit its header is an error naming the line.
 *
 * OSU prints averages, MB/s = 10^6 bytes/s and no rank count; bandwidth
 * tables get a time per iteration derived from the bandwidth so the link
 * fit can use them (window 64, OSU's default, unless the output says).
 */
#include <ctype.h>
#include <math.h>
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

#define MAX_COLS 24

typedef struct osu {
    const fs_src *s;
    fs_results *out;
    fs_err *err;
    /* current title */
    char bench[32];
    char title[160];
    int title_line;
    char dtype[32];
    int pairs, window;
    /* current table */
    int ncols;
    enum col cols[MAX_COLS];
    int pct[MAX_COLS]; /* percentile of C_P_* columns */
    char names[MAX_COLS][40];
    int header_line, rows;
    fs_run *run;
    int valid_seen, valid_fail;
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
               {"Bi-Directional Bandwidth", "bibw"},
               {"Multiple Bandwidth", "msgrate"},
               {"Message Rate", "msgrate"},
               {"Allreduce", "allreduce"},
               {"Reduce_scatter", "reduce_scatter"},
               {"Reduce-Scatter", "reduce_scatter"},
               {"Reduce Scatter", "reduce_scatter"},
               {"Allgather", "allgather"},
               {"Bandwidth Test", "bw"},
               {"Multi Latency", NULL},
               {"Multi-threaded", NULL},
               {"Latency Test", "latency"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(t, map[i].needle)) return map[i].bench;
    return NULL;
}

static int end_table(osu *o)
{
    if (o->header_line && o->rows == 0)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU table header without data rows (output cut short?)",
                          o->s->path, o->header_line);
    if (o->run && o->valid_seen) o->run->validated = o->valid_fail == 0;
    o->header_line = o->rows = o->ncols = 0;
    o->run = NULL;
    o->valid_seen = o->valid_fail = 0;
    return 0;
}

static int title(osu *o, const char *body, int line)
{
    int rc = end_table(o);
    if (rc) return rc;
    const char *b = bench_of_title(body);
    snprintf(o->title, sizeof o->title, "%.159s", body);
    if (!b)
        return fs_err_set(
            o->err, FS_EXIT_INPUT,
            "%s:%d: OSU benchmark not supported (\"%s\"); fabscale reads osu_latency, "
            "osu_bw, osu_bibw, osu_mbw_mr, osu_allreduce, osu_reduce_scatter, "
            "osu_allgather",
            o->s->path, line, o->title);
    snprintf(o->bench, sizeof o->bench, "%s", b);
    o->title_line = line;
    o->dtype[0] = '\0';
    o->pairs = 0;
    o->window = 0;
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
static int new_run(osu *o)
{
    o->run = fs_results_new_run(o->out, o->bench, o->err);
    if (!o->run) return FS_EXIT_RUNTIME;
    fs_run *r = o->run;
    bool coll = strcmp(o->bench, "allreduce") == 0 || strcmp(o->bench, "reduce_scatter") == 0 ||
                strcmp(o->bench, "allgather") == 0;
    if (!(r->transport = fs_strdup("mpi")) || !(r->provider = fs_strdup("mpi")))
        return fs_oom(o->err);
    if (coll) {
        if (!(r->algorithm = fs_strdup("native"))) return fs_oom(o->err);
    } else {
        r->ranks = 2 * (o->pairs ? o->pairs : 1);
        r->pairs = o->pairs ? o->pairs : 1;
        if (strcmp(o->bench, "latency") != 0) r->window = o->window ? o->window : 64;
    }
    if (o->dtype[0] && !(r->dtype = fs_strdup(o->dtype))) return fs_oom(o->err);
    return 0;
}

/* Split a header body at runs of two or more spaces. */
static int header(osu *o, const char *body, int line)
{
    int rc = end_table(o);
    if (rc) return rc;
    if (!o->title_line)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU column header before any \"# OSU ... Test\" title",
                          o->s->path, line);
    const char *p = body;
    o->ncols = 0;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *st = p;
        while (*p && !(p[0] == ' ' && (p[1] == ' ' || p[1] == '\0'))) p++;
        if (o->ncols == MAX_COLS)
            return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: too many OSU columns", o->s->path,
                              line);
        int k = o->ncols++;
        snprintf(o->names[k], sizeof o->names[k], "%.*s", (int)(p - st), st);
        const char *nm = o->names[k];
        int pct = 0;
        if (strcmp(nm, "Size") == 0)
            o->cols[k] = C_SIZE;
        else if (strcmp(nm, "Latency (us)") == 0 || strcmp(nm, "Avg Latency(us)") == 0)
            o->cols[k] = C_LAT_AVG;
        else if (strcmp(nm, "Min Latency(us)") == 0)
            o->cols[k] = C_LAT_MIN;
        else if (strcmp(nm, "Max Latency(us)") == 0)
            o->cols[k] = C_LAT_MAX;
        else if (strcmp(nm, "Iterations") == 0)
            o->cols[k] = C_ITER;
        else if (strcmp(nm, "Bandwidth (MB/s)") == 0 || strcmp(nm, "MB/s") == 0)
            o->cols[k] = C_BW;
        else if (strcmp(nm, "Messages/s") == 0)
            o->cols[k] = C_MSGRATE;
        else if (sscanf(nm, "P%d Tail Lat(us)", &pct) == 1)
            o->cols[k] = C_P_LAT;
        else if (sscanf(nm, "P%d Tail BW(MB/s)", &pct) == 1)
            o->cols[k] = C_P_BW;
        else if (strcmp(nm, "Validation") == 0)
            o->cols[k] = C_VALID;
        else
            o->cols[k] = C_OTHER;
        o->pct[k] = pct;
    }
    if (o->ncols < 2 || o->cols[0] != C_SIZE)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU table without a Size column (run with sizes printed)",
                          o->s->path, line);
    o->header_line = line;
    return new_run(o);
}

static int row(osu *o, char **tok, int n, int line)
{
    if (!o->header_line)
        return fs_err_set(o->err, FS_EXIT_INPUT,
                          "%s:%d: OSU data row before a \"# Size\" column header", o->s->path,
                          line);
    if (n != o->ncols) {
        char names[400] = "";
        for (int k = 0; k < o->ncols; k++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", k ? ", " : "", o->names[k]);
        }
        return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: expected %d columns (%s), found %d",
                          o->s->path, line, o->ncols, names, n > FS_MAX_TOKENS ? n - 1 : n);
    }
    fs_point *p = fs_run_new_point(o->run, o->err);
    if (!p) return FS_EXIT_RUNTIME;
    p->line = line;
    double bw = NAN, bw50 = NAN, rate = NAN;
    for (int k = 0; k < n; k++) {
        double v = NAN;
        if (o->cols[k] == C_VALID) {
            o->valid_seen = 1;
            if (strcmp(tok[k], "Pass") != 0) o->valid_fail = 1;
            continue;
        }
        if (!(k == 0 ? fs_text_size(tok[k], &v) : fs_parse_double(tok[k], &v)) || v < 0)
            return fs_err_set(o->err, FS_EXIT_INPUT, "%s:%d: column %d (%s): \"%s\" is not a %s",
                              o->s->path, line, k + 1, o->names[k], tok[k],
                              k == 0 ? "size in bytes" : "non-negative number");
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
            if (o->pct[k] == 50) p->time_us.p50 = v;
            if (o->pct[k] == 90) p->time_us.p90 = v;
            if (o->pct[k] == 99) p->time_us.p99 = v;
            break;
        case C_P_BW:
            if (o->pct[k] == 50) bw50 = v / 1e3;
            break;
        default:
            break;
        }
    }
    fs_run *r = o->run;
    if (isfinite(bw)) {
        p->bandwidth_GBps = bw;
        /* bytes moved per iteration: window messages, both ways for bibw,
         * every pair for mbw_mr; GB/s = 10^3 bytes/us. */
        double moved = p->bytes * r->window * (strcmp(r->benchmark, "bibw") == 0 ? 2 : 1) *
                       (r->pairs ? r->pairs : 1);
        if (bw > 0) p->time_us.mean = moved / (bw * 1e3);
        if (isfinite(bw50) && bw50 > 0) p->time_us.p50 = moved / (bw50 * 1e3);
    }
    if (isfinite(rate)) p->msg_rate_Mps = rate;
    o->rows++;
    return 0;
}

int fs_read_osu(const fs_src *s, fs_results *out, fs_err *err)
{
    osu o;
    memset(&o, 0, sizeof o);
    o.s = s;
    o.out = out;
    o.err = err;
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
        if (*ln == '#') {
            char body[512];
            size_t bl = n - 1 < sizeof body - 1 ? n - 1 : sizeof body - 1;
            memcpy(body, ln + 1, bl);
            body[bl] = '\0';
            for (char *c = body; *c; c++)
                if (*c == '\t') *c = ' ';
            char *b = body;
            while (*b == ' ') b++;
            int pairs, window;
            if (strncmp(b, "OSU ", 4) == 0) {
                rc = title(&o, b, l.lineno);
            } else if (strncmp(b, "Datatype:", 9) == 0) {
                /* OSU 7 prints it after the column header (pt2pt) or before it
                 * (collectives), and once per -T type: a new type after rows
                 * starts a new run with the same columns. */
                char *d = b + 9;
                while (*d == ' ') d++;
                size_t dl = strcspn(d, ". ");
                snprintf(o.dtype, sizeof o.dtype, "%.*s", (int)dl, d);
                if (o.header_line && o.rows > 0) {
                    if (o.valid_seen) o.run->validated = o.valid_fail == 0;
                    o.valid_seen = o.valid_fail = 0;
                    o.rows = 0;
                    o.header_line = l.lineno;
                    rc = new_run(&o);
                } else if (o.run) {
                    free(o.run->dtype);
                    if (!(o.run->dtype = fs_strdup(o.dtype))) return fs_oom(err);
                }
            } else if (sscanf(b, "[ pairs: %d ] [ window size: %d ]", &pairs, &window) == 2) {
                /* counts: ranks = 2 * pairs must not overflow, nor go negative */
                if (pairs < 1 || pairs > 1 << 20 || window < 1 || window > 1 << 20)
                    rc = fs_err_set(err, FS_EXIT_INPUT,
                                    "%s:%d: OSU pairs %d / window size %d out of range (1..%d)",
                                    s->path, l.lineno, pairs, window, 1 << 20);
                o.pairs = pairs;
                o.window = window;
            } else if (strncmp(b, "Size", 4) == 0 && (b[4] == ' ' || b[4] == '\0')) {
                rc = header(&o, b, l.lineno);
            } else if (strncmp(b, "Avg Latency", 11) == 0 || strncmp(b, "Bandwidth", 9) == 0) {
                rc = fs_err_set(err, FS_EXIT_INPUT,
                                "%s:%d: OSU table without a Size column (run with sizes printed)",
                                s->path, l.lineno);
            }
        } else {
            int nt = fs_tokens(ln, n, buf, sizeof buf, tok, FS_MAX_TOKENS);
            double v;
            if (nt > 0 && fs_text_size(tok[0], &v)) rc = row(&o, tok, nt, l.lineno);
            /* anything else is a foreign line in a job log: skip it */
        }
        if (rc) return rc;
    }
    int rc = end_table(&o);
    if (rc) return rc;
    if (out->nruns == 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:%d: OSU output without a table (\"# Size ...\" header)", s->path,
                          o.title_line ? o.title_line : 1);
    return 0;
}
