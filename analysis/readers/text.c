/* text.c - line and token helpers for the text readers (see text.h). */
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"

void fs_lines_init(fs_lines *l, const char *text, size_t len)
{
    l->p = text;
    l->end = text + len;
    l->lineno = 0;
}

int fs_lines_next(fs_lines *l, const char **s, size_t *len)
{
    if (l->p >= l->end) return 0;
    const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *e = nl ? nl : l->end;
    *s = l->p;
    *len = (size_t)(e - l->p);
    if (*len > 0 && (*s)[*len - 1] == '\r') (*len)--;
    l->p = nl ? nl + 1 : l->end;
    l->lineno++;
    return 1;
}

int fs_tokens(const char *s, size_t len, char *buf, size_t buflen, char **tok, int max)
{
    int n = 0;
    size_t i = 0, o = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)s[i])) i++;
        if (i >= len) break;
        if (n == max) return max + 1;
        size_t st = i;
        while (i < len && !isspace((unsigned char)s[i])) i++;
        size_t tl = i - st;
        if (o + tl + 1 > buflen) return max + 1; /* absurdly long line */
        memcpy(buf + o, s + st, tl);
        buf[o + tl] = '\0';
        tok[n++] = buf + o;
        o += tl + 1;
    }
    return n;
}

int fs_parse_double(const char *tok, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(tok, &end);
    if (end == tok || *end != '\0' || errno == ERANGE || !isfinite(d)) return 0;
    *v = d;
    return 1;
}

int fs_text_size(const char *tok, double *v)
{
    /* Size columns of OSU and nccl-tests tables are plain byte counts: the
     * common grammar, without its multiples. */
    for (const char *c = tok; *c; c++)
        if (!isdigit((unsigned char)*c)) return 0;
    size_t bytes;
    char why[160];
    if (!*tok || fs_parse_size(tok, &bytes, why, sizeof why)) return 0;
    *v = (double)bytes;
    return 1;
}

int fs_text_last_line(const char *text, size_t len, bool *ends_cut)
{
    fs_lines l;
    const char *ln;
    size_t n;
    int last = 0;
    fs_lines_init(&l, text, len);
    while (fs_lines_next(&l, &ln, &n)) {
        while (n && isspace((unsigned char)*ln)) ln++, n--;
        if (n) last = l.lineno;
    }
    *ends_cut = last > 0 && text[len - 1] != '\n';
    return last;
}
