/* cli.c - argument parsing helpers (see cli.h). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sizes.h"

int fs_cli_fail(const fs_err *err)
{
    fprintf(stderr, "fabscale: %s\n", err->msg[0] ? err->msg : "failed");
    return err->status ? err->status : FS_EXIT_RUNTIME;
}

/* The one byte-size grammar (common/sizes.h). */
static int parse_size(const char *s, double *bytes, char *why, size_t whylen)
{
    size_t v;
    if (fs_parse_size(s, &v, why, whylen)) return -1;
    *bytes = (double)v;
    return 0;
}

int fs_cli_size(const char *opt, const char *s, double *bytes, fs_err *err)
{
    char why[256];
    if (parse_size(s, bytes, why, sizeof why))
        return fs_err_set(err, FS_EXIT_INPUT, "%s: %s", opt, why);
    return 0;
}

static int push(double **a, size_t *n, double v)
{
    if (*n >= 100000) return -1;
    /* Grow geometrically (capacity: the next power of two): one element at
     * a time was quadratic for "8:1G:1.0000001" (fuzzing: timeouts). */
    if ((*n & (*n - 1)) == 0) {
        double *na = realloc(*a, (*n ? 2 * *n : 1) * sizeof *na);
        if (!na) return -1;
        *a = na;
    }
    (*a)[(*n)++] = v;
    return 0;
}

/* Shared by sizes and ints: list or MIN:MAX[:FACTOR]. */
static int parse_list(const char *opt, const char *s, bool ints, double **out, size_t *n,
                      fs_err *err)
{
    *out = NULL;
    *n = 0;
    char *copy = strdup(s), *save = NULL;
    if (!copy) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    int rc = 0;
    const char *what =
        ints ? "a list of integers (2,4,8 or 2:1024)" : "a list of sizes (8,1K,1M or 8:1G)";
    if (strchr(copy, ':')) {
        char *a = strtok_r(copy, ":", &save), *b = strtok_r(NULL, ":", &save),
             *c = strtok_r(NULL, ":", &save);
        double lo, hi, f = 2;
        char *e, why[256];
        if (!a || !b || strtok_r(NULL, ":", &save) || parse_size(a, &lo, why, sizeof why) ||
            parse_size(b, &hi, why, sizeof why) || (c && ((f = strtod(c, &e)), *e || !(f > 1))) ||
            lo > hi || (lo <= 0)) {
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "%s: \"%s\" is not %s (range needs 0 < MIN <= MAX, FACTOR > 1)", opt, s,
                            what);

        } else {
            for (double v = lo; v <= hi * (1 + 1e-12) && rc == 0; v *= f)
                if (push(out, n, floor(v + 0.5))) /* whole bytes, whole counts */
                    rc = fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\": too many values", opt, s);
        }
    } else {
        for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0;
             tok = strtok_r(NULL, ",", &save)) {
            double v;
            char why[256];
            if (parse_size(tok, &v, why, sizeof why) || (ints && v != floor(v)))
                rc = ints ? fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\" in \"%s\" is not an integer",
                                       opt, tok, s)
                          : fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\" in \"%s\": %s", opt, tok, s,
                                       why);
            else if (push(out, n, v))
                rc = fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\": too many values", opt, s);
        }
        if (rc == 0 && *n == 0) rc = fs_err_set(err, FS_EXIT_INPUT, "%s: empty list", opt);
    }
    free(copy);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int fs_cli_sizes(const char *opt, const char *s, double **out, size_t *n, fs_err *err)
{
    return parse_list(opt, s, false, out, n, err);
}

int fs_cli_ints(const char *opt, const char *s, long lo, long hi, long **out, size_t *n,
                fs_err *err)
{
    double *v;
    int rc = parse_list(opt, s, true, &v, n, err);
    if (rc) return rc;
    *out = malloc(*n * sizeof **out);
    if (!*out) {
        free(v);
        return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    }
    for (size_t i = 0; i < *n; i++) {
        if (v[i] < lo || v[i] > hi) {
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s: %.0f is out of range (%ld..%ld)", opt, v[i],
                            lo, hi);
            break;
        }
        (*out)[i] = (long)v[i];
    }
    free(v);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int fs_cli_number(const char *opt, const char *s, bool allow_zero, double *v, fs_err *err)
{
    char *e;
    errno = 0;
    double d = strtod(s, &e);
    if (e == s || *e || errno || !isfinite(d) || d < 0 || (!allow_zero && d == 0))
        return fs_err_set(err, FS_EXIT_INPUT, "%s: \"%s\" is not a number %s", opt, s,
                          allow_zero ? ">= 0" : "> 0");
    *v = d;
    return 0;
}

int fs_cli_words(const char *opt, const char *s, const char *const *allowed, int *out, size_t max,
                 size_t *n, fs_err *err)
{
    char *copy = strdup(s), *save = NULL;
    if (!copy) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    int rc = 0;
    *n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        int k = -1;
        for (int i = 0; allowed[i]; i++)
            if (strcasecmp(tok, allowed[i]) == 0) k = i;
        if (k < 0) {
            char list[300] = "";
            for (int i = 0; allowed[i]; i++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", allowed[i]);
            }
            rc = fs_err_set(err, FS_EXIT_INPUT, "%s: unknown \"%s\" (known: %s)", opt, tok, list);
        } else if (*n < max) {
            out[(*n)++] = k;
        }
    }
    if (rc == 0 && *n == 0) rc = fs_err_set(err, FS_EXIT_INPUT, "%s: empty list", opt);
    free(copy);
    return rc;
}

#include <jansson.h>

#include "results.h"
#include "collective_model.h"

int fs_cli_bad_option(const char *cmd, int c, int optopt_, char **argv, int optind_)
{
    const char *arg = optind_ > 0 ? argv[optind_ - 1] : "?";
    if (c == ':')
        fprintf(stderr, "fabscale %s: option %s needs a value (see fabscale %s --help)\n", cmd, arg,
                cmd);
    else if (optopt_ && optopt_ != '?')
        fprintf(stderr, "fabscale %s: unknown option -%c (see fabscale %s --help)\n", cmd, optopt_,
                cmd);
    else
        fprintf(stderr, "fabscale %s: unknown option %s (see fabscale %s --help)\n", cmd, arg, cmd);
    return FS_EXIT_INPUT;
}

int fs_cli_load(const char *cmd, char **paths, int n, fs_results **out, fs_err *err)
{
    if (n <= 0)
        return fs_err_set(err, FS_EXIT_INPUT, "%s: no RESULTS file given (see fabscale %s --help)",
                          cmd, cmd);
    return fs_results_load_all(paths, (size_t)n, out, err);
}

int fs_cli_osu_ranks(fs_results *r, size_t n, int ranks, size_t *unknown, fs_err *err)
{
    size_t left = 0;
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < r[f].nruns; i++) {
            fs_run *run = &r[f].runs[i];
            if (run->ranks != 0 || fs_coll_parse(run->benchmark) < 0) continue;
            if (ranks <= 0) {
                left++;
                continue;
            }
            int rc = fs_osu_set_ranks(run, ranks, err);
            if (rc) return rc;
        }
    if (unknown) *unknown = left;
    return 0;
}

int fs_cli_print_json(void *json)
{
    json_t *j = json;
    if (!j) {
        fprintf(stderr, "fabscale: out of memory building JSON\n");
        return FS_EXIT_RUNTIME;
    }
    int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8));
    fputc('\n', stdout);
    json_decref(j);
    return rc ? FS_EXIT_RUNTIME : 0;
}

void *fs_cli_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}
