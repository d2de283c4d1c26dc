/* skew.c - the MoE traffic-skew model (see skew.h). */
#define _POSIX_C_SOURCE 200809L
#include "skew.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest matrix file and expert count taken: far above any run, low enough
 * that a typo cannot ask for gigabytes. */
#define SKEW_MAX_RANKS   65536
#define SKEW_MAX_EXPERTS (1 << 20)

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_double(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno == ERANGE || !isfinite(d)) return -1;
    *out = d;
    return 0;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long l = strtol(v, &end, 10);
    if (end == v || *end || errno == ERANGE || l < lo || l > hi) return -1;
    *out = (int)l;
    return 0;
}

/* One "key=value" of a zipf spec into s. */
static int zipf_key(char *kv, fs_skew *s, char *err, size_t errlen)
{
    char *eq = strchr(kv, '=');
    if (!eq) return fail(err, errlen, "skew: \"%s\" is not KEY=VALUE", kv);
    *eq = '\0';
    const char *k = kv, *v = eq + 1;
    if (strcmp(k, "s") == 0) {
        if (parse_double(v, &s->zipf_s) || s->zipf_s < 0)
            return fail(err, errlen, "skew: zipf s=%s out of range (a number >= 0)", v);
    } else if (strcmp(k, "experts") == 0) {
        if (parse_int(v, 1, SKEW_MAX_EXPERTS, &s->experts))
            return fail(err, errlen, "skew: experts=%s out of range (1 to 1048576)", v);
    } else if (strcmp(k, "topk") == 0) {
        if (parse_int(v, 1, SKEW_MAX_EXPERTS, &s->topk))
            return fail(err, errlen, "skew: topk=%s out of range (1 to the experts)", v);
    } else if (strcmp(k, "capacity") == 0) {
        if (parse_double(v, &s->capacity) || (s->capacity != 0 && s->capacity < 1.0))
            return fail(err, errlen,
                        "skew: capacity=%s out of range (0 = unlimited, or a factor >= 1)", v);
    } else {
        return fail(err, errlen, "skew: unknown zipf key \"%s\" (s, experts, topk, capacity)", k);
    }
    return 0;
}

static int parse_zipf(const char *args, fs_skew *s, char *err, size_t errlen)
{
    s->kind = FS_SKEW_ZIPF;
    s->zipf_s = 1.0;
    s->experts = 0;
    s->topk = 1;
    s->capacity = 0;
    if (!args) return 0;
    char *copy = strdup(args);
    if (!copy) return fail(err, errlen, "skew: out of memory");
    int rc = 0;
    char *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save))
        rc = zipf_key(kv, s, err, errlen);
    free(copy);
    if (rc == 0 && *args == '\0') rc = fail(err, errlen, "skew: \"zipf:\" without keys");
    if (rc == 0 && s->experts > 0 && s->topk > s->experts) {
        snprintf(err, errlen, "skew: topk=%d above experts=%d", s->topk, s->experts);
        rc = -1;
    }
    return rc;
}

/* Appends one row of the matrix file to *m (grown as needed). */
static int matrix_row(char *line, const char *path, int lineno, double **m, int *cols, int *rows,
                      char *err, size_t errlen)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, " \t\r\n\v\f", &save); tok;
         tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
        double v;
        if (parse_double(tok, &v)) {
            snprintf(err, errlen, "skew: matrix %s line %d: \"%.32s\" is not a number", path,
                     lineno, tok);
            return -1;
        }
        if (v < 0) {
            snprintf(err, errlen, "skew: matrix %s line %d: negative entry %g", path, lineno, v);
            return -1;
        }
        if (*rows == 0 && n >= SKEW_MAX_RANKS) {
            snprintf(err, errlen, "skew: matrix %s line %d: more than %d columns", path, lineno,
                     SKEW_MAX_RANKS);
            return -1;
        }
        if (*rows > 0 && *rows >= *cols) {
            snprintf(err, errlen,
                     "skew: matrix %s line %d: more than %d rows (%d columns): not square", path,
                     lineno, *cols, *cols);
            return -1;
        }
        if (*rows > 0 && n >= *cols) {
            snprintf(err, errlen, "skew: matrix %s line %d: more than %d entries (the first row's)",
                     path, lineno, *cols);
            return -1;
        }
        if (*rows == 0) {
            double *g = realloc(*m, (size_t)(n + 1) * sizeof **m);
            if (!g) return fail(err, errlen, "skew: out of memory");
            *m = g;
        }
        (*m)[(size_t)*rows * (size_t)*cols + (size_t)n] = v;
        n++;
    }
    if (n == 0) return 0; /* blank or comment line */
    if (*rows == 0) {
        *cols = n;
        /* Room for the square matrix the first row announces. */
        double *g = realloc(*m, (size_t)n * (size_t)n * sizeof **m);
        if (!g) return fail(err, errlen, "skew: out of memory");
        *m = g;
    } else if (n != *cols) {
        snprintf(err, errlen, "skew: matrix %s line %d: %d entr%s, the first row has %d", path,
                 lineno, n, n == 1 ? "y" : "ies", *cols);
        return -1;
    }
    (*rows)++;
    return 0;
}

