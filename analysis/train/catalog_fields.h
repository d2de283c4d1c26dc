/*
 * catalog_fields.h - table-driven reading of one catalogue entry (a JSON
 * object) onto a struct: types, ranges, required fields, unknown keys.
 * Internal to catalog*.c.
 */
#ifndef FS_CATALOG_FIELDS_H
#define FS_CATALOG_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum fs_ftype {
    FS_F_STR,     /* char[size] */
    FS_F_INT,     /* int >= min */
    FS_F_NUM,     /* double >= min (> min when min_open) */
    FS_F_SOURCES, /* "sources": [string, ...] (or "source": string): first one into char[size] */
    FS_F_IGNORE   /* documentation ("notes", "region", ...) */
} fs_ftype;

typedef struct fs_field {
    const char *key;
    fs_ftype type;
    size_t off, size;
    bool required;
    double min;
    bool min_open;
} fs_field;

/* Where an entry sits, for messages: "FILE:LINE: instances[2] (\"p5\")". */
typedef struct fs_entry_ctx {
    const char *path, *text;
    size_t len;
    const char *array; /* "instances", "workloads", "prices" */
    size_t index;
    const char *name; /* entry name once known, else NULL */
} fs_entry_ctx;

/* Read obj's fields into dst.  New entries must give every required field.
 * 0 or FS_EXIT_INPUT. */
int fs_fields_read(const fs_field *f, size_t nf, json_t *obj, void *dst, bool is_new,
                   const fs_entry_ctx *ctx, fs_err *err);
/* Format an error about the entry (and key, may be NULL) with its line. */
int fs_entry_err(const fs_entry_ctx *ctx, const char *key, fs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
