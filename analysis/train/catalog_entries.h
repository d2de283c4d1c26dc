/*
 * catalog_entries.h - merge one instance / workload / price entry into the
 * catalogue (by name: override the given fields, or add a complete entry).
 * Internal to catalog*.c.
 */
#ifndef FS_CATALOG_ENTRIES_H
#define FS_CATALOG_ENTRIES_H

#include <jansson.h>

#include "catalog.h"
#include "catalog_fields.h"

int fs_catalog_merge_instance(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err);
int fs_catalog_merge_workload(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err);
int fs_catalog_merge_price(fs_catalog *c, json_t *obj, fs_entry_ctx *ctx, fs_err *err);

#endif
