/* sizes.c - the byte-size grammar (see sizes.h) and --sizes lists. */
#include "sizes.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the NUMBER at s (0 when s does not start with a digit), and
 * whether it is plain digits. */
static size_t number_len(const char *s, bool *plain)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i])) i++;
    *plain = true;
    if (i == 0) return 0;
    if (s[i] == '.') {
        *plain = false;
        i++;
        while (isdigit((unsigned char)s[i])) i++;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-') j++;
        if (isdigit((unsigned char)s[j])) {
            *plain = false;
            while (isdigit((unsigned char)s[j])) j++;
            i = j;
        }
    }
    return i;
}

int fs_parse_size(const char *s, size_t *out, char *why, size_t whylen)
{
    if (!s || !*s) {
        snprintf(why, whylen, "empty size");
        return -1;
    }
    bool plain;
    size_t n = number_len(s, &plain);
    if (n == 0 || n > 400) {
        snprintf(why, whylen, "size \"%s\" is not a number", s);
        return -1;
    }
    const char *end = s + n;
    unsigned shift = 0;
    if (*end) {
        const char *mult = strchr("KMGT", toupper((unsigned char)*end));
        if (mult) {
            shift = 10 * (unsigned)(mult - "KMGT" + 1);
            end++;
            if (*end == 'i' || *end == 'I') end++;
        }
        if (*end == 'b' || *end == 'B') end++;
        if (*end && end == s + n) {
            snprintf(why, whylen, "size \"%s\": unknown suffix \"%s\" (use K, M, G or T)", s, end);
            return -1;
        }
        if (*end) {
            snprintf(why, whylen, "size \"%s\": trailing characters \"%s\"", s, end);
            return -1;
        }
    }
    char num[402];
    memcpy(num, s, n);
    num[n] = '\0';
    errno = 0;
    if (plain) {
        /* Exact: no detour through a double for 2^53 and above. */
        unsigned long long v = strtoull(num, NULL, 10);
        if (errno == ERANGE || v > (UINT64_MAX >> shift) || v > SIZE_MAX >> shift) {
            snprintf(why, whylen, "size \"%s\" is too large", s);
            return -1;
        }
        *out = (size_t)(v << shift);
        return 0;
    }
    double v = ldexp(strtod(num, NULL), (int)shift);
    if (!(v < 18446744073709551616.0)) { /* 2^64; also catches inf */
        snprintf(why, whylen, "size \"%s\" is too large", s);
        return -1;
    }
    if (v != floor(v)) {
        snprintf(why, whylen, "size \"%s\" is %.6g bytes, not a whole number", s, v);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int push(fs_sizes *out, size_t v, char *why, size_t whylen)
{
    if (out->n == FS_SIZES_MAX) {
        snprintf(why, whylen, "more than %d sizes", FS_SIZES_MAX);
        return -1;
    }
    out->v[out->n++] = v;
    return 0;
}

static int parse_range(const char *lo_s, const char *hi_s, bool half_steps, fs_sizes *out,
                       char *why, size_t whylen)
{
    size_t lo, hi;
    if (fs_parse_size(lo_s, &lo, why, whylen) || fs_parse_size(hi_s, &hi, why, whylen)) return -1;
    if (lo > hi) {
        snprintf(why, whylen, "size range %s:%s has MIN greater than MAX", lo_s, hi_s);
        return -1;
    }
    if (lo == 0) {
        if (push(out, 0, why, whylen)) return -1;
        lo = 1;
        if (hi == 0) return 0;
    }
    for (size_t v = lo; v <= hi; v *= 2) {
        if (push(out, v, why, whylen)) return -1;
        /* The 1.5x point between two powers of two; skip it for v < 2 where
         * it would not be an integer distinct from its neighbours. */
        if (half_steps && v >= 2 && v + v / 2 <= hi && push(out, v + v / 2, why, whylen)) return -1;
        if (v > SIZE_MAX / 2) break;
    }
    return 0;
}

int fs_parse_sizes(const char *s, bool half_steps, fs_sizes *out, char *why, size_t whylen)
{
    out->n = 0;
    if (!s || !*s) {
        snprintf(why, whylen, "empty --sizes");
        return -1;
    }
    char buf[1024];
    if (strlen(s) >= sizeof buf) {
        snprintf(why, whylen, "--sizes argument too long");
        return -1;
    }
    strcpy(buf, s);
    char *colon = strchr(buf, ':');
    if (colon) {
        *colon = '\0';
        if (strchr(colon + 1, ':') || strchr(buf, ',') || strchr(colon + 1, ',')) {
            snprintf(why, whylen, "--sizes \"%s\": use MIN:MAX or a comma-separated list", s);
            return -1;
        }
        if (parse_range(buf, colon + 1, half_steps, out, why, whylen)) return -1;
    } else {
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            size_t v;
            if (fs_parse_size(tok, &v, why, whylen) || push(out, v, why, whylen)) return -1;
        }
        if (out->n == 0) {
            snprintf(why, whylen, "--sizes \"%s\" lists no size", s);
            return -1;
        }
    }
    qsort(out->v, out->n, sizeof out->v[0], cmp_size);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (k == 0 || out->v[i] != out->v[k - 1]) out->v[k++] = out->v[i];
    out->n = k;
    return 0;
}
