/* table.c - aligned text and CSV tables (see table.h). */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int fs_table_init(fs_table *t, size_t ncols, const char *const *head)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->head = head;
    t->right = calloc(ncols, sizeof *t->right);
    if (!t->right) return -1;
    for (size_t c = 0; c < ncols; c++) t->right[c] = true;
    return 0;
}

int fs_table_row(fs_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 16;
        char **n = realloc(t->cells, nc * t->ncols * sizeof *n);
        if (!n) return -1;
        t->cells = n;
        t->cap = nc;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        row[c] = NULL;
        if (cells[c] && !(row[c] = strdup(cells[c]))) {
            for (size_t k = 0; k < c; k++) free(row[k]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

static void csv_cell(FILE *f, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void fs_table_print(const fs_table *t, FILE *f, bool csv)
{
    if (csv) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) fputc(',', f);
            csv_cell(f, t->head[c]);
        }
        fputc('\n', f);
        for (size_t r = 0; r < t->nrows; r++) {
            for (size_t c = 0; c < t->ncols; c++) {
                if (c) fputc(',', f);
                csv_cell(f, t->cells[r * t->ncols + c]);
            }
            fputc('\n', f);
        }
        return;
    }
    size_t w[64] = {0};
    size_t nc = t->ncols < 64 ? t->ncols : 64;
    for (size_t c = 0; c < nc; c++) {
        w[c] = strlen(t->head[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            const char *s = t->cells[r * t->ncols + c];
            size_t l = s ? strlen(s) : 1;
            if (l > w[c]) w[c] = l;
        }
    }
    for (size_t c = 0; c < nc; c++)
        fprintf(f, "%s%*s", c ? "  " : "", t->right[c] ? (int)w[c] : -(int)w[c], t->head[c]);
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < nc; c++) {
            const char *s = t->cells[r * t->ncols + c];
            fprintf(f, "%s%*s", c ? "  " : "", t->right[c] ? (int)w[c] : -(int)w[c], s ? s : "-");
        }
        fputc('\n', f);
    }
}

void fs_table_free(fs_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->right);
    memset(t, 0, sizeof *t);
}

const char *fs_fmt(char *buf, size_t len, const char *fmt, double v)
{
    if (!isfinite(v)) return NULL;
    snprintf(buf, len, fmt, v);
    return buf;
}

const char *fs_fmt_bytes(char *buf, size_t len, double b, bool csv)
{
    if (!isfinite(b)) return NULL;
    static const char *const unit[] = {"", "K", "M", "G", "T"};
    int u = 0;
    double v = b;
    if (!csv)
        while (u < 4 && v >= 1024 && fmod(v, 1024) == 0) v /= 1024, u++;
    if (!csv && u == 0 && b >= 1024) {
        /* not a whole power-of-1024 multiple: show with a decimal */
        while (u < 4 && v >= 1024) v /= 1024, u++;
        snprintf(buf, len, "%.4g%s", v, unit[u]);
        return buf;
    }
    snprintf(buf, len, "%.0f%s", v, unit[u]);
    return buf;
}
