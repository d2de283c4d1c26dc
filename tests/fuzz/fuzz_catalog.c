/*
 * fuzz_catalog.c - libFuzzer target for the catalogue reader (issue 6:
 * analysis/catalog*.c): a user catalogue (--catalog FILE) with instances,
 * workloads and prices arrays, merged by name.  The input is merged into
 * an empty catalogue, then once more (every name is then known, so the
 * second pass takes the override path); the whole input is also tried as
 * a --price TYPE=USD spec.  Invariants: what was accepted once is accepted
 * again, every merged entry is found by its name, a refusal says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    fs_catalog c;
    memset(&c, 0, sizeof c);
    fs_err err = {0};
    int rc = fs_catalog_merge_text(&c, text, size, "fuzz.json", &err);
    if (rc != 0) FS_FUZZ_CHECK_ERR(err);
    if (rc == 0) {
        size_t ninst = c.ninst, nwork = c.nwork, nprice = c.nprice;
        memset(&err, 0, sizeof err);
        rc = fs_catalog_merge_text(&c, text, size, "fuzz.json", &err);
        FS_FUZZ_CHECK(rc == 0, "accepted once, refused again: %s", err.msg);
        FS_FUZZ_CHECK(c.ninst == ninst && c.nwork == nwork && c.nprice == nprice,
                      "merging the same entries again added some");
        for (size_t i = 0; i < c.ninst; i++)
            FS_FUZZ_CHECK(fs_catalog_instance(&c, c.inst[i].name), "%s", c.inst[i].name);
        for (size_t i = 0; i < c.nwork; i++)
            FS_FUZZ_CHECK(fs_catalog_workload(&c, c.work[i].name), "%s", c.work[i].name);
        for (size_t i = 0; i < c.nprice; i++)
            FS_FUZZ_CHECK(fs_catalog_price(&c, c.price[i].instance), "%s", c.price[i].instance);
        char names[128];
        fs_catalog_instance_names(&c, names, sizeof names);
        fs_catalog_workload_names(&c, names, sizeof names);
    }

    /* the same bytes as a command-line --price (ends at the first NUL) */
    char *spec = malloc(size + 1);
    if (spec) {
        memcpy(spec, data, size);
        spec[size] = '\0';
        memset(&err, 0, sizeof err);
        /* the user's own text: echoing it as it is (newlines too) is fine */
        if (fs_catalog_set_price(&c, spec, &err) != 0)
            FS_FUZZ_CHECK(err.msg[0], "refused without a reason");
        free(spec);
    }
    fs_catalog_free(&c);
    return 0;
}
