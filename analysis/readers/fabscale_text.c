/*
 * fabscale_text.c - the table fabscale-bench prints on stdout
 * (benchmarks/core/table.c), as users keep it (`| tee run.txt`, job logs
 * with the progress lines of stderr mixed in):
 *
 *   # fabscale-bench 0.1.0: latency, transport mpi, provider mpi, 2 ranks, 1 pair
 *   # Size          Latency (us)    Mean (us)     Min (us)     P99 (us)  CI95 (%)      Iters
 *   1                       0.50      8355.99         0.35     43254.31     80.03         20
 *
 * Columns are found by name, so the reader takes the three layouts
 * (latency; bandwidth and message rate; collectives) and any order.  The
 * headline columns are medians (time_us.p50); the bandwidth table's
 * window, which it does not print, is recovered from its own columns
 * (bandwidth x time per iteration / size) - 64, fabscale-bench's default,
 * when they do not tell.  With `--format osu` fabscale-bench prints OSU's
 * layout, which the OSU reader takes.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "text.h"

enum fcol {
    F_SIZE,
    F_P50,
    F_MEAN,
    F_MIN,
    F_MAX,
    F_P99,
    F_CI_PCT,
    F_ITERS,
    F_BW_MBPS,
    F_RATE,
    F_ITER_P50,
    F_ALGBW,
    F_BUSBW,
    F_SLOWEST,
    F_OTHER
};

#define MAX_FCOLS 16

typedef struct ft {
    const fs_src *s;
    fs_results *out;
    fs_err *err;
    int last_line;
    bool ends_cut;
    /* current title */
    char bench[32], transport[32], provider[64], fabric[64], algorithm[64];
    int ranks, pairs, title_line;
    /* current table */
    int ncols, header_line, rows;
    enum fcol cols[MAX_FCOLS];
    char names[MAX_FCOLS][32];
    fs_run *run;
    int cut_line;
    char cut_msg[300];
} ft;

static const char title_tag[] = "# fabscale-bench ";

int fs_looks_like_fabscale_text(const char *text, size_t len)
{
    fs_lines l;
    const char *s;
    size_t n;
    size_t k = sizeof title_tag - 1;
    fs_lines_init(&l, text, len);
    while (fs_lines_next(&l, &s, &n)) {
        while (n && isspace((unsigned char)*s)) s++, n--;
        if (n > k + 2 && memcmp(s, title_tag, k) == 0 && memchr(s + k, ':', n - k)) return 1;
    }
    return 0;
}

/* The bandwidth table's window: bandwidth (MB/s) x time per iteration
 * (us) / size, at the largest size (where rounding matters least). */
static void settle_window(fs_run *r)
{
    if (!r || r->window) return;
    const fs_point *best = NULL;
    for (size_t j = 0; j < r->npoints; j++) {
        const fs_point *p = &r->points[j];
        if (p->bytes > 0 && p->bandwidth_GBps > 0 && p->time_us.p50 > 0 &&
            (!best || p->bytes > best->bytes))
            best = p;
    }
    bool any_bw = false;
    for (size_t j = 0; j < r->npoints; j++) any_bw |= isfinite(r->points[j].bandwidth_GBps);
    if (!any_bw) return; /* not a bandwidth table */
    double w = best ? best->bandwidth_GBps * 1e3 * best->time_us.p50 / best->bytes : NAN;
    r->window = isfinite(w) && w >= 0.5 && w < 1 << 20 ? (int)lround(w) : 64;
}

static int refuse_cut(ft *t)
{
    return t->cut_line
               ? fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: %s", t->s->path, t->cut_line, t->cut_msg)
               : 0;
}

static int end_table(ft *t, bool at_eof)
{
    if (t->cut_line && !(at_eof && t->out->nruns > 0)) return refuse_cut(t);
    if (t->cut_line)
        fs_src_warn(t->s, t->run, t->cut_line,
                    "%s; the file ends there (job cut short?): the %d row(s) before it are kept",
                    t->cut_msg, t->rows);
    else if (t->header_line && t->rows == 0)
        fs_src_warn(t->s, NULL, t->header_line,
                    "fabscale-bench table header without rows: nothing imported from it");
    settle_window(t->run);
    t->cut_line = t->header_line = t->rows = t->ncols = 0;
    t->run = NULL;
    return 0;
}

