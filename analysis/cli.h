/*
 * cli.h - argument parsing shared by the subcommands: sizes with K/M/G
 * suffixes, lists and power-of-two ranges, and the common output flags.
 * Parsers return 0, or FS_EXIT_INPUT with a one-line message in err.
 */
#ifndef FS_CLI_H
#define FS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum fs_out { FS_OUT_TEXT, FS_OUT_JSON, FS_OUT_CSV } fs_out;

/* "8", "64K", "1M", "2G", "1KiB", "1.5M": K = 1024. */
int fs_cli_size(const char *opt, const char *s, double *bytes, fs_err *err);
/* "LIST" of sizes ("8,1K,1M") or a range "MIN:MAX[:FACTOR]" (default factor 2). */
int fs_cli_sizes(const char *opt, const char *s, double **out, size_t *n, fs_err *err);
/* Integers: "2,4,16" or "MIN:MAX[:FACTOR]"; each within [lo, hi]. */
int fs_cli_ints(const char *opt, const char *s, long lo, long hi, long **out, size_t *n,
                fs_err *err);
/* A finite number > 0 (or >= 0 when allow_zero). */
int fs_cli_number(const char *opt, const char *s, bool allow_zero, double *v, fs_err *err);
/* Comma-separated words, each in `allowed` (NULL-terminated). */
int fs_cli_words(const char *opt, const char *s, const char *const *allowed, int *out, size_t max,
                 size_t *n, fs_err *err);

/* Print "fabscale: MSG" (the one line) and return its status. */
int fs_cli_fail(const fs_err *err);

/* getopt_long's '?' and ':' as one line: "fabscale CMD: unknown option --x". */
int fs_cli_bad_option(const char *cmd, int c, int optopt_, char **argv, int optind_);
/* Load the RESULTS operands (at least one). */
struct fs_results;
int fs_cli_load(const char *cmd, char **paths, int n, struct fs_results **out, fs_err *err);
/* --osu-ranks P: give P ranks to the collective runs of n loaded files that
 * do not say how many ranks they had (OSU logs), converting OSU's
 * per-process sizes to fabscale's (fs_osu_set_ranks).  P <= 0 leaves them
 * alone; *unknown (may be NULL) counts collective runs still without ranks.
 * 0 or FS_EXIT_RUNTIME. */
int fs_cli_osu_ranks(struct fs_results *r, size_t n, int ranks, size_t *unknown, fs_err *err);
/* Print a jansson value to stdout (consumes it); 1 on failure. */
int fs_cli_print_json(void *json);
/* JSON number or null for NAN/inf. */
void *fs_cli_num(double v);
#endif
