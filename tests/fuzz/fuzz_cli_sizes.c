/*
 * fuzz_cli_sizes.c - libFuzzer target for the analysis program's size and
 * integer list options (analysis/cli.c: --sizes "8:1G:8", --ranks
 * "2,4,16").  The first byte chooses sizes or ints.  Invariants: an
 * accepted list is non-empty and its values are finite, non-negative
 * numbers (ints within the bounds asked for); a refusal says why.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    bool ints = data[0] & 1;
    char *s = malloc(size);
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    fs_err err = {0};
    size_t n = 0;
    if (ints) {
        long *v = NULL;
        if (fs_cli_ints("--ranks", s, 1, 1L << 24, &v, &n, &err) == 0) {
            FS_FUZZ_CHECK(n > 0, "empty list accepted");
            for (size_t i = 0; i < n; i++)
                FS_FUZZ_CHECK(v[i] >= 1 && v[i] <= 1L << 24, "value %ld", v[i]);
            free(v);
        } else {
            FS_FUZZ_CHECK(err.msg[0], "refused without a reason");
            FS_FUZZ_CHECK(!v, "list returned with an error");
        }
    } else {
        double *v = NULL;
        if (fs_cli_sizes("--sizes", s, &v, &n, &err) == 0) {
            FS_FUZZ_CHECK(n > 0, "empty list accepted");
            for (size_t i = 0; i < n; i++)
                FS_FUZZ_CHECK(isfinite(v[i]) && v[i] >= 0, "size %g", v[i]);
            free(v);
        } else {
            FS_FUZZ_CHECK(err.msg[0], "refused without a reason");
            FS_FUZZ_CHECK(!v, "list returned with an error");
        }
        double b;
        memset(&err, 0, sizeof err);
        if (fs_cli_size("--bytes", s, &b, &err) == 0)
            FS_FUZZ_CHECK(isfinite(b) && b >= 0, "size %g", b);
    }
    free(s);
    return 0;
}
