/*
 * fabscale_json.c - fabscale.results/1: reading is the common library's
 * (common/results_read.c); here is what `fabscale import` adds when it
 * writes several files, of any format, as one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"

int fs_read_fabscale_json(const fs_src *s, fs_results *out, fs_err *err)
{
    return fs_results_from_json(s->root, s->text, s->len, s->path, out, err);
}

static json_t *str(const char *s)
{
    json_t *j = s ? json_string(s) : NULL; /* NULL: not UTF-8 */
    return j ? j : json_null();
}

/* A run of another format says where it came from. */
static json_t *run_json(const fs_results *r, const fs_run *run)
{
    json_t *jr = fs_run_to_json(run);
    if (r->format != FS_FORMAT_FABSCALE && !json_object_get(jr, "imported_from")) {
        json_object_set_new(
            jr, "imported_from",
            json_pack("{s:s,s:o}", "format", fs_format_name(r->format), "file", str(r->path)));
    }
    return jr;
}

/* Meta of an import: the first fabscale file's, whole, when every input is
 * a fabscale file (importing one file gives it back member for member);
 * else a new one that names the import and keeps what the sources said. */
static json_t *meta_json(const fs_results *r, size_t n)
{
    bool all_fabscale = n > 0;
    for (size_t i = 0; i < n; i++) all_fabscale &= r[i].format == FS_FORMAT_FABSCALE;
    int ranks = 0;
    bool complete = true;
    json_t *hosts = json_array();
    for (size_t i = 0; i < n; i++) {
        if (r[i].meta.ranks > ranks) ranks = r[i].meta.ranks;
        complete = complete && (r[i].format != FS_FORMAT_FABSCALE || r[i].meta.complete);
        for (size_t h = 0; h < r[i].meta.nhosts; h++) {
            bool seen = false;
            for (size_t k = 0; k < json_array_size(hosts) && !seen; k++)
                seen = strcmp(json_string_value(json_array_get(hosts, k)), r[i].meta.hosts[h]) == 0;
            if (!seen) json_array_append_new(hosts, json_string(r[i].meta.hosts[h]));
        }
    }
    if (all_fabscale) {
        json_t *meta = fs_meta_to_json(&r[0].meta);
        if (n > 1) {
            json_object_set_new(meta, "ranks", ranks ? json_integer(ranks) : json_null());
            json_object_set_new(meta, "hosts", hosts);
        } else {
            json_decref(hosts);
        }
        json_object_set_new(meta, "complete", json_boolean(complete));
        return meta;
    }
    /* Meta comes from the first file that has it; hosts are the union. */
    const fs_meta *m = NULL;
    for (size_t i = 0; i < n && !m; i++)
        if (r[i].meta.version || r[i].meta.command || r[i].meta.nhosts) m = &r[i].meta;
    json_t *meta = json_object();
    json_object_set_new(meta, "version", str(FS_VERSION));
    json_t *cmd = json_string("fabscale import");
    for (size_t i = 0; i < n; i++) {
        char buf[1200];
        snprintf(buf, sizeof buf, "%s %s", json_string_value(cmd), r[i].path ? r[i].path : "-");
        json_string_set(cmd, buf);
    }
    json_object_set_new(meta, "command", cmd);
    json_object_set_new(meta, "source_command", str(m ? m->command : NULL));
    json_object_set_new(meta, "source_version", str(m ? m->version : NULL));
    json_object_set_new(meta, "start_time", str(m ? m->start_time : NULL));
    json_object_set_new(meta, "ranks", ranks ? json_integer(ranks) : json_null());
    json_object_set_new(meta, "hosts", hosts);
    json_object_set_new(meta, "instance_type", str(m ? m->instance_type : NULL));
    json_object_set_new(meta, "cpu_model", str(m ? m->cpu_model : NULL));
    json_object_set_new(meta, "mpi_library", str(m ? m->mpi_library : NULL));
    json_object_set_new(meta, "libfabric_version", str(m ? m->libfabric_version : NULL));
    json_object_set_new(meta, "complete", json_boolean(complete));
    return meta;
}

char *fs_results_to_json(const fs_results *r, size_t n)
{
    json_t *runs = json_array();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i].nruns; k++)
            json_array_append_new(runs, run_json(&r[i], &r[i].runs[k]));
    json_t *root = json_pack("{s:s,s:o,s:o}", "schema", FS_RESULTS_SCHEMA, "meta", meta_json(r, n),
                             "runs", runs);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        json_t *v;
        json_object_foreach(r[i].extra, key, v) if (!json_object_get(root, key))
            json_object_set(root, key, v);
    }
    char *txt = fs_results_dumps(root);
    json_decref(root);
    return txt;
}
