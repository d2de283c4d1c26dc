/*
 * json_locate.h - the line where a value sits in JSON text.  jansson
 * reports lines only for syntax errors; for "runs[2].points[5].bytes is
 * not a number" the user needs the line too, so we walk the text again.
 */
#ifndef FS_JSON_LOCATE_H
#define FS_JSON_LOCATE_H

#include <stddef.h>

/* path: object keys and [index] steps, e.g. "runs[2].points[0].bytes" or
 * "" for the root.  Returns the 1-based line where the value starts, or
 * the line of the deepest step found when the path goes further than the
 * text (0 only for text that is not JSON at all). */
int fs_json_line(const char *text, size_t len, const char *path);

/* Line of s (by start of text) for messages: counts newlines. */
int fs_line_of(const char *text, const char *s);
/* A printable excerpt of a line (at most 40 chars, control bytes as '?'). */
const char *fs_excerpt(const char *s, size_t len, char *buf, size_t buflen);

#endif
