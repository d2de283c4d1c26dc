/* report_names.c - shortest unique trailing paths (see report_names.h). */
#include "report_names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The last k components of p ("a/b/c", 2 -> "b/c"); the whole path when it
 * has k or fewer.  Repeated and trailing slashes count as one separator. */
static const char *tail(const char *p, size_t k, bool *whole)
{
    const char *end = p + strlen(p);
    while (end > p && end[-1] == '/') end--;
    const char *s = end;
    for (size_t i = 0; i < k; i++) {
        while (s > p && s[-1] != '/') s--;
        if (s == p) {
            *whole = true;
            return p;
        }
        if (i + 1 < k)
            while (s > p && s[-1] == '/') s--;
    }
    *whole = false;
    return s;
}

/* Length of a tail without trailing slashes. */
static size_t tail_len(const char *t)
{
    size_t n = strlen(t);
    while (n > 1 && t[n - 1] == '/') n--;
    return n;
}

static bool same_tail(const char *a, const char *b)
{
    size_t la = tail_len(a), lb = tail_len(b);
    return la == lb && strncmp(a, b, la) == 0;
}

static void copy_name(char *dst, const char *src, size_t len)
{
    /* keep the end: it is the part that tells files apart */
    if (len >= FS_REPORT_NAME_LEN) {
        src += len - (FS_REPORT_NAME_LEN - 4);
        len = FS_REPORT_NAME_LEN - 4;
        snprintf(dst, FS_REPORT_NAME_LEN, "...%.*s", (int)len, src);
        return;
    }
    snprintf(dst, FS_REPORT_NAME_LEN, "%.*s", (int)len, src);
}

void fs_report_short_names(const char *const *paths, size_t n, char (*names)[FS_REPORT_NAME_LEN])
{
    for (size_t i = 0; i < n; i++) {
        const char *p = paths[i] ? paths[i] : "";
        size_t dup = 0, k = 0; /* identical paths before i, and in all */
        for (size_t j = 0; j < n; j++)
            if (j != i && strcmp(p, paths[j] ? paths[j] : "") == 0) {
                k++;
                if (j < i) dup++;
            }
        if (k) {
            char full[FS_REPORT_NAME_LEN];
            copy_name(full, p, strlen(p));
            snprintf(names[i], FS_REPORT_NAME_LEN, "%.*s #%zu", FS_REPORT_NAME_LEN - 24, full,
                     dup + 1);
            continue;
        }
        for (size_t depth = 1;; depth++) {
            bool whole;
            const char *t = tail(p, depth, &whole);
            bool unique = true;
            for (size_t j = 0; j < n && unique; j++) {
                if (j == i) continue;
                bool wj;
                if (same_tail(t, tail(paths[j] ? paths[j] : "", depth, &wj))) unique = false;
            }
            if (unique || whole) {
                copy_name(names[i], t, tail_len(t));
                break;
            }
        }
    }
}
