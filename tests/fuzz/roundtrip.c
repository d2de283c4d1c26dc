/* roundtrip.c - see roundtrip.h. */
#include <jansson.h>
#include "roundtrip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the loader (results.c) calls a usable point: a file whose points
 * are all unusable is refused, so the copy may be refused too. */
static int any_usable(const fs_results *r)
{
    for (size_t i = 0; i < r->nruns; i++)
        for (size_t j = 0; j < r->runs[i].npoints; j++) {
            const fs_point *p = &r->runs[i].points[j];
            if (isfinite(p->bytes) && (isfinite(p->time_us.p50) || isfinite(p->time_us.mean) ||
                                       isfinite(p->bandwidth_GBps) || isfinite(p->busbw_GBps)))
                return 1;
        }
    return 0;
}

/* Like check.h's FS_FUZZ_CHECK, with the JSON that was written. */
static void fail(const char *why, const char *detail, const char *json)
{
    fprintf(stderr, "fuzz invariant broken (roundtrip): %s: %s\n--- written ---\n%.2000s\n", why,
            detail, json ? json : "(none)");
    abort();
}

void fs_fuzz_roundtrip(const fs_results *r)
{
    char *json = fs_results_to_json(r, 1);
    if (!json) fail("fs_results_to_json returned NULL", "", NULL);
    fs_results back;
    fs_err err = {0};
    int rc = fs_results_parse(json, strlen(json), "roundtrip.json", &back, &err);
    if (rc) {
        if (any_usable(r)) fail("written results do not read back", err.msg, json);
        free(json);
        return;
    }
    if (back.nruns != r->nruns) fail("run count changed", "", json);
    for (size_t i = 0; i < r->nruns; i++) {
        if (back.runs[i].npoints != r->runs[i].npoints) fail("point count changed", "", json);
        if (strcmp(back.runs[i].benchmark, r->runs[i].benchmark) != 0)
            fail("benchmark name changed", r->runs[i].benchmark, json);
        for (size_t j = 0; j < r->runs[i].npoints; j++)
            if (isfinite(back.runs[i].points[j].bytes) != isfinite(r->runs[i].points[j].bytes))
                fail("point size lost", "", json);
    }
    /* Lossless: what was written reads back into the same document. */
    char *again = fs_results_to_json(&back, 1);
    json_t *a = json_loads(json, 0, NULL), *b = again ? json_loads(again, 0, NULL) : NULL;
    if (!a || !b || !json_equal(a, b)) fail("written again, the document changed", again, json);
    json_decref(a);
    json_decref(b);
    free(again);
    fs_results_free(&back);
    free(json);
}
