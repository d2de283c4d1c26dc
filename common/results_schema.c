/* results_schema.c - the JSON Schema of fabscale.results/1, from the field
 * table (docs/results.schema.json is this, written by fs-results-schema). */
#include <stdbool.h>

#include "results_doc.h"
#include "results_fields.h"

static json_t *nullable(const char *type)
{
    return json_pack("{s:[s,s]}", "type", type, "null");
}

static json_t *object_schema(const fs_field_list *L, const char *title, json_t *more_props,
                             json_t *more_required);

static json_t *field_schema(const fs_field *f)
{
    json_t *s = NULL;
    if (f->schema) s = json_loads(f->schema, 0, NULL);
    if (!s) {
        switch (f->type) {
        case FS_FT_STRING:
            s = f->flags & FS_FIELD_REQUIRED ? json_pack("{s:s}", "type", "string")
                                             : nullable("string");
            break;
        case FS_FT_INT:
            s = nullable("integer");
            break;
        case FS_FT_NUMBER:
            s = nullable("number");
            break;
        case FS_FT_COUNT:
            s = f->flags & FS_FIELD_REQUIRED
                    ? json_pack("{s:s,s:i}", "type", "number", "minimum", 0)
                    : json_pack("{s:[s,s],s:i}", "type", "number", "null", "minimum", 0);
            break;
        case FS_FT_BOOL:
        case FS_FT_TRIBOOL:
            s = nullable("boolean");
            break;
        case FS_FT_STRINGS:
            s = json_pack("{s:[s,s],s:{s:s}}", "type", "array", "null", "items", "type", "string");
            break;
        case FS_FT_PAIR:
            s = json_pack("{s:[s,s],s:{s:[s,s]},s:i}", "type", "array", "null", "items", "type",
                          "string", "null", "maxItems", 2);
            break;
        case FS_FT_OBJECT:
            s = nullable("object");
            break;
        case FS_FT_NOTES:
            s = json_pack("{s:[s,s],s:{s:s}}", "type", "array", "null", "items", "type", "string");
            break;
        case FS_FT_STATS:
            s = object_schema(&fs_stats_fields, NULL, NULL, NULL);
            json_object_set_new(s, "type", json_pack("[s,s]", "object", "null"));
            break;
        case FS_FT_KIND:
        case FS_FT_PASS:
            s = json_object();
            break;
        }
    }
    json_object_set_new(s, "description", json_string(f->doc));
    return s;
}

static json_t *object_schema(const fs_field_list *L, const char *title, json_t *more_props,
                             json_t *more_required)
{
    json_t *props = json_object(), *required = json_array();
    for (size_t i = 0; i < L->n; i++) {
        json_object_set_new(props, L->f[i].name, field_schema(&L->f[i]));
        if (L->f[i].flags & FS_FIELD_REQUIRED)
            json_array_append_new(required, json_string(L->f[i].name));
    }
    if (more_props) json_object_update(props, more_props);
    json_decref(more_props);
    if (more_required) json_array_extend(required, more_required);
    json_decref(more_required);
    json_t *s = json_pack("{s:s}", "type", "object");
    if (title) json_object_set_new(s, "title", json_string(title));
    json_object_set_new(s, "properties", props);
    if (json_array_size(required))
        json_object_set_new(s, "required", required);
    else
        json_decref(required);
    /* Unknown members are allowed (and kept by fabscale import). */
    json_object_set_new(s, "additionalProperties", json_true());
    return s;
}

json_t *fs_results_schema(void)
{
    json_t *point = object_schema(&fs_point_fields, "point", NULL, NULL);
    json_t *run =
        object_schema(&fs_run_fields, "run",
                      json_pack("{s:{s:s,s:o}}", "points", "type", "array", "items", point),
                      json_pack("[s]", "points"));
    json_t *meta = object_schema(&fs_meta_fields, "meta", NULL, NULL);
    json_object_set_new(meta, "type", json_pack("[s,s]", "object", "null"));
    json_t *doc =
        json_pack("{s:s,s:s,s:s,s:{s:{s:s},s:o,s:{s:s,s:o}},s:[s,s]}", "$schema",
                  "https://json-schema.org/draft/2020-12/schema", "title", FS_RESULTS_SCHEMA,
                  "type", "object", "properties", "schema", "const", FS_RESULTS_SCHEMA, "meta",
                  meta, "runs", "type", "array", "items", run, "required", "schema", "runs");
    return doc;
}
