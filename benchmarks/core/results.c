/* results.c - fabscale-bench's results document (see results.h). */
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fs_results *fs_bench_results_new(json_t *meta)
{
    fs_results *doc = calloc(1, sizeof *doc);
    fs_err err = {0};
    if (doc && fs_meta_from_json(meta, &doc->meta, &err)) {
        /* metadata.c writes what the table models, with the right types:
         * a refusal here is a programming error, said loudly. */
        fprintf(stderr, "fabscale-bench: %s\n", err.msg);
        fs_results_free(doc);
        free(doc);
        doc = NULL;
    }
    json_decref(meta);
    return doc;
}

fs_results *fs_bench_results_load(const char *path, char *errmsg, size_t len)
{
    fs_results *doc = calloc(1, sizeof *doc);
    fs_err err = {0};
    if (!doc) {
        snprintf(errmsg, len, "out of memory");
        return NULL;
    }
    if (fs_results_read_file(path, doc, &err)) {
        snprintf(errmsg, len, "%s", err.msg);
        free(doc);
        return NULL;
    }
    return doc;
}

void fs_bench_results_add_launch(fs_results *doc, json_t *meta)
{
    fs_meta *m = &doc->meta;
    if (!m->extra) m->extra = json_object();
    json_t *more = json_object_get(m->extra, "appended");
    if (!json_is_array(more)) json_object_set_new(m->extra, "appended", more = json_array());
    json_array_append_new(more, meta);
}

void fs_bench_results_free(fs_results *doc)
{
    fs_results_free(doc);
    free(doc);
}

void fs_bench_point_to_result(const fs_bench_point *in, fs_point *out)
{
    fs_point_clear(out);
    out->bytes = (double)in->bytes;
    out->iterations = (double)in->iterations;
    out->warmup = (double)in->warmup;
    out->converged = in->converged;
    out->time_us = in->time_us;
    out->bandwidth_GBps = in->bandwidth_GBps;
    out->msg_rate_Mps = in->msg_rate_Mps;
    out->algbw_GBps = in->algbw_GBps;
    out->busbw_GBps = in->busbw_GBps;
    out->slowest_rank = in->slowest_rank >= 0 ? in->slowest_rank : -1;
}

int fs_bench_results_save(fs_results *doc, const char *json, const char *csv, bool complete,
                          char *errmsg, size_t len)
{
    fs_err err = {0};
    doc->meta.complete = complete;
    int rc = json ? fs_results_save(doc, json, &err) : 0;
    if (!rc && csv) rc = fs_results_save_csv(doc, csv, &err);
    if (rc) snprintf(errmsg, len, "%s", err.msg);
    return rc ? -1 : 0;
}
