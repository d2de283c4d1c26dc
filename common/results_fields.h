/*
 * results_fields.h - the one table of fabscale.results/1 members.
 *
 * Each object of the document (meta, a run, a point, a point's time_us)
 * has a list of fields: JSON name, type, where it lives in the struct,
 * the CSV column it fills, and one line of documentation.  The reader,
 * the writer, the CSV header and the JSON Schema (docs/results.schema.json)
 * iterate these lists; a new member is one row here and one struct field.
 */
#ifndef FS_RESULTS_FIELDS_H
#define FS_RESULTS_FIELDS_H

#include <stddef.h>

#include <jansson.h>

typedef enum fs_ftype {
    FS_FT_STRING,  /* char *, NULL absent */
    FS_FT_INT,     /* int, equal to `absent` when absent (written null) */
    FS_FT_NUMBER,  /* double, NAN absent, written as a real */
    FS_FT_COUNT,   /* double, NAN absent, written as an integer when integral */
    FS_FT_BOOL,    /* bool, `absent` when absent, always written */
    FS_FT_TRIBOOL, /* int 1/0, -1 absent (written null) */
    FS_FT_STRINGS, /* char ** with a size_t count at count_offset */
    FS_FT_PAIR,    /* char *[2], written [a, b] or null */
    FS_FT_OBJECT,  /* json_t * object kept whole, NULL absent */
    FS_FT_NOTES,   /* json_t * array of strings, NULL absent */
    FS_FT_KIND,    /* fs_kind; written inferred from the benchmark when unknown */
    FS_FT_STATS,   /* fs_stats: object of fs_stats_fields */
    FS_FT_PASS,    /* documented, not modelled: kept in the object's extra */
} fs_ftype;

enum {
    FS_FIELD_REQUIRED = 1, /* the reader refuses a document without it */
    FS_FIELD_OPTIONAL = 2, /* omitted from the output when absent (else null) */
};

typedef struct fs_field {
    const char *name;
    fs_ftype type;
    size_t offset;
    size_t count_offset; /* FS_FT_STRINGS */
    int absent;          /* FS_FT_INT, FS_FT_BOOL */
    unsigned flags;
    const char *csv; /* CSV column (FS_FT_STATS: suffix of each statistic's), NULL: none */
    const char *doc;
    const char *schema; /* JSON Schema of the value when the type does not say it all */
} fs_field;

typedef struct fs_field_list {
    const char *object; /* "meta", "run", "point", "time_us" */
    const fs_field *f;
    size_t n;
} fs_field_list;

extern const fs_field_list fs_meta_fields, fs_run_fields, fs_point_fields, fs_stats_fields;

/* Whether a field's value is absent in the struct at base. */
int fs_field_absent(const fs_field *f, const void *base);

/* The JSON Schema of fabscale.results/1, built from the tables (written to
 * docs/results.schema.json; a test keeps the two equal). */
json_t *fs_results_schema(void);

#endif
