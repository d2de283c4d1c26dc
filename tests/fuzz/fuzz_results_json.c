/*
 * fuzz_results_json.c - libFuzzer target for the results loader's entry
 * point, fs_results_parse(), seeded with fabscale.results/1 files: format
 * sniffing, the fabscale JSON reader, the JSON line locator used in its
 * messages, the usable-points check, and the import round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "check.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fs_results r;
    fs_err err = {0};
    int rc = fs_results_parse((const char *)data, size, "fuzz.json", &r, &err);
    /* A refusal must say why, in one line, with the right status. */
    if (rc != 0) {
        FS_FUZZ_CHECK(rc == FS_EXIT_INPUT, "status %d for bad input: %s", rc, err.msg);
        FS_FUZZ_CHECK_ERR(err);
    } else {
        fs_fuzz_roundtrip(&r);
        fs_results_free(&r);
    }
    return 0;
}
