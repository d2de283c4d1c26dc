/*
 * fuzz_sizes.c - libFuzzer target for fabscale-bench's --sizes parsing
 * (common/sizes.c: fs_parse_sizes, fs_parse_size).  The first byte
 * chooses --half-steps, the rest is the argument.  Invariants: an accepted
 * list is non-empty, bounded and strictly increasing; a refusal says why (the
 * argument is the user's own text, so it may be echoed as it is).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sizes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    bool half = data[0] & 1;
    /* argv strings end at their first NUL: so does the argument here. */
    char *s = malloc(size);
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';

    fs_sizes out;
    char why[256];
    why[0] = '\0';
    if (fs_parse_sizes(s, half, &out, why, sizeof why) == 0) {
        FS_FUZZ_CHECK(out.n > 0 && out.n <= FS_SIZES_MAX, "%zu sizes", out.n);
        for (size_t i = 1; i < out.n; i++)
            FS_FUZZ_CHECK(out.v[i] > out.v[i - 1], "sizes[%zu] = %zu", i, out.v[i]);
    } else {
        FS_FUZZ_CHECK(why[0], "refused without a reason");
    }

    size_t v;
    why[0] = '\0';
    if (fs_parse_size(s, &v, why, sizeof why) == 0) {
        /* a plain decimal number means exactly itself */
        size_t k = 0;
        while (isdigit((unsigned char)s[k])) k++;
        if (s[k] == '\0') {
            errno = 0;
            unsigned long long want = strtoull(s, NULL, 10);
            FS_FUZZ_CHECK(errno != 0 || want == v, "%s read as %zu", s, v);
        }
    } else {
        FS_FUZZ_CHECK(why[0], "refused without a reason");
    }
    free(s);
    return 0;
}
