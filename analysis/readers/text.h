/*
 * text.h - small helpers the text readers share: walking lines with their
 * numbers, splitting whitespace tokens, strict number parsing.
 */
#ifndef FS_TEXT_H
#define FS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "json_locate.h" /* fs_line_of, fs_excerpt */

typedef struct fs_lines {
    const char *p, *end;
    int lineno; /* number of the line last returned, 1-based */
} fs_lines;

void fs_lines_init(fs_lines *l, const char *text, size_t len);
/* Next line without its end-of-line (\n, \r\n); 0 at the end. */
int fs_lines_next(fs_lines *l, const char **s, size_t *len);

/* The number of the last line that is not blank (0: none), and in
 * *ends_cut whether the text stops on it without a line break (a log cut
 * short mid-row). */
int fs_text_last_line(const char *text, size_t len, bool *ends_cut);

#define FS_MAX_TOKENS 64
/* Whitespace tokens of a line, copied into buf; returns the count (at most
 * max; more tokens than that return max + 1). */
int fs_tokens(const char *s, size_t len, char *buf, size_t buflen, char **tok, int max);

/* The whole token is a finite number. */
int fs_parse_double(const char *tok, double *v);
/* The whole token is a non-negative integer. */
int fs_text_size(const char *tok, double *v);

#endif
