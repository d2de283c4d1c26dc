/*
 * table.h - rows of text cells printed as an aligned table or as CSV.
 * Subcommands fill one per result table; --json output is built with
 * jansson instead.  A NULL cell is an absent value: "-" in text, empty
 * in CSV.
 */
#ifndef FS_TABLE_H
#define FS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct fs_table {
    size_t ncols, nrows, cap;
    const char *const *head;
    char **cells;
    bool *right; /* per column: right-align (numbers) */
} fs_table;

int fs_table_init(fs_table *t, size_t ncols, const char *const *head);
/* Append a row of ncols cells (copied; NULL allowed).  -1 when out of memory. */
int fs_table_row(fs_table *t, const char *const *cells);
void fs_table_print(const fs_table *t, FILE *f, bool csv);
void fs_table_free(fs_table *t);

/* Number formatting for cells: NULL for NAN/inf so absent values show as such. */
const char *fs_fmt(char *buf, size_t len, const char *fmt, double v);
/* Sizes as "8", "4K", "1M", "1.5G" (powers of 1024) for text, plain bytes for CSV. */
const char *fs_fmt_bytes(char *buf, size_t len, double bytes, bool csv);

#endif
