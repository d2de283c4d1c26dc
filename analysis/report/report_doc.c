/* report_doc.c - Markdown and HTML side by side (see report_doc.h). */
#include "report_doc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void html_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void md_cell(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') fputc('\\', f);
        if (*s == '\n') continue;
        fputc(*s, f);
    }
}

void fs_doc_begin(fs_doc *d, const char *title)
{
    fprintf(d->md, "# %s\n\n", title);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", d->html);
    html_esc(d->html, title);
    fputs("</title>\n<style>\n"
          "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 "
          "1em;color:#222}\n"
          "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\n"
          "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}\n"
          "th{background:#f3f3f3}.l{text-align:left}\n"
          "p.note{font-size:0.88em;color:#444;margin:0.4em 0}\n"
          "section{margin-bottom:2em}\n"
          "figure{margin:1em 0}svg{max-width:100%;height:auto}\n"
          "</style></head><body>\n<h1>",
          d->html);
    html_esc(d->html, title);
    fputs("</h1>\n", d->html);
}

void fs_doc_end(fs_doc *d)
{
    fputs("</body></html>\n", d->html);
}

void fs_doc_heading(fs_doc *d, int level, const char *text)
{
    fprintf(d->md, "%.*s %s\n\n", level, "######", text);
    fprintf(d->html, "<h%d>", level);
    html_esc(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

static void para(fs_doc *d, const char *cls, const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(d->md, "%s\n\n", buf);
    fputs(cls ? "<p class=\"note\">" : "<p>", d->html);
    html_esc(d->html, buf);
    fputs("</p>\n", d->html);
}

void fs_doc_para(fs_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    para(d, NULL, fmt, ap);
    va_end(ap);
}

void fs_doc_note(fs_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    para(d, "note", fmt, ap);
    va_end(ap);
}

void fs_doc_section(fs_doc *d, const char *id)
{
    fputs("<section id=\"", d->html);
    html_esc(d->html, id);
    fputs("\">\n", d->html);
}

void fs_doc_section_end(fs_doc *d)
{
    fputs("</section>\n", d->html);
}

void fs_doc_table(fs_doc *d, const fs_table *t)
{
    fs_doc_table_id(d, t, NULL);
}

void fs_doc_table_id(fs_doc *d, const fs_table *t, const char *id)
{
    fputs("|", d->md);
    fputs("<table", d->html);
    if (id) {
        fputs(" id=\"", d->html);
        html_esc(d->html, id);
        fputc('"', d->html);
    }
    fputs("><thead><tr>", d->html);
    for (size_t c = 0; c < t->ncols; c++) {
        fputc(' ', d->md);
        md_cell(d->md, t->head[c]);
        fputs(" |", d->md);
        fputs(t->right[c] ? "<th>" : "<th class=\"l\">", d->html);
        html_esc(d->html, t->head[c]);
        fputs("</th>", d->html);
    }
    fputs("\n|", d->md);
    for (size_t c = 0; c < t->ncols; c++) fputs(t->right[c] ? " ---: |" : " --- |", d->md);
    fputs("\n", d->md);
    fputs("</tr></thead><tbody>\n", d->html);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("|", d->md);
        fputs("<tr>", d->html);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            fputc(' ', d->md);
            md_cell(d->md, s ? s : "-");
            fputs(" |", d->md);
            fputs(t->right[c] ? "<td>" : "<td class=\"l\">", d->html);
            html_esc(d->html, s ? s : "-");
            fputs("</td>", d->html);
        }
        fputs("\n", d->md);
        fputs("</tr>\n", d->html);
    }
    fputs("\n", d->md);
    fputs("</tbody></table>\n", d->html);
}

void fs_doc_chart(fs_doc *d, const char *file, const char *path, const char *alt)
{
    fprintf(d->md, "![%s](%s)\n\n", alt, file);
    FILE *f = fopen(path, "r");
    if (!f) {
        fputs("<p>(chart missing: ", d->html);
        html_esc(d->html, file);
        fputs(")</p>\n", d->html);
        return;
    }
    fputs("<figure>\n", d->html);
    char line[8192];
    int started = 0;
    /* Skip the XML declaration and DOCTYPE: the SVG element goes inline. */
    while (fgets(line, sizeof line, f)) {
        if (!started && strstr(line, "<svg")) started = 1;
        if (started) fputs(line, d->html);
    }
    fclose(f);
    fputs("<figcaption>", d->html);
    html_esc(d->html, alt);
    fputs("</figcaption></figure>\n", d->html);
}
