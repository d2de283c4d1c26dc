/* sizes.h - message size lists: "MIN:MAX" sweeps, explicit lists, K/M/G suffixes. */
#ifndef FS_SIZES_H
#define FS_SIZES_H

#include <stdbool.h>
#include <stddef.h>

#define FS_SIZES_MAX 512

typedef struct fs_sizes {
    size_t n;
    size_t v[FS_SIZES_MAX];
} fs_sizes;

/* Parse one size with an optional K/M/G (binary) suffix, e.g. "4K" = 4096.
 * Returns 0, or -1 with a reason in why. */
int fs_parse_size(const char *s, size_t *out, char *why, size_t whylen);

/* Parse "MIN:MAX" (powers of two from MIN to MAX; with half_steps also the
 * 1.5x points between) or "A,B,C" (sorted, duplicates removed).  MIN may be 0. */
int fs_parse_sizes(const char *s, bool half_steps, fs_sizes *out, char *why, size_t whylen);

#endif
