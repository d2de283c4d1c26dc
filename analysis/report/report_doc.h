/*
 * report_doc.h - write the same document as Markdown and as one
 * self-contained HTML page (charts inlined as SVG) side by side.
 */
#ifndef FS_REPORT_DOC_H
#define FS_REPORT_DOC_H

#include <stdio.h>

#include "table.h"

typedef struct fs_doc {
    FILE *md, *html;
} fs_doc;

void fs_doc_begin(fs_doc *d, const char *title);
void fs_doc_end(fs_doc *d);
void fs_doc_heading(fs_doc *d, int level, const char *text);
/* A paragraph of plain text (escaped for both). */
void fs_doc_para(fs_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same in small print: how to read what is above it, caveats. */
void fs_doc_note(fs_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fs_doc_table(fs_doc *d, const fs_table *t);
/* The same with an HTML id (tests and links find it by that id). */
void fs_doc_table_id(fs_doc *d, const fs_table *t, const char *id);
/* <section id="id"> ... </section> around a part of the page (HTML only). */
void fs_doc_section(fs_doc *d, const char *id);
void fs_doc_section_end(fs_doc *d);
/* A chart: Markdown links the SVG file; HTML inlines its content. */
void fs_doc_chart(fs_doc *d, const char *file, const char *path, const char *alt);

#endif