/* "latency, transport mpi, provider mpi, 2 ranks, 1 pair[, algorithm X]" */
static int title(ft *t, const char *body, int line)
{
    int rc = end_table(t, false);
    if (rc) return rc;
    const char *colon = strchr(body, ':');
    char buf[512];
    snprintf(buf, sizeof buf, "%s", colon + 1);
    t->bench[0] = t->transport[0] = t->provider[0] = t->fabric[0] = t->algorithm[0] = '\0';
    t->ranks = t->pairs = 0;
    int item = 0;
    for (char *save = NULL, *part = strtok_r(buf, ",", &save); part;
         part = strtok_r(NULL, ",", &save), item++) {
        while (*part == ' ') part++;
        char word[64];
        int v;
        if (item == 0)
            snprintf(t->bench, sizeof t->bench, "%.31s", part);
        else if (sscanf(part, "transport %31s", t->transport) == 1 ||
                 sscanf(part, "provider %63s", t->provider) == 1 ||
                 sscanf(part, "fabric %63s", t->fabric) == 1 ||
                 sscanf(part, "algorithm %63s", t->algorithm) == 1)
            ;
        else if (sscanf(part, "%d %63s", &v, word) == 2 && v >= 0 && v <= 1 << 24 &&
                 strncmp(word, "rank", 4) == 0)
            t->ranks = v;
        else if (sscanf(part, "%d %63s", &v, word) == 2 && v >= 0 && v <= 1 << 24 &&
                 strncmp(word, "pair", 4) == 0)
            t->pairs = v;
    }
    if (!t->bench[0] ||
        strspn(t->bench, "abcdefghijklmnopqrstuvwxyz0123456789_-:") != strlen(t->bench))
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: fabscale-bench table title without a benchmark name", t->s->path,
                          line);
    if (strcmp(t->algorithm, "-") == 0) t->algorithm[0] = '\0';
    t->title_line = line;
    char *v = strchr(body + sizeof title_tag - 1, ':');
    if (!t->out->meta.version && v) {
        char ver[96];
        snprintf(ver, sizeof ver, "fabscale-bench %.*s", (int)(v - (body + sizeof title_tag - 1)),
                 body + sizeof title_tag - 1);
        if (!(t->out->meta.version = fs_strdup(ver))) return fs_oom(t->err);
    }
    return 0;
}

static int header(ft *t, const char *body, int line)
{
    int rc = refuse_cut(t);
    if (rc || (rc = end_table(t, false))) return rc;
    if (!t->title_line)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: fabscale-bench column header before its \"# fabscale-bench\" "
                          "title",
                          t->s->path, line);
    static const struct {
        const char *name;
        enum fcol col;
    } known[] = {{"Size", F_SIZE},           {"Latency (us)", F_P50},
                 {"Time (us)", F_P50},       {"Mean (us)", F_MEAN},
                 {"Min (us)", F_MIN},        {"Max (us)", F_MAX},
                 {"P99 (us)", F_P99},        {"CI95 (%)", F_CI_PCT},
                 {"Iters", F_ITERS},         {"Bandwidth (MB/s)", F_BW_MBPS},
                 {"Msg rate (M/s)", F_RATE}, {"p50 iter (us)", F_ITER_P50},
                 {"algbw (GB/s)", F_ALGBW},  {"busbw (GB/s)", F_BUSBW},
                 {"Slowest", F_SLOWEST}};
    t->ncols = 0;
    for (const char *p = body; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        if (t->ncols == MAX_FCOLS)
            return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: too many columns", t->s->path, line);
        int k = t->ncols++;
        /* a known name (some are one blank apart: "Iters Slowest"), else
         * up to two blanks */
        size_t len = 0;
        t->cols[k] = F_OTHER;
        for (size_t i = 0; i < sizeof known / sizeof known[0] && !len; i++) {
            size_t kl = strlen(known[i].name);
            if (strncmp(p, known[i].name, kl) == 0 && (p[kl] == ' ' || p[kl] == '\0')) {
                len = kl;
                t->cols[k] = known[i].col;
            }
        }
        if (!len)
            while (p[len] && !(p[len] == ' ' && (p[len + 1] == ' ' || p[len + 1] == '\0'))) len++;
        snprintf(t->names[k], sizeof t->names[k], "%.*s", (int)len, p);
        p += len;
    }
    if (t->ncols < 2 || t->cols[0] != F_SIZE)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: fabscale-bench table header without a Size column", t->s->path,
                          line);
    t->header_line = line;
    return 0;
}

static fs_run *new_run(ft *t)
{
    fs_run *r = fs_results_new_run(t->out, t->bench, t->err);
    if (!r) return NULL;
    r->ranks = t->ranks;
    r->pairs = t->pairs;
    if ((t->transport[0] && !(r->transport = fs_strdup(t->transport))) ||
        (t->provider[0] && !(r->provider = fs_strdup(t->provider))) ||
        (t->fabric[0] && !(r->fabric = fs_strdup(t->fabric))) ||
        (t->algorithm[0] && !(r->algorithm = fs_strdup(t->algorithm)))) {
        fs_oom(t->err);
        return NULL;
    }
    return r;
}

