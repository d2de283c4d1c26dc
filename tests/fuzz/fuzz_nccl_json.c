/*
 * fuzz_nccl_json.c - libFuzzer target for the nccl-tests -J JSON reader.
 * Calls the reader directly on every JSON object that the loader would
 * hand it (fs_looks_like_nccl_json), then checks the import round trip.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "check.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!root) return 0;
    if (json_is_object(root) && fs_looks_like_nccl_json(root)) {
        fs_src s = {(const char *)data, size, "fuzz.json", root, NULL};
        fs_results r;
        memset(&r, 0, sizeof r);
        r.format = FS_FORMAT_NCCL_JSON;
        fs_err err = {0};
        int rc = fs_read_nccl_json(&s, &r, &err);
        if (rc == 0) rc = fs_results_check_bounds(&s, &r, &err); /* as the loader does */
        if (rc != 0) FS_FUZZ_CHECK_ERR(err);
        if (rc == 0) fs_fuzz_roundtrip(&r);
        fs_results_free(&r);
    }
    json_decref(root);
    return 0;
}
