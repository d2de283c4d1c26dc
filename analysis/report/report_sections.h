/*
 * report_sections.h - optional sections of `fabscale report`, written by
 * other modules (a pair-matrix heatmap, ...).  A module adds one row to
 * the table in report_sections.c; report.c calls every row at its place:
 *   FS_SECTION_FIRST_SCREEN  after the headline and the comparison (a
 *                            finding a buyer must see: a bad node pair)
 *   FS_SECTION_EVIDENCE      among the evidence, before the sources
 * A section writes nothing (and returns 0) when the results hold nothing
 * for it; it puts its charts' files into ctx->dir and lists them in
 * ctx->out (fs_report_note_file).
 */
#ifndef FS_REPORT_SECTIONS_H
#define FS_REPORT_SECTIONS_H

#include <stddef.h>

#include "diag.h"
#include "report.h"
#include "report_doc.h"
#include "report_names.h"
#include "results.h"

typedef struct fs_report_ctx {
    const fs_report_opts *o;
    const char *dir; /* = o->dir */
    const fs_results *r;
    size_t nr;
    const char (*names)[FS_REPORT_NAME_LEN]; /* per file: its name in the report */
    const char *gnuplot;                     /* the gnuplot binary; NULL: tables only */
    fs_report_out *out;
} fs_report_ctx;

typedef enum fs_section_place { FS_SECTION_FIRST_SCREEN, FS_SECTION_EVIDENCE } fs_section_place;

/* 0, or FS_EXIT_RUNTIME (with err) when a file cannot be written. */
typedef int (*fs_report_section_fn)(fs_doc *d, const fs_report_ctx *ctx, fs_err *err);

typedef struct fs_report_section {
    const char *name;
    fs_section_place place;
    fs_report_section_fn write;
} fs_report_section;

/* The table; the last row has write == NULL. */
extern const fs_report_section fs_report_sections[];

/* Run every section of one place in table order; stops at the first error. */
int fs_report_sections_write(fs_doc *d, const fs_report_ctx *ctx, fs_section_place place,
                             fs_err *err);

/* List a written file in out->files (relative to the report's directory). */
void fs_report_note_file(fs_report_out *out, const char *file);

#endif