static int read_matrix(fs_skew *s, char *err, size_t errlen)
{
    FILE *f = fopen(s->matrix_path, "r");
    if (!f) {
        snprintf(err, errlen, "skew: matrix %s: %s", s->matrix_path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rows = 0, cols = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        rc = matrix_row(line, s->matrix_path, lineno, &s->matrix, &cols, &rows, err, errlen);
    }
    free(line);
    fclose(f);
    if (rc) return -1;
    if (rows == 0) {
        snprintf(err, errlen, "skew: matrix %s has no entries", s->matrix_path);
        return -1;
    }
    if (rows != cols) {
        snprintf(err, errlen, "skew: matrix %s is %d rows x %d columns: not square", s->matrix_path,
                 rows, cols);
        return -1;
    }
    double total = 0;
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) total += s->matrix[i];
    if (!(total > 0) || !isfinite(total)) {
        snprintf(err, errlen, "skew: matrix %s: entries sum to %g (nothing, or too much, to send)",
                 s->matrix_path, total);
        return -1;
    }
    s->matrix_n = rows;
    return 0;
}

int fs_skew_parse(const char *spec, fs_skew *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec) return fail(err, errlen, "skew: empty spec");
    int rc;
    if (strcmp(spec, "uniform") == 0) {
        out->kind = FS_SKEW_UNIFORM;
        out->topk = 1;
        return 0;
    } else if (strcmp(spec, "zipf") == 0) {
        rc = parse_zipf(NULL, out, err, errlen);
    } else if (strncmp(spec, "zipf:", 5) == 0) {
        rc = parse_zipf(spec + 5, out, err, errlen);
    } else if (strncmp(spec, "matrix:", 7) == 0 && spec[7]) {
        out->kind = FS_SKEW_MATRIX;
        out->matrix_path = strdup(spec + 7);
        rc = out->matrix_path ? read_matrix(out, err, errlen)
                              : fail(err, errlen, "skew: out of memory");
    } else {
        rc = fail(err, errlen,
                  "skew: unknown spec \"%.64s\" (uniform, zipf:s=S,experts=E,topk=K,capacity=C, "
                  "or matrix:FILE)",
                  spec);
    }
    if (rc) fs_skew_free(out);
    return rc;
}

/* pi_e = min(1, lambda w_e), sum pi = k, w descending: the first m experts
 * are capped at 1 and lambda spreads the rest of k over the others.  The tail
 * sums are added from the smallest weight up (into pi, reused): subtracting a
 * capped weight from the total cancels to nothing when s is large. */
static void inclusion(const double *w, int experts, int k, double *pi)
{
    double tail = 0;
    for (int e = experts - 1; e >= 0; e--) pi[e] = tail += w[e];
    int m = 0;
    double lambda = k / pi[0];
    while (m < k && lambda * w[m] > 1.0) {
        m++;
        lambda = m < experts && pi[m] > 0 ? (k - m) / pi[m] : 0;
    }
    for (int e = 0; e < experts; e++) pi[e] = e < m ? 1.0 : fmin(1.0, lambda * w[e]);
}

