/*
 * meta_diff.h - what differs between the conditions two results files were
 * measured under: software (fabscale, MPI library, libfabric), machine
 * (instance type, DMI, CPU, kernel when recorded, network devices), job
 * (ranks, hosts, binding), the providers and fabrics the runs used, and
 * every recorded setting (options and FI_* / OMPI_MCA_* environment).
 * Pure; `fabscale diff` prints it beside the point comparison.
 */
#ifndef FS_META_DIFF_H
#define FS_META_DIFF_H

#include <stddef.h>

#include "diag.h"
#include "results_doc.h"

typedef struct fs_meta_change {
    char *what;  /* "MPI library", "setting FI_PROVIDER", ... */
    char *a, *b; /* the values as text; NULL where a file does not record it */
} fs_meta_change;

/* The items whose values differ (absent on one side counts), in a fixed
 * order.  Items neither file records are left out.  Returns 0 or
 * FS_EXIT_RUNTIME (out of memory). */
int fs_meta_diff(const fs_results *a, const fs_results *b, fs_meta_change **out, size_t *n,
                 fs_err *err);
void fs_meta_changes_free(fs_meta_change *c, size_t n);

#endif
