/*
 * fuzz_launcher.c - libFuzzer target for the launcher-prefix stripping
 * (analysis/readers/prefix.c: mpirun --tag-output / --timestamp-output,
 * srun --label, -prepend-rank) and the loader behind it.  Invariants: the
 * stripped text has exactly the lines of the input (messages name the
 * user's line numbers) and is no longer than it; then the whole loader
 * (sniffing, every reader, bounds) runs on the input and refuses with one
 * line or accepts what survives the import round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "check.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_nl(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += s[i] == '\n';
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0; /* the loader refuses binary data */
    const char *text = (const char *)data;
    char *out = NULL;
    size_t olen = 0;
    const char *what = NULL;
    int sp = fs_strip_launcher_prefixes(text, size, &out, &olen, &what);
    FS_FUZZ_CHECK(sp >= -1 && sp <= 1, "status %d", sp);
    if (sp == 1) {
        FS_FUZZ_CHECK(out && what, "stripped without text or launcher name");
        FS_FUZZ_CHECK(olen <= size, "stripped %zu > %zu bytes", olen, size);
        FS_FUZZ_CHECK(count_nl(out, olen) == count_nl(text, size), "line count changed");
        FS_FUZZ_CHECK(strlen(out) == olen, "length %zu, NUL at %zu", olen, strlen(out));
    } else {
        FS_FUZZ_CHECK(!out, "text returned with status %d", sp);
    }
    free(out);
    fs_results r;
    fs_err err = {0};
    int rc = fs_results_parse(text, size, "fuzz.txt", &r, &err);
    if (rc != 0) FS_FUZZ_CHECK_ERR(err);
    if (rc == 0) {
        fs_fuzz_roundtrip(&r);
        fs_results_free(&r);
    }
    return 0;
}
