/* json_locate.c - find a JSON value's line by walking the text (see json_locate.h). */
#include "json_locate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct walker {
    const char *p, *end;
} walker;

static void ws(walker *w)
{
    while (w->p < w->end && isspace((unsigned char)*w->p)) w->p++;
}

/* Skip a string starting at '"'; 0 on a malformed one. */
static int skip_string(walker *w)
{
    if (w->p >= w->end || *w->p != '"') return 0;
    for (w->p++; w->p < w->end; w->p++) {
        if (*w->p == '\\') {
            w->p++;
        } else if (*w->p == '"') {
            w->p++;
            return 1;
        }
    }
    return 0;
}

static int skip_value(walker *w, int depth)
{
    ws(w);
    if (w->p >= w->end || depth > 512) return 0;
    char c = *w->p;
    if (c == '"') return skip_string(w);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        w->p++;
        ws(w);
        if (w->p < w->end && *w->p == close) {
            w->p++;
            return 1;
        }
        for (;;) {
            if (c == '{') {
                ws(w);
                if (!skip_string(w)) return 0;
                ws(w);
                if (w->p >= w->end || *w->p != ':') return 0;
                w->p++;
            }
            if (!skip_value(w, depth + 1)) return 0;
            ws(w);
            if (w->p >= w->end) return 0;
            if (*w->p == ',') {
                w->p++;
                continue;
            }
            if (*w->p != close) return 0;
            w->p++;
            return 1;
        }
    }
    /* number or literal */
    const char *st = w->p;
    while (w->p < w->end && !strchr(",]} \t\r\n", *w->p)) w->p++;
    return w->p > st;
}

/* Position w at member `key` of the object at w->p. */
static int find_key(walker *w, const char *key, size_t klen)
{
    ws(w);
    if (w->p >= w->end || *w->p != '{') return 0;
    w->p++;
    for (;;) {
        ws(w);
        if (w->p >= w->end || *w->p != '"') return 0;
        const char *ks = w->p + 1;
        if (!skip_string(w)) return 0;
        size_t kl = (size_t)(w->p - 1 - ks);
        ws(w);
        if (w->p >= w->end || *w->p != ':') return 0;
        w->p++;
        ws(w);
        if (kl == klen && memcmp(ks, key, klen) == 0) return 1;
        if (!skip_value(w, 0)) return 0;
        ws(w);
        if (w->p >= w->end || *w->p != ',') return 0;
        w->p++;
    }
}

static int find_index(walker *w, long idx)
{
    ws(w);
    if (w->p >= w->end || *w->p != '[') return 0;
    w->p++;
    for (long i = 0; i < idx; i++) {
        if (!skip_value(w, 0)) return 0;
        ws(w);
        if (w->p >= w->end || *w->p != ',') return 0;
        w->p++;
    }
    ws(w);
    return w->p < w->end && *w->p != ']';
}

int fs_json_line(const char *text, size_t len, const char *path)
{
    walker w = {text, text + len};
    ws(&w);
    if (w.p >= w.end) return 0;
    const char *found = w.p;
    const char *s = path;
    while (*s) {
        if (*s == '.') s++;
        int ok;
        if (*s == '[') {
            char *e;
            long idx = strtol(s + 1, &e, 10);
            if (*e != ']') break;
            ok = find_index(&w, idx);
            s = e + 1;
        } else {
            size_t kl = strcspn(s, ".[");
            ok = find_key(&w, s, kl);
            s += kl;
        }
        if (!ok) break;
        found = w.p;
    }
    return fs_line_of(text, found);
}

int fs_line_of(const char *text, const char *s)
{
    int line = 1;
    for (const char *c = text; c < s; c++)
        if (*c == '\n') line++;
    return line;
}

const char *fs_excerpt(const char *s, size_t len, char *buf, size_t buflen)
{
    size_t n = len < 40 ? len : 40;
    if (n + 4 > buflen) n = buflen > 4 ? buflen - 4 : 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (n < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}
