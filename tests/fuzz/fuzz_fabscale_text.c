/*
 * fuzz_fabscale_text.c - libFuzzer target for the reader of fabscale-bench's
 * stdout table (analysis/readers/fabscale_text.c).
 * Calls the reader directly on text without NUL bytes (what the loader
 * would hand it), then checks the import round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "check.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0; /* the loader refuses binary data */
    const char *text = (const char *)data;
    (void)fs_looks_like_fabscale_text(text, size);
    fs_src s = {text, size, "fuzz.txt", NULL, NULL};
    fs_results r;
    memset(&r, 0, sizeof r);
    r.format = FS_FORMAT_FABSCALE_TEXT;
    fs_err err = {0};
    int rc = fs_read_fabscale_text(&s, &r, &err);
    if (rc == 0) rc = fs_results_check_bounds(&s, &r, &err); /* as the loader does */
    if (rc != 0) FS_FUZZ_CHECK_ERR(err);
    if (rc == 0) fs_fuzz_roundtrip(&r);
    fs_results_free(&r);
    return 0;
}