static int row(ft *t, char **tok, int n, int line)
{
    int rc = refuse_cut(t);
    if (rc) return rc;
    if (!t->header_line)
        return fs_err_set(t->err, FS_EXIT_INPUT,
                          "%s:%d: fabscale-bench data row before a \"# Size\" column header",
                          t->s->path, line);
    if ((line == t->last_line && t->ends_cut) || n < t->ncols) {
        t->cut_line = line;
        snprintf(t->cut_msg, sizeof t->cut_msg, "%s",
                 n < t->ncols ? "a row shorter than its header"
                              : "the last line has no line break: it was cut mid-row, not read");
        return 0;
    }
    if (n > t->ncols)
        return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: expected %d columns, found %d", t->s->path,
                          line, t->ncols, n > FS_MAX_TOKENS ? n - 1 : n);
    double v[MAX_FCOLS];
    for (int k = 0; k < n; k++)
        if (!(k == 0 ? fs_text_size(tok[k], &v[k]) : fs_parse_double(tok[k], &v[k])) ||
            (v[k] < 0 && t->cols[k] != F_SLOWEST))
            return fs_err_set(t->err, FS_EXIT_INPUT, "%s:%d: column %d (%s): \"%s\" is not a %s",
                              t->s->path, line, k + 1, t->names[k], tok[k],
                              k == 0 ? "size in bytes" : "non-negative number");
    if (!t->run && !(t->run = new_run(t))) return FS_EXIT_RUNTIME;
    fs_point *p = fs_run_new_point(t->run, t->err);
    if (!p) return FS_EXIT_RUNTIME;
    p->line = line;
    double ci_pct = NAN;
    for (int k = 0; k < n; k++) {
        switch (t->cols[k]) {
        case F_SIZE:
            p->bytes = v[k];
            break;
        case F_P50:
        case F_ITER_P50:
            p->time_us.p50 = v[k];
            break;
        case F_MEAN:
            p->time_us.mean = v[k];
            break;
        case F_MIN:
            p->time_us.min = v[k];
            break;
        case F_MAX:
            p->time_us.max = v[k];
            break;
        case F_P99:
            p->time_us.p99 = v[k];
            break;
        case F_CI_PCT:
            ci_pct = v[k];
            break;
        case F_ITERS:
            p->iterations = v[k];
            break;
        case F_BW_MBPS:
            p->bandwidth_GBps = v[k] / 1e3;
            break;
        case F_RATE:
            p->msg_rate_Mps = v[k];
            break;
        case F_ALGBW:
            p->algbw_GBps = v[k];
            break;
        case F_BUSBW:
            p->busbw_GBps = v[k];
            break;
        case F_SLOWEST:
            if (v[k] >= 0 && v[k] < 1 << 24 && v[k] == floor(v[k])) p->slowest_rank = (int)v[k];
            break;
        default:
            break;
        }
    }
    /* the table prints the CI half-width relative to the mean */
    if (isfinite(ci_pct) && isfinite(p->time_us.mean))
        p->time_us.ci95 = ci_pct / 100 * p->time_us.mean;
    t->rows++;
    return 0;
}

int fs_read_fabscale_text(const fs_src *s, fs_results *out, fs_err *err)
{
    ft t;
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
        char buf[1024], *tok[FS_MAX_TOKENS], body[512];
        while (n && isspace((unsigned char)*ln)) ln++, n--;
        while (n && isspace((unsigned char)ln[n - 1])) n--;
        if (n == 0) continue;
        int rc = 0;
        size_t k = n < sizeof body - 1 ? n : sizeof body - 1;
        memcpy(body, ln, k);
        body[k] = '\0';
        if (strncmp(body, title_tag, sizeof title_tag - 1) == 0 && strchr(body, ':')) {
            rc = title(&t, body, l.lineno);
        } else if (strncmp(body, "# Size ", 7) == 0) {
            rc = header(&t, body + 2, l.lineno);
        } else if (*body != '#') {
            int nt = fs_tokens(ln, n, buf, sizeof buf, tok, FS_MAX_TOKENS);
            double v;
            if (nt > 0 && fs_text_size(tok[0], &v)) rc = row(&t, tok, nt, l.lineno);
            /* else progress lines of stderr, launcher noise: skipped */
        }
        if (rc) return rc;
    }
    int rc = end_table(&t, true);
    if (rc) return rc;
    if (out->nruns == 0)
        return fs_err_set(err, FS_EXIT_INPUT,
                          "%s:%d: fabscale-bench output without a table (\"# Size ...\" header)",
                          s->path, t.title_line ? t.title_line : 1);
    return 0;
}
