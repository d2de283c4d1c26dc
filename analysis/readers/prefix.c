/*
 * prefix.c - launcher prefixes on output lines, removed before any reader
 * looks at the text: Open MPI's `mpirun --tag-output` ("[1,0]<stdout>:"),
 * `--timestamp-output` ("Wed Dec  2 13:25:34 2026<stdout>:", alone or
 * before the tag), MPICH/Intel MPI `-prepend-rank` ("[0] ") and Slurm's
 * `srun --label` ("0: ", right-aligned "12: " past 10 tasks).
 *
 * Lines keep their numbers (the copy has the same line breaks), so every
 * message still names the line of the user's file.  The Open MPI forms
 * cannot be mistaken for data and are stripped wherever they occur; the
 * short forms ("0: ", "[0] ") only when most non-empty lines carry them,
 * so that a stray line that happens to start like one is left alone.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"

/* Length of "<stdout>:" / "<stderr>:" / "<stddiag>:" at s, else 0. */
static size_t stream_tag(const char *s, size_t n)
{
    static const char *const tags[] = {"<stdout>:", "<stderr>:", "<stddiag>:"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        size_t k = strlen(tags[i]);
        if (n >= k && memcmp(s, tags[i], k) == 0) return k;
    }
    return 0;
}

/* Length of Open MPI's "[job,rank]" (any text up to "]" without blanks,
 * as PRRTE prints "[prterun-host-1@1,0]") at s, else 0. */
static size_t rank_tag(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[') return 0;
    size_t i = 1;
    bool comma = false;
    while (i < n && s[i] != ']' && !isspace((unsigned char)s[i])) comma |= s[i++] == ',';
    return i < n && s[i] == ']' && comma ? i + 1 : 0;
}

/* Length of a ctime() date, "Www Mmm dd hh:mm:ss yyyy" (24 characters). */
static size_t ctime_stamp(const char *s, size_t n)
{
    static const char pat[] = "Aaa Aaa d9 99:99:99 9999";
    if (n < 24) return 0;
    for (size_t i = 0; i < 24; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = pat[i] == 'A' || pat[i] == 'a' ? isalpha(c)
                  : pat[i] == '9'                ? isdigit(c)
                  : pat[i] == 'd'                ? (isdigit(c) || c == ' ')
                                                 : c == (unsigned char)pat[i];
        if (!ok) return 0;
    }
    return 24;
}

/* Open MPI's prefix: [stamp][[j,r]]<stream>: */
static size_t ompi_prefix(const char *s, size_t n)
{
    size_t i = ctime_stamp(s, n);
    i += rank_tag(s + i, n - i);
    size_t t = stream_tag(s + i, n - i);
    return t ? i + t : 0;
}

/* srun --label: optional blanks, digits, ": ". */
static size_t srun_label(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ') i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i == d || i - d > 7 || i >= n || s[i] != ':') return 0;
    if (i + 1 < n && s[i + 1] != ' ') return 0;
    return i + 1 < n ? i + 2 : i + 1;
}

/* -prepend-rank: "[digits] ". */
static size_t rank_bracket(const char *s, size_t n)
{
    size_t i = 1;
    if (n < 3 || s[0] != '[') return 0;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i == 1 || i >= n || s[i] != ']') return 0;
    return i + 1 < n && s[i + 1] == ' ' ? i + 2 : i + 1;
}

typedef size_t (*prefix_fn)(const char *, size_t);

int fs_strip_launcher_prefixes(const char *text, size_t len, char **out_text, size_t *outlen,
                               const char **what)
{
    *out_text = NULL;
    *what = NULL;
    static const struct {
        prefix_fn fn;
        bool needs_majority;
        const char *name;
    } forms[] = {{ompi_prefix, false, "mpirun --tag-output/--timestamp-output"},
                 {srun_label, true, "srun --label"},
                 {rank_bracket, true, "-prepend-rank"}};
    enum { NFORMS = sizeof forms / sizeof forms[0] };
    size_t hits[NFORMS] = {0}, lines = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n) {
            lines++;
            for (int f = 0; f < NFORMS; f++) hits[f] += forms[f].fn(p, n) > 0;
        }
        p = nl ? nl + 1 : end;
    }
    bool use[NFORMS];
    bool any = false;
    for (int f = 0; f < NFORMS; f++) {
        use[f] = hits[f] > 0 && (!forms[f].needs_majority || 2 * hits[f] > lines);
        any |= use[f];
    }
    if (!any) return 0;
    char *out = malloc(len + 1);
    if (!out) return -1;
    size_t o = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p), k = 0;
        for (int f = 0; f < NFORMS && k == 0; f++)
            if (use[f] && (k = forms[f].fn(p, n)) > 0 && !*what) *what = forms[f].name;
        memcpy(out + o, p + k, n - k);
        o += n - k;
        if (nl) out[o++] = '\n';
        p = nl ? nl + 1 : end;
    }
    out[o] = '\0';
    *outlen = o;
    *out_text = out;
    return 1;
}