static int zipf_matrix(const fs_skew *s, int ranks, double b, double *bytes, char *err,
                       size_t errlen)
{
    int experts = s->experts ? s->experts : ranks;
    if (experts % ranks) {
        snprintf(err, errlen, "skew: %d experts cannot be placed evenly on %d ranks", experts,
                 ranks);
        return -1;
    }
    if (s->topk < 1 || s->topk > experts) {
        snprintf(err, errlen, "skew: topk=%d out of range (1 to the %d experts)", s->topk, experts);
        return -1;
    }
    double *w = malloc(2 * (size_t)experts * sizeof *w);
    if (!w) {
        snprintf(err, errlen, "skew: out of memory");
        return -1;
    }
    double *pi = w + experts;
    for (int e = 0; e < experts; e++) w[e] = pow(e + 1.0, -s->zipf_s);
    inclusion(w, experts, s->topk, pi);
    /* Every source routes alike in expectation: one row, copied. */
    double cap = s->capacity > 0 ? s->capacity * b / experts : INFINITY;
    for (int d = 0; d < ranks; d++) bytes[d] = 0;
    for (int e = 0; e < experts; e++) bytes[e % ranks] += fmin(b * pi[e] / s->topk, cap);
    for (int r = 1; r < ranks; r++) memcpy(bytes + (size_t)r * ranks, bytes, ranks * sizeof *bytes);
    free(w);
    return 0;
}

int fs_skew_matrix(const fs_skew *s, int ranks, double bytes_per_rank, double *bytes, char *err,
                   size_t errlen)
{
    if (ranks < 1) {
        snprintf(err, errlen, "skew: %d ranks", ranks);
        return -1;
    }
    if (!(bytes_per_rank >= 0) || !isfinite(bytes_per_rank)) {
        snprintf(err, errlen, "skew: %g bytes per rank", bytes_per_rank);
        return -1;
    }
    size_t n = (size_t)ranks;
    switch (s->kind) {
    case FS_SKEW_UNIFORM:
        for (size_t i = 0; i < n * n; i++) bytes[i] = bytes_per_rank / ranks;
        return 0;
    case FS_SKEW_ZIPF:
        return zipf_matrix(s, ranks, bytes_per_rank, bytes, err, errlen);
    case FS_SKEW_MATRIX: {
        if (s->matrix_n != ranks) {
            snprintf(err, errlen, "skew: matrix %s is %dx%d, the run has %d ranks",
                     s->matrix_path ? s->matrix_path : "", s->matrix_n, s->matrix_n, ranks);
            return -1;
        }
        double total = 0;
        for (size_t i = 0; i < n * n; i++) total += s->matrix[i];
        double scale = bytes_per_rank * ranks / total;
        for (size_t i = 0; i < n * n; i++) bytes[i] = s->matrix[i] * scale;
        return 0;
    }
    }
    snprintf(err, errlen, "skew: unknown kind %d", (int)s->kind);
    return -1;
}

double fs_skew_imbalance(const double *bytes, int ranks)
{
    double total = 0, peak = 0;
    for (int r = 0; r < ranks; r++) {
        double sent = 0, recv = 0;
        for (int o = 0; o < ranks; o++) {
            sent += bytes[(size_t)r * ranks + o];
            recv += bytes[(size_t)o * ranks + r];
        }
        total += sent;
        peak = fmax(peak, fmax(sent, recv));
    }
    return total > 0 ? peak / (total / ranks) : 1.0;
}

int fs_skew_format(const fs_skew *s, char *buf, size_t len)
{
    switch (s->kind) {
    case FS_SKEW_UNIFORM:
        return snprintf(buf, len, "uniform");
    case FS_SKEW_ZIPF:
        return snprintf(buf, len, "zipf:s=%g,experts=%d,topk=%d,capacity=%g", s->zipf_s, s->experts,
                        s->topk, s->capacity);
    case FS_SKEW_MATRIX:
        return snprintf(buf, len, "matrix:%s", s->matrix_path ? s->matrix_path : "");
    }
    return snprintf(buf, len, "?");
}

void fs_skew_free(fs_skew *s)
{
    free(s->matrix_path);
    free(s->matrix);
    memset(s, 0, sizeof *s);
}
