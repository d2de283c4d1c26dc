/* sizes.h - the byte-size grammar of both programs, and fabscale-bench's
 * size lists ("MIN:MAX" sweeps, explicit lists). */
#ifndef FS_SIZES_H
#define FS_SIZES_H

#include <stdbool.h>
#include <stddef.h>

#define FS_SIZES_MAX 512

typedef struct fs_sizes {
    size_t n;
    size_t v[FS_SIZES_MAX];
} fs_sizes;

/* One size, in bytes (docs/results-format.md, "Sizes"):
 *   SIZE := NUMBER [MULTIPLE ["i"]] ["B"]
 *   NUMBER: decimal digits, optionally with a fraction and an exponent
 *           ("8", "1.5", "1e6", "2.5e3")
 *   MULTIPLE: K, M, G, T (any case) = 2^10, 2^20, 2^30, 2^40; "i" and "B"
 *           change nothing (4K = 4Ki = 4KiB = 4096)
 * The result must be a whole number of bytes (1.5K = 1536; 1.3 and 0.1K are
 * refused) below 2^64; plain digits are read exactly.
 * Returns 0, or -1 with a one-line reason in why. */
int fs_parse_size(const char *s, size_t *out, char *why, size_t whylen);

/* The grammar as both programs' --help texts say it. */
#define FS_SIZE_GRAMMAR_HELP                                                                       \
    "Sizes are bytes; K, M, G, T are binary multiples (4K = 4Ki = 4KiB = 4096), and a\n"           \
    "fraction or an exponent must give whole bytes (1.5M = 1572864, 1e6 = 1000000).\n"

/* Parse "MIN:MAX" (powers of two from MIN to MAX; with half_steps also the
 * 1.5x points between) or "A,B,C" (sorted, duplicates removed).  MIN may be 0. */
int fs_parse_sizes(const char *s, bool half_steps, fs_sizes *out, char *why, size_t whylen);

#endif
